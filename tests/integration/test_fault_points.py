"""A run killed anywhere is recovered by the next: the same ledger, files and mints.

Every named fault point (`rrec_pipeline/basics/faults.py`) kills `rrec run` with
SIGKILL on a fixed input; then SIGKILL of the whole process group (the run and
its anvil node) at random moments, run after run. Each home then runs once
more without faults and must end exactly as a run that never failed: the
same lot versions in the ledger, the same files on the bare remote, the same
mints on the chain (token, recipient, amount, file and hash).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from rrec_pipeline.basics.faults import POINTS
from tests.integrity_home import (
    WALLET_A,
    WALLET_B,
    clean_env,
    final_state,
    months_dropped,
    new_home,
    rrec,
)

pytestmark = [pytest.mark.integration, pytest.mark.runtime(230)]
RESERVATIONS = [
    ("R-GA", "Acme", WALLET_A, "P-GA", "100000", "2024-01-01", "2024-12-31", "monthly"),
    ("R-KE", "Bolt", WALLET_B, "P-KE", "100000", "2024-01-01", "2024-12-31", "monthly"),
]
RUN = ("run", "--as-of", "2024-03-10")  # January and February are due
MONTHS = [(2024, 1), (2024, 2)]


def home_with_exports(tmp_path, name="home"):
    home = new_home(tmp_path, RESERVATIONS, name)
    months_dropped(home, MONTHS)
    return home


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory) -> tuple[dict, float]:
    """What a run without faults ends with, and how long it took on this machine."""
    home = home_with_exports(tmp_path_factory.mktemp("reference"))
    started = time.monotonic()
    done = rrec(home, *RUN)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    state = final_state(home)
    assert len(state["lots"]) == 4 and len(state["mints"]) == 4, state
    csvs = [p for p in state["files"] if p.endswith(".csv") and "irec_request" not in p]
    assert len(csvs) == 4, sorted(state["files"])
    return state, seconds


@pytest.fixture(scope="module")
def without_faults(reference_run) -> dict:
    return reference_run[0]


@pytest.mark.parametrize("point", POINTS)
def test_a_kill_at_each_stage_boundary_ends_as_a_run_without_faults(
    point, without_faults, tmp_path
) -> None:
    home = home_with_exports(tmp_path)
    killed = rrec(home, *RUN, fault=point)
    assert killed.returncode == -signal.SIGKILL, f"{point} not reached: {killed.stderr[-2000:]}"
    again = rrec(home, *RUN)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "Traceback" not in again.stderr
    assert final_state(home) == without_faults


def test_sigkill_of_the_process_group_at_random_moments_ends_as_a_run_without_faults(
    reference_run, tmp_path
) -> None:
    without_faults, whole_run = reference_run
    home = home_with_exports(tmp_path)
    env = {**clean_env(), "RREC_HOME": str(home), "RREC_PUBLISH_REPO": str(home / "remote.git")}
    # Moments within the length of a whole run on this machine (past its imports), drawn
    # in random order: a later run has less to do (one with nothing left takes about
    # half as long), so a late moment may outlast it. Up to twelve runs, until five were
    # killed part way.
    moments = random.Random(19)
    kills = 0
    for _attempt in range(12):
        if kills == 5:
            break
        run = subprocess.Popen(
            [sys.executable, "-m", "rrec_pipeline.cli", *RUN],
            env=env,
            cwd=home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            run.wait(timeout=moments.uniform(0.15, 1.0) * whole_run)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            kills += 1
    assert kills >= 3, "the run was killed part way, several times"
    again = rrec(home, *RUN)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert final_state(home) == without_faults
