"""`rrec mint-status [--json]`: each issued lot's way to the chain, from the ledger.

States: planned (issued, not yet published), published, sent, confirmed, failed.
"""

from __future__ import annotations

import argparse
import json

import polars as pl

from rrec_pipeline.cli.exits import EXIT_OK
from rrec_pipeline.locations import home_paths
from rrec_pipeline.resources.ledger import IssuanceLedger

FIELDS = (
    "reservation",
    "project",
    "window_start",
    "window_end",
    "rrecs",
    "state",
    "url",
    "tx_hash",
)


def status_rows(ledger: IssuanceLedger) -> list[dict]:
    mints = ledger.mints()
    planned = ledger.unpublished_lots().select(
        "lot_id", "reservation_id", "project_id", "window_start_utc", "window_end_utc", "rrecs"
    )
    rows = [
        _row(lot, "planned", None, None)
        for lot in planned.filter(~pl.col("lot_id").is_in(mints["lot_id"].to_list())).iter_rows(
            named=True
        )
    ]
    rows += [_row(m, m["state"], m["url"], m["tx_hash"]) for m in mints.iter_rows(named=True)]
    return sorted(rows, key=lambda r: (r["project"], r["window_start"], r["reservation"]))


def _row(lot: dict, state: str, url: str | None, tx_hash: str | None) -> dict:
    return {
        "reservation": lot["reservation_id"],
        "project": lot["project_id"],
        "window_start": lot["window_start_utc"].isoformat(),
        "window_end": lot["window_end_utc"].isoformat(),
        "rrecs": int(lot["rrecs"]),
        "state": state,
        "url": url,
        "tx_hash": tx_hash,
    }


def run(args: argparse.Namespace) -> int:
    ledger = IssuanceLedger(path=str(home_paths()["ledger"]))
    rows = status_rows(ledger)
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        print("no issued lots yet")
    for row in rows:
        print(
            f"{row['project']:<12} {row['window_start'][:10]} .. {row['window_end'][:10]} "
            f"{row['rrecs']:>6} R-RECs  {row['state']:<9} {row['tx_hash'] or ''}"
        )
    return EXIT_OK
