#!/usr/bin/env python3
"""Benchmark: the monthly issuance job in-process on a bench set, orchestration vs computation.

Usage: python bench/dagster_overhead.py [--size 10M] [--period 2025-03-01] [--repeat 3]

Seeds a fresh RREC_HOME under /tmp with the set's registry and its normalised
reads (`bench/run.py --size SIZE --only normalise` writes them), laid out as
the meter assets write them, materialises the registry assets, then times, in
one process:
- `issuance_monthly_job` for one period (lots, lot files, ledger) as `rrec run`
  executes it (in-process, SQLite instance), its wall time;
- the time Dagster's event log gives each step (start to success);
- the same plan without Dagster: `make_plan` over the same reads.
Prints the share of the job's wall time outside the plan computation. Figures
only; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import dagster as dg
import polars as pl

from rrec_pipeline.basics.home import home_paths
from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.jobs import MAIN_JOB_NAME, issuance_job_name
from rrec_pipeline.registry.files import load_registry
from rrec_pipeline.runs import Runner, open_instance
from rrec_pipeline.tables import METER_READS

AS_OF = date(2026, 2, 1)


def seed(home: Path, data: Path) -> None:
    """The set's registry and normalised reads, where the pipeline keeps them."""
    paths = home_paths(home)
    paths["drop"].mkdir(parents=True)  # no verification files: the main job has none to read
    shutil.copytree(data / "registry", paths["registry"])
    reads = paths["warehouse"] / METER_READS.key
    for path in sorted((data / "normalised").glob("*.parquet")):
        frame = pl.read_parquet(path)
        for (source,), part in frame.partition_by("source", as_dict=True).items():
            target = reads / f"source={source}" / f"date={path.stem}" / "part.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            part.write_parquet(target)


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Step key -> seconds from its start event to its success event, from the event log."""
    started, spent = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = entry.timestamp
        elif event.event_type_value == "STEP_SUCCESS":
            spent[event.step_key] = entry.timestamp - started[event.step_key]
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10M")
    parser.add_argument("--period", default="2025-03-01")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = Path(f"/tmp/rrec-bench-{args.size}")
    if not (data / "normalised").is_dir():
        print(f"run `python bench/run.py --size {args.size}` first", file=sys.stderr)
        return 2
    reads = pl.scan_parquet(sorted((data / "normalised").glob("*.parquet")))
    direct = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        plan = make_plan(load_registry(data / "registry"), reads, PlanSettings(as_of_clock(AS_OF)))
        direct.append(time.perf_counter() - started)
    walls, steps = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="rrec-dagster-bench-") as scratch:
            home = Path(scratch)
            seed(home, data)
            runner = Runner(open_instance(home_paths(home)["dagster_home"]), home)
            runner.execute(MAIN_JOB_NAME)
            config = {"config": {"as_of": AS_OF.isoformat()}}
            ops = {f"out_issuance__monthly_{name}": config for name in ("lots", "issued")}
            started = time.perf_counter()
            result = runner.execute(issuance_job_name("monthly"), args.period, {"ops": ops})
            walls.append(time.perf_counter() - started)
            steps.append(step_seconds(runner.instance, result.run_id))
            if not result.success:
                print("the issuance job failed", file=sys.stderr)
                return 1
    wall, compute = statistics.median(walls), statistics.median(direct)
    count = reads.select(pl.len()).collect().item()
    print(f"set: {data} ({count:,} reads), period {args.period}, {len(plan.lots)} lots in the plan")
    print(f"issuance_monthly_job in-process: median {wall:.2f} s over {args.repeat}")
    for key in steps[0]:
        print(f"  step {key}: median {statistics.median(s[key] for s in steps):.2f} s")
    in_steps = statistics.median(sum(s.values()) for s in steps)
    print(
        f"  all steps: median {in_steps:.2f} s; between steps (run start, planning, events): "
        f"{wall - in_steps:.2f} s ({(wall - in_steps) / wall:.0%})"
    )
    print(f"make_plan alone (no Dagster): median {compute:.2f} s")
    print(f"outside the plan computation: {wall - compute:.2f} s ({(wall - compute) / wall:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
