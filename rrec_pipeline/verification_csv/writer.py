"""Write verification CSVs in the registry's canonical form.

Output re-reads to the same values: every stamp is ISO 8601 with seconds and
offset, numbers are positional decimals (never `1e-05`, which some readers of
the registry choke on), and labels are written as `HEADER_FIELDS` spells them.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import polars as pl

from rrec_pipeline.verification_csv.fields import DATA_COLUMNS, HEADER_FIELDS, Kind
from rrec_pipeline.verification_csv.filenames import build_file_name, parse_file_name, project_stem
from rrec_pipeline.verification_csv.model import VerificationFile, VerificationHeader
from rrec_pipeline.verification_csv.stamps import Stamp, format_iso


def format_number(value: Decimal | float | int | None) -> str:
    """Positional decimal text that parses back to the same value."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def stamp_from_datetime(instant: datetime) -> Stamp:
    """A header stamp for an aware datetime (naive means UTC)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return Stamp(format_iso(aware), aware.replace(tzinfo=None), aware.utcoffset(), False)


def _stamp_text(stamp: Stamp, default_offset: timedelta, keep_date: bool) -> str:
    if keep_date and stamp.is_date_only:
        return stamp.text
    return format_iso(stamp.at(default_offset))


def _header_value(
    header: VerificationHeader, attr: str, kind: Kind, offsets: dict[str, timedelta]
) -> str:
    value = getattr(header, attr)
    if value is None:
        return ""
    if kind == Kind.TIMESTAMP:
        return _stamp_text(
            value, offsets.get(attr, timedelta(0)), keep_date=attr == "date_of_first_operation"
        )
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return format_number(value)
    return str(value)


def render_csv(
    header: VerificationHeader,
    readings: pl.DataFrame,
    *,
    default_offset: timedelta = timedelta(0),
    end_default_offset: timedelta | None = None,
) -> str:
    """The file's text. `readings` needs `timestamp_utc`, `utc_offset_minutes`, `kwh`."""
    offsets = {
        "begin_timestamp": default_offset,
        "end_timestamp": default_offset if end_default_offset is None else end_default_offset,
        "date_of_first_operation": default_offset,
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for spec in HEADER_FIELDS:
        if spec.written_when_blank or getattr(header, spec.attr) is not None:
            writer.writerow([spec.label, _header_value(header, spec.attr, spec.kind, offsets)])
    writer.writerow(["", ""])
    writer.writerow(DATA_COLUMNS)
    for stamp, kwh in _data_rows(readings, default_offset):
        writer.writerow([stamp, kwh])
    return buffer.getvalue()


def _data_rows(readings: pl.DataFrame, default_offset: timedelta) -> list[tuple[str, str]]:
    default_minutes = int(default_offset.total_seconds() // 60)
    rows = readings.filter(pl.col("timestamp_utc").is_not_null()).select(
        "timestamp_utc",
        pl.col("utc_offset_minutes").fill_null(default_minutes),
        "kwh",
    )
    return [
        (format_iso(instant.astimezone(timezone(timedelta(minutes=minutes)))), format_number(kwh))
        for instant, minutes, kwh in rows.iter_rows()
    ]


def write_verification_file(
    file: VerificationFile, folder: str | Path, *, stem: str | None = None
) -> Path:
    """Write `file` into `folder` under its standard name; returns the path.

    The project part of the name is `stem`, else the one the file was read under,
    else the Project Name in CamelCase (registry stems such as `ICP` are not derivable).
    """
    if file.begin is None or file.end is None or not file.header.project_name:
        raise ValueError("a verification file needs Project Name, Begin and End to be written")
    named = parse_file_name(file.name)
    stem = stem or (named.project if named else project_stem(file.header.project_name))
    path = Path(folder) / build_file_name(stem, file.begin, file.end)
    text = render_csv(
        file.header,
        file.readings,
        default_offset=file.default_offset,
        end_default_offset=file.end_default_offset,
    )
    path.write_text(text, encoding="utf-8")
    return path
