"""Credits per project-year of accepted verification files, joined with polars.

Files of one project and year add up; each distinct place and installation
type is classified once; factors are chosen for all project-years in one join
per dataset. A missing factor leaves `tco2e` null and says what is missing.
"""

from __future__ import annotations

import polars as pl

from rrec_pipeline.credits.classify import classify
from rrec_pipeline.credits.factors import missing_factor_reason, select_avert, select_ember
from rrec_pipeline.credits.for_files import AMS_SOURCE, DEFAULT_POLICY, CreditPolicy
from rrec_pipeline.credits.methods import (
    DIESEL_TCO2E_PER_L,
    TYPE1_MA_TCO2E_PER_MWH,
    TYPE1_MB_TCO2E_PER_MWH,
    TYPE2_TCO2E_PER_MWH,
)
from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.schemas import polars_schema
from rrec_pipeline.schemas.credits import ProjectYearCredits

PLACE = ["country", "us_state", "us_region", "installation_type"]
CONSUMPTION = [
    "type1_ma_consumption_mwh",
    "type1_mb_consumption_mwh",
    "type2_consumption_mwh",
    "diesel_consumption_l",
]


def project_year_credits(
    files: pl.DataFrame, tables: ReferenceTables, policy: CreditPolicy = DEFAULT_POLICY
) -> pl.DataFrame:
    accepted = files.filter(pl.col("is_accepted") & pl.col("generation_year").is_not_null())
    if accepted.is_empty():
        return pl.DataFrame(schema=polars_schema(ProjectYearCredits))
    years = (
        accepted.group_by("project_name", "generation_year", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("files"),
            pl.col("header_total_mwh").sum().alias("mwh"),
            *(pl.col(column).first() for column in PLACE),
            *(pl.col(column).sum() for column in CONSUMPTION),
            pl.col("type1_ma_consumption_mwh").is_not_null().any().alias("has_consumption"),
        )
        .with_columns(pl.format("{}|{}", "project_name", "generation_year").alias("key"))
    )
    years = years.join(_classified(years, tables), on=PLACE, how="left", nulls_equal=True)
    grid = _grid_factors(years, tables, policy)
    return ProjectYearCredits.validate(_finish(years.join(grid, on="key", how="left")))


def _classified(years: pl.DataFrame, tables: ReferenceTables) -> pl.DataFrame:
    rows = []
    for country, state, region, installation in years.select(PLACE).unique().iter_rows():
        found = classify(
            tables,
            country=country,
            us_state=state,
            us_region=region,
            installation_type=installation,
        )
        rows.append(
            {
                "country": country,
                "us_state": state,
                "us_region": region,
                "installation_type": installation,
                "iso3": found.country.iso3 if found.country else None,
                "token": found.token,
                "credit_class": found.credit_class,
                "is_eligible": found.eligible,
                "class_reason": found.reason,
                "avert_region_id": found.avert_region.region_id if found.avert_region else None,
                "avert_region": found.avert_region.name if found.avert_region else None,
                "project_type": found.avert_project_type,
            }
        )
    return pl.DataFrame(
        rows,
        schema_overrides={
            k: pl.String
            for k in (
                *PLACE,
                "iso3",
                "token",
                "credit_class",
                "avert_region_id",
                "avert_region",
                "project_type",
            )
        },
    )


def _grid_factors(
    years: pl.DataFrame, tables: ReferenceTables, policy: CreditPolicy
) -> pl.DataFrame:
    avert = select_avert(
        years.filter(pl.col("credit_class") == "AVERT-USCC"),
        tables.avert,
        allow_provisional=policy.allow_provisional_avert,
    )
    ember = select_ember(
        years.filter(pl.col("credit_class") == "EGRCC"), tables.ember, release=policy.ember_release
    )
    columns = [
        "key",
        "factor",
        "factor_tco2_per_mwh",
        "factor_year",
        "factor_release",
        "factor_source",
    ]
    return pl.concat(
        [
            avert.select(columns).with_columns(pl.lit("tCO2/MWh").alias("factor_unit")),
            ember.select(columns).with_columns(pl.lit("gCO2/kWh").alias("factor_unit")),
        ]
    )


def _finish(years: pl.DataFrame) -> pl.DataFrame:
    is_mcc = pl.col("credit_class") == "MCC"
    ams = (
        pl.col("type1_ma_consumption_mwh") * float(TYPE1_MA_TCO2E_PER_MWH)
        + pl.col("type1_mb_consumption_mwh") * float(TYPE1_MB_TCO2E_PER_MWH)
        + pl.col("type2_consumption_mwh") * float(TYPE2_TCO2E_PER_MWH)
        - pl.col("diesel_consumption_l") * float(DIESEL_TCO2E_PER_L)
    )
    tco2e = (
        pl.when(~pl.col("is_eligible"))
        .then(None)
        .when(is_mcc)
        .then(pl.when(pl.col("has_consumption")).then(ams))
        .otherwise(pl.col("mwh") * pl.col("factor_tco2_per_mwh"))
    )
    finished = years.with_columns(
        tco2e.alias("tco2e"),
        pl.when(is_mcc & pl.col("has_consumption"))
        .then(pl.lit(AMS_SOURCE))
        .otherwise(pl.col("factor_source"))
        .alias("factor_source"),
        pl.col("mwh").floor().cast(pl.Int64).alias("whole_rrecs"),
    )
    reasons = [_reason(row) for row in finished.iter_rows(named=True)]
    return finished.with_columns(
        pl.Series("reason", reasons, dtype=pl.String),
        pl.col("tco2e").round(9).floor().clip(lower_bound=0).cast(pl.Int64).alias("whole_credits"),
    ).select(list(ProjectYearCredits.to_schema().columns))


def _reason(row: dict) -> str:
    reason = row["class_reason"]
    if not row["is_eligible"] or row["tco2e"] is not None:
        if row["factor_year"] is not None and row["factor_year"] != row["generation_year"]:
            reason += (
                f"; the {row['generation_year']} factor is not published yet, so the "
                f"{row['factor_year']} one is used"
            )
        return reason
    if row["credit_class"] == "MCC":
        return reason + "; no Type 1-MA, 1-MB or 2 consumption, which AMS-III.BB needs"
    dataset = "AVERT" if row["credit_class"] == "AVERT-USCC" else "Ember"
    where = (
        f"{row['us_region'] or row['us_state']} {row['installation_type']}"
        if dataset == "AVERT"
        else f"{row['country']} ({row['iso3']})"
    )
    return missing_factor_reason(dataset, where, row["generation_year"])
