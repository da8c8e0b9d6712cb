"""In-memory form of a verification CSV: typed header, raw rows, readings table.

The model keeps what was written (raw texts, line numbers) next to what it means
(typed values, UTC instants, spacings) so that every rule can point at the exact
line. Derived tables are cached: a file is not changed after it is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property

import polars as pl

from rrec_pipeline.schemas import polars_schema
from rrec_pipeline.schemas.verification import VerificationReadings
from rrec_pipeline.verification_csv.fields import VerificationHeader


class UnreadableFileError(ValueError):
    """The bytes are not a text CSV at all (empty, binary, undecodable, a line too long)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class HeaderRow:
    line: int
    label: str
    value: str
    extra_cells: tuple[str, ...] = ()


# Columns of `VerificationFile.readings`, from the schema registry.
READINGS_SCHEMA: dict[str, pl.DataType] = polars_schema(VerificationReadings)


@dataclass
class VerificationFile:
    """One parsed verification CSV."""

    name: str
    header: VerificationHeader
    readings: pl.DataFrame
    header_rows: dict[str, HeaderRow] = field(default_factory=dict)
    unknown_rows: list[HeaderRow] = field(default_factory=list)
    data_header_line: int | None = None
    trailing_blank_lines: list[int] = field(default_factory=list)
    encoding: str = "utf-8"
    # Offsets for stamps written without one, resolved by the reader from the
    # header's Begin Timestamp, else the file name, else UTC.
    default_offset: timedelta = timedelta(0)
    default_offset_source: str = "as UTC"
    end_default_offset: timedelta = timedelta(0)

    def without_rows(self) -> VerificationFile:
        """The same file with no readings: its header, name and offsets only."""
        return replace(self, readings=self.readings.clear())

    @property
    def begin(self) -> datetime | None:
        stamp = self.header.begin_timestamp
        return stamp.at(self.default_offset) if stamp else None

    @property
    def end(self) -> datetime | None:
        stamp = self.header.end_timestamp
        return stamp.at(self.end_default_offset) if stamp else None

    @cached_property
    def valid_readings(self) -> pl.DataFrame:
        """Rows with a parsed instant, in file order."""
        if self.readings["timestamp_utc"].null_count() == 0:
            return self.readings
        return self.readings.filter(pl.col("timestamp_utc").is_not_null())

    @cached_property
    def spacings(self) -> pl.DataFrame:
        """Distinct instants in time order with the spacing since the previous one.

        Columns: `line`, `timestamp_utc`, `spacing` (null for the first; the
        previous instant is the row before).
        On UTC instants, a local DST step (two hours between two hourly rows in
        local time) is one hour here and never looks like a gap. A validation
        batch computes every file's at once (`instant_spacings`) and sets them here.
        """
        frame = self.readings.select(pl.lit(0).alias("file_index"), "line", "timestamp_utc")
        return instant_spacings(frame).drop("file_index")

    def use_spacings(self, spacings: pl.DataFrame) -> None:
        """Keep spacings a batch computed for this file as its own (the cached value)."""
        self.__dict__["spacings"] = spacings

    @cached_property
    def reporting_interval(self) -> timedelta | None:
        """The median spacing between readings: hourly, daily, monthly, ..."""
        median = self.spacings["spacing"].median()  # (nulls are not counted)
        return median if isinstance(median, timedelta) else None


def instant_spacings(readings: pl.DataFrame) -> pl.DataFrame:
    """`VerificationFile.spacings` of every file of `readings` (`file_index`, `line`,
    `timestamp_utc`, in file order), tagged with `file_index`.

    Rows already strictly ascending in time (real files are) need no sort: the
    spacing is the difference to the row before, in one pass.
    """
    valid = readings.select("file_index", "line", "timestamp_utc")
    if valid["timestamp_utc"].null_count():
        valid = valid.filter(pl.col("timestamp_utc").is_not_null())
    spaced = _with_spacing(valid)
    if (spaced["spacing"] > timedelta(0)).all():  # (a file's first row has none)
        return spaced
    ordered = valid.unique(["file_index", "timestamp_utc"], keep="first", maintain_order=True)
    return _with_spacing(ordered.sort("file_index", "timestamp_utc"))


def _with_spacing(instants: pl.DataFrame) -> pl.DataFrame:
    """The time since the row before, none for each file's first row."""
    spacing = instants["timestamp_utc"].diff()  # null for the very first row already
    firsts = instants.select(pl.arg_where(pl.col("file_index").is_first_distinct())).to_series()
    if firsts.len() > 1:
        spacing = spacing.scatter(firsts.slice(1), None)
    return instants.with_columns(spacing.alias("spacing"))
