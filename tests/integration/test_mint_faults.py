"""Faults on the way to the chain, each ending with exactly one mint per lot and nothing lost.

Every test runs against a real anvil node and a bare git remote. The node is
driven through its own RPC (automine off, dropped pool, restarts) to put the
pipeline in the states a crash leaves behind; one test kills a real minting
process with SIGKILL while its transactions wait for receipts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import git
import polars as pl
import pytest
from eth_account import Account

from rrec_pipeline.resources.chain.anvil import SAVE_EVERY_S, AnvilNode
from rrec_pipeline.resources.chain.chain import DEV_KEY
from rrec_pipeline.resources.chain.evm import TokenChain
from rrec_pipeline.resources.publishing.publisher import GitPublisher
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from tests.minting_home import chain_defs, mint
from tests.rpc_proxy import rpc_proxy

pytestmark = [pytest.mark.integration, pytest.mark.runtime(36)]
LOTS = 6


@pytest.fixture(autouse=True)
def minter_key(monkeypatch):
    monkeypatch.setenv("RREC_MINTER_PRIVATE_KEY", DEV_KEY)


def rpc(node: AnvilNode, method: str, *params):
    return TokenChain(node.url, Account.from_key(DEV_KEY)).w3.provider.make_request(
        method, list(params)
    )


def ledger(home: Path) -> IssuanceLedger:
    return IssuanceLedger(path=str(home / "ledger.duckdb"))


TOKENS = {"RREC-GA": "Georgia R-RECs", "RREC-AKE": "Kenya R-RECs", "RREC-ASN": "Senegal R-RECs"}


def deploy_tokens(home: Path, node: AnvilNode) -> None:
    """As `rrec deploy --token ...` does on a chain that is not the embedded one."""
    resource = chain_defs(home, node.url).resources["chain"]
    if not resource.addresses():
        with resource.connect() as connected:
            for token, name in TOKENS.items():
                resource.deploy(connected, token, name)


def run(home: Path, node: AnvilNode, **chain):
    """The minting job on `node`; its tokens are deployed first."""
    if node.process is not None:
        deploy_tokens(home, node)
    return mint(chain_defs(home, node.url, **chain), dg.DagsterInstance.ephemeral(), False)


def minted_once(home: Path, node: AnvilNode) -> pl.DataFrame:
    """Assert every lot is confirmed, once on chain, and return the chain's mints."""
    mints = ledger(home).mints()
    assert mints.height == LOTS and set(mints["state"]) == {"confirmed"}, mints
    chain = TokenChain(node.url, Account.from_key(DEV_KEY))
    events = [
        e
        for address in {a for a in mints["contract"]}
        for e in chain.events(address, "MintWithInfo")
    ]
    infos = [e["additionalInfo"] for e in events]
    assert sorted(infos) == sorted(mints["info"]), "exactly one mint per lot"
    assert {e["tx_hash"] for e in events} == set(mints["tx_hash"])
    return mints


def test_killed_after_the_push_and_before_the_mint(issued, anvil) -> None:
    defs = chain_defs(issued, anvil.url)
    instance = dg.DagsterInstance.ephemeral()
    published = defs.resolve_job_def("minting_job").execute_in_process(
        instance=instance, asset_selection=[dg.AssetKey("out_chain__published_lots")]
    )
    assert published.success and set(ledger(issued).mints()["state"]) == {"published"}
    head = git.Repo(issued / "remote.git").commit("main").hexsha
    assert run(issued, anvil).success
    minted_once(issued, anvil)
    assert git.Repo(issued / "remote.git").commit("main").hexsha == head


def test_killed_between_the_push_and_the_ledger_write(issued, anvil) -> None:
    """The push landed but the ledger never heard: republishing makes no commit, same links."""
    defs = chain_defs(issued, anvil.url)
    publisher = defs.resources["publisher"]
    first = run(issued, anvil)
    assert first.success
    links = dict(ledger(issued).mints().select("lot_id", "url").iter_rows())
    head = git.Repo(issued / "remote.git").commit("main").hexsha
    # The same files once more, as a crashed run would have pushed them before recording.
    files = {p: (issued / "checkout" / p).read_bytes() for p in ledger(issued).mints()["path"]}
    assert publisher.publish(files, "again")[next(iter(files))].commit == head
    assert run(issued, anvil).success
    assert dict(ledger(issued).mints().select("lot_id", "url").iter_rows()) == links
    minted_once(issued, anvil)


def test_killed_after_sending_and_before_the_receipt(issued, anvil, tmp_path) -> None:
    """A real minting process is SIGKILLed while its signed mints wait in the pool."""
    deploy_tokens(issued, anvil)
    rpc(anvil, "evm_setAutomine", False)
    script = tmp_path / "mint.py"
    script.write_text(
        "import sys, dagster as dg\n"
        f"sys.path.insert(0, {str(Path.cwd())!r})\n"
        "from tests.integration.test_minting import chain_defs, mint\n"
        f"mint(chain_defs(__import__('pathlib').Path({str(issued)!r}), {anvil.url!r},"
        " receipt_timeout_s=600), dg.DagsterInstance.ephemeral())\n"
    )
    process = subprocess.Popen([sys.executable, str(script)], env={**os.environ})
    try:
        _wait_for(lambda: _pool_size(anvil) == LOTS, process)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        process.kill()
    states = ledger(issued).mints()["state"].to_list()
    assert states == ["sent"] * LOTS, "intent recorded before each broadcast"
    rpc(anvil, "evm_mine")
    rpc(anvil, "evm_setAutomine", True)
    assert run(issued, anvil).success
    minted_once(issued, anvil)


def test_signed_but_never_broadcast_is_sent_again_with_the_same_bytes(issued, anvil) -> None:
    deploy_tokens(issued, anvil)
    rpc(anvil, "evm_setAutomine", False)
    assert run(issued, anvil, receipt_timeout_s=0.5).success
    sent = ledger(issued).mints()
    assert set(sent["state"]) == {"sent"}
    rpc(anvil, "anvil_dropAllTransactions")  # as if the node never received them
    rpc(anvil, "evm_setAutomine", True)
    assert run(issued, anvil).success
    mints = minted_once(issued, anvil)
    assert sorted(mints["tx_hash"]) == sorted(sent["tx_hash"]), "the very same transactions"


def test_the_nonce_taken_by_another_sender(issued, anvil) -> None:
    deploy_tokens(issued, anvil)
    rpc(anvil, "evm_setAutomine", False)
    assert run(issued, anvil, receipt_timeout_s=0.5).success
    sent = ledger(issued).mints()
    rpc(anvil, "anvil_dropAllTransactions")
    # Another process with the same key uses the nonces first.
    other = TokenChain(anvil.url, Account.from_key(DEV_KEY))
    base = other.mined_nonce()
    for nonce in range(base, base + LOTS):
        tx = {
            "to": other.address,
            "value": 0,
            "gas": 21000,
            "nonce": nonce,
            "maxFeePerGas": 10**10,
            "maxPriorityFeePerGas": 10**9,
            "chainId": other.chain_id,
        }
        other.w3.eth.send_raw_transaction(other.account.sign_transaction(tx).raw_transaction)
    rpc(anvil, "evm_mine")
    rpc(anvil, "evm_setAutomine", True)
    assert run(issued, anvil).success
    mints = minted_once(issued, anvil)
    assert set(mints["tx_hash"]).isdisjoint(sent["tx_hash"]), "signed again with fresh nonces"
    assert (mints["nonce"] >= base + LOTS).all()


def test_the_node_down_then_back(issued, tmp_path) -> None:
    with AnvilNode(tmp_path / "node") as node:
        deploy_tokens(issued, node)
        port = node.port
    down = AnvilNode(tmp_path / "node", port=port)  # not started: nothing listens there
    result = run(issued, down)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert "unreachable" in failure.step_failure_data.error.message
    assert set(ledger(issued).mints()["state"]) == {"published"}, "nothing sent, nothing lost"
    with AnvilNode(tmp_path / "node", port=port) as back:
        assert run(issued, back).success
        minted_once(issued, back)


def test_the_push_rejected_then_accepted(issued, anvil) -> None:
    hook = issued / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'closed for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    refused = run(issued, anvil)
    assert not refused.success
    assert ledger(issued).mints().is_empty(), "nothing published, nothing minted"
    hook.unlink()
    # Meanwhile someone else published to the remote: ours is rebased, never forced.
    other = GitPublisher(repository=str(issued / "remote.git"), checkout=str(issued / "other"))
    theirs = other.publish({"README.md": b"verification data\n"}, "theirs")["README.md"].commit
    assert run(issued, anvil).success
    minted_once(issued, anvil)
    history = [c.hexsha for c in git.Repo(issued / "remote.git").iter_commits("main")]
    assert theirs in history


def test_the_node_restarts_from_its_saved_state(issued, tmp_path) -> None:
    with AnvilNode(tmp_path / "node") as node:
        assert run(issued, node).success
        before = minted_once(issued, node)
        port = node.port
    with AnvilNode(tmp_path / "node", port=port) as node:
        assert run(issued, node).success
        after = minted_once(issued, node)
    assert after.select("tx_hash", "block_number").equals(before.select("tx_hash", "block_number"))


def _pool_size(node: AnvilNode) -> int:
    status = rpc(node, "txpool_status")["result"]
    return int(status["pending"], 16) + int(status["queued"], 16)


def _wait_for(condition, process, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "the minting process ended before it was killed"
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_an_rpc_that_caps_log_ranges_is_read_in_ranges_it_accepts(issued, anvil) -> None:
    deploy_tokens(issued, anvil)
    # The contracts' history spans 300 blocks, three times the cap. (Not 3,000: the node keeps
    # every block's state, and mining 3,000 took over 30 s on a loaded CI machine.)
    rpc(anvil, "anvil_mine", hex(300))
    with rpc_proxy(anvil.url, max_log_range=100) as (url, proxy):
        defs = chain_defs(issued, url)
        instance = dg.DagsterInstance.ephemeral()
        assert mint(defs, instance).success
        assert proxy.refused_log_ranges > 0, "the cap was hit, and ranges were narrowed"
        minted_once(issued, anvil)
        head = TokenChain(anvil.url).block_number()
        assert mint(defs, instance).success
        assert TokenChain(anvil.url).block_number() == head, "the second run sends nothing"


def test_a_lagging_node_without_receipts_never_gets_a_mint_signed_twice(issued, anvil) -> None:
    """A load-balanced endpoint: its backends lag 3 blocks behind, drop receipts and answer
    nonces from the freshest one ("no receipt, nonce used" for a mint that landed)."""
    deploy_tokens(issued, anvil)
    rpc(anvil, "anvil_mine", hex(5))  # the contracts are older than the lag
    with rpc_proxy(anvil.url, lag=3) as (url, _):
        for _attempt in range(2):
            mint(
                chain_defs(issued, url, receipt_timeout_s=1), dg.DagsterInstance.ephemeral(), False
            )
            assert len(_mint_events(issued, anvil)) == LOTS, "never a second signature"
    states = ledger(issued).mints()["state"].to_list()
    assert "sent" in states, "the hidden newest mints wait for the node to show them"
    rpc(anvil, "anvil_mine", hex(5))
    assert run(issued, anvil).success
    minted_once(issued, anvil)


def test_the_node_killed_while_minting_then_every_lot_is_minted_once(issued, tmp_path) -> None:
    node = AnvilNode(tmp_path / "node")
    node.start()
    try:
        deploy_tokens(issued, node)
        time.sleep(SAVE_EVERY_S + 1)  # the deployment is in the node's saved state
        rpc(node, "evm_setAutomine", False)
        assert run(issued, node, receipt_timeout_s=0.5).success
        assert set(ledger(issued).mints()["state"]) == {"sent"}
        node.kill()  # SIGKILL with the mints in its pool: they are gone
    finally:
        node.stop()
    port = node.port
    saved = (tmp_path / "node" / "state.json").read_bytes()
    with AnvilNode(tmp_path / "node", port=port) as back:
        assert run(issued, back).success
        confirmed = minted_once(issued, back)
        back.kill()  # SIGKILL again, before it saved the blocks holding the mints:
    (tmp_path / "node" / "state.json").write_bytes(saved)  # its last save was before them
    with AnvilNode(tmp_path / "node", port=port) as again:
        assert run(issued, again).success
        final = minted_once(issued, again)
        events = _mint_events(issued, again)
    assert len(final) == LOTS and set(final["state"]) == {"confirmed"}
    log = ledger(issued).mint_log()
    assert log.filter(log["detail"].str.contains("not on the chain")).height == LOTS
    # Minted again from the same nonces (the chain forgot them too), so the very same
    # transactions may come back: what counts is one mint per lot on the chain.
    assert len(events) == LOTS
    assert set(confirmed["lot_id"]) == set(final["lot_id"])


def _mint_events(home: Path, node: AnvilNode) -> list[dict]:
    chain = TokenChain(node.url)
    addresses = chain_defs(home, node.url).resources["chain"].addresses().values()
    return [e for address in addresses for e in chain.events(address, "MintWithInfo")]
