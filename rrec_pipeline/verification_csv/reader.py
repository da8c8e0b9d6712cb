"""Read a verification CSV into a `VerificationFile`, tolerating real-world quirks.

The reader never judges: it keeps raw texts and line numbers and leaves typed
values empty where they do not parse; the rules in `rrec_pipeline.validation` decide
what is wrong. It raises `UnreadableFileError` only when there is no text at all.
The data section is parsed with polars, vectorised, one row per file line.
"""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

import polars as pl

from rrec_pipeline.amounts import KWH_DECIMALS, parse_decimal, quantize
from rrec_pipeline.verification_csv.fields import (
    HEADER_FIELDS,
    HeaderField,
    Kind,
    VerificationHeader,
    field_for_label,
    is_blank_value,
    is_data_header,
)
from rrec_pipeline.verification_csv.filenames import name_stamps
from rrec_pipeline.verification_csv.model import (
    READINGS_SCHEMA,
    HeaderRow,
    UnreadableFileError,
    VerificationFile,
)
from rrec_pipeline.verification_csv.stamps import parse_stamp, with_parsed_stamps

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTES_AND_SPACE = " \t\"'"
# No line of a verification CSV comes near this (a row is about 35 bytes); a
# longer one is not a row, and parsing it would cost memory out of proportion.
MAX_LINE_BYTES = 4096
# A reading of a terawatt-hour or more is no reading: it is out of range, and
# bounding it keeps every sum of rows far inside the decimal type.
MAX_ABS_KWH = 10**12


def read_verification_file(path: str | Path) -> VerificationFile:
    path = Path(path)
    return read_verification_bytes(path.read_bytes(), path.name)


def read_verification_bytes(data: bytes, name: str) -> VerificationFile:
    _check_line_lengths(data)
    text, encoding = decode_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not a row
    data_header_index = _find_data_header(lines)
    header_end = data_header_index if data_header_index is not None else _header_end(lines)
    header_rows, unknown_rows = _parse_header_rows(lines[:header_end])
    header = _typed_header(header_rows)
    default_offset, source, end_offset = _resolve_offsets(header, name)
    first_data = header_end + 1 if data_header_index is not None else header_end
    readings, trailing = _parse_readings(lines[first_data:], first_data + 1, default_offset)
    return VerificationFile(
        name=name,
        header=header,
        readings=readings,
        header_rows=header_rows,
        unknown_rows=unknown_rows,
        data_header_line=None if data_header_index is None else data_header_index + 1,
        trailing_blank_lines=trailing,
        encoding=encoding,
        default_offset=default_offset,
        default_offset_source=source,
        end_default_offset=end_offset,
    )


def _check_line_lengths(data: bytes) -> None:
    """Before anything is decoded: the bytes split at line ends (C speed; a regular
    expression looking for a long run tries every start and took 0.3 s on 2 MB)."""
    if len(data) <= MAX_LINE_BYTES:
        return
    runs = data.replace(b"\r", b"\n").split(b"\n")
    if max(map(len, runs)) > MAX_LINE_BYTES:
        lengths = [len(run) for run in runs]
        run = next(n for n, length in enumerate(lengths) if length > MAX_LINE_BYTES)
        start = sum(lengths[:run]) + run  # each run is followed by one line-end byte
        line = data.count(b"\n", 0, start) + 1
        raise UnreadableFileError(
            f"line {line} is longer than {MAX_LINE_BYTES} bytes: not a verification CSV line",
            line=line,
        )


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM allowed), UTF-16 with BOM, or Windows-1252 as a last resort."""
    if not data.strip():
        raise UnreadableFileError("the file is empty")
    has_utf16_bom = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    candidates = ("utf-16",) if has_utf16_bom else ("utf-8-sig", "cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL_CHARS.search(text):
            raise UnreadableFileError("the file is binary, not a text CSV")
        return text, encoding.replace("-sig", "")
    raise UnreadableFileError("the file is not text in a known encoding (UTF-8, UTF-16)")


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def _find_data_header(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if is_data_header(_cells(line)):
            return index
    return None


def _header_end(lines: list[str]) -> int:
    """Without a `Datetime,...` row, the header ends where timestamped rows begin."""
    for index, line in enumerate(lines):
        cells = _cells(line)
        if cells and field_for_label(cells[0]) is None and parse_stamp(cells[0]) is not None:
            return index
    return len(lines)


def _parse_header_rows(lines: list[str]) -> tuple[dict[str, HeaderRow], list[HeaderRow]]:
    known: dict[str, HeaderRow] = {}
    unknown: list[HeaderRow] = []
    for index, line in enumerate(lines):
        cells = [cell.strip() for cell in _cells(line)]
        if not any(cells):
            continue  # the blank separator row
        label, value = cells[0].lstrip("\ufeff"), (cells[1] if len(cells) > 1 else "")
        row = HeaderRow(index + 1, label, value, tuple(cell for cell in cells[2:] if cell))
        spec = field_for_label(label)
        if spec is None or spec.attr in known:
            unknown.append(row)
        else:
            known[spec.attr] = row
    return known, unknown


def typed_value(spec: HeaderField, text: str) -> object:
    """The header value as its kind, or None when blank or not parseable."""
    if is_blank_value(text):
        return None
    text = text.strip()
    if spec.kind == Kind.TEXT:
        return text
    if spec.kind == Kind.TIMESTAMP:
        return parse_stamp(text)
    number = parse_decimal(text)
    if number is None or (spec.limit is not None and abs(number) > spec.limit):
        return None  # not a number, or beyond what any project could state (range.plausible)
    if spec.kind == Kind.INTEGER:
        return int(number) if number == number.to_integral_value() else None
    return number if spec.decimals is None else quantize(number, spec.decimals)


def _typed_header(rows: dict[str, HeaderRow]) -> VerificationHeader:
    values = {
        spec.attr: typed_value(spec, rows[spec.attr].value)
        for spec in HEADER_FIELDS
        if spec.attr in rows
    }
    return VerificationHeader(**values)


def _resolve_offsets(header: VerificationHeader, name: str) -> tuple[timedelta, str, timedelta]:
    """Offsets for stamps written without one: header Begin, else file name, else UTC."""
    stamps = name_stamps(name)
    begin = header.begin_timestamp
    if begin is not None and begin.offset is not None:
        return begin.offset, "from the header's Begin Timestamp", begin.offset
    if stamps is not None:
        begin_offset = stamps[0].utcoffset() or timedelta(0)
        end_offset = stamps[1].utcoffset() or timedelta(0)
        return begin_offset, "from the file name's Begin stamp", end_offset
    return timedelta(0), "as UTC: no offset in the header or the file name", timedelta(0)


def _parse_readings(
    lines: list[str], first_line: int, default_offset: timedelta
) -> tuple[pl.DataFrame, list[int]]:
    """One row per data line; trailing blank lines are split off and reported by line."""
    row_count = _last_non_blank(lines) + 1
    trailing = list(range(first_line + row_count, first_line + len(lines)))
    default_minutes = int(default_offset.total_seconds() // 60)
    raw = pl.DataFrame(
        {
            "line": pl.int_range(first_line, first_line + row_count, eager=True),
            "text": lines[:row_count],
        },
        schema={"line": pl.Int64, "text": pl.String},
    )
    cells = pl.col("text").str.split(",")
    readings = (
        raw.lazy()
        .with_columns(
            _strip(cells.list.get(0, null_on_oob=True)).alias("datetime_text"),
            _strip(cells.list.get(1, null_on_oob=True)).alias("kwh_text"),
            _strip(cells.list.slice(2).list.join(",").str.replace_all(",", "")).alias("extra_text"),
        )
        .pipe(with_parsed_stamps, "datetime_text")
        .with_columns(
            pl.col("offset_minutes").is_not_null().alias("has_own_offset"),
            pl.col("offset_minutes").fill_null(default_minutes).alias("utc_offset_minutes"),
            _kwh(pl.col("kwh_text")).alias("kwh"),
        )
        .with_columns(
            (pl.col("local") - pl.duration(minutes=pl.col("utc_offset_minutes")))
            .dt.replace_time_zone("UTC")
            .alias("timestamp_utc"),
            pl.when(pl.col("local").is_not_null())
            .then(pl.col("utc_offset_minutes"))
            .alias("utc_offset_minutes"),
        )
        .select(list(READINGS_SCHEMA))
        .collect()
    )
    return readings.cast(READINGS_SCHEMA), trailing


def _kwh(text: pl.Expr) -> pl.Expr:
    """Exact kWh on the 1e-9 grid; null when not a number, out of range, or a non-zero
    value too small for the grid (`1e-400`). `-0` is zero."""
    value = text.str.to_decimal(scale=KWH_DECIMALS)
    mantissa_is_zero = ~text.str.replace(r"[eE].*$", "").str.contains("[1-9]")
    plausible = value.abs() < MAX_ABS_KWH
    return pl.when(plausible & ((value != 0) | mantissa_is_zero)).then(value)


def _strip(expr: pl.Expr) -> pl.Expr:
    text = expr.str.strip_chars(_QUOTES_AND_SPACE)
    return pl.when(text == "").then(None).otherwise(text)


def _last_non_blank(lines: list[str]) -> int:
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip(" \t,\"'"):
            return index
    return -1
