"""Asset checks on reference tables and credits.

Reference tables block everything computed from them if their schema breaks.
Every eligible grid project-year must have a factor: a missing factor is never
a zero, and issuance must not go ahead without one.
"""

import dagster as dg
import polars as pl

from rrec_pipeline.assets.credits import CUSTOMER_MONTHS, PROJECT_YEARS
from rrec_pipeline.assets.reference import ASSET_NAMES
from rrec_pipeline.checks.asset_checks import schema_check
from rrec_pipeline.credits.reference import FILES
from rrec_pipeline.schemas.credits import MiniGridCustomerMonths, ProjectYearCredits


@dg.asset_check(
    asset=PROJECT_YEARS,
    blocking=True,
    description="Every eligible AVERT-USCC and EGRCC project-year has a factor.",
)
def every_eligible_project_year_has_a_factor(credits: pl.DataFrame) -> dg.AssetCheckResult:
    grid = pl.col("credit_class").is_in(["AVERT-USCC", "EGRCC"])
    missing = credits.filter(pl.col("is_eligible") & grid & pl.col("factor").is_null())
    listed = [
        f"{row['project_name']} {row['generation_year']}: {row['reason']}"
        for row in missing.iter_rows(named=True)
    ]
    return dg.AssetCheckResult(
        passed=missing.is_empty(),
        description=f"{missing.height} eligible project-years without a factor",
        metadata={"missing": dg.MetadataValue.json(listed)},
    )


def credit_checks() -> list[dg.AssetChecksDefinition]:
    return [
        *(schema_check(ASSET_NAMES[table], model) for table, (_, model) in FILES.items()),
        schema_check(PROJECT_YEARS, ProjectYearCredits),
        schema_check(CUSTOMER_MONTHS, MiniGridCustomerMonths),
        every_eligible_project_year_has_a_factor,
    ]
