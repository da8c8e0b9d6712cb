"""Enphase Enlighten v4 pages: Wh, epoch seconds, intervals listed by their end.

`telemetry/production_meter` gives 15-minute intervals (`wh_del`, or `enwh` in
newer responses); `energy_lifetime` gives one Wh value per local day of the
system's time zone; `production_meter_readings` gives lifetime odometers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.meter_reads.pages import (
    Page,
    PageFormatError,
    energy_wh,
    readings_frame,
    require,
)
from rrec_pipeline.meter_reads.parsers.bulk import (
    ODD,
    BulkKind,
    decoded,
    field,
    label,
)
from rrec_pipeline.meter_reads.parsers.columns import (
    exact_wh,
    from_epoch,
    wh_readable,
)
from rrec_pipeline.meter_reads.parsers.times import epoch, zone


def production_meter(page: Page) -> pl.DataFrame:
    body = page.json()
    intervals = body.get("intervals") if isinstance(body, dict) else None
    if not isinstance(intervals, list):
        raise PageFormatError(f"enphase {page.endpoint}: expected 'intervals' to be a list")
    length = timedelta(seconds=int(page.context.get("interval_seconds", 900)))
    parsed = []
    for index, item in enumerate(intervals):
        where = f"enphase {page.endpoint} interval {index}"
        end = epoch(require(item, "end_at", where), where)
        wh = energy_wh(item.get("wh_del", item.get("enwh")), 1, where)
        parsed.append(
            {
                "device_id": page.context["device_id"],
                "kind": "interval",
                "interval_start": end - length,
                "interval_end": end,
                "wh": wh,
            }
        )
    return readings_frame(page, parsed)


def energy_lifetime(page: Page) -> pl.DataFrame:
    """Daily Wh by local date; days after the last reported energy are not yet known."""
    body = page.json()
    where = f"enphase {page.endpoint}"
    start = date.fromisoformat(require(body, "start_date", where))
    values = require(body, "production", where)
    local = zone(page.context.get("timezone"), where)
    last_energy_at = (body.get("meta") or {}).get("last_energy_at")
    last_day = epoch(last_energy_at, where).astimezone(local).date() if last_energy_at else None
    parsed = []
    for offset, value in enumerate(values):
        day = start + timedelta(days=offset)
        if last_day is not None and day > last_day:
            break
        begin = datetime.combine(day, datetime.min.time(), local).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), local).astimezone(UTC)
        wh = energy_wh(value, 1, f"{where} day {day}")
        parsed.append(
            {
                "device_id": page.context["device_id"],
                "kind": "interval",
                "interval_start": begin,
                "interval_end": end,
                "wh": wh,
            }
        )
    return readings_frame(page, parsed)


def meter_readings(page: Page) -> pl.DataFrame:
    body = page.json()
    where = f"enphase {page.endpoint}"
    parsed = [
        {
            "device_id": f"{page.context['site_id']}:{require(item, 'serial_number', where)}",
            "kind": "register",
            "interval_end": epoch(require(item, "read_at", where), where),
            "wh": energy_wh(require(item, "value", where), 1, where),
        }
        for item in require(body, "meter_readings", where)
    ]
    return readings_frame(page, parsed)


# The same kinds read in bulk (`bulk.read_pages`): the functions above are the reference.


def _read_intervals(page: Page) -> tuple[dict, dict] | None:
    body = decoded(page)
    intervals = body.get("intervals") if isinstance(body, dict) else None
    if not isinstance(intervals, list):
        return None
    wh = [item["wh_del"] if "wh_del" in item else item.get("enwh") for item in intervals]
    values = {
        "device_id": label(page.context["device_id"]),
        "customer_class": None,
        "interval": timedelta(seconds=int(page.context.get("interval_seconds", 900))),
    }
    return {"epoch": field(intervals, "end_at"), "wh": wh}, values


def _interval_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    end = from_epoch("epoch")
    return rows.with_columns(
        pl.lit("interval").alias("kind"),
        (end - pl.col("interval")).alias("interval_start"),
        end.alias("interval_end"),
        exact_wh("wh", 0).alias("wh"),
        (pl.col("epoch").is_not_null() & (pl.col("wh").is_null() | wh_readable("wh", 0))).alias(
            "ok"
        ),
    )


bulk_production_meter = BulkKind(_read_intervals, _interval_columns)


def _read_registers(page: Page) -> tuple[dict, dict] | None:
    body = decoded(page)
    readings = body.get("meter_readings") if isinstance(body, dict) else None
    if not isinstance(readings, list):
        return None
    fields = {
        "serial": field(readings, "serial_number"),
        "epoch": field(readings, "read_at"),
        "wh": field(readings, "value"),
    }
    return fields, {"site": str(page.context["site_id"]), "customer_class": None}


def _register_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.with_columns(
        pl.concat_str("site", pl.lit(":"), "serial").alias("device_id"),
        pl.lit("register").alias("kind"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("interval_start"),
        from_epoch("epoch").alias("interval_end"),
        exact_wh("wh", 0).alias("wh"),
        (pl.col("epoch").is_not_null() & (pl.col("serial") != ODD) & wh_readable("wh", 0)).alias(
            "ok"
        ),
    )


bulk_meter_readings = BulkKind(_read_registers, _register_columns)
