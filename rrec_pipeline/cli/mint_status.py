"""`rrec mint-status [--json]`: each lot's way to the chain, and the windows held back, from
the ledger.

States: planned (issued, not yet published), published, sent, confirmed,
failed; and for due windows not issued: held (with the rule and reason) or
waiting (for an earlier window of its reservation). Windows are shown in the
project's own dates: the text gives the first and last local day, the JSON
the local midnights that bound the window, with their UTC offset (end
exclusive).
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import polars as pl

from rrec_pipeline.basics.home import home_paths
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_OK
from rrec_pipeline.issuance.windows import local_midnight_utc, local_stamp
from rrec_pipeline.resources.storage.ledger import IssuanceLedger

FIELDS = (
    "reservation",
    "project",
    "window_start",
    "window_end",
    "rrecs",
    "state",
    "url",
    "tx_hash",
    "reason",
)
HEADER = f"{'reservation':<14} {'project':<14} {'window (local)':<24} {'R-RECs':>7}  state"


def status_rows(ledger: IssuanceLedger) -> list[dict]:
    mints, issued = ledger.mints(), ledger.issued_lots()
    windows = {row["lot_id"]: row for row in issued.iter_rows(named=True)}
    published = set(mints["lot_id"].to_list())
    planned = ledger.unpublished_lots()
    rows = [
        _row(windows[lot["lot_id"]], "planned", None, None, None)
        for lot in planned.filter(~pl.col("lot_id").is_in(list(published))).iter_rows(named=True)
    ]
    rows += [
        _row(windows[m["lot_id"]], m["state"], m["url"], m["tx_hash"], m["error"], m["rrecs"])
        for m in mints.iter_rows(named=True)
        if m["lot_id"] in windows
    ]
    rows += [_held_row(hold) for hold in ledger.held_lots().iter_rows(named=True)]
    return sorted(rows, key=lambda r: (r["project"], r["window_start"], r["reservation"]))


def _row(lot: dict, state: str, url, tx_hash, reason, rrecs: int | None = None) -> dict:
    return {
        "reservation": lot["reservation_id"],
        "project": lot["project_id"],
        "window_start": local_stamp(lot["window_start_utc"], lot["timezone"]),
        "window_end": local_stamp(lot["window_end_utc"], lot["timezone"]),
        "rrecs": int(lot["rrecs"] if rrecs is None else rrecs),
        "state": state,
        "url": url,
        "tx_hash": tx_hash,
        "reason": reason,
        "_days": (lot["window_first_day"], lot["window_last_day"]),
    }


def _held_row(hold: dict) -> dict:
    zone = ZoneInfo(hold["timezone"])
    start = local_midnight_utc(hold["window_start"], zone)
    end = local_midnight_utc(hold["window_end"] + timedelta(days=1), zone)
    return {
        "reservation": hold["reservation_id"],
        "project": hold["project_id"],
        "window_start": local_stamp(start, hold["timezone"]),
        "window_end": local_stamp(end, hold["timezone"]),
        "rrecs": 0,
        "state": hold["state"],
        "url": None,
        "tx_hash": None,
        "reason": f"{hold['rule']}: {hold['reason']}",
        "_days": (hold["window_start"], hold["window_end"]),
    }


def run(args: argparse.Namespace) -> int:
    ledger = IssuanceLedger(path=str(home_paths()["ledger"]))
    rows = status_rows(ledger)
    if args.json:
        print(json.dumps([{k: row[k] for k in FIELDS} for row in rows], indent=2))
        return EXIT_OK
    if not rows:
        print("no issued or held lots yet")
        return EXIT_OK
    print(HEADER)
    for row in rows:
        first, last = row["_days"]
        detail = row["tx_hash"] or escaped(row["reason"] or "")
        print(
            f"{row['reservation']:<14} {row['project']:<14} {f'{first} .. {last}':<24} "
            f"{row['rrecs']:>7}  {row['state']:<9} {detail}"
        )
    return EXIT_OK
