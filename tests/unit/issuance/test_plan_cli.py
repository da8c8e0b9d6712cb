"""`rrec plan --json`: the lot and held-back shapes, exact decimal strings, exit codes."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from rrec_pipeline.cli import main
from tests.issuance_scenario import (
    OWNER,
    WALLET_A,
    WALLET_B,
    hourly_reads,
    write_registry,
    year_reservations,
)

READS = hourly_reads()


def run(capsys, *args) -> tuple[int, dict | str, str]:
    try:
        code = main(["plan", *args])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except json.JSONDecodeError:
        return code, out, err


@pytest.fixture
def reads_file(tmp_path):
    path = tmp_path / "reads.parquet"
    READS.write_parquet(path)
    return path


def test_lots_have_exactly_the_documented_keys_and_formats(tmp_path, capsys, reads_file):
    registry = write_registry(tmp_path / "registry", year_reservations("monthly"))
    code, plan, _ = run(
        capsys,
        "--registry",
        str(registry),
        "--reads",
        str(reads_file),
        "--as-of",
        "2025-02-01",
        "--json",
    )
    assert code == 0 and plan["held_back"] == []
    lot = next(
        item
        for item in plan["lots"]
        if item["project"] == "P-GA" and item["window_start"].startswith("2024-03")
    )
    assert set(lot) == {
        "reservation",
        "project",
        "window_start",
        "window_end",
        "mwh",
        "rrecs",
        "version",
        "carry_mwh",
        "token",
        "recipient",
    }
    assert (lot["window_start"], lot["window_end"]) == (
        "2024-03-01T00:00:00-05:00",
        "2024-04-01T00:00:00-04:00",
    )
    assert re.fullmatch(r"\d+\.\d{6}", lot["mwh"]) and re.fullmatch(r"\d+\.\d{6}", lot["carry_mwh"])
    assert isinstance(lot["rrecs"], int)
    assert (lot["token"], lot["recipient"], lot["reservation"]) == ("RREC-GA", WALLET_A, "R1")
    germany = next(item for item in plan["lots"] if item["project"] == "P-DE")
    assert germany["token"] is None, "no R-REC token class outside the US and Africa"


def test_held_back_entries_have_kind_ids_reason_and_exit_1(tmp_path, capsys, reads_file):
    reservations = [
        *year_reservations("monthly"),
        ("R2", "Other", WALLET_B, "P-KE", "5", "2024-03-01", "2024-03-31", "daily"),
    ]
    registry = write_registry(tmp_path / "registry", reservations)
    code, plan, _ = run(
        capsys,
        "--registry",
        str(registry),
        "--reads",
        str(reads_file),
        "--as-of",
        "2025-02-01",
        "--json",
    )
    assert code == 1
    assert plan["held_back"] == [
        {
            "kind": "overlapping_reservation",
            "ids": ["R1", "R2", "P-KE"],
            "reason": "reservations R1 and R2 both claim project P-KE from 2024-03-01 to "
            "2024-03-31; neither is planned there until resolved",
        }
    ]


def test_a_hive_folder_of_reads_and_a_separate_reservations_file(tmp_path, capsys):
    folder = tmp_path / "warehouse" / "core_meter__reads"
    for (day,), part in READS.group_by(pl.col("interval_start").dt.date()):
        target = folder / "source=files" / f"date={day}" / "part.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        part.write_parquet(target)
    registry = write_registry(tmp_path / "registry", [])
    reservations = tmp_path / "buyers.csv"
    write_registry(tmp_path / "other", year_reservations("quarterly"))
    reservations.write_text((tmp_path / "other" / "reservations.csv").read_text())
    code, plan, _ = run(
        capsys,
        "--registry",
        str(registry),
        "--reservations",
        str(reservations),
        "--reads",
        str(folder),
        "--as-of",
        "2025-02-01",
        "--json",
    )
    assert code == 0 and len(plan["lots"]) == 4 * 4


@pytest.mark.parametrize(
    "args",
    [
        ["--registry", "/no/such/dir", "--reads", "x.parquet"],
        ["--registry", ".", "--reads", "/no/such/reads.parquet"],
        ["--registry", ".", "--reads", "x", "--as-of", "2025-13-01"],
        ["--registry", ".", "--reads", "x", "--policy", "whatever"],
    ],
)
def test_usage_errors_exit_2(args, capsys):
    code, _, err = run(capsys, *args)
    assert code == 2 and err.strip()


def test_owner_frequency_issues_unreserved_energy_to_the_owner(tmp_path, capsys, reads_file):
    half = [("R1", "Acme", WALLET_A, "P-GA", "1000", "2024-01-01", "2024-06-30", "monthly")]
    registry = write_registry(tmp_path / "registry", half)
    args = ["--registry", str(registry), "--reads", str(reads_file), "--as-of", "2025-02-01"]
    _, off, _ = run(capsys, *args, "--json")
    code, on, _ = run(capsys, *args, "--owner-frequency", "yearly", "--json")
    # The owner's 2023 holds the few hours of reads before 2024 and no evidence for the rest.
    assert code == 1
    held = {(h["kind"], h["ids"][1], h["ids"][2][:10]) for h in on["held_back"]}
    gaps = {("completeness.gap", p, "2023-01-01") for p in ("P-GA", "P-KE", "P-SN", "P-DE")}
    # Unreserved all year, their 2024 is the same owner stretch: it waits for 2023.
    waiting = {("issuance.waiting", p, "2024-01-01") for p in ("P-KE", "P-SN", "P-DE")}
    assert held == gaps | waiting
    assert {lot["reservation"] for lot in off["lots"]} == {"R1"}
    owner = [lot for lot in on["lots"] if lot["reservation"] != "R1"]
    assert {lot["recipient"] for lot in owner} == {OWNER}
    assert {lot["project"] for lot in owner} == {"P-GA"}, "the others wait for their 2023"
    bad, _, err = run(capsys, *args, "--owner-frequency", "hourly")
    assert bad == 2 and "invalid choice" in err
