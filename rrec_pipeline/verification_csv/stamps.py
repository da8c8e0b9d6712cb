"""ISO 8601 timestamps as real verification files write them, and file-name stamps.

Real files mix full stamps (`2018-04-23T15:00:00-04:00`), date-only stamps
(`2019-04-26`), stamps without seconds or offset (`2025-05-30T11:00`). Offsets
beyond +-18:00 and years outside 1900-2200 make a text not a stamp. A stamp
keeps its wall-clock time and its offset apart so that a missing offset can be
filled from context (and reported) instead of being guessed silently.
One pattern serves the scalar parser (header) and the vectorised one (rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

import polars as pl

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)
_STAGES = [
    "_stamp",
    "_length",
    "_groups",
    "_signed",
    "_fast_local",
    "_fast_offset",
    "_fast",
    "_slow_local",
    "_slow_offset",
    "_slow_day",
]

# Stamps outside these bounds are not stamps of generation data: an offset of
# more than 18 hours exists nowhere (ISO 8601 allows up to 14), and years
# outside 1900-2200 would overflow UTC conversions at the calendar's edges.
MAX_OFFSET_MINUTES = 18 * 60
FIRST_YEAR, LAST_YEAR = 1900, 2200

ISO_STAMP_PATTERN = (
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"\s*(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
_ISO_STAMP = re.compile(ISO_STAMP_PATTERN)
# The forms nearly every registry row is written in (told apart by their length):
# `2024-01-01T05:00:00+03:00`, `2024-01-01T05:00` and `2024-01-01`.
_COMMON_FORMS = r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}[+-]\d{2}:\d{2})?)?$"
_FULL, _MINUTES, _DATE = 25, 16, 10
_COMPACT_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})([+-]\d{4})")


@dataclass(frozen=True)
class Stamp:
    """A timestamp as written: wall-clock time, and its UTC offset if one was given."""

    text: str
    local: datetime
    offset: timedelta | None
    is_date_only: bool

    def at(self, default_offset: timedelta) -> datetime:
        """The instant, using the stamp's own offset or else `default_offset`."""
        offset = self.offset if self.offset is not None else default_offset
        return self.local.replace(tzinfo=timezone(offset))

    @property
    def local_date(self) -> date:
        return self.local.date()


class OutOfRange(ValueError):
    """A stamp-shaped text naming an impossible offset or an implausible year."""


def offset_minutes(text: str | None) -> int | None:
    """Minutes east of UTC for `Z`, `+05`, `+0530` or `+05:30`; None when absent.

    Raises `OutOfRange` beyond 18 hours or 59 minutes.
    """
    if not text:
        return None
    if text in ("Z", "z"):
        return 0
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), (int(digits[2:4]) if len(digits) >= 4 else 0)
    total = hours * 60 + minutes
    if minutes > 59 or total > MAX_OFFSET_MINUTES:
        raise OutOfRange(f"offset {text} is beyond +-18:00")
    return -total if text[0] == "-" else total


def parse_stamp(text: str) -> Stamp | None:
    """Parse one ISO 8601 stamp; None when it is not one (or names an impossible date)."""
    match = _ISO_STAMP.match(text.strip())
    if match is None:
        return None
    parts = match.groupdict()
    fraction = (parts["fraction"] or "0")[:6].ljust(6, "0")
    try:
        local = datetime(
            *map(int, parts["date"].split("-")),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
        )
        minutes = offset_minutes(parts["offset"])
    except ValueError:  # an impossible date or time, or OutOfRange
        return None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        return None
    offset = None if minutes is None else timedelta(minutes=minutes)
    return Stamp(text.strip(), local, offset, is_date_only=parts["hour"] is None)


def parse_stamp_column(texts: pl.Expr) -> list[pl.Expr]:
    """Vectorised `parse_stamp`: expressions for `local`, `offset_minutes`, `is_date_only`.

    `local` is null where the text is not a valid stamp. Every row goes through the
    regular expression: the reference the faster `with_parsed_stamps` is held to.
    """
    groups = texts.str.strip_chars().str.extract_groups(ISO_STAMP_PATTERN)
    local, offset, is_date_only = _any_form(groups)
    return [
        local.alias("local"),
        offset.alias("offset_minutes"),
        is_date_only.alias("is_date_only"),
    ]


def with_parsed_stamps(frame: FrameT, column: str) -> FrameT:
    """`frame` with `local`, `offset_minutes`, `is_date_only` parsed from `column`.

    What `parse_stamp_column` computes, in stages: the registry's three common
    forms (`_COMMON_FORMS`) are recognised by one pattern and parsed by position;
    the full pattern's groups are taken only for the rows they do not cover.
    Each stage's columns are materialised before the next reads them (an
    expression read twice in one stage is computed twice: the groups' eight
    fields would match the pattern eight times), and each form's parser sees
    only its own rows.
    """
    stamp, signed, length = pl.col("_stamp"), pl.col("_signed"), pl.col("_length")
    offset = (signed.abs() // 100 * 60 + signed.abs() % 100) * signed.sign()
    offset_valid = (signed.abs() % 100 <= 59) & (pl.col("_fast_offset").abs() <= MAX_OFFSET_MINUTES)
    fast = pl.col("_fast_local").dt.year().is_between(FIRST_YEAR, LAST_YEAR) & (
        (length != _FULL) | offset_valid
    )
    slow = _any_form(pl.col("_groups"))
    return (
        frame.with_columns(pl.col(column).str.strip_chars().alias("_stamp"))
        .with_columns(
            pl.when(stamp.str.contains(_COMMON_FORMS)).then(stamp.str.len_bytes()).alias("_length")
        )
        .with_columns(
            pl.coalesce(
                # The offset is read as the integer +HHMM, the wall clock before it.
                _parsed(pl.when(length == _FULL).then(stamp.str.head(19)), "%Y-%m-%dT%H:%M:%S"),
                _parsed(pl.when(length == _MINUTES).then(stamp), "%Y-%m-%dT%H:%M"),
                _parsed(pl.when(length == _DATE).then(stamp), "%Y-%m-%d"),
            ).alias("_fast_local"),
            pl.when(length == _FULL)
            .then(stamp.str.tail(6).str.replace(":", "", literal=True))
            .str.to_integer(strict=False)
            .alias("_signed"),
        )
        .with_columns(offset.cast(pl.Int32).alias("_fast_offset"))
        .with_columns(fast.fill_null(False).alias("_fast"))
        .with_columns(
            pl.when(~pl.col("_fast"))
            .then(stamp)
            .str.extract_groups(ISO_STAMP_PATTERN)
            .alias("_groups")
        )
        .with_columns(
            slow[0].alias("_slow_local"), slow[1].alias("_slow_offset"), slow[2].alias("_slow_day")
        )
        .with_columns(
            pl.when("_fast").then("_fast_local").otherwise("_slow_local").alias("local"),
            pl.when("_fast").then("_fast_offset").otherwise("_slow_offset").alias("offset_minutes"),
            pl.when("_fast").then(length == _DATE).otherwise("_slow_day").alias("is_date_only"),
        )
        .drop(_STAGES)
    )


def _parsed(texts: pl.Expr, form: str) -> pl.Expr:
    return texts.str.to_datetime(form, strict=False, time_unit="us")


def _any_form(groups: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(local, offset minutes, is date only) from the groups of `ISO_STAMP_PATTERN`."""
    field = groups.struct.field
    wall_clock = pl.concat_str(
        field("date"),
        pl.lit("T"),
        field("hour").fill_null("00"),
        pl.lit(":"),
        field("minute").fill_null("00"),
        pl.lit(":"),
        field("second").fill_null("00"),
    ).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us")
    micros = field("fraction").str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int64).fill_null(0)
    offset_text = field("offset")
    sign = pl.when(offset_text.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset_text.str.slice(1).str.replace(":", "")
    minutes = (
        digits.str.slice(0, 2).cast(pl.Int32) * 60
        + digits.str.slice(2, 2).cast(pl.Int32, strict=False).fill_null(0)
    ) * sign
    offset = pl.when(offset_text.str.to_lowercase() == "z").then(0).otherwise(minutes)
    local = wall_clock + pl.duration(microseconds=micros)
    in_range = (
        local.dt.year().is_between(FIRST_YEAR, LAST_YEAR)
        & (digits.str.slice(2, 2).cast(pl.Int32, strict=False).fill_null(0) <= 59)
        & (offset.abs() <= MAX_OFFSET_MINUTES).fill_null(True)
    )
    return pl.when(in_range).then(local), offset.cast(pl.Int32), field("hour").is_null()


def format_iso(instant: datetime) -> str:
    """`2022-01-01T00:00:00-05:00`: seconds always, offset always."""
    return instant.isoformat(timespec="seconds")


def format_compact(instant: datetime) -> str:
    """File-name stamp `2022-01-01T000000-0500`; UTC is `-0000` as the registry writes it."""
    offset = instant.utcoffset() or timedelta(0)
    stamp = instant.strftime("%Y-%m-%dT%H%M%S")
    if offset == timedelta(0):
        return stamp + "-0000"
    return stamp + instant.strftime("%z")


def parse_compact(text: str) -> datetime | None:
    match = _COMPACT_STAMP.fullmatch(text)
    if match is None:
        return None
    day, hour, minute, second, offset = match.groups()
    try:
        local = datetime.fromisoformat(f"{day}T{hour}:{minute}:{second}")
        minutes = offset_minutes(offset) or 0
    except ValueError:  # an impossible date or time, or OutOfRange
        return None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        return None
    return local.replace(tzinfo=timezone(timedelta(minutes=minutes)))
