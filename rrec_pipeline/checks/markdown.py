"""Frames as Markdown tables for asset-check metadata, cut to a readable size.

Also `partitioned_checks`: partitioned asset checks are a Dagster 1.13 preview
feature that the schema checks of partitioned tables and the per-period
issuance checks use on purpose (the meter checks are not partitioned: they
judge what a run wrote); its notice is silenced where such checks are
declared, not for the whole process.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import dagster as dg
import polars as pl

MAX_ROWS = 50
MAX_CELL = 120


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 3] + "..."


def markdown_table(
    frame: pl.DataFrame, columns: Sequence[str] | None = None, *, empty: str = "none"
) -> str:
    """A Markdown table of the first `MAX_ROWS` rows, and how many more there are."""
    if frame.is_empty():
        return empty
    columns = list(columns or frame.columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.head(MAX_ROWS).select(columns).iter_rows():
        lines.append("| " + " | ".join(_cell(value) for value in row) + " |")
    if frame.height > MAX_ROWS:
        lines.append(f"\n... and {frame.height - MAX_ROWS} more rows")
    return "\n".join(lines)


@contextmanager
def partitioned_checks() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=dg.PreviewWarning)
        yield
