"""The no-overlap rule of meter reads: no device's hour is counted twice.

Normalisation keeps one row per (source, device, interval start); this finds
what that key cannot: intervals of different lengths that still overlap.
"""

from __future__ import annotations

import polars as pl

from rrec_pipeline.schemas.meter_reads import READ_ORDER
from rrec_pipeline.schemas.ordering import in_order

DEVICE = ("source", "device_id")


def overlapping_intervals(reads: pl.DataFrame) -> pl.DataFrame:
    """Rows whose interval starts before the previous interval of the device ended."""
    if not _devices_in_time_order(reads):
        reads = reads.sort(*DEVICE, "interval_start")
    same_device = pl.all_horizontal(pl.col(c).eq_missing(pl.col(c).shift(1)) for c in DEVICE)
    earlier_end = pl.when(same_device).then(pl.col("interval_end").shift(1))
    return reads.filter(pl.col("interval_start") < earlier_end)


def _devices_in_time_order(reads: pl.DataFrame) -> bool:
    """Reads as normalisation writes them, with no device name shared by two sources:
    each device's rows then follow one another in time order, and no sort is needed."""
    shared = (pl.col("device_id") == pl.col("device_id").shift(1)) & (
        pl.col("source") != pl.col("source").shift(1)
    )
    return in_order(reads, READ_ORDER) and not reads.select(shared.any()).item()
