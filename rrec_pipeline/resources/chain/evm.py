"""One connection to an EVM chain, signing as the minter: deploy, mint, read events.

Plain web3 plumbing with the care minting needs: transactions are EIP-1559,
gas is estimated (so a revert is reported with its decoded reason before
anything is signed), nonces come from the chain's pending count, and a signed
transaction is returned *before* it is broadcast so the caller can record it
(the mint ledger's intent) and later re-broadcast the very same bytes.
The private key lives only inside the `LocalAccount`.
"""

from __future__ import annotations

import json
from functools import cache

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3.exceptions import (
    ContractCustomError,
    ContractLogicError,
    TransactionNotFound,
    Web3Exception,
)

from rrec_pipeline.basics.errors import ChainError
from rrec_pipeline.basics.home import project_root
from rrec_pipeline.minting.ports import SignedTx

__all__ = ["ChainError", "SignedTx", "TokenChain"]

PRIORITY_FEE_WEI = 1_000_000_000
RPC_TIMEOUT_S = 30
# Logs are read in block ranges: public endpoints cap `eth_getLogs` (often at a few
# thousand blocks); a refused range is halved until the node accepts it.
LOG_RANGE = 50_000
MIN_LOG_RANGE = 16


@cache
def artefact(name: str) -> dict:
    """A compiled contract from `contracts/build/` (kept in step with its source by a test)."""
    return json.loads((project_root() / "contracts" / "build" / f"{name}.json").read_text())


@cache
def _error_names() -> dict[str, str]:
    """4-byte selector (0x...) -> custom error signature, for revert reasons."""
    names = {}
    for entry in artefact("RRECToken")["abi"]:
        if entry["type"] == "error":
            signature = f"{entry['name']}({','.join(i['type'] for i in entry['inputs'])})"
            names["0x" + keccak(text=signature)[:4].hex()] = signature
    return names


def revert_reason(error: Exception) -> str:
    """The contract's own words for a revert: a custom error's name, or the require string."""
    data = getattr(error, "data", None)
    if isinstance(data, str) and data.startswith("0x") and len(data) >= 10:
        return _error_names().get(data[:10], f"custom error {data[:10]}")
    message = getattr(error, "message", None) or str(error)
    return message.split("\n")[0][:200]


class TokenChain:
    """Calls on one chain as one account; create with `connect()` of the Chain resource."""

    def __init__(self, rpc_url: str, account: LocalAccount | None = None) -> None:
        """Without an account the connection only reads (`rrec verify-mint`)."""
        self.w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": RPC_TIMEOUT_S}))
        self.account = account
        self.address = account.address if account else None

    @property
    def chain_id(self) -> int:
        return self.w3.eth.chain_id

    def block_number(self) -> int:
        return self.w3.eth.block_number

    def next_nonce(self) -> int:
        return self.w3.eth.get_transaction_count(self.address, "pending")

    def mined_nonce(self) -> int:
        return self.w3.eth.get_transaction_count(self.address, "latest")

    def has_code(self, address: str) -> bool:
        return len(self.w3.eth.get_code(Web3.to_checksum_address(address))) > 0

    def token(self, address: str):
        return self.w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=artefact("RRECToken")["abi"]
        )

    def sign(self, call, nonce: int) -> SignedTx:
        """Estimate (surfacing a revert's reason), fill EIP-1559 fees and sign; do not send."""
        try:
            gas = call.estimate_gas({"from": self.address})
        except (ContractCustomError, ContractLogicError) as error:
            raise ChainError(f"the contract refuses: {revert_reason(error)}") from None
        base = self.w3.eth.get_block("latest").get("baseFeePerGas", 0)
        tx = call.build_transaction(
            {
                "from": self.address,
                "nonce": nonce,
                "gas": gas + gas // 5,
                "maxPriorityFeePerGas": PRIORITY_FEE_WEI,
                "maxFeePerGas": 2 * base + PRIORITY_FEE_WEI,
                "chainId": self.chain_id,
            }
        )
        signed = self.account.sign_transaction(tx)
        return SignedTx(nonce, Web3.to_hex(signed.hash), bytes(signed.raw_transaction))

    def broadcast(self, signed: SignedTx) -> None:
        """Send the signed bytes; sending the same bytes twice is harmless."""
        try:
            self.w3.eth.send_raw_transaction(signed.raw)
        except (ValueError, Web3Exception) as error:
            text = str(error).lower()
            if "already known" in text or "already imported" in text:
                return
            raise ChainError(f"the node refused transaction {signed.tx_hash}: {error}") from None

    def receipt(self, tx_hash: str) -> dict | None:
        try:
            return dict(self.w3.eth.get_transaction_receipt(tx_hash))
        except TransactionNotFound:
            return None

    def is_pending(self, tx_hash: str) -> bool:
        try:
            return self.w3.eth.get_transaction(tx_hash).get("blockNumber") is None
        except TransactionNotFound:
            return False

    def send_and_wait(self, call, timeout_s: float = 120) -> dict:
        """Sign, send and wait: for deployments and administration, not for mints."""
        signed = self.sign(call, self.next_nonce())
        self.broadcast(signed)
        receipt = dict(self.w3.eth.wait_for_transaction_receipt(signed.tx_hash, timeout=timeout_s))
        if receipt["status"] != 1:
            raise ChainError(f"transaction {signed.tx_hash} reverted")
        return receipt

    def deploy_token(self, name: str, symbol: str) -> tuple[str, int]:
        """Deploy an implementation and an ERC-1967 proxy initialised to it; the proxy's
        address and the block it was deployed in (where reading its logs starts)."""
        token, proxy = artefact("RRECToken"), artefact("RRECProxy")
        implementation = self.send_and_wait(
            self.w3.eth.contract(abi=token["abi"], bytecode=token["bytecode"]).constructor()
        )["contractAddress"]
        init = self.token(implementation).encode_abi("initialize", [name, symbol, self.address])
        factory = self.w3.eth.contract(abi=proxy["abi"], bytecode=proxy["bytecode"])
        receipt = self.send_and_wait(factory.constructor(implementation, init))
        return receipt["contractAddress"], int(receipt["blockNumber"])

    def mint_call(self, address: str, to: str, amount: int, info: str):
        return self.token(address).functions.mint(Web3.to_checksum_address(to), amount, info)

    def events(self, address: str, name: str, from_block: int = 0) -> list[dict]:
        """Every `name` event of the token from `from_block` (its deployment) to the head,
        oldest first, as plain dicts; read in ranges the node accepts."""
        event = getattr(self.token(address).events, name)()
        head, found = self.block_number(), []
        start, size = from_block, LOG_RANGE
        while start <= head:
            end = min(start + size - 1, head)
            try:
                logs = event.get_logs(from_block=start, to_block=end)
            except (ValueError, Web3Exception) as error:
                if size <= MIN_LOG_RANGE:
                    raise ChainError(f"the node refuses logs of {address}: {error}") from None
                size //= 2
                continue
            found.extend(_plain(log) for log in logs)
            start = end + 1
        return found

    def identity(self, address: str) -> tuple[str, str, str]:
        """The contract's (symbol, name, owner), or ChainError when it is not a token."""
        functions = self.token(address).functions
        try:
            return functions.symbol().call(), functions.name().call(), functions.owner().call()
        except (ValueError, Web3Exception) as error:
            raise ChainError(f"{address} is not an R-REC token contract: {error}") from None

    def transaction_known(self, tx_hash: str) -> bool:
        """The node knows the transaction (pending or mined)."""
        try:
            return self.w3.eth.get_transaction(tx_hash) is not None
        except TransactionNotFound:
            return False

    def nonce_at(self, block: int) -> int:
        """The minter's transaction count as of `block`."""
        return self.w3.eth.get_transaction_count(self.address, block)

    def mints_in(self, tx_hash: str) -> list[dict]:
        """The `MintWithInfo` events of one transaction (empty when it has none)."""
        receipt = self.receipt(tx_hash)
        if receipt is None:
            return []
        topic = keccak(text="MintWithInfo(address,uint256,string)")
        found = []
        for log in receipt["logs"]:
            if log["topics"] and bytes(log["topics"][0]) == topic:
                event = self.token(log["address"]).events.MintWithInfo().process_log(log)
                found.append(_plain(event))
        return found

    def sender(self, tx_hash: str) -> str:
        return self.w3.eth.get_transaction(tx_hash)["from"]

    def block_time(self, number: int) -> int:
        return int(self.w3.eth.get_block(number)["timestamp"])


def _plain(log) -> dict:
    return {
        **dict(log["args"]),
        "event": log["event"],
        "address": log["address"],
        "block_number": int(log["blockNumber"]),
        "log_index": int(log["logIndex"]),
        "tx_hash": Web3.to_hex(log["transactionHash"]),
    }
