"""`rrec fetch SOURCE --start --end --out`: run one connector by hand, write Parquet.

Credentials come from `RREC_<SOURCE>_URL`, `_TOKEN` and `_SECRET` (for files:
`RREC_FILES_URL`, a folder). Pages land in `--landing` (default: a temporary
folder, removed afterwards). Each UTC day is fetched and normalised on its
own; a day that fails is reported and the others are still written.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from rrec_pipeline.meter_reads.ingest import PageRejectedError, land_day, normalise_day
from rrec_pipeline.meter_reads.normalise import READ_COLUMNS
from rrec_pipeline.resources.http import SourceError
from rrec_pipeline.resources.landing import LandingZone
from rrec_pipeline.resources.meter_sources import meter_sources_from_env
from rrec_pipeline.schemas import polars_schema
from rrec_pipeline.schemas.meter_reads import SOURCES, MeterReads


def add_fetch_parser(commands: argparse._SubParsersAction, handler) -> None:
    fetch = commands.add_parser("fetch", help="fetch and normalise one source's meter data")
    fetch.add_argument("source", choices=SOURCES)
    fetch.add_argument("--start", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    fetch.add_argument("--end", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    fetch.add_argument("--out", type=Path, required=True, metavar="PATH.parquet")
    fetch.add_argument("--landing", type=Path, help="keep the raw pages here")
    fetch.set_defaults(handler=handler)


def fetch_days(args: argparse.Namespace) -> tuple[pl.DataFrame, list[str]]:
    """Normalised reads of every day that worked, and a message per day that failed."""
    source = meter_sources_from_env(files_dir="", as_env_var=False).get(args.source)
    source.require_configured()
    with tempfile.TemporaryDirectory(prefix="rrec-landing-") as scratch:
        landing = LandingZone(path=str(args.landing or scratch))
        now = datetime.now(UTC)
        frames, failures = [], []
        day = args.start
        while day <= args.end:
            try:
                land_day(source, landing, day, now=now, skip_bad_pages=source.always_rescan)
                frames.append(
                    normalise_day(
                        args.source, landing, day, max_kwh_per_hour=source.max_kwh_per_hour
                    ).reads
                )
            except (SourceError, PageRejectedError) as error:
                failures.append(f"{day}: {error}")
            day += timedelta(days=1)
    reads = pl.concat(frames) if frames else _empty_reads()
    return MeterReads.validate(reads.select(READ_COLUMNS)), failures


def _empty_reads() -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(MeterReads))


def write_reads(reads: pl.DataFrame, failures: list[str], out: Path) -> str:
    """Write the Parquet file; returns the summary for stderr."""
    out.parent.mkdir(parents=True, exist_ok=True)
    reads.write_parquet(out)
    lines = [
        f"wrote {reads.height} reads for {reads['device_id'].n_unique()} devices, "
        f"{reads['kwh'].sum() or 0:.6g} kWh, to {out}"
    ]
    return "\n".join(lines + [f"failed {failure}" for failure in failures])
