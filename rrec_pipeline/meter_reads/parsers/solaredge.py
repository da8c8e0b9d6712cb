"""SolarEdge exports (the Monitoring API V1 JSON shape, kept by sites as reports).

V1 was retired on 2026-11-03, so SolarEdge arrives as exported files. `date`
strings carry no offset and are in the site's local time; `unit` is Wh, kWh or
MWh; `value` may be null or absent (no data). A value covers the period of its
`timeUnit` starting at `date`; calendar units follow the site's calendar.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from rrec_pipeline.meter_reads.pages import (
    Page,
    PageFormatError,
    energy_wh,
    readings_frame,
    require,
)
from rrec_pipeline.meter_reads.parsers.times import zone

_WH_PER_UNIT = {"wh": 1, "kwh": 1_000, "mwh": 1_000_000}
_FIXED = {
    "QUARTER_OF_AN_HOUR": timedelta(minutes=15),
    "HOUR": timedelta(hours=1),
    "DAY": timedelta(days=1),
    "WEEK": timedelta(days=7),
}


def _period_end(start: datetime, unit: str) -> datetime:
    """The end of the period starting at local `start`, in local wall-clock time."""
    if unit in _FIXED:
        return start + _FIXED[unit]
    if unit == "MONTH":
        year, month = divmod(start.month, 12)
        return start.replace(year=start.year + year, month=month + 1)
    if unit == "YEAR":
        return start.replace(year=start.year + 1)
    raise PageFormatError(f"unknown SolarEdge timeUnit {unit!r}")


def _series(body: dict, where: str) -> tuple[str, str, list]:
    if "energy" in body:
        energy = body["energy"]
        return (
            require(energy, "timeUnit", where),
            require(energy, "unit", where),
            require(energy, "values", where),
        )
    details = require(body, "energyDetails", where)
    meters = [m for m in require(details, "meters", where) if m.get("type") == "Production"]
    if not meters:
        raise PageFormatError(f"{where}: no Production meter in energyDetails")
    return (
        require(details, "timeUnit", where),
        require(details, "unit", where),
        meters[0].get("values", []),
    )


def energy_export(page: Page) -> pl.DataFrame:
    where = f"files {page.endpoint}"
    body = page.json()
    if not isinstance(body, dict):
        raise PageFormatError(f"{where}: expected an 'energy' or 'energyDetails' object")
    unit_name, unit, values = _series(body, where)
    scale = _WH_PER_UNIT.get(str(unit).casefold())
    if scale is None:
        raise PageFormatError(f"{where}: unknown unit {unit!r}")
    local: ZoneInfo = zone(page.context.get("timezone"), where)
    parsed = []
    for index, item in enumerate(values):
        item_where = f"{where} value {index}"
        try:
            start = datetime.fromisoformat(require(item, "date", item_where)).replace(tzinfo=local)
        except ValueError:
            raise PageFormatError(f"{item_where}: {item['date']!r} is not a date") from None
        end = _period_end(start.replace(tzinfo=None), unit_name).replace(tzinfo=local)
        wh = energy_wh(item.get("value"), scale, item_where)
        parsed.append(
            {
                "device_id": page.context["device_id"],
                "kind": "interval",
                "interval_start": start.astimezone(UTC),
                "interval_end": end.astimezone(UTC),
                "wh": wh,
            }
        )
    return readings_frame(page, parsed)
