"""The analysts' DuckDB database, rebuilt from everything else as a run's last asset."""

from pathlib import Path

import dagster as dg

from rrec_pipeline import tables
from rrec_pipeline.analysts import ANALYST_TABLES
from rrec_pipeline.resources.storage.analyst_db import AnalystDatabase
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.warehouse import Warehouse

KEY = "out_analysts__duckdb"
SOURCES = sorted(
    {t.table.key for t in ANALYST_TABLES if not (t.from_ledger or t.derived)}
    | {tables.LOT_MINTS.key, tables.CHAIN_TRANSACTIONS.key}
)


@dg.asset(
    name=KEY,
    deps=SOURCES,
    group_name="analysts",
    kinds={"duckdb"},
    description="One DuckDB file for analysts (`rrec.duckdb`): projects, reads, findings, lots, "
    "mints, on-chain transactions and credits, with column comments; swapped in whole.",
)
def out_analysts__duckdb(
    analyst_db: AnalystDatabase, warehouse: Warehouse, issuance_ledger: IssuanceLedger
) -> dg.MaterializeResult:
    counts = analyst_db.rebuild(Path(warehouse.base_dir), issuance_ledger)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(analyst_db.path), **counts})
