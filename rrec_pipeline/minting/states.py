"""A lot's way to the chain, and the one key that makes its mint happen once.

planned -> published -> sent -> confirmed, or failed (retried on the next run).
`sent` is written with the signed transaction *before* it is broadcast: the
intent. Whatever happens next, the ledger holds the exact bytes and hash, so a
restart can look the transaction up, re-broadcast the same bytes (same nonce:
it can never mint twice) or, once the chain shows the nonce used by something
else and no mint of ours, sign again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rrec_pipeline.schemas.chain import MINT_STATES, MintState

__all__ = ["FROM_CHAIN", "MINT_STATES", "MintState", "Seen", "Step", "mint_key", "next_step"]

FROM_CHAIN = "found on the chain"  # mint_log detail of a lot confirmed from an earlier mint


def mint_key(
    reservation_id: str, project_id: str, start: datetime, end: datetime, sha256: str
) -> str:
    """The idempotency key: reservation, project, window and the exact bytes published."""
    text = "|".join([reservation_id, project_id, start.isoformat(), end.isoformat(), sha256])
    return hashlib.sha256(text.encode()).hexdigest()


class Step(StrEnum):
    CONFIRM = "confirm"  # a receipt (ours or another tx carrying our link) is deep enough
    WAIT = "wait"  # mined or pending, not deep enough yet
    REBROADCAST = "rebroadcast"  # our nonce is still free: send the same bytes again
    SIGN_AGAIN = "sign-again"  # our nonce went to another transaction and no mint is ours
    FAIL = "fail"  # our transaction reverted


@dataclass(frozen=True)
class Seen:
    """What the chain says about one sent mint."""

    receipt_status: int | None  # 1 ok, 0 reverted, None no receipt
    depth: int  # confirmations of the receipt (0 without one)
    event_found: bool  # a MintWithInfo with our link exists
    pending: bool  # our transaction is in the node's pool
    nonce_used: bool  # the account's mined nonce is past ours


def next_step(seen: Seen, confirmations: int) -> Step:
    """What to do with a `sent` mint, from what the chain shows (the recovery rule)."""
    if seen.event_found or seen.receipt_status == 1:
        return Step.CONFIRM if seen.depth >= confirmations else Step.WAIT
    if seen.receipt_status == 0:
        return Step.FAIL
    if seen.pending:
        return Step.WAIT
    return Step.SIGN_AGAIN if seen.nonce_used else Step.REBROADCAST
