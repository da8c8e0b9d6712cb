"""CSV exports dropped in a folder: generic `timestamp,kWh`, SteamaCo, SparkMeter, SolarEdge.

One reader, one column profile per vendor. A column's unit comes from its name
(`kWh`, `System Production (Wh)`, `energy_mwh`), else from the profile. Stamps
without an offset are read in the site's time zone (`site.json`). Whether a
stamp marks the start or the end of its interval depends on the vendor; an
interval runs to the next (or from the previous) stamp of the same device.
Any unreadable cell names its line, so a malformed file is quarantined with it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from rrec_pipeline.basics.amounts import KWH_DECIMALS
from rrec_pipeline.meter_reads.classes import sparkmeter_class, steamaco_class
from rrec_pipeline.meter_reads.pages import Page, PageFormatError, readings_from_frame
from rrec_pipeline.meter_reads.parsers.times import zone
from rrec_pipeline.verification_csv.stamps import with_parsed_stamps

_UNIT = re.compile(r"(?:^|[^a-z])(mwh|kwh|wh)(?:$|[^a-z])")
_WH_PER_UNIT = {"mwh": 1_000_000, "kwh": 1_000, "wh": 1}


@dataclass(frozen=True)
class CsvProfile:
    time: tuple[str, ...]
    marks: str  # "start" or "end" of the interval
    energy: tuple[str, ...]  # interval energy, matched by name without unit
    register: tuple[str, ...] = ()  # cumulative register (kWh)
    device: tuple[str, ...] = ()
    customer: tuple[str, ...] = ()
    customer_class: tuple[str, ...] = ()
    default_unit: str = "kwh"
    classify: Callable[[str | None], str | None] = lambda _: None


PROFILES = {
    "generic": CsvProfile(
        ("timestamp", "datetime", "time", "date"),
        "end",
        ("kwh", "wh", "mwh", "energy", "measured kwh"),
        device=("device_id",),
    ),
    "steamaco": CsvProfile(
        ("timestamp",),
        "start",
        ("usage_amount", "usage"),
        ("reading",),
        ("meter", "meter_reference", "reference"),
        ("customer", "customer_id"),
        ("user_type",),
        classify=steamaco_class,
    ),
    "sparkmeter": CsvProfile(
        ("timestamp",),
        "start",
        ("kilowatt_hours", "energy"),
        (),
        ("serial_number", "meter_serial", "serial"),
        ("customer_code", "code"),
        ("tariff", "customer_class", "current_tariff_name"),
        classify=sparkmeter_class,
    ),
    "solaredge": CsvProfile(
        ("time", "date"), "start", ("system production", "production", "energy"), default_unit="wh"
    ),
}


def _name(header: str) -> str:
    return " ".join(re.sub(r"\(.*?\)", "", header).replace("_", " ").casefold().split())


def _unit(header: str, default: str) -> str:
    match = _UNIT.search(header.casefold().replace("_", " "))
    return match.group(1) if match else default


def _find(headers: list[str], names: tuple[str, ...]) -> str | None:
    wanted = {_name(name) for name in names}
    return next((h for h in headers if _name(h) in wanted), None)


def parse_csv(page: Page) -> pl.DataFrame:
    profile = PROFILES[page.context.get("vendor", "generic")]
    frame = _read(page)
    headers = frame.columns
    time_column = _find(headers, profile.time)
    energy_column = _find(headers, profile.energy) or _unit_column(headers, profile)
    register_column = _find(headers, profile.register) if energy_column is None else None
    if time_column is None or (energy_column or register_column) is None:
        raise PageFormatError(
            f"files {page.endpoint} line 1: expected a time column "
            f"{profile.time} and an energy column, found {headers}"
        )
    value_column = energy_column or register_column
    scale = _WH_PER_UNIT[_unit(value_column, profile.default_unit)]
    rows = _typed_rows(page, frame, time_column, value_column, scale, profile)
    if energy_column:
        return readings_from_frame(page, _intervals(rows, profile.marks))
    return readings_from_frame(
        page,
        rows.with_columns(
            pl.lit("register").alias("kind"),
            pl.lit(None, pl.Datetime("us", "UTC")).alias("interval_start"),
        ),
    )


def _unit_column(headers: list[str], profile: CsvProfile) -> str | None:
    if profile is not PROFILES["generic"]:
        return None
    return next((h for h in headers if _UNIT.search(h.casefold().replace("_", " "))), None)


def _read(page: Page) -> pl.DataFrame:
    try:
        text = page.body.decode("utf-8-sig")
        return pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
    except (UnicodeDecodeError, pl.exceptions.PolarsError) as error:
        raise PageFormatError(f"files {page.endpoint}: not a readable CSV ({error})") from None


def _typed_rows(
    page: Page,
    frame: pl.DataFrame,
    time_column: str,
    value_column: str,
    scale: int,
    profile: CsvProfile,
) -> pl.DataFrame:
    local = zone(page.context.get("timezone"), f"files {page.endpoint}")
    parsed = (
        frame.with_row_index("line", offset=2)
        .pipe(with_parsed_stamps, time_column)
        .with_columns(
            (pl.col(value_column).str.strip_chars().str.to_decimal(scale=KWH_DECIMALS) * scale)
            .round(0)
            .cast(pl.Int64, strict=False)
            .alias("_value"),
            _utc(local.key).alias("_at"),
        )
    )
    bad_time = parsed.filter(pl.col("_at").is_null())
    if bad_time.height:
        row = bad_time.row(0, named=True)
        raise PageFormatError(
            f"files {page.endpoint} line {row['line']}: "
            f"{row[time_column]!r} is not an ISO 8601 time stamp"
        )
    blank = pl.col(value_column).str.strip_chars().fill_null("") == ""
    bad_value = parsed.filter(~blank & pl.col("_value").is_null())
    if bad_value.height:
        row = bad_value.row(0, named=True)
        raise PageFormatError(
            f"files {page.endpoint} line {row['line']}: {row[value_column]!r} is not a number"
        )
    device = _find(frame.columns, profile.device)
    customer = _find(frame.columns, profile.customer)
    klass = _find(frame.columns, profile.customer_class)
    default_device = pl.lit(str(page.context["device_id"]))
    return parsed.select(
        (
            pl.when(pl.col(device).fill_null("") != "")
            .then(pl.col(device))
            .otherwise(default_device)
            if device
            else default_device
        ).alias("device_id"),
        (pl.col(customer) if customer else pl.lit(None, pl.String)).alias("customer_id"),
        (_classes(parsed[klass], profile) if klass else pl.lit(None, pl.String)).alias(
            "customer_class"
        ),
        pl.col("_at").alias("interval_end"),
        pl.col("_value").alias("wh"),
    )


def _classes(labels: pl.Series, profile: CsvProfile) -> pl.Expr:
    """The profile's class for each label, asked once per distinct label."""
    names = labels.drop_nulls().unique().to_list()
    classes = [profile.classify(name) for name in names]
    mapped = pl.col(labels.name).replace_strict(
        names, classes, default=None, return_dtype=pl.String
    )
    return (
        pl.when(pl.col(labels.name).is_null())
        .then(pl.lit(profile.classify(None)))
        .otherwise(mapped)
    )


def _utc(zone_name: str) -> pl.Expr:
    """UTC from parsed stamps: own offset, else the site zone (DST-aware)."""
    own = (pl.col("local") - pl.duration(minutes=pl.col("offset_minutes"))).dt.replace_time_zone(
        "UTC"
    )
    in_zone = (
        pl.col("local")
        .dt.replace_time_zone(zone_name, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
    )
    return pl.when(pl.col("offset_minutes").is_not_null()).then(own).otherwise(in_zone)


def _intervals(frame: pl.DataFrame, marks: str) -> pl.DataFrame:
    """Give each stamped value its interval: to the next stamp (start) or from the previous.

    An interval is never longer than the device's usual reporting interval (the
    median step between its stamps; the file's, for a device with one stamp): a
    row of an hourly export is an hour's energy, even right after a hole of four
    days, so the hole stays a gap, and the hole's own rows, delivered later,
    fill it without overlapping anything. A stamp written twice for one device
    gives both rows the same interval; the normaliser then keeps one (same
    value) or reports `conflicting_duplicate`.
    """
    frame = frame.with_row_index("_order")
    step = pl.col("interval_end").diff().over("device_id")
    stamps = (
        frame.select("device_id", "interval_end")
        .unique()
        .sort("device_id", "interval_end")
        .with_columns(step.alias("_before"), step.shift(-1).over("device_id").alias("_after"))
    )
    typical = stamps["_before"].drop_nulls().median() or None
    if typical is None:
        raise PageFormatError("files: one reading is not enough to know its interval")
    usual = pl.col("_before").median().over("device_id").fill_null(typical)
    stamps = stamps.with_columns(usual.alias("_usual"))
    frame = frame.join(stamps, on=["device_id", "interval_end"], how="left")
    if marks == "start":
        length = pl.min_horizontal(pl.col("_after").fill_null(pl.col("_usual")), "_usual")
        frame = frame.with_columns(
            pl.col("interval_end").alias("interval_start"),
            (pl.col("interval_end") + length).alias("interval_end"),
        )
    else:
        length = pl.min_horizontal(pl.col("_before").fill_null(pl.col("_usual")), "_usual")
        frame = frame.with_columns((pl.col("interval_end") - length).alias("interval_start"))
    frame = frame.sort("_order").drop("_order", "_before", "_after", "_usual")
    return frame.with_columns(pl.lit("interval").alias("kind"))
