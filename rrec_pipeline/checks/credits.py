"""Every eligible grid project-year has a factor: a missing one is never a zero.

Blocking: issuance and credit exchange must not go ahead without a factor.
It runs in the credits asset's own step, on the frame just written.
"""

from __future__ import annotations

import dagster as dg
import polars as pl

from rrec_pipeline.checks.markdown import markdown_table
from rrec_pipeline.tables import PROJECT_YEAR_CREDITS

FACTOR_CHECK = dg.AssetCheckSpec(
    "every_eligible_project_year_has_a_factor",
    asset=PROJECT_YEAR_CREDITS.key,
    blocking=True,
    description="Every eligible AVERT-USCC and EGRCC project-year has a factor.",
)


def every_eligible_project_year_has_a_factor(credits: pl.DataFrame) -> dg.AssetCheckResult:
    grid = pl.col("credit_class").is_in(["AVERT-USCC", "EGRCC"])
    missing = credits.filter(pl.col("is_eligible") & grid & pl.col("factor").is_null())
    return dg.AssetCheckResult(
        asset_key=FACTOR_CHECK.asset_key,
        check_name=FACTOR_CHECK.name,
        passed=missing.is_empty(),
        description=f"{missing.height} eligible project-years without a factor",
        metadata={
            "missing": dg.MetadataValue.md(
                markdown_table(missing, ["project_name", "generation_year", "reason"])
            )
        },
    )
