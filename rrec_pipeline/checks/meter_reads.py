"""Checks on meter reads: what a run wrote, one (day, source) or a range of days.

They run in the meter asset's own step, on the frames it has just written (as
the schema checks do, `checks/schemas.py`), so a run over a range of days is
judged once on exactly its days. They are not partitioned checks: Dagster
cannot attribute one result to each partition of a range.

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
NO_OVERLAP = "meter_reads_do_not_overlap"
ANOMALIES = "meter_anomalies_reviewed"

METER_CHECK_SPECS = [
    dg.AssetCheckSpec(
        NO_OVERLAP,
        asset=METER_READS.key,
        blocking=True,
        description="No device has overlapping intervals: no hour counted twice.",
    ),
    dg.AssetCheckSpec(
        ANOMALIES,
        asset=METER_ANOMALIES.key,
        description="Meter anomalies (resets, rollovers, held-back values) for review.",
    ),
]


def meter_reads_do_not_overlap(reads: pl.DataFrame) -> dg.AssetCheckResult:
    overlaps = overlapping_intervals(reads)
    return dg.AssetCheckResult(
        asset_key=METER_READS.key,
        check_name=NO_OVERLAP,
        passed=overlaps.is_empty(),
        metadata={
            "overlapping_rows": overlaps.height,
            "overlaps": dg.MetadataValue.md(markdown_table(overlaps, READ_COLUMNS)),
        },
    )


def meter_anomalies_reviewed(anomalies: pl.DataFrame) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=METER_ANOMALIES.key,
        check_name=ANOMALIES,
        passed=anomalies.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "anomalies": anomalies.height,
            "listed": dg.MetadataValue.md(markdown_table(anomalies)),
        },
    )
