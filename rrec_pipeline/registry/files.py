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
from functools import cached_property
from pathlib import Path

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.text import quote
from rrec_pipeline.schemas.registry import Clearances, Devices, Projects, Reservations

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


def _convert(dtype: pl.DataType) -> Convert:
    """A text cell to the model's type: what the column's dtype implies, declared nowhere else."""
    if isinstance(dtype, pl.Decimal):
        return _decimal(dtype.scale)
    if isinstance(dtype, pl.List):
        return _ids
    return {pl.Float64: _float, pl.Date: _date}.get(dtype.base_type(), _text)


@dataclass(frozen=True)
class Layout:
    """How one registry file is read: its model (columns, types, the unique id), the columns
    a file may leave out, and any conversion beyond the type's."""

    file: str
    model: type[pa.DataFrameModel]
    optional: frozenset[str] = frozenset()
    special: tuple[tuple[str, Convert], ...] = ()

    @cached_property
    def columns(self) -> dict[str, Convert]:
        """The file's columns in the model's order (every column but `line`), converted."""
        special = dict(self.special)
        return {
            name: special.get(name) or _convert(column.dtype.type)
            for name, column in self.model.to_schema().columns.items()
            if name != "line"
        }

    @property
    def key(self) -> str | None:
        """Unique per file: a repeat is a bad row, the first one stays."""
        columns = self.model.to_schema().columns
        return next((name for name, column in columns.items() if column.unique), None)


PROJECTS = Layout("projects.csv", Projects, frozenset({"us_state"}))
DEVICES = Layout("devices.csv", Devices, frozenset({"device_id"}))
RESERVATIONS = Layout(
    "reservations.csv",
    Reservations,
    special=(("frequency", lambda column: _text(column).str.to_lowercase()),),
)
CLEARANCES = Layout("clearances.csv", Clearances)


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
