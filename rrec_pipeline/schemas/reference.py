"""Reference tables: emission factors, AVERT regions, countries."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import FACTOR


class EmberIntensity(pa.DataFrameModel):
    country_name: str
    iso2: str = pa.Field(str_length=2)
    iso3: str = pa.Field(str_length=3)
    year: pl.Int64 = pa.Field(ge=1990, le=2100)
    co2_intensity_gco2_per_kwh: FACTOR = pa.Field(ge=0)
    co2_intensity_tco2_per_mwh: FACTOR = pa.Field(ge=0)
    release: str = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$")
    source: str

    class Config:
        strict = True
        unique = ("iso3", "year", "release")


class AvertRates(pa.DataFrameModel):
    data_year: pl.Int64 = pa.Field(ge=2007, le=2100)
    avert_region: str
    avert_region_id: str
    project_type: str
    project_type_label: str
    avoided_co2_lb_per_mwh: FACTOR = pa.Field(ge=0)
    avoided_co2_tco2_per_mwh: FACTOR = pa.Field(ge=0)
    release: str
    is_official: bool
    source: str

    class Config:
        strict = True
        unique = ("data_year", "avert_region_id", "project_type")


class UsStateAvertRegions(pa.DataFrameModel):
    state: str = pa.Field(str_length=2)
    state_name: str
    avert_region: str
    avert_region_id: str
    percent_of_state: float = pa.Field(gt=0, le=100)
    is_primary_region: bool
    source: str

    class Config:
        strict = True


class Countries(pa.DataFrameModel):
    country_name: str
    iso2: str = pa.Field(str_length=2)
    iso3: str = pa.Field(str_length=3, unique=True)
    is_african: bool
    source: str

    class Config:
        strict = True


class CountryAliases(pa.DataFrameModel):
    alias: str = pa.Field(unique=True)
    iso3: str = pa.Field(str_length=3)
    source: str

    class Config:
        strict = True
