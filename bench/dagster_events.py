#!/usr/bin/env python3
"""Benchmark: Dagster's share of `rrec demo`, on SQLite and on PostgreSQL, in one run.

Usage: python bench/dagster_events.py [--repeat N] [--storage sqlite postgres]
       [--tree DIR ...]

For each storage and each tree (a checkout of this project, run with this
interpreter from its folder; default this one, so that a second tree, a
`git worktree` of an earlier commit, shows a change side by side), times the first `rrec demo`
on an empty home as a whole process, then reads its runs back from the
instance: the steps and events each job stored, and the events' total.
Beside it, the cost of one event alone: `--events` engine events stored one at
a time into a fresh instance of the same storage (what each step start, output,
materialization or check result costs before any work), as Dagster opens it
and on one connection held open as `rrec run` does (`runs.hold_one_connection`;
SQLite ignores it). `--demo no` measures only that. PostgreSQL is the
machine's (127.0.0.1:5432, trust; one scratch database per run, dropped after).
Prints medians and each run; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_YAML = """storage:
  postgres:
    postgres_db:
      hostname: 127.0.0.1
      port: 5432
      db_name: {db}
      username: postgres
      password: ""
      scheme: postgresql+psycopg2
telemetry:
  enabled: false
"""
COUNT_EVENTS = """
import sys
from collections import Counter
import dagster as dg
instance = dg.DagsterInstance.get()
for record in reversed(instance.get_run_records()):
    kinds = Counter(
        entry.dagster_event.event_type_value
        for entry in instance.all_logs(record.dagster_run.run_id)
        if entry.dagster_event
    )
    print(record.dagster_run.job_name, kinds["STEP_START"], sum(kinds.values()))
"""
STORE_EVENTS = """
import sys, time
import dagster as dg
instance = dg.DagsterInstance.get()
if sys.argv[2] == "held":  # as `rrec run` opens a PostgreSQL instance (runs.py)
    from rrec_pipeline.runs import hold_one_connection
    hold_one_connection(instance)
run = instance.create_run_for_job(dg.GraphDefinition("bench").to_job())
count = int(sys.argv[1])
started = time.perf_counter()
for n in range(count):
    instance.report_engine_event(f"event {n}", run)
print((time.perf_counter() - started) / count * 1000)
"""


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", sql],
        check=True,
        capture_output=True,
    )


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    return {**env, "RREC_HOME": str(home), "DAGSTER_HOME": str(home / "dagster_home")}


def _instance(home: Path, storage: str) -> str | None:
    """A fresh instance under `home` on `storage`; its scratch database, if any."""
    (home / "dagster_home").mkdir(parents=True)
    if storage == "sqlite":
        return None
    db = f"rrec_bench_{os.getpid()}_{home.name}"
    _psql(f"create database {db}")
    (home / "dagster_home" / "dagster.yaml").write_text(POSTGRES_YAML.format(db=db))
    return db


def demo_run(tree: Path, storage: str, home: Path) -> tuple[float, list[tuple]]:
    """The first `rrec demo`'s wall time and (job, steps, events) of each of its runs."""
    db = _instance(home, storage)
    python = sys.executable  # `-m` from the tree's folder imports the tree's code
    try:
        started = time.perf_counter()
        demo = subprocess.run(
            [python, "-m", "rrec_pipeline.cli", "demo"],
            cwd=tree,
            env=_env(home),
            check=False,
            capture_output=True,
        )
        wall = time.perf_counter() - started
        if demo.returncode != 0:
            raise SystemExit(f"rrec demo failed in {tree}:\n{demo.stdout.decode()[-2000:]}")
        listed = subprocess.run(
            [python, "-c", COUNT_EVENTS], env=_env(home), check=True, capture_output=True
        )
    finally:
        if db:
            _psql(f"drop database if exists {db} with (force)")
    runs = [line.split() for line in listed.stdout.decode().splitlines()]
    return wall, [(job, int(steps), int(events)) for job, steps, events in runs]


def event_cost(storage: str, home: Path, count: int, held: bool = False) -> float:
    """Milliseconds to store one engine event, over `count` stored one at a time (`held`:
    on one connection held open, as `rrec run` does on PostgreSQL)."""
    db = _instance(home, storage)
    try:
        done = subprocess.run(
            [sys.executable, "-c", STORE_EVENTS, str(count), "held" if held else "-"],
            env=_env(home),
            check=True,
            capture_output=True,
        )
    finally:
        if db:
            _psql(f"drop database if exists {db} with (force)")
    return float(done.stdout.decode().split()[-1])


def _report(
    label: str, walls: list[float], runs: list[tuple], per_event: list[float], held: list[float]
) -> None:
    steps, events = Counter(), Counter()
    for job, job_steps, job_events in runs:
        steps[job] += job_steps
        events[job] += job_events
    print(
        f"{label}: one event alone: median {statistics.median(per_event):.2f} ms,"
        f" on a held connection {statistics.median(held):.2f} ms"
    )
    if not walls:
        return
    listed = ", ".join(f"{w:.1f}" for w in walls)
    print(f"  first rrec demo median {statistics.median(walls):.1f} s (runs: {listed})")
    print(f"  {len(runs)} job runs, {sum(steps.values())} steps, {sum(events.values())} events")
    for job in sorted(events, key=events.get, reverse=True):
        print(f"    {job:<24} steps {steps[job]:>4}  events {events[job]:>5}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--storage", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--tree", nargs="+", type=Path, default=[ROOT])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--demo", choices=["yes", "no"], default="yes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rrec-bench-events-") as scratch:
        n = 0
        for storage in args.storage:
            for tree in args.tree:
                walls, runs, per_event, held = [], [], [], []
                for _ in range(args.repeat):
                    n += 1
                    if args.demo == "yes":
                        home = Path(scratch, f"d{n}")
                        wall, runs = demo_run(tree.resolve(), storage, home)
                        walls.append(wall)
                    per_event.append(event_cost(storage, Path(scratch, f"e{n}"), args.events))
                    cost = event_cost(storage, Path(scratch, f"h{n}"), args.events, held=True)
                    held.append(cost)
                _report(f"{storage}, {tree}", walls, runs, per_event, held)
    return 0


if __name__ == "__main__":
    sys.exit(main())
