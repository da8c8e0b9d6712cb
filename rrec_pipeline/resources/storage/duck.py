"""DuckDB idioms the ledgers share: open a file another process may hold, append a polars
frame, run a block in a transaction, hold a lock beside the file."""

from __future__ import annotations

import fcntl
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

LOCK_WAIT_S = 120.0


def connect(path: Path, wait_s: float = LOCK_WAIT_S) -> duckdb.DuckDBPyConnection:
    """Open the database file, waiting while another process holds it (DuckDB lets one
    process write a file at a time; every ledger connection is short)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05 + random.random() / 10)


@contextmanager
def held(lock_file: Path) -> Iterator[None]:
    """An exclusive lock across processes for the length of the block (waits for it)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


@contextmanager
def new_database(
    target: Path, before_swap: Callable[[], None] = lambda: None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A database built in a temporary file beside `target` and renamed over it when the
    block ends without an error (after `before_swap`): a reader with the old file open keeps
    a whole database, and none ever sees a half-written one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with duckdb.connect(str(temporary)) as connection:
            yield connection
            connection.execute("CHECKPOINT")
        before_swap()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
