#!/usr/bin/env python3
"""Benchmark: `rrec demo` first and second run, beside the process floor in the same run.

Usage: python bench/demo.py [--repeat N]

Times whole processes (setup excluded, as after `scripts/setup`):
- first `rrec demo` on an empty RREC_HOME (inputs written, a year through every
  stage, then the late export and its second pass); the issue's target: 60 s;
- second `rrec demo` on the same home (nothing new; no commit, no transaction);
  target: 20 s;
- the floor every in-process run pays before any work: Python loading the
  Dagster definitions (`python -c "import rrec_pipeline.definitions"`), so a
  slower machine shows as a slower floor rather than a slower pipeline.
Prints the medians and each run; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RREC = str(Path(sys.executable).parent / "rrec")
FLOOR = "import rrec_pipeline.definitions"


def timed(command: list[str], home: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RREC_", "DAGSTER_"))}
    env["RREC_HOME"] = str(home)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"first rrec demo": [], "second rrec demo": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="rrec-bench-") as scratch:
        for n in range(args.repeat):
            home = Path(scratch) / f"home{n}"
            times["first rrec demo"].append(timed([RREC, "demo"], home))
            times["second rrec demo"].append(timed([RREC, "demo"], home))
            times["floor"].append(timed([sys.executable, "-c", FLOOR], home))
    targets = {"first rrec demo": "(target 60 s)", "second rrec demo": "(target 20 s)"}
    floor = statistics.median(times["floor"])
    for label, runs in times.items():
        median = statistics.median(runs)
        listed = ", ".join(f"{t:.1f}" for t in runs)
        ratio = f"{median / floor:5.1f}x floor" if label != "floor" else ""
        print(
            f"{label:<17} median {median:6.1f} s {ratio:>12} {targets.get(label, ''):<14}"
            f" runs: {listed}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
