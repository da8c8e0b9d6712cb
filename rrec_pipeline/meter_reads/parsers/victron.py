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
