#!/usr/bin/env python3
"""Benchmark suite: a year of hourly meter reads, end to end, beside the floor.

Usage: python bench/run.py --size 1M|10M|100M [--dir FOLDER] [--seed N] [--peer duckdb]

Generates the set once under FOLDER (`bench/generate.py`; default
`/tmp/rrec-bench-<size>`, kept for the next run), then runs each step as its own
process, so each peak RSS is that step's alone:
- floor: `polars.scan_parquet(...).select(pl.col("kwh").sum())` over the same files;
- read_sort_write: polars alone reading each week's readings, sorting them by
  device and time and writing them out a day a file (what any normaliser that
  finds duplicates and writes a table by day must at least do);
- parse: the raw days through the connectors' parsers (SteamaCo JSON, generic
  CSV drops, Enphase JSON), readings/s per format;
- normalise: a week at a time, as a range run of the meter assets does (the
  stretch's days and one on either side) -> the normalised table, written per day;
- validate: the meter-read asset checks (pandera schema, no overlaps) a week at
  a time, as they check a range run's days;
- plan: issuance lots of one monthly reservation per mini-grid site, one lazy
  scan over the normalised days;
- classify: AMS-III.BB customer months (Type 1-MA / 1-MB / II) from the same scan.
Prints, per step, seconds, reads/s, peak RSS and the ratio to the floor; and
the end-to-end total (normalise + validate + plan + classify). Figures only;
nothing asserts on time. `--step NAME --profile FILE` runs one step in this
process and writes where its time went (pyinstrument) to FILE. `--peer duckdb`
then runs the same four steps as plain DuckDB SQL (`bench/peers/duckdb_job.py`),
each its own process on the same files, and prints both side by side with the
ratio, and whether the two found the same numbers (reads out, overlaps, lots,
R-RECs, Type I and II MWh).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import INGESTED, YEAR, generate, size_count
from peers.compare import report_peer

END_TO_END = ("normalise", "validate", "plan", "classify")
PEERS = {"duckdb": Path(__file__).resolve().parent / "peers" / "duckdb_job.py"}
MAX_KWH_PER_HOUR = 10_000


def _files(folder: Path, name: str) -> list[Path]:
    return sorted((folder / name).glob("*.parquet"))


def floor(folder: Path) -> dict:
    files = _files(folder, "parsed")
    total = pl.scan_parquet(files).select(pl.col("kwh").sum()).collect().item()
    return {"reads": _count(folder), "detail": f"{total} kWh"}


def read_sort_write(folder: Path) -> dict:
    """A second floor: polars alone reading each day's readings, sorting them by device
    and time and writing them back, the least a normaliser that finds duplicates
    and writes its table a file a day has to do."""
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        for path in _files(folder, "parsed"):
            day = pl.read_parquet(path).sort("device_id", "interval_start")
            day.write_parquet(Path(scratch) / path.name)
    return {"reads": _count(folder), "detail": "read every column, sort, write, a day at a time"}


def parse(folder: Path) -> dict:
    from rrec_pipeline.meter_reads.ingest import BATCH_PAGES
    from rrec_pipeline.meter_reads.pages import Page
    from rrec_pipeline.meter_reads.parsers import parse_batch

    kinds = {
        "steamaco": ("steamaco.meter_readings", "*.json"),
        "files": ("files.csv", "generic/*/*.csv"),
        "enphase": ("enphase.meter_readings", "*.json"),
    }
    counts, seconds = {}, {}
    for source, (kind, pattern) in kinds.items():
        started, pages = time.perf_counter(), []
        for path in sorted((folder / "raw" / source).glob(pattern)):
            device = path.stem.rsplit("-", 1)[0]
            context = {"device_id": device, "site_id": path.parent.name, "vendor": "generic"}
            pages.append(
                Page(source, kind, path.name, {}, 200, INGESTED, path.read_bytes(), context)
            )
        rows = 0
        for first in range(0, len(pages), BATCH_PAGES):  # as a fetch lands them
            rows += sum(f.height for f in parse_batch(pages[first : first + BATCH_PAGES]))
        counts[source], seconds[source] = rows, time.perf_counter() - started
    detail = ", ".join(
        f"{source} {counts[source]:,} in {seconds[source]:.2f} s "
        f"({counts[source] / max(seconds[source], 1e-9) / 1e3:,.0f} k/s)"
        for source in kinds
    )
    return {"reads": sum(counts.values()), "detail": detail}


def normalise(folder: Path) -> dict:
    from rrec_pipeline.meter_reads.days import STRETCH_DAYS, split_by_day
    from rrec_pipeline.meter_reads.ingest import day_window
    from rrec_pipeline.meter_reads.normalise import normalise as normalise_readings

    target = folder / "normalised"
    target.mkdir(exist_ok=True)
    days = [date.fromisoformat(path.stem) for path in _files(folder, "parsed")]
    reads = anomalies = 0
    held: dict[date, pl.DataFrame] = {}
    for first in range(0, len(days), STRETCH_DAYS):
        stretch = days[first : first + STRETCH_DAYS]
        # As a range run reads its pages: the stretch's days and one on either side,
        # each parsed once and kept while a later stretch still needs it.
        span = days[max(0, first - 1) : first + STRETCH_DAYS + 1]
        for day in span:
            if day not in held:
                held[day] = _parsed_day(folder, day)
        parsed = pl.concat([held[day] for day in span])
        for day in [day for day in held if day < span[-2]]:
            del held[day]
        window = (day_window(stretch[0])[0], day_window(stretch[-1])[1])
        result = normalise_readings(parsed, window, max_kwh_per_hour=MAX_KWH_PER_HOUR)
        for day, part in split_by_day(result.reads, "interval_start").items():
            part.write_parquet(target / f"{day}.parquet")
        reads += result.reads.height
        anomalies += result.anomalies.height
    return {
        "reads": _count(folder),
        "detail": f"{reads:,} reads out, {anomalies:,} anomalies",
        "numbers": {"reads_out": reads},
    }


def _parsed_day(folder: Path, day: date) -> pl.DataFrame:
    parsed = pl.read_parquet(folder / "parsed" / f"{day}.parquet")
    return parsed.with_columns((pl.col("kwh") * 1000).cast(pl.Int64).alias("wh")).drop("kwh")


def validate(folder: Path) -> dict:
    from rrec_pipeline.meter_reads.days import STRETCH_DAYS
    from rrec_pipeline.meter_reads.overlaps import overlapping_intervals
    from rrec_pipeline.tables import METER_READS

    rows = overlaps = 0
    files = _files(folder, "normalised")
    for first in range(0, len(files), STRETCH_DAYS):  # as the checks of a range run
        frame = pl.read_parquet(files[first : first + STRETCH_DAYS])
        METER_READS.schema.validate(frame, lazy=True)
        overlaps += overlapping_intervals(frame).height
        rows += frame.height
    return {
        "reads": _count(folder),
        "detail": f"{rows:,} reads checked, {overlaps} overlaps",
        "numbers": {"overlaps": overlaps},
    }


def plan(folder: Path) -> dict:
    from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
    from rrec_pipeline.registry.files import load_registry

    registry = load_registry(folder / "registry")
    reads = pl.scan_parquet(_files(folder, "normalised"))
    made = make_plan(registry, reads, PlanSettings(as_of_clock(date(YEAR + 1, 2, 1))))
    issued = sum(lot.rrecs for lot in made.lots)
    return {
        "reads": _count(folder),
        "detail": f"{len(made.lots):,} lots, {issued:,} R-RECs",
        "numbers": {"lots": len(made.lots), "rrecs": issued},
    }


def classify(folder: Path) -> dict:
    from rrec_pipeline.credits.minigrid import customer_months

    months = customer_months(pl.scan_parquet(_files(folder, "normalised")))
    type1 = months["type1_ma_mwh"].sum() + months["type1_mb_mwh"].sum()
    numbers = {
        "type1_ma_mwh": months["type1_ma_mwh"].sum(),
        "type1_mwh": type1,
        "type2_mwh": months["type2_mwh"].sum(),
    }
    return {
        "reads": _count(folder),
        "detail": f"{months.height:,} site months, Type I {type1} MWh, "
        f"Type II {numbers['type2_mwh']} MWh",
        "numbers": {name: format(value.normalize(), "f") for name, value in numbers.items()},
    }


STEPS = {
    f.__name__: f for f in (floor, read_sort_write, parse, normalise, validate, plan, classify)
}


def _count(folder: Path) -> int:
    return json.loads((folder / "manifest.json").read_text())["readings"]


def run_step(name: str, folder: Path, script: Path = Path(__file__)) -> dict:
    """One step in its own process: its time, its peak RSS and what it found."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), "--step", name, "--dir", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "process_seconds": time.perf_counter() - started}


def in_process(name: str, folder: Path, profile: Path | None = None) -> None:
    profiler = None
    if profile is not None:  # pyinstrument, a dev dependency: where the step's time goes
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    started = time.perf_counter()
    result = STEPS[name](folder)
    result["seconds"] = time.perf_counter() - started
    if profiler is not None:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, show_all=False))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def report(size: str, held: dict, results: dict[str, dict]) -> None:
    base = results["floor"]["seconds"]
    print(f"size {size}: {held['readings']:,} readings ({held['fleet']}), seed {held['seed']}")
    print(f"{'step':<15} {'seconds':>8} {'M reads/s':>10} {'peak MiB':>9} {'x floor':>8}  detail")
    for name, result in results.items():
        rate = result["reads"] / result["seconds"] / 1e6
        print(
            f"{name:<15} {result['seconds']:8.2f} {rate:10.2f} {result['peak_mib']:9,.0f} "
            f"{result['seconds'] / base:8.1f}  {result['detail']}"
        )
    if not all(name in results for name in END_TO_END):
        return
    total = sum(results[name]["seconds"] for name in END_TO_END)
    peak = max(results[name]["peak_mib"] for name in END_TO_END)
    print(
        f"{'end to end':<15} {total:8.2f} {held['readings'] / total / 1e6:10.2f} {peak:9,.0f} "
        f"{total / base:8.1f}  {' + '.join(END_TO_END)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=sorted(STEPS), help="steps to run")
    parser.add_argument(
        "--peer", choices=sorted(PEERS), help="the same steps by a peer, side by side"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="with --step: a pyinstrument profile"
    )
    args = parser.parse_args()
    folder = args.dir or Path(f"/tmp/rrec-bench-{args.size}")
    if args.step:
        in_process(args.step, folder, args.profile)
        return 0
    started = time.perf_counter()
    held = generate(folder, size_count(args.size), args.seed)
    print(f"data: {folder} ({time.perf_counter() - started:.1f} s to generate or find)")
    results = {name: run_step(name, folder) for name in (args.only or STEPS)}
    if "floor" not in results:
        results = {"floor": run_step("floor", folder), **results}
    report(args.size, held, results)
    if args.peer:
        peer = {name: run_step(name, folder, PEERS[args.peer]) for name in END_TO_END}
        report_peer(args.peer, held["readings"], END_TO_END, results, peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
