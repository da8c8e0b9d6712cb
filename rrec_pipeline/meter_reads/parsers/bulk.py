"""Many pages of one kind read at once, with the per-page parsers as the reference.

A per-page parser builds a dict per reading and converts each value in Python,
about 15 us a reading. The bulk road decodes each page with orjson (the same
values as `json.loads`; what orjson refuses, such as NaN, goes to the
reference), gathers the fields of all the batch's pages into columns, and does
every conversion once per column in polars: ISO stamps, exact decimal text to
integer Wh (half to even), the page's own values set beside its rows.

It vouches only for what it reads exactly as the reference would. A page with
any value outside the narrow forms it reads (`columns.py`: a stamp not in the
common ISO form, a number in exponent form or with a sign, a missing field, a
field of another type) is handed back as `None`, and its reference parser
reads it: the same readings, or the fault named as before. The property tests
in `tests/unit/meter/test_bulk_parsers.py` hold the two roads to the same
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
    PARSED_SCHEMA,
    Page,
    PageFormatError,
    capacity_bound_wh,
)

# A value the reference would refuse or read otherwise: the page goes to the reference.
ODD = "\x00odd"


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


def field(rows: list, key: str) -> list:
    """`row[key]` of every item: a KeyError or TypeError (an item that is no object)
    when one lacks it, as `require` refuses it."""
    return list(map(itemgetter(key), rows))


def optional(rows: list, key: str, default: Any = None) -> list:
    """`row.get(key, default)` of every item; a TypeError when one is no object."""
    return list(map(dict.get, rows, repeat(key), repeat(default)))


def page_values(page: Page) -> dict[str, Any]:
    """What `readings_frame` takes from the page itself; PageFormatError as it would.
    A field of the items by the same name (a row's own customer) takes its place."""
    customer = page.context.get("customer_id")
    return {
        "max_wh_per_hour": capacity_bound_wh(page),
        "source": page.source,
        "site_id": str(page.context.get("site_id", "")),
        "customer_id": None if customer is None else str(customer),
        "ingested_at": page.received_at.astimezone(UTC),
        "page_id": page.page_id,
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
    own = pl.DataFrame(heads).drop(raw.columns, strict=False).select(pl.all().gather(owner))
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


SERIES = {"stamp": stamps, "epoch": epochs, "serial": labels, "epoch_ms": epoch_ms}


def _series(name: str, values: list) -> pl.Series:
    """A gathered field as a column: by its name's first word, else decimal texts."""
    return SERIES.get(name, SERIES.get(name.split("_")[0], texts))(values)
