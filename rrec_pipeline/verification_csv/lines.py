"""A verification file's bytes as its lines of text, before any cell is read.

Why polars: splitting a ten-million-row file in Python makes ten million `str`
objects (seconds, and a gigabyte of them); polars' CSV reader, told that no
byte separates cells and none quotes them, hands back the same lines as one
column in a fraction of that. Large UTF-8 files take that road; small files
(where starting a polars read costs more than splitting), UTF-16,
Windows-1252 and anything that is not text take Python's, which also names
what is wrong. Both give the lines an editor shows:
LF, CRLF and CR end a line, the last line's ending is optional, and a blank
line is an empty string (`tests/unit/test_lines.py` holds them to one
definition).
"""

from __future__ import annotations

import re

import polars as pl

from rrec_pipeline.verification_csv.model import UnreadableFileError

# No line of a verification CSV comes near this (a row is about 35 bytes); a
# longer one is not a row, and parsing it would cost memory out of proportion.
MAX_LINE_BYTES = 4096
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters as bytes: ASCII, so in UTF-8 and Windows-1252 alike a
# control character is exactly one of these bytes (multi-byte UTF-8 never is).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Never in a text that passed the control check, so polars finds one cell a line.
_NO_SEPARATOR = "\x1f"
# Below this, Python splits faster than polars starts a read (about 1 ms).
POLARS_FROM_BYTES = 1024 * 1024


def file_lines(data: bytes) -> tuple[pl.Series, str]:
    """The lines of `data` as a String series (no nulls), and the encoding they were in.

    Raises `UnreadableFileError` for bytes that are no text CSV: empty, a line
    over `MAX_LINE_BYTES`, control characters, an unknown encoding.
    """
    if not data or data.isspace():
        raise UnreadableFileError("the file is empty")
    if len(data) >= POLARS_FROM_BYTES and data[:2] not in _UTF16_BOMS:
        lines = _utf8_lines(data)
        if lines is not None:
            return lines, "utf-8"
    check_line_lengths(data)
    text, encoding = _decode_text(data)
    return _python_lines(text), encoding


def _utf8_lines(data: bytes) -> pl.Series | None:
    """Lines of UTF-8 text without control characters, by polars; None for other bytes."""
    fewest_line_ends = len(data) // (MAX_LINE_BYTES + 1)
    if data.count(b"\n") < fewest_line_ends and data.count(b"\r") < fewest_line_ends:
        check_line_lengths(data)  # too few line ends for lines this short: find the long one
    if _has_control_bytes(data):
        return None  # the slower road names it (after a line too long, if there is one)
    text = data
    if b"\r" in text and text.count(b"\r") != text.count(b"\r\n"):
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # a CR alone ends a line
    try:
        lines = pl.read_csv(
            text,
            has_header=False,
            separator=_NO_SEPARATOR,
            quote_char=None,
            new_columns=["text"],
            infer_schema=False,
            encoding="utf8",
        )["text"]
    except pl.exceptions.PolarsError:  # not UTF-8 (or nothing after a BOM)
        return None
    if (lines.str.len_bytes().max() or 0) > MAX_LINE_BYTES - len(_BOM):
        check_line_lengths(data)  # near the limit: measured on the bytes as they came
    return lines.fill_null("")


def _has_control_bytes(data: bytes) -> bool:
    """Checked a slice at a time: deleting them from the whole would copy the whole."""
    step = 16 * 1024 * 1024
    for start in range(0, len(data), step):
        chunk = data[start : start + step]
        if len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk):
            return True
    return False


def _python_lines(text: str) -> pl.Series:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it is not a line
    return pl.Series("text", lines, dtype=pl.String)


def check_line_lengths(data: bytes) -> None:
    """On the bytes as they came: a run longer than `MAX_LINE_BYTES` between line ends
    is named by its line, counted by LF as an editor shows it."""
    if len(data) <= MAX_LINE_BYTES or max(map(len, data.split(b"\n"))) <= MAX_LINE_BYTES:
        return  # (a CR only ever shortens a run between LFs)
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


def _decode_text(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM allowed), UTF-16 with BOM, or Windows-1252 as a last resort
    (`file_lines` has already turned empty files away)."""
    has_utf16_bom = data[:2] in _UTF16_BOMS
    candidates = ("utf-16",) if has_utf16_bom else ("utf-8-sig", "cp1252")
    if not has_utf16_bom and _has_control_bytes(data):
        raise UnreadableFileError("the file is binary, not a text CSV")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if has_utf16_bom and _CONTROL_CHARS.search(text):
            raise UnreadableFileError("the file is binary, not a text CSV")
        return text, encoding.replace("-sig", "")
    raise UnreadableFileError("the file is not text in a known encoding (UTF-8, UTF-16)")
