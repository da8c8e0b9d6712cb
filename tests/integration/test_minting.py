"""Publication and minting end to end: a bare git remote, a real node, exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import git
import polars as pl
import pytest
from dagster._serdes import serialize_value
from eth_account import Account
from web3 import Web3

from rrec_pipeline.cli import main
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.tokens import token_name
from rrec_pipeline.resources.chain.chain import DEV_KEY
from rrec_pipeline.resources.chain.evm import TokenChain
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from tests.minting_home import chain_defs, mint

pytestmark = [pytest.mark.integration, pytest.mark.runtime(17)]


def test_every_issued_lot_is_published_and_minted_once_and_a_second_run_sends_nothing(issued):
    """On the embedded chain: the resource starts anvil, deploys the tokens, stops it."""
    home, instance = issued, dg.DagsterInstance.ephemeral()
    defs = chain_defs(home)
    result = mint(defs, instance)
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert all(checks.values()) and len(checks) == 6, checks
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    mints = ledger.mints()
    assert mints.height == 6 and set(mints["state"]) == {"confirmed"}
    lots = ledger.issued_lots().filter(pl.col("rrecs") > 0, pl.col("token").is_not_null())
    assert ledger.lots_without_token() == ["R1__P-DE__2024-01-01", "R1__P-DE__2024-02-01"]
    assert sorted(mints["lot_id"]) == sorted(lots["lot_id"])
    assert dict(mints.select("lot_id", "rrecs").iter_rows()) == dict(
        lots.select("lot_id", "rrecs").iter_rows()
    )
    head = git.Repo(home / "remote.git").commit("main").hexsha
    assert set(mints["commit"]) == {head}
    assert all(
        info.endswith("#sha256=" + sha) for info, sha in mints.select("info", "sha256").iter_rows()
    )
    certified = ledger.certified_reads()
    minted = certified.filter(pl.col("lot_id").is_in(mints["lot_id"].to_list()))
    assert minted.height > 0 and minted["certified_at"].null_count() == 0
    assert (
        certified.filter(~pl.col("lot_id").is_in(mints["lot_id"].to_list()))["certified_at"]
        .is_null()
        .all()
    ), "reads of unminted lots are claimed, not certified"

    again = mint(chain_defs(home), instance)
    assert again.success
    assert ledger.mints().select("tx_hash").equals(mints.select("tx_hash"))
    transactions = pl.read_parquet(home / "warehouse" / "core_chain__transactions" / "part.parquet")
    assert transactions.filter(pl.col("action") == "mint").height == 6, "one mint per lot, still"
    assert git.Repo(home / "remote.git").commit("main").hexsha == head, "no new commit"


def _tokens_deployed(home: Path, url: str) -> None:
    resource = chain_defs(home, url).resources["chain"]
    with resource.connect() as node:
        for token in ("RREC-GA", "RREC-AKE", "RREC-ASN"):
            resource.deploy(node, token, token_name(token, load_reference()))


@pytest.fixture
def minted_on_anvil(issued, anvil, monkeypatch):
    monkeypatch.setenv("RREC_MINTER_PRIVATE_KEY", DEV_KEY)
    monkeypatch.setenv("RREC_HOME", str(issued))
    _tokens_deployed(issued, anvil.url)
    instance = dg.DagsterInstance.ephemeral()
    result = mint(chain_defs(issued, anvil.url), instance)
    assert result.success
    return issued, anvil, instance, result


def test_mint_status_lists_each_lot_with_its_state_link_and_transaction(
    minted_on_anvil, capsys
) -> None:
    home, *_ = minted_on_anvil
    assert main(["mint-status", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 6 and {r["state"] for r in rows} == {"confirmed"}
    assert set(rows[0]) == {
        "reservation",
        "project",
        "window_start",
        "window_end",
        "rrecs",
        "state",
        "url",
        "tx_hash",
        "reason",
    }
    assert all(r["url"].startswith((home / "remote.git").as_uri()) for r in rows)


def test_verify_mint_accepts_every_mint_the_pipeline_made(minted_on_anvil, capsys) -> None:
    home, anvil, *_ = minted_on_anvil
    for tx_hash in IssuanceLedger(path=str(home / "ledger.duckdb")).mints()["tx_hash"]:
        code = main(
            ["verify-mint", tx_hash, "--rpc", anvil.url, "--repo", str(home / "remote.git")]
        )
        assert code == 0, capsys.readouterr().out


def test_verify_mint_rejects_a_wrong_amount_and_a_wrong_file(minted_on_anvil, capsys) -> None:
    home, anvil, *_ = minted_on_anvil
    row = IssuanceLedger(path=str(home / "ledger.duckdb")).mints().row(0, named=True)
    owner = TokenChain(anvil.url, Account.from_key(DEV_KEY))
    token = owner.token(row["contract"])
    too_many = owner.send_and_wait(
        token.functions.mint(
            Web3.to_checksum_address(row["recipient"]), row["rrecs"] + 1, row["info"]
        )
    )
    other_bytes = row["url"] + "#sha256=" + "ab" * 32
    wrong_file = owner.send_and_wait(
        token.functions.mint(Web3.to_checksum_address(row["recipient"]), row["rrecs"], other_bytes)
    )
    capsys.readouterr()
    remote = str(home / "remote.git")
    tx = Web3.to_hex(too_many["transactionHash"])
    assert main(["verify-mint", tx, "--rpc", anvil.url, "--repo", remote]) == 1
    # The forged mint reuses the published link: with the genuine mint before it, the
    # window holds 2N + 1 R-RECs against the N its file supports.
    n = row["rrecs"]
    said = capsys.readouterr().out
    assert (
        f"minted {2 * n + 1} R-RECs ({n + 1} by this mint), the data supports {n} (+{n + 1})"
        in said
    )
    tx = Web3.to_hex(wrong_file["transactionHash"])
    assert main(["verify-mint", tx, "--rpc", anvil.url, "--repo", remote]) == 1
    assert "SHA-256" in capsys.readouterr().out
    assert main(["verify-mint", "0x" + "00" * 32, "--rpc", anvil.url]) == 2


def test_the_key_never_reaches_the_event_log_metadata_or_output(minted_on_anvil, capfd) -> None:
    _, _, instance, result = minted_on_anvil
    secret = DEV_KEY.removeprefix("0x")
    records = instance.all_logs(result.run_id)
    assert records, "the run's event log was read"
    assert all(secret not in serialize_value(record).lower() for record in records)
    assert secret not in capfd.readouterr().err.lower()


def test_an_invalid_key_fails_without_echoing_it(issued, anvil, monkeypatch) -> None:
    bad = "0x" + "12" * 31 + "zz"
    monkeypatch.setenv("RREC_MINTER_PRIVATE_KEY", bad)
    instance = dg.DagsterInstance.ephemeral()
    result = mint(chain_defs(issued, anvil.url), instance, raise_on_error=False)
    assert not result.success
    text = "".join(serialize_value(r) for r in instance.all_logs(result.run_id))
    assert "RREC_MINTER_PRIVATE_KEY is not a valid private key" in text
    assert "12121212" not in text


OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"  # anvil #1


def test_verify_mint_refuses_a_lookalike_contract_and_a_second_mint_of_a_link(
    minted_on_anvil, capsys
) -> None:
    home, anvil, *_ = minted_on_anvil
    row = IssuanceLedger(path=str(home / "ledger.duckdb")).mints().row(0, named=True)
    remote = str(home / "remote.git")
    # Anyone can deploy a token with the same name and mint with a genuine link.
    stranger = TokenChain(anvil.url, Account.from_key(OTHER_KEY))
    lookalike = stranger.token(stranger.deploy_token("Georgia R-RECs", "RREC-GA")[0])
    recipient = Web3.to_checksum_address(row["recipient"])
    forged = stranger.send_and_wait(lookalike.functions.mint(recipient, row["rrecs"], row["info"]))
    capsys.readouterr()
    tx = Web3.to_hex(forged["transactionHash"])
    assert main(["verify-mint", tx, "--rpc", anvil.url, "--repo", remote]) == 1
    assert "is not the registry's contract for any token class" in capsys.readouterr().out
    # The minter's key mints the same link again, to another wallet.
    owner = TokenChain(anvil.url, Account.from_key(DEV_KEY))
    thief = "0x" + "dd" * 20
    token = owner.token(row["contract"])
    owner.send_and_wait(
        token.functions.mint(Web3.to_checksum_address(thief), row["rrecs"], row["info"])
    )
    capsys.readouterr()
    args = ["verify-mint", row["tx_hash"], "--rpc", anvil.url, "--repo", remote, "--json"]
    assert main(args) == 1
    [verdict] = json.loads(capsys.readouterr().out)
    problems = " ".join(verdict["problems"])
    assert "the same file is minted again by" in problems
    assert f"minted to {thief}" in problems and verdict["ok"] is False


def test_verify_mint_escapes_what_the_chain_says(minted_on_anvil, capsys) -> None:
    home, anvil, *_ = minted_on_anvil
    row = IssuanceLedger(path=str(home / "ledger.duckdb")).mints().row(0, named=True)
    owner = TokenChain(anvil.url, Account.from_key(DEV_KEY))
    hostile = "https://h/blob/" + "0" * 40 + "/x\x1b[2J\x07.csv#sha256=" + "ab" * 32
    receipt = owner.send_and_wait(
        owner.token(row["contract"]).functions.mint(
            Web3.to_checksum_address(row["recipient"]), 1, hostile
        )
    )
    capsys.readouterr()
    tx = Web3.to_hex(receipt["transactionHash"])
    assert main(["verify-mint", tx, "--rpc", anvil.url]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out
