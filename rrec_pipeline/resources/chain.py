"""The chain the tokens live on, as a Dagster resource: which node, which key, which contracts.

`rpc_url` unset means the embedded chain: an anvil node started for the
duration of `connect()` with its state in `state_dir`, signing with anvil's
documented development key (account 0 of the mnemonic "test test ... junk";
public, for local chains only). Anywhere else the key must come from the
environment variable named by `key_variable` (`RREC_MINTER_PRIVATE_KEY`); it is
read when connecting and kept only inside the signing account, so it never
reaches the resource's config, logs, metadata or exceptions.

The contracts file maps token symbols to proxy addresses. On the embedded
chain a token without an address (or whose address holds no code, after the
chain's state was removed) is deployed on first use; elsewhere deployment is
explicit (`rrec deploy --token ...`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from eth_account import Account

from rrec_pipeline.resources.anvil import AnvilNode
from rrec_pipeline.resources.atomic import write_atomic
from rrec_pipeline.resources.evm import ChainError, TokenChain

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

    def addresses(self) -> dict[str, str]:
        path = Path(self.contracts_file)
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise ChainError(f"{path} is not a JSON object of token -> address: {error}") from None
        if not isinstance(data, dict):
            raise ChainError(f"{path} is not a JSON object of token -> address")
        return {str(token): str(address) for token, address in data.items() if address}

    def record_address(self, token: str, address: str) -> None:
        addresses = {**self.addresses(), token: address}
        text = json.dumps(dict(sorted(addresses.items())), indent=2) + "\n"
        write_atomic(Path(self.contracts_file), text.encode())

    def token_address(self, chain: TokenChain, token: str, name: str) -> str:
        """The token's proxy address, deploying it first on the embedded chain."""
        address = self.addresses().get(token)
        if address and chain.has_code(address):
            return address
        if not self.is_embedded:
            problem = "has no contract" if address else "has no address"
            where = f"in {self.contracts_file}"
            raise ChainError(f"token {token} {problem} {where}: run `rrec deploy --token {token}`")
        return self.deploy(chain, token, name)

    def deploy(self, chain: TokenChain, token: str, name: str) -> str:
        """Deploy the token (implementation + proxy) and record its proxy address."""
        address = chain.deploy_token(name, token)
        self.record_address(token, address)
        return address
