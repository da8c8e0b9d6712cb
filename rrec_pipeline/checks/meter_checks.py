"""Asset checks on meter reads, per (day, source) partition.

The schema and the no-overlap rule block what builds on the reads (issuance
must never count an hour twice); anomalies warn, since they are held back.
"""

import dagster as dg
import polars as pl

from rrec_pipeline.assets.meter_reads import ANOMALIES, READS
from rrec_pipeline.checks.asset_checks import schema_check
from rrec_pipeline.partitions import METER_PARTITIONS
from rrec_pipeline.schemas.meter_reads import MeterReads

MAX_LISTED = 50


def overlapping_intervals(reads: pl.DataFrame) -> pl.DataFrame:
    """Rows whose interval starts before the previous interval of the device ended."""
    return (
        reads.sort("source", "device_id", "interval_start")
        .with_columns(pl.col("interval_end").shift(1).over("source", "device_id").alias("_end"))
        .filter(pl.col("interval_start") < pl.col("_end"))
        .drop("_end")
    )


@dg.asset_check(
    asset=READS,
    partitions_def=METER_PARTITIONS,
    blocking=True,
    description="No device has overlapping intervals: no hour counted twice.",
)
def meter_reads_do_not_overlap(reads: pl.DataFrame) -> dg.AssetCheckResult:
    overlaps = overlapping_intervals(reads)
    return dg.AssetCheckResult(
        passed=overlaps.is_empty(),
        metadata={
            "overlapping_rows": overlaps.height,
            "first_overlaps": dg.MetadataValue.md(
                str(overlaps.head(10)) if overlaps.height else "none"
            ),
        },
    )


@dg.asset_check(
    asset=ANOMALIES,
    partitions_def=METER_PARTITIONS,
    description="Meter anomalies (resets, rollovers, held-back values) for review.",
)
def meter_anomalies_reviewed(anomalies: pl.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=anomalies.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "anomalies": anomalies.height,
            "listed": dg.MetadataValue.md(str(anomalies.head(MAX_LISTED))),
        },
    )


def meter_checks() -> list[dg.AssetChecksDefinition]:
    return [
        schema_check(READS, MeterReads, name="meter_reads_schema", partitions_def=METER_PARTITIONS),
        meter_reads_do_not_overlap,
        meter_anomalies_reviewed,
    ]
