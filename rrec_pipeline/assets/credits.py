"""Carbon credits: per project-year of accepted files, and from customer meter reads."""

import dagster as dg
import polars as pl

from rrec_pipeline.assets.meter_reads import READS
from rrec_pipeline.assets.reference import ASSET_NAMES
from rrec_pipeline.assets.verification import FILES
from rrec_pipeline.credits.for_files import CreditPolicy
from rrec_pipeline.credits.minigrid import customer_months
from rrec_pipeline.credits.project_years import project_year_credits
from rrec_pipeline.credits.reference import ReferenceTables

PROJECT_YEARS = "out_credits__project_years"
CUSTOMER_MONTHS = "out_credits__minigrid_customer_months"


class CreditConfig(dg.Config):
    ember_release: str | None = None
    allow_provisional_avert: bool = False


@dg.asset(
    name=PROJECT_YEARS,
    group_name="credits",
    kinds={"polars"},
    ins={
        "files": dg.AssetIn(FILES),
        **{table: dg.AssetIn(ASSET_NAMES[table]) for table in ASSET_NAMES},
    },
    description="Token, credit class, factor and tCO2e per project and generation year.",
)
def out_credits__project_years(
    config: CreditConfig,
    files: pl.DataFrame,
    ember: pl.DataFrame,
    avert: pl.DataFrame,
    state_regions: pl.DataFrame,
    countries: pl.DataFrame,
    aliases: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    tables = ReferenceTables(ember, avert, state_regions, countries, aliases)
    policy = CreditPolicy(config.ember_release, config.allow_provisional_avert)
    credits = project_year_credits(files, tables, policy)
    eligible = credits.filter(pl.col("is_eligible"))
    return dg.Output(
        credits,
        metadata={
            "dagster/row_count": credits.height,
            "eligible_project_years": eligible.height,
            "tco2e": float(eligible["tco2e"].sum() or 0.0),
            "by_class": dg.MetadataValue.json(
                dict(eligible.group_by("credit_class").len().iter_rows())
            ),
        },
    )


@dg.asset(
    name=CUSTOMER_MONTHS,
    group_name="credits",
    kinds={"polars"},
    ins={"reads": dg.AssetIn(READS)},
    description="AMS-III.BB per mini-grid site and month from customer meter reads "
    "(before the diesel deduction).",
)
def out_credits__minigrid_customer_months(reads: pl.DataFrame) -> dg.Output[pl.DataFrame]:
    months = customer_months(reads)
    return dg.Output(
        months,
        metadata={
            "dagster/row_count": months.height,
            "tco2e_before_diesel": float(months["tco2e_before_diesel"].sum() or 0.0),
            "unclassified_mwh": float(months["unclassified_mwh"].sum() or 0.0),
        },
    )
