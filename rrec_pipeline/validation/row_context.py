"""Every file of a validation batch in one frame, with the context each row's rules need.

Why one frame: the row rules and the spacing of instants cost a few polars
calls per file, which for thousands of small files is most of the time; over
one frame tagged with `file_index` they cost a few calls per batch. Each file's
spacings are handed back to it (`VerificationFile.spacings`), so the file rules
that read them (gaps, reporting interval) do not compute them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

import polars as pl

from rrec_pipeline.basics.amounts import EXACT, KWH, KWH_DECIMALS, product
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.verification_csv.model import VerificationFile, instant_spacings
from rrec_pipeline.verification_csv.rows import row_owners, split_rows


def batch_readings(files: Sequence[VerificationFile]) -> pl.DataFrame:
    """All files' readings, in file then line order, tagged with `file_index`."""
    if len(files) == 1:
        return files[0].readings.with_columns(pl.lit(0, pl.Int64).alias("file_index"))
    frame = pl.concat([file.readings for file in files], rechunk=False)
    owners = row_owners([file.readings.height for file in files])
    return frame.with_columns(owners.alias("file_index"))


def share_spacings(files: Sequence[VerificationFile], readings: pl.DataFrame) -> pl.DataFrame:
    """Every file's spacings computed once, set on each file; returned with `file_index`."""
    spacings = instant_spacings(readings)
    # In file order: each file's are the rows from where its index starts.
    bounds = spacings["file_index"].search_sorted(pl.int_range(0, len(files) + 1, eager=True))
    heights = bounds.diff().drop_nulls().to_list()
    parts = split_rows(spacings.drop("file_index"), heights)
    for file, part in zip(files, parts, strict=True):
        file.use_spacings(part)
    return spacings


def with_row_context(
    files: Sequence[VerificationFile], readings: pl.DataFrame, config: ValidationConfig
) -> pl.DataFrame:
    """Readings plus the seconds each row covers, its file's kW bound, repeats, order.

    The capacity rule is exact: kWh x 3600 <= bound x seconds covered, in decimals
    (the bound is factor x kWp, a constant of the file, not a column of products).
    The seconds a row covers are the spacing since the previous instant (the
    file's reporting interval for its first); a repeated instant covers none.
    """
    spacings = share_spacings(files, readings)
    intervals, limits = _per_file(files, config)
    seconds = spacings.select(
        pl.col("spacing").dt.total_seconds().fill_null(_of_file(intervals))
    ).to_series()
    if spacings.height == readings.height and spacings["line"].equals(readings["line"]):
        # Every row its own instant, in time order (real files): nothing repeats or
        # goes back, and the spacings line up with the rows.
        return readings.with_columns(
            seconds.alias("seconds_covered"),
            _of_file(limits).alias("limit_kw"),
            pl.lit(False).alias("is_repeat"),
            pl.lit(False).alias("is_out_of_order"),
        )
    covered = spacings.select("file_index", "line").with_columns(seconds.alias("seconds_covered"))
    context = readings.join(covered, on=["file_index", "line"], how="left", maintain_order="left")
    instant = pl.col("timestamp_utc")
    is_first = pl.struct("file_index", "timestamp_utc").is_first_distinct()
    latest_before = instant.cum_max().shift(1).forward_fill().over("file_index")
    return context.with_columns(
        _of_file(limits).alias("limit_kw"),
        (instant.is_not_null() & ~is_first).alias("is_repeat"),
        (instant < latest_before).fill_null(False).alias("is_out_of_order"),
    )


def _of_file(values: pl.Series) -> pl.Expr:
    """Each row's file's value (a constant, not a column, when there is one file)."""
    if values.len() == 1:
        return pl.lit(values[0], values.dtype)
    return pl.lit(values).gather(pl.col("file_index"))


def _per_file(
    files: Sequence[VerificationFile], config: ValidationConfig
) -> tuple[pl.Series, pl.Series]:
    """Each file's reporting interval in seconds (an hour when unknown), and its capacity
    bound in kW (null without a capacity), indexed by `file_index`."""
    intervals, limits = [], []
    for file in files:
        interval = file.reporting_interval or timedelta(hours=1)
        capacity = file.header.dc_capacity_kwp
        intervals.append(int(interval.total_seconds()))
        limits.append(
            _limit_kw(config.capacity_factor, capacity) if capacity and capacity > 0 else None
        )
    return pl.Series(intervals, dtype=pl.Int64), pl.Series(limits, dtype=KWH)


def _limit_kw(factor: Decimal, capacity_kwp: Decimal) -> Decimal:
    """factor x kWp on the kWh grid, rounded up: the bound is never tighter than exact."""
    return product(factor, capacity_kwp).quantize(
        Decimal(1).scaleb(-KWH_DECIMALS), ROUND_CEILING, context=EXACT
    )
