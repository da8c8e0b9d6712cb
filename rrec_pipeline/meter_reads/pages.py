"""A page: one API response or dropped file, exactly as received, with its request.

Pages are the unit of the raw landing zone. Everything downstream is derived
from pages, so a normalised row can always be traced to, and re-derived from,
the bytes a meter system sent. `context` carries what the body alone does not
say (which device a readings page belongs to, the site's time zone, the unit).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from typing import Any

import polars as pl

from rrec_pipeline.basics.amounts import EXACT, parse_decimal
from rrec_pipeline.schemas import polars_schema
from rrec_pipeline.schemas.meter_reads import ParsedReadings

PARSED_SCHEMA: dict[str, pl.DataType] = polars_schema(ParsedReadings)
# 2**53 Wh is 9 TWh: no meter reading or register comes near it, and sums stay in Int64.
MAX_WH = 2**53
WH_PER_KWH = 1_000


class PageFormatError(ValueError):
    """A page's body is not what its kind promises (malformed JSON, missing fields)."""


@dataclass(frozen=True)
class Page:
    source: str
    kind: str
    endpoint: str
    request: dict[str, Any]
    status: int
    received_at: datetime
    body: bytes
    context: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def page_id(self) -> str:
        """Content address: the same request answered with the same bytes is one page."""
        digest = hashlib.sha256()
        for part in (self.kind, _canonical(self.request), _canonical(self.context)):
            digest.update(part.encode())
            digest.update(b"\0")
        digest.update(self.body)
        return digest.hexdigest()[:24]

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PageFormatError(
                f"{self.source} {self.endpoint}: malformed JSON ({error})"
            ) from None

    def to_record(self) -> dict[str, Any]:
        """JSON-safe form for the landing zone; the body stays byte-exact (latin-1 text)."""
        return {
            "page_id": self.page_id,
            "source": self.source,
            "kind": self.kind,
            "endpoint": self.endpoint,
            "request": self.request,
            "status": self.status,
            "received_at": self.received_at.isoformat(),
            "context": self.context,
            "body": self.body.decode("latin-1"),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Page:
        return cls(
            source=record["source"],
            kind=record["kind"],
            endpoint=record["endpoint"],
            request=record["request"],
            status=record["status"],
            received_at=datetime.fromisoformat(record["received_at"]),
            body=record["body"].encode("latin-1"),
            context=record["context"],
        )


# `json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)`, its encoder
# made once: page ids are computed for every page, and must never change.
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def readings_frame(page: Page, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Parsed readings of `page`: rows need device, interval or register fields and Wh."""
    base = {
        "max_wh_per_hour": capacity_bound_wh(page),
        "source": page.source,
        "site_id": str(page.context.get("site_id", "")),
        "customer_id": page.context.get("customer_id"),
        "customer_class": None,  # parsers set it from what the source calls the class
        "ingested_at": page.received_at.astimezone(UTC),
        "page_id": page.page_id,
    }
    records = [{**base, **row} for row in rows]
    for record in records:
        record.setdefault("interval_start", None)
        record.setdefault("quality", "measured" if record.get("wh") is not None else "missing")
        for key in ("site_id", "device_id", "customer_id"):
            if record.get(key) is not None:
                record[key] = str(record[key])
    # Validated by `parse_page` or `parse_batch`, once per page or per batch.
    return pl.DataFrame(records, schema=PARSED_SCHEMA) if records else _empty()


def readings_from_frame(page: Page, rows: pl.DataFrame) -> pl.DataFrame:
    """`readings_frame` for rows already in a frame (`device_id`, `customer_id`,
    `customer_class`, `kind`, `interval_start`, `interval_end`, `wh`): no row is
    turned into Python objects."""
    customer = page.context.get("customer_id")
    return (
        rows.select(
            pl.lit(capacity_bound_wh(page), pl.Int64).alias("max_wh_per_hour"),
            pl.lit(page.source).alias("source"),
            pl.lit(str(page.context.get("site_id", ""))).alias("site_id"),
            pl.col("device_id").cast(pl.String),
            pl.coalesce(
                pl.col("customer_id").cast(pl.String),
                pl.lit(None if customer is None else str(customer), pl.String),
            ).alias("customer_id"),
            pl.col("customer_class").cast(pl.String),
            "kind",
            "interval_start",
            "interval_end",
            "wh",
            pl.when(pl.col("wh").is_null())
            .then(pl.lit("missing"))
            .otherwise(pl.lit("measured"))
            .alias("quality"),
            pl.lit(page.received_at.astimezone(UTC)).alias("ingested_at"),
            pl.lit(page.page_id).alias("page_id"),
        )
        .select(list(PARSED_SCHEMA))
        .cast(PARSED_SCHEMA)
    )


# A device produces at most this many hours of full capacity per hour (as the
# verification rule range.capacity): more is a reset or a catch-up, not energy.
CAPACITY_FACTOR = Decimal("1.5")


def capacity_bound_wh(page: Page) -> int | None:
    """Wh per hour a reading of this page may hold, from `capacity_kw` in its context."""
    capacity = page.context.get("capacity_kw")
    if capacity is None:
        return None
    kw = number(capacity, f"{page.source} {page.endpoint} capacity_kw")
    if kw is None or kw <= 0:
        raise PageFormatError(f"{page.source} {page.endpoint}: capacity_kw must be positive")
    return int(kw * CAPACITY_FACTOR * WH_PER_KWH)


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=PARSED_SCHEMA)


def empty_readings() -> pl.DataFrame:
    return _empty()


def number(value: Any, where: str) -> Decimal | None:
    """An exact decimal from a JSON number or a decimal string; None stays None.

    A JSON number arrives as a float whose shortest repr is the text that was sent.
    """
    if value is None or value is False or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PageFormatError(f"{where}: {short(value)} is not a number")
    exact = parse_decimal(repr(value) if isinstance(value, float) else str(value))
    if exact is None:
        raise PageFormatError(f"{where}: {short(value)} is not a number")
    return exact


def energy_wh(value: Any, wh_per_unit: int, where: str) -> int | None:
    """Integer Wh from a value in a unit of `wh_per_unit` Wh (1 Wh, 1000 kWh, 10**6 MWh)."""
    exact = number(value, where)
    if exact is None:
        return None
    wh = int((exact * wh_per_unit).to_integral_value(rounding=ROUND_HALF_EVEN, context=EXACT))
    if abs(wh) >= MAX_WH:
        raise PageFormatError(f"{where}: {short(value)} is too large to be a meter reading")
    return wh


def short(value: Any, limit: int = 60) -> str:
    """A value for a message: its repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def require(item: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(item, dict) or key not in item:
        raise PageFormatError(f"{where}: missing field {key!r}")
    return item[key]
