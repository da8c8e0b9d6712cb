"""The chain's record of the registry's contracts, read back: what the read-back asset and
`rrec audit --rpc` both use.

Each contract of the contracts file is read from its deployment block: its
`MintWithInfo` events (with each mint's sender) and ERC-20 `Transfer`s, which
`minting/onchain.py` turns into the transactions table (a transfer to the
retirement or return wallet retires or returns). For the audit the table's
rows become the record's rows (`registry/record.py`), so a record read from
the chain and one read from the registry's JSON are audited alike.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from rrec_pipeline.minting.onchain import transactions
from rrec_pipeline.registry.record import RecordRow
from rrec_pipeline.resources.chain.chain import Chain
from rrec_pipeline.resources.chain.evm import TokenChain
from rrec_pipeline.tables import CHAIN_TRANSACTIONS


def read_transactions(
    node: TokenChain,
    contracts: dict[str, dict],
    retirement: str | None = None,
    returns: str | None = None,
) -> pl.DataFrame:
    """Every token's transactions, in the `core_chain__transactions` table (contracts the
    node has no code for are left out)."""
    frames = [CHAIN_TRANSACTIONS.empty()]
    for token, entry in sorted(contracts.items()):
        address, start = entry["address"], entry["deployed_block"]
        if not node.has_code(address):
            continue
        mints = node.events(address, "MintWithInfo", from_block=start)
        for event in mints:
            event["sender"] = node.sender(event["tx_hash"])
        moves = node.events(address, "Transfer", from_block=start)
        blocks = {e["block_number"] for e in [*mints, *moves]}
        times = {block: node.block_time(block) for block in blocks}
        frames.append(
            transactions(token, mints, moves, times, retirement=retirement, returns=returns)
        )
    return pl.concat(frames)


def chain_record(rpc_url: str, contracts_file: Path) -> list[RecordRow]:
    """The contracts file's contracts read back from `rpc_url` as the record's rows; the
    retirement and return wallets are RREC_RETIREMENT_WALLET and RREC_RETURN_WALLET."""
    chain = Chain(rpc_url=rpc_url, state_dir="", contracts_file=str(contracts_file))
    retirement = os.environ.get("RREC_RETIREMENT_WALLET") or None
    returns = os.environ.get("RREC_RETURN_WALLET") or None
    frame = read_transactions(TokenChain(rpc_url), chain.contracts(), retirement, returns)
    return [
        RecordRow(
            row["token"],
            row["contract"],
            row["action"],
            row["amount"],
            row["from_address"],
            row["to_address"],
            row["block_number"],
            int(row["timestamp"].timestamp()),
            row["tx_hash"],
            row["verification_data"],
            False,
            None,
            row["log_index"],
        )
        for row in frame.filter(pl.col("action") != "burn").iter_rows(named=True)
    ]
