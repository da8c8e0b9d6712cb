"""`rrec plan`: the lots the registry, reservations and meter reads give, without side effects.

Prints one JSON object `{"lots": [...], "held_back": [...]}` (`--json`) or a
line per lot. Exit 0 when nothing was held back, 1 otherwise, 2 for usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import polars as pl

from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.plan import (
    make_plan,
)
from rrec_pipeline.issuance.report import plan_json, tokens_of
from rrec_pipeline.issuance.settings import plan_settings
from rrec_pipeline.registry.files import load_registry
from rrec_pipeline.tables import METER_READS
from rrec_pipeline.validation.gap_explanations import (
    GapExplanation,
    GapExplanationError,
    read_gap_explanations,
)


def scan_reads(path: Path) -> pl.LazyFrame:
    """A normalised meter-reads Parquet file, or a folder of them (hive-style or not)."""
    if path.is_dir():
        files = sorted(path.rglob("*.parquet"))
        if not files:
            raise UsageError(f"no Parquet files under {escaped(str(path))}")
        scan = pl.scan_parquet(files, hive_partitioning=False)
    elif path.is_file():
        scan = pl.scan_parquet(path, hive_partitioning=False)
    else:
        raise UsageError(f"no such file or folder: {escaped(str(path))}")
    try:
        columns = scan.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError) as error:
        raise UsageError(f"{escaped(str(path))} is not readable Parquet: {error}") from None
    missing = sorted(set(METER_READS.dtypes) - set(columns))
    if missing:
        raise UsageError(f"{escaped(str(path))} lacks meter-read columns: {', '.join(missing)}")
    return scan.select(list(METER_READS.dtypes)).cast(METER_READS.dtypes)


def run(args: argparse.Namespace) -> int:
    if not args.registry.is_dir():
        raise UsageError(f"no registry folder {escaped(str(args.registry))}")
    if args.reservations is not None and not args.reservations.is_file():
        raise UsageError(f"no reservations file {escaped(str(args.reservations))}")
    registry = load_registry(args.registry, args.reservations)
    settings = plan_settings(
        as_of=args.as_of,
        grace_days=args.grace_days,
        policy=args.policy,
        owner_frequency=args.owner_frequency,
        explanations=_explanations(args.registry),
    )
    plan = make_plan(registry, scan_reads(args.reads), settings)
    recipients = dict(
        plan.registry.reservations.select("reservation_id", "recipient_wallet").iter_rows()
    )
    report = plan_json(plan, recipients, tokens_of(registry.projects, load_reference()))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_human(report)
    return EXIT_INVALID if report["held_back"] else EXIT_OK


def _explanations(registry: Path) -> tuple[GapExplanation, ...]:
    """The registry folder's `gap_explanations.csv`, if any; an unusable one is a usage error."""
    path = registry / "gap_explanations.csv"
    if not path.is_file():
        return ()
    try:
        return read_gap_explanations(path.read_bytes())
    except GapExplanationError as error:
        raise UsageError(f"{escaped(str(path))}: {error}") from None


def _print_human(report: dict) -> None:
    for lot in report["lots"]:
        print(
            f"{lot['reservation']} {lot['project']} {lot['window_start']} .. {lot['window_end']}: "
            f"{lot['mwh']} MWh, {lot['rrecs']} R-RECs, carry {lot['carry_mwh']} MWh"
        )
    for held in report["held_back"]:
        print(
            f"held back ({held['kind']}) {', '.join(held['ids'])}: {escaped(held['reason'])}",
            file=sys.stderr,
        )
    total = sum(lot["rrecs"] for lot in report["lots"])
    print(f"{len(report['lots'])} lots, {total} R-RECs")
