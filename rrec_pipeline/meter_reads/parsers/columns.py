"""Parsed values as polars expressions: what the bulk road computes once per column.

Each reads only the narrow forms it reads exactly as the parsers per page do
(`pages.energy_wh`, `times.utc_stamp`, `times.epoch`), and gives null for any
other text, so that the bulk road can hand the page to its reference.
"""

from __future__ import annotations

import polars as pl

from rrec_pipeline.meter_reads.pages import MAX_WH

# ISO 8601 as meter APIs send it: seconds, optional milliseconds or microseconds, an
# optional `Z` or +hh:mm offset (none: UTC, as `utc_stamp` reads it without a zone).
_STAMP = (
    r"^[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    r"(\.[0-9]{3}|\.[0-9]{6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
_DIGITS = 15  # |Wh| < 10**15 < MAX_WH: no decimal that passes can be refused as too large
_PLACES = 18  # with at most 15 digits before the point, 33 of Decimal(38)'s digits
assert 10**_DIGITS < MAX_WH


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
    with fold 0), and `<renamed>_repeated` says it was one (a time the clocks'
    going back repeats); a local time that does not exist is null.
    """
    numbered = rows.with_row_index("row")
    zones = numbered.select(pl.col("zone").unique()).collect()["zone"].to_list()
    parts = [
        numbered.filter(pl.col("zone") == name).with_columns(
            *(_in_zone(local, name).alias(utc_name) for local, utc_name in columns.items()),
            *(
                (
                    _in_zone(local, name).is_not_null() & _in_zone(local, name, "null").is_null()
                ).alias(f"{utc_name}_repeated")
                for local, utc_name in columns.items()
            ),
        )
        for name in zones
    ]
    return pl.concat(parts).sort("row").drop("row")


def _in_zone(local: str, zone: str, ambiguous: str = "earliest") -> pl.Expr:
    return (
        pl.col(local)
        .dt.replace_time_zone(zone, ambiguous=ambiguous, non_existent="null")
        .dt.convert_time_zone("UTC")
    )


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


def from_epoch(column: str, unit: str = "s") -> pl.Expr:
    return pl.from_epoch(column, time_unit=unit).dt.replace_time_zone("UTC")


def kwh_intervals(rows: pl.LazyFrame, energy: str, valid: pl.Expr | None = None) -> pl.LazyFrame:
    """Intervals starting at the ISO stamp `stamp` and lasting the page's `interval`,
    with `energy` in kWh (null: missing); `ok` where the stamp, the energy and `valid` read."""
    readable = pl.col(energy).is_null() | wh_readable(energy, 3)
    if valid is not None:
        readable = readable & valid
    return rows.with_columns(utc("stamp").alias("interval_start")).with_columns(
        pl.lit("interval").alias("kind"),
        (pl.col("interval_start") + pl.col("interval")).alias("interval_end"),
        exact_wh(energy, 3).alias("wh"),
        (
            pl.col("interval_start").is_not_null()
            & readable
            & (valid if valid is not None else True)
        ).alias("ok"),
    )
