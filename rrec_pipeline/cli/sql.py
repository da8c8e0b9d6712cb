"""`rrec sql "QUERY" [--csv]`: ask the analysts' DuckDB database, read-only.

The database is `$RREC_HOME/rrec.duckdb` (RREC_ANALYST_DB), rebuilt by every
`rrec run`; its tables and eleven worked questions are in docs/analysts.md.
It is opened read-only with external access off and the configuration locked:
a query cannot read or write any other file (`read_csv('/etc/passwd')`,
`COPY ... TO`), attach another database (the ledger) or install or load an
extension.
"""

from __future__ import annotations

import argparse

import duckdb
import polars as pl

from rrec_pipeline.basics.home import home_paths
from rrec_pipeline.cli.exits import EXIT_OK, UsageError

LOCKED = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


def run(args: argparse.Namespace) -> int:
    path = home_paths()["analyst_db"]
    if not path.exists():
        raise UsageError(f"no database at {path}: run `rrec run` (or scripts/run) first")
    try:
        with duckdb.connect(str(path), read_only=True, config=LOCKED) as connection:
            frame = connection.sql(args.query).pl()
    except duckdb.Error as error:
        raise UsageError(str(error).split("\n")[0]) from None
    if args.csv:
        print(frame.write_csv(), end="")
    else:
        with pl.Config(tbl_rows=200, tbl_cols=30, tbl_width_chars=160, fmt_str_lengths=80):
            print(frame)
    return EXIT_OK
