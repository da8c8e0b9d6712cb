"""The mint ledger against the chain: what must hold after every minting run.

Three rules (Appendix B 2.1 and 2.3 of the Standard): every published lot is
minted once, with its planned amount, recipient and link; no mint of ours
lacks a published file; and no two mints of one project cover overlapping
periods. A lot is matched to the chain by its transaction, and its window by
its claim (`minting/claims.py`), so a rebuilt ledger, a moved home or a new
repository URL does not break the match, and a second mint of a window does.
Each returns findings (plain dicts)
rather than raising, so a check can show them all.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import polars as pl

from rrec_pipeline.minting.links import parse_info
from rrec_pipeline.schemas.chain import MintState


def _chain_mints(chain: pl.DataFrame) -> list[dict]:
    rows = chain.filter(pl.col("action") == "mint").iter_rows(named=True)
    return [{**row, "claim": _claim(row["info"])} for row in rows]


def _claim(info: str | None) -> str | None:
    link = parse_info(info)
    return link.claim if link else None


def minted_once(ledger: pl.DataFrame, chain: pl.DataFrame) -> list[dict]:
    """Confirmed or sent lots: their own mint is on the chain with the planned amount and
    recipient, and no mint of their window (claim) is one the ledger does not know."""
    mints = _chain_mints(chain)
    by_tx = {m["tx_hash"]: m for m in mints}
    settled = ledger.filter(pl.col("state").is_in([MintState.CONFIRMED, MintState.SENT]))
    known = set(ledger["tx_hash"].drop_nulls())
    extra: dict[str, list[str]] = defaultdict(list)
    for mint in mints:
        if mint["tx_hash"] not in known and mint["claim"] is not None:
            extra[mint["claim"]].append(mint["tx_hash"])
    findings = []
    for lot in settled.iter_rows(named=True):
        problem = _problem(lot, by_tx.get(lot["tx_hash"]))
        twice = extra.pop(_claim(lot["info"]), None)
        if twice:
            problem = f"its window was minted {len(twice) + 1} times: also " + ", ".join(twice)
        if problem:
            findings.append(
                {"lot_id": lot["lot_id"], "tx_hash": lot["tx_hash"], "problem": problem}
            )
    return findings


def _problem(lot: dict, mint: dict | None) -> str | None:
    if mint is None:
        return (
            "confirmed in the ledger but not on the chain" if lot["state"] == "confirmed" else None
        )
    if _claim(mint["info"]) != _claim(lot["info"]):
        return f"its transaction {mint['tx_hash']} mints another window"
    if mint["info"] != lot["info"]:
        return None  # confirmed from an earlier mint of its window (a rebuilt ledger)
    if mint["amount"] != Decimal(lot["rrecs"]):
        return f"minted {mint['amount']:f} R-RECs, planned {lot['rrecs']}"
    if mint["to_address"].lower() != lot["recipient"].lower():
        return f"minted to {mint['to_address']}, planned {lot['recipient']}"
    return None


def failed_mints(ledger: pl.DataFrame) -> list[dict]:
    """Lots whose last mint attempt failed, with the reason."""
    failed = ledger.filter(pl.col("state") == MintState.FAILED)
    return [{"lot_id": r["lot_id"], "error": r["error"]} for r in failed.iter_rows(named=True)]


def unminted(ledger: pl.DataFrame) -> list[dict]:
    """Published lots still without a confirmed mint (waiting or failed): retried next run.
    A later version of a window that adds no R-REC has nothing to mint."""
    waiting = ledger.filter((pl.col("state") != MintState.CONFIRMED) & (pl.col("rrecs") > 0))
    return [
        {"lot_id": r["lot_id"], "state": r["state"], "error": r["error"]}
        for r in waiting.iter_rows(named=True)
    ]


def mints_without_file(ledger: pl.DataFrame, chain: pl.DataFrame) -> list[dict]:
    """Mints on our contracts that neither are a lot's transaction nor name a window (claim)
    we published."""
    known = set(ledger["tx_hash"].drop_nulls())
    claims = {_claim(info) for info in ledger["info"].drop_nulls()}
    return [
        {"tx_hash": m["tx_hash"], "token": m["token"], "info": m["info"]}
        for m in _chain_mints(chain)
        if m["tx_hash"] not in known and m["claim"] not in claims
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
