#!/usr/bin/env python3
"""Benchmark: the README's main command on the examples, beside the old way of running it.

Usage: python bench/main_job.py [--repeat N]

Times, as whole processes on a fresh RREC_HOME seeded with `examples/`:
- `rrec run` (what `scripts/run` calls): meter days and `rrec_main`, in-process;
- the reference: `dagster job execute -j rrec_main` (the multiprocess executor,
  one subprocess per step), which is how `scripts/run` ran the main job before.
Prints the median and each run; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def fresh_home(parent: Path) -> Path:
    home = Path(tempfile.mkdtemp(dir=parent))
    shutil.copytree(ROOT / "examples" / "drop", home / "drop")
    shutil.copytree(ROOT / "examples" / "meter_drop", home / "meter_drop")
    (home / "dagster_home").mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster_home" / "dagster.yaml")
    return home


def timed(command: list[str], home: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    env.update(RREC_HOME=str(home), DAGSTER_HOME=str(home / "dagster_home"))
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


COMMANDS = {
    "rrec run (in-process)": [str(BIN / "rrec"), "run"],
    "reference: dagster job execute -j rrec_main": [
        str(BIN / "dagster"),
        "job",
        "execute",
        "-m",
        "rrec_pipeline.definitions",
        "-a",
        "defs",
        "-j",
        "rrec_main",
    ],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rrec-bench-") as scratch:
        for label, command in COMMANDS.items():
            times = [timed(command, fresh_home(Path(scratch))) for _ in range(args.repeat)]
            runs = ", ".join(f"{t:.1f}" for t in times)
            print(f"{label:<45} median {statistics.median(times):6.1f} s   runs: {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
