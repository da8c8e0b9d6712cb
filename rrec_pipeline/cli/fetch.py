"""`rrec fetch SOURCE --start --end --out`: run one connector by hand, write Parquet.

Credentials come from `RREC_<SOURCE>_URL`, `_TOKEN` and `_SECRET`; the file
drop is `RREC_FILES_URL` (a path), else `RREC_FILES_DIR`, else
`$RREC_HOME/meter_drop`. Pages land in `--landing` (default: a temporary
folder, removed afterwards). Each UTC day of an API is fetched and normalised
on its own, with a progress line per day on stderr; a day that fails is
reported and the others are still written; a host that cannot be reached stops
the fetch (asking it again for every day would only repeat the same error). The
file drop is read once for the whole range: each file is landed and parsed
once, then split by day.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from rrec_pipeline.basics.home import home_paths
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.meter_reads.days import normalise_day, normalise_days
from rrec_pipeline.meter_reads.ingest import PageRejectedError, land_day, land_days
from rrec_pipeline.resources.meters.http_errors import SourceError, SourceUnreachableError
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_sources import meter_sources_from_env
from rrec_pipeline.schemas.meter_reads import SOURCES
from rrec_pipeline.tables import METER_READS


def run(args: argparse.Namespace) -> int:
    if args.source not in SOURCES:
        raise UsageError(f"unknown source {args.source!r}: one of {', '.join(SOURCES)}")
    if args.end < args.start:
        raise UsageError("--end is before --start")
    if args.out.suffix != ".parquet":
        raise UsageError("--out must be a .parquet path")
    source = meter_sources_from_env(str(home_paths()["meter_drop"]), as_env_var=False).get(
        args.source
    )
    try:
        source.require_configured()
    except SourceError as error:
        raise UsageError(error.cause) from None
    reads, failures = fetch_days(source, args.start, args.end, args.landing)
    print(write_reads(reads, failures, args.out), file=sys.stderr)
    return EXIT_INVALID if failures else EXIT_OK


def fetch_days(
    source, start: date, end: date, landing_dir: Path | None
) -> tuple[pl.DataFrame, list[str]]:
    """Normalised reads of every day that worked, and a message per day that failed."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    with tempfile.TemporaryDirectory(prefix="rrec-landing-") as scratch:
        landing = LandingZone(path=str(landing_dir or scratch))
        if source.always_rescan:
            return _fetch_drop(source, days, landing)
        return _fetch_api(source, days, landing)


def _fetch_drop(source, days: list[date], landing: LandingZone) -> tuple[pl.DataFrame, list[str]]:
    """The drop's files landed and parsed once for the whole range, then split by day."""
    landed = land_days(source, landing, days, skip_bad_pages=True)
    by_day = normalise_days(source.source, landing, days, max_kwh_per_hour=source.max_kwh_per_hour)
    for number, (day, normalised) in enumerate(by_day.items(), start=1):
        print(
            f"[{number}/{len(days)}] {source.source} {day}: {normalised.reads.height} reads",
            file=sys.stderr,
        )
    reads = pl.concat([normalised.reads for normalised in by_day.values()])
    rejected = dict.fromkeys(error for _, error in landed.quarantined)
    return METER_READS.validate(reads), [f"rejected {escaped(error)}" for error in rejected]


def _fetch_api(source, days: list[date], landing: LandingZone) -> tuple[pl.DataFrame, list[str]]:
    """Day by day, each from its own cursor; an unreachable host stops the fetch."""
    frames, failures, rejected = [], [], {}
    now = datetime.now(UTC)
    for number, day in enumerate(days, start=1):
        progress = f"[{number}/{len(days)}] {source.source} {day}"
        try:
            landed = land_day(source, landing, day, now=now)
            rejected.update(dict.fromkeys(error for _, error in landed.quarantined))
            limit = source.max_kwh_per_hour
            normalised = normalise_day(source.source, landing, day, max_kwh_per_hour=limit)
        except SourceUnreachableError as error:
            failures.append(f"{day}: {error}")
            skipped = len(days) - number
            print(f"{progress}: failed: {error}", file=sys.stderr)
            if skipped:
                failures.append(f"{skipped} later day(s) not fetched: the host is unreachable")
            break
        except (SourceError, PageRejectedError) as error:
            failures.append(f"{day}: {error}")
            print(f"{progress}: failed: {error}", file=sys.stderr)
            continue
        frames.append(normalised.reads)
        print(f"{progress}: {normalised.reads.height} reads", file=sys.stderr)
    reads = pl.concat(frames) if frames else METER_READS.empty()
    failures += [f"rejected {escaped(error)}" for error in rejected]
    return METER_READS.validate(reads), failures


def write_reads(reads: pl.DataFrame, failures: list[str], out: Path) -> str:
    """Write the Parquet file; returns the summary for stderr."""
    out.parent.mkdir(parents=True, exist_ok=True)
    reads.write_parquet(out)
    summary = (
        f"wrote {reads.height} reads for {reads['device_id'].n_unique()} devices, "
        f"{int(reads['wh'].sum())} Wh, to {out}"
    )
    return "\n".join([summary] + [f"failed {failure}" for failure in failures])
