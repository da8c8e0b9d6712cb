"""`rrec run`, as `scripts/run` calls it: in-process, quiet, ending with a readable summary."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest
import yaml

pytestmark = [pytest.mark.integration, pytest.mark.runtime(70)]
ROOT = Path(__file__).resolve().parents[2]


# Runs a command the way a shell's background job (`cmd &`, nohup) does: SIGINT ignored.
AS_BACKGROUND_JOB = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


def seeded_home(tmp_path: Path) -> Path:
    home = tmp_path / "rrec"
    shutil.copytree(ROOT / "examples" / "drop", home / "drop")
    shutil.copytree(ROOT / "examples" / "meter_drop", home / "meter_drop")
    shutil.copytree(ROOT / "examples" / "registry", home / "registry")
    return home


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}


def _chain_tip(home: Path) -> tuple[int, int]:
    """(best block, transactions) of the embedded chain's saved state."""
    state = json.loads((home / "chain" / "state.json").read_text())
    return state["best_block_number"], len(state["transactions"])


def rrec_run(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "run", *args],
        env={**_clean_env(), "RREC_HOME": str(home)},
        cwd=home.parent,
        capture_output=True,
        text=True,
        check=False,
    )


EXAMPLE_HOLD = (
    "  held    RES-WEEKLY EX-ABJ 2024-01-01 to 2024-01-07 (Africa/Abidjan): completeness.gap: "
    "device example-se-site has no reads for 96.0 h from 2024-01-04T00:00:00+00:00"
)


def test_rrec_run_on_the_examples_ends_with_the_summary(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    first = rrec_run(home)
    assert first.returncode == 1, "the plant's first week is held: " + first.stderr[-3000:]
    out = first.stdout
    assert "Verification files: 3 submitted, 2 accepted, 1 quarantined" in out
    assert "quarantined 'ExampleRooftopPV_2024-02-01" in out and "consistency.total" in out
    assert "R-RECs in accepted files: 30" in out
    assert "AVERT-USCC" in out and "MCC" in out
    assert "Meter data: 3 day(s), 2024-01-01 to 2024-01-03" in out
    assert f"DAGSTER_HOME={home / 'dagster_home'}" in out
    assert (home / "dagster_home" / "history" / "runs.db").exists(), "SQLite run storage"
    assert len(list((home / "quarantine").iterdir())) == 1
    # Quiet: our progress lines, no Dagster event stream, no preview or deprecation notices.
    assert len(first.stderr.splitlines()) < 15, first.stderr
    assert "Warning" not in first.stderr and "DEBUG" not in first.stderr
    assert "Traceback" not in first.stderr and "ERROR" not in first.stderr
    issuance = [line for line in out.splitlines() if "lot(s)," in line]
    assert issuance == [
        "  RREC-AKE         1 lot(s), 24 R-RECs",
        "  RREC-GA          4 lot(s), 9 R-RECs",
        "  confirmed        5 lot(s), 33 R-RECs",
    ], "a daily lot of the rooftop each day, and the two accepted producer files, all minted"
    assert "Held lots: 1 held, 0 waiting for an earlier window" in out
    assert EXAMPLE_HOLD in out, "one line, with the rule and the reason, never a traceback"
    assert "This run: 5 lot(s) issued (33 R-RECs), 5 mint(s) confirmed" in out
    tip = _chain_tip(home)
    second = rrec_run(home)
    assert second.returncode == 1, "still held"
    assert "Meter data: no new days" in second.stdout
    issuance_runs = [line for line in second.stderr.splitlines() if line.startswith("issuance")]
    assert issuance_runs == ["issuance weekly 2024-01-01"], "only the held week, looked at again"
    assert [line for line in second.stdout.splitlines() if "lot(s)," in line] == issuance
    assert "This run: nothing new" in second.stdout and EXAMPLE_HOLD in second.stdout
    status = subprocess.run(
        [str(Path(sys.executable).parent / "rrec"), "mint-status", "--json"],
        env={**_clean_env(), "RREC_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(status.stdout)
    assert sorted(row["state"] for row in rows) == ["confirmed"] * 5 + ["held"]
    [held] = [row for row in rows if row["state"] == "held"]
    assert held["reason"].startswith("completeness.gap: device example-se-site")
    assert (held["window_start"], held["window_end"]) == (
        "2024-01-01T00:00:00+00:00",
        "2024-01-08T00:00:00+00:00",
    )
    text = subprocess.run(
        [str(Path(sys.executable).parent / "rrec"), "mint-status"],
        env={**_clean_env(), "RREC_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert text[0].split() == ["reservation", "project", "window", "(local)", "R-RECs", "state"]
    assert any("2024-01-01 .. 2024-01-01" in line and "confirmed" in line for line in text)
    assert _chain_tip(home) == tip, "the second run sent no transaction"


def test_rrec_run_on_a_new_home_makes_its_drop_folder_and_a_named_missing_one_fails(
    tmp_path: Path,
) -> None:
    home = tmp_path / "new"
    first = rrec_run(home)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert "Steps failed" not in first.stdout and (home / "drop").is_dir()
    assert "Verification files: 0 submitted" in first.stdout
    typo = tmp_path / "dorp"
    named = subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "run"],
        env={**_clean_env(), "RREC_HOME": str(home), "RREC_DROP_DIR": str(typo)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert named.returncode == 1 and not typo.exists()
    assert f"the drop folder {typo} does not exist (RREC_DROP_DIR)" in named.stdout


def test_rrec_run_keeps_an_existing_instance_configuration(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    config = home / "dagster_home" / "dagster.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("telemetry:\n  enabled: false\n# the operator's PostgreSQL settings\n")
    assert rrec_run(home).returncode == 1, "the examples hold one window"
    assert "the operator's PostgreSQL settings" in config.read_text()


def test_rrec_run_on_postgres_records_every_day_it_wrote(tmp_path: Path, postgres_db) -> None:
    """On PostgreSQL `rrec run` holds one connection and writes a range run's days as one
    batch: every (day, source) partition in the warehouse is a materialization in Dagster."""
    home = seeded_home(tmp_path)
    config = home / "dagster_home" / "dagster.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(yaml.safe_dump({"storage": {"postgres": {"postgres_db": postgres_db}}}))
    done = rrec_run(home)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "This run: 5 lot(s) issued (33 R-RECs), 5 mint(s) confirmed" in done.stdout
    assert EXAMPLE_HOLD in done.stdout, "as on SQLite"
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr
    folders = (home / "warehouse" / "core_meter__reads").glob("source=*/date=*")
    written = {
        str(dg.MultiPartitionKey({"date": d.name[5:], "source": d.parent.name[7:]}))
        for d in folders
    }
    assert len(written) >= 3, written
    with dg.DagsterInstance.from_config(str(config.parent)) as instance:
        recorded = instance.get_materialized_partitions(dg.AssetKey("core_meter__reads"))
        jobs = {run.job_name for run in instance.get_runs()}
    assert recorded == written
    assert {"meter_reads_job", "rrec_main", "minting_job", "analysts_job"} <= jobs


def test_the_ui_script_serves_the_instance_rrec_run_wrote(tmp_path: Path) -> None:
    """`scripts/ui` works from a relative RREC_HOME (Dagster wants absolute paths)."""
    home = seeded_home(tmp_path)
    assert rrec_run(home).returncode == 1, "the examples hold one window"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    relative = os.path.relpath(home, ROOT)
    ui = subprocess.Popen(  # as a background job starts it: SIGINT ignored, and still stops
        [*AS_BACKGROUND_JOB, str(ROOT / "scripts" / "ui"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env={**env, "RREC_HOME": relative},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        runs = _graphql_when_up(port, "{ runsOrError { ... on Runs { results { status } } } }")
        statuses = {run["status"] for run in runs["data"]["runsOrError"]["results"]}
        assert statuses == {"SUCCESS"}
    finally:
        stop_ui(ui)


def stop_ui(ui: subprocess.Popen) -> None:
    """`kill` stops the UI's process group within 30 s; if not, it is killed, then failed."""
    os.killpg(ui.pid, signal.SIGTERM)
    try:
        ui.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(ui.pid, signal.SIGKILL)
        ui.wait()
        raise AssertionError("scripts/ui did not stop on SIGTERM within 30 s") from None


def _graphql_when_up(
    port: int, query: str, timeout: float = 90.0, variables: dict | None = None
) -> dict:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
