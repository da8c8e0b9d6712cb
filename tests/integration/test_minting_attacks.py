"""Issue 20's attacks on minting, each run as a user would (`rrec run` on anvil and bare git
remotes), each ending with every lot minted exactly once, no secret anywhere and a clear
message."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from tests.git_http import git_http_server
from tests.integration.test_issuance_integrity import monthly, ok
from tests.integrity_home import (
    WALLET_A,
    chain_mints,
    clean_env,
    months_dropped,
    new_home,
    published,
)

pytestmark = [pytest.mark.integration, pytest.mark.runtime(170)]
AS_OF = ["--as-of", "2024-03-15"]
LATER = ["--as-of", "2024-04-15"]
JANUARY = ["--as-of", "2024-02-15"]  # a home with January only
OTHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"  # anvil #1


def rrec(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    settings = {"RREC_HOME": str(home), "RREC_PUBLISH_REPO": str(home / "remote.git"), **env}
    return subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", *args],
        env={**clean_env(), **settings},
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def one_line_failure(run: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """Exit `code`, no traceback, and a message naming `words`."""
    text = run.stdout + run.stderr
    assert "Traceback" not in text and "Stack Trace" not in text, text[-3000:]
    assert run.returncode == code, text[-3000:]
    for word in words:
        assert word in text, text[-3000:]
    return text


def mints_of(home: Path) -> list[dict]:
    return IssuanceLedger(path=str(home / "ledger.duckdb")).mints().to_dicts()


@pytest.fixture(scope="module")
def minted_template(tmp_path_factory) -> Path:
    home = new_home(tmp_path_factory.mktemp("minted"), monthly("P-GA", "P-KE"))
    months_dropped(home, [(2024, 1), (2024, 2)])
    ok(rrec(home, "run", *AS_OF))
    assert len(chain_mints(home)) == 4
    return home


@pytest.fixture
def minted(minted_template, tmp_path) -> Path:
    """A private copy of a home whose January and February lots are minted (4 lots)."""
    home = tmp_path / "home"
    shutil.copytree(minted_template, home, symlinks=True)
    return home


def test_a_lost_ledger_and_a_changed_registry_value_mint_nothing_again(minted) -> None:
    before = chain_mints(minted)
    (minted / "ledger.duckdb").unlink()
    projects = minted / "registry" / "projects.csv"
    projects.write_text(projects.read_text().replace("33.75,", "33.76,"))
    run = rrec(minted, "run", *AS_OF)
    assert "0 transaction(s) sent" in ok(run)
    assert chain_mints(minted) == before, "nothing minted twice"
    assert {m["state"] for m in mints_of(minted)} == {"confirmed"}
    assert {m["tx_hash"] for m in mints_of(minted)} == {m["tx_hash"] for m in _events(minted)}


def test_a_moved_home_without_its_ledger_is_rebuilt_from_the_chain(minted, tmp_path) -> None:
    before = chain_mints(minted)
    moved = tmp_path / "elsewhere" / "home"
    shutil.move(minted, moved)
    (moved / "ledger.duckdb").unlink()
    run = rrec(moved, "ledger", "rebuild", *AS_OF)
    assert "Rebuilt: 4 lot(s) confirmed from mints already on the chain" in ok(run)
    assert chain_mints(moved) == before
    # The remote's URL changed with the move: links name the new one, mints stay the old.
    assert all(str(moved) in m["url"] for m in mints_of(moved))


def test_a_corrupt_ledger_is_one_line_and_changes_nothing(minted) -> None:
    before, files = chain_mints(minted), published(minted)
    (minted / "ledger.duckdb").write_bytes(b"not a ledger" * 100)
    run = rrec(minted, "run", *AS_OF)
    one_line_failure(run, 1, "ledger.duckdb cannot be opened", "rrec ledger rebuild")
    assert chain_mints(minted) == before and published(minted) == files
    rebuilt = rrec(minted, "ledger", "rebuild", *AS_OF)
    assert "Rebuilt: 4 lot(s)" in ok(rebuilt)
    assert chain_mints(minted) == before
    assert list(minted.glob("ledger.duckdb.replaced-*")), "the corrupt file is kept aside"


def _events(home: Path) -> list[dict]:
    from rrec_pipeline.resources.chain.chain import Chain

    chain = Chain(state_dir=str(home / "chain"), contracts_file=str(home / "contracts.json"))
    with chain.connect() as node:
        return [e for a in chain.addresses().values() for e in node.events(a, "MintWithInfo")]


@pytest.mark.parametrize(
    ("env", "code", "words"),
    [
        ({"RREC_CONFIRMATIONS": "abc"}, 2, ["RREC_CONFIRMATIONS='abc' is not a whole number"]),
        ({"RREC_PUBLISH_URL_TEMPLATE": "https://h/{path}"}, 2, ["has no {commit}"]),
        ({"RREC_PUBLISH_REPO": "git@gitlab.example:org/repo.git"}, 2, ["ssh remote"]),
        ({"RREC_PUBLISH_REPO": "{home}/missing.git"}, 2, ["no repository at", "missing.git"]),
        (
            {"RREC_PUBLISH_URL_TEMPLATE": "https://bob:pw@h/blob/{commit}/{path}"},
            2,
            ["carries user information"],
        ),
    ],
)
def test_a_bad_setting_is_refused_before_anything_runs(tmp_path, env, code, words) -> None:
    home = new_home(tmp_path, monthly("P-GA"))
    months_dropped(home, [(2024, 1)])
    env = {k: v.replace("{home}", str(home)) for k, v in env.items()}
    text = one_line_failure(rrec(home, "run", *AS_OF, **env), code, *words)
    assert "pw" not in text.replace("RREC_", "")
    assert not (home / "ledger.duckdb").exists() and not (home / "warehouse").exists()
    assert not (home / "missing.git").exists()


def test_credentials_in_the_remote_url_reach_only_the_git_server(tmp_path) -> None:
    home = new_home(tmp_path, monthly("P-GA", "P-KE"))
    months_dropped(home, [(2024, 1)])
    with git_http_server(tmp_path / "server", "alice", "s3cr3t") as (base, seen):
        remote = base.replace("http://", "http://alice:s3cr3t@") + "/pub.git"
        run = rrec(home, "run", *JANUARY, RREC_PUBLISH_REPO=remote)
        text = ok(run)
    assert any("git-receive-pack" in path for path in seen), "pushed through the server"
    mints = mints_of(home)
    assert len(mints) == 2 and {m["state"] for m in mints} == {"confirmed"}
    assert all(m["url"].startswith(f"{base}/pub/blob/") for m in mints), mints[0]["url"]
    infos = [e["additionalInfo"] for e in _events(home)]
    assert len(infos) == 2 and not any("s3cr3t" in i or "alice" in i for i in infos)
    assert "s3cr3t" not in text
    leaks = [p for p in home.rglob("*") if p.is_file() and b"s3cr3t" in p.read_bytes()]
    assert leaks == [], "the secret is in no file: ledger, DuckDB, Parquet, checkout, logs"


def test_a_contracts_file_naming_another_token_refuses_and_a_fix_mints_once(minted) -> None:
    months_dropped(minted, [(2024, 3)])
    contracts_file = minted / "contracts.json"
    contracts = json.loads(contracts_file.read_text())
    swapped = {**contracts, "RREC-GA": contracts["RREC-AKE"]}
    contracts_file.write_text(json.dumps(swapped))
    run = rrec(minted, "run", *LATER)
    text = one_line_failure(run, 1, "RREC-AKE (Kenya R-RECs), not RREC-GA", "minting refused")
    assert "Traceback" not in text
    contracts_file.write_text(json.dumps(contracts))
    by_token = {}
    for token, *_ in chain_mints(minted):
        by_token[token] = by_token.get(token, 0) + 1
    assert by_token == {"RREC-AKE": 3, "RREC-GA": 2}, "Kenya's March minted, no GA lot on KE"
    # The wallet is corrected meanwhile: the lot not yet minted goes to the new one.
    new_wallet = "0x" + "c3" * 20
    reservations = minted / "registry" / "reservations.csv"
    reservations.write_text(reservations.read_text().replace(WALLET_A, new_wallet))
    ok(rrec(minted, "run", *LATER))
    march = [m for m in chain_mints(minted) if "2024-03-01" in m[3]]
    assert sorted((m[0], m[1]) for m in march) == [
        ("RREC-AKE", "0x" + "b2" * 20),
        ("RREC-GA", new_wallet),
    ]
    assert len(chain_mints(minted)) == 6


def test_a_key_that_does_not_own_the_contracts_fails_the_run_and_names_the_lots(minted) -> None:
    months_dropped(minted, [(2024, 3)])
    run = rrec(minted, "run", *LATER, RREC_MINTER_PRIVATE_KEY=OTHER_KEY)
    text = one_line_failure(run, 1, "not the minter", "no_failed_mint")
    assert OTHER_KEY[2:] not in text
    assert len(chain_mints(minted)) == 4
    failed = [m for m in mints_of(minted) if m["state"] == "failed"]
    assert len(failed) == 2 and all("not the minter" in m["error"] for m in failed)
    ok(rrec(minted, "run", *LATER))
    assert len(chain_mints(minted)) == 6


def test_a_push_rejected_by_an_empty_remote_is_one_line_and_nothing_is_minted(tmp_path) -> None:
    home = new_home(tmp_path, monthly("P-GA"))
    months_dropped(home, [(2024, 1)])
    hook = home / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    run = rrec(home, "run", *JANUARY)
    one_line_failure(run, 1, "publication failed", "rejected")
    assert chain_mints(home) == []
    hook.unlink()
    ok(rrec(home, "run", *JANUARY))
    assert len(chain_mints(home)) == 1


@pytest.mark.parametrize(
    "query",
    [
        "select * from read_csv('/etc/passwd')",
        "copy (select 1) to '{home}/out.csv'",
        "attach '{home}/ledger.duckdb' as l",
        "install httpfs",
        "set enable_external_access = true",
    ],
)
def test_rrec_sql_reads_only_its_own_database(minted, query) -> None:
    run = rrec(minted, "sql", query.replace("{home}", str(minted)))
    one_line_failure(run, 2)
    assert not (minted / "out.csv").exists()
    assert "root:" not in run.stdout
    assert "4" in ok(rrec(minted, "sql", "select count(*) from mints"))


def test_deploy_refuses_a_class_the_standard_does_not_define(tmp_path) -> None:
    home = new_home(tmp_path, monthly("P-GA"))
    for token in ("RREC-ZZ", "RREC-AFR", "GA", "RREC-\x1b[2J"):
        one_line_failure(rrec(home, "deploy", "--token", token), 2, "not a token class")
    assert not (home / "contracts.json").exists()


def test_the_node_dies_with_the_pipeline_and_leaves_no_orphan(minted) -> None:
    """SIGKILL the whole `rrec run` while it mints: the node it started stops too."""
    months_dropped(minted, [(2024, 3)])
    env = {**clean_env(), "RREC_HOME": str(minted), "RREC_PUBLISH_REPO": str(minted / "remote.git")}
    env["RREC_FAULT_POINT"] = "minting"
    run = subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "run", *LATER],
        env=env,
        cwd=minted,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == -9
    pid = int((minted / "chain" / "node.pid").read_text().split()[0])
    _wait_gone(pid)
    ok(rrec(minted, "run", *LATER))
    assert len(chain_mints(minted)) == 6, "every lot once"


def _wait_gone(pid: int, timeout_s: float = 30) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"the node {pid} outlived the pipeline")


def test_an_unreachable_remote_is_one_line_and_nothing_is_minted(tmp_path) -> None:
    home = new_home(tmp_path, monthly("P-GA"))
    months_dropped(home, [(2024, 1)])
    dead = "http://bob:hunter2@127.0.0.1:9/pub.git"  # the discard port: nothing answers
    run = rrec(home, "run", *JANUARY, RREC_PUBLISH_REPO=dead)
    text = one_line_failure(run, 1, "publication failed", "git clone failed")
    assert "hunter2" not in text and "bob@" not in text
    assert chain_mints(home) == []


def test_a_dead_rpc_fails_the_run_in_one_line_and_keeps_the_lots_for_the_next(minted) -> None:
    months_dropped(minted, [(2024, 3)])
    dead = {"RREC_CHAIN_RPC_URL": "http://127.0.0.1:9", "RREC_MINTER_PRIVATE_KEY": OTHER_KEY}
    run = rrec(minted, "run", *LATER, **dead)
    one_line_failure(run, 1, "the chain is unreachable; nothing changed")
    assert {m["state"] for m in mints_of(minted) if "2024-03-01" in m["lot_id"]} == {"published"}
    ok(rrec(minted, "run", *LATER))
    assert len(chain_mints(minted)) == 6
