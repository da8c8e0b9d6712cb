"""The issuance job on Dagster's Celery executor: a real Redis broker, two worker processes,
the same lots and ledger as in-process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import redis

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.runs import open_instance
from tests.integration.test_issuance_assets import CONFIG, home_with_reads

pytestmark = [pytest.mark.integration, pytest.mark.runtime(14)]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_DB = 11  # a database of its own on the shared server, flushed by the test


@pytest.fixture
def broker(tmp_path) -> str:
    """Redis on 127.0.0.1:6379, started here when it is not running."""
    if not _listening(6379):
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            check=True,
        )
        _wait(lambda: _listening(6379))
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def lots_of(home: Path) -> pl.DataFrame:
    return (
        IssuanceLedger(path=str(home / "ledger.duckdb"))
        .issued_lots()
        .drop("issued_at", "run_id")
        .sort("lot_id")
    )


def test_issuance_on_celery_workers_matches_in_process(tmp_path, broker) -> None:
    base = home_with_reads(tmp_path / "base", "monthly")
    assert (
        build_defs(home=base)
        .resolve_job_def("rrec_main")
        .execute_in_process(instance=dg.DagsterInstance.ephemeral())
        .success
    )
    local, distributed = tmp_path / "local", tmp_path / "celery"
    shutil.copytree(base, local)
    shutil.copytree(base, distributed)

    defs = build_defs(home=local)
    ops = {f"out_issuance__monthly_{n}": {"config": CONFIG} for n in ("lots", "issued")}
    assert (
        defs.resolve_job_def("issuance_monthly_job")
        .execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            partition_key="2024-01-01",
            run_config={"ops": ops},
        )
        .success
    )

    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", dagster_home / "dagster.yaml")
    open_instance(dagster_home).dispose()  # SQLite storage created once, before the workers
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))},
        "RREC_HOME": str(distributed),
        "RREC_CELERY_BROKER": broker,
        "DAGSTER_HOME": str(dagster_home),
        "PYTHONPATH": str(ROOT),
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",  # dagster-celery runs `celery`
    }
    (tmp_path / "celery.yaml").write_text(
        f"execution:\n  config:\n    broker: {broker}\n    backend: {broker}\n"
    )
    log = (tmp_path / "workers.log").open("wb")
    workers = [_worker(tmp_path / "celery.yaml", f"rrec-test-{i}", env, log) for i in range(2)]
    try:
        run = subprocess.run(
            [sys.executable, "-c", _EXECUTE.format(ops=ops)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        workers_said = (tmp_path / "workers.log").read_text(errors="replace")
        assert run.returncode == 0, run.stderr[-3000:] + workers_said[-3000:]
        assert "celery steps: " in run.stdout
        assert workers_said.count("succeeded in") >= 3, "the workers ran the steps"
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        log.close()
    assert lots_of(distributed).equals(lots_of(local)), "the same lots, issued the same"
    assert lots_of(local).height == 4


def _worker(config: Path, name: str, env: dict, log) -> subprocess.Popen:
    """`dagster-celery worker start` (it runs `celery` from PATH), in its own process group."""
    command = [
        str(BIN / "dagster-celery"),
        *("worker", "start", "-A", "dagster_celery.app", "-y", str(config), "-n", name),
        *("-i", "tests.fixtures.celery_location", "--", "--pool=solo"),
    ]
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
    )


_EXECUTE = """
import dagster as dg
from tests.fixtures import celery_location
job = dg.reconstructable(celery_location.issuance_monthly_job)
with dg.DagsterInstance.get() as instance:
    result = dg.execute_job(
        job, instance=instance, tags={{"dagster/partition": "2024-01-01"}},
        run_config={{"ops": {ops!r}}},
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    engines = [e.message for e in result.all_events if e.event_type_value == "ENGINE_EVENT"]
    assert any("celery" in (m or "").lower() for m in engines), engines
    print("celery steps:", len([e for e in result.all_events if e.is_step_success]))
"""
