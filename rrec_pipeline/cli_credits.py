"""`rrec credits [--json] FILE.csv...`: token, credit class and credits per file.

Uses the project's reference tables with the file's country, US state/region,
installation type and year; mini-grids use the file's Type 1-MA/1-MB/2
consumption and diesel litres. Exit 1 when an eligible file cannot be credited
(a factor or figure is missing, named in `reason`) or a file is unreadable.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rrec_pipeline.checks.batch import collect_csv_paths
from rrec_pipeline.credits.for_files import CreditPolicy, CreditResult, credits_for_file
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.verification_csv.model import UnreadableFileError
from rrec_pipeline.verification_csv.reader import read_verification_file


def add_credits_parser(commands: argparse._SubParsersAction, handler) -> None:
    parser = commands.add_parser("credits", help="carbon credits of verification CSV files")
    parser.add_argument("paths", nargs="+", type=Path, metavar="FILE.csv")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument(
        "--ember-release",
        metavar="YYYY-MM-DD",
        help="use this Ember release only (default: the first release "
        "that published the generation year)",
    )
    parser.add_argument(
        "--allow-provisional-avert",
        action="store_true",
        help="also use AVERT rates not yet officially released",
    )
    parser.set_defaults(handler=handler)


def credit_files(args: argparse.Namespace) -> list[tuple[str, CreditResult]]:
    tables = load_reference()
    policy = CreditPolicy(args.ember_release, args.allow_provisional_avert)
    results = []
    for path in collect_csv_paths(args.paths):
        try:
            result = credits_for_file(read_verification_file(path), tables, policy)
        except UnreadableFileError as error:
            result = CreditResult(None, None, False, f"unreadable: {error}")
        results.append((str(path), result))
    return results


def has_failures(results: list[tuple[str, CreditResult]]) -> bool:
    """An eligible file without credits, or an unreadable one."""
    return any(
        (r.eligible and r.tco2e is None) or r.reason.startswith("unreadable") for _, r in results
    )


def render(results: list[tuple[str, CreditResult]], as_json: bool) -> str:
    if as_json:
        return json.dumps([result.to_json(file) for file, result in results], indent=2)
    lines = []
    for file, result in results:
        if result.tco2e is None:
            lines.append(
                f"{file}: {result.token or '-'} {result.credit_class or '-'}: {result.reason}"
            )
            continue
        factor = (
            ""
            if result.factor is None
            else (f" at {result.factor:g} {result.factor_unit} ({result.factor_year})")
        )
        lines.append(
            f"{file}: {result.token} {result.credit_class} {result.tco2e:.6f} tCO2e, "
            f"{result.whole_credits} whole credits{factor}"
        )
    return "\n".join(lines)
