"""Partitions, defined once and reused by assets, checks, sensors and schedules.

Meter data is partitioned by UTC day and by source, so each (day, source) lands,
fails or re-runs on its own: a broken SteamaCo page never holds up Enphase.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

from rrec_pipeline.basics.frequencies import BY_NAME
from rrec_pipeline.meter_reads.ingest import EARLIEST_DAY
from rrec_pipeline.schemas.meter_reads import SOURCES

# The registry's earliest generation data is from 2018.
FIRST_DAY = EARLIEST_DAY.isoformat()

DAILY = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, timezone="UTC")
METER_SOURCES = dg.StaticPartitionsDefinition(list(SOURCES))
METER_PARTITIONS = dg.MultiPartitionsDefinition({"date": DAILY, "source": METER_SOURCES})

# The run tags by which Dagster scopes a run to one partition or to a range of them (a
# single-run backfill sets the range); Dagster's own constants sit in a private module.
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
PARTITION_TAGS = (PARTITION_TAG, RANGE_START_TAG, RANGE_END_TAG)


def meter_partition_key(day: date, source: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"date": day.isoformat(), "source": source})


def split_meter_key(context: dg.AssetExecutionContext) -> tuple[date, str]:
    keys = context.partition_key.keys_by_dimension
    return date.fromisoformat(keys["date"]), keys["source"]


def split_meter_keys(context: dg.AssetExecutionContext) -> tuple[list[date], str]:
    """(the run's consecutive days, its one source): a single partition or a range of days.

    A range run (tags `dagster/asset_partition_range_start` and `_end`, as a
    single-run backfill sets them) covers days x sources; ours keep one source.
    """
    keys = [key.keys_by_dimension for key in context.partition_keys]
    sources = {key["source"] for key in keys}
    if len(sources) != 1:
        raise dg.Failure(f"a meter run covers one source, not {sorted(sources)}")
    return sorted(date.fromisoformat(key["date"]) for key in keys), sources.pop()


def meter_range_tags(first: date, last: date, source: str) -> dict[str, str]:
    """Run tags for one run over the days `first`..`last` of one source."""
    return {
        RANGE_START_TAG: meter_partition_key(first, source),
        RANGE_END_TAG: meter_partition_key(last, source),
    }


# Issuance windows per frequency. Keys are the first day of each calendar period
# (`YYYY-MM-DD`), which is the `window_label` of the lots a partition plans: a
# partition holds the windows of that period in every project's own time zone.
ISSUANCE_PARTITIONS: dict[str, dg.PartitionsDefinition] = {
    f.name: dg.TimeWindowPartitionsDefinition(
        cron_schedule=f.cron, start=FIRST_DAY, fmt="%Y-%m-%d", timezone="UTC"
    )
    for f in BY_NAME.values()
}
