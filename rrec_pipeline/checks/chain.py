"""Reconciliation of the mint ledger with the chain read back (Appendix B 2.1, 2.3).

Blocking: every sent or confirmed lot minted exactly once with its planned
amount, recipient and link; no mint of ours without a published file; no two
mints of one project over overlapping periods. A warning lists the published
lots still waiting for (or failing) their mint: they are retried next run.
"""

from __future__ import annotations

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

LEDGER_IN = {"mints": dg.AssetIn(tables.LOT_MINTS.key)}


def _result(findings: list[dict], what: str, **kw) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=not findings,
        description=f"{len(findings)} {what}",
        metadata={"findings": dg.MetadataValue.json(findings[:100])},
        **kw,
    )


@dg.asset_check(
    asset=tables.CHAIN_TRANSACTIONS.key,
    blocking=True,
    additional_ins=LEDGER_IN,
    description="Every sent or confirmed lot is minted once, with its amount, recipient, link.",
)
def each_lot_minted_once(
    core_chain__transactions: pl.DataFrame, mints: pl.DataFrame
) -> dg.AssetCheckResult:
    return _result(minted_once(mints, core_chain__transactions), "lots differ from the chain")


@dg.asset_check(
    asset=tables.CHAIN_TRANSACTIONS.key,
    blocking=True,
    additional_ins=LEDGER_IN,
    description="Every mint on our contracts links to a lot we published.",
)
def no_mint_without_published_file(
    core_chain__transactions: pl.DataFrame, mints: pl.DataFrame
) -> dg.AssetCheckResult:
    found = mints_without_file(mints, core_chain__transactions)
    return _result(found, "mints without a published file")


@dg.asset_check(
    asset=tables.CHAIN_TRANSACTIONS.key,
    blocking=True,
    description="No two mints of one project cover overlapping periods.",
)
def no_overlapping_mints(core_chain__transactions: pl.DataFrame) -> dg.AssetCheckResult:
    return _result(overlapping_mints(core_chain__transactions), "overlapping mints")


@dg.asset_check(
    asset=tables.CHAIN_TRANSACTIONS.key,
    blocking=True,
    additional_ins=LEDGER_IN,
    description="No lot's mint failed (refused, reverted, no contract): the run fails, so a "
    "scheduled run alerts; the lot is retried on the next run.",
)
def no_failed_mint(
    core_chain__transactions: pl.DataFrame, mints: pl.DataFrame
) -> dg.AssetCheckResult:
    return _result(failed_mints(mints), "mints failed")


@dg.asset_check(
    asset=tables.LOT_MINTS.key,
    description="Published lots without a confirmed mint yet (retried on the next run).",
)
def every_published_lot_minted(out_chain__mints: pl.DataFrame) -> dg.AssetCheckResult:
    waiting = unminted(out_chain__mints)
    return _result(waiting, "lots wait for their mint", severity=dg.AssetCheckSeverity.WARN)


def chain_checks() -> list:
    return [
        each_lot_minted_once,
        no_mint_without_published_file,
        no_overlapping_mints,
        every_published_lot_minted,
        no_failed_mint,
    ]
