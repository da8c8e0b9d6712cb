"""`rrec audit --transactions FILE --verification-data DIR_OR_GIT_URL [--json] [--out DIR]`,
or `rrec audit --rpc URL --contracts FILE --verification-data ...`: audit a registry's record.

Every counted mint against the whole R-RECs its file supports, mints without
a file and files without a mint, overlapping files of one project, and each
token's holders (`minting/audit.py`). From `--rpc` the record is the chain's:
the contracts file's contracts read back from their deployment blocks. Exit 0
when every mint with a file is exactly what its file supports, 1 otherwise
(or when rows of the record could not be read: they are named and left
out), 2 for usage (and for a record with no readable row).
"""

from __future__ import annotations

import argparse
import json

from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.cli.history import load_files, load_record, print_findings
from rrec_pipeline.minting.audit import Audit, audit
from rrec_pipeline.minting.links import redact


def run(args: argparse.Namespace) -> int:
    if args.rpc:
        if not args.contracts:
            raise UsageError("--rpc needs --contracts FILE (token -> address)")
        from rrec_pipeline.resources.chain.chain_record import chain_record

        rows, findings, source = chain_record(args.rpc, args.contracts), [], redact(args.rpc)
    elif args.transactions:
        rows, findings, _ = load_record(args.transactions)
        source = str(args.transactions)
    else:
        raise UsageError("give --transactions FILE, or --rpc URL with --contracts FILE")
    if findings:
        print_findings(findings)
        if not rows:
            raise UsageError("the record cannot be audited")
    result = audit(rows, load_files(args.verification_data))
    if args.out:
        from rrec_pipeline.resources.storage.audit_files import write_audit

        written = write_audit(args.out, result, source)
        if not args.json:
            print("wrote " + ", ".join(escaped(str(path)) for path in written))
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        _print(result)
    return EXIT_OK if result.ok and not findings else EXIT_INVALID


def _print(result: Audit) -> None:
    summary = result.summary
    print(
        f"{summary['mints']} mints, {summary['with_file']} with their file: {summary['match']} "
        f"equal to the file's whole R-RECs, {summary['differ']} different"
    )
    for mint in result.mints:
        if not mint["ok"]:
            where = escaped(mint["file"] or "(no file)")
            tx = mint["tx"] or "(no transaction)"
            why = escaped("; ".join(mint["problems"]))
            print(f"  {escaped(tx)} {escaped(mint['token'])} {where}: {why}")
    for name in result.files_without_mint:
        print(f"  file without a mint: {escaped(name)}")
    for overlap in result.overlaps:
        files = ", ".join(escaped(name) for name in overlap["files"])
        print(f"  overlapping files of {escaped(overlap['project'])}: {files}")
    for problem in result.balance_problems:
        print(f"  holder: {escaped(problem)}")
