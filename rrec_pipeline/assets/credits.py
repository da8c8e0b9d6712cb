"""Carbon credits: per project-year of accepted files, and from customer meter reads."""

import dagster as dg
import polars as pl

from rrec_pipeline.checks.credits import FACTOR_CHECK, every_eligible_project_year_has_a_factor
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.credits.factors import FactorPolicy
from rrec_pipeline.credits.minigrid import customer_months
from rrec_pipeline.credits.project_years import project_year_credits
from rrec_pipeline.credits.reference import REFERENCE_TABLES, ReferenceTables
from rrec_pipeline.resources.storage.warehouse import Warehouse
from rrec_pipeline.tables import (
    METER_READS,
    MINIGRID_CUSTOMER_MONTHS,
    PROJECT_YEAR_CREDITS,
    VERIFICATION_FILES,
)


class CreditConfig(dg.Config):
    ember_release: str | None = None
    allow_provisional_avert: bool = False


@dg.asset(
    name=PROJECT_YEAR_CREDITS.key,
    group_name="credits",
    kinds={"polars", "parquet"},
    ins={
        "files": dg.AssetIn(VERIFICATION_FILES.key),
        **{name: dg.AssetIn(table.key) for name, table in REFERENCE_TABLES.items()},
    },
    description=PROJECT_YEAR_CREDITS.description,
    check_specs=[*schema_specs(PROJECT_YEAR_CREDITS), FACTOR_CHECK],
)
@schema_checked(PROJECT_YEAR_CREDITS)
def out_credits__project_years(
    config: CreditConfig,
    files: pl.DataFrame,
    ember: pl.DataFrame,
    avert: pl.DataFrame,
    state_regions: pl.DataFrame,
    countries: pl.DataFrame,
    aliases: pl.DataFrame,
):
    tables = ReferenceTables(ember, avert, state_regions, countries, aliases)
    policy = FactorPolicy(config.ember_release, config.allow_provisional_avert)
    credits = project_year_credits(files, tables, policy)
    eligible = credits.filter(pl.col("is_eligible"))
    yield dg.Output(
        credits,
        metadata={
            "eligible_project_years": eligible.height,
            "whole_rrecs": int(credits["whole_rrecs"].sum()),
            "whole_credits": int(eligible["whole_credits"].sum()),
            "tco2e": str(eligible["tco2e"].sum()),
        },
    )
    yield every_eligible_project_year_has_a_factor(credits)


@dg.asset(
    name=MINIGRID_CUSTOMER_MONTHS.key,
    group_name="credits",
    kinds={"polars", "parquet"},
    # A lazy scan, not an input: the IO manager would load every partition's reads into
    # memory (about 100 M rows for a registry's year), where the group-by of a scan holds
    # the customer months (`bench/run.py --step classify`: 412 MiB at 100 M reads).
    deps=[METER_READS.key],
    description=MINIGRID_CUSTOMER_MONTHS.description,
    check_specs=schema_specs(MINIGRID_CUSTOMER_MONTHS),
)
@schema_checked(MINIGRID_CUSTOMER_MONTHS)
def out_credits__minigrid_customer_months(warehouse: Warehouse) -> dg.Output[pl.DataFrame]:
    months = customer_months(warehouse.scan(METER_READS.key))
    return dg.Output(
        months,
        metadata={
            "tco2e_before_diesel": str(months["tco2e_before_diesel"].sum()),
            "unclassified_mwh": str(months["unclassified_mwh"].sum()),
        },
    )
