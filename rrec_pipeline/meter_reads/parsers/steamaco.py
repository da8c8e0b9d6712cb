"""SteamaCo pages: DRF lists (`results` + `next`) or bare lists, kWh, ISO UTC stamps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from rrec_pipeline.meter_reads.classes import steamaco_class
from rrec_pipeline.meter_reads.pages import (
    WH_PER_KWH,
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
    hours,
    label,
    optional,
)
from rrec_pipeline.meter_reads.parsers.columns import (
    exact_wh,
    kwh_intervals,
    utc,
    wh_readable,
)
from rrec_pipeline.meter_reads.parsers.times import utc_stamp


def items(page: Page) -> list[dict[str, Any]]:
    """The items of a list page; an auth or error `detail` body is a format error."""
    body = page.json()
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return body["results"]
    if isinstance(body, dict) and "detail" in body:
        raise PageFormatError(f"steamaco {page.endpoint}: error body {body['detail']!r}")
    raise PageFormatError(f"steamaco {page.endpoint}: expected a list or 'results'")


def meter_readings(page: Page) -> pl.DataFrame:
    """Hourly rows: `usage_amount` (interval kWh) when given, else `reading` (register)."""
    rows = items(page)
    hours = timedelta(hours=float(page.context.get("interval_hours", 1)))
    device = page.context["device_id"]
    klass = steamaco_class(page.context.get("user_type"))
    has_usage = any(isinstance(row, dict) and row.get("usage_amount") is not None for row in rows)
    parsed = []
    for index, row in enumerate(rows):
        where = f"steamaco {page.endpoint} item {index}"
        start = utc_stamp(require(row, "timestamp", where), where)
        if has_usage:
            wh = energy_wh(row.get("usage_amount"), WH_PER_KWH, where)
            parsed.append(
                {
                    "device_id": device,
                    "customer_class": klass,
                    "kind": "interval",
                    "interval_start": start,
                    "interval_end": start + hours,
                    "wh": wh,
                }
            )
        else:
            wh = energy_wh(require(row, "reading", where), WH_PER_KWH, where)
            parsed.append(
                {
                    "device_id": device,
                    "customer_class": klass,
                    "kind": "register",
                    "interval_end": start,
                    "wh": wh,
                }
            )
    return readings_frame(page, parsed)


def site_usage(page: Page) -> pl.DataFrame:
    """Bare list of `{timestamp, usage}`: a site's hourly total, as its own device."""
    hours = timedelta(hours=float(page.context.get("interval_hours", 1)))
    parsed = []
    for index, row in enumerate(items(page)):
        where = f"steamaco {page.endpoint} item {index}"
        start = utc_stamp(require(row, "timestamp", where), where)
        parsed.append(
            {
                "device_id": page.context["device_id"],
                "kind": "interval",
                "interval_start": start,
                "interval_end": start + hours,
                "wh": energy_wh(require(row, "usage", where), WH_PER_KWH, where),
            }
        )
    return readings_frame(page, parsed)


# The same two kinds read in bulk (`bulk.read_pages`): the functions above are the reference.


def _rows(page: Page) -> list | None:
    body = decoded(page)
    if isinstance(body, list):
        return body
    rows = body.get("results") if isinstance(body, dict) else None
    return rows if isinstance(rows, list) else None


def _read_readings(page: Page) -> tuple[dict, dict] | None:
    rows = _rows(page)
    if rows is None:
        return None
    usage = optional(rows, "usage_amount")
    fields = {"stamp": field(rows, "timestamp"), "usage": usage}
    fields["reading"] = optional(rows, "reading", ODD)
    values = {
        "has_usage": usage.count(None) < len(usage),
        "device_id": label(page.context["device_id"]),
        "customer_class": steamaco_class(page.context.get("user_type")),
        "interval": hours(page.context.get("interval_hours", 1)),
    }
    return fields, values


def _reading_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    usage = pl.col("has_usage")
    return rows.with_columns(utc("stamp").alias("start")).with_columns(
        pl.when(usage).then(pl.lit("interval")).otherwise(pl.lit("register")).alias("kind"),
        pl.when(usage).then("start").alias("interval_start"),
        pl.when(usage)
        .then(pl.col("start") + pl.col("interval"))
        .otherwise("start")
        .alias("interval_end"),
        pl.when(usage).then(exact_wh("usage", 3)).otherwise(exact_wh("reading", 3)).alias("wh"),
        (
            pl.col("start").is_not_null()
            & pl.when(usage)
            .then(pl.col("usage").is_null() | wh_readable("usage", 3))
            .otherwise(wh_readable("reading", 3))
        ).alias("ok"),
    )


bulk_meter_readings = BulkKind(_read_readings, _reading_columns)


def _read_usage(page: Page) -> tuple[dict, dict] | None:
    rows = _rows(page)
    if rows is None:
        return None
    values = {
        "device_id": label(page.context["device_id"]),
        "customer_class": None,
        "interval": hours(page.context.get("interval_hours", 1)),
    }
    return {"stamp": field(rows, "timestamp"), "usage": field(rows, "usage")}, values


def _usage_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    return kwh_intervals(rows, "usage")


bulk_site_usage = BulkKind(_read_usage, _usage_columns)
