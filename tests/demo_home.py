"""`rrec demo` run twice in a temporary home, once per test session, for the tests that
look at what it left: the command's own output, the analysts' database, the UI."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import git

from tests.integration.test_rrec_run import _clean_env


@dataclass(frozen=True)
class DemoRuns:
    home: Path
    first: subprocess.CompletedProcess
    second: subprocess.CompletedProcess
    chain_after_first: tuple[int, int]
    chain_after_second: tuple[int, int]
    commits_after_first: int
    commits_after_second: int


def rrec_demo(home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", "demo"],
        env={**_clean_env(), "RREC_HOME": str(home)},
        cwd=home.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def chain_tip(home: Path) -> tuple[int, int]:
    """(best block, transactions) of the embedded chain's saved state."""
    state = json.loads((home / "chain" / "state.json").read_text())
    return state["best_block_number"], len(state["transactions"])


def commits(home: Path) -> int:
    return sum(1 for _ in git.Repo(home / "published").iter_commits())


def run_demo_twice(home: Path) -> DemoRuns:
    first = rrec_demo(home)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    tip, made = chain_tip(home), commits(home)
    second = rrec_demo(home)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    return DemoRuns(home, first, second, tip, chain_tip(home), made, commits(home))
