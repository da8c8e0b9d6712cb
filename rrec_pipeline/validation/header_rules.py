"""Rules on the header section and the file as text: fields, values, offsets, name."""

from __future__ import annotations

from datetime import datetime, timedelta

from rrec_pipeline.basics.amounts import parse_decimal
from rrec_pipeline.basics.text import NAME_LIMIT, has_control_characters, looks_like_formula, quote
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.rules import Finding, Severity, finding
from rrec_pipeline.verification_csv.fields import (
    DATA_COLUMNS,
    HEADER_FIELDS,
    HeaderField,
    Kind,
    field_for_label,
    is_blank_value,
)
from rrec_pipeline.verification_csv.filenames import parse_file_name
from rrec_pipeline.verification_csv.model import VerificationFile
from rrec_pipeline.verification_csv.stamps import Stamp

# The only header numbers that may be negative: places, and a lot's carry (a deduction).
_SIGNED = ("latitude", "longitude", "carry_in_mwh", "carry_out_mwh")


def encoding_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    if file.encoding in ("utf-8", "utf-16"):
        return []
    return [
        finding(
            "parse",
            f"the file is not UTF-8; it was read as {file.encoding}",
            severity=Severity.WARNING,
        )
    ]


def header_field_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    found = [_missing_or_blank(file, spec) for spec in HEADER_FIELDS]
    found += [_unexpected_row(file, row.label, row.line) for row in file.unknown_rows]
    found += [
        finding(
            "header.fields",
            f"line {row.line}: extra cells after {quote(row.label)} ignored: "
            f"{quote(', '.join(row.extra_cells))}",
            line=row.line,
            field=row.label,
            severity=Severity.WARNING,
        )
        for row in file.header_rows.values()
        if row.extra_cells
    ]
    if file.data_header_line is None:
        found.append(
            finding("header.fields", f"no data section: expected a row {','.join(DATA_COLUMNS)}")
        )
    return [item for item in found if item is not None]


def _missing_or_blank(file: VerificationFile, spec: HeaderField) -> Finding | None:
    row = file.header_rows.get(spec.attr)
    if row is None:
        if not spec.row_required:
            return None
        return finding("header.fields", f"missing header row {quote(spec.label)}", field=spec.label)
    if spec.value_required and is_blank_value(row.value):
        return finding(
            "header.fields",
            f"line {row.line}: {quote(spec.label)} is blank but required",
            line=row.line,
            field=spec.label,
        )
    return None


def _unexpected_row(file: VerificationFile, label: str, line: int) -> Finding:
    spec = field_for_label(label)
    if spec is not None:
        first = file.header_rows[spec.attr].line
        return finding(
            "header.fields",
            f"line {line}: header row {quote(label)} repeats line {first}",
            line=line,
            field=label,
        )
    return finding(
        "header.fields",
        f"line {line}: unknown header row {quote(label)} ignored",
        line=line,
        field=label,
        severity=Severity.WARNING,
    )


def header_value_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    """Non-blank header values must parse as their kind and be physically possible."""
    found = []
    for spec in HEADER_FIELDS:
        row = file.header_rows.get(spec.attr)
        if row is None or is_blank_value(row.value):
            continue
        problem = _value_problem(spec, getattr(file.header, spec.attr), row.value)
        if problem:
            rule, what = problem
            found.append(
                finding(
                    rule,
                    f"line {row.line}: {spec.label} {quote(row.value)} {what}",
                    line=row.line,
                    field=spec.label,
                )
            )
    return found


def _value_problem(spec: HeaderField, value: object, text: str) -> tuple[str, str] | None:
    """(rule, what is wrong) for a header value, or None when it is fine."""
    if spec.kind == Kind.TEXT:
        return _text_problem(text)
    if value is None:
        return _unusable(spec, text)
    if spec.kind in (Kind.NUMBER, Kind.INTEGER) and value < 0 and spec.attr not in _SIGNED:
        return "format.number", "is negative"
    return None


def _unusable(spec: HeaderField, text: str) -> tuple[str, str]:
    if spec.kind == Kind.TIMESTAMP:
        return "format.timestamp", "is not an ISO 8601 timestamp (offsets within +-18:00)"
    number = parse_decimal(text)
    if number is not None and spec.limit is not None and abs(number) > spec.limit:
        return "range.plausible", f"is beyond the plausible {int(spec.limit):,} for this field"
    if spec.kind == Kind.INTEGER:
        return "format.number", "is not a whole number"
    return "format.number", "is not a finite number"


def _text_problem(text: str) -> tuple[str, str] | None:
    value = text.strip()
    if has_control_characters(value):
        return "format.text", "contains control characters"
    if looks_like_formula(value):
        return "format.text", "starts like a spreadsheet formula (=, +, -, @)"
    return None


def text_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    """The file's own name must not carry control characters (newlines, terminal escapes)."""
    if not has_control_characters(file.name):
        return []
    return [
        finding(
            "format.text",
            f"the file name {quote(file.name, NAME_LIMIT)} contains control characters",
        )
    ]


def timezone_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    assumed = _format_offset(file.default_offset)
    found = []
    for spec_attr, label in (("begin_timestamp", "Begin"), ("end_timestamp", "End")):
        stamp: Stamp | None = getattr(file.header, spec_attr)
        if stamp is not None and stamp.offset is None:
            offset = file.default_offset if label == "Begin" else file.end_default_offset
            found.append(
                finding(
                    "format.timezone",
                    f"{label} Timestamp {quote(stamp.text)} has no UTC offset; assumed "
                    f"{_format_offset(offset)}",
                    field=f"{label} Timestamp",
                )
            )
    valid = file.valid_readings
    has_own = valid["has_own_offset"]
    without = valid.height - int(has_own.sum())
    if without:
        first_line = valid["line"].filter(~has_own)[0]
        found.append(
            finding(
                "format.timezone",
                f"{without} of {valid.height} data rows have no UTC offset; assumed "
                f"{assumed} {file.default_offset_source}",
                line=first_line,
            )
        )
    return found


def _format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def filename_findings(file: VerificationFile, _: ValidationConfig) -> list[Finding]:
    parsed = parse_file_name(file.name)
    if parsed is None:
        return [
            finding(
                "filename.timestamps",
                f"file name {quote(file.name, NAME_LIMIT)} does not follow "
                "<Project>_<Begin>_<End>.csv with stamps like 2022-01-01T000000-0500",
            )
        ]
    pairs = (
        ("Begin", parsed.begin, file.header.begin_timestamp, file.begin),
        ("End", parsed.end, file.header.end_timestamp, file.end),
    )
    return [
        finding(
            "filename.timestamps",
            f"file name {label} stamp {named.isoformat()} differs from the header's "
            f"{label} Timestamp {quote(stamp.text)}",
            field=f"{label} Timestamp",
        )
        for label, named, stamp, instant in pairs
        if stamp is not None and instant is not None and not _names_same_time(named, instant)
    ]


def _names_same_time(named: datetime, header: datetime) -> bool:
    """Equal instants, or a midnight name stamp naming the header's local day."""
    if named == header:
        return True
    is_midnight = named.timetz().replace(tzinfo=None) == datetime.min.time()
    return is_midnight and named.date() == header.astimezone(named.tzinfo).date()
