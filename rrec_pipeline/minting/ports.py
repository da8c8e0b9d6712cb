"""What minting needs of the outside world, as small ports the resources fill.

The workflows (`publication.py`: publish the issued lots; `minter.py`: mint each once)
are domain code: they decide what to publish, sign, recover and confirm, and touch git,
the chain and the ledger only through these protocols. `resources/publishing/publisher
.GitPublisher` is the repository, `resources/chain/evm.TokenChain` the node,
`resources/chain/chain.Chain` the deployments, `resources/storage/ledger.IssuanceLedger`
the record of both; tests can hand them any object with the same methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl


@dataclass(frozen=True)
class SignedTx:
    """A signed transaction, recorded before it is broadcast (the same bytes can be sent
    again: same nonce, so never a second mint)."""

    nonce: int
    tx_hash: str
    raw: bytes


@dataclass(frozen=True)
class Published:
    """A file committed and pushed: its path, the commit, the link pinned to that commit."""

    path: str
    commit: str
    url: str


class Repository(Protocol):
    """Where verification files are published (git, in `resources/publishing/`)."""

    def publish(
        self, files: dict[str, bytes], message: str, replace_in: set[str] | None = None
    ) -> dict[str, Published]: ...


class PublicationRecord(Protocol):
    """The ledger's side of publication: lots issued and not published, and the record."""

    def unpublished_lots(self) -> pl.DataFrame: ...
    def record_published(self, rows: pl.DataFrame) -> int: ...


class TokenNode(Protocol):
    """One connection to the chain, signing as the minter."""

    def block_number(self) -> int: ...
    def next_nonce(self) -> int: ...
    def nonce_at(self, block: int) -> int: ...
    def events(self, address: str, name: str, from_block: int = 0) -> list[dict]: ...
    def receipt(self, tx_hash: str) -> dict | None: ...
    def is_pending(self, tx_hash: str) -> bool: ...
    def transaction_known(self, tx_hash: str) -> bool: ...
    def mint_call(self, address: str, to: str, amount: int, info: str) -> Any: ...
    def sign(self, call: Any, nonce: int) -> SignedTx: ...
    def broadcast(self, signed: SignedTx) -> None: ...


class Deployments(Protocol):
    """Where each token's contract is, and how deep a mint must be to count."""

    confirmations: int
    receipt_timeout_s: float

    def contracts(self) -> dict[str, dict]: ...
    def token_address(self, chain: Any, token: str, name: str) -> str: ...


class MintRecord(Protocol):
    """The mint ledger: each lot's mint, its intent and its outcome."""

    def mints(self) -> pl.DataFrame: ...
    def window_targets(self) -> dict[str, int]: ...
    def raw_tx(self, key: str) -> bytes | None: ...
    def record_sent(
        self, key: str, contract: str, nonce: int, tx_hash: str, raw: bytes, **minted: Any
    ) -> None: ...
    def record_confirmed(
        self, key: str, tx_hash: str, block_number: int, detail: str | None = None
    ) -> None: ...
    def record_vanished(self, key: str, tx_hash: str) -> None: ...
    def record_failed(self, key: str, error: str) -> None: ...
