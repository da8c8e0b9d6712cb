"""Tables of the meter-data stage: parsed readings, the normalised table, anomalies.

Energy is integer watt-hours: source values are converted exactly from what
the source sent and rounded half to even to the Wh, registers before they are
differenced, so a register's deltas add up to exactly its last minus its first.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import WH
from rrec_pipeline.schemas import fields
from rrec_pipeline.schemas.ordering import duplicated_rows

SOURCES = fields.SOURCES
CUSTOMER_CLASSES = ("type1_household", "type2_non_household")
QUALITIES = ("measured", "estimated", "missing")
ANOMALIES = (
    "reset",
    "rollover",
    "implausible_jump",
    "negative_interval",
    "conflicting_duplicate",
    "replaced_by_finer_reads",
)
UTC = pl.Datetime(time_unit="us", time_zone="UTC")


# The order normalisation writes reads in; any order of the rows is valid.
READ_ORDER = ("device_id", "interval_start", "source")


class _Readings(pa.DataFrameModel):
    """The columns and rules normalised reads and parsed readings share."""

    source: str = fields.source()
    site_id: str = fields.site_id()
    device_id: str = fields.device_id()
    customer_id: str = pa.Field(nullable=True, description="null for generation meters")
    customer_class: str = pa.Field(
        nullable=True, isin=CUSTOMER_CLASSES, description="AMS-III.BB Type I or II; null: unknown"
    )
    interval_start: UTC = pa.Field(description="start of the interval the energy covers")
    interval_end: UTC = pa.Field(description="end of the interval (exclusive)")
    wh: WH = pa.Field(nullable=True, ge=0, description="energy in Wh; null when missing")
    quality: str = pa.Field(isin=QUALITIES, description="measured, estimated or missing")
    ingested_at: UTC = pa.Field(description="when the page holding the reading was received")

    @pa.dataframe_check(name="interval_end after interval_start")
    def positive_interval(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("interval_end") > pl.col("interval_start"))

    @pa.dataframe_check(name="wh missing exactly when quality is missing")
    def missing_means_null(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("wh").is_null() == (pl.col("quality") == "missing"))

    class Config:
        strict = True


class MeterReads(_Readings):
    """The normalised meter-reads table: one row per device and interval, Wh, UTC."""

    @pa.dataframe_check(name="one row per source, device and interval start")
    def unique_interval(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(~duplicated_rows(data.lazyframe, READ_ORDER))

    class Config:
        strict = True


class ParsedReadings(_Readings):
    """What a parser gets out of one page, before normalisation.

    `kind` is `interval` (Wh over [interval_start, interval_end]) or `register`
    (a cumulative Wh reading taken at `interval_end`; `interval_start` is null).
    """

    kind: str = pa.Field(isin=["interval", "register"], description="interval or register")
    interval_start: UTC = pa.Field(nullable=True, description="null for register readings")
    wh: WH = pa.Field(nullable=True, description="interval energy or register reading, Wh")
    page_id: str = pa.Field(description="the landed page the reading came from")
    max_wh_per_hour: WH = pa.Field(
        nullable=True, gt=0, description="from the site's or device's capacity, when known"
    )

    @pa.dataframe_check(name="interval_end after interval_start")
    def positive_interval(cls, data) -> pl.LazyFrame:
        start, end = pl.col("interval_start"), pl.col("interval_end")
        return data.lazyframe.select(start.is_null() | (end > start))

    class Config:
        strict = True


class MeterAnomalies(pa.DataFrameModel):
    """What normalisation detected and did not pass on as energy."""

    source: str = fields.source()
    device_id: str = fields.device_id()
    at: UTC = pa.Field(description="start of the interval concerned")
    anomaly: str = pa.Field(isin=list(ANOMALIES), description="what was detected")
    detail: str = pa.Field(description="the values involved")

    class Config:
        strict = True


class MeterGaps(pa.DataFrameModel):
    """One row per gap in a registered generation device's reads, between its first and last
    read: time its reads cover nothing, each read counted for at most the device's usual
    interval (the median length of its reads). The planner and the lot scorecards count the
    same gaps (`issuance/coverage.py`)."""

    project_id: str = pa.Field(description="the project the device is registered to")
    source: str = fields.source()
    site_id: str = fields.site_id()
    device_id: str = fields.device_id()
    gap_start: UTC = pa.Field(description="where the device's reads stop covering time")
    gap_end: UTC = pa.Field(description="where they cover time again (exclusive)")
    gap_seconds: pl.Int64 = pa.Field(ge=0, description="length of the gap, seconds")

    class Config:
        strict = True
