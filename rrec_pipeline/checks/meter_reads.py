"""Checks on meter reads: what a run wrote, one (day, source) or a range of days.

They are not partitioned checks: a run over a range of days evaluates once,
and Dagster cannot attribute one result to each of its partitions.

No overlapping intervals is blocking (issuance must never count an hour twice);
anomalies warn, since normalisation has already held them back.
"""

from __future__ import annotations

import dagster as dg
import polars as pl

from rrec_pipeline.checks.markdown import markdown_table
from rrec_pipeline.meter_reads.overlaps import overlapping_intervals
from rrec_pipeline.tables import METER_ANOMALIES, METER_READS

READ_COLUMNS = ["source", "site_id", "device_id", "interval_start", "interval_end", "wh"]


def _no_overlap(reads: pl.DataFrame) -> dg.AssetCheckResult:
    overlaps = overlapping_intervals(reads)
    return dg.AssetCheckResult(
        passed=overlaps.is_empty(),
        metadata={
            "overlapping_rows": overlaps.height,
            "overlaps": dg.MetadataValue.md(markdown_table(overlaps, READ_COLUMNS)),
        },
    )


def _anomalies(anomalies: pl.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=anomalies.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "anomalies": anomalies.height,
            "listed": dg.MetadataValue.md(markdown_table(anomalies)),
        },
    )


meter_reads_do_not_overlap = dg.asset_check(
    asset=METER_READS.key,
    name="meter_reads_do_not_overlap",
    blocking=True,
    description="No device has overlapping intervals: no hour counted twice.",
)(_no_overlap)
meter_anomalies_reviewed = dg.asset_check(
    asset=METER_ANOMALIES.key,
    name="meter_anomalies_reviewed",
    description="Meter anomalies (resets, rollovers, held-back values) for review.",
)(_anomalies)


def meter_checks() -> list[dg.AssetChecksDefinition]:
    return [meter_reads_do_not_overlap, meter_anomalies_reviewed]
