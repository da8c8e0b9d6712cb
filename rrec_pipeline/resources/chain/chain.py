"""The chain the tokens live on, as a Dagster resource: which node, which key, which contracts.

`rpc_url` unset means the embedded chain: an anvil node started for the
duration of `connect()` with its state in `state_dir`, signing with anvil's
documented development key (account 0 of the mnemonic "test test ... junk";
public, for local chains only). Anywhere else the key must come from the
environment variable named by `key_variable` (`RREC_MINTER_PRIVATE_KEY`); it is
read when connecting and kept only inside the signing account, so it never
reaches the resource's config, logs, metadata or exceptions.

The contracts file maps token symbols to proxy addresses: `{"RREC-GA": "0x..."}`,
or `{"RREC-GA": {"address": "0x...", "deployed_block": 12}}` as `deploy` writes
it, so that logs are read from the deployment block on. On the embedded chain
a token without an address (or whose address holds no code, after the chain's
state was removed) is deployed on first use; elsewhere deployment is explicit
(`rrec deploy --token ...`). Before an address is used it must be the token
class's contract: `symbol()` and `name()` match and its owner is the minter.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from eth_account import Account
from web3 import Web3

from rrec_pipeline.basics.text import escaped
from rrec_pipeline.resources.chain.anvil import AnvilNode
from rrec_pipeline.resources.chain.evm import ChainError, TokenChain
from rrec_pipeline.resources.storage.atomic import write_atomic

DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


class Chain(dg.ConfigurableResource):
    rpc_url: str | None = None
    state_dir: str
    contracts_file: str
    confirmations: int = 1
    receipt_timeout_s: float = 120.0
    key_variable: str = "RREC_MINTER_PRIVATE_KEY"
    retirement_wallet: str | None = None
    return_wallet: str | None = None

    @property
    def is_embedded(self) -> bool:
        return not self.rpc_url

    @contextmanager
    def connect(self) -> Iterator[TokenChain]:
        account = self._account()
        if not self.is_embedded:
            yield TokenChain(self.rpc_url, account)
            return
        with AnvilNode(Path(self.state_dir)) as node:
            yield TokenChain(node.url, account)

    def _account(self):
        key = os.environ.get(self.key_variable)
        if not key:
            if not self.is_embedded:
                raise ChainError(f"{self.key_variable} is not set: the minter's key is needed")
            key = DEV_KEY
        try:
            return Account.from_key(key)
        except Exception:
            raise ChainError(f"{self.key_variable} is not a valid private key") from None

    def contracts(self) -> dict[str, dict]:
        """Token -> {"address", "deployed_block"} from the contracts file (block 0 if unknown)."""
        path = Path(self.contracts_file)
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise ChainError(f"{path} is not a JSON object of token -> address: {error}") from None
        if not isinstance(data, dict):
            raise ChainError(f"{path} is not a JSON object of token -> address")
        return {str(token): _entry(path, token, value) for token, value in data.items() if value}

    def addresses(self) -> dict[str, str]:
        return {token: entry["address"] for token, entry in self.contracts().items()}

    def deployed_block(self, token: str) -> int:
        return self.contracts().get(token, {}).get("deployed_block", 0)

    def record_address(self, token: str, address: str, deployed_block: int = 0) -> None:
        entry = {"address": address, "deployed_block": deployed_block}
        contracts = {**self.contracts(), token: entry}
        text = json.dumps(dict(sorted(contracts.items())), indent=2) + "\n"
        write_atomic(Path(self.contracts_file), text.encode())

    def token_address(self, chain: TokenChain, token: str, name: str) -> str:
        """The token's proxy address, deploying it first on the embedded chain; refused
        unless the contract there is this token class's and the minter owns it."""
        address = self.addresses().get(token)
        if address and chain.has_code(address):
            self.check_contract(chain, token, name, address)
            return address
        if not self.is_embedded:
            problem = "has no contract" if address else "has no address"
            where = f"in {self.contracts_file}"
            raise ChainError(f"token {token} {problem} {where}: run `rrec deploy --token {token}`")
        return self.deploy(chain, token, name)

    def check_contract(self, chain: TokenChain, token: str, name: str, address: str) -> None:
        symbol, named, owner = chain.identity(address)
        where = f"{address} ({self.contracts_file})"
        if symbol != token or named != name:
            found = f"{escaped(symbol)} ({escaped(named)})"
            raise ChainError(f"{where} is {found}, not {token} ({name}): minting refused")
        if chain.address and owner.lower() != chain.address.lower():
            raise ChainError(f"{where} is owned by {owner}, not the minter: minting refused")

    def deploy(self, chain: TokenChain, token: str, name: str) -> str:
        """Deploy the token (implementation + proxy) and record its proxy address."""
        address, block = chain.deploy_token(name, token)
        self.record_address(token, address, block)
        return address


def _entry(path: Path, token: str, value) -> dict:
    if isinstance(value, str):
        value = {"address": value}
    address = value.get("address") if isinstance(value, dict) else None
    if not isinstance(address, str) or not Web3.is_address(address):
        raise ChainError(f"{path}: {escaped(str(token))} has no valid address")
    block = value.get("deployed_block", 0)
    if not isinstance(block, int) or block < 0:
        raise ChainError(f"{path}: the deployed_block of {escaped(str(token))} is not a block")
    return {"address": address, "deployed_block": block}
