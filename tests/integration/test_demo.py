"""`rrec demo`: generated inputs through every stage, a summary a newcomer can read, and a
second run that changes nothing on chain or in git and says so."""

from __future__ import annotations

import re
import subprocess
import sys

import polars as pl
import pytest

from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from tests.integration.test_rrec_run import _clean_env

pytestmark = [pytest.mark.integration, pytest.mark.runtime(17)]


def test_the_first_demo_runs_every_stage_and_ends_with_the_summary(demo_runs) -> None:
    out, err = demo_runs.first.stdout, demo_runs.first.stderr
    stages = re.findall(r"^\[(\d+)/(\d+)\] ([^:(]+)", err, re.MULTILINE)
    assert [name.strip() for _, _, name in stages] == [
        f"inputs in {demo_runs.home}",
        "meter data",
        "validation, reference tables, credits, registry",
        "issuance",
        "publication, minting, chain read back",
        "meter data",
        "issuance",
        "publication, minting, chain read back",
        "DuckDB for analysts",
    ]
    assert "late delivery: meter_drop/solaredge/sn-kaolack/2025-08.csv" in err
    assert "Traceback" not in err and "Warning" not in err
    assert "Verification files: 1 accepted, 1 quarantined" in out
    assert re.search(
        r"quarantined 'DemoKanoHospitalPV_2025-04-01[^']+': range.capacity \(line 66\)", out
    )
    tokens = dict(re.findall(r"^(RREC-\w+) +\d+ +(\d+) +\d+ +\d+$", out, re.MULTILINE))
    assert set(tokens) == {"RREC-TX", "RREC-CA", "RREC-AKE", "RREC-ASN", "RREC-ANG"}
    ledger = IssuanceLedger(path=str(demo_runs.home / "ledger.duckdb"))
    issued = ledger.issued_lots().group_by("token").agg(pl.col("rrecs").sum())
    assert {t: str(r) for t, r in issued.iter_rows()} == tokens
    assert int(tokens["RREC-ASN"]) == 1200, "the Senegal year, clipped at its reservation"
    assert int(tokens["RREC-TX"]) + int(tokens["RREC-CA"]) == 600, "US volume reached"
    assert {"AVERT-USCC", "EGRCC", "MCC"} <= set(re.findall(r"^  ([A-Z-]+) +\d+\.\d+$", out, re.M))
    assert "Held lots: 1 held, 8 waiting for an earlier window" in out
    assert (
        "  held    RES-KE-MONTHLY DEMO-KE-MG 2025-04-01 to 2025-04-30 (Africa/Nairobi): "
        "completeness.gap: device ke-turkana-gen:meter has no reads for 72.0 h from "
        "2025-04-14T00:00:00+03:00 (over 24 h, not explained)"
    ) in out
    waiting = [line for line in out.splitlines() if line.startswith("  waiting RES-KE-MONTHLY")]
    assert len(waiting) == 8
    assert all(line.endswith("waits for DEMO-KE-MG 2025-04-01 (held)") for line in waiting)
    assert "Traceback" not in out and "ERROR" not in err
    assert re.search(r"^This run: 11 lot\(s\) issued \(\d+ R-RECs\), 11 mint", out, re.M)
    assert "scripts/ui" in out and "rrec sql" in out and "duckdb -readonly" not in out
    assert "70 written, 0 already there" in demo_runs.first.stderr, "an empty home has none"
    assert all(state == "confirmed" for state in ledger.mints()["state"])


def test_the_second_demo_changes_nothing_and_says_so(demo_runs) -> None:
    out = demo_runs.second.stdout
    assert "This run: nothing new (no lot issued, no commit made, no transaction sent)." in out
    assert demo_runs.chain_after_second == demo_runs.chain_after_first
    assert demo_runs.commits_after_second == demo_runs.commits_after_first
    assert "late delivery" not in demo_runs.second.stderr
    assert "0 written, 71 already there" in demo_runs.second.stderr


def test_a_home_with_other_inputs_is_refused(tmp_path) -> None:
    home = tmp_path / "rrec"
    (home / "drop").mkdir(parents=True)
    (home / "drop" / "mine.csv").write_text("Project Name,Mine\n")
    result = subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "demo"],
        env={**_clean_env(), "RREC_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "already holds inputs that are not the demo's" in result.stderr
    assert sorted(p.name for p in home.iterdir()) == ["drop"], "nothing written"
