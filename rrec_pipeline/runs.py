"""Running the jobs in-process on the local instance: what `rrec run` does.

In-process execution (one process, no step subprocesses) starts in a second,
where the multiprocess executor of `dagster job execute` spent minutes on
three small files. Dagster's own event log stays in the instance (browse it
with `scripts/ui`); the console shows our own lines, and a failed step is a line
of the summary (no stack trace: that is in the event log).
"""

from __future__ import annotations

import fcntl
import logging
import os
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

from rrec_pipeline.build import build_defs
from rrec_pipeline.issuance.due import Due
from rrec_pipeline.issuance.frames import holds_frame
from rrec_pipeline.issuance.plan import (
    Plan,
)
from rrec_pipeline.jobs import METER_JOB_NAME, issuance_job_name
from rrec_pipeline.meter_reads.days import stale_days
from rrec_pipeline.minting.links import redact
from rrec_pipeline.partitions import PARTITION_TAGS, meter_partition_key, meter_range_tags
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.resources.storage.lost_runs import fail_lost_runs
from rrec_pipeline.schedules import current_plan, days_to_fetch, issuance_run_config

INSTANCE_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"


def console_config(level: str) -> dict:
    """Run config for Dagster's console logger: only what is at least `level`."""
    return {"loggers": {"console": {"config": {"log_level": level}}}}


log = logging.getLogger("rrec")


def open_instance(dagster_home: Path) -> dg.DagsterInstance:
    """The instance under `dagster_home`, created once however many processes start at once.

    Its `dagster.yaml` is written only when absent (an operator's PostgreSQL
    settings stay). SQLite storage is created and stamped while holding a lock on
    the folder: two first runs at once would otherwise both stamp the schema and
    leave it unusable. Concurrent runs themselves need PostgreSQL storage.
    """
    dagster_home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    with (dagster_home / ".rrec-init.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        config = dagster_home / "dagster.yaml"
        if not config.exists():
            write_atomic(config, INSTANCE_YAML.read_bytes())
        instance = dg.DagsterInstance.get()
        instance.get_runs_count()  # storage exists and is stamped before the lock is let go
        hold_one_connection(instance)
        return instance


def hold_one_connection(instance: dg.DagsterInstance) -> None:
    """On PostgreSQL, keep one connection open for the process's runs, as Dagster's own
    webserver does: by default each event opens its own (about 10 ms an event here, against
    5 ms on SQLite; `bench/dagster_events.py`). No statement timeout, as without it; SQLite
    storage ignores this."""
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=4)


def quiet_dagster() -> None:
    """Our own lines at INFO; Dagster's preview and deprecation notices are not for users."""
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    logging.getLogger("dagster").setLevel(logging.WARNING)


Step = Callable[[int, int, str], None]  # (runs done, runs in all, the run starting now)


def consecutive_stretches(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as (first, last) stretches without a missing day."""
    stretches: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if stretches and day == stretches[-1][1] + timedelta(days=1):
            stretches[-1] = (stretches[-1][0], day)
        else:
            stretches.append((day, day))
    return stretches


class Runner:
    """Executes the jobs in-process, one after another, and remembers their results.

    A meter run over a range of days plans one materialization per asset rather
    than one per day (`DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS`): a year
    of a file drop otherwise spends 9 s writing planned events. The price, as
    Dagster documents it: a failed range run does not mark its days failed (our
    summary names the failed run). Its materializations, one per day, are
    written as one batch (`DAGSTER_EVENT_BATCH_SIZE`): one insert on PostgreSQL,
    where an event alone costs about 10 ms (`bench/dagster_events.py`); SQLite
    storage writes a batch one event at a time, as before.
    """

    def __init__(self, instance: dg.DagsterInstance, home: Path, console_level: str = "CRITICAL"):
        """Dagster's console logger stays quiet: a failed step is one line of the summary
        (`failed_steps`), its stack trace in the run's event log (`scripts/ui`)."""
        self.instance = instance
        self.console = console_config(console_level)
        os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", "1000")
        self.defs = build_defs(home=home)
        self.results: list[dg.ExecuteInProcessResult] = []
        for run_id in fail_lost_runs(instance):
            log.warning("run %s had lost its process; marked failed", run_id)

    def execute(
        self,
        job_name: str,
        partition_key=None,
        run_config: dict | None = None,
        tags: dict[str, str] | None = None,
    ) -> dg.ExecuteInProcessResult:
        job = self.defs.resolve_job_def(job_name)
        result = job.execute_in_process(
            instance=self.instance,
            partition_key=partition_key,
            run_config={**self.console, **(run_config or {})},
            tags=tags,
            raise_on_error=False,
        )
        self.results.append(result)
        return result

    def meter_days(self, start: date | None, end: date | None) -> dict[str, list[date]]:
        """Source -> the days to run: the given range; else the days an API source still has
        to fetch and every day whose partition is stale (not written since its pages landed,
        whatever stopped it: late pages, or a run that died)."""
        sources = self.defs.resources["meter_sources"]
        landing = self.defs.resources["landing_zone"]
        configured = sources.configured()
        if start and end:
            days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
            return {name: days for name in configured}
        today = datetime.now(UTC).date()
        yesterday = today - timedelta(days=1)
        wanted = {}
        for name in configured:
            if sources.get(name).always_rescan:
                # Land the drop once (a run of yesterday's partition), then what it changed.
                self.execute(METER_JOB_NAME, meter_partition_key(yesterday, name))
                to_fetch = []
            else:
                to_fetch = days_to_fetch(landing, name, today)
            wanted[name] = sorted({*to_fetch, *stale_days(name, landing, yesterday)})
        return wanted

    def run_meter(self, wanted: dict[str, list[date]], step: Step | None = None) -> list[str]:
        """One run per source and stretch of consecutive days (a day alone: its partition)."""
        ran: list[str] = []
        runs = [(name, s) for name, days in wanted.items() for s in consecutive_stretches(days)]
        for done, (name, (first, last)) in enumerate(runs):
            label = f"meter {name} {first}{f' to {last}' if last != first else ''}"
            log.info("%s", label)
            if step:
                step(done, len(runs), label)
            if first == last:
                self.execute(METER_JOB_NAME, meter_partition_key(first, name))
            else:
                self.execute(METER_JOB_NAME, tags=meter_range_tags(first, last, name))
            days_run = range((last - first).days + 1)
            ran += [(first + timedelta(days=n)).isoformat() for n in days_run]
        return sorted(set(ran))

    def plan_now(self, as_of: date | None) -> Plan | None:
        """The plan of the lots not issued yet, as the registry and reads say now."""
        resources = self.defs.resources
        return current_plan(resources["warehouse"], resources["issuance_ledger"], as_of)

    def run_issuance(self, due: Due, as_of: date | None, step: Step | None = None) -> int:
        """Each due period in time order; once a period fails (a blocking check held it),
        later periods of only its reservations are not run: their lots would wait anyway."""
        runs = [(f, key, due[f][key]) for f in due for key in sorted(due[f])]
        blocked: set[str] = set()
        ran = 0
        for done, (frequency, key, reservations) in enumerate(runs):
            if reservations <= blocked:
                log.info("issuance %s %s waits for an earlier period", frequency, key)
                continue
            log.info("issuance %s %s", frequency, key)
            if step:
                step(done, len(runs), f"issuance {frequency} {key}")
            if not self.execute(
                issuance_job_name(frequency), key, issuance_run_config(frequency, as_of)
            ).success:
                blocked |= reservations
            ran += 1
        return ran

    def record_holds(self, as_of: date | None) -> Plan | None:
        """What the plan now holds or makes wait, after issuance, into the ledger: every
        earlier plan hold that no longer holds is released. Returns that plan."""
        plan = self.plan_now(as_of)
        holds = holds_frame([], {})
        if plan is not None:
            reservations = plan.registry.reservations
            frequency_of = dict(reservations.select("reservation_id", "frequency").iter_rows())
            holds = holds_frame(plan.ready_and_holds()[1], frequency_of)
        self.defs.resources["issuance_ledger"].record_holds(holds, "plan", None)
        return plan

    def failed_checks(self) -> list[str]:
        """Checks whose latest evaluation (per partition) in these runs failed."""
        latest = {}
        for result in self.results:
            tags = result.dagster_run.tags
            scope = tuple(tags.get(name) for name in PARTITION_TAGS)
            for evaluation in result.get_asset_check_evaluations():
                latest[(evaluation.asset_check_key, evaluation.partition, scope)] = evaluation
        failed = []
        for (key, *_), evaluation in latest.items():
            if not evaluation.passed:
                is_error = evaluation.severity == dg.AssetCheckSeverity.ERROR
                severity = "ERROR" if is_error else "WARN"
                failed.append(f"{key.asset_key.to_user_string()}: {key.name} ({severity})")
        return sorted(set(failed))

    def quarantined_pages(self) -> list[tuple[str, str]]:
        """(where, why) of every meter page or reading these runs quarantined."""
        found = []
        for result in self.results:
            for event in result.get_asset_materialization_events():
                entries = event.materialization.metadata.get("quarantined")
                found += [(e["path"], e["error"]) for e in (entries.value if entries else [])]
        return list(dict.fromkeys(found))

    def failed_steps(self) -> list[str]:
        failed = []
        for result in self.results:
            for event in result.all_events:
                if event.event_type_value == "STEP_FAILURE":
                    message = event.event_specific_data.error.message.strip().splitlines()[0]
                    message = message.removeprefix("dagster._core.definitions.events.Failure: ")
                    failed.append(f"{event.step_key}: {redact(message)}")
        return failed
