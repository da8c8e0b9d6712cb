"""What `rrec registry import` and `rrec audit` read: a registry's record and its files.

The record is a JSON file (`registry/record.py` reads it with findings). The
verification data is a folder (every `*.csv` under it, links not followed,
each file's path relative to it) or a git repository (a path or a remote URL:
the `*.csv` files at its head). A path or URL that cannot be read is a usage
error; a file that cannot be read is left out with a note, so a mint that
needs it is a `record.missing_file` finding.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rrec_pipeline.basics.drop_files import ReadProblem, csv_files_in, read_source
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import UsageError
from rrec_pipeline.minting.links import redact
from rrec_pipeline.registry.history import HistoryFile
from rrec_pipeline.registry.record import (
    RecordFinding,
    RecordRow,
    contract_addresses,
    read_record,
)


def load_record(path: Path) -> tuple[list[RecordRow], list[RecordFinding], dict]:
    """(the record's rows, its findings, token -> contract address)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {escaped(str(path))}: {error.strerror}") from None
    return (*read_record(data), contract_addresses(data))


def load_files(source: str) -> list[HistoryFile]:
    folder = Path(source)
    if folder.is_dir() and not (folder / "HEAD").is_file():
        return _folder_files(folder)
    from rrec_pipeline.resources.publishing.pinned_files import FetchError, repository_csvs

    try:
        return [HistoryFile(path, data) for path, data in repository_csvs(source)]
    except FetchError as error:
        raise UsageError(redact(str(error))) from None


def _folder_files(folder: Path) -> list[HistoryFile]:
    files = []
    for path in csv_files_in(folder):
        data = read_source(path, folder)
        if isinstance(data, ReadProblem):
            print(f"skipped {escaped(str(path))}: {data.message}", file=sys.stderr)
            continue
        files.append(HistoryFile(path.relative_to(folder).as_posix(), data))
    return files


def print_findings(findings: list[RecordFinding]) -> None:
    for finding in findings:
        print(f"{finding.rule}: {finding.where}: {finding.reason}", file=sys.stderr)
