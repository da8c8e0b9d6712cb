"""Tables of publication and minting: the mint ledger's lots, and the chain read back."""

from __future__ import annotations

from enum import StrEnum

import pandera.polars as pa
import polars as pl

from rrec_pipeline.basics.amounts import TOKENS
from rrec_pipeline.schemas import fields

UTC = pl.Datetime(time_unit="us", time_zone="UTC")
ACTIONS = ["mint", "transfer", "retire", "return", "burn"]


class MintState(StrEnum):
    """A lot's way to the chain (see `minting/states.py` for the transitions)."""

    PLANNED = "planned"
    PUBLISHED = "published"
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"


MINT_STATES = [state.value for state in MintState]


class LotMints(pa.DataFrameModel):
    """One row per issued lot on its way to the chain: where it is published, how it is minted."""

    mint_key: str = pa.Field(
        str_length=64, description="SHA-256 of reservation, project, window and file hash"
    )
    lot_id: str = pa.Field(description="the issued lot")
    reservation_id: str = pa.Field(description="the buyer's reservation (or owner)")
    project_id: str = fields.project_id()
    window_start_utc: UTC = pa.Field(description="start of the lot's window")
    window_end_utc: UTC = pa.Field(description="end of the lot's window (exclusive)")
    rrecs: pl.Int64 = pa.Field(ge=0, description="whole R-RECs to mint")
    recipient: str = fields.recipient()
    token: str = pa.Field(nullable=True, description="R-REC token class")
    path: str = pa.Field(nullable=True, description="the CSV's path in the published repository")
    commit: str = pa.Field(nullable=True, description="the commit that holds the published CSV")
    url: str = pa.Field(nullable=True, description="commit-pinned URL of the CSV")
    sha256: str = pa.Field(nullable=True, description="SHA-256 of the published CSV's bytes")
    info: str = pa.Field(nullable=True, description="the mint's additionalInfo: url#sha256=hex")
    contract: str = pa.Field(nullable=True, description="the token's proxy address")
    state: str = pa.Field(
        isin=MINT_STATES, description="planned, published, sent, confirmed, failed"
    )
    nonce: pl.Int64 = pa.Field(nullable=True, description="the mint transaction's nonce")
    tx_hash: str = pa.Field(nullable=True, description="the mint transaction")
    block_number: pl.Int64 = pa.Field(nullable=True, description="block of the confirmed mint")
    error: str = pa.Field(nullable=True, description="why the last attempt failed")
    attempts: pl.Int64 = pa.Field(ge=0, description="mint transactions signed for this lot")
    updated_at: UTC = pa.Field(description="last change of this row")

    class Config:
        strict = True
        unique = ("mint_key",)


class LedgerMints(LotMints):
    """One row per issued lot in the ledger's mint table: the lot's mint row, plus the signed
    transaction, stored before it is broadcast (the intent a restart resends or finds)."""

    raw_tx: pl.Binary = pa.Field(nullable=True, description="the signed mint transaction")


class MintLog(pa.DataFrameModel):
    """One row per change of a lot's mint state: ops read a lot's whole history here."""

    mint_key: str = pa.Field(description="the lot's mint key")
    logged_at: UTC = pa.Field(description="when the state changed")
    state: str = pa.Field(isin=MINT_STATES, description="the state entered")
    tx_hash: str = pa.Field(nullable=True, description="the mint transaction, once signed")
    detail: str = pa.Field(nullable=True, description="why (an error, or found on the chain)")

    class Config:
        strict = True


class ChainTransactions(pa.DataFrameModel):
    """One row per token movement read back from the chain (the registry's transaction record)."""

    token: str = pa.Field(description="token class (symbol)")
    contract: str = pa.Field(nullable=True, description="the token's proxy address (null: none)")
    tx_hash: str = pa.Field(nullable=True, description="transaction hash (null: a manual record)")
    log_index: pl.Int64 = pa.Field(ge=0, description="the event's position in its block")
    block_number: pl.Int64 = pa.Field(ge=0, description="block number")
    timestamp: UTC = pa.Field(description="the block's time")
    action: str = pa.Field(isin=ACTIONS, description="mint, transfer, retire, return or burn")
    from_address: str = pa.Field(nullable=True, description="sender (for a mint: the minter)")
    to_address: str = pa.Field(description="recipient")
    amount: TOKENS = pa.Field(ge=0, description="tokens moved (whole R-RECs for a mint)")
    verification_data: str = pa.Field(nullable=True, description="a mint's commit-pinned URL")
    sha256: str = pa.Field(nullable=True, description="a mint's file hash from its link")
    info: str = pa.Field(nullable=True, description="a mint's additionalInfo as written")

    class Config:
        strict = True
        unique = ("token", "tx_hash", "log_index")
