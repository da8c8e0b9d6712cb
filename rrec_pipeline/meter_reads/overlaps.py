"""The no-overlap rule of meter reads: no device's hour is counted twice.

Normalisation keeps one row per (source, device, interval start); this finds
what that key cannot: intervals of different lengths that still overlap.
"""

from __future__ import annotations

import polars as pl


def overlapping_intervals(reads: pl.DataFrame) -> pl.DataFrame:
    """Rows whose interval starts before the previous interval of the device ended."""
    return (
        reads.sort("source", "device_id", "interval_start")
        .with_columns(pl.col("interval_end").shift(1).over("source", "device_id").alias("_end"))
        .filter(pl.col("interval_start") < pl.col("_end"))
        .drop("_end")
    )
