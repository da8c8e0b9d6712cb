"""`rrec run`: the pipeline on the current configuration, in-process, then a summary.

Meter data first (the given days, else what is new in the file drop, what is
unsettled for API sources, and every day whose partition is stale), then the
main job (verification, reference tables, credits, registry), the issuance
periods that are due, and the minting job (publish, mint each lot once, read
the chain back), and last the analysts' DuckDB database. Everything lands
under `RREC_HOME`; runs and checks are in the Dagster instance under
`DAGSTER_HOME` (default `$RREC_HOME/dagster_home`). The summary lists every
held or waiting lot with its reason, and what this run added.
Exit 1 when a step failed, a blocking check did not pass, or a lot is held.
`run_pipeline` is shared with `rrec demo`, which shows each stage's progress.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from rrec_pipeline.basics import faults
from rrec_pipeline.basics.errors import SettingError
from rrec_pipeline.basics.home import home_paths, publish_repository, rrec_home
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.cli.progress import Progress
from rrec_pipeline.issuance.due import due_periods
from rrec_pipeline.issuance.plan import Plan
from rrec_pipeline.jobs import ANALYSTS_JOB_NAME, MAIN_JOB_NAME, MINTING_JOB_NAME, STAGES
from rrec_pipeline.resources.publishing.publisher import commits_in
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.warehouse import read_table
from rrec_pipeline.run_summary import Changes, RunOutcome, over_issued_text, summary_lines
from rrec_pipeline.runs import Runner, open_instance, quiet_dagster
from rrec_pipeline.tables import (
    METER_READS,
    PROJECT_YEAR_CREDITS,
    REGISTRY_FINDINGS,
    VERIFICATION_FILES,
    VERIFICATION_FINDINGS,
    Table,
)

log = logging.getLogger("rrec")


@dataclass(frozen=True)
class RunOptions:
    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    main: bool = True  # False: only meter data changed (the demo's late delivery)
    analysts: bool = True  # False: another run follows and rebuilds the DuckDB database

    @property
    def skipped(self) -> set[str]:
        return {
            name
            for name, wanted in (("main", self.main), ("analysts", self.analysts))
            if not wanted
        }

    @property
    def stages(self) -> int:
        return len(STAGES) - len(self.skipped)


def run(args: argparse.Namespace) -> int:
    if (args.start is None) != (args.end is None):
        raise UsageError("give both --start and --end, or neither")
    if args.start and args.end < args.start:
        raise UsageError("--end is before --start")
    configure_logging(logging.INFO)
    home, paths = rrec_home(), home_paths()
    preflight(home)
    runner = Runner(open_instance(paths["dagster_home"]), home)
    log.info("rrec run: RREC_HOME=%s", home)
    outcome, ok = run_pipeline(runner, paths, RunOptions(args.start, args.end, args.as_of))
    print("\n".join(summary_lines(outcome, paths)))
    print(f"\nBrowse runs and checks: scripts/ui   (DAGSTER_HOME={paths['dagster_home']})")
    return EXIT_OK if ok else EXIT_INVALID


def preflight(home) -> None:
    """Refuse a run whose settings cannot work, before anything is read or written: a bad
    number, a link template without `{commit}`, an ssh remote without a template, a
    missing bare remote (`SettingError`: one line, exit 2)."""
    from rrec_pipeline.build import default_resources

    problem = default_resources(home)["publisher"].problem()
    if problem:
        raise SettingError(problem)


def configure_logging(level: int) -> None:
    """Our own lines at `level` on stderr; Dagster's only when they are errors."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("rrec").setLevel(level)
    quiet_dagster()


@dataclass
class StagesDone:
    """What the stages so far did, for the stages after them and the summary."""

    main_ok: bool = True
    meter_days: list[str] = field(default_factory=list)
    plan: Plan | None = None
    minting: object = None


def _meter(runner: Runner, options: RunOptions, done: StagesDone, step) -> str:
    done.meter_days = runner.run_meter(runner.meter_days(options.start, options.end), step)
    return f"{len(done.meter_days)} new day(s)" if done.meter_days else "nothing new"


def _main(runner: Runner, options: RunOptions, done: StagesDone, step) -> str:
    done.main_ok = runner.execute(MAIN_JOB_NAME).success
    faults.reached("main_job")
    return "done" if done.main_ok else "failed"


def _issuance(runner: Runner, options: RunOptions, done: StagesDone, step) -> str:
    due = due_periods(runner.plan_now(options.as_of)) if done.main_ok else {}
    periods = runner.run_issuance(due, options.as_of, step)
    done.plan = runner.record_holds(options.as_of) if done.main_ok else None
    return f"{periods} period(s) run" if periods else "nothing due"


def _minting(runner: Runner, options: RunOptions, done: StagesDone, step) -> str:
    done.minting = runner.execute(MINTING_JOB_NAME) if done.main_ok else None
    return "done" if done.minting is not None and done.minting.success else "failed"


def _analysts(runner: Runner, options: RunOptions, done: StagesDone, step) -> str:
    runner.execute(ANALYSTS_JOB_NAME)
    return runner.defs.resources["analyst_db"].path


# How `rrec run` runs each stage of `jobs.STAGES` (the order is the stages').
RUN_STAGE = {
    "meter": _meter,
    "main": _main,
    "issuance": _issuance,
    "minting": _minting,
    "analysts": _analysts,
}


def run_pipeline(
    runner: Runner, paths, options: RunOptions, progress: Progress | None = None
) -> tuple[RunOutcome, bool]:
    """Every stage in order; (what the run did, whether it all passed and nothing is held)."""
    step = progress.step if progress else None
    before = changes_so_far(paths)
    done = StagesDone()
    for stage in STAGES:
        if stage.name in options.skipped:
            continue
        with _stage(progress, stage.label, stage.announced) as notes:
            notes.append(RUN_STAGE[stage.name](runner, options, done, step))
    outcome = collect_outcome(runner, paths, done.meter_days)
    outcome.changes = changes_so_far(paths) - before
    plan = done.plan
    outcome.over_issued = [
        over_issued_text(e.reservation_id, e.project_id, e.window.year, wh)
        for e, wh in (plan.over_issued if plan is not None else [])
    ]
    blocked = any("(ERROR)" in check for check in outcome.failed_checks)
    ok = done.main_ok and done.minting is not None and done.minting.success
    held = outcome.holds is not None and not outcome.holds.is_empty()
    return outcome, ok and not outcome.failed_steps and not blocked and not held


@contextmanager
def _stage(progress: Progress | None, label: str, logged: str | None) -> Iterator[list[str]]:
    """A progress stage, or for `rrec run` a log line (`logged`, if any) before it."""
    if progress is not None:
        with progress.stage(label) as notes:
            yield notes
        return
    if logged:
        log.info("%s: %s", logged, label)
    yield []


def collect_outcome(runner: Runner, paths, meter_days: list[str]) -> RunOutcome:
    ledger = IssuanceLedger(path=str(paths["ledger"]))
    return RunOutcome(
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
        holds=ledger.held_lots(),
        registry_findings=_table(paths, REGISTRY_FINDINGS),
        meter_quarantined=runner.quarantined_pages(),
    )


def changes_so_far(paths) -> Changes:
    """What the ledger and the published repository hold now, counted (`Changes`)."""
    ledger = IssuanceLedger(path=str(paths["ledger"]))
    issued, log = ledger.issued_lots(), ledger.mint_log()
    states = log["state"] if log.height else pl.Series([], dtype=pl.String)
    return Changes(
        issued.height,
        int(issued["rrecs"].sum()),
        int((states == "confirmed").sum()),
        int((states == "sent").sum()),
        commits_in(publish_repository(), paths["publish_checkout"]),
    )


def _table(paths, table: Table) -> pl.DataFrame:
    return read_table(paths["warehouse"], table.key)


def _meter_reads(paths, days: list[str]) -> pl.DataFrame:
    return read_table(paths["warehouse"], METER_READS.key, days)
