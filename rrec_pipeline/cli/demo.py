"""`rrec demo`: generated sample inputs through the whole pipeline, with a summary.

On an empty `RREC_HOME` it writes the demo's inputs (`demo/inputs.py`), runs
every stage with progress, then delivers one late meter export and runs again
(the late reads are reported against the window already issued), and ends with
what came in, what was issued and minted per token, the credits per class, what
a blocking check held back, and how to look further. Run again, it finds its
inputs unchanged and nothing new: no lot, no commit, no transaction, and says so.
A home holding other inputs is refused rather than mixed with the demo's.
"""

from __future__ import annotations

import argparse
import logging
import os
from decimal import Decimal
from pathlib import Path

import polars as pl

from rrec_pipeline.basics.home import home_paths, publish_repository, rrec_home
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.cli.progress import Progress
from rrec_pipeline.cli.run import RunOptions, changes_so_far, configure_logging, run_pipeline
from rrec_pipeline.credits.for_files import credits_for_file
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.demo.inputs import DemoFile, demo_files
from rrec_pipeline.demo.summary import DemoResult, demo_lines
from rrec_pipeline.minting.lot_publication import source_of
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.warehouse import Warehouse, read_table
from rrec_pipeline.runs import Runner, open_instance
from rrec_pipeline.tables import (
    ISSUANCE,
    METER_READS,
    VERIFICATION_FILES,
    VERIFICATION_FINDINGS,
)
from rrec_pipeline.verification_csv.reader import read_verification_bytes

MARKER = ".rrec-demo"  # in RREC_HOME: the inputs there are the demo's
INPUT_FOLDERS = {"registry": "registry", "meter_drop": "meter_drop", "drop": "drop"}
log = logging.getLogger("rrec")


def run(args: argparse.Namespace) -> int:
    configure_logging(logging.WARNING)
    home, paths = rrec_home(), home_paths()
    files = demo_files()
    _require_demo_home(home, paths)
    has_late = all(_path(paths, f).exists() for f in files if f.is_late)
    # The first time, the year runs without its late export, then the export
    # arrives and only meter data, issuance, minting and DuckDB run again.
    first = RunOptions() if has_late else RunOptions(analysts=False)
    late_pass = RunOptions(main=False)
    progress = Progress(1 + first.stages + (0 if has_late else late_pass.stages))
    with progress.stage(f"inputs in {home}") as notes:
        present = sum(1 for f in files if _path(paths, f).exists())
        written = write_inputs(paths, [f for f in files if not f.is_late])
        notes.append(f"{written} written, {present} already there")
    # Failures are the summary's to explain (one is planted): no tracebacks on the console.
    runner = Runner(open_instance(paths["dagster_home"]), home)
    before = changes_so_far(paths)
    outcome, ok = run_pipeline(runner, paths, first, progress)
    if not has_late:
        late = [f for f in files if f.is_late]
        write_inputs(paths, late)
        log.warning("late delivery: %s", ", ".join(f.path for f in late))
        outcome, ok = run_pipeline(runner, paths, late_pass, progress)
    result = demo_result(paths, outcome.failed_checks)
    result.over_issued = outcome.over_issued
    print()
    print("\n".join(demo_lines(result, changes_so_far(paths) - before)))
    print(_where_next(paths, progress.elapsed))
    # The demo plants its holds (a logger outage), so they do not fail it; a step does.
    return EXIT_OK if ok or not outcome.failed_steps else EXIT_INVALID


def _path(paths, file: DemoFile) -> Path:
    folder, _, rest = file.path.partition("/")
    return paths[INPUT_FOLDERS[folder]] / rest


def _require_demo_home(home: Path, paths) -> None:
    """Refuse a home whose input folders hold files the demo did not write."""
    if (home / MARKER).exists():
        return
    for key in INPUT_FOLDERS.values():
        folder = paths[key]
        if folder.exists() and any(folder.iterdir()):
            raise UsageError(
                f"{folder} already holds inputs that are not the demo's: run the demo in an "
                f"empty home, e.g. RREC_HOME={home.parent / '.rrec-demo'} rrec demo"
            )
    home.mkdir(parents=True, exist_ok=True)
    write_atomic(home / MARKER, b"inputs written by rrec demo\n")


def write_inputs(paths, files: list[DemoFile]) -> int:
    """Write the files that are missing or differ, stamped with their delivery time."""
    written = 0
    for file in files:
        path = _path(paths, file)
        if path.exists() and path.read_bytes() == file.body:
            continue
        write_atomic(path, file.body)
        stamp = file.delivered.timestamp()
        os.utime(path, (stamp, stamp))
        written += 1
    return written


def demo_result(paths, failed_checks: list[str]) -> DemoResult:
    ledger = IssuanceLedger(path=str(paths["ledger"]))
    issued = ledger.issued_lots()
    warehouse = paths["warehouse"]
    reads = Warehouse(base_dir=str(warehouse)).scan(METER_READS.key)
    return DemoResult(
        files=read_table(warehouse, VERIFICATION_FILES.key),
        findings=read_table(warehouse, VERIFICATION_FINDINGS.key),
        issued=issued,
        mints=ledger.mints(),
        lot_files=_lot_files(warehouse),
        plans=ledger.plans(),
        credits=lot_credits(paths, issued),
        failed_checks=failed_checks,
        holds=ledger.held_lots(),
        meter_files=sum(1 for p in paths["meter_drop"].rglob("*.csv")),
        meter_reads=reads.select(pl.len()).collect().item(),
    )


def _lot_files(warehouse: Path) -> pl.DataFrame:
    frames = [
        read_table(warehouse, ISSUANCE[frequency].lot_files.key).select(
            "lot_id", "is_valid", "findings"
        )
        for frequency in ISSUANCE
    ]
    return pl.concat(frames)


def lot_credits(paths, issued: pl.DataFrame) -> dict[str, Decimal]:
    """Credit class -> tCO2e of every issued window's latest verification CSV (a lot's, or a
    producer's file): a window's later version certifies it whole, so it replaces the earlier."""
    tables, totals = load_reference(), {}
    latest = issued.sort("version").unique("window_id", keep="last")
    for lot in latest.iter_rows(named=True):
        origin = source_of(lot)
        if origin is None:
            continue
        folder = paths["drop"] if origin.from_drop else paths["lots"] / origin.folder
        found = folder / origin.csv_name
        if not found.exists():
            continue
        data = read_verification_bytes(found.read_bytes(), origin.csv_name)
        result = credits_for_file(data, tables)
        if result.credit_class and result.tco2e is not None:
            totals[result.credit_class] = totals.get(result.credit_class, 0) + result.tco2e
    return totals


def _where_next(paths, seconds: float) -> str:
    home = paths["dagster_home"].parent
    return (
        f"\nDone in {seconds:.1f} s. Look further:\n"
        f"  Dagster UI   scripts/ui   (DAGSTER_HOME={paths['dagster_home']})\n"
        f"  DuckDB       RREC_HOME={home} .venv/bin/rrec sql "
        '"select token, sum(rrecs) from issuance_lots group by token"\n'
        f"  Files        {paths['lots']} (lots), {publish_repository()} (published git)"
    )
