"""Which emission factor applies to a project-year, chosen with polars joins.

- The generation year's own factor when it is published; otherwise the latest
  earlier year's, and `factor_year` says which (real registry files credit 2024
  generation at the 2023 AVERT rate).
- Ember: the first release that published that year, so a credited factor never
  changes when Ember revises history; `release` records it. A release can be pinned.
- AVERT: official releases only, unless provisional rates are allowed (the v4.4
  draft's 2024 rates are kept in the table, flagged).
- No factor at all is a null factor (never a zero); `missing_factor_reason`
  names what is missing.
"""

from __future__ import annotations

import polars as pl

FACTOR_COLUMNS = {
    "factor": pl.Float64,
    "factor_tco2_per_mwh": pl.Float64,
    "factor_year": pl.Int64,
    "factor_release": pl.String,
    "factor_source": pl.String,
}


def _latest_on_or_before(
    targets: pl.DataFrame,
    candidates: pl.DataFrame,
    on: list[str],
    year: str,
    tiebreak: list[str],
) -> pl.DataFrame:
    """Per target key, the candidate row of the latest year not after the generation year."""
    return (
        targets.select("key", *on, "generation_year")
        .join(candidates, on=on, how="inner")
        .filter(pl.col(year) <= pl.col("generation_year"))
        .sort(["key", year, *tiebreak], descending=[False, True, *[False] * len(tiebreak)])
        .group_by("key", maintain_order=True)
        .first()
    )


def select_ember(
    targets: pl.DataFrame, ember: pl.DataFrame, *, release: str | None = None
) -> pl.DataFrame:
    """`targets` (key, iso3, generation_year) plus the Ember factor columns."""
    candidates = ember if release is None else ember.filter(pl.col("release") == release)
    picked = _latest_on_or_before(targets, candidates, ["iso3"], "year", ["release"]).select(
        "key",
        pl.col("co2_intensity_gco2_per_kwh").alias("factor"),
        pl.col("co2_intensity_tco2_per_mwh").alias("factor_tco2_per_mwh"),
        pl.col("year").alias("factor_year"),
        pl.col("release").alias("factor_release"),
        pl.format(
            "Ember Yearly Electricity Data (CC BY 4.0), release {}, {} {}",
            "release",
            "iso3",
            "year",
        ).alias("factor_source"),
    )
    return targets.join(picked, on="key", how="left").cast(FACTOR_COLUMNS)


def select_avert(
    targets: pl.DataFrame, avert: pl.DataFrame, *, allow_provisional: bool = False
) -> pl.DataFrame:
    """`targets` (key, avert_region_id, project_type, generation_year) plus AVERT columns."""
    candidates = avert if allow_provisional else avert.filter(pl.col("is_official"))
    on = ["avert_region_id", "project_type"]
    picked = _latest_on_or_before(targets, candidates, on, "data_year", []).select(
        "key",
        pl.col("avoided_co2_tco2_per_mwh").alias("factor"),
        pl.col("avoided_co2_tco2_per_mwh").alias("factor_tco2_per_mwh"),
        pl.col("data_year").alias("factor_year"),
        pl.col("release").alias("factor_release"),
        pl.format(
            "EPA AVERT {}: {} ({}), {}, {} rate",
            "release",
            "avert_region",
            "avert_region_id",
            "project_type",
            "data_year",
        ).alias("factor_source"),
    )
    return targets.join(picked, on="key", how="left").cast(FACTOR_COLUMNS)


def missing_factor_reason(dataset: str, where: str, generation_year: int) -> str:
    return (
        f"no {dataset} factor for {where} in {generation_year} or any earlier year: "
        "credits cannot be computed (a missing factor is never taken as zero)"
    )
