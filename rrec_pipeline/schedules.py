"""Schedules: the daily meter run.

Each morning, for every configured source, yesterday's partition is fetched,
plus any of the last week's days whose cursor is not yet complete (sources
such as Koios deliver a day's data with a lag).
"""

from datetime import UTC, date, datetime, timedelta

import dagster as dg

from rrec_pipeline.partitions import meter_partition_key
from rrec_pipeline.resources.landing import LandingZone
from rrec_pipeline.resources.meter_sources import MeterSources

LOOKBACK_DAYS = 7


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
    return [
        dg.RunRequest(
            partition_key=meter_partition_key(day, name), run_key=f"daily-{today}-{name}-{day}"
        )
        for name in sources.configured()
        for day in days_to_fetch(landing, name, today)
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
