"""Which emission factor applies to a project-year, chosen with polars joins.

- The generation year's own factor when it is published; otherwise the latest
  earlier year's, and `factor_year` says which (real registry files credit 2024
  generation at the 2023 AVERT rate).
- Ember: the first release that published that year, so a credited factor never
  changes when Ember revises history; `release` records it. A release can be pinned.
- AVERT: official releases only, unless provisional rates are allowed (the v4.4
  draft's 2024 rates are kept in the table, flagged).
- No factor at all is no `FactorChoice` (never a zero).
Factors are exact decimals as the reviewed tables write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import FACTOR
from rrec_pipeline.credits.classify import Classification
from rrec_pipeline.credits.reference import ReferenceTables

FACTOR_COLUMNS = {
    "factor": FACTOR,
    "factor_tco2_per_mwh": FACTOR,
    "factor_year": pl.Int64,
    "factor_release": pl.String,
    "factor_source": pl.String,
}


@dataclass(frozen=True)
class FactorChoice:
    value: Decimal  # as published, in `unit`
    unit: str
    tco2_per_mwh: Decimal
    year: int
    release: str
    source: str


@dataclass(frozen=True)
class FactorPolicy:
    ember_release: str | None = None  # None: the first release that published the year
    allow_provisional_avert: bool = False


def _latest_on_or_before(
    targets: pl.DataFrame, candidates: pl.DataFrame, on: list[str], year: str, tiebreak: list[str]
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


def choose_factors(
    wanted: dict[str, tuple[Classification, int]], tables: ReferenceTables, policy: FactorPolicy
) -> dict[str, FactorChoice]:
    """The grid factor for each key's (classification, generation year), in one join per dataset."""
    avert = [(k, c, y) for k, (c, y) in wanted.items() if c.credit_class == "AVERT-USCC"]
    ember = [(k, c, y) for k, (c, y) in wanted.items() if c.credit_class == "EGRCC"]
    chosen: dict[str, FactorChoice] = {}
    if avert:
        targets = pl.DataFrame(
            {
                "key": [k for k, _, _ in avert],
                "avert_region_id": [c.avert_region.region_id for _, c, _ in avert],
                "project_type": [c.avert_project_type for _, c, _ in avert],
                "generation_year": [y for _, _, y in avert],
            }
        )
        picked = select_avert(
            targets, tables.avert, allow_provisional=policy.allow_provisional_avert
        )
        chosen.update(_choices(picked, "tCO2/MWh"))
    if ember:
        targets = pl.DataFrame(
            {
                "key": [k for k, _, _ in ember],
                "iso3": [c.country.iso3 for _, c, _ in ember],
                "generation_year": [y for _, _, y in ember],
            }
        )
        picked = select_ember(targets, tables.ember, release=policy.ember_release)
        chosen.update(_choices(picked, "gCO2/kWh"))
    return chosen


def _choices(picked: pl.DataFrame, unit: str) -> dict[str, FactorChoice]:
    return {
        row["key"]: FactorChoice(
            row["factor"],
            unit,
            row["factor_tco2_per_mwh"],
            row["factor_year"],
            row["factor_release"],
            row["factor_source"],
        )
        for row in picked.iter_rows(named=True)
        if row["factor"] is not None
    }
