"""Build the analysts' DuckDB file from the warehouse and the ledger, then swap it in.

The new database is written to a temporary file beside the target and renamed
over it only when complete, so an analyst with the old file open keeps
reading a whole database and the next connection sees the new one; a run
never leaves the database locked or half-written. Tables get their column
types, primary keys and comments from the table registry (`analysts.py`).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from rrec_pipeline.analysts import ANALYST_TABLES, VIEWS, AnalystTable
from rrec_pipeline.basics import faults
from rrec_pipeline.issuance.coverage import meter_gaps
from rrec_pipeline.issuance.segments import device_segments
from rrec_pipeline.resources.storage.duck import new_database
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.warehouse import Warehouse, table_files
from rrec_pipeline.tables import DEVICES, METER_GAPS, METER_READS


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_statements(table: AnalystTable) -> list[str]:
    statements = [
        table.table.ddl(table.name),
        f"COMMENT ON TABLE {table.name} IS {_quote(table.comment)}",
    ]
    statements += [
        f'COMMENT ON COLUMN {table.name}."{column}" IS {_quote(text)}'
        for column, text in table.table.columns.items()
        if text
    ]
    return statements


def build(target: Path, warehouse: Path, ledger: IssuanceLedger) -> dict[str, int]:
    """Write the database to `target` atomically; returns rows per table."""
    counts = {}
    with new_database(target, before_swap=lambda: faults.reached("duckdb")) as connection:
        for table in ANALYST_TABLES:
            for statement in create_statements(table):
                connection.execute(statement)
            counts[table.name] = _fill(connection, table, warehouse, ledger)
        for name, (comment, query) in VIEWS.items():
            connection.execute(f"CREATE VIEW {name} AS {query}")
            connection.execute(f"COMMENT ON VIEW {name} IS {_quote(comment)}")
    return counts


def _fill(connection, table: AnalystTable, warehouse: Path, ledger: IssuanceLedger) -> int:
    columns = ", ".join(f'"{name}"' for name in table.table.dtypes)
    frame = None
    if table.from_ledger:
        frame = {
            "issued_lots": ledger.issued_lots,
            "plans": ledger.plans,
            "mints": ledger.mints,
            "held_lots": ledger.held_lots,
            "imported_lots": ledger.imported_lots,
        }[table.from_ledger]()
    elif table.derived:
        frame = _meter_gaps(warehouse)
    if frame is not None:
        connection.register("incoming", frame.select(list(table.table.dtypes)).to_arrow())
        connection.execute(f"INSERT INTO {table.name} SELECT {columns} FROM incoming")
        connection.unregister("incoming")
        return frame.height
    files = [str(path) for path in table_files(warehouse, table.table.key)]
    if not files:
        return 0
    listed = ", ".join(_quote(f) for f in files)
    connection.execute(
        f"INSERT INTO {table.name} SELECT {columns} "
        f"FROM read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"
    )
    return connection.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]


def _meter_gaps(warehouse: Path) -> pl.DataFrame:
    """Every registered generation device's gaps, by the planner's own rule."""
    stored = Warehouse(base_dir=str(warehouse))
    devices = stored.read(DEVICES.key)
    if devices.is_empty() or not table_files(warehouse, METER_READS.key):
        return METER_GAPS.empty()
    return meter_gaps(device_segments(stored.scan(METER_READS.key), devices))


class AnalystDatabase(dg.ConfigurableResource):
    """`$RREC_HOME/rrec.duckdb` (RREC_ANALYST_DB): rebuilt whole by the last asset of a run."""

    path: str

    def rebuild(self, warehouse: Path, ledger: IssuanceLedger) -> dict[str, int]:
        return build(Path(self.path), warehouse, ledger)

    def read(self, sql: str) -> pl.DataFrame:
        with duckdb.connect(self.path, read_only=True) as connection:
            return connection.sql(sql).pl()
