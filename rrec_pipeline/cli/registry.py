"""`rrec registry init --from PATH... [--out FILE]`: draft `projects.csv` from verification files.

(`rrec registry import`, adopting a running registry's history, is `registry_import.py`.)

Readable files give one row per project; the time zone (when every stamp has
one offset) and the owner's wallet are left for review. Exit 0, 2 for usage
(no file read, or an existing output without `--force`).
"""

from __future__ import annotations

import argparse
import sys

from rrec_pipeline.basics.drop_files import ReadProblem, collect_csv_paths, read_source
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_OK, UsageError
from rrec_pipeline.cli.validate import existing_targets
from rrec_pipeline.registry.drafts import draft_projects
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.verification_csv.model import UnreadableFileError
from rrec_pipeline.verification_csv.reader import read_verification_bytes


def run(args: argparse.Namespace) -> int:
    if args.action == "import":
        from rrec_pipeline.cli import registry_import

        return registry_import.run(args)
    files = []
    for path, folder in collect_csv_paths(existing_targets(args.sources)):
        data = read_source(path, folder)
        try:
            if isinstance(data, ReadProblem):
                raise UnreadableFileError(data.message)
            files.append(read_verification_bytes(data, path.name))
        except UnreadableFileError as error:
            print(f"skipped {escaped(str(path))}: {error}", file=sys.stderr)
    if not files:
        raise UsageError("no readable verification file to draft from")
    text = draft_projects(files)
    if args.out is None:
        print(text, end="")
    elif args.out.exists() and not args.force:
        raise UsageError(f"{escaped(str(args.out))} exists; use --force to replace it")
    else:
        write_atomic(args.out, text.encode())
        print(f"drafted {len(text.splitlines()) - 1} projects into {escaped(str(args.out))}")
    return EXIT_OK
