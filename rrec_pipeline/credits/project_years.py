"""Credits per project-year of accepted verification files.

Files of one project and year add up exactly (certified MWh, consumption);
each distinct place is classified once; grid factors are chosen for all
project-years in one join per dataset; then every project-year is credited by
`credits.calculate.credit`, the same function that credits a single file.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import TCO2E_DECIMALS, floor_to
from rrec_pipeline.credits.calculate import Consumption, CreditResult, credit
from rrec_pipeline.credits.classify import Classification, classify
from rrec_pipeline.credits.factors import FactorPolicy, choose_factors
from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.tables import PROJECT_YEAR_CREDITS
from rrec_pipeline.verification_csv.fields import CONSUMPTION_FIELDS, PLACE_FIELDS
from rrec_pipeline.verification_csv.totals import whole_rrecs


def project_year_credits(
    files: pl.DataFrame, tables: ReferenceTables, policy: FactorPolicy | None = None
) -> pl.DataFrame:
    """`files` is the file-summary table; one row per accepted project-year comes back."""
    accepted = files.filter(pl.col("is_accepted") & pl.col("generation_year").is_not_null())
    if accepted.is_empty():
        return PROJECT_YEAR_CREDITS.empty()
    years = accepted.group_by("project_name", "generation_year", maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("files"),
        pl.col("certified_mwh").sum(),
        *(pl.col(column).first() for column in PLACE_FIELDS),
        *(pl.col(column).sum() for column in CONSUMPTION_FIELDS),
        *(pl.col(c).is_not_null().any().alias(f"has_{c}") for c in CONSUMPTION_FIELDS),
    )
    rows = years.to_dicts()
    found = _classified(rows, tables)
    wanted = {str(i): (found[_place(row)], row["generation_year"]) for i, row in enumerate(rows)}
    factors = choose_factors(wanted, tables, policy or FactorPolicy())
    credited = [
        _row(row, found[_place(row)], factors.get(str(index))) for index, row in enumerate(rows)
    ]
    frame = pl.DataFrame(credited, schema=PROJECT_YEAR_CREDITS.dtypes)
    return PROJECT_YEAR_CREDITS.validate(frame)


def _place(row: dict) -> tuple:
    return tuple(row[column] for column in PLACE_FIELDS)


def _classified(rows: list[dict], tables: ReferenceTables) -> dict[tuple, Classification]:
    return {
        place: classify(tables, **dict(zip(PLACE_FIELDS, place, strict=True)))
        for place in {_place(row) for row in rows}
    }


def _consumption(row: dict) -> Consumption:
    values = [row[c] if row[f"has_{c}"] else None for c in CONSUMPTION_FIELDS]
    return Consumption(*values)


def _row(row: dict, found: Classification, factor) -> dict[str, object]:
    mwh: Decimal = row["certified_mwh"]
    result: CreditResult = credit(
        found,
        mwh=mwh,
        year=row["generation_year"],
        consumption=_consumption(row),
        factor=factor,
    )
    chosen = result.factor
    return {
        "project_name": row["project_name"],
        "generation_year": row["generation_year"],
        "files": row["files"],
        "certified_mwh": mwh,
        "whole_rrecs": whole_rrecs(mwh),
        "country": row["country"],
        "iso3": found.country.iso3 if found.country else None,
        "token": result.token,
        "credit_class": result.credit_class,
        "is_eligible": result.eligible,
        "reason": result.reason,
        "factor": chosen.value if chosen else None,
        "factor_unit": chosen.unit if chosen else None,
        "factor_year": chosen.year if chosen else None,
        "factor_release": chosen.release if chosen else None,
        "factor_source": result.factor_source,
        "tco2e": None if result.tco2e is None else floor_to(result.tco2e, TCO2E_DECIMALS),
        "whole_credits": result.whole_credits,
    }
