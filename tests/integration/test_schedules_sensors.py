"""Issuance schedules per frequency and the sensors that chain drop -> issue -> mint -> DuckDB,
and read the chain back when R-RECs are retired or returned."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest
from eth_account import Account
from web3 import Web3

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.chain.chain import DEV_KEY, Chain
from rrec_pipeline.resources.chain.evm import TokenChain
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder
from rrec_pipeline.sensors import (
    analysts_after_minting_sensor,
    chain_transfers_sensor,
    mint_after_issuance_sensor,
    producer_drop_sensor,
)
from tests.integration.test_issuance_assets import home_with_reads
from tests.integration.test_token_contract import ALICE_KEY

pytestmark = [pytest.mark.integration, pytest.mark.runtime(13)]
RETIREMENT = "0x" + "de" * 20


def _tick(defs, frequency: str, now: datetime) -> list[dg.RunRequest] | str:
    schedule = defs.resolve_schedule_def(f"issuance_{frequency}_schedule")
    with dg.build_schedule_context(
        scheduled_execution_time=now,
        repository_def=defs.get_repository_def(),
        resources=defs.resources,
    ) as context:
        data = schedule.evaluate_tick(context)
    return data.run_requests or data.skip_message


def test_the_issuance_schedule_asks_for_every_period_the_plan_says_is_due(tmp_path) -> None:
    home = home_with_reads(tmp_path, "monthly")
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    assert _tick(defs, "monthly", datetime(2024, 3, 5, 4, tzinfo=UTC)) == (
        "no monthly period is due"
    ), "no reservation is read yet: nothing to plan"
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    assert _tick(defs, "monthly", datetime(2024, 2, 2, 4, tzinfo=UTC)) == (
        "no monthly period is due"
    ), "January is not past its two days' grace in every project's zone"
    assert _tick(defs, "daily", datetime(2024, 3, 5, 4, tzinfo=UTC)) == "no daily period is due"
    requests = _tick(defs, "monthly", datetime(2024, 3, 5, 4, tzinfo=UTC))
    assert [(r.partition_key, r.run_key) for r in requests] == [
        ("2024-01-01", "issuance-monthly-2024-01-01-2024-03-05"),
        ("2024-02-01", "issuance-monthly-2024-02-01-2024-03-05"),
    ], "every due period, not only the newest: a missed one is caught up"
    ops = requests[0].run_config["ops"]
    assert ops["out_issuance__monthly_lots"]["config"] == {"as_of": "2024-03-05"}
    january = defs.resolve_job_def("issuance_monthly_job").execute_in_process(
        instance=instance, partition_key="2024-01-01", run_config=requests[0].run_config
    )
    assert january.success
    later = _tick(defs, "monthly", datetime(2024, 3, 6, 4, tzinfo=UTC))
    assert [r.partition_key for r in later] == ["2024-02-01"], "January is issued"


def test_the_drop_sensor_runs_the_main_job_once_per_change(tmp_path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    folder = SubmissionFolder(path=str(drop), quarantine_path=str(tmp_path / "q"))
    (drop / "a.csv").write_text("x\n")

    def tick(cursor):
        context = dg.build_sensor_context(cursor=cursor, resources={"submission_folder": folder})
        return producer_drop_sensor.evaluate_tick(context)

    first = tick(None)
    assert len(first.run_requests) == 1
    assert tick(first.cursor).run_requests == [], "nothing changed"
    (drop / "b.csv").write_text("y\n")
    assert len(tick(first.cursor).run_requests) == 1


def test_a_successful_issuance_run_asks_for_minting_and_minting_for_duckdb(tmp_path) -> None:
    home = home_with_reads(tmp_path, "monthly")
    defs, instance = build_defs(home=home), dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    job = defs.resolve_job_def("issuance_monthly_job")
    run = job.execute_in_process(
        instance=instance, partition_key="2024-01-01", raise_on_error=False
    )
    assert run.success
    success = next(e for e in run.all_events if e.event_type == dg.DagsterEventType.RUN_SUCCESS)
    context = dg.build_run_status_sensor_context(
        sensor_name="mint_after_issuance_sensor",
        dagster_instance=instance,
        dagster_run=run.dagster_run,
        dagster_event=success,
    )
    request = mint_after_issuance_sensor(context)
    assert request.run_key == f"mint-after-{run.run_id}"
    assert mint_after_issuance_sensor.job_name == "minting_job"
    assert analysts_after_minting_sensor.job_name == "analysts_job"


def test_the_chain_is_read_back_when_rrecs_are_retired(tmp_path, anvil, monkeypatch) -> None:
    monkeypatch.setenv("RREC_MINTER_PRIVATE_KEY", DEV_KEY)
    chain = Chain(
        rpc_url=anvil.url,
        state_dir=str(tmp_path / "unused"),
        contracts_file=str(tmp_path / "contracts.json"),
        retirement_wallet=RETIREMENT,
    )
    owner = TokenChain(anvil.url, Account.from_key(DEV_KEY))
    token = owner.token(chain.deploy(owner, "RREC-AKE", "Kenya R-RECs"))
    alice = TokenChain(anvil.url, Account.from_key(ALICE_KEY))
    owner.send_and_wait(token.functions.mint(alice.address, 2, "x"))

    repository = build_defs().get_repository_def()

    def tick(cursor):
        context = dg.build_sensor_context(
            cursor=cursor, resources={"chain": chain}, repository_def=repository
        )
        return chain_transfers_sensor.evaluate_tick(context)

    quiet = tick(None)
    assert quiet.run_requests == [] and "no retirement" in quiet.skip_message
    retire = alice.token(token.address).functions.transfer(
        Web3.to_checksum_address(RETIREMENT), 10**18
    )
    alice.send_and_wait(retire)
    moved = tick(quiet.cursor)
    assert len(moved.run_requests) == 1
    assert tick(moved.cursor).run_requests == [], "each retirement once"


def test_scripts_automation_starts_every_schedule_and_sensor(tmp_path) -> None:
    """They start stopped; the README's one line turns them all on."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "RREC_HOME": str(tmp_path / "home")}
    env.pop("DAGSTER_HOME", None)
    run = subprocess.run(
        [str(root / "scripts" / "automation")], env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Started all schedules" in run.stdout and "Started all sensors" in run.stdout
    with dg.DagsterInstance.from_config(str(tmp_path / "home" / "dagster_home")) as instance:
        states = instance.all_instigator_state()
        names = {state.name for state in states if state.status.value == "RUNNING"}
    defs = build_defs()
    expected = {s.name for s in defs.schedules} | {s.name for s in defs.sensors}
    assert expected and names == expected
