"""The main job on a real drop folder: good files flow, bad ones are set aside."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder
from tests.builders import CsvCase

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def drop_folder(tmp_path: Path, write_case) -> Path:
    drop = tmp_path / "drop"
    write_case(CsvCase(), drop)
    late = CsvCase().with_header(**{"Project Name": "Other Site", "Latitude": "-3.0"})
    write_case(late, drop)
    broken = CsvCase().with_header(**{"Project Name": "Broken Site", "Latitude": "-4.0"})
    broken.rows[30][1] = "oops"
    write_case(broken, drop)
    (drop / "empty.csv").write_bytes(b"")
    return drop


def run_main_job(tmp_path: Path, drop: Path, instance: dg.DagsterInstance):
    """The main job with every resource under `tmp_path` and the drop folder `drop`."""
    folder = SubmissionFolder(path=str(drop), quarantine_path=str(tmp_path / "quarantine"))
    job = build_defs({"submission_folder": folder}, home=tmp_path).resolve_job_def("rrec_main")
    return job.execute_in_process(instance=instance, raise_on_error=False)


def check_results(result) -> dict:
    """(asset, check) -> evaluation, and check name -> evaluation for unique names."""
    evaluations = result.get_asset_check_evaluations()
    by_key = {(e.asset_key.to_user_string(), e.asset_check_key.name): e for e in evaluations}
    return {**{e.asset_check_key.name: e for e in evaluations}, **by_key}


def test_one_broken_file_does_not_hold_up_the_good_ones(tmp_path: Path, write_case) -> None:
    drop = drop_folder(tmp_path, write_case)
    result = run_main_job(tmp_path, drop, dg.DagsterInstance.ephemeral())
    assert result.success
    files = result.output_for_node("core_verification", "core_verification__files")
    accepted = files.filter(pl.col("is_accepted"))["file"].sort().to_list()
    assert accepted == [
        "OtherSite_2024-03-01T000000+0300_2024-03-03T230000+0300.csv",
        "TestSolar_2024-03-01T000000+0300_2024-03-03T230000+0300.csv",
    ]
    readings = result.output_for_node("core_verification", "core_verification__readings")
    assert readings["file"].n_unique() == 2 and readings.height == 144

    checks = check_results(result)
    assert not checks["format_rules"].passed
    assert checks["format_rules"].severity == dg.AssetCheckSeverity.WARN
    assert checks["completeness_rules"].passed
    for blocking in (
        ("core_verification__files", "accepted_files_have_no_errors"),
        ("core_verification__files", "schema"),
        ("core_verification__readings", "schema"),
    ):
        assert checks[blocking].passed, blocking


def test_quarantine_keeps_the_bytes_and_names_rule_and_line(tmp_path: Path, write_case) -> None:
    drop = drop_folder(tmp_path, write_case)
    run_main_job(tmp_path, drop, dg.DagsterInstance.ephemeral())
    entries = sorted((tmp_path / "quarantine").iterdir())
    assert len(entries) == 2
    by_file = {json.loads((e / "findings.json").read_text())["file"]: e for e in entries}
    broken = "BrokenSite_2024-03-01T000000+0300_2024-03-03T230000+0300.csv"
    assert set(by_file) == {broken, "empty.csv"}
    assert (by_file[broken] / broken).read_bytes() == (drop / broken).read_bytes()
    findings = json.loads((by_file[broken] / "findings.json").read_text())["findings"]
    [number] = [f for f in findings if f["rule"] == "format.number"]
    assert (number["severity"], number["line"]) == ("error", 55)
    assert "'oops'" in number["message"]
    assert (drop / broken).exists(), "the drop folder is never modified"


def test_rerunning_changes_nothing(tmp_path: Path, write_case) -> None:
    drop = drop_folder(tmp_path, write_case)
    instance = dg.DagsterInstance.ephemeral()
    first = run_main_job(tmp_path, drop, instance)
    snapshot = {p: p.read_bytes() for p in (tmp_path / "quarantine").rglob("*") if p.is_file()}
    second = run_main_job(tmp_path, drop, instance)
    after = {p: p.read_bytes() for p in (tmp_path / "quarantine").rglob("*") if p.is_file()}
    assert after == snapshot
    name, out = "core_verification", "core_verification__files"
    assert first.output_for_node(name, out).equals(second.output_for_node(name, out))


def test_main_job_runs_on_postgres_storage(tmp_path: Path, write_case, postgres_db) -> None:
    drop = drop_folder(tmp_path, write_case)
    overrides = {"storage": {"postgres": {"postgres_db": postgres_db}}}
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(overrides=overrides, temp_dir=str(tmp_path / "home")) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = run_main_job(tmp_path, drop, instance)
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        assert run.is_success
        records = instance.fetch_materializations(
            dg.AssetKey("core_verification__files"), limit=1
        ).records
        assert records[0].asset_materialization.metadata["accepted_files"].value == 2


def test_deploy_postgres_yaml_configures_a_working_instance(
    tmp_path: Path, postgres_db, monkeypatch
) -> None:
    home = tmp_path / "pg_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
    for variable, key in (
        ("RREC_PG_HOST", "hostname"),
        ("RREC_PG_DB", "db_name"),
        ("RREC_PG_USER", "username"),
        ("RREC_PG_PASSWORD", "password"),
    ):
        monkeypatch.setenv(variable, str(postgres_db[key]))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert instance.get_runs_count() >= 0


def test_a_missing_drop_folder_fails_the_run_naming_it(tmp_path: Path) -> None:
    result = run_main_job(tmp_path, tmp_path / "no-such-folder", dg.DagsterInstance.ephemeral())
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "no-such-folder does not exist" in failure.event_specific_data.error.message


def test_an_empty_drop_folder_is_an_empty_batch(tmp_path: Path) -> None:
    (tmp_path / "drop").mkdir()
    result = run_main_job(tmp_path, tmp_path / "drop", dg.DagsterInstance.ephemeral())
    assert result.success
    files = result.output_for_node("core_verification", "core_verification__files")
    assert files.is_empty()
