#!/usr/bin/env python3
"""Benchmark: planning issuance lots over many customer-hour reads, streaming.

Usage: python bench/aggregate.py [--reads N] [--dir FOLDER] [--frequency monthly]

Writes N hourly reads (a year of 8,760 hours per meter, meters spread over 40
projects in four time zones) as Parquet files under FOLDER (default a temporary
folder, removed afterwards), then times, in the same process:
- the floor: `polars.scan_parquet(...).select(pl.col("wh").sum())`;
- `make_plan`: windows, energy per window (one lazy scan, streaming), lots.
Prints reads/s and the peak RSS of the process; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.registry.files import (
    DEVICES,
    PROJECTS,
    RESERVATIONS,
    RegistryTables,
    read_registry_file,
)
from rrec_pipeline.tables import METER_READS

ZONES = ("Africa/Nairobi", "America/New_York", "Europe/Berlin", "Africa/Dakar")
PROJECT_COUNT = 40
HOURS = 8784  # 2024, a leap year
METERS_PER_FILE = 250


def registry(frequency: str) -> RegistryTables:
    projects = [
        "project_id,project_name,country,us_state,latitude,longitude,dc_capacity_kwp,fuel_type,first_operation,timezone,installation_type,owner_wallet"
    ]
    devices = ["project_id,source,site_id,device_id,role"]
    for number in range(PROJECT_COUNT):
        zone = ZONES[number % len(ZONES)]
        place = f"Kenya,,{-1 - number * 0.01:.3f},36.8,{100 + number}"
        first = f"2020-01-0{1 + number % 9}"
        projects.append(
            f"B{number:03d},Bench {number},{place},Solar,{first},{zone},Mini-grid,0x{'ab' * 20}"
        )
        devices.append(f"B{number:03d},files,site-{number:03d},,generation")
    ids = ";".join(f"B{number:03d}" for number in range(PROJECT_COUNT))
    reservations = [
        "reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency",
        f"R,Bench,0x{'cd' * 20},{ids},1000000000,2024-01-01,2024-12-31,{frequency}",
    ]
    tables = {
        name: read_registry_file(layout, ("\n".join(rows) + "\n").encode())[0]
        for name, layout, rows in (
            ("projects", PROJECTS, projects),
            ("devices", DEVICES, devices),
            ("reservations", RESERVATIONS, reservations),
        )
    }
    return RegistryTables(
        **tables,
        clearances=pl.DataFrame(
            schema={
                "project_id": pl.String,
                "cleared_against": pl.String,
                "reason": pl.String,
                "line": pl.Int64,
            }
        ),
    )


def write_reads(folder: Path, count: int) -> int:
    """Meters x hours of reads, in files of METERS_PER_FILE meters; returns how many."""
    meters = max(1, count // HOURS)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for first in range(0, meters, METERS_PER_FILE):
        block = min(METERS_PER_FILE, meters - first)
        index = pl.int_range(0, block * HOURS, eager=True, dtype=pl.Int64)
        meter = first + index // HOURS
        hour = index % HOURS
        frame = (
            pl.DataFrame({"meter": meter, "hour": hour})
            .select(
                pl.lit("files").alias("source"),
                pl.format(
                    "site-{}", (pl.col("meter") % PROJECT_COUNT).cast(pl.String).str.zfill(3)
                ).alias("site_id"),
                pl.format("m{}", pl.col("meter")).alias("device_id"),
                pl.format("c{}", pl.col("meter")).alias("customer_id"),
                pl.lit("type1_household").alias("customer_class"),
                (pl.lit(start) + pl.duration(hours=pl.col("hour"))).alias("interval_start"),
                (pl.lit(start) + pl.duration(hours=pl.col("hour") + 1)).alias("interval_end"),
                ((pl.col("hour") * 7919 + pl.col("meter") * 104729) % 400).alias("wh"),
                pl.lit("measured").alias("quality"),
                pl.lit(datetime(2025, 1, 2, tzinfo=UTC)).alias("ingested_at"),
            )
            .cast(METER_READS.dtypes)
        )
        frame.write_parquet(folder / f"reads-{first:07d}.parquet", row_group_size=1_000_000)
    return meters * HOURS


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=100_000_000)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--frequency", default="monthly")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rrec-bench-", dir=args.dir) as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        count = write_reads(folder, args.reads)
        print(f"wrote {count:,} reads in {time.perf_counter() - started:.1f} s")
        files = sorted(folder.glob("*.parquet"))
        started = time.perf_counter()
        total = pl.scan_parquet(files).select(pl.col("wh").sum()).collect(engine="streaming").item()
        floor = time.perf_counter() - started
        print(f"floor: scan + sum(wh)       {floor:7.2f} s  {count / floor / 1e6:7.1f} M reads/s")
        started = time.perf_counter()
        plan = make_plan(
            registry(args.frequency),
            pl.scan_parquet(files),
            PlanSettings(as_of_clock(date(2025, 2, 1))),
        )
        elapsed = time.perf_counter() - started
        issued = sum(lot.energy.wh for lot in plan.lots)
        rate = count / elapsed / 1e6
        label = f"plan ({args.frequency}, {len(plan.lots)} lots)"
        print(
            f"{label} {elapsed:7.2f} s  {rate:7.1f} M reads/s  ({elapsed / floor:.1f}x the floor)"
        )
        print(f"energy in lots: {issued:,} Wh of {total:,} Wh read (local-year boundaries)")
        print(f"peak RSS {peak_mib():,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
