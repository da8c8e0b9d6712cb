"""AMS-III.BB from customer meter reads, by site and month.

polars adds each customer's integer Wh per month (exact); the split into Type
1-MA and 1-MB and the tCO2e come from `credits.methods`, the same functions the
per-file credits use. A household's first 0.055 MWh of each calendar year is
Type 1-MA in whichever months it falls (the split is cumulative), so a year's
months add up exactly to the annual computation. Reads without a customer
(generation meters) are left out; customers of unknown class are counted
apart, never guessed into Type I. Diesel is not in meter reads: these figures
are before the diesel deduction.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import TCO2E_DECIMALS, exact_sum, floor_to, mwh_from_wh
from rrec_pipeline.credits.methods import AmsResult, household_split
from rrec_pipeline.meter_reads.classes import TYPE1, TYPE2
from rrec_pipeline.tables import MINIGRID_CUSTOMER_MONTHS

CUSTOMER = ["source", "site_id", "customer_id", "customer_class", "year"]
SITE_MONTH = ("source", "site_id", "year", "month")
ZERO = Decimal(0)


def customer_wh_by_month(reads: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Exact Wh per customer and UTC month, in customer then month order."""
    return (
        reads.lazy()
        .filter(pl.col("customer_id").is_not_null() & pl.col("wh").is_not_null())
        .group_by(
            *CUSTOMER[:-1],
            pl.col("interval_start").dt.year().alias("year"),
            pl.col("interval_start").dt.month().alias("month"),
        )
        .agg(pl.col("wh").sum())
        .sort([*CUSTOMER, "month"])
        .collect()
    )


def customer_months(reads: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The `out_credits__minigrid_customer_months` table from normalised meter reads."""
    months = customer_wh_by_month(reads)
    sites: dict[tuple, dict] = defaultdict(_empty_site_month)
    year_to_date: dict[tuple, Decimal] = defaultdict(Decimal)
    for row in months.iter_rows(named=True):
        site = sites[tuple(row[key] for key in SITE_MONTH)]
        customer = tuple(row[key] for key in CUSTOMER)
        mwh = mwh_from_wh(row["wh"])
        if row["customer_class"] == TYPE1:
            type1_ma, type1_mb = household_split(year_to_date[customer], mwh)
            year_to_date[customer] += mwh
            site["households"].add(row["customer_id"])
            site["type1_ma"].append(type1_ma)
            site["type1_mb"].append(type1_mb)
        elif row["customer_class"] == TYPE2:
            site["non_households"].add(row["customer_id"])
            site["type2"].append(mwh)
        else:
            site["unclassified"].append(mwh)
    rows = [_site_row(key, parts) for key, parts in sorted(sites.items())]
    frame = pl.DataFrame(rows, schema=MINIGRID_CUSTOMER_MONTHS.dtypes)
    return MINIGRID_CUSTOMER_MONTHS.validate(frame)


def _empty_site_month() -> dict:
    return {
        "households": set(),
        "non_households": set(),
        "type1_ma": [],
        "type1_mb": [],
        "type2": [],
        "unclassified": [],
    }


def _site_row(key: tuple, parts: dict) -> dict[str, object]:
    ams = AmsResult(
        type1_ma_mwh=exact_sum(parts["type1_ma"]),
        type1_mb_mwh=exact_sum(parts["type1_mb"]),
        type2_mwh=exact_sum(parts["type2"]),
        diesel_tco2e=ZERO,
    )
    return {
        **dict(zip(SITE_MONTH, key, strict=True)),
        "households": len(parts["households"]),
        "non_households": len(parts["non_households"]),
        "type1_ma_mwh": ams.type1_ma_mwh,
        "type1_mb_mwh": ams.type1_mb_mwh,
        "type2_mwh": ams.type2_mwh,
        "unclassified_mwh": exact_sum(parts["unclassified"]),
        "tco2e_before_diesel": floor_to(ams.tco2e, TCO2E_DECIMALS),
    }
