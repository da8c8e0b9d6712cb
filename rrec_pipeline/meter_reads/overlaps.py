"""The no-overlap rule of meter reads: no device's hour is counted twice.

Normalisation keeps one row per (source, device, interval start); this finds
what that key cannot: intervals of different lengths that still overlap.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from rrec_pipeline.schemas.meter_reads import READ_ORDER
from rrec_pipeline.schemas.ordering import UTC_DAY, in_order

DEVICE = ("source", "device_id")


def overlapping_intervals(reads: pl.DataFrame, *, in_write_order: bool = False) -> pl.DataFrame:
    """Rows whose interval starts before the previous interval of the device ended.

    `in_write_order`: the caller knows the rows are day by day in `READ_ORDER` (as
    normalisation makes them), so that one scan need not be spent asking.
    """
    if not _devices_in_time_order(reads, in_write_order):
        reads = reads.sort(*DEVICE, "interval_start")
    same_device = pl.all_horizontal(pl.col(c).eq_missing(pl.col(c).shift(1)) for c in DEVICE)
    earlier_end = pl.when(same_device).then(pl.col("interval_end").shift(1))
    return reads.filter(pl.col("interval_start") < earlier_end)


def _devices_in_time_order(reads: pl.DataFrame, in_write_order: bool = False) -> bool:
    """Reads as normalisation writes them, with no device name shared by two sources:
    each device's rows then follow one another in time order, and no sort is needed.

    Days read one after another are as good when no interval runs past the end
    of its start's day: an interval of one day can then overlap none of the next.
    """
    shared = (pl.col("device_id") == pl.col("device_id").shift(1)) & (
        pl.col("source") != pl.col("source").shift(1)
    )
    if reads.select(shared.any()).item():
        return False
    next_midnight = pl.col("interval_start").dt.truncate("1d") + timedelta(days=1)
    within_day = reads.select((pl.col("interval_end") <= next_midnight).all()).item()
    if within_day and in_write_order:
        return True
    return (within_day and in_order(reads, (UTC_DAY, *READ_ORDER))) or in_order(reads, READ_ORDER)
