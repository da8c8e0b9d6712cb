"""Schedules: the daily meter run, and issuance per reservation frequency.

Each morning, for every configured source, yesterday's partition is fetched,
plus any of the last week's days whose cursor is not yet complete (sources
such as Koios deliver a day's data with a lag), plus every day whose partition
is stale (its pages changed since it was written, or a run died before it was).

Each frequency's issuance job runs every morning for the newest period that
is past its grace: the period's UTC end, plus the longest time-zone lead
(14 h: a window ends at local midnight), plus the grace days the lots asset
waits by default. The lots asset itself plans only windows past their grace,
so an early request plans nothing; a run key per period makes each request once.
"""

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from rrec_pipeline.frequencies import FREQUENCIES
from rrec_pipeline.jobs import issuance_job_name
from rrec_pipeline.meter_reads.days import stale_days
from rrec_pipeline.partitions import ISSUANCE_PARTITIONS, meter_partition_key
from rrec_pipeline.resources.landing import LandingZone
from rrec_pipeline.resources.meter_sources import MeterSources

LOOKBACK_DAYS = 7
GRACE = timedelta(days=2)  # the lots asset's default `grace_days`
ZONE_LEAD = timedelta(hours=14)  # the latest local midnight is UTC+14


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


def due_period(frequency: str, now: datetime) -> str | None:
    """The newest period of `frequency` whose windows are all past their grace at `now`."""
    keys = ISSUANCE_PARTITIONS[frequency].get_partition_keys(current_time=now - GRACE - ZONE_LEAD)
    return keys[-1] if keys else None


def _issuance_schedule(frequency: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"issuance_{frequency}_schedule",
        cron_schedule="0 4 * * *",
        execution_timezone="UTC",
        job_name=issuance_job_name(frequency),
        description=f"Issue the newest {frequency} period once it is past its grace.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        now = context.scheduled_execution_time or datetime.now(UTC)
        key = due_period(frequency, now.astimezone(UTC))
        if key is None:
            return dg.SkipReason("no period is past its grace yet")
        return dg.RunRequest(partition_key=key, run_key=f"issuance-{frequency}-{key}")

    return _schedule


issuance_schedules = [_issuance_schedule(f) for f in FREQUENCIES]
