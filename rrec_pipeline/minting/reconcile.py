"""The mint ledger against the chain: what must hold after every minting run.

Three rules (Appendix B 2.1 and 2.3 of the Standard): every published lot is
minted once, with its planned amount, recipient and link; no mint of ours
lacks a published file; and no two mints of one project cover overlapping
periods. Each returns findings (plain dicts) rather than raising, so a check can
show them all.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from rrec_pipeline.minting.links import parse_info
from rrec_pipeline.schemas.chain import MintState


def _mints_by_info(chain: pl.DataFrame) -> dict[str, list[dict]]:
    found = defaultdict(list)
    for row in chain.filter(pl.col("action") == "mint").iter_rows(named=True):
        found[row["info"]].append(row)
    return found


def minted_once(ledger: pl.DataFrame, chain: pl.DataFrame) -> list[dict]:
    """Confirmed or sent lots: exactly one mint with the planned amount, recipient and link."""
    found, findings = _mints_by_info(chain), []
    settled = ledger.filter(pl.col("state").is_in([MintState.CONFIRMED, MintState.SENT]))
    for lot in settled.iter_rows(named=True):
        mints = found.get(lot["info"], [])
        problem = _problem(lot, mints)
        if problem:
            findings.append(
                {"lot_id": lot["lot_id"], "tx_hash": lot["tx_hash"], "problem": problem}
            )
    return findings


def _problem(lot: dict, mints: list[dict]) -> str | None:
    if len(mints) > 1:
        return f"minted {len(mints)} times: " + ", ".join(m["tx_hash"] for m in mints)
    if not mints:
        return (
            "confirmed in the ledger but not on the chain" if lot["state"] == "confirmed" else None
        )
    mint = mints[0]
    if mint["amount"] != Decimal(lot["rrecs"]):
        return f"minted {mint['amount']:f} R-RECs, planned {lot['rrecs']}"
    if mint["to_address"].lower() != lot["recipient"].lower():
        return f"minted to {mint['to_address']}, planned {lot['recipient']}"
    return None


def unminted(ledger: pl.DataFrame) -> list[dict]:
    """Published lots still without a confirmed mint (waiting or failed): retried next run.
    A later version of a window that adds no R-REC has nothing to mint."""
    waiting = ledger.filter((pl.col("state") != MintState.CONFIRMED) & (pl.col("rrecs") > 0))
    return [
        {"lot_id": r["lot_id"], "state": r["state"], "error": r["error"]}
        for r in waiting.iter_rows(named=True)
    ]


def mints_without_file(ledger: pl.DataFrame, chain: pl.DataFrame) -> list[dict]:
    """Mints on our contracts whose link names no lot we published."""
    published = set(ledger["info"].drop_nulls())
    mints = chain.filter(pl.col("action") == "mint")
    return [
        {"tx_hash": r["tx_hash"], "token": r["token"], "info": r["info"]}
        for r in mints.iter_rows(named=True)
        if r["info"] not in published
    ]


def overlapping_mints(chain: pl.DataFrame) -> list[dict]:
    """Pairs of mints of one token and project whose files' periods overlap; the versions of
    one window (its adjustments, published in the same window folder) are one claim."""
    claims: dict[tuple, list] = defaultdict(list)
    for row in chain.filter(pl.col("action") == "mint").iter_rows(named=True):
        link = parse_info(row["info"])
        named = link.file if link else None
        if named is not None:
            claim = link.window or row["tx_hash"]
            claims[(row["token"], named.project, claim)].append(
                (named.begin, named.end, row["tx_hash"])
            )
    periods = defaultdict(list)
    for (token, project, _), versions in claims.items():
        begin = min(v[0] for v in versions)
        end = max(v[1] for v in versions)
        periods[(token, project)].append((begin, end, min(versions)[2]))
    findings = []
    for (token, project), spans in periods.items():
        spans.sort()
        reach, holder = spans[0][1], spans[0][2]
        for begin, end, tx_hash in spans[1:]:
            if begin < reach:
                findings.append(
                    {"token": token, "project": project, "tx_hashes": [holder, tx_hash]}
                )
            if end > reach:
                reach, holder = end, tx_hash
    return findings
