"""Read verification CSVs into `VerificationFile`s, tolerating real-world quirks.

The reader never judges: it keeps raw texts and line numbers and leaves typed
values empty where they do not parse; the rules in `rrec_pipeline.validation` decide
what is wrong. A file that is no text at all (empty, binary, a line too long)
becomes an `UnreadableFileError` naming why.

Files are read in batches (`read_verification_batch`): each file's header (a
few dozen lines) in Python, every file's data section in one polars pass
(`rows.py`), so neither many small files nor one of ten million rows pays for
Python objects per row.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import polars as pl

from rrec_pipeline.basics.amounts import parse_decimal, quantize
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
from rrec_pipeline.verification_csv.lines import file_lines
from rrec_pipeline.verification_csv.model import (
    HeaderRow,
    UnreadableFileError,
    VerificationFile,
)
from rrec_pipeline.verification_csv.rows import DataSection, read_sections
from rrec_pipeline.verification_csv.stamps import parse_stamp

log = logging.getLogger(__name__)
# The header is scanned line by line in Python this many lines at a time; real
# files open their data section within the first thirty.
_SCAN_LINES = 64
# Past the first lines, only a line mentioning kWh can open the data section
# (`is_data_header` casefolds: U+1E96 folds to an `h` and a combining mark).
_MAY_OPEN_DATA = r"(?i)kw[hẖ]"
_BLANK_CELLS = " \t,\"'"


def read_verification_file(path: str | Path) -> VerificationFile:
    path = Path(path)
    return read_verification_bytes(path.read_bytes(), path.name)


def read_verification_bytes(data: bytes, name: str) -> VerificationFile:
    [result] = read_verification_batch([(data, name)])
    if isinstance(result, UnreadableFileError):
        raise result
    return result


def read_verification_batch(
    items: Iterable[tuple[bytes, str]],
) -> list[VerificationFile | UnreadableFileError]:
    """Each (bytes, file name) as a `VerificationFile`, or the error saying why it is none.

    Bytes are needed only until their lines are read: given an iterator that
    forgets them, a batch holds its rows, not its files' bytes as well.
    """
    results: list[VerificationFile | UnreadableFileError] = []
    sections: list[DataSection] = []
    for item in items:
        try:
            file, section = _read_header(*item)
        except UnreadableFileError as error:
            results.append(error)
            continue
        results.append(file)
        sections.append(section)
    item = None  # the last file's bytes are not kept while the rows are read
    files = [result for result in results if isinstance(result, VerificationFile)]
    unread: dict[int, UnreadableFileError] = {}
    for file, readings in zip(files, _read_rows(sections), strict=True):
        if isinstance(readings, UnreadableFileError):
            unread[id(file)] = readings
        else:
            file.readings = readings
    return [unread.get(id(result), result) for result in results]


def _read_rows(sections: list[DataSection]) -> list[pl.DataFrame | UnreadableFileError]:
    """Every section's readings in one pass; should that pass fail, section by section,
    so that rows polars cannot read cost their own file only."""
    try:
        return read_sections(sections)
    except Exception:
        log.exception(
            "reading %d data sections at once failed; reading them one by one", len(sections)
        )
    results: list[pl.DataFrame | UnreadableFileError] = []
    for section in sections:
        try:
            results.extend(read_sections([section]))
        except Exception as error:
            log.exception("reading a data section failed")
            reason = f"its rows could not be read ({type(error).__name__})"
            results.append(UnreadableFileError(reason, line=section.first_line))
    return results


def _read_header(data: bytes, name: str) -> tuple[VerificationFile, DataSection]:
    """The file with its header read (readings still empty), and its data section."""
    lines, encoding = file_lines(data)
    data_header_index = _find_data_header(lines)
    header_end = data_header_index if data_header_index is not None else _header_end(lines)
    header_rows, unknown_rows = _parse_header_rows(lines.head(header_end).to_list())
    if not header_rows and data_header_index is None:
        raise UnreadableFileError(
            "not a verification file: no header row of the Standard and no "
            "`Datetime,Measured kWh` section"
        )
    header = _typed_header(header_rows)
    default_offset, source, end_offset = _resolve_offsets(header, name)
    first_data = header_end + 1 if data_header_index is not None else header_end
    body = lines.slice(first_data)
    row_count = _last_non_blank(body) + 1
    file = VerificationFile(
        name=name,
        header=header,
        readings=pl.DataFrame(),
        header_rows=header_rows,
        unknown_rows=unknown_rows,
        data_header_line=None if data_header_index is None else data_header_index + 1,
        trailing_blank_lines=list(range(first_data + row_count + 1, first_data + body.len() + 1)),
        encoding=encoding,
        default_offset=default_offset,
        default_offset_source=source,
        end_default_offset=end_offset,
    )
    minutes = int(default_offset.total_seconds() // 60)
    return file, DataSection(body.head(row_count), first_data + 1, minutes)


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]), [])


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


def _chunks(lines: pl.Series, start: int = 0):
    """(index of the first, lines as str) for `_SCAN_LINES` lines at a time."""
    for first in range(start, lines.len(), _SCAN_LINES):
        yield first, lines.slice(first, _SCAN_LINES).to_list()


def _find_data_header(lines: pl.Series) -> int | None:
    """The `Datetime,Measured kWh` row: looked for line by line in the first lines, then
    among the later lines that mention kWh (a headerless file is not read in Python)."""
    head = lines.head(_SCAN_LINES).to_list()
    found = next((n for n, line in enumerate(head) if is_data_header(_cells(line))), None)
    if found is not None or lines.len() <= _SCAN_LINES:
        return found
    rest = lines.slice(_SCAN_LINES)
    for index in rest.str.contains(_MAY_OPEN_DATA).arg_true():
        if is_data_header(_cells(rest[index])):
            return _SCAN_LINES + index
    return None


def _header_end(lines: pl.Series) -> int:
    """Without a `Datetime,...` row, the header ends where timestamped rows begin."""
    for first, chunk in _chunks(lines):
        for offset, line in enumerate(chunk):
            cells = _cells(line)
            if cells and field_for_label(cells[0]) is None and parse_stamp(cells[0]) is not None:
                return first + offset
    return lines.len()


def _last_non_blank(lines: pl.Series) -> int:
    """Index of the last line with a cell in it, -1 for none; read from the end."""
    for end in range(lines.len(), 0, -_SCAN_LINES):
        start = max(0, end - _SCAN_LINES)
        chunk = lines.slice(start, end - start).to_list()
        for offset in range(len(chunk) - 1, -1, -1):
            if chunk[offset].strip(_BLANK_CELLS):
                return start + offset
    return -1
