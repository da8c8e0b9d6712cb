#!/usr/bin/env python3
"""Benchmark: a year of hourly meter exports through `rrec fetch files`, beside polars.

Usage: python bench/fetch_files.py [--sites 11] [--dir FOLDER] [--repeat 3]

Writes SITES generic exports (`timestamp,kWh`, local period-ending stamps with
their offsets, one
file a site covering a year: 8,760 rows each) under FOLDER/meter_drop, then
times, as whole processes, `rrec fetch files` over the year's 365 UTC days
(landing, parsing, normalising, the schema check, the Parquet output) and, as
the floor, polars reading the same files. Figures only; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

YEAR = 2025
ZONES = ["America/New_York", "Africa/Nairobi", "Europe/Berlin", "Asia/Kolkata", "UTC"]


def write_drop(folder: Path, sites: int) -> int:
    rows = 0
    for number in range(sites):
        site = folder / "meter_drop" / "generic" / f"bench-site-{number}"
        site.mkdir(parents=True, exist_ok=True)
        zone = ZONES[number % len(ZONES)]
        (site / "site.json").write_text(json.dumps({"timezone": zone}))
        lines = ["timestamp,kWh"]
        start = datetime(YEAR, 1, 1, 1, tzinfo=UTC)
        for hour in range(8760):  # period-ending local stamps with their offset
            stamp = (start + timedelta(hours=hour)).astimezone(ZoneInfo(zone))
            sun = max(0.0, math.sin(math.pi * (stamp.hour - 7) / 10))
            lines.append(f"{stamp.isoformat(timespec='minutes')},{(20 + number) * sun:.3f}")
        (site / f"{YEAR}.csv").write_text("\n".join(lines) + "\n")
        rows += 8760
    return rows


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=11)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/rrec-bench-fetch-files"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = write_drop(args.dir, args.sites)
    env = {**os.environ, "RREC_HOME": str(args.dir / "home")}
    env["RREC_FILES_DIR"] = str(args.dir / "meter_drop")
    rrec = Path(sys.executable).with_name("rrec")
    fetch = [str(rrec), "fetch", "files", "--start", f"{YEAR}-01-01", "--end", f"{YEAR}-12-31"]
    fetch += ["--out", str(args.dir / "reads.parquet")]
    files = sorted(str(p) for p in (args.dir / "meter_drop").rglob("*.csv"))
    floor = [sys.executable, "-c", f"import polars as pl; pl.read_csv({files!r})"]
    ours = statistics.median(timed(fetch, env) for _ in range(args.repeat))
    base = statistics.median(timed(floor, env) for _ in range(args.repeat))
    print(f"{args.sites} hourly files, {rows:,} rows, a year of UTC days")
    print(f"rrec fetch files   {ours:7.2f} s (median of {args.repeat}, whole process)")
    print(f"polars read_csv    {base:7.2f} s (the same files; the floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
