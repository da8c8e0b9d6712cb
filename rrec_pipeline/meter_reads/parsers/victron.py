"""Victron VRM v2 `stats` pages: `[epoch ms, kWh]` pairs per attribute code.

With `type=kwh`, each code is energy per bucket starting at the timestamp:
`Pc` PV to consumers, `Pb` PV to battery, `Pg` PV to grid. PV yield is their
sum; a code the installation does not have comes back as `false`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import polars as pl

from rrec_pipeline.meter_reads.pages import (
    WH_PER_KWH,
    Page,
    PageFormatError,
    energy_wh,
    readings_frame,
)
from rrec_pipeline.meter_reads.parsers.bulk import (
    BulkKind,
    decoded,
    label,
)
from rrec_pipeline.meter_reads.parsers.columns import (
    exact_wh,
    from_epoch,
    wh_readable,
)
from rrec_pipeline.meter_reads.parsers.times import epoch

PV_CODES = ("Pc", "Pb", "Pg")
INTERVALS = {
    "15mins": timedelta(minutes=15),
    "hours": timedelta(hours=1),
    "days": timedelta(days=1),
}


def stats(page: Page) -> pl.DataFrame:
    body = page.json()
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, dict) or body.get("success") is False:
        raise PageFormatError(f"victron {page.endpoint}: expected 'records' with series")
    length = INTERVALS[page.context.get("interval", "hours")]
    totals: dict[datetime, int | None] = defaultdict(int)
    for code in page.context.get("attribute_codes", PV_CODES):
        series = records.get(code)
        if not series:
            continue
        for index, pair in enumerate(series):
            where = f"victron {page.endpoint} {code}[{index}]"
            if not isinstance(pair, list) or len(pair) < 2:
                raise PageFormatError(f"{where}: expected [timestamp_ms, kWh]")
            start = epoch(pair[0], where, milliseconds=True)
            value = energy_wh(pair[1], WH_PER_KWH, where)
            previous = totals[start]
            totals[start] = None if value is None or previous is None else previous + value
    parsed = [
        {
            "device_id": page.context["device_id"],
            "kind": "interval",
            "interval_start": start,
            "interval_end": start + length,
            "wh": wh,
        }
        for start, wh in sorted(totals.items())
    ]
    return readings_frame(page, parsed)


# Stats pages read in bulk (`bulk.read_pages`): `stats` above is the reference.


def _read_stats(page: Page) -> tuple[dict, dict] | None:
    body = decoded(page)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, dict) or body.get("success") is False:
        return None
    starts: list = []
    kwh: list = []
    for code in page.context.get("attribute_codes", PV_CODES):
        series = records.get(code)
        if not series:
            continue
        if not all(type(pair) is list and len(pair) >= 2 for pair in series):
            return None
        starts.extend(pair[0] for pair in series)
        kwh.extend(pair[1] for pair in series)
    length = INTERVALS[page.context.get("interval", "hours")]
    own = {"device_id": label(page.context["device_id"]), "customer_class": None}
    return {"epoch_ms": starts, "kwh": kwh}, {**own, "interval": length}


def _stats_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Each start's energy summed over the codes (null when any is null), in start order."""
    read = rows.with_columns(
        from_epoch("epoch_ms", "ms").alias("interval_start"),
        exact_wh("kwh", 3).alias("wh"),
        (pl.col("kwh").is_null() | wh_readable("kwh", 3)).alias("ok"),
    )
    kept = ["customer_id", "device_id", "customer_class", "interval"]
    kept += ["max_wh_per_hour", "source", "site_id", "ingested_at", "page_id"]
    summed = read.group_by("page", "interval_start", maintain_order=True).agg(
        pl.when(pl.col("wh").null_count() == 0).then(pl.col("wh").sum()).alias("wh"),
        (pl.col("ok").all() & pl.col("interval_start").is_not_null().all()).alias("ok"),
        *[pl.col(name).first() for name in kept],
    )
    return summed.sort("page", "interval_start").with_columns(
        pl.lit("interval").alias("kind"),
        (pl.col("interval_start") + pl.col("interval")).alias("interval_end"),
    )


bulk_stats = BulkKind(_read_stats, _stats_columns)
