"""Two DuckDB idioms the ledgers share: append a polars frame, run a block in a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl


def append(connection: duckdb.DuckDBPyConnection, table: str, rows: pl.DataFrame) -> None:
    """Insert `rows` into `table` by column name (the table may hold more columns)."""
    connection.register("incoming", rows.to_arrow())
    try:
        columns = ", ".join(f'"{name}"' for name in rows.columns)
        connection.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM incoming")
    finally:
        connection.unregister("incoming")


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: commit when the block ends, roll back when it raises."""
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
