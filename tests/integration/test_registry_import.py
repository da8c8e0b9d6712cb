"""`rrec registry import`: a running registry's history in the ledger, and the guard after it.

A home of the integrity tests (Nairobi Solar, P-KE) whose registry already
minted January and February 2024 from its own file: after the import, `rrec
run` holds those windows naming the registry's transaction and issues March on
with the chain's carry starting at zero. The import itself is checked for
what it writes, twice, dry, from a git remote and from bad input.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta

import git
import polars as pl
import pytest

from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from tests.adoption_home import FILE, KE_TOKEN, TX, registry_history
from tests.integrity_home import WALLET_B, drop_export, month_csv, new_home, rrec

pytestmark = [pytest.mark.integration, pytest.mark.runtime(36)]


def imported(home) -> list[dict]:
    return IssuanceLedger(path=str(home / "ledger.duckdb")).imported_lots().to_dicts()


def test_imported_months_are_held_naming_the_mint_and_the_rest_issued(tmp_path) -> None:
    reservations = [("R-KE", "Acme", WALLET_B, "P-KE", "100000", "2024-01-01", "2024-12-31",
                     "monthly")]  # fmt: skip
    home = new_home(tmp_path, reservations)
    data, record = registry_history(tmp_path / "registry_repo")
    run = rrec(home, "registry", "import", "--verification-data", str(data),
               "--transactions", str(record))  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "import 1 new" in run.stdout and "add 0 projects" in run.stdout
    [lot] = imported(home)
    assert (lot["project_id"], lot["rrecs"], lot["tx_hash"]) == ("P-KE", 2, TX)
    assert json.loads((home / "contracts.json").read_text())["RREC-AKE"]["address"] == KE_TOKEN

    for month in (1, 2, 3, 4):
        drop_export(home, "P-KE", f"2024-{month:02d}.csv", month_csv("P-KE", 2024, month))
    run = rrec(home, "run", "--as-of", "2024-05-10")
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    held = ledger.held_lots().filter(ledger.held_lots()["rule"] == "guard.imported").to_dicts()
    assert sorted(h["window_start"] for h in held) == [date(2024, 1, 1), date(2024, 2, 1)]
    assert all(TX in h["reason"] and FILE in h["reason"] for h in held)
    assert f"guard.imported: overlaps the registry's mint {TX}" in run.stdout
    lots = sorted(ledger.issued_lots().to_dicts(), key=lambda row: row["window_first_day"])
    assert [lot["window_first_day"].month for lot in lots] == [3, 4]
    assert lots[0]["carry_in_wh"] == 0 and all(lot["rrecs"] > 0 for lot in lots)
    assert set(ledger.mints()["state"]) == {"confirmed"}
    sql = rrec(home, "sql", "select imported_id, rrecs, project_id from imported_lots", "--csv")
    assert sql.stdout.splitlines()[1:] == [f"{TX},2,P-KE"], sql.stdout + sql.stderr


def test_a_second_import_changes_nothing_and_a_dry_run_writes_nothing(tmp_path) -> None:
    home = new_home(tmp_path, [])
    (home / "registry" / "projects.csv").unlink()
    data, record = registry_history(tmp_path / "registry_repo")
    args = ("registry", "import", "--verification-data", str(data), "--transactions", str(record))
    dry = rrec(home, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would import 1 new" in dry.stdout and "would add 1 projects" in dry.stdout
    assert sorted(p.name for p in home.iterdir()) == ["drop", "registry", "remote.git"]
    assert rrec(home, *args).returncode == 0
    files = {
        p: p.read_bytes() for p in (home / "registry" / "projects.csv", home / "contracts.json")
    }
    before = imported(home)
    again = rrec(home, *args)
    assert "import 0 new, 0 changed; 1 unchanged" in again.stdout
    assert "add 0 projects" in again.stdout and "add no contract" in again.stdout
    assert imported(home) == before and {p: p.read_bytes() for p in files} == files
    assert "NAIROBI-SOLAR,Nairobi Solar,Kenya" in files[home / "registry" / "projects.csv"].decode()


def test_the_verification_data_can_be_a_git_remote(tmp_path) -> None:
    home = new_home(tmp_path, [])
    data, record = registry_history(tmp_path / "work")
    repo = git.Repo.init(tmp_path / "work", initial_branch="main")
    repo.index.add([str(data / FILE)])
    repo.index.commit("history")
    bare = tmp_path / "history.git"
    git.Repo.clone_from(str(tmp_path / "work"), bare, bare=True)
    shutil.rmtree(data)
    run = rrec(home, "registry", "import", "--verification-data", f"file://{bare}",
               "--transactions", str(record))  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    [lot] = imported(home)
    assert lot["file_path"] == f"verification_data/{FILE}"


@pytest.mark.parametrize(
    ("mints", "rule"),
    [
        (((TX, 2), ("0x" + "77" * 32, 2)), "record.duplicate_mint"),
        (((TX, 2.5),), "record.amount"),
    ],
)
def test_bad_history_is_a_finding_and_writes_nothing(tmp_path, mints, rule) -> None:
    home = new_home(tmp_path, [])
    data, record = registry_history(tmp_path / "registry_repo", mints)
    run = rrec(home, "registry", "import", "--verification-data", str(data),
               "--transactions", str(record))  # fmt: skip
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert rule in run.stderr and "nothing was written" in run.stdout
    assert not (home / "ledger.duckdb").exists() and not (home / "contracts.json").exists()


def test_a_missing_file_or_a_malformed_record_writes_nothing(tmp_path) -> None:
    home = new_home(tmp_path, [])
    data, record = registry_history(tmp_path / "registry_repo")
    (data / FILE).unlink()
    run = rrec(home, "registry", "import", "--verification-data", str(data),
               "--transactions", str(record))  # fmt: skip
    assert run.returncode == 1 and "record.missing_file" in run.stderr
    record.write_text('{"not": "a list"')
    run = rrec(home, "registry", "import", "--verification-data", str(data),
               "--transactions", str(record))  # fmt: skip
    assert run.returncode == 1 and "record.parse" in run.stderr and "Traceback" not in run.stderr
    assert not (home / "ledger.duckdb").exists()


def test_after_importing_the_real_registry_rrec_run_issues_nothing_it_minted(
    corpus_files, corpus_contracts, tmp_path
) -> None:
    """Funaab's file (2025-04-22 to 2025-11-10) was minted by the registry: a reservation
    over October to December 2025 holds October and November, naming that mint, and issues
    December from a carry of zero."""
    from tests.conftest import CORPUS_CHAIN, CORPUS_FILES

    home = new_home(tmp_path, [])
    run = rrec(home, "registry", "import", "--verification-data", str(CORPUS_FILES),
               "--transactions", str(CORPUS_CHAIN))  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    registry = home / "registry"
    projects = (registry / "projects.csv").read_text().splitlines()
    [row] = [n for n, line in enumerate(projects) if line.startswith("FUNAAB,Funaab,Nigeria,")]
    assert projects[row].endswith(","), "a drafted owner wallet is left for review"
    projects[row] += WALLET_B  # the operator's review
    (registry / "projects.csv").write_text("\n".join(projects) + "\n")
    with (registry / "devices.csv").open("a") as devices:
        devices.write("FUNAAB,files,funaab,,generation\n")
    (registry / "reservations.csv").write_text(
        "reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency\n"
        f"R-F,Acme,{WALLET_B},FUNAAB,100000,2025-10-01,2025-12-31,monthly\n"
    )
    site = home / "meter_drop" / "generic" / "funaab"
    site.mkdir(parents=True)
    (site / "site.json").write_text(json.dumps({"timezone": "Etc/UTC", "device_id": "f:inv"}))
    lines = ["timestamp,kWh"]
    for day in range(92):  # 2025-10-01 to 2025-12-31, hourly, stamped at each hour's end
        for hour in range(24):
            at = datetime(2025, 10, 1, tzinfo=UTC) + timedelta(days=day, hours=hour + 1)
            lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ},{'40.125' if 8 <= hour < 16 else '0'}")
    (site / "2025-q4.csv").write_text("\n".join(lines) + "\n")
    run = rrec(home, "run", "--as-of", "2026-01-10")
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    held = ledger.held_lots().filter(pl.col("rule") == "guard.imported")
    assert sorted(held["window_start"].to_list()) == [date(2025, 10, 1), date(2025, 11, 1)]
    [funaab] = [t["hash"] for c in corpus_contracts for t in c["transactions"]
                if "Funaab" in (t.get("verification_data") or "")]  # fmt: skip
    assert all(funaab in reason for reason in held["reason"])
    [lot] = ledger.issued_lots().to_dicts()
    assert (lot["window_first_day"], lot["carry_in_wh"]) == (date(2025, 12, 1), 0)
    assert lot["rrecs"] == 31 * 8 * 40125 // 10**6
