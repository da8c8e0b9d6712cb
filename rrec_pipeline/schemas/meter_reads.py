"""Tables of the meter-data stage: parsed readings, the normalised table, anomalies."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

SOURCES = ("steamaco", "sparkmeter", "enphase", "victron", "files")
CUSTOMER_CLASSES = ("type1_household", "type2_non_household")
QUALITIES = ("measured", "estimated", "missing")
UTC = pl.Datetime(time_unit="us", time_zone="UTC")


class MeterReads(pa.DataFrameModel):
    """The normalised meter-reads table: one row per device and interval, kWh, UTC."""

    source: str = pa.Field(isin=SOURCES)
    site_id: str
    device_id: str
    customer_id: str = pa.Field(nullable=True, description="null for generation meters")
    customer_class: str = pa.Field(nullable=True, isin=CUSTOMER_CLASSES)
    interval_start: UTC
    interval_end: UTC
    kwh: float = pa.Field(nullable=True, ge=0, description="null when quality is missing")
    quality: str = pa.Field(isin=QUALITIES)
    ingested_at: UTC = pa.Field(description="when the page holding the reading was received")

    @pa.dataframe_check(name="interval_end after interval_start")
    def positive_interval(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("interval_end") > pl.col("interval_start"))

    @pa.dataframe_check(name="kwh missing exactly when quality is missing")
    def missing_means_null(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("kwh").is_null() == (pl.col("quality") == "missing"))

    class Config:
        strict = True
        unique = ("source", "device_id", "interval_start")


class ParsedReadings(MeterReads):
    """What a parser gets out of one page, before normalisation.

    `kind` is `interval` (kWh over [interval_start, interval_end]) or `register`
    (a cumulative kWh reading taken at `interval_end`; `interval_start` is null).
    """

    kind: str = pa.Field(isin=["interval", "register"])
    interval_start: UTC = pa.Field(nullable=True)
    kwh: float = pa.Field(nullable=True)
    page_id: str

    @pa.dataframe_check(name="interval_end after interval_start")
    def positive_interval(cls, data) -> pl.LazyFrame:
        start, end = pl.col("interval_start"), pl.col("interval_end")
        return data.lazyframe.select(start.is_null() | (end > start))

    class Config:
        strict = True
        unique = None


class MeterAnomalies(pa.DataFrameModel):
    """What normalisation detected and did not pass on as energy."""

    source: str = pa.Field(isin=SOURCES)
    device_id: str
    at: UTC
    anomaly: str = pa.Field(
        isin=["reset", "rollover", "implausible_jump", "negative_interval", "conflicting_duplicate"]
    )
    detail: str

    class Config:
        strict = True
