#!/usr/bin/env python3
"""Benchmark: normalise N parsed meter readings (default 10 million), print reads/s.

Usage: python bench/ingest.py [--readings N] [--devices D] [--repeat R]
The readings are 80 % interval energy (with 5 % duplicate deliveries, as Koios
sends) and 20 % cumulative registers, hourly, spread over D devices. Figures
only; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime

import polars as pl

from rrec_pipeline.meter_reads.normalise import normalise

START = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic(readings: int, devices: int) -> pl.DataFrame:
    intervals = int(readings * 0.8)
    registers = readings - intervals
    hour = pl.duration(hours=1)

    def block(count: int, kind: str, prefix: str) -> pl.DataFrame:
        index = pl.int_range(0, count, eager=True)
        frame = pl.DataFrame({"i": index}).with_columns(
            (pl.lit(prefix) + (pl.col("i") % devices).cast(pl.String)).alias("device_id"),
            (pl.lit(START) + hour * (pl.col("i") // devices)).alias("interval_end"),
        )
        if kind == "register":
            value = (pl.col("i") // devices).cast(pl.Float64) * 0.25 + 1000.0
            return frame.with_columns(
                pl.lit(None, pl.Datetime("us", "UTC")).alias("interval_start"), value.alias("kwh")
            )
        return frame.with_columns(
            (pl.col("interval_end") - hour).alias("interval_start"),
            ((pl.col("i") % 17).cast(pl.Float64) * 0.03125).alias("kwh"),
        )

    def finish(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
        return frame.with_columns(
            pl.lit("sparkmeter").alias("source"),
            pl.lit("site-1").alias("site_id"),
            pl.lit(None, pl.String).alias("customer_id"),
            pl.lit(None, pl.String).alias("customer_class"),
            pl.lit(kind).alias("kind"),
            pl.lit("measured").alias("quality"),
            pl.lit(START).alias("ingested_at"),
            pl.lit("bench").alias("page_id"),
        ).drop("i")

    interval_rows = finish(block(intervals, "interval", "meter-"), "interval")
    duplicates = interval_rows.sample(fraction=0.05, seed=1)
    register_rows = finish(block(registers, "register", "register-"), "register")
    columns = interval_rows.columns
    return pl.concat([interval_rows, duplicates.select(columns), register_rows.select(columns)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readings", type=int, default=10_000_000)
    parser.add_argument("--devices", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    built = time.perf_counter()
    parsed = synthetic(args.readings, args.devices)
    built = time.perf_counter() - built
    window = (START, parsed["interval_end"].max())
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = normalise(parsed, window, max_kwh_per_hour=10_000)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(
        f"readings: {parsed.height:,} parsed ({args.readings:,} + 5 % duplicate deliveries), "
        f"{args.devices:,} devices; built in {built:.1f} s"
    )
    print(f"normalise: median {median:.2f} s, best {min(timings):.2f} s over {args.repeat}")
    print(
        f"throughput (median): {parsed.height / median:,.0f} readings/s in, "
        f"{result.reads.height / median:,.0f} reads/s out"
    )
    print(f"out: {result.reads.height:,} reads, {result.anomalies.height:,} anomalies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
