"""`rrec run`: the pipeline on the current configuration, in-process, then a summary.

Meter data first (the given days, else what is new in the file drop and what
is unsettled for API sources), then the main job (verification, reference
tables, credits, registry), the issuance periods that are due, and the
minting job (publish, mint each lot once, read the chain back). Everything
lands under `RREC_HOME`; runs and checks are in the Dagster instance under
`DAGSTER_HOME` (default `$RREC_HOME/dagster_home`).
Exit 1 when a step failed or a blocking check did not pass.
"""

from __future__ import annotations

import argparse
import logging
import sys

import polars as pl

from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.jobs import ANALYSTS_JOB_NAME, MAIN_JOB_NAME, MINTING_JOB_NAME
from rrec_pipeline.locations import home_paths, publish_repository, rrec_home
from rrec_pipeline.resources.atomic import read_parquet_once
from rrec_pipeline.resources.ledger import IssuanceLedger
from rrec_pipeline.run_summary import RunOutcome, summary_lines
from rrec_pipeline.runs import Runner, open_instance, quiet_dagster
from rrec_pipeline.tables import (
    METER_READS,
    PROJECT_YEAR_CREDITS,
    VERIFICATION_FILES,
    VERIFICATION_FINDINGS,
    Table,
)


def run(args: argparse.Namespace) -> int:
    if (args.start is None) != (args.end is None):
        raise UsageError("give both --start and --end, or neither")
    if args.start and args.end < args.start:
        raise UsageError("--end is before --start")
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("rrec").setLevel(logging.INFO)
    quiet_dagster()
    home, paths = rrec_home(), home_paths()
    runner = Runner(open_instance(paths["dagster_home"]), home)
    log = logging.getLogger("rrec")
    log.info("rrec run: RREC_HOME=%s", home)
    meter_days = runner.run_meter(runner.meter_days(args.start, args.end))
    log.info("main job: verification, reference tables, credits, registry")
    main = runner.execute(MAIN_JOB_NAME)
    due = runner.due_issuance(args.as_of) if main.success else {}
    runner.run_issuance(due, args.as_of)
    log.info("minting job: publish issued lots, mint each once, read the chain back")
    minting = runner.execute(MINTING_JOB_NAME) if main.success else None
    log.info("analysts job: rebuild the DuckDB database")
    runner.execute(ANALYSTS_JOB_NAME)
    ledger = IssuanceLedger(path=str(paths["ledger"]))
    outcome = RunOutcome(
        files=_table(paths, VERIFICATION_FILES),
        findings=_table(paths, VERIFICATION_FINDINGS),
        project_years=_table(paths, PROJECT_YEAR_CREDITS),
        meter_reads=_meter_reads(paths, meter_days),
        meter_days=meter_days,
        failed_checks=runner.failed_checks(),
        failed_steps=runner.failed_steps(),
        issued=ledger.issued_lots(),
        mints=ledger.mints(),
        publish_repository=publish_repository(),
    )
    print("\n".join(summary_lines(outcome, paths)))
    print(f"\nBrowse runs and checks: scripts/ui   (DAGSTER_HOME={paths['dagster_home']})")
    blocked = any("(ERROR)" in check for check in outcome.failed_checks)
    ok = main.success and minting is not None and minting.success
    return EXIT_OK if ok and not outcome.failed_steps and not blocked else EXIT_INVALID


def _table(paths, table: Table) -> pl.DataFrame:
    path = paths["warehouse"] / table.key / "part.parquet"
    return read_parquet_once(path) if path.exists() else table.empty()


def _meter_reads(paths, days: list[str]) -> pl.DataFrame:
    folder = paths["warehouse"] / METER_READS.key
    files = [p for p in folder.glob("source=*/date=*/part.parquet") if p.parent.name[5:] in days]
    return pl.concat([read_parquet_once(p) for p in files]) if files else METER_READS.empty()
