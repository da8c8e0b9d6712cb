"""AMS-III.BB from customer meter reads, by site and month, with polars.

A household's first 0.055 MWh of each calendar year is Type 1-MA in whichever
months it falls (the split is cumulative), so a year's months add up exactly to
the annual computation. Reads without a customer (generation meters) are left
out; customers of unknown class are counted apart, never guessed into Type I.
Diesel is not in meter reads: these figures are before the diesel deduction.
"""

from __future__ import annotations

import polars as pl

from rrec_pipeline.credits.methods import (
    TYPE1_MA_CAP_MWH,
    TYPE1_MA_TCO2E_PER_MWH,
    TYPE1_MB_TCO2E_PER_MWH,
    TYPE2_TCO2E_PER_MWH,
)
from rrec_pipeline.meter_reads.classes import TYPE1, TYPE2
from rrec_pipeline.schemas import polars_schema
from rrec_pipeline.schemas.credits import MiniGridCustomerMonths

CUSTOMER = ["source", "site_id", "customer_id", "customer_class", "year"]


def customer_months(reads: pl.DataFrame) -> pl.DataFrame:
    if reads.is_empty() or "customer_id" not in reads.columns:
        return pl.DataFrame(schema=polars_schema(MiniGridCustomerMonths))
    cap = float(TYPE1_MA_CAP_MWH)
    monthly = (
        reads.filter(pl.col("customer_id").is_not_null() & pl.col("kwh").is_not_null())
        .with_columns(
            pl.col("interval_start").dt.year().alias("year"),
            pl.col("interval_start").dt.month().alias("month"),
        )
        .group_by([*CUSTOMER, "month"])
        .agg((pl.col("kwh").sum() / 1000).alias("mwh"))
        .sort([*CUSTOMER, "month"])
        .with_columns(pl.col("mwh").cum_sum().over(CUSTOMER).alias("to_date"))
    )
    is_household = pl.col("customer_class") == TYPE1
    allowance_used = pl.col("to_date").clip(upper_bound=cap) - (
        pl.col("to_date") - pl.col("mwh")
    ).clip(upper_bound=cap)
    split = monthly.with_columns(
        pl.when(is_household).then(allowance_used).otherwise(0.0).alias("type1_ma_mwh"),
        pl.when(is_household)
        .then((pl.col("mwh") - allowance_used).clip(lower_bound=0.0))
        .otherwise(0.0)
        .alias("type1_mb_mwh"),
        pl.when(pl.col("customer_class") == TYPE2)
        .then(pl.col("mwh"))
        .otherwise(0.0)
        .alias("type2_mwh"),
        pl.when(pl.col("customer_class").is_null())
        .then(pl.col("mwh"))
        .otherwise(0.0)
        .alias("unclassified_mwh"),
    )
    sites = (
        split.group_by("source", "site_id", "year", "month")
        .agg(
            pl.col("customer_id").filter(is_household).n_unique().alias("households"),
            pl.col("customer_id")
            .filter(pl.col("customer_class") == TYPE2)
            .n_unique()
            .alias("non_households"),
            *(
                pl.col(c).sum()
                for c in ("type1_ma_mwh", "type1_mb_mwh", "type2_mwh", "unclassified_mwh")
            ),
        )
        .with_columns(
            (
                pl.col("type1_ma_mwh") * float(TYPE1_MA_TCO2E_PER_MWH)
                + pl.col("type1_mb_mwh") * float(TYPE1_MB_TCO2E_PER_MWH)
                + pl.col("type2_mwh") * float(TYPE2_TCO2E_PER_MWH)
            ).alias("tco2e_before_diesel"),
        )
    )
    ordered = sites.sort("source", "site_id", "year", "month")
    return MiniGridCustomerMonths.validate(
        ordered.cast(polars_schema(MiniGridCustomerMonths)).select(
            list(MiniGridCustomerMonths.to_schema().columns)
        )
    )
