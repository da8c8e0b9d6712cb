"""Time-series facts the rules share: sorted instants, spacings, reporting interval.

Everything is computed on UTC instants, so a local DST step (two hours between
two hourly rows in local time) is one hour here and never looks like a gap.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from rrec_pipeline.verification_csv.model import VerificationFile


def spacings(file: VerificationFile) -> pl.DataFrame:
    """Distinct instants in time order with the spacing since the previous one.

    Columns: `line`, `timestamp_utc`, `previous_utc`, `previous_line`, `spacing`.
    """
    return (
        file.valid_readings.select("line", "timestamp_utc")
        .unique("timestamp_utc", keep="first", maintain_order=True)
        .sort("timestamp_utc")
        .with_columns(
            pl.col("timestamp_utc").shift(1).alias("previous_utc"),
            pl.col("line").shift(1).alias("previous_line"),
        )
        .with_columns((pl.col("timestamp_utc") - pl.col("previous_utc")).alias("spacing"))
    )


def reporting_interval(file: VerificationFile) -> timedelta | None:
    """The median spacing between readings: hourly, daily, monthly, ..."""
    median = spacings(file)["spacing"].drop_nulls().median()
    return median if isinstance(median, timedelta) else None
