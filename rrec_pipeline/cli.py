"""The `rrec` command line: validate verification CSVs, compute credits, fetch meter data.

Exit codes: 0 when no file has an error, 1 when one has, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from rrec_pipeline.checks.batch import BatchReport, FileReport, collect_csv_paths, validate_paths
from rrec_pipeline.checks.config import ValidationConfig
from rrec_pipeline.checks.gap_explanations import GapExplanationError, load_gap_explanations
from rrec_pipeline.checks.rules import RULES, Finding
from rrec_pipeline.cli_credits import add_credits_parser, credit_files, has_failures, render
from rrec_pipeline.cli_fetch import add_fetch_parser, fetch_days, write_reads
from rrec_pipeline.resources.http import SourceError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rrec", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="validate verification CSV files or folders")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.add_argument("--json", action="store_true", help="print one JSON array")
    validate.add_argument(
        "--gap-explanations",
        type=Path,
        metavar="CSV",
        help="registered gap explanations: project,start,end,reason",
    )
    validate.add_argument(
        "--capacity-factor",
        type=float,
        default=1.5,
        help="range.capacity bound in full-capacity hours per hour (default 1.5)",
    )
    validate.set_defaults(handler=run_validate)

    add_fetch_parser(commands, run_fetch)
    add_credits_parser(commands, run_credits)

    rules = commands.add_parser("rules", help="list the validation rules")
    output = rules.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--markdown", action="store_true", help="the docs/validation-rules.md page")
    rules.set_defaults(handler=run_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"rrec: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_validate(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if args.capacity_factor <= 0:
        raise UsageError("--capacity-factor must be positive")
    paths = collect_csv_paths(args.paths)
    if not paths:
        raise UsageError(f"no CSV files found in {', '.join(map(str, args.paths))}")
    config = ValidationConfig(
        capacity_factor=args.capacity_factor,
        gap_tolerance=timedelta(hours=24),
        gap_explanations=_explanations(args.gap_explanations),
    )
    report = validate_paths(paths, config)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        _print_human(report)
    return EXIT_OK if report.ok else EXIT_INVALID


def _explanations(path: Path | None) -> tuple:
    if path is None:
        return ()
    if not path.is_file():
        raise UsageError(f"gap explanations file not found: {path}")
    try:
        return load_gap_explanations(path)
    except GapExplanationError as error:
        raise UsageError(f"gap explanations {path}: {error}") from None


def _print_human(report: BatchReport) -> None:
    for file_report in report.files:
        print(_file_line(file_report))
        for item in file_report.findings:
            print(_finding_line(item))
    if report.cross_file:
        print("across files")
        for item in report.cross_file:
            print(_finding_line(item))
    accepted = len(report.accepted)
    print(
        f"{accepted} of {len(report.files)} files ok; "
        f"{sum(r.whole_rrecs for r in report.accepted)} whole R-RECs in ok files"
    )


def _file_line(report: FileReport) -> str:
    status = "ok  " if report.ok else "FAIL"
    totals = ""
    if report.file is not None:
        totals = (
            f" header {report.header_total_mwh} MWh, rows {report.computed_total_mwh} MWh, "
            f"{report.whole_rrecs} R-RECs"
        )
    return f"{status} {report.key}{totals}"


def _finding_line(item: Finding) -> str:
    return f"  {item.severity:<7} {item.rule:<26} {item.message}"


def run_fetch(args: argparse.Namespace) -> int:
    if args.end < args.start:
        raise UsageError("--end is before --start")
    if args.out.suffix != ".parquet":
        raise UsageError("--out must be a .parquet path")
    try:
        reads, failures = fetch_days(args)
    except SourceError as error:  # not configured: a usage problem, named by variable
        raise UsageError(str(error)) from None
    print(write_reads(reads, failures, args.out), file=sys.stderr)
    return EXIT_INVALID if failures else EXIT_OK


def run_credits(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    results = credit_files(args)
    if not results:
        raise UsageError(f"no CSV files found in {', '.join(map(str, args.paths))}")
    print(render(results, args.json))
    return EXIT_INVALID if has_failures(results) else EXIT_OK


def rules_markdown() -> str:
    """The rule catalogue page, generated so docs never drift from the registry."""
    lines = [
        "# Validation rules",
        "",
        "Generated by `rrec rules --markdown` from `rrec_pipeline/checks/rules.py`;",
        "do not edit by hand. Each family is one asset check in the Dagster UI.",
        "",
        "| Rule | Family | Severity | What it checks |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{r.id}` | {r.family} | {r.severity} | {r.description} |" for r in RULES.values()]
    return "\n".join(lines) + "\n"


def run_rules(args: argparse.Namespace) -> int:
    if args.markdown:
        print(rules_markdown(), end="")
        return EXIT_OK
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "rule": r.id,
                        "family": str(r.family),
                        "severity": str(r.severity),
                        "description": r.description,
                    }
                    for r in RULES.values()
                ],
                indent=2,
            )
        )
        return EXIT_OK
    for rule in RULES.values():
        print(f"{rule.id:<26} {rule.family:<16} {rule.severity:<8} {rule.description}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
