"""SparkMeter pages: Koios v2 historical intervals and ThunderCloud v0 live registers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl

from rrec_pipeline.meter_reads.classes import sparkmeter_class
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
)
from rrec_pipeline.meter_reads.parsers.columns import (
    kwh_intervals,
)
from rrec_pipeline.meter_reads.parsers.times import utc_stamp


def koios_rows(page: Page) -> list[dict[str, Any]]:
    body = page.json()
    rows = body.get("data") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise PageFormatError(f"sparkmeter {page.endpoint}: expected 'data' to be a list")
    return rows


def koios_historical(page: Page) -> pl.DataFrame:
    """Interval energy: `kilowatt_hours` (or `energy`) for the interval starting at `timestamp`."""
    length = timedelta(minutes=float(page.context.get("interval_minutes", 15)))
    tariffs: dict[str, str] = page.context.get("customer_tariffs") or {}
    parsed = []
    for index, row in enumerate(koios_rows(page)):
        where = f"sparkmeter {page.endpoint} item {index}"
        start = utc_stamp(require(row, "timestamp", where), where)
        meter = require(row, "meter", where)
        serial = require(meter, "serial_number", where)
        customer = (meter.get("customer") or {}).get("code")
        energy = row.get("kilowatt_hours", row.get("energy"))
        parsed.append(
            {
                "device_id": serial,
                "customer_id": customer,
                "customer_class": sparkmeter_class(tariffs.get(customer)) if customer else None,
                "kind": "interval",
                "interval_start": start,
                "interval_end": start + length,
                "wh": energy_wh(energy, WH_PER_KWH, where),
            }
        )
    return readings_frame(page, parsed)


def thundercloud_customers(page: Page) -> pl.DataFrame:
    """Live lifetime registers (`last_energy`, kWh) per meter, stamped in site time."""
    body = page.json()
    customers = body.get("customers") if isinstance(body, dict) else None
    if not isinstance(customers, list):
        raise PageFormatError(f"sparkmeter {page.endpoint}: expected 'customers' to be a list")
    local_zone = page.context.get("timezone")
    parsed = []
    for index, customer in enumerate(customers):
        for meter in customer.get("meters") or []:
            where = f"sparkmeter {page.endpoint} customer {index}"
            read_at = meter.get("last_energy_datetime")
            if read_at is None:
                continue
            parsed.append(
                {
                    "device_id": require(meter, "serial", where),
                    "customer_id": customer.get("code"),
                    "customer_class": sparkmeter_class(meter.get("current_tariff_name")),
                    "kind": "register",
                    "interval_end": utc_stamp(read_at, where, local_zone),
                    "wh": energy_wh(meter.get("last_energy"), WH_PER_KWH, where),
                }
            )
    return readings_frame(page, parsed)


# Koios pages read in bulk (`bulk.read_pages`): `koios_historical` above is the reference.


def _read_koios(page: Page) -> tuple[dict, dict] | None:
    body = decoded(page)
    rows = body.get("data") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        return None
    meters = field(rows, "meter")
    customers = [(meter.get("customer") or {}).get("code") for meter in meters]
    tariffs: dict = page.context.get("customer_tariffs") or {}
    classes = {code: sparkmeter_class(tariffs.get(code)) for code in set(customers) if code}
    fields = {
        "stamp": field(rows, "timestamp"),
        "serial": field(meters, "serial_number"),
        "customer_id": [None if code is None else str(code) for code in customers],
        "customer_class": [classes.get(code) if code else None for code in customers],
        "energy": [
            row["kilowatt_hours"] if "kilowatt_hours" in row else row.get("energy") for row in rows
        ],
    }
    length = timedelta(minutes=float(page.context.get("interval_minutes", 15)))
    return fields, {"interval": length}


def _koios_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    return kwh_intervals(
        rows.with_columns(pl.col("serial").alias("device_id")), "energy", pl.col("serial") != ODD
    )


bulk_koios_historical = BulkKind(_read_koios, _koios_columns)
