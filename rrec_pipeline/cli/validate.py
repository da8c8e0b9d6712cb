"""`rrec validate PATH...`: the four checks of the Standard on verification CSVs.

Exit 0 when no file has an error, 1 when one has, 2 for usage errors. With
`--json`, one array: an object per file, then one for findings across files.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from rrec_pipeline.basics.drop_files import collect_csv_paths
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.validation.batch import BatchReport, FileReport, validate_paths
from rrec_pipeline.validation.config import DEFAULT_CONFIG
from rrec_pipeline.validation.gap_explanations import GapExplanationError, read_gap_explanations
from rrec_pipeline.validation.rules import Finding


def run(args: argparse.Namespace) -> int:
    paths = existing_targets(args.paths)
    config = replace(
        DEFAULT_CONFIG,
        capacity_factor=args.capacity_factor or DEFAULT_CONFIG.capacity_factor,
        gap_explanations=_explanations(args.gap_explanations),
    )
    report = validate_paths(paths, config, keep_rows=False)  # only findings and totals are printed
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print_report(report)
    return EXIT_OK if report.ok else EXIT_INVALID


def existing_targets(targets: list[Path]) -> list[Path]:
    """The files and folders given; a usage error when one is missing or none holds a CSV."""
    missing = [
        escaped(str(path)) for path in targets if not path.exists() and not path.is_symlink()
    ]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    if not collect_csv_paths(targets):
        raise UsageError(f"no CSV files found in {', '.join(escaped(str(t)) for t in targets)}")
    return targets


def _explanations(path: Path | None) -> tuple:
    if path is None:
        return ()
    if not path.is_file():
        raise UsageError(f"gap explanations file not found: {path}")
    try:
        return read_gap_explanations(path.read_bytes())
    except GapExplanationError as error:
        raise UsageError(f"gap explanations {path}: {error}") from None


def print_report(report: BatchReport) -> None:
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
        json_record = report.to_json()
        totals = (
            f" header {json_record['header_total_mwh'] or '-'} MWh, "
            f"rows {json_record['computed_total_mwh'] or '-'} MWh, {report.whole_rrecs} R-RECs"
        )
    return f"{status} {escaped(report.key)}{totals}"


def _finding_line(item: Finding) -> str:
    return f"  {item.severity:<7} {item.rule:<26} {escaped(item.message)}"
