"""The Parquet warehouse, read: the one place that knows where a table's files are.

The IO manager (`io_managers.py`) writes each table, or each partition of one,
as a `part.parquet` under `<base>/<asset key>/` (`partition=<key>/`, or
`source=<s>/date=<d>/` for the meter reads); everything that reads the
warehouse outside an asset's inputs asks here. `scan` is lazy, for work that
must not hold a whole table in memory (issuance scans every meter read of
every partition, collected with streaming); `read` reads a table whole, or
the meter reads of some days.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import dagster as dg
import polars as pl

from rrec_pipeline.resources.storage.atomic import read_parquet_once
from rrec_pipeline.tables import TABLES

FILE_NAME = "part.parquet"


def table_files(base_dir: str | Path, key: str, days: Iterable[str] | None = None) -> list[Path]:
    """The table's Parquet files, sorted; with `days`, only those partitions' (`date=`)."""
    files = sorted(Path(base_dir, key).rglob(f"*{Path(FILE_NAME).suffix}"))
    if days is None:
        return files
    wanted = {f"date={day}" for day in days}
    return [path for path in files if path.parent.name in wanted]


def read_table(base_dir: str | Path, key: str, days: Iterable[str] | None = None) -> pl.DataFrame:
    """The table, whole (each file read through one open handle), or some days of it;
    the registered empty frame when nothing is written yet."""
    table = TABLES[key]
    files = table_files(base_dir, key, days)
    if not files:
        return table.empty()
    return pl.concat([read_parquet_once(path) for path in files], how="diagonal_relaxed")


class Warehouse(dg.ConfigurableResource):
    base_dir: str

    def scan(self, key: str) -> pl.LazyFrame:
        """Every Parquet file of the table, as its registered types; empty when none."""
        table = TABLES[key]
        files = table_files(self.base_dir, key)
        if not files:
            return table.empty().lazy()
        return pl.scan_parquet(files, hive_partitioning=False).select(list(table.dtypes))

    def read(self, key: str, days: Iterable[str] | None = None) -> pl.DataFrame:
        return read_table(self.base_dir, key, days)
