"""The table registry is the one declaration of every table: columns, primary key, store, DDL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from rrec_pipeline import tables
from rrec_pipeline.analysts import ANALYST_TABLES
from rrec_pipeline.resources.storage.ledger import IssuanceLedger


def _columns(path: Path, table: str) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return {row[0]: row[1] for row in connection.execute(f"DESCRIBE {table}").fetchall()}


def _spelled(kind: str) -> str:
    """The type as DuckDB's DESCRIBE spells it."""
    return kind.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE").replace(", ", ",")


def test_the_ledger_holds_exactly_the_registry_tables_with_their_types(tmp_path: Path) -> None:
    path = tmp_path / "ledger.duckdb"
    IssuanceLedger(path=str(path)).issued_lots()
    with duckdb.connect(str(path), read_only=True) as connection:
        names = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    assert names == {table.name for table in tables.LEDGER_TABLES}
    for table in tables.LEDGER_TABLES:
        assert table.store == "ledger"
        expected = {name: _spelled(tables.duckdb_type(d)) for name, d in table.dtypes.items()}
        assert _columns(path, table.name) == expected, table.name


def test_the_mint_key_is_declared_once_and_enforced_everywhere(tmp_path: Path) -> None:
    assert tables.LOT_MINTS.primary_key == ("mint_key",)
    assert tables.LEDGER_MINTS.primary_key == tables.LOT_MINTS.primary_key
    mints = next(t for t in ANALYST_TABLES if t.name == "mints")
    assert mints.primary_key == ("mint_key",)
    with duckdb.connect(str(tmp_path / "x.duckdb")) as connection:
        connection.execute(tables.LEDGER_MINTS.ddl())
        columns = ", ".join(f'"{c}"' for c in ("mint_key", "lot_id", "state", "attempts"))
        insert = f"INSERT INTO mints ({columns}) VALUES ('k', 'a', 'planned', 0)"
        connection.execute(insert)
        with pytest.raises(duckdb.ConstraintException):
            connection.execute(insert)


def test_a_unique_over_a_nullable_column_is_no_primary_key() -> None:
    # A manual record row has no transaction hash: the read-back table keeps it.
    assert list(tables.CHAIN_TRANSACTIONS.schema.unique) == ["token", "tx_hash", "log_index"]
    assert tables.CHAIN_TRANSACTIONS.primary_key == ()
    assert "PRIMARY KEY" not in tables.CHAIN_TRANSACTIONS.ddl()


def test_each_layer_names_its_store() -> None:
    assert tables.METER_READS.store == "warehouse"
    assert tables.PROJECT_YEAR_CREDITS.store == "warehouse"
    assert tables.AUDIT_MINTS.store == "audit"
    assert tables.METER_GAPS.store == "analysts"
    assert tables.MINT_LOG.name == "mint_log"


def test_an_older_ledger_gains_the_columns_it_lacks_with_their_meaning(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE certified_reads (source VARCHAR, device_id VARCHAR, "
            "interval_start TIMESTAMPTZ, lot_id VARCHAR, "
            "PRIMARY KEY (source, device_id, interval_start))"
        )
        connection.execute(
            "INSERT INTO certified_reads VALUES ('s', 'd', '2024-01-01 00:00:00+00', 'L1')"
        )
    reads = IssuanceLedger(path=str(path)).certified_reads()
    assert reads.columns == list(tables.CERTIFIED_READS.dtypes)
    assert reads.row(0, named=True)["lot_id"] == "L1"
    assert reads["wh"].to_list() == [None] and reads["certified_at"].to_list() == [None]


def test_producer_file_lots_of_an_older_ledger_get_their_source_not_a_frequency(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE issued_lots (lot_id VARCHAR PRIMARY KEY, window_id VARCHAR, "
            "version INTEGER, frequency VARCHAR, rrecs BIGINT)"
        )
        connection.execute(
            "INSERT INTO issued_lots VALUES ('file__ab', 'file__ab', 1, 'file', 3), "
            "('R__P__2024-01-01', 'R__P__2024-01-01', 1, 'monthly', 5), "
            "('R__P__2024-01-01__v2', 'R__P__2024-01-01', 2, 'monthly', 1)"
        )
    IssuanceLedger(path=str(path)).held_lots()
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "SELECT lot_id, lot_source, frequency FROM issued_lots ORDER BY lot_id"
        ).fetchall()
    assert rows == [
        ("R__P__2024-01-01", "reservation_window", "monthly"),
        ("R__P__2024-01-01__v2", "adjustment", "monthly"),
        ("file__ab", "producer_file", None),
    ]
