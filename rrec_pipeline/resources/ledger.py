"""The issuance ledger: a DuckDB file that is only ever appended to, in transactions.

It is the guard against double counting (Appendix B 2.1): every issued lot
with its window, and per meter read the lot that certified it, so a read can
be certified once only (its key is the table's primary key: a second insert
fails the whole transaction). It is never rebuilt from other tables. Each
planning run's plan is recorded too, with what changed against the ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from rrec_pipeline.issuance.lots import Issued
from rrec_pipeline.resources.duck import append, connect, transaction
from rrec_pipeline.resources.mint_ledger import MINT_DDL, MintLedgerMixin
from rrec_pipeline.tables import ISSUANCE_PLANS, ISSUED_LOTS, duckdb_columns

ISSUED_COLUMNS = ISSUED_LOTS.dtypes
READ_COLUMNS = {
    "source": pl.String,
    "device_id": pl.String,
    "interval_start": pl.Datetime("us", "UTC"),
    "lot_id": pl.String,
}
PLAN_COLUMNS = ISSUANCE_PLANS.dtypes
DDL = (
    f"CREATE TABLE IF NOT EXISTS issued_lots ({duckdb_columns(ISSUED_COLUMNS)}, "
    "PRIMARY KEY (lot_id))",
    f"CREATE TABLE IF NOT EXISTS certified_reads ({duckdb_columns(READ_COLUMNS)}, "
    "PRIMARY KEY (source, device_id, interval_start))",
    f"CREATE TABLE IF NOT EXISTS plans ({duckdb_columns(PLAN_COLUMNS)})",
)


class DoubleCertification(RuntimeError):
    """A read already certified by another lot: nothing of this issue was recorded."""


class IssuanceLedger(MintLedgerMixin, dg.ConfigurableResource):
    """The ledger file; its mint-ledger half is `MintLedgerMixin`."""

    path: str

    def _connect(self) -> duckdb.DuckDBPyConnection:
        connection = connect(Path(self.path))
        for statement in (*DDL, *MINT_DDL):
            connection.execute(statement)
        return connection

    def issued_lots(self) -> pl.DataFrame:
        with self._connect() as connection:
            frame = connection.sql("SELECT * FROM issued_lots ORDER BY lot_id").pl()
        return frame.cast(ISSUED_COLUMNS)

    def issued_state(self) -> dict[tuple[str, str, str], Issued]:
        """(reservation, project, first day) -> what that window issued: the plan continues."""
        lots = self.issued_lots()
        return {
            (row["reservation_id"], row["project_id"], row["window_first_day"].isoformat()): Issued(
                row["rrecs"], row["carry_out_wh"], row["wh"], row["is_clipped"]
            )
            for row in lots.iter_rows(named=True)
        }

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
        source, device_id, interval_start and lot_id. Returns how many lots were new.
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
        certified = reads.select(list(READ_COLUMNS)).cast(READ_COLUMNS)
        try:
            with self._connect() as connection, transaction(connection):
                known = [
                    r[0] for r in connection.execute("SELECT lot_id FROM issued_lots").fetchall()
                ]
                new = rows.filter(~pl.col("lot_id").is_in(known))
                append(connection, "issued_lots", new)
                append(
                    connection, "certified_reads", certified.filter(~pl.col("lot_id").is_in(known))
                )
        except duckdb.ConstraintException as error:
            raise DoubleCertification(
                f"a read is already certified by another lot: {error}"
            ) from None
        return new.height

    def certified_reads(self) -> pl.DataFrame:
        """Reads claimed by an issued lot; `certified_at` is set when the lot's mint confirms."""
        with self._connect() as connection:
            frame = connection.sql("SELECT * FROM certified_reads").pl()
        return frame.cast({**READ_COLUMNS, "certified_at": pl.Datetime("us", "UTC")})
