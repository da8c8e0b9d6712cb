#!/usr/bin/env python3
"""Benchmark: validate the registry corpus end to end (read, every rule, cross-file).

Usage: python bench/validate_corpus.py [FOLDER] [--repeat N]
Prints wall time per pass, files/s, MB/s and rows/s. Figures only; nothing asserts
on time. The first pass includes import warm-up and is reported separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rrec_pipeline.basics.drop_files import csv_files_in
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.config import ValidationConfig

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2] / "shared" / "corpus" / "renewvia_verification_data"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = csv_files_in(args.folder) if args.folder.is_dir() else []
    if not paths:
        print(f"no CSV files in {args.folder}", file=sys.stderr)
        return 2
    sources = [(str(path), path.read_bytes()) for path in paths]
    megabytes = sum(len(data) for _, data in sources) / 1e6
    config = ValidationConfig()

    timings, rows = [], 0
    for _ in range(args.repeat + 1):
        started = time.perf_counter()
        report = validate_sources(sources, config)
        timings.append(time.perf_counter() - started)
        rows = sum(len(r.file.readings) for r in report.files if r.file is not None)
    warm = timings[1:]
    median = statistics.median(warm)
    print(f"corpus: {len(paths)} files, {megabytes:.2f} MB, {rows} data rows ({args.folder})")
    print(f"first pass (with warm-up): {timings[0]:.3f} s")
    print(f"warm passes: median {median:.3f} s, best {min(warm):.3f} s over {len(warm)}")
    print(
        f"throughput (median): {len(paths) / median:.1f} files/s, "
        f"{megabytes / median:.2f} MB/s, {rows / median:,.0f} rows/s"
    )
    print(f"accepted {len(report.accepted)} of {len(report.files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
