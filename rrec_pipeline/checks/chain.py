"""Reconciliation of the mint ledger with the chain read back (Appendix B 2.1, 2.3).

Blocking: every sent or confirmed lot minted exactly once with its planned
amount, recipient and link; no mint of ours without a published file; no two
mints of one project over overlapping periods. A warning lists the published
lots still waiting for (or failing) their mint: they are retried next run.

They run in the steps of the assets they judge, on the frames just written
(`core_chain__transactions` reads the mint ledger as an input for them), as the
schema checks do.
"""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.minting.reconcile import (
    failed_mints,
    minted_once,
    mints_without_file,
    overlapping_mints,
    unminted,
)

TRANSACTIONS = tables.CHAIN_TRANSACTIONS.key
# name -> (description, what a finding is, the findings of (mints, transactions))
_RECONCILED = {
    "each_lot_minted_once": (
        "Every sent or confirmed lot is minted once, with its amount, recipient, link.",
        "lots differ from the chain",
        minted_once,
    ),
    "no_mint_without_published_file": (
        "Every mint on our contracts links to a lot we published.",
        "mints without a published file",
        mints_without_file,
    ),
    "no_overlapping_mints": (
        "No two mints of one project cover overlapping periods.",
        "overlapping mints",
        lambda _mints, transactions: overlapping_mints(transactions),
    ),
    "no_failed_mint": (
        "No lot's mint failed (refused, reverted, no contract): the run fails, so a "
        "scheduled run alerts; the lot is retried on the next run.",
        "mints failed",
        lambda mints, _transactions: failed_mints(mints),
    ),
}
RECONCILIATION_SPECS = [
    dg.AssetCheckSpec(name, asset=TRANSACTIONS, blocking=True, description=description)
    for name, (description, _, _) in _RECONCILED.items()
]
WAITING = dg.AssetCheckSpec(
    "every_published_lot_minted",
    asset=tables.LOT_MINTS.key,
    description="Published lots without a confirmed mint yet (retried on the next run).",
)


def _result(findings: list[dict], what: str, **kw) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=not findings,
        description=f"{len(findings)} {what}",
        metadata={"findings": dg.MetadataValue.json(findings[:100])},
        **kw,
    )


def reconciliation(
    mints: pl.DataFrame, transactions: pl.DataFrame
) -> Iterator[dg.AssetCheckResult]:
    """The mint ledger against the chain read back: one blocking result per rule."""
    for name, (_, what, findings) in _RECONCILED.items():
        found = findings(mints, transactions)
        yield _result(found, what, asset_key=TRANSACTIONS, check_name=name)


def every_published_lot_minted(mints: pl.DataFrame) -> dg.AssetCheckResult:
    return _result(
        unminted(mints),
        "lots wait for their mint",
        severity=dg.AssetCheckSeverity.WARN,
        asset_key=WAITING.asset_key,
        check_name=WAITING.name,
    )
