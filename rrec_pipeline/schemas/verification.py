"""Tables of the verification stage: readings, file summaries and findings."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import KWH, MWH

UTC = pl.Datetime(time_unit="us", time_zone="UTC")


class VerificationReadings(pa.DataFrameModel):
    """One row per data line of a verification CSV, as read."""

    line: int = pa.Field(ge=1, description="1-based line number in the file")
    datetime_text: str = pa.Field(nullable=True, description="the Datetime cell as written")
    kwh_text: str = pa.Field(nullable=True, description="the Measured kWh cell as written")
    extra_text: str = pa.Field(nullable=True, description="non-empty cells after kWh")
    timestamp_utc: UTC = pa.Field(nullable=True, description="the row's instant in UTC")
    utc_offset_minutes: pl.Int32 = pa.Field(
        nullable=True, ge=-24 * 60, le=24 * 60, description="the row's own or assumed offset"
    )
    has_own_offset: bool = pa.Field(description="the Datetime cell carries its UTC offset")
    is_date_only: bool = pa.Field(description="the Datetime cell is a date without a time")
    kwh: KWH = pa.Field(nullable=True, description="Measured kWh, exact to 1e-9 kWh")

    class Config:
        strict = True


class VerificationFindings(pa.DataFrameModel):
    """Every rule outcome of a validation batch; `file` is null for cross-file rules."""

    file: str = pa.Field(nullable=True, description="file name in the drop folder")
    rule: str = pa.Field(description="rule id, as `rrec rules` lists them")
    family: str = pa.Field(description="format, consistency, completeness, range, ...")
    severity: str = pa.Field(isin=["error", "warning"], description="error or warning")
    message: str = pa.Field(description="what is wrong, quoting at most a short value")
    line: pl.Int64 = pa.Field(nullable=True, description="1-based line in the file")
    field: str = pa.Field(nullable=True, description="header field concerned")

    class Config:
        strict = True


class VerificationFileSummaries(pa.DataFrameModel):
    """One row per submitted file: where it went, what it supports, and its header."""

    file: str = pa.Field(description="file name in the drop folder")
    project_name: str = pa.Field(nullable=True, description="Project Name as written")
    begin_utc: UTC = pa.Field(nullable=True, description="Begin Timestamp in UTC")
    end_utc: UTC = pa.Field(nullable=True, description="End Timestamp in UTC")
    header_total_mwh: MWH = pa.Field(
        nullable=True, description="Total Energy Production (MWh) as stated in the header"
    )
    computed_total_mwh: MWH = pa.Field(
        nullable=True, description="exact sum of the rows' Measured kWh / 1000"
    )
    certified_mwh: MWH = pa.Field(
        nullable=True, description="the smaller of the header total and the rows' sum"
    )
    whole_rrecs: pl.Int64 = pa.Field(ge=0, description="floor(certified_mwh): 1 R-REC = 1 MWh")
    is_accepted: bool = pa.Field(description="passed validation; rejected files are quarantined")
    error_count: pl.Int64 = pa.Field(ge=0, description="error findings on this file")
    warning_count: pl.Int64 = pa.Field(ge=0, description="warning findings on this file")
    sha256: str = pa.Field(
        nullable=True, str_length=64, description="SHA-256 of the file's bytes; null if unread"
    )
    generation_year: pl.Int64 = pa.Field(
        nullable=True, description="calendar year of Begin Timestamp, local time as written"
    )

    class Config:
        strict = True


class VerificationAcceptedReadings(pa.DataFrameModel):
    """Readings of accepted files only: what issuance may build on."""

    file: str = pa.Field(description="file name in the drop folder")
    project_name: str = pa.Field(description="Project Name as written")
    line: int = pa.Field(ge=1, description="1-based line number in the file")
    timestamp_utc: UTC = pa.Field(description="the row's instant in UTC")
    utc_offset_minutes: pl.Int32 = pa.Field(
        ge=-24 * 60, le=24 * 60, description="the row's UTC offset"
    )
    kwh: KWH = pa.Field(nullable=True, description="Measured kWh, exact to 1e-9 kWh")

    class Config:
        strict = True
        unique = ("file", "timestamp_utc")


class GapExplanations(pa.DataFrameModel):
    """Reviewed explanations for data gaps over 24 h, as the completeness check requires.

    A gap of a project's file inside [start, end) becomes a warning instead of an error.
    """

    project: str = pa.Field(description="Project Name the explanation is for")
    start_utc: UTC = pa.Field(description="start of the explained period")
    end_utc: UTC = pa.Field(description="end of the explained period (a date-only end: day's end)")
    reason: str = pa.Field(description="why there is no data, as reviewed")
    line: pl.Int64 = pa.Field(ge=2, description="line in the explanations CSV")

    class Config:
        strict = True
