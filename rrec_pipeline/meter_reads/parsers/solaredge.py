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
from rrec_pipeline.meter_reads.parsers.bulk import (
    BulkKind,
    decoded,
    field,
    label,
    optional,
)
from rrec_pipeline.meter_reads.parsers.columns import (
    exact_wh,
    in_zones,
    local_wall_clock,
    wh_readable,
)
from rrec_pipeline.meter_reads.parsers.times import zone

_WH_PER_UNIT = {"wh": 1, "kwh": 1_000, "mwh": 1_000_000}
# Quarter hours and hours are elapsed time; days and weeks follow the site's calendar.
_ELAPSED = {"QUARTER_OF_AN_HOUR": timedelta(minutes=15), "HOUR": timedelta(hours=1)}
_FIXED = {**_ELAPSED, "DAY": timedelta(days=1), "WEEK": timedelta(days=7)}


def _period_end(start: datetime, unit: str) -> datetime:
    """The end of the period starting at `start` (aware, in the site's zone): a quarter
    hour or an hour ends that long after it, also across a change of clocks; a day, week,
    month or year ends on the site's calendar (a day of 23 or 25 hours)."""
    if unit in _ELAPSED:
        return start.astimezone(UTC) + _ELAPSED[unit]
    wall = start.replace(tzinfo=None)
    if unit in _FIXED:
        wall += _FIXED[unit]
    elif unit == "MONTH":
        year, month = divmod(wall.month, 12)
        wall = wall.replace(year=wall.year + year, month=month + 1)
    elif unit == "YEAR":
        wall = wall.replace(year=wall.year + 1)
    else:
        raise PageFormatError(f"unknown SolarEdge timeUnit {unit!r}")
    return wall.replace(tzinfo=start.tzinfo)


def _instant(wall: datetime, local: ZoneInfo, seen: set[datetime]) -> datetime:
    """A local stamp's instant. When clocks go back, the export lists the repeated hour's
    stamps twice: the first time is the earlier instant, the second the later one (read
    both as the first, the hour's second reading would replace its first)."""
    first = wall.replace(tzinfo=local)
    second = wall.replace(tzinfo=local, fold=1)
    repeated = wall in seen and first.utcoffset() != second.utcoffset()
    seen.add(wall)
    return second if repeated else first


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
    parsed, seen = [], set()
    for index, item in enumerate(values):
        item_where = f"{where} value {index}"
        try:
            wall = datetime.fromisoformat(require(item, "date", item_where))
        except ValueError:
            raise PageFormatError(f"{item_where}: {item['date']!r} is not a date") from None
        start = _instant(wall.replace(tzinfo=None), local, seen)
        end = _period_end(start, unit_name)
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


# Exports of fixed periods read in bulk (`bulk.read_pages`): `energy_export` is the reference.
# A page with a local time that a change of clocks repeats or skips, or with a quarter hour
# or an hour across a change, is left to the reference (`_instant`, `_period_end`).
_DIGITS = {1: 0, 1_000: 3, 1_000_000: 6}


def _bulk_series(body: dict) -> tuple[object, object, object] | None:
    energy = body.get("energy")
    if "energy" in body:
        return (energy["timeUnit"], energy["unit"], energy["values"]) if energy else None
    details = body["energyDetails"]
    meters = [meter for meter in details["meters"] if meter.get("type") == "Production"]
    if not meters:
        return None
    return details["timeUnit"], details["unit"], meters[0].get("values", [])


def _read_export(page: Page) -> tuple[dict, dict] | None:
    body = decoded(page)
    series = _bulk_series(body) if isinstance(body, dict) else None
    if series is None:
        return None
    unit_name, unit, values = series
    scale = _WH_PER_UNIT.get(unit.casefold()) if isinstance(unit, str) else None
    if unit_name not in _FIXED or scale is None or not isinstance(values, list):
        return None
    name = page.context.get("timezone") or "UTC"
    ZoneInfo(name)  # an unknown zone is the reference's to name
    fields = {"stamp_local": field(values, "date"), "energy": optional(values, "value")}
    own = {
        "device_id": label(page.context["device_id"]),
        "customer_class": None,
        "zone": name,
        "length": _FIXED[unit_name],
        "digits": _DIGITS[scale],
    }
    return fields, own


def _export_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    digits = pl.col("digits")
    wh = pl.when(digits == 0).then(exact_wh("energy", 0))
    wh = wh.when(digits == 3).then(exact_wh("energy", 3)).otherwise(exact_wh("energy", 6))
    readable = pl.when(digits == 0).then(wh_readable("energy", 0))
    readable = readable.when(digits == 3).then(wh_readable("energy", 3))
    readable = readable.otherwise(wh_readable("energy", 6))
    start = local_wall_clock("stamp_local")
    return in_zones(
        rows.with_columns(start.alias("start_local")).with_columns(
            (pl.col("start_local") + pl.col("length")).alias("end_local"),
            pl.lit("interval").alias("kind"),
            wh.alias("wh"),
            (
                pl.col("start_local").is_not_null()
                & (pl.col("energy").is_null() | readable.fill_null(False))
            ).alias("readable"),
        ),
        {"start_local": "interval_start", "end_local": "interval_end"},
    ).with_columns(
        (
            pl.col("readable")
            & pl.col("interval_start").is_not_null()
            & pl.col("interval_end").is_not_null()
            & ~pl.col("interval_start_repeated")
            & ~pl.col("interval_end_repeated")
            & (
                (pl.col("length") >= timedelta(days=1))
                | (pl.col("interval_end") - pl.col("interval_start") == pl.col("length"))
            )
        ).alias("ok")
    )


bulk_energy_export = BulkKind(_read_export, _export_columns)
