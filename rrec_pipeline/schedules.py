"""Schedules: the daily meter run, and issuance per reservation frequency.

Each morning, for every configured source, yesterday's partition is fetched,
plus any of the last week's days whose cursor is not yet complete (sources
such as Koios deliver a day's data with a lag), plus every day whose partition
is stale (its pages changed since it was written, or a run died before it was).

Each frequency's issuance job runs every morning for every period the plan
says is due (`issuance/due.py`, as `rrec run` decides): a window past its
grace in its project's own time zone, an adjustment of an issued window, or a
held window, looked at again so its check tells ops why. The plan is made as
of the tick, from the warehouse and the ledger (`current_plan`, shared with
`rrec run`); a run key per period and day asks at most once a day.
"""

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from rrec_pipeline.basics.frequencies import FREQUENCIES
from rrec_pipeline.issuance.due import Due, due_periods
from rrec_pipeline.issuance.plan import Plan
from rrec_pipeline.issuance.settings import plan_settings
from rrec_pipeline.jobs import issuance_job_name
from rrec_pipeline.meter_reads.days import stale_days
from rrec_pipeline.partitions import meter_partition_key
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_sources import MeterSources
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.warehouse import Warehouse
from rrec_pipeline.tables import (
    CLEARANCES,
    DEVICES,
    GAP_EXPLANATIONS,
    ISSUANCE,
    METER_READS,
    PROJECTS,
    RESERVATIONS,
)
from rrec_pipeline.validation.batch_tables import explanations_from_frame

LOOKBACK_DAYS = 7
REGISTRY_KEYS = (PROJECTS.key, DEVICES.key, RESERVATIONS.key, CLEARANCES.key)


def days_to_fetch(landing: LandingZone, source: str, today: date) -> list[date]:
    days = []
    for back in range(1, LOOKBACK_DAYS + 1):
        day = today - timedelta(days=back)
        cursor = landing.cursor(source, day)
        if back == 1 or cursor is None or not cursor.is_complete:
            days.append(day)
    return days


def daily_meter_requests(
    sources: MeterSources, landing: LandingZone, today: date
) -> list[dg.RunRequest]:
    yesterday = today - timedelta(days=1)
    return [
        dg.RunRequest(
            partition_key=meter_partition_key(day, name), run_key=f"daily-{today}-{name}-{day}"
        )
        for name in sources.configured()
        for day in sorted(
            {*days_to_fetch(landing, name, today), *stale_days(name, landing, yesterday)}
        )
    ]


@dg.schedule(
    cron_schedule="30 2 * * *",
    execution_timezone="UTC",
    job_name="meter_reads_job",
    description="Fetch yesterday and unsettled days for every configured source.",
)
def daily_meter_schedule(
    context: dg.ScheduleEvaluationContext, meter_sources: MeterSources, landing_zone: LandingZone
):
    now = context.scheduled_execution_time or datetime.now(UTC)
    return daily_meter_requests(meter_sources, landing_zone, now.astimezone(UTC).date())


def current_plan(warehouse: Warehouse, ledger: IssuanceLedger, as_of: date | None) -> Plan | None:
    """The plan of the lots not issued yet, as the registry and reads say now (None: no
    reservation)."""
    registry = RegistryTables(*(warehouse.read(key) for key in REGISTRY_KEYS))
    if registry.reservations.is_empty():
        return None
    explanations = explanations_from_frame(warehouse.read(GAP_EXPLANATIONS.key))
    settings = plan_settings(as_of=as_of, explanations=explanations)
    reads = warehouse.scan(METER_READS.key)
    return ledger.plan(registry, reads, settings)


def issuance_run_config(frequency: str, as_of: date | None) -> dict:
    """An issuance run's config: the day it plans as of (default: the clock when it runs)."""
    config = {"as_of": as_of.isoformat()} if as_of else {}
    return {"ops": {key: {"config": config} for key in ISSUANCE[frequency].planned}}


def issuance_requests(frequency: str, due: Due, as_of: date) -> list[dg.RunRequest]:
    """A run per due period of `frequency`, planning as of `as_of` (once a day at most)."""
    return [
        dg.RunRequest(
            partition_key=period,
            run_key=f"issuance-{frequency}-{period}-{as_of}",
            run_config=issuance_run_config(frequency, as_of),
        )
        for period in sorted(due.get(frequency, {}))
    ]


def _issuance_schedule(frequency: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"issuance_{frequency}_schedule",
        cron_schedule="0 4 * * *",
        execution_timezone="UTC",
        job_name=issuance_job_name(frequency),
        description=f"Issue every {frequency} period the plan says is due.",
    )
    def _schedule(
        context: dg.ScheduleEvaluationContext, warehouse: Warehouse, issuance_ledger: IssuanceLedger
    ):
        now = (context.scheduled_execution_time or datetime.now(UTC)).astimezone(UTC)
        due = due_periods(current_plan(warehouse, issuance_ledger, now.date()))
        return issuance_requests(frequency, due, now.date()) or dg.SkipReason(
            f"no {frequency} period is due"
        )

    return _schedule


issuance_schedules = [_issuance_schedule(f) for f in FREQUENCIES]
