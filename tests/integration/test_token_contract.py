"""The token contract on a real node (anvil): the registry's ABI and every guard it promises."""

from __future__ import annotations

import subprocess

import pytest
from eth_account import Account
from web3 import Web3

from rrec_pipeline.basics.home import project_root
from rrec_pipeline.resources.chain.chain import DEV_KEY
from rrec_pipeline.resources.chain.evm import ChainError, TokenChain, artefact

pytestmark = pytest.mark.integration
# anvil's documented development account 1 (of the public test mnemonic).
ALICE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
ONE = 10**18


@pytest.fixture
def owner(anvil) -> TokenChain:
    return TokenChain(anvil.url, Account.from_key(DEV_KEY))


@pytest.fixture
def token(owner):
    return owner.token(owner.deploy_token("Kenya R-RECs", "RREC-AKE")[0])


def as_user(anvil, key: str) -> TokenChain:
    return TokenChain(anvil.url, Account.from_key(key))


def test_compiled_artefacts_match_the_solidity_sources() -> None:
    result = subprocess.run(
        ["node", "build.mjs", "--check"],
        cwd=project_root() / "contracts",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_abi_is_the_registrys_mint_with_info() -> None:
    abi = {e.get("name"): e for e in artefact("RRECToken")["abi"]}
    assert [i["type"] for i in abi["mint"]["inputs"]] == ["address", "uint256", "string"]
    event = abi["MintWithInfo"]
    assert [(i["name"], i["type"], i["indexed"]) for i in event["inputs"]] == [
        ("to", "address", True),
        ("amount", "uint256", False),
        ("additionalInfo", "string", False),
    ]


def test_deployed_through_a_proxy_it_mints_whole_rrecs_with_info(owner, token, anvil) -> None:
    alice = Account.from_key(ALICE_KEY).address
    owner.send_and_wait(token.functions.mint(alice, 7, "https://x/blob/c/f.csv#sha256=ab"))
    assert token.functions.balanceOf(alice).call() == 7 * ONE
    assert token.functions.symbol().call() == "RREC-AKE"
    [event] = owner.events(token.address, "MintWithInfo")
    assert (event["to"], event["amount"], event["additionalInfo"]) == (
        alice,
        7,
        "https://x/blob/c/f.csv#sha256=ab",
    )
    slot = int("360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc", 16)
    implementation = owner.w3.eth.get_storage_at(token.address, slot)[-20:]
    assert owner.has_code(Web3.to_checksum_address(implementation)), "ERC-1967 implementation"


@pytest.mark.parametrize(
    ("to", "amount", "reason"),
    [
        (None, 0, "ZeroAmount()"),
        ("0x" + "0" * 40, 1, "ZeroRecipient()"),
        (None, 2**256 // 10**18 + 1, "AmountTooLarge(uint256)"),
    ],
)
def test_mint_refuses_zero_amounts_zero_recipients_and_overflow(owner, token, to, amount, reason):
    recipient = to or Account.from_key(ALICE_KEY).address
    with pytest.raises(ChainError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        owner.sign(token.functions.mint(recipient, amount, "info"), owner.next_nonce())


def test_only_the_owner_mints_pauses_blacklists_and_upgrades(owner, token, anvil) -> None:
    alice = as_user(anvil, ALICE_KEY)
    mine = alice.token(token.address)
    for call in (
        mine.functions.mint(alice.address, 1, "x"),
        mine.functions.pause(),
        mine.functions.addToBlacklist(owner.address),
        mine.functions.upgradeToAndCall(token.address, b""),
    ):
        with pytest.raises(ChainError, match="OwnableUnauthorizedAccount"):
            alice.sign(call, alice.next_nonce())


def test_pause_blocks_transfers_until_unpaused(owner, token, anvil) -> None:
    alice = as_user(anvil, ALICE_KEY)
    owner.send_and_wait(token.functions.mint(alice.address, 2, "x"))
    owner.send_and_wait(token.functions.pause())
    transfer = alice.token(token.address).functions.transfer(owner.address, ONE)
    with pytest.raises(ChainError, match="EnforcedPause"):
        alice.sign(transfer, alice.next_nonce())
    owner.send_and_wait(token.functions.unpause())
    alice.send_and_wait(transfer)
    assert token.functions.balanceOf(owner.address).call() == ONE


def test_blacklist_blocks_mint_and_transfer_both_ways(owner, token, anvil) -> None:
    alice = as_user(anvil, ALICE_KEY)
    owner.send_and_wait(token.functions.mint(alice.address, 2, "x"))
    owner.send_and_wait(token.functions.addToBlacklist(alice.address))
    assert token.functions.isBlacklisted(alice.address).call()
    with pytest.raises(ChainError, match="BlacklistedAccount"):
        owner.sign(token.functions.mint(alice.address, 1, "x"), owner.next_nonce())
    with pytest.raises(ChainError, match="BlacklistedAccount"):
        alice.sign(alice.token(token.address).functions.transfer(owner.address, 1), 0)
    owner.send_and_wait(token.functions.removeFromBlacklist(alice.address))
    alice.send_and_wait(alice.token(token.address).functions.transfer(owner.address, 1))


def test_an_upgrade_keeps_balances(owner, token) -> None:
    owner.send_and_wait(token.functions.mint(owner.address, 5, "x"))
    factory = owner.w3.eth.contract(
        abi=artefact("RRECToken")["abi"], bytecode=artefact("RRECToken")["bytecode"]
    )
    new_implementation = owner.send_and_wait(factory.constructor())["contractAddress"]
    owner.send_and_wait(token.functions.upgradeToAndCall(new_implementation, b""))
    deployed, upgraded = owner.events(token.address, "Upgraded")
    assert upgraded["implementation"] == new_implementation != deployed["implementation"]
    assert token.functions.balanceOf(owner.address).call() == 5 * ONE
    assert token.functions.totalSupply().call() == 5 * ONE


def test_permit_sets_an_allowance_from_a_signature(owner, token, anvil) -> None:
    holder = Account.from_key(ALICE_KEY)
    spender = owner.address
    deadline = 2**63
    nonce = token.functions.nonces(holder.address).call()
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Permit": [
                {"name": "owner", "type": "address"},
                {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
        },
        "primaryType": "Permit",
        "domain": {
            "name": "Kenya R-RECs",
            "version": "1",
            "chainId": owner.chain_id,
            "verifyingContract": token.address,
        },
        "message": {
            "owner": holder.address,
            "spender": spender,
            "value": 3 * ONE,
            "nonce": nonce,
            "deadline": deadline,
        },
    }
    signed = Account.sign_typed_data(holder.key, full_message=typed)
    owner.send_and_wait(
        token.functions.permit(
            holder.address,
            spender,
            3 * ONE,
            deadline,
            signed.v,
            signed.r.to_bytes(32, "big"),
            signed.s.to_bytes(32, "big"),
        )
    )
    assert token.functions.allowance(holder.address, spender).call() == 3 * ONE
