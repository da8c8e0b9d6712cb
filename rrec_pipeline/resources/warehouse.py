"""Reading the Parquet warehouse lazily, for work that must not hold a whole table in memory.

The IO manager hands assets whole tables; issuance scans every meter read of
every partition, so it reads the files itself, as one lazy frame that polars
collects with streaming.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from rrec_pipeline.tables import TABLES


class Warehouse(dg.ConfigurableResource):
    base_dir: str

    def scan(self, key: str) -> pl.LazyFrame:
        """Every Parquet file of the table, as its registered types; empty when none."""
        table = TABLES[key]
        files = sorted(Path(self.base_dir, key).rglob("*.parquet"))
        if not files:
            return table.empty().lazy()
        return pl.scan_parquet(files, hive_partitioning=False).select(list(table.dtypes))
