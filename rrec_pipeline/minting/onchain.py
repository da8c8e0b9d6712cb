"""The chain's record of the tokens, in the registry's shape: mint, transfer, retire, return.

A mint is read from its `MintWithInfo` event (amount in whole R-RECs, the
link); its ERC-20 `Transfer` from the zero address is the same mint and is not
counted twice. A transfer to the retirement wallet retires, to the return
wallet returns, to the zero address burns; anything else is a transfer.
`corpus_transactions` reads the registry's published record
(`renewvia_onchain_transactions.json`) into the same table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import TOKEN_DECIMALS
from rrec_pipeline.minting.links import parse_info
from rrec_pipeline.tables import CHAIN_TRANSACTIONS

ZERO = "0x" + "0" * 40


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.lower() == b.lower()


def action_of(to: str, retirement: str | None, returns: str | None) -> str:
    if _same(to, ZERO):
        return "burn"
    if _same(to, retirement):
        return "retire"
    if _same(to, returns):
        return "return"
    return "transfer"


def transactions(
    token: str,
    mints: list[dict],
    transfers: list[dict],
    block_times: dict[int, int],
    *,
    retirement: str | None = None,
    returns: str | None = None,
) -> pl.DataFrame:
    """Rows of one token from its events (as `TokenChain.events` returns them)."""
    rows = [_mint_row(token, event, block_times) for event in mints]
    for event in transfers:
        if _same(event["from"], ZERO):
            continue
        amount = Decimal(int(event["value"])).scaleb(-TOKEN_DECIMALS)
        rows.append(
            {
                **_common(token, event, block_times),
                "action": action_of(event["to"], retirement, returns),
                "from_address": event["from"],
                "to_address": event["to"],
                "amount": amount,
                "verification_data": None,
                "sha256": None,
                "info": None,
            }
        )
    frame = pl.DataFrame(rows, schema=CHAIN_TRANSACTIONS.dtypes, orient="row") if rows else None
    if frame is None:
        return CHAIN_TRANSACTIONS.empty()
    return CHAIN_TRANSACTIONS.validate(frame.sort("block_number", "log_index"))


def _common(token: str, event: dict, block_times: dict[int, int]) -> dict:
    return {
        "token": token,
        "contract": event["address"],
        "tx_hash": event["tx_hash"],
        "log_index": event["log_index"],
        "block_number": event["block_number"],
        "timestamp": datetime.fromtimestamp(block_times[event["block_number"]], UTC),
    }


def _mint_row(token: str, event: dict, block_times: dict[int, int]) -> dict:
    link = parse_info(event["additionalInfo"])
    return {
        **_common(token, event, block_times),
        "action": "mint",
        "from_address": event.get("sender"),
        "to_address": event["to"],
        "amount": Decimal(int(event["amount"])),
        "verification_data": link.url if link else None,
        "sha256": link.sha256 if link else None,
        "info": event["additionalInfo"],
    }


def corpus_transactions(record: list[dict]) -> pl.DataFrame:
    """The registry's record (a list of contracts with their transactions) as this table."""
    rows = []
    for contract in record:
        for index, tx in enumerate(contract.get("transactions", [])):
            if tx.get("ignore"):
                continue
            link = parse_info(tx.get("verification_data"))
            rows.append(
                {
                    "token": contract["abbreviation"],
                    "contract": contract.get("address"),
                    "tx_hash": tx.get("hash"),
                    "log_index": index,
                    "block_number": int(tx["blockNumber"]),
                    "timestamp": datetime.fromtimestamp(int(tx["timeStamp"]), UTC),
                    "action": tx["action"],
                    "from_address": tx.get("from"),
                    "to_address": tx["to"],
                    "amount": Decimal(str(tx["amount"])),
                    "verification_data": link.url if link else None,
                    "sha256": link.sha256 if link else None,
                    "info": tx.get("verification_data"),
                }
            )
    frame = pl.DataFrame(rows, schema=CHAIN_TRANSACTIONS.dtypes, orient="row")
    return CHAIN_TRANSACTIONS.validate(frame)
