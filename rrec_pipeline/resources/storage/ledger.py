"""The issuance ledger: a DuckDB file that is only ever appended to, in transactions.

It is the guard against double counting (Appendix B 2.1): every issued lot
(each version of a window) with its window, and per meter read the lot
version that certified it, so a read belongs to exactly one version: its key
is the table's primary key, a read of another window fails the whole
transaction, and a read whose value a correction changed moves to the
version that certifies the new value. It is never rebuilt from other tables.
Each planning run's plan is recorded too, with what changed against the
ledger, and what is held (`hold_ledger.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from rrec_pipeline.basics.errors import OperatorError
from rrec_pipeline.issuance.admission import Admission
from rrec_pipeline.issuance.lots import Issued
from rrec_pipeline.issuance.plan import Plan, PlanSettings, make_plan
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.resources.storage.duck import append, connect, transaction
from rrec_pipeline.resources.storage.hold_ledger import HoldLedgerMixin
from rrec_pipeline.resources.storage.import_ledger import ImportLedgerMixin
from rrec_pipeline.resources.storage.mint_ledger import MintLedgerMixin
from rrec_pipeline.tables import (
    CERTIFIED_READS,
    ISSUANCE_PLANS,
    ISSUED_LOTS,
    LEDGER_TABLES,
    duckdb_type,
)

ISSUED_COLUMNS = ISSUED_LOTS.dtypes
# What an issue brings per read; `certified_at` is set when the lot's mint confirms.
READ_COLUMNS = {k: v for k, v in CERTIFIED_READS.dtypes.items() if k != "certified_at"}
PLAN_COLUMNS = ISSUANCE_PLANS.dtypes

DDL = tuple(table.ddl() for table in LEDGER_TABLES)
# Ledgers written before lots had versions, evidence and mints: what a missing column means.
UPGRADES = {
    "issued_lots": {
        "window_id": "lot_id",
        "version": "1",
        "window_rrecs": "rrecs",
        "devices": "0",
        "covered_seconds": "0",
        "gap_seconds": "0",
        "lot_source": "CASE WHEN frequency = 'file' THEN 'producer_file' "
        "WHEN version > 1 THEN 'adjustment' ELSE 'reservation_window' END",
    },
    "certified_reads": {"wh": "NULL", "certified_at": "NULL"},
}
# Producer files' lots were written with the frequency `file` before they had a source.
AFTER_UPGRADE = {
    (
        "issued_lots",
        "lot_source",
    ): "UPDATE issued_lots SET frequency = NULL WHERE frequency = 'file'"
}
_UPGRADED: set[str] = set()


class LedgerError(OperatorError):
    """The ledger file cannot be opened (corrupt, not a DuckDB file, unreadable)."""


class DoubleCertification(RuntimeError):
    """A read already certified by another lot: nothing of this issue was recorded."""


class IssuanceLedger(MintLedgerMixin, HoldLedgerMixin, ImportLedgerMixin, dg.ConfigurableResource):
    """The ledger file; its mint-ledger, holds and imported-history parts are mixins."""

    path: str

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            connection = connect(Path(self.path))
            for statement in DDL:
                connection.execute(statement)
        except (
            duckdb.IOException,
            duckdb.SerializationException,
            duckdb.InternalException,
            duckdb.CatalogException,
        ) as error:
            reason = str(error).splitlines()[0][:200]
            raise LedgerError(
                f"the ledger {self.path} cannot be opened ({reason}); nothing was changed. "
                "Restore it from a backup, or move it aside and run `rrec ledger rebuild`"
            ) from None
        _upgrade(connection, str(Path(self.path).resolve()))
        return connection

    def issued_lots(self) -> pl.DataFrame:
        with self._connect() as connection:
            frame = connection.sql("SELECT * FROM issued_lots ORDER BY lot_id").pl()
        return frame.select(list(ISSUED_COLUMNS)).cast(ISSUED_COLUMNS)

    def issued_state(self) -> dict[tuple[str, str, str], Issued]:
        """(reservation, project, first day) -> what that window issued, as of its latest
        version: the plan continues from it."""
        state: dict[tuple[str, str, str], Issued] = {}
        for row in self.issued_lots().sort("version").iter_rows(named=True):
            key = (row["reservation_id"], row["project_id"], row["window_first_day"].isoformat())
            state[key] = Issued(
                row["window_rrecs"],
                row["carry_out_wh"],
                row["wh"],
                row["is_clipped"] or (key in state and state[key].is_clipped),
                row["version"],
                row["carry_in_wh"],
            )
        return state

    def plans(self) -> pl.DataFrame:
        with self._connect() as connection:
            return connection.sql("SELECT * FROM plans ORDER BY planned_at").pl().cast(PLAN_COLUMNS)

    def last_planned(self) -> pl.DataFrame:
        """Each lot's numbers in the latest plan that held it: lot_id, rrecs, wh."""
        query = (
            "SELECT lot_id, rrecs, wh FROM plans "
            "QUALIFY row_number() OVER (PARTITION BY lot_id ORDER BY planned_at DESC) = 1"
        )
        with self._connect() as connection:
            return connection.sql(query).pl().cast({"rrecs": pl.Int64, "wh": pl.Int64})

    def record_plan(self, run_id: str, frequency: str, partition: str, lots: pl.DataFrame) -> None:
        rows = lots.select(
            pl.lit(run_id).alias("run_id"),
            pl.lit(datetime.now(UTC)).dt.cast_time_unit("us").alias("planned_at"),
            pl.lit(frequency).alias("frequency"),
            pl.lit(partition).alias("partition"),
            "lot_id",
            "change",
            "rrecs",
            "wh",
        ).cast(PLAN_COLUMNS)
        with self._connect() as connection:
            append(connection, "plans", rows)

    def issue(self, lots: pl.DataFrame, reads: pl.DataFrame, run_id: str) -> int:
        """Append lots not yet in the ledger and certify their reads, all or nothing.

        `lots` has the lot columns plus csv_name and csv_sha256; `reads` has
        source, device_id, interval_start, lot_id and wh: every read of each lot's
        window as it is now. A read certified by an earlier version of the same
        window stays with it unless its value changed; one certified by another
        window is a double certification. The lots' holds are released. Returns
        how many lots were new.
        """
        now = datetime.now(UTC)
        rows = (
            lots.with_columns(
                pl.lit("issued").alias("state"),
                pl.lit(now).dt.cast_time_unit("us").alias("issued_at"),
                pl.lit(run_id).alias("run_id"),
            )
            .select(list(ISSUED_COLUMNS))
            .cast(ISSUED_COLUMNS)
        )
        incoming = reads.select(list(READ_COLUMNS)).cast(READ_COLUMNS)
        try:
            with self._connect() as connection, transaction(connection):
                known = [
                    r[0] for r in connection.execute("SELECT lot_id FROM issued_lots").fetchall()
                ]
                new = rows.filter(~pl.col("lot_id").is_in(known))
                append(connection, "issued_lots", new)
                fresh = incoming.join(new.select("lot_id", "window_id"), on="lot_id")
                _certify(connection, fresh)
                self._release(connection, new["lot_id"].to_list())
        except duckdb.ConstraintException as error:
            raise DoubleCertification(
                f"a read is already certified by another lot: {error}"
            ) from None
        return new.height

    def plan(self, registry: RegistryTables, reads: pl.LazyFrame, settings: PlanSettings) -> Plan:
        """The plan against what this ledger holds: the windows issued (each continues its
        carry) and a running registry's imported periods (held)."""
        return make_plan(registry, reads, settings, self.issued_state(), self.imported_periods())

    def enter(self, admission: Admission, reads: pl.DataFrame, run_id: str) -> int:
        """An admission's ready lots issued with their reads (`issue`); its refused lots
        recorded as held by the checks, the considered lots' other check holds released."""
        self.record_holds(admission.holds, "check", admission.considered)
        return self.issue(admission.ready, reads, run_id)

    def certified_reads(self) -> pl.DataFrame:
        """Reads claimed by an issued lot; `certified_at` is set when the lot's mint confirms."""
        with self._connect() as connection:
            frame = connection.sql("SELECT * FROM certified_reads").pl()
        return frame.cast(CERTIFIED_READS.dtypes)


def _certify(connection: duckdb.DuckDBPyConnection, reads: pl.DataFrame) -> None:
    """Each read of the new lots to exactly one version: new reads and changed values to the
    new version; a read another window certified fails the transaction."""
    connection.register("incoming", reads.to_arrow())
    try:
        clash = connection.execute(
            "SELECT c.lot_id, i.lot_id FROM incoming i JOIN certified_reads c USING "
            "(source, device_id, interval_start) JOIN issued_lots l ON l.lot_id = c.lot_id "
            "WHERE l.window_id <> i.window_id LIMIT 1"
        ).fetchone()
        if clash is not None:
            raise duckdb.ConstraintException(f"a read of {clash[0]} is claimed by {clash[1]}")
        connection.execute(
            "DELETE FROM certified_reads c USING incoming i WHERE c.source = i.source AND "
            "c.device_id = i.device_id AND c.interval_start = i.interval_start AND "
            "c.wh IS DISTINCT FROM i.wh"
        )
        connection.execute(
            "INSERT INTO certified_reads (source, device_id, interval_start, lot_id, wh) "
            "SELECT i.source, i.device_id, i.interval_start, i.lot_id, i.wh FROM incoming i "
            "ANTI JOIN certified_reads c USING (source, device_id, interval_start)"
        )
    finally:
        connection.unregister("incoming")


def _upgrade(connection: duckdb.DuckDBPyConnection, path: str) -> None:
    """Add the columns an older ledger lacks, filled with what their absence meant (once per
    file and process: the ledger is opened for every read and write). All in one
    transaction: a kill between adding a column and filling it leaves the old ledger."""
    if path in _UPGRADED:
        return
    types = {"issued_lots": ISSUED_COLUMNS, "certified_reads": CERTIFIED_READS.dtypes}
    with transaction(connection):
        for table, columns in UPGRADES.items():
            present = {row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall()}
            for column in [name for name in columns if name not in present]:  # in order
                kind = duckdb_type(types[table][column])
                connection.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {kind}')
                connection.execute(f'UPDATE {table} SET "{column}" = {columns[column]}')
                if (table, column) in AFTER_UPGRADE:
                    connection.execute(AFTER_UPGRADE[table, column])
    _UPGRADED.add(path)
