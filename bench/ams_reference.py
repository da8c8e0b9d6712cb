#!/usr/bin/env python3
"""AMS-III.BB customer figures beside the registry's `s3-computeCredits.py`, same readings.

Usage: python bench/ams_reference.py [--dir FOLDER] [--runs N] [--reference FILE]

FOLDER is a set `bench/run.py` has normalised (default `/tmp/rrec-bench-10M`).
The customer reads are written once in the reference's own input format
(`readings.csv`: a row per customer, `id, site, user type`, then
`timestamp,kWh` pairs; `RES` for households), in a scratch folder beside the
set. Then, in turn, N times each, whole processes timed from outside:
- ours: `bench/run.py --step classify` (customer months from the normalised
  Parquet table, exact Wh, then Type 1-MA / 1-MB / II);
- the reference: `s3-computeCredits.py` in the scratch folder (floats, per
  customer and year).
Prints medians of wall seconds and peak RSS, and both programs' totals over
all customers (the reference writes its Type II in kWh: it divides by 1000
only for Type I). Figures only; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from itertools import chain
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parents[1] / "shared" / "reference_tools" / "s3-computeCredits.py"
USER_TYPE = {"type1_household": "RES", "type2_non_household": "COM"}


def write_readings(folder: Path, target: Path) -> int:
    """The normalised customer reads as the reference's `readings.csv`; how many reads.

    Run in a process of its own (`--write`): a child's peak RSS starts from
    what its parent holds when it forks, so the timing parent holds nothing.
    """
    import polars as pl

    reads = (
        pl.scan_parquet(sorted((folder / "normalised").glob("*.parquet")))
        .filter(pl.col("customer_id").is_not_null() & pl.col("wh").is_not_null())
        .select(
            "customer_id",
            "site_id",
            pl.col("customer_class").replace_strict(USER_TYPE, default="UNK"),
            pl.col("interval_start").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("at"),
            pl.format(
                "{}.{}", pl.col("wh") // 1000, pl.col("wh").mod(1000).cast(pl.String).str.zfill(3)
            ).alias("kwh"),
        )
        .group_by("customer_id", "site_id", "customer_class", maintain_order=True)
        .agg("at", "kwh")
        .sort("customer_id")
        .collect(engine="streaming")
    )
    count = 0
    with target.open("w", newline="") as out:
        writer = csv.writer(out)
        for customer, site, user_type, stamps, kwh in reads.iter_rows():
            pairs = chain.from_iterable(zip(stamps, kwh, strict=True))
            writer.writerow([customer, site, user_type, *pairs])
            count += len(stamps)
    return count


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and standard output of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not all children's
    if code := os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{command[:2]} exited with {code}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


def reference_totals(credits: Path) -> dict[str, Decimal]:
    columns = ("Total Type I-MA Consumption", "Total Type I-MB Consumption")
    totals = dict.fromkeys((*columns, "Total Type II Consumption"), Decimal(0))
    with credits.open(newline="") as rows:
        for row in csv.DictReader(rows):
            for column in totals:
                totals[column] += Decimal(row[column])
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/rrec-bench-10M"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        print(write_readings(args.dir, args.write))
        return 0
    if not args.reference.exists():
        print(f"skipped: the reference script is not at {args.reference}")
        return 0
    if not (args.dir / "normalised").is_dir():
        print(f"first normalise the set: python bench/run.py --dir {args.dir} --only normalise")
        return 2
    scratch = args.dir / "ams-reference"
    scratch.mkdir(exist_ok=True)
    started = time.perf_counter()
    written = subprocess.run(
        [
            sys.executable,
            __file__,
            "--dir",
            str(args.dir),
            "--write",
            str(scratch / "readings.csv"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    reads = int(written.stdout.split()[-1])
    print(f"readings.csv: {reads:,} customer reads ({time.perf_counter() - started:.1f} s)")
    ours_command = [
        sys.executable,
        str(HERE / "run.py"),
        "--step",
        "classify",
        "--dir",
        str(args.dir),
    ]
    reference_command = [sys.executable, str(args.reference), "unused-token"]
    runs: dict[str, list[tuple[float, float, str]]] = {"ours": [], "reference": []}
    for _ in range(args.runs):  # in turn, so drifts of the machine's speed hit both
        runs["ours"].append(timed(ours_command, args.dir))
        runs["reference"].append(timed(reference_command, scratch))
    for name, results in runs.items():
        seconds = statistics.median(r[0] for r in results)
        peak = statistics.median(r[1] for r in results)
        print(f"{name:<10} {seconds:8.2f} s {peak:8,.0f} MiB  (median of {len(results)})")
    ratio = statistics.median(r[0] for r in runs["reference"]) / statistics.median(
        r[0] for r in runs["ours"]
    )
    print(f"faster: {ratio:.1f}x")
    print("ours:", runs["ours"][-1][2].strip().splitlines()[-1])
    totals = reference_totals(scratch / "credits.csv")
    type1 = totals["Total Type I-MA Consumption"] + totals["Total Type I-MB Consumption"]
    type2 = totals["Total Type II Consumption"]
    print(f"reference: Type I {type1} MWh, Type II {type2} kWh (its unit) = {type2 / 1000} MWh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
