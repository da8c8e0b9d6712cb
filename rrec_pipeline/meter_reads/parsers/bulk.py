"""Many pages of one kind read at once, with the per-page parsers as the reference.

A per-page parser builds a dict per reading and converts each value in Python,
about 15 us a reading. The bulk road decodes each page with orjson (the same
values as `json.loads`; what orjson refuses, such as NaN, goes to the
reference), gathers the fields of all the batch's pages into columns, and does
every conversion once per column in polars: ISO stamps, exact decimal text to
integer Wh (half to even), the page's own values joined on.

It vouches only for what it reads exactly as the reference would. A page with
any value outside the narrow forms below (a stamp not in the common ISO form, a
number in exponent form or with a sign, a missing field, a field of another
type) is handed back as `None`, and its reference parser reads it: the same
readings, or the fault named as before. The property tests in
`tests/unit/meter_reads/test_bulk_parsers.py` hold the two roads to the same
frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import orjson
import polars as pl

from rrec_pipeline.meter_reads.pages import (
    MAX_WH,
    PARSED_SCHEMA,
    Page,
    PageFormatError,
    capacity_bound_wh,
)

# A value the reference would refuse or read otherwise: the page goes to the reference.
ODD = "\x00odd"
# ISO 8601 as meter APIs send it: seconds, optional milliseconds or microseconds, an
# optional `Z` or +hh:mm offset (none: UTC, as `utc_stamp` reads it without a zone).
_STAMP = (
    r"^[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    r"(\.[0-9]{3}|\.[0-9]{6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
_DIGITS = 15  # |Wh| < 10**15 < MAX_WH: no decimal that passes can be refused as too large
_PLACES = 18  # with at most 15 digits before the point, 33 of Decimal(38)'s digits
assert 10**_DIGITS < MAX_WH


def decoded(page: Page) -> Any:
    """The page's JSON as `json.loads` reads it, or ODD when orjson refuses it."""
    try:
        return orjson.loads(page.body)
    except orjson.JSONDecodeError:
        return ODD


def texts(values: list[Any]) -> pl.Series:
    """Numbers and decimal strings as the text the reference reads them from.

    The reference reads a float from its shortest repr and an int or a string
    as it is; None stays None; anything else (a bool, a list) is ODD.
    """
    try:
        return pl.Series(values, dtype=pl.String, strict=True)  # texts and None
    except TypeError:
        return pl.Series([_text(value) for value in values], dtype=pl.String)


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    if type(value) is float:
        return repr(value)
    if type(value) is int:
        return str(value)
    return ODD


def stamps(values: list[Any]) -> pl.Series:
    """Texts of stamps; a value that is not a string is ODD."""
    if set(map(type, values)) <= {str}:
        return pl.Series(values, dtype=pl.String)
    return pl.Series([value if type(value) is str else ODD for value in values], dtype=pl.String)


def utc(column: str) -> pl.Expr:
    """An ISO stamp in the common form as a UTC instant; null for any other text."""
    text = pl.col(column)
    with_offset = (
        pl.when(text.str.contains(r"[+-][0-9][0-9]:[0-9][0-9]$"))
        .then(text)
        .otherwise(text.str.replace(r"Z?$", "+00:00"))
    )
    parsed = with_offset.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%:z", time_unit="us", time_zone="UTC", strict=False
    )
    return pl.when(text.str.contains(_STAMP)).then(parsed)


# A local wall-clock time as SolarEdge writes it (`datetime.fromisoformat` reads more).
_LOCAL = r"^[0-9]{4}-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]$"


def local_wall_clock(column: str) -> pl.Expr:
    """`YYYY-MM-DD hh:mm:ss` (or with a `T`) as a naive datetime; null for other text."""
    text = pl.col(column).str.replace("T", " ", literal=True)
    parsed = text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    return pl.when(pl.col(column).str.contains(_LOCAL)).then(parsed)


def in_zones(rows: pl.LazyFrame, columns: dict[str, str]) -> pl.LazyFrame:
    """Naive local `columns` as UTC instants (renamed), each row in its page's `zone`.

    An ambiguous local time is the first of the two (as `replace(tzinfo=...)`
    with fold 0); a local time that does not exist is null.
    """
    numbered = rows.with_row_index("row")
    zones = numbered.select(pl.col("zone").unique()).collect()["zone"].to_list()
    parts = [
        numbered.filter(pl.col("zone") == name).with_columns(
            pl.col(local)
            .dt.replace_time_zone(name, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
            .alias(utc_name)
            for local, utc_name in columns.items()
        )
        for name in zones
    ]
    return pl.concat(parts).sort("row").drop("row")


def exact_wh(column: str, decimals: int) -> pl.Expr:
    """Integer Wh from decimal text in a unit of 10**decimals Wh, half to even.

    Only plain text (`12`, `0.125`, at most 18 places) is read, on a grid of
    10**-18 where it is exact; null stays null. Other text (a sign, an exponent,
    spaces, more places) is null too: `wh_readable` tells the two apart.
    """
    exact = pl.col(column).cast(pl.Decimal(38, _PLACES), strict=False) * 10**decimals
    wh = exact.round(0, mode="half_to_even").cast(pl.Int64)
    return pl.when(wh_readable(column, decimals)).then(wh)


def wh_readable(column: str, decimals: int) -> pl.Expr:
    """The text is plain decimal within the Wh bound and the grid (or null)."""
    pattern = rf"^[0-9]{{1,{_DIGITS - decimals}}}(\.[0-9]{{1,{_PLACES}}})?$"
    return pl.col(column).str.contains(pattern)


def field(rows: list, key: str) -> list:
    """`row[key]` of every item: a KeyError or TypeError (an item that is no object)
    when one lacks it, as `require` refuses it."""
    return list(map(itemgetter(key), rows))


def optional(rows: list, key: str, default: Any = None) -> list:
    """`row.get(key, default)` of every item; a TypeError when one is no object."""
    return list(map(dict.get, rows, repeat(key), repeat(default)))


def page_values(page: Page, **extra: Any) -> dict[str, Any]:
    """What `readings_frame` takes from the page itself; PageFormatError as it would."""
    customer = page.context.get("customer_id")
    return {
        "max_wh_per_hour": capacity_bound_wh(page),
        "source": page.source,
        "site_id": str(page.context.get("site_id", "")),
        "page_customer_id": None if customer is None else str(customer),
        "ingested_at": page.received_at.astimezone(UTC),
        "page_id": page.page_id,
        **extra,
    }


_FAULTS = (PageFormatError, KeyError, IndexError, TypeError, AttributeError, ValueError)


Read = Callable[[Page], "tuple[dict[str, list], dict[str, Any]] | None"]


@dataclass(frozen=True)
class BulkKind:
    """How the pages of one kind are read in bulk.

    `read(page)`: the raw fields of the page's items, as lists, and the page's
    own values (device, interval length...); None, or a KeyError or TypeError
    (an item without a field, an item that is no object), leaves the page to the
    reference. `derive(rows)`: the parsed columns and `ok` (False where a value
    is not read exactly) from the raw fields of many pages and their values.
    """

    read: Read
    derive: Callable[[pl.LazyFrame], pl.LazyFrame]

    def __call__(self, pages: list[Page]) -> list[pl.DataFrame | None]:
        return read_pages(pages, self)


def read_pages(pages: list[Page], kind: BulkKind) -> list[pl.DataFrame | None]:
    """Each page's readings frame, or None where the reference must read the page."""
    outcome: list[pl.DataFrame | None] = [None] * len(pages)
    columns: dict[str, list] = {}
    spans: list[tuple[int, int]] = []  # (page, rows)
    heads: list[dict[str, Any]] = []
    for number, page in enumerate(pages):
        try:
            read = kind.read(page)
            head = None if read is None else {**page_values(page), **read[1]}
        except _FAULTS:
            continue
        if head is None:
            continue
        fields = read[0]
        rows = len(next(iter(fields.values())))
        if rows == 0:
            outcome[number] = _empty()
            continue
        for name, values in fields.items():
            columns.setdefault(name, []).extend(values)
        spans.append((number, rows))
        heads.append(head)
    if not spans:
        return outcome
    owners = chain.from_iterable(repeat(head, count) for head, (_, count) in enumerate(spans))
    owner = pl.Series("page", list(owners))
    raw = pl.DataFrame({name: _series(name, values) for name, values in columns.items()})
    own = pl.DataFrame(heads).select(pl.all().gather(owner))
    rows = pl.concat([raw, own, owner.to_frame()], how="horizontal")
    parsed = _finish(kind.derive(rows.lazy())).collect()
    bad = set(parsed.filter(pl.col("ok").not_().fill_null(True))["page"].to_list())
    # Rows stay in page order (`derive` may add or merge rows within a page), so a
    # page's readings are one slice of the batch's.
    bounds = parsed["page"].search_sorted(pl.Series(range(len(spans) + 1)), side="left")
    readings = parsed.drop("ok", "page")
    for head, (number, _) in enumerate(spans):
        if head not in bad:
            first, end = bounds[head], bounds[head + 1]
            outcome[number] = readings.slice(first, end - first)
    return outcome


def _finish(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The parsed readings' columns, in order, and `ok`."""
    return frame.with_columns(
        pl.when(pl.col("wh").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("measured"))
        .alias("quality"),
    ).select(*[pl.col(name).cast(dtype) for name, dtype in PARSED_SCHEMA.items()], "ok", "page")


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=PARSED_SCHEMA)


def hours(value: Any) -> timedelta:
    return timedelta(hours=float(value))


def label(value: Any) -> str:
    """A device's text as the reference writes it; None (which it would write as
    `None` and the schema then refuses) goes to the reference."""
    if value is None:
        raise ValueError("no device")
    return str(value)


def labels(values: list[Any]) -> pl.Series:
    """Serial numbers as an f-string writes them: strings and ints only, else ODD."""
    return pl.Series([_label(value) for value in values], dtype=pl.String)


def _label(value: Any) -> str:
    if type(value) is str:
        return value
    return str(value) if type(value) is int else ODD


def epochs(values: list[Any]) -> pl.Series:
    """Epoch seconds as ints (0 to 2**40); any other value is null, and not read."""
    return pl.Series(
        [value if type(value) is int and 0 <= value < 2**40 else None for value in values],
        dtype=pl.Int64,
    )


def epoch_ms(values: list[Any]) -> pl.Series:
    """Epoch milliseconds as ints (0 to 2**50); any other value is null, and not read."""
    return pl.Series(
        [value if type(value) is int and 0 <= value < 2**50 else None for value in values],
        dtype=pl.Int64,
    )


def from_epoch(column: str, unit: str = "s") -> pl.Expr:
    return pl.from_epoch(column, time_unit=unit).dt.replace_time_zone("UTC")


SERIES = {"stamp": stamps, "epoch": epochs, "serial": labels, "epoch_ms": epoch_ms}


def _series(name: str, values: list) -> pl.Series:
    """A gathered field as a column: by its name's first word, else decimal texts."""
    return SERIES.get(name, SERIES.get(name.split("_")[0], texts))(values)
