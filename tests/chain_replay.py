"""Replay a registry's transaction record onto a development node (anvil).

Each contract of the record with an address is deployed fresh (our token: the
registry's ABI) and its ownership handed to the record's minter; then every
counted row (superseded ones are left out) is sent in time order from the
record's own address through anvil's account impersonation: mints by the
minter, transfers, retirements and returns by their holder. The record at
hand is an extract (only rows that point at the extract's files are kept), so
a holder may send more than the extract gave it: its balance is then topped
up in the token's storage, which emits no event, so what the chain's logs
say is exactly what the record says.
"""

from __future__ import annotations

from decimal import Decimal

from eth_account import Account
from web3 import Web3

from rrec_pipeline.basics.amounts import TOKEN_DECIMALS
from rrec_pipeline.resources.chain.chain import DEV_KEY
from rrec_pipeline.resources.chain.evm import TokenChain

# OpenZeppelin 5 ERC20Upgradeable's namespaced storage (ERC-7201): `_balances` comes first.
BALANCES = bytes.fromhex("52c63247e1f47db19d5ce0460030c497f067ca4cebf71ba98eeadabe20bace00")
ETHER = hex(10**20)


def replay(rpc_url: str, record: list[dict]) -> dict[str, dict]:
    """Replay `record`; returns the contracts file's entries (token -> address, block)."""
    chain = TokenChain(rpc_url, Account.from_key(DEV_KEY))
    contracts, rows = {}, []
    for contract in record:
        if not contract.get("address"):
            continue  # kept by the registry without a contract on chain
        token = contract["abbreviation"]
        address, block = chain.deploy_token(contract["name"], token)
        contracts[token] = {"address": address, "deployed_block": block}
        for index, tx in enumerate(contract["transactions"]):
            if not tx.get("ignore"):
                rows.append(
                    (int(tx.get("timeStamp") or 0), int(tx["blockNumber"]), index, token, tx)
                )
    for *_, token, tx in sorted(rows, key=lambda row: row[:3]):
        _send(chain, contracts[token]["address"], tx)
    return contracts


def _send(chain: TokenChain, address: str, tx: dict) -> None:
    token = chain.token(address)
    sender = Web3.to_checksum_address(tx["from"])
    to = Web3.to_checksum_address(tx["to"])
    if tx["action"] == "mint":
        owner = token.functions.owner().call()
        if owner != sender:
            _as(chain, owner, token.functions.transferOwnership(sender))
        _as(
            chain,
            sender,
            token.functions.mint(to, int(tx["amount"]), tx.get("verification_data") or ""),
        )
        return
    value = int(Decimal(str(tx["amount"])).scaleb(TOKEN_DECIMALS))
    if value == 0:
        return
    held = token.functions.balanceOf(sender).call()
    if held < value:
        slot = Web3.keccak(bytes(12) + bytes.fromhex(sender[2:]) + BALANCES)
        chain.w3.provider.make_request(
            "anvil_setStorageAt", [address, "0x" + slot.hex().removeprefix("0x"), f"0x{value:064x}"]
        )
    _as(chain, sender, token.functions.transfer(to, value))


def _as(chain: TokenChain, sender: str, call) -> None:
    provider = chain.w3.provider
    provider.make_request("anvil_impersonateAccount", [sender])
    provider.make_request("anvil_setBalance", [sender, ETHER])
    tx_hash = call.transact({"from": sender})
    receipt = chain.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)
    provider.make_request("anvil_stopImpersonatingAccount", [sender])
    if receipt["status"] != 1:
        raise AssertionError(f"the replayed transaction from {sender} reverted")
