"""Tables of the verification stage: readings, file summaries and findings."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl


class VerificationReadings(pa.DataFrameModel):
    """One row per data line of a verification CSV, as read."""

    line: int = pa.Field(ge=1, description="1-based line number in the file")
    datetime_text: str = pa.Field(nullable=True)
    kwh_text: str = pa.Field(nullable=True)
    extra_text: str = pa.Field(nullable=True, description="non-empty cells after kWh")
    timestamp_utc: pl.Datetime(time_unit="us", time_zone="UTC") = pa.Field(nullable=True)
    utc_offset_minutes: pl.Int32 = pa.Field(nullable=True, ge=-24 * 60, le=24 * 60)
    has_own_offset: bool
    is_date_only: bool
    kwh: float = pa.Field(nullable=True)

    class Config:
        strict = True


class VerificationFindings(pa.DataFrameModel):
    """Every rule outcome of a validation batch; `file` is null for cross-file rules."""

    file: str = pa.Field(nullable=True)
    rule: str
    family: str
    severity: str = pa.Field(isin=["error", "warning"])
    message: str
    line: pl.Int64 = pa.Field(nullable=True)
    field: str = pa.Field(nullable=True)

    class Config:
        strict = True


class VerificationFileSummaries(pa.DataFrameModel):
    """One row per submitted file: where it went and what it supports."""

    file: str
    project_name: str = pa.Field(nullable=True)
    begin_utc: pl.Datetime(time_unit="us", time_zone="UTC") = pa.Field(nullable=True)
    end_utc: pl.Datetime(time_unit="us", time_zone="UTC") = pa.Field(nullable=True)
    header_total_mwh: float = pa.Field(nullable=True)
    computed_total_mwh: float = pa.Field(nullable=True)
    whole_rrecs: pl.Int64 = pa.Field(ge=0)
    is_accepted: bool
    error_count: pl.Int64 = pa.Field(ge=0)
    warning_count: pl.Int64 = pa.Field(ge=0)
    sha256: str = pa.Field(str_length=64)
    # Header facts that credits are computed from (null where the file leaves them blank).
    country: str = pa.Field(nullable=True)
    us_state: str = pa.Field(nullable=True)
    us_region: str = pa.Field(nullable=True)
    installation_type: str = pa.Field(nullable=True)
    generation_year: pl.Int64 = pa.Field(nullable=True, description="local year of Begin")
    type1_customers: pl.Int64 = pa.Field(nullable=True, ge=0)
    type2_customers: pl.Int64 = pa.Field(nullable=True, ge=0)
    type1_ma_consumption_mwh: float = pa.Field(nullable=True, ge=0)
    type1_mb_consumption_mwh: float = pa.Field(nullable=True, ge=0)
    type2_consumption_mwh: float = pa.Field(nullable=True, ge=0)
    diesel_consumption_l: float = pa.Field(nullable=True, ge=0)
    stated_carbon_tco2e: float = pa.Field(nullable=True)

    class Config:
        strict = True


class VerificationAcceptedReadings(pa.DataFrameModel):
    """Readings of accepted files only: what issuance may build on."""

    file: str
    project_name: str
    line: int = pa.Field(ge=1)
    timestamp_utc: pl.Datetime(time_unit="us", time_zone="UTC")
    utc_offset_minutes: pl.Int32 = pa.Field(ge=-24 * 60, le=24 * 60)
    kwh: float = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ("file", "timestamp_utc")
