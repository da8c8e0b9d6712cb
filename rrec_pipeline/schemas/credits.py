"""Credit tables: per project-year, and mini-grid customers' AMS-III.BB by month."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

CREDIT_CLASSES = ["MCC", "AVERT-USCC", "EGRCC"]


class ProjectYearCredits(pa.DataFrameModel):
    """One row per project and generation year of accepted verification files."""

    project_name: str
    generation_year: pl.Int64
    files: pl.Int64 = pa.Field(ge=1)
    mwh: float = pa.Field(ge=0)
    whole_rrecs: pl.Int64 = pa.Field(ge=0)
    country: str = pa.Field(nullable=True)
    iso3: str = pa.Field(nullable=True)
    token: str = pa.Field(nullable=True)
    credit_class: str = pa.Field(nullable=True, isin=CREDIT_CLASSES)
    is_eligible: bool
    reason: str
    factor: float = pa.Field(nullable=True, ge=0)
    factor_unit: str = pa.Field(nullable=True)
    factor_year: pl.Int64 = pa.Field(nullable=True)
    factor_release: str = pa.Field(nullable=True)
    factor_source: str = pa.Field(nullable=True)
    tco2e: float = pa.Field(nullable=True)
    whole_credits: pl.Int64 = pa.Field(nullable=True, ge=0)

    class Config:
        strict = True
        unique = ("project_name", "generation_year")


class MiniGridCustomerMonths(pa.DataFrameModel):
    """AMS-III.BB from customer meter reads, by site and month (before diesel)."""

    source: str
    site_id: str
    year: pl.Int32
    month: pl.Int8 = pa.Field(ge=1, le=12)
    households: pl.UInt32
    non_households: pl.UInt32
    type1_ma_mwh: float = pa.Field(ge=0)
    type1_mb_mwh: float = pa.Field(ge=0)
    type2_mwh: float = pa.Field(ge=0)
    unclassified_mwh: float = pa.Field(ge=0)
    tco2e_before_diesel: float = pa.Field(ge=0)

    class Config:
        strict = True
        unique = ("source", "site_id", "year", "month")
