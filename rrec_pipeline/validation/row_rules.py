"""Per-row rules, declared as a pandera schema whose check names are rule ids.

Each row of the readings gets the context a rule needs (seconds it covers, its
file's kW bound, whether it repeats or goes back in time: `row_context.py`); pandera evaluates
every check lazily and its failure cases become findings with file lines.
A batch is validated in one pandera pass over all its files' rows, tagged with
`file_index`: the fixed cost of a validation is paid once, not once per file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from rrec_pipeline.basics.amounts import KWH, parse_decimal
from rrec_pipeline.basics.text import quote
from rrec_pipeline.schemas.verification import VerificationReadings
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.row_context import batch_readings, with_row_context
from rrec_pipeline.validation.rules import RULES, Finding, finding
from rrec_pipeline.verification_csv.model import VerificationFile
from rrec_pipeline.verification_csv.rows import MAX_ABS_KWH


class ReadingRowRules(VerificationReadings):
    """The readings plus row context; every named check is one rule id."""

    file_index: int
    seconds_covered: pl.Int64 = pa.Field(nullable=True)
    limit_kw: KWH = pa.Field(nullable=True)
    is_repeat: bool
    is_out_of_order: bool

    @pa.dataframe_check(name="format.timestamp")
    def timestamp_parses(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("timestamp_utc").is_not_null())

    @pa.dataframe_check(name="format.number")
    def kwh_parses(cls, data: PolarsData) -> pl.LazyFrame:
        parses = pl.col("kwh_text").is_null() | pl.col("kwh").is_not_null()
        return data.lazyframe.select(parses & pl.col("extra_text").is_null())

    @pa.dataframe_check(name="completeness.missing_value")
    def kwh_present(cls, data: PolarsData) -> pl.LazyFrame:
        blank_row = pl.col("datetime_text").is_null()
        return data.lazyframe.select(pl.col("kwh_text").is_not_null() | blank_row)

    @pa.dataframe_check(name="range.negative")
    def kwh_not_negative(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("kwh").is_null() | (pl.col("kwh") >= 0))

    @pa.dataframe_check(name="range.capacity")
    def kwh_within_capacity(cls, data: PolarsData) -> pl.LazyFrame:
        limit, seconds, kwh = pl.col("limit_kw"), pl.col("seconds_covered"), pl.col("kwh")
        within = kwh * 3600 <= limit * seconds
        return data.lazyframe.select(limit.is_null() | seconds.is_null() | kwh.is_null() | within)

    @pa.dataframe_check(name="duplicates")
    def instant_unique(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col("is_repeat"))

    @pa.dataframe_check(name="order")
    def ascending(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col("is_out_of_order"))

    class Config:
        strict = True


def row_findings_by_file(
    files: Sequence[VerificationFile], config: ValidationConfig
) -> list[list[Finding]]:
    """Row findings for each file, in the order given."""
    found: list[list[Finding]] = [[] for _ in files]
    if not files:
        return found
    frame = with_row_context(files, batch_readings(files), config)
    try:
        ReadingRowRules.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        _collect_failures(frame, errors.failure_cases, config, found)
    return found


def _collect_failures(
    frame: pl.DataFrame,
    failures: pl.DataFrame,
    config: ValidationConfig,
    found: list[list[Finding]],
) -> None:
    unexpected = failures.filter(~pl.col("check").is_in(list(_MESSAGES)))
    if unexpected.height:
        raise RuntimeError(f"readings do not match their schema: {unexpected.to_dicts()[:3]}")
    for rule_id in _MESSAGES:
        indices = failures.filter(pl.col("check") == rule_id)["index"].unique().sort()
        rows_by_file: dict[int, list[dict]] = {}
        for row in frame[indices.to_list()].to_dicts() if indices.len() else []:
            rows_by_file.setdefault(row["file_index"], []).append(row)
        for index, rows in rows_by_file.items():
            found[index].extend(_capped(rule_id, rows, config))


def _capped(rule_id: str, rows: list[dict], config: ValidationConfig) -> list[Finding]:
    limit = config.max_findings_per_rule
    shown = [
        finding(rule_id, f"line {row['line']}: {_MESSAGES[rule_id](row, config)}", line=row["line"])
        for row in rows[:limit]
    ]
    if len(rows) > limit:
        rest = rows[limit:]
        shown.append(
            finding(
                rule_id,
                f"... and {len(rest)} more rows (lines {rest[0]['line']}-{rest[-1]['line']}): "
                f"{RULES[rule_id].description}",
                line=rest[0]["line"],
            )
        )
    return shown


def _timestamp_message(row: dict, _: ValidationConfig) -> str:
    if row["datetime_text"] is None:
        is_blank_row = row["kwh_text"] is None
        return "blank row inside the data section" if is_blank_row else "Datetime is blank"
    return f"Datetime {quote(row['datetime_text'])} is not an ISO 8601 timestamp"


def _number_message(row: dict, _: ValidationConfig) -> str:
    if row["extra_text"] is not None:
        return f"unexpected cells after Measured kWh: {quote(row['extra_text'])}"
    value = parse_decimal(row["kwh_text"])
    if value is None:
        return f"Measured kWh {quote(row['kwh_text'])} is not a finite number"
    if abs(value) >= MAX_ABS_KWH:
        return f"Measured kWh {quote(row['kwh_text'])} is out of range (1e12 kWh or more)"
    return (
        f"Measured kWh {quote(row['kwh_text'])} is below the resolution of 1e-9 kWh and is not zero"
    )


def _capacity_message(row: dict, config: ValidationConfig) -> str:
    hours = row["seconds_covered"] / 3600  # for display only
    bound = row["limit_kw"] * row["seconds_covered"] / 3600
    capacity = bound / (config.capacity_factor * Decimal(row["seconds_covered"]) / 3600)
    return (
        f"{row['kwh'].normalize():f} kWh at {quote(row['datetime_text'])} exceeds {bound:.6g} kWh "
        f"= {config.capacity_factor:g} x {capacity:.6g} kWp x {hours:.6g} h covered "
        "(meter reset or catch-up reading?)"
    )


_MESSAGES: dict[str, Callable[[dict, ValidationConfig], str]] = {
    "format.timestamp": _timestamp_message,
    "format.number": _number_message,
    "completeness.missing_value": lambda row, _: (
        f"Measured kWh is blank at {quote(row['datetime_text'])}"
    ),
    "range.negative": lambda row, _: (
        f"Measured kWh {row['kwh'].normalize():f} at {quote(row['datetime_text'])} is negative"
    ),
    "range.capacity": _capacity_message,
    "duplicates": lambda row, _: (
        f"{quote(row['datetime_text'])} repeats an instant already in the data "
        f"({row['timestamp_utc']:%Y-%m-%dT%H:%M:%SZ})"
    ),
    "order": lambda row, _: (
        f"{quote(row['datetime_text'])} comes after a later timestamp; rows must ascend"
    ),
}
