"""The data sections of many verification files, read in one polars pass.

Why one pass: a polars query costs a few milliseconds to plan and start
whatever its size, so a thousand small files read one by one spend their time
starting queries (8 ms a file), while the same rows read as one frame, each
tagged with its file, cost what their bytes cost. The frame is then split into
one `readings` table per file (`READINGS_SCHEMA`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from rrec_pipeline.basics.amounts import KWH_DECIMALS
from rrec_pipeline.verification_csv.model import READINGS_SCHEMA
from rrec_pipeline.verification_csv.stamps import with_parsed_stamps

_QUOTES_AND_SPACE = " \t\"'"
# A reading of a terawatt-hour or more is no reading: it is out of range, and
# bounding it keeps every sum of rows far inside the decimal type.
MAX_ABS_KWH = 10**12


@dataclass(frozen=True)
class DataSection:
    """One file's data lines (no trailing blank ones) and what reading them needs."""

    lines: pl.Series
    first_line: int  # 1-based line number of lines[0] in the file
    default_offset_minutes: int  # for stamps written without an offset


def read_sections(sections: Sequence[DataSection]) -> list[pl.DataFrame]:
    """Each section's readings (`READINGS_SCHEMA`), in the order given."""
    if not any(section.lines.len() for section in sections):
        return [_empty() for _ in sections]
    readings = _readings(_tagged_lines(sections)).collect().drop("file_index")
    return split_rows(readings, [section.lines.len() for section in sections])


def split_rows(frame: pl.DataFrame, heights: Sequence[int]) -> list[pl.DataFrame]:
    """`frame` cut into consecutive parts of these heights: slices, not copies."""
    parts, start = [], 0
    for height in heights:
        parts.append(frame.slice(start, height))
        start += height
    return parts


def row_owners(heights: Sequence[int]) -> pl.Series:
    """For parts of these heights laid end to end, the index of the part each row is in."""
    starts = _starts(heights)
    total = starts[-1] + heights[-1] if heights else 0
    # The last part that starts at or before the row (an empty part starts where
    # the next one does and owns no row).
    rows = pl.int_range(0, total, eager=True)
    return (pl.Series(starts, dtype=pl.Int64).search_sorted(rows, side="right") - 1).cast(pl.Int64)


def _starts(heights: Sequence[int]) -> list[int]:
    """Where each of consecutive parts of these heights starts."""
    starts, total = [], 0
    for height in heights:
        starts.append(total)
        total += height
    return starts


def _tagged_lines(sections: Sequence[DataSection]) -> pl.LazyFrame:
    """All sections' lines in one frame: `text`, `file_index`, `line`, `default_minutes`."""
    if len(sections) == 1:  # one file's constants are not repeated row by row
        [section] = sections
        return (
            section.lines.alias("text")
            .to_frame()
            .lazy()
            .with_columns(
                pl.lit(0, pl.Int64).alias("file_index"),
                (pl.int_range(pl.len(), dtype=pl.Int64) + section.first_line).alias("line"),
                pl.lit(section.default_offset_minutes, pl.Int32).alias("default_minutes"),
            )
        )
    heights = [section.lines.len() for section in sections]
    file_index = row_owners(heights)
    starts = pl.Series(_starts(heights), dtype=pl.Int64)
    first_lines = pl.Series([section.first_line for section in sections]) - starts
    defaults = pl.Series([section.default_offset_minutes for section in sections], dtype=pl.Int32)
    return pl.LazyFrame(
        {
            "text": pl.concat([section.lines for section in sections], rechunk=True),
            "file_index": file_index,
            "line": pl.int_range(0, file_index.len(), eager=True) + first_lines.gather(file_index),
            "default_minutes": defaults.gather(file_index),
        }
    )


def _readings(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Cells split at the first two commas (what follows is `extra_text`), stamps and kWh
    parsed; offsets from the stamp, else the file's default.

    Each stage's columns are materialised before the next reads them: an
    expression used twice in one stage is computed twice.
    """
    cell = pl.col("_cells").struct.field
    return (
        lines.with_columns(pl.col("text").str.splitn(",", 3).alias("_cells"))
        .with_columns(
            cell("field_0").str.strip_chars(_QUOTES_AND_SPACE).alias("datetime_text"),
            cell("field_1").str.strip_chars(_QUOTES_AND_SPACE).alias("kwh_text"),
            cell("field_2")
            .str.replace_all(",", "", literal=True)
            .str.strip_chars(_QUOTES_AND_SPACE)
            .alias("extra_text"),
        )
        .with_columns(_blank_as_null("datetime_text", "kwh_text", "extra_text"))
        .pipe(with_parsed_stamps, "datetime_text")
        .with_columns(
            pl.col("offset_minutes").is_not_null().alias("has_own_offset"),
            pl.col("offset_minutes").fill_null(pl.col("default_minutes")).alias("offset_minutes"),
            pl.col("kwh_text").str.to_decimal(scale=KWH_DECIMALS).alias("_kwh"),
        )
        .with_columns(
            (pl.col("local") - pl.duration(minutes=pl.col("offset_minutes")))
            .dt.replace_time_zone("UTC")
            .alias("timestamp_utc"),
            pl.when(pl.col("local").is_not_null())
            .then(pl.col("offset_minutes"))
            .alias("utc_offset_minutes"),
            _exact_kwh(pl.col("_kwh"), pl.col("kwh_text")).alias("kwh"),
        )
        .select("file_index", *READINGS_SCHEMA)
        .cast(READINGS_SCHEMA)
    )


def _exact_kwh(value: pl.Expr, text: pl.Expr) -> pl.Expr:
    """Exact kWh on the 1e-9 grid; null when not a number, out of range, or a non-zero
    value too small for the grid (`1e-400`). `-0` is zero."""
    # Only a zero needs its mantissa read: the pattern runs on those rows alone.
    zero_text = pl.when(value == 0).then(text)
    mantissa_is_zero = ~zero_text.str.replace(r"[eE].*$", "").str.contains("[1-9]")
    plausible = value.abs() < MAX_ABS_KWH
    return pl.when(plausible & ((value != 0) | mantissa_is_zero)).then(value)


def _blank_as_null(*columns: str) -> list[pl.Expr]:
    return [pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in columns]


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=READINGS_SCHEMA)
