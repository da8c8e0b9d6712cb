"""Issuance in Dagster: lots per period, files that validate, the ledger, a second run no-op."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.lot_folder import LotFolder
from tests.issuance_scenario import (
    OWNER,
    PROJECTS,
    WALLET_A,
    hourly_reads,
    local_year_wh,
    write_registry,
    year_reservations,
)

pytestmark = [pytest.mark.integration, pytest.mark.runtime(45)]
READS = hourly_reads()
CONFIG = {"as_of": "2025-02-01"}


def home_with_reads(tmp_path: Path, frequency: str) -> Path:
    write_registry(tmp_path / "registry", year_reservations(frequency))
    (tmp_path / "drop").mkdir()
    folder = tmp_path / "warehouse" / "core_meter__reads" / "source=files"
    for (day,), part in READS.group_by(pl.col("interval_start").dt.date()):
        target = folder / f"date={day}" / "part.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        part.write_parquet(target)
    return tmp_path


def issue(defs, instance, frequency: str, key: str):
    job = defs.resolve_job_def(f"issuance_{frequency}_job")
    ops = {f"out_issuance__{frequency}_{name}": {"config": CONFIG} for name in ("lots", "issued")}
    return job.execute_in_process(
        instance=instance, partition_key=key, run_config={"ops": ops}, raise_on_error=False
    )


def test_a_year_of_monthly_lots_is_issued_once(tmp_path) -> None:
    home = home_with_reads(tmp_path, "monthly")
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    for month in range(1, 13):
        result = issue(defs, instance, "monthly", f"2024-{month:02d}-01")
        assert result.success
        checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
        assert checks["no_double_counting"] and checks["lot_files_validate"]
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    lots = ledger.issued_lots()
    assert lots.height == 4 * 12
    by_project = defaultdict(int)
    for project, rrecs in lots.select("project_id", "rrecs").iter_rows():
        by_project[project] += rrecs
    assert dict(by_project) == {p: local_year_wh(READS, p) // 10**6 for p in PROJECTS}
    certified = ledger.certified_reads()
    assert certified.height == certified.unique(["source", "device_id", "interval_start"]).height
    lot_csvs = [
        p for p in (home / "lots" / "monthly").glob("*/*.csv") if p.name != "irec_request.csv"
    ]
    assert len(lot_csvs) == 48

    again = issue(defs, instance, "monthly", "2024-03-01")
    assert again.success
    [issued] = [
        e
        for e in again.get_asset_materialization_events()
        if "issued" in e.asset_key.to_user_string()
    ]
    assert issued.materialization.metadata["issued_lots"].value == 0, "a second run issues nothing"
    assert ledger.issued_lots().height == 48


def local_month_wh(reads: pl.DataFrame, project_id: str, month: int) -> int:
    zone = PROJECTS[project_id][7]
    local = pl.col("interval_start").dt.convert_time_zone(zone)
    mine = reads.filter(pl.col("site_id") == project_id.lower())
    return int(mine.filter((local.dt.year() == 2024) & (local.dt.month() == month))["wh"].sum())


def metadata_of(result, name: str) -> dict:
    [event] = [
        e for e in result.get_asset_materialization_events() if e.asset_key.path[-1].endswith(name)
    ]
    return {key: value.value for key, value in event.materialization.metadata.items()}


def add_wh_on(home: Path, day: str, wh: int) -> None:
    """A corrected read arrives: one more hour's Wh on `day` for every project's device."""
    part = home / "warehouse" / "core_meter__reads" / "source=files" / f"date={day}"
    part = part / "part.parquet"
    reads = pl.read_parquet(part)
    first = reads.group_by("device_id").agg(pl.all().first()).select(reads.columns)
    bumped = first.with_columns(pl.col("wh") + wh)
    kept = reads.join(first, on=["device_id", "interval_start"], how="anti")
    pl.concat([kept, bumped]).write_parquet(part)


def test_approval_gate_holds_lots_and_a_changed_plan_is_issued_with_its_new_numbers(
    tmp_path,
) -> None:
    home = home_with_reads(tmp_path, "monthly")
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    job = defs.resolve_job_def("issuance_monthly_job")
    config = {**CONFIG, "require_approval": True}
    ops = {f"out_issuance__monthly_{name}": {"config": config} for name in ("lots", "issued")}

    def run(tags=None):
        result = job.execute_in_process(
            instance=instance, partition_key="2024-01-01", run_config={"ops": ops}, tags=tags
        )
        return metadata_of(result, "monthly_lots"), metadata_of(result, "monthly_issued")

    planned, issued = run()
    assert planned["changes"] == {"new": 4} and issued["issued_lots"] == 0
    assert len(issued["held"]) == 4
    assert {why.split(":")[0] for why in issued["held"].values()} == {"approval.required"}

    add_wh_on(home, "2024-01-15", 200_000)
    first, *rest = sorted(issued["held"])
    (home / "registry" / "approvals.csv").write_text(f"lot_id\n{first}\n")
    planned, issued = run()
    assert planned["changes"] == {"changed": 4}, "each project has 200 kWh more than the last plan"
    assert issued["issued_lots"] == 1 and sorted(issued["held"]) == rest

    planned, issued = run(tags={"rrec/approved": "true"})
    assert planned["changes"] == {"new": 3}, "the issued lot is done; the rest as last planned"
    assert issued["issued_lots"] == 3
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    january = dict(ledger.issued_lots().select("project_id", "wh").iter_rows())
    reads = pl.read_parquet(home / "warehouse" / "core_meter__reads" / "**" / "*.parquet")
    assert january == {p: local_month_wh(reads, p, 1) for p in PROJECTS}
    assert january == {p: local_month_wh(READS, p, 1) + 200_000 for p in PROJECTS}


def test_the_owner_policy_issues_unreserved_months_to_the_owner(tmp_path) -> None:
    half = [
        (
            "R1",
            "Acme",
            WALLET_A,
            ";".join(PROJECTS),
            "100000",
            "2024-01-01",
            "2024-06-30",
            "monthly",
        )
    ]
    home = home_with_reads(tmp_path, "monthly")
    write_registry(home / "registry", half)
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    job = defs.resolve_job_def("issuance_monthly_job")
    config = {**CONFIG, "owner_frequency": "monthly"}
    ops = {f"out_issuance__monthly_{name}": {"config": config} for name in ("lots", "issued")}
    result = job.execute_in_process(
        instance=instance, partition_key="2024-07-01", run_config={"ops": ops}
    )
    assert result.success
    lots = IssuanceLedger(path=str(home / "ledger.duckdb")).issued_lots()
    assert set(lots["recipient"]) == {OWNER} and lots.height == len(PROJECTS)
    assert set(lots["reservation_id"]) == {f"owner-{p}-2024-07-01" for p in PROJECTS}


def test_issuance_on_a_postgres_instance_reads_back_its_runs_and_checks(
    tmp_path, postgres_db
) -> None:
    home = home_with_reads(tmp_path, "monthly")
    defs = build_defs(home=home)
    overrides = {"storage": {"postgres": {"postgres_db": postgres_db}}}
    (tmp_path / "dagster_home").mkdir()
    with dg.instance_for_test(overrides=overrides, temp_dir=str(tmp_path / "dagster_home")) as pg:
        assert type(pg.run_storage).__name__ == "PostgresRunStorage"
        assert defs.resolve_job_def("rrec_main").execute_in_process(instance=pg).success
        result = issue(defs, pg, "monthly", "2024-01-01")
        assert result.success
    again = dg.DagsterInstance.from_config(str(tmp_path / "dagster_home"))
    run = again.get_run_by_id(result.run_id)
    assert run.is_success and run.tags["dagster/partition"] == "2024-01-01"
    records = again.get_records_for_run(
        result.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    passed = {
        r.event_log_entry.dagster_event.event_specific_data.check_name: (
            r.event_log_entry.dagster_event.event_specific_data.passed
        )
        for r in records
    }
    assert passed["no_double_counting"] and passed["lot_files_validate"]


def test_a_held_window_makes_the_later_windows_of_its_reservation_wait(tmp_path) -> None:
    """February has three days without reads: it is held (no evidence), March is not issued
    on carry that February never issued, and both go once the missing days arrive."""
    home = home_with_reads(tmp_path, "monthly")
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    reads = home / "warehouse" / "core_meter__reads" / "source=files"
    kept = tmp_path / "kept"
    for day in ("2024-02-10", "2024-02-11", "2024-02-12"):
        kept.mkdir(exist_ok=True)
        (reads / f"date={day}").rename(kept / day)
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    assert issue(defs, instance, "monthly", "2024-01-01").success
    held = issue(defs, instance, "monthly", "2024-02-01")
    assert held.success, "an expected hold is no failure"
    reasons = metadata_of(held, "monthly_lots")["held"]
    assert sorted(reasons) == [f"R1__{p}__2024-02-01" for p in sorted(PROJECTS)]
    assert all(why.startswith("completeness.gap: device ") for why in reasons.values())
    assert (
        " has no reads for 72.0 h from 2024-02-10T00:00:00+00:00" in reasons["R1__P-SN__2024-02-01"]
    )
    waiting = issue(defs, instance, "monthly", "2024-03-01")
    assert waiting.success
    later = metadata_of(waiting, "monthly_lots")["held"]
    assert sorted(later) == [f"R1__{p}__2024-03-01" for p in sorted(PROJECTS)]
    assert all(why.startswith("issuance.waiting: waits for ") for why in later.values())
    assert metadata_of(waiting, "monthly_issued")["issued_lots"] == 0
    assert sorted(ledger.issued_lots()["window_label"].dt.month().unique()) == [1]
    assert set(ledger.held_lots()["state"]) == {"held", "waiting"}

    for day in ("2024-02-10", "2024-02-11", "2024-02-12"):
        (kept / day).rename(reads / f"date={day}")
    assert issue(defs, instance, "monthly", "2024-02-01").success
    assert issue(defs, instance, "monthly", "2024-03-01").success
    assert ledger.held_lots().is_empty(), "issued: released"
    lots = ledger.issued_lots().sort("project_id", "window_label")
    assert lots.height == 12
    for project in PROJECTS:
        mine = lots.filter(pl.col("project_id") == project)
        assert mine["carry_in_wh"].to_list()[1:] == mine["carry_out_wh"].to_list()[:-1]
        metered = sum(local_month_wh(READS, project, m) for m in (1, 2, 3))
        assert int(mine["rrecs"].sum()) * 10**6 + mine["carry_out_wh"][-1] == metered


def test_a_registered_gap_explanation_releases_a_held_window(tmp_path) -> None:
    """The Standard's completeness rule, for lots as for producers' files: a gap over 24 h
    holds the window unless an explanation is registered for that project and period."""
    home = home_with_reads(tmp_path, "monthly")
    reads = home / "warehouse" / "core_meter__reads" / "source=files"
    for day in ("2024-02-10", "2024-02-11", "2024-02-12"):
        for part in (reads / f"date={day}").iterdir():
            part.unlink()
        (reads / f"date={day}").rmdir()
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    main = defs.resolve_job_def("rrec_main")
    assert main.execute_in_process(instance=instance).success
    assert issue(defs, instance, "monthly", "2024-01-01").success
    held = issue(defs, instance, "monthly", "2024-02-01")
    assert metadata_of(held, "monthly_issued")["issued_lots"] == 0, "held by the gap"
    lines = ["project,start,end,reason"] + [
        f"{name},2024-02-09,2024-02-13,inverter replaced" for name, *_ in PROJECTS.values()
    ]
    (home / "registry" / "gap_explanations.csv").write_text("\n".join(lines) + "\n")
    assert main.execute_in_process(instance=instance).success
    released = issue(defs, instance, "monthly", "2024-02-01")
    assert released.success
    assert metadata_of(released, "monthly_issued")["issued_lots"] == 4
    card = json.loads(
        next((home / "lots" / "monthly").glob("R1__P-SN__2024-02-01/scorecard.json")).read_text()
    )
    assert card["gap_hours"] == "72", "the explained gap is still counted"


def test_lots_whose_files_cannot_be_written_are_held_with_the_reason(tmp_path) -> None:
    """A lot folder the file system refuses: a finding on each lot, never a traceback."""
    home = home_with_reads(tmp_path, "monthly")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the lot folder should be\n")
    defs = build_defs({"lot_folder": LotFolder(path=str(blocker))}, home=home)
    instance = dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    result = issue(defs, instance, "monthly", "2024-01-01")
    assert result.success
    held = metadata_of(result, "monthly_issued")["held"]
    assert sorted(held) == [f"R1__{p}__2024-01-01" for p in sorted(PROJECTS)]
    assert all(
        why.startswith("lot.write: the lot's files cannot be written (") for why in held.values()
    )
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    assert ledger.issued_lots().is_empty()
    assert set(ledger.held_lots()["rule"]) == {"lot.write"}
