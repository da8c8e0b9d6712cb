"""Mint every published lot exactly once, recovering whatever a crash left behind.

The protocol (the rules are `minting/states.py` and `minting/claims.py`):
1. Reconcile before sending anything: every `MintWithInfo` of our contracts,
   read from each contract's deployment block, is tallied by claim (the lot's
   window folder). A version whose window the chain already holds is confirmed
   from the chain, never sent again, whatever the ledger said or lost. The
   chain is the truth the other way too: a mint the ledger holds as confirmed
   that the chain no longer has (an embedded node killed before it saved its
   last blocks) is minted again.
2. Lots left `sent` are recovered: confirmed, waited for, re-broadcast with
   the very same signed bytes, or signed again only once the chain shows, at
   the confirmation depth, our nonce used by another transaction, our own
   transaction unknown, and no mint of the window.
3. Lots `published` or `failed` are signed for what their window still lacks
   on the chain, to the reservation's current recipient (the gas estimate
   surfaces a revert's reason), recorded as `sent` with the signed bytes, then
   broadcast.
4. Receipts are awaited to the configured depth; what is not deep enough in
   time stays `sent` for the next run.

The ledger, the node and the deployments are ports (`ports.py`); the caller holds the
one-minting-run-per-ledger lock (`IssuanceLedger.minting`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rrec_pipeline.basics import faults
from rrec_pipeline.basics.errors import ChainError
from rrec_pipeline.basics.wallets import wallet_problem
from rrec_pipeline.minting.claims import Claims, claims_from, to_mint
from rrec_pipeline.minting.ports import Deployments, MintRecord, SignedTx, TokenNode
from rrec_pipeline.minting.states import FROM_CHAIN, MintState, Seen, Step, next_step

POLL_S = 0.2


@dataclass
class MintReport:
    confirmed: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    recovered: list[str] = field(default_factory=list)
    excess: dict[str, str] = field(default_factory=dict)


class Minter:
    def __init__(
        self,
        ledger: MintRecord,
        chain: Deployments,
        node: TokenNode,
        names: dict[str, str | None],
        recipients: dict[str, str] | None = None,
    ) -> None:
        """`names`: token -> its name, None for a symbol that is no token class;
        `recipients`: reservation -> its wallet now (a corrected wallet applies to every
        lot not yet minted)."""
        self.ledger, self.chain, self.node, self.names = ledger, chain, node, names
        self.recipients = recipients or {}
        self.report = MintReport()
        self.addresses: dict[str, str] = {}
        self.claims = Claims()
        self.targets: dict[str, int] = {}

    def run(self) -> MintReport:
        """Every published lot minted once, or reported waiting or failed with its reason."""
        # A later version of a window that adds nothing is published, never minted.
        minting = [r for r in self.ledger.mints().iter_rows(named=True) if r["rrecs"] > 0]
        self.targets = self.ledger.window_targets()
        self._resolve_contracts({r["token"] for r in minting if r["token"]})
        self._read_chain()
        rows = [r for r in minting if r["state"] != "confirmed" or self._vanished(r)]
        pending = []
        for row in rows:
            if self._settle_from_chain(row):
                continue
            if row["state"] == MintState.SENT:
                pending.extend(self._recover(row))
            else:
                pending.extend(self._send(row))
        self._await(pending)
        return self.report

    def _resolve_contracts(self, tokens: set[str]) -> None:
        for token in sorted(tokens):
            name = self.names.get(token, token)
            if name is None:
                self.report.failed[token] = f"{token} is not a token class of the Standard"
                continue
            try:
                self.addresses[token] = self.chain.token_address(self.node, token, name)
            except ChainError as error:
                self.report.failed[token] = str(error)

    def _read_chain(self) -> None:
        """Every mint of the contracts we mint on, from each one's deployment block."""
        blocks = {
            entry["address"].lower(): entry["deployed_block"]
            for entry in self.chain.contracts().values()
        }
        events = []
        for address in self.addresses.values():
            start = blocks.get(address.lower(), 0)
            events.extend(self.node.events(address, "MintWithInfo", from_block=start))
        self.claims = claims_from(events)

    def _on_chain(self, row: dict) -> int:
        address = self.addresses.get(row["token"] or "")
        return self.claims.total(address, row["path"]) if address else 0

    def _target(self, row: dict) -> int:
        return self.targets.get(row["lot_id"], row["rrecs"])

    def _vanished(self, row: dict) -> bool:
        """A confirmed mint neither the chain's mints of its window nor its transaction's
        receipt show."""
        if row["token"] not in self.addresses or self._on_chain(row) >= self._target(row):
            return False
        if row["tx_hash"] and self.node.receipt(row["tx_hash"]) is not None:
            return False
        self.ledger.record_vanished(row["mint_key"], row["tx_hash"] or "")
        row["state"] = MintState.PUBLISHED.value
        return True

    def _depth(self, block: int) -> int:
        return self.node.block_number() - block + 1

    def _settle_from_chain(self, row: dict) -> bool:
        """The window already holds this version on the chain: confirm it from there."""
        address = self.addresses.get(row["token"] or "")
        on_chain = self._on_chain(row)
        if address is None or on_chain < self._target(row):
            return False
        event = self.claims.last(address, row["path"])
        if event["block_number"] is None or (
            self._depth(event["block_number"]) < self.chain.confirmations
        ):
            self.report.waiting.append(row["lot_id"])
            return True
        if on_chain > self._target(row):
            self.report.excess[row["lot_id"]] = (
                f"the chain holds {on_chain} R-RECs for its window, its file states "
                f"{self._target(row)}"
            )
        detail = f"{FROM_CHAIN}: {event['tx_hash']}, block {event['block_number']}"
        self.ledger.record_confirmed(
            row["mint_key"], event["tx_hash"], event["block_number"], detail
        )
        self.report.recovered.append(row["lot_id"])
        return True

    def _recover(self, row: dict) -> list[tuple[dict, SignedTx]]:
        receipt = self.node.receipt(row["tx_hash"])
        seen = Seen(
            receipt_status=None if receipt is None else int(receipt["status"]),
            depth=0 if receipt is None else self._depth(int(receipt["blockNumber"])),
            event_found=False,  # a mint of the window is settled before recovery
            pending=receipt is None and self.node.is_pending(row["tx_hash"]),
            nonce_used=receipt is None and self._nonce_taken(row),
        )
        step = next_step(seen, self.chain.confirmations)
        signed = SignedTx(row["nonce"], row["tx_hash"], self.ledger.raw_tx(row["mint_key"]) or b"")
        if step is Step.FAIL:
            self.ledger.record_failed(row["mint_key"], "the mint transaction reverted")
            self.report.failed[row["lot_id"]] = "reverted"
            return []
        if step is Step.SIGN_AGAIN:
            return self._send(row)
        if step is Step.REBROADCAST and not self._broadcast(row, signed):
            return []
        self.report.recovered.append(row["lot_id"])
        return [(row, signed)]

    def _nonce_taken(self, row: dict) -> bool:
        """Our nonce is used, at the confirmation depth, by a transaction that is not ours:
        only then may the lot be signed again (a lagging or load-balanced node that has
        lost our receipt still knows our transaction, or shows the nonce free)."""
        depth_block = self.node.block_number() - self.chain.confirmations + 1
        if depth_block < 0 or self.node.nonce_at(depth_block) <= (row["nonce"] or 0):
            return False
        return not self.node.transaction_known(row["tx_hash"])

    def _send(self, row: dict) -> list[tuple[dict, SignedTx]]:
        address = self.addresses.get(row["token"] or "")
        if address is None:
            reason = self.report.failed.get(row["token"] or "", "the lot has no token class")
            return self._fail(row, reason)
        recipient = self.recipients.get(row["reservation_id"], row["recipient"])
        amount = to_mint(self._target(row), self._on_chain(row))
        problem = wallet_problem(recipient)
        if problem:
            return self._fail(row, f"recipient {problem}")
        try:
            call = self.node.mint_call(address, recipient, amount, row["info"])
            signed = self.node.sign(call, self.node.next_nonce())
        except ChainError as error:
            return self._fail(row, str(error))
        self.ledger.record_sent(
            row["mint_key"],
            address,
            signed.nonce,
            signed.tx_hash,
            signed.raw,
            recipient=recipient,
            rrecs=amount,
        )
        self.claims.add(
            {
                "address": address,
                "amount": amount,
                "additionalInfo": row["info"],
                "tx_hash": signed.tx_hash,
                "block_number": None,
            }
        )
        if not self._broadcast(row, signed):
            return []
        faults.reached("minting")
        self.report.sent.append(row["lot_id"])
        return [(row, signed)]

    def _broadcast(self, row: dict, signed: SignedTx) -> bool:
        """Send; a refusal leaves the lot `sent` (recovered next run) and is reported."""
        try:
            self.node.broadcast(signed)
        except ChainError as error:
            self.report.failed[row["lot_id"]] = str(error)
            return False
        return True

    def _fail(self, row: dict, reason: str) -> list:
        self.ledger.record_failed(row["mint_key"], reason)
        self.report.failed[row["lot_id"]] = reason
        return []

    def _await(self, pending: list[tuple[dict, SignedTx]]) -> None:
        deadline = time.monotonic() + self.chain.receipt_timeout_s
        while pending and time.monotonic() < deadline:
            still = []
            for row, signed in pending:
                receipt = self.node.receipt(signed.tx_hash)
                if (
                    receipt is None
                    or self._depth(int(receipt["blockNumber"])) < self.chain.confirmations
                ):
                    still.append((row, signed))
                elif int(receipt["status"]) != 1:
                    self._fail(row, "the mint transaction reverted")
                else:
                    self.ledger.record_confirmed(
                        row["mint_key"], signed.tx_hash, int(receipt["blockNumber"])
                    )
                    self.report.confirmed.append(row["lot_id"])
            pending = still
            if pending:
                time.sleep(POLL_S)
        self.report.waiting.extend(row["lot_id"] for row, _ in pending)
