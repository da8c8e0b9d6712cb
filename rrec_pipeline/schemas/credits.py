"""Credit tables: per project-year, and mini-grid customers' AMS-III.BB by month."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import FACTOR, MWH, TCO2E

CREDIT_CLASSES = ["MCC", "AVERT-USCC", "EGRCC"]


class ProjectYearCredits(pa.DataFrameModel):
    """One row per project and generation year of accepted verification files."""

    project_name: str = pa.Field(description="Project Name as written in its files")
    generation_year: pl.Int64 = pa.Field(description="calendar year of the generation")
    files: pl.Int64 = pa.Field(ge=1, description="accepted files of the project-year")
    certified_mwh: MWH = pa.Field(ge=0, description="sum of the files' certified MWh, exact")
    whole_rrecs: pl.Int64 = pa.Field(ge=0, description="floor(certified_mwh)")
    country: str = pa.Field(nullable=True, description="Country as written")
    iso3: str = pa.Field(nullable=True, description="ISO 3166 alpha-3 of the country")
    token: str = pa.Field(nullable=True, description="R-REC token class, RREC-<state|A+iso2>")
    credit_class: str = pa.Field(
        nullable=True, isin=CREDIT_CLASSES, description="MCC, AVERT-USCC or EGRCC"
    )
    is_eligible: bool = pa.Field(description="a token and a credit class apply")
    reason: str = pa.Field(description="why (not) eligible, and which factor year applies")
    factor: FACTOR = pa.Field(nullable=True, ge=0, description="emission factor as published")
    factor_unit: str = pa.Field(nullable=True, description="tCO2/MWh (AVERT) or gCO2/kWh (Ember)")
    factor_year: pl.Int64 = pa.Field(nullable=True, description="year the factor is for")
    factor_release: str = pa.Field(nullable=True, description="dataset release used")
    factor_source: str = pa.Field(nullable=True, description="dataset, place and year")
    tco2e: TCO2E = pa.Field(nullable=True, description="exact tCO2e rounded down to the gram")
    whole_credits: pl.Int64 = pa.Field(nullable=True, ge=0, description="floor of the exact tCO2e")

    class Config:
        strict = True
        unique = ("project_name", "generation_year")


class MiniGridCustomerMonths(pa.DataFrameModel):
    """AMS-III.BB from customer meter reads, by site and month (before diesel)."""

    source: str = pa.Field(description="meter system")
    site_id: str = pa.Field(description="mini-grid site")
    year: pl.Int32 = pa.Field(description="calendar year (UTC)")
    month: pl.Int8 = pa.Field(ge=1, le=12, description="calendar month (UTC)")
    households: pl.UInt32 = pa.Field(description="Type I household customers with reads")
    non_households: pl.UInt32 = pa.Field(description="Type II customers with reads")
    type1_ma_mwh: MWH = pa.Field(ge=0, description="households' first 0.055 MWh of the year")
    type1_mb_mwh: MWH = pa.Field(ge=0, description="households' consumption beyond that")
    type2_mwh: MWH = pa.Field(ge=0, description="non-households' consumption")
    unclassified_mwh: MWH = pa.Field(ge=0, description="customers of unknown class, not credited")
    tco2e_before_diesel: TCO2E = pa.Field(ge=0, description="AMS-III.BB baseline, exact, to the g")

    class Config:
        strict = True
        unique = ("source", "site_id", "year", "month")
