"""`rrec ledger rebuild [--as-of YYYY-MM-DD]`: a ledger rebuilt after a loss or corruption.

The ledger file (if any) is moved aside, kept as `ledger.duckdb.replaced-<UTC time>`,
and the pipeline runs as `rrec run` does. Issuance re-plans every window from the
meter data in the warehouse; publication writes each lot's files to its window
folder (no commit when the bytes are unchanged); and the minter, which recognises
a lot on the chain by its window folder, confirms every window the chain already
holds from the chain's own mint, with its transaction and block, and mints only
what a window lacks. A run with the ledger simply missing does the same: this
command adds the moving aside and a count of what came back from the chain.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from rrec_pipeline.basics.home import home_paths
from rrec_pipeline.cli import run as run_command
from rrec_pipeline.minting.states import FROM_CHAIN
from rrec_pipeline.resources.storage.ledger import IssuanceLedger


def run(args: argparse.Namespace) -> int:
    ledger = home_paths()["ledger"]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (ledger, ledger.with_name(ledger.name + ".wal")):
        if path.exists():
            aside = path.with_name(f"{path.name}.replaced-{stamp}")
            path.rename(aside)
            print(f"rrec ledger rebuild: {path} moved aside to {aside}")
    code = run_command.run(args)
    log = IssuanceLedger(path=str(ledger)).mint_log()
    recovered = log.filter(log["detail"].str.starts_with(FROM_CHAIN)).height if log.height else 0
    print(f"\nRebuilt: {recovered} lot(s) confirmed from mints already on the chain.")
    return code
