"""`rrec audit` from a record: exit codes, the JSON's shape, holders, and hostile records."""

from __future__ import annotations

import json

import pytest

from tests.adoption_home import FILE, TX, registry_history
from tests.integrity_home import WALLET_B, rrec

pytestmark = pytest.mark.integration
HOLDER = "0x" + "33" * 20
RETIREMENT = "0x" + "44" * 20


def move(action: str, amount, sender: str, to: str, block: str) -> dict:
    return {"action": action, "amount": amount, "from": sender, "to": to, "blockNumber": block,
            "hash": "0x" + block.rjust(64, "0")}  # fmt: skip


def audit(tmp_path, *more: str, **history):
    data, record = registry_history(tmp_path / "registry", **history)
    args = ("audit", "--transactions", str(record), "--verification-data", str(data), *more)
    return rrec(tmp_path, *args)


def test_a_record_whose_mints_are_their_files_audits_clean(tmp_path) -> None:
    moves = [
        move("transfer", 2, WALLET_B, HOLDER, "101"),
        move("retire", "1.5", HOLDER, RETIREMENT, "102"),
    ]
    run = audit(tmp_path, "--json", moves=moves)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["mints"] == [
        {"tx": TX, "token": "RREC-AKE", "amount": 2, "file": FILE, "supported": 2, "ok": True,
         "problems": []}
    ]  # fmt: skip
    assert result["summary"] == {"mints": 1, "with_file": 1, "match": 1, "differ": 0}
    balances = {b["holder"]: b for b in result["balances"]}
    assert balances[WALLET_B.lower()]["balance"] == 0
    assert balances[HOLDER] == {
        "token": "RREC-AKE", "holder": HOLDER, "minted": 0, "transferred_in": 2,
        "transferred_out": 0, "retired": "1.5", "returned": 0, "balance": "0.5",
    }  # fmt: skip
    assert result["balance_problems"] == [] and result["files_without_mint"] == []


def test_a_mint_beyond_its_file_and_a_holder_below_zero_are_named(tmp_path) -> None:
    moves = [move("transfer", 5, WALLET_B, HOLDER, "101")]
    run = audit(tmp_path, mints=((TX, 3),), moves=moves)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "minted 3, the file supports 2 (+1)" in run.stdout
    assert f"holder: RREC-AKE {WALLET_B.lower()} goes to -2 at block 101" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--verification-data", "."), "one of the arguments --transactions --rpc is required"),
        (("--rpc", "http://127.0.0.1:9", "--verification-data", "."), "--rpc needs --contracts"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, message) -> None:
    run = rrec(tmp_path, "audit", *args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_a_hostile_record_is_a_finding_and_its_links_are_never_opened(tmp_path) -> None:
    data, record = registry_history(tmp_path / "registry")
    contracts = json.loads(record.read_text())
    secret = tmp_path / "secret.csv"
    secret.write_text("Project Name,Secret\n")
    contracts[0]["transactions"] += [
        {"action": "mint", "amount": 1, "to": HOLDER, "blockNumber": "9",
         "hash": "0x09", "verification_data": f"file://{secret}"},
        {"action": "explode", "amount": 1, "to": HOLDER, "blockNumber": "9"},
        {"action": "mint", "amount": "NaN", "to": HOLDER, "blockNumber": "9"},
    ]  # fmt: skip
    record.write_text(json.dumps(contracts))
    run = rrec(tmp_path, "audit", "--transactions", str(record), "--verification-data", str(data))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "record.transaction" in run.stderr and "unknown action 'explode'" in run.stderr
    assert "0x09 RREC-AKE (no file): its file secret.csv is not at hand" in run.stdout
    record.write_bytes(b"\xff\xfe not json")
    run = rrec(tmp_path, "audit", "--transactions", str(record), "--verification-data", str(data))
    assert run.returncode == 2 and "record.parse" in run.stderr and "Traceback" not in run.stderr
