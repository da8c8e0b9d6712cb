"""The registry's reviewed CSVs read into typed tables; a bad row is a finding, not a stop.

Every cell is read as text, converted to its column's type, and the row checked
against its model (`schemas/registry.py`). A row that does not convert or does
not pass is left out and reported as `bad_row` with its file, line and reason;
the good rows proceed. A file without a required column is one finding.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from rrec_pipeline.schemas.registry import Clearances, Devices, Projects, Reservations
from rrec_pipeline.text import quote

Convert = Callable[[pl.Expr], pl.Expr]


def _text(column: pl.Expr) -> pl.Expr:
    stripped = column.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _decimal(scale: int) -> Convert:
    return lambda column: _text(column).str.to_decimal(scale=scale)


def _float(column: pl.Expr) -> pl.Expr:
    return _text(column).cast(pl.Float64, strict=False)


def _date(column: pl.Expr) -> pl.Expr:
    return _text(column).str.to_date("%Y-%m-%d", strict=False)


def _ids(column: pl.Expr) -> pl.Expr:
    parts = _text(column).str.split(";").list.eval(pl.element().str.strip_chars())
    return parts.list.eval(pl.element().filter(pl.element() != ""))


@dataclass(frozen=True)
class Layout:
    """How one registry file is read: its model, and each column's conversion."""

    file: str
    model: type[pa.DataFrameModel]
    columns: dict[str, Convert]
    optional: frozenset[str] = frozenset()
    key: str | None = None  # unique per file: a repeat is a bad row, the first one stays


PROJECTS = Layout(
    "projects.csv",
    Projects,
    {
        "project_id": _text,
        "project_name": _text,
        "country": _text,
        "us_state": _text,
        "latitude": _float,
        "longitude": _float,
        "dc_capacity_kwp": _decimal(6),
        "fuel_type": _text,
        "first_operation": _date,
        "timezone": _text,
        "installation_type": _text,
        "owner_wallet": _text,
    },
    frozenset({"us_state"}),
    key="project_id",
)
DEVICES = Layout(
    "devices.csv",
    Devices,
    {
        "project_id": _text,
        "source": _text,
        "site_id": _text,
        "device_id": _text,
        "role": _text,
    },
    frozenset({"device_id"}),
)
RESERVATIONS = Layout(
    "reservations.csv",
    Reservations,
    {
        "reservation_id": _text,
        "buyer": _text,
        "recipient_wallet": _text,
        "project_ids": _ids,
        "volume_mwh": _decimal(12),
        "start": _date,
        "end": _date,
        "frequency": lambda column: _text(column).str.to_lowercase(),
    },
    key="reservation_id",
)
CLEARANCES = Layout(
    "clearances.csv",
    Clearances,
    {"project_id": _text, "cleared_against": _text, "reason": _text},
)


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int | None
    reason: str

    @property
    def ids(self) -> tuple[str, ...]:
        return (f"{self.file}:{self.line}" if self.line else self.file,)


def read_registry_file(layout: Layout, data: bytes | None) -> tuple[pl.DataFrame, list[BadRow]]:
    """The file's good rows as its model's table, and one `BadRow` per row left out."""
    empty = pl.DataFrame(schema=_dtypes(layout))
    if data is None:
        return empty, []
    try:
        raw = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy")
    except pl.exceptions.PolarsError as error:
        return empty, [BadRow(layout.file, None, f"not a readable CSV ({quote(str(error))})")]
    raw = raw.rename({name: name.strip().lstrip("\ufeff").lower() for name in raw.columns})
    missing = sorted(set(layout.columns) - set(raw.columns) - layout.optional)
    if missing:
        return empty, [BadRow(layout.file, None, f"missing columns {', '.join(missing)}")]
    for column in layout.optional - set(raw.columns):
        raw = raw.with_columns(pl.lit(None, pl.String).alias(column))
    typed = raw.with_row_index("line", offset=2).select(
        pl.col("line").cast(pl.Int64),
        *(convert(pl.col(name)).alias(name) for name, convert in layout.columns.items()),
        *(pl.col(name).alias(f"_raw_{name}") for name in layout.columns),
    )
    return _good_rows(layout, typed)


def _dtypes(layout: Layout) -> dict[str, pl.DataType]:
    return {name: column.dtype.type for name, column in layout.model.to_schema().columns.items()}


def _good_rows(layout: Layout, typed: pl.DataFrame) -> tuple[pl.DataFrame, list[BadRow]]:
    bad: dict[int, str] = {}
    if layout.key is not None:
        first = typed.group_by(layout.key).agg(pl.col("line").min().alias("_first"))
        repeats = typed.join(first, on=layout.key).filter(pl.col("line") != pl.col("_first"))
        for line, key, first_line in repeats.select("line", layout.key, "_first").iter_rows():
            bad[line] = f"{layout.key} {quote(key)} repeats line {first_line}"
    for name in layout.columns:
        raw = pl.col(f"_raw_{name}").str.strip_chars().fill_null("")
        failed = typed.filter((raw != "") & pl.col(name).is_null())
        for line, text in failed.select("line", f"_raw_{name}").iter_rows():
            bad.setdefault(line, f"{name} {quote(text)} is not a valid value")
    frame = typed.select(list(_dtypes(layout))).cast(_dtypes(layout))
    frame = frame.filter(~pl.col("line").is_in(list(bad)))
    try:
        layout.model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.filter(pl.col("index").is_not_null())
        for index, column, check in cases.select("index", "column", "check").iter_rows():
            line = frame["line"][index]
            if column is None or column == layout.model.__name__:
                reason = f"fails the check {quote(check)}"
            else:
                reason = (
                    f"{column} is required"
                    if check == "not_nullable"
                    else f"{column} fails {check}"
                )
            bad.setdefault(line, reason)
    good = frame.filter(~pl.col("line").is_in(list(bad)))
    findings = [BadRow(layout.file, line, reason) for line, reason in sorted(bad.items())]
    return layout.model.validate(good), findings


@dataclass(frozen=True)
class RegistryTables:
    """The registry's good rows, and the rows left out."""

    projects: pl.DataFrame
    devices: pl.DataFrame
    reservations: pl.DataFrame
    clearances: pl.DataFrame
    bad_rows: tuple[BadRow, ...] = ()


def load_registry(folder: Path, reservations: Path | None = None) -> RegistryTables:
    """The registry folder's files (missing ones are empty), reservations from `reservations`
    when given, else from the folder."""

    def data(path: Path) -> bytes | None:
        return path.read_bytes() if path.is_file() else None

    tables, bad = {}, []
    for name, layout in (
        ("projects", PROJECTS),
        ("devices", DEVICES),
        ("reservations", RESERVATIONS),
        ("clearances", CLEARANCES),
    ):
        path = reservations if name == "reservations" and reservations else folder / layout.file
        tables[name], found = read_registry_file(layout, data(path))
        bad += found
    return RegistryTables(**tables, bad_rows=tuple(bad))
