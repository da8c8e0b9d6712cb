"""Crashes and concurrency: one instance, atomic files, killed runs that write nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from rrec_pipeline.resources.storage.atomic import read_parquet_once, write_atomic, write_with
from rrec_pipeline.resources.storage.lost_runs import fail_lost_runs
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder
from rrec_pipeline.validation.quarantine import QuarantineEntry
from tests.integration.test_rrec_run import ROOT, rrec_run, seeded_home

pytestmark = [pytest.mark.integration, pytest.mark.runtime(37)]
BIN = Path(sys.executable).parent


def test_two_first_runs_at_once_leave_one_usable_instance(tmp_path) -> None:
    home = seeded_home(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    command = [str(BIN / "rrec"), "run"]
    runs = [
        subprocess.Popen(
            command,
            env={**env, "RREC_HOME": str(home)},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert all("Traceback" not in err.decode() for _, err in outcomes), outcomes
    with sqlite3.connect(home / "dagster_home" / "history" / "runs.db") as db:
        assert len(db.execute("select * from alembic_version").fetchall()) == 1
    later = rrec_run(home)
    assert later.returncode == 1 and "Held lots: 1 held" in later.stdout, "later runs work"


def test_concurrent_writers_never_show_a_reader_a_partial_file(tmp_path) -> None:
    target = tmp_path / "table" / "part.parquet"
    write_with(target, pl.DataFrame({"x": list(range(1000))}).write_parquet)
    writer = (
        "import sys, polars as pl\n"
        "from pathlib import Path\n"
        "from rrec_pipeline.resources.storage.atomic import write_with\n"
        "frame = pl.DataFrame({'x': list(range(200_000))})\n"
        "for _ in range(40):\n"
        "    write_with(Path(sys.argv[1]), frame.write_parquet)\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", writer, str(target)]) for _ in range(2)]
    reads = failures = 0
    while any(w.poll() is None for w in writers):
        try:
            read_parquet_once(target)  # as the IO manager reads: one open handle
        except Exception:
            failures += 1
        reads += 1
    assert [w.returncode for w in writers] == [0, 0]
    assert reads > 10 and failures == 0
    assert [p.name for p in target.parent.iterdir()] == ["part.parquet"], "no temporary left"


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path) -> None:
    target = tmp_path / "findings.json"
    write_atomic(target, b"old")

    def half_then_crash(handle) -> None:
        handle.write(b"new but not")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_with(target, half_then_crash)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]


def test_a_killed_quarantine_write_leaves_findings_or_nothing_never_a_partial_copy(
    tmp_path,
) -> None:
    script = (
        "import sys\n"
        "from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder\n"
        "from rrec_pipeline.validation.quarantine import QuarantineEntry\n"
        "folder = SubmissionFolder(path=sys.argv[1], quarantine_path=sys.argv[1])\n"
        "entry = QuarantineEntry('big.csv', 'entry', 'big.csv', b'x' * 400_000_000, b'{}')\n"
        "folder.write_quarantine(entry)\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)])
    deadline = time.monotonic() + 60
    while not (tmp_path / "entry" / "findings.json").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    entry = tmp_path / "entry"
    assert (entry / "findings.json").read_bytes() == b"{}", "findings are written first"
    copy = entry / "big.csv"
    assert not copy.exists() or copy.stat().st_size == 400_000_000


def test_quarantine_entries_write_findings_before_the_copy(tmp_path) -> None:
    folder = SubmissionFolder(path=str(tmp_path), quarantine_path=str(tmp_path / "q"))
    written = folder.write_quarantine(QuarantineEntry("a.csv", "e", "a.csv", b"data", b"[]"))
    names = sorted(written.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert [p.name for p in names] == ["findings.json", "a.csv"]


def test_a_killed_run_writes_nothing_is_marked_failed_and_frees_its_pool_slot(tmp_path) -> None:
    warehouse, home = tmp_path / "warehouse", tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    env.update(
        DAGSTER_HOME=str(home), RREC_TEST_SLOW_SECONDS="6", RREC_TEST_WAREHOUSE=str(warehouse)
    )
    parent = subprocess.Popen(
        [
            str(BIN / "dagster"),
            "job",
            "execute",
            "-f",
            str(ROOT / "tests/fixtures/slow_job.py"),
            "-j",
            "slow_job",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = _wait_for_child(parent.pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _wait_gone(worker, timeout=60)
    assert not (warehouse / "slow_table" / "part.parquet").exists(), "the orphan wrote nothing"
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            [run] = instance.get_runs()
            assert run.status == dg.DagsterRunStatus.STARTED  # nobody could report its end
            slots = instance.event_log_storage.get_concurrency_info
            assert len(slots("rrec_chain").claimed_slots) == 1, "the killed step held the slot"
            assert fail_lost_runs(instance) == [run.run_id]
            assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
            assert slots("rrec_chain").claimed_slots == [], "the next minting run can start"
    finally:
        del os.environ["DAGSTER_HOME"]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _wait_for_child(pid: int, timeout: float = 60) -> int:
    """The step worker: a child process that imported the code location and is sleeping."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = _children(pid)
        if children:
            time.sleep(3)  # let the worker reach the asset's sleep
            return children[-1]
        time.sleep(0.1)
    raise AssertionError("the run never started a step worker")


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}").exists() else ""
        if "zombie" in status:
            return
        time.sleep(0.2)


def _monitoring(instance: dg.DagsterInstance) -> tuple[bool, int]:
    return instance.run_monitoring_enabled, instance.run_monitoring_max_runtime_seconds


def test_the_local_instance_monitors_runs_and_bounds_their_runtime(tmp_path) -> None:
    (tmp_path / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
    assert _monitoring(dg.DagsterInstance.from_config(str(tmp_path))) == (True, 6 * 3600)


def test_the_postgres_instance_monitors_runs_too(tmp_path, postgres_db, monkeypatch) -> None:
    for variable, key in (
        ("RREC_PG_HOST", "hostname"),
        ("RREC_PG_DB", "db_name"),
        ("RREC_PG_USER", "username"),
        ("RREC_PG_PASSWORD", "password"),
    ):
        monkeypatch.setenv(variable, str(postgres_db[key]))
    (tmp_path / "dagster.yaml").write_text((ROOT / "deploy" / "dagster.postgres.yaml").read_text())
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert _monitoring(instance) == (True, 6 * 3600)
