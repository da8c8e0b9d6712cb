"""Evidence: which stretches of time each registered generation meter covers, and its gaps.

A read covers its interval, but never more than the device's usual reporting
interval (the median length of its reads): a register read across a four-day
outage carries real energy, yet says nothing about when it was produced, so
all but the usual interval is a gap. Reads of quality `missing` cover nothing.
Consecutive covered intervals merge into segments (one pass, per device); a
window's gaps are what its devices' segments leave uncovered inside it.

A window is evidenced when some device has reads in it and no device has an
unexplained gap over the Standard's 24 hours in it (`validation/config.py`);
a registered gap explanation for the project that covers a gap releases it.
The planner holds a window without evidence; the lot's scorecard and the
analysts' `meter_gaps` table count the same gaps, from these functions.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import polars as pl

from rrec_pipeline.amounts import decimal_text
from rrec_pipeline.issuance.energy import project_reads
from rrec_pipeline.issuance.windows import Window, local_stamp
from rrec_pipeline.tables import METER_GAPS
from rrec_pipeline.validation.config import DEFAULT_CONFIG
from rrec_pipeline.validation.gap_explanations import GapExplanation

DEVICE = ["project_id", "source", "site_id", "device_id"]
SEGMENT_SCHEMA = {
    "project_id": pl.String,
    "source": pl.String,
    "site_id": pl.String,
    "device_id": pl.String,
    "segment_start": pl.Datetime("us", "UTC"),
    "segment_end": pl.Datetime("us", "UTC"),
}
NO_READS = "completeness.no_reads"
GAP = "completeness.gap"


@dataclass(frozen=True)
class Gap:
    device: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True)
class Evidence:
    """What a window's registered generation devices cover of it (seconds summed over them)."""

    devices: int = 0
    covered_seconds: int = 0
    gap_seconds: int = 0
    unexplained: Gap | None = None  # the longest gap over 24 h no explanation covers

    def hold(self, window: Window) -> tuple[str, str] | None:
        """(rule, reason) when the window may not be issued on this evidence."""
        if self.covered_seconds == 0:
            return NO_READS, (
                f"no reads from the project's {self.devices} generation device(s) "
                f"between {local_stamp(window.start_utc, window.zone)} and "
                f"{local_stamp(window.end_utc, window.zone)}"
            )
        gap = self.unexplained
        if gap is None:
            return None
        hours = f"{Decimal(gap.seconds) / 3600:.1f}"
        return GAP, (
            f"device {gap.device} has no reads for {hours} h from "
            f"{local_stamp(gap.start, window.zone)} (over {_tolerance_hours()} h, not explained)"
        )


def _tolerance_hours() -> str:
    return decimal_text(Decimal(int(DEFAULT_CONFIG.gap_tolerance.total_seconds())) / 3600)


# Seconds since 1970 fit in 2**34 for millennia: a meter's ordinal times 2**34, plus a
# time in seconds, is one integer key that sorts by meter, then time.
_METER_STRIDE = 2**34
METER = ["source", "site_id", "device_id"]


def device_segments(reads: pl.LazyFrame, devices: pl.DataFrame) -> pl.DataFrame:
    """Covered segments of every registered generation device, and one empty row (null
    segment) for a registration no read matches: it has evidence of nothing.

    One pass over the reads of the registered sites, one sort by a single integer key
    (the meter's ordinal, then time), so a meter's reads follow one another and the
    running maximum of what they reach never crosses from one meter to the next. The
    segments, few, then meet the registrations (`project_reads`), not every read.
    """
    registered = devices.filter(pl.col("role") == "generation").select("source", "site_id")
    counted = reads.filter(pl.col("quality") != "missing").join(
        registered.unique().lazy(), on=["source", "site_id"], how="semi"
    )
    meters = (
        counted.group_by(METER)
        .agg()
        .collect(engine="streaming")
        .with_columns(pl.struct(METER).hash().alias("_meter"))
        .with_row_index("_ordinal")
    )
    slim = counted.select(
        pl.struct(METER).hash().alias("_meter"),
        pl.col("interval_start").dt.epoch("s").alias("_start"),
        (pl.col("interval_end") - pl.col("interval_start")).dt.total_seconds().alias("_length"),
    ).collect(engine="streaming")
    usual = slim.group_by("_meter").agg(pl.col("_length").median().alias("_usual"))
    axis = pl.col("_ordinal").cast(pl.Int64) * _METER_STRIDE
    reach = axis + pl.col("_start") + pl.min_horizontal("_length", "_usual").cast(pl.Int64)
    previous = pl.col("_reach").cum_max().shift(1)
    per_meter = (
        slim.join(usual.join(meters.select("_meter", "_ordinal"), on="_meter"), on="_meter")
        .select((axis + pl.col("_start")).alias("_key"), reach.alias("_reach"))
        .sort("_key")
        .with_columns(
            (previous.is_null() | (pl.col("_key") > previous)).cum_sum().alias("_segment")
        )
        .group_by("_segment")
        .agg(pl.col("_key").min(), pl.col("_reach").max())
        .select(
            (pl.col("_key") // _METER_STRIDE).cast(pl.UInt32).alias("_ordinal"),
            pl.from_epoch(pl.col("_key") % _METER_STRIDE, "s").alias("segment_start"),
            pl.from_epoch(pl.col("_reach") % _METER_STRIDE, "s").alias("segment_end"),
        )
        .join(meters.drop("_meter"), on="_ordinal")
    )
    segments = (
        project_reads(per_meter.lazy(), devices, "generation")
        .select(*DEVICE, "segment_start", "segment_end")
        .with_columns(pl.col("segment_start", "segment_end").dt.replace_time_zone("UTC"))
        .collect()
        .cast(SEGMENT_SCHEMA)
    )
    return pl.concat([segments, _unseen(devices, segments)])


def _unseen(devices: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """Generation registrations (a meter, or a whole site) without a single read."""
    registered = devices.filter(pl.col("role") == "generation")
    exact = registered.filter(pl.col("device_id").is_not_null()).join(
        segments, on=DEVICE, how="anti"
    )
    sites = registered.filter(pl.col("device_id").is_null()).join(
        segments, on=["project_id", "source", "site_id"], how="anti"
    )
    rows = pl.concat(
        [
            exact.select(*DEVICE),
            sites.select(
                "project_id",
                "source",
                "site_id",
                pl.format("site {}", "site_id").alias("device_id"),
            ),
        ],
        how="vertical_relaxed",
    ).unique(maintain_order=True)
    return rows.with_columns(
        pl.lit(None, pl.Datetime("us", "UTC")).alias("segment_start"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("segment_end"),
    ).cast(SEGMENT_SCHEMA)


@dataclass(frozen=True)
class Spans:
    """A meter's covered segments, disjoint and in time order: their starts and their ends."""

    name: str
    starts: list[datetime]
    ends: list[datetime]


def segments_by_project(segments: pl.DataFrame) -> dict[str, dict[tuple, Spans]]:
    """Project -> meter (source, site, device) -> its segments (none: no reads)."""
    found: dict[str, dict[tuple, Spans]] = {}
    ordered = segments.sort(*DEVICE, "segment_start", nulls_last=True)
    for project, source, site, device, start, end in ordered.iter_rows():
        meters = found.setdefault(project, {})
        spans = meters.setdefault((source, site, device), Spans(device, [], []))
        if start is not None:
            spans.starts.append(start)
            spans.ends.append(end)
    return found


def window_evidence(
    devices: dict[tuple, Spans],
    window: Window,
    explanations: Iterable[GapExplanation] = (),
    project_name: str = "",
) -> Evidence:
    """The window's coverage and its longest unexplained gap over the tolerance."""
    tolerance = DEFAULT_CONFIG.gap_tolerance
    covered = gaps = 0
    worst: Gap | None = None
    for spans in devices.values():
        found, seconds = window_gaps(spans, window)
        covered += seconds
        for gap in found:
            gaps += gap.seconds
            explained = any(e.covers(project_name, gap.start, gap.end) for e in explanations)
            too_long = gap.end - gap.start > tolerance
            if too_long and not explained and (worst is None or gap.seconds > worst.seconds):
                worst = gap
    return Evidence(len(devices), covered, gaps, worst)


def window_gaps(spans: Spans, window: Window) -> tuple[list[Gap], int]:
    """(what the meter's segments leave uncovered inside the window, in time order; the
    seconds they cover of it). Only the segments that reach into the window are visited."""
    found, covered, reach = [], 0, window.start_utc
    index = bisect.bisect_right(spans.ends, window.start_utc)
    while index < len(spans.starts) and spans.starts[index] < window.end_utc:
        start, end = spans.starts[index], min(spans.ends[index], window.end_utc)
        if start > reach:
            found.append(Gap(spans.name, reach, start))
        covered += int((end - max(start, reach)).total_seconds())
        reach = max(reach, end)
        index += 1
    if reach < window.end_utc:
        found.append(Gap(spans.name, reach, window.end_utc))
    return found, covered


def meter_gaps(segments: pl.DataFrame) -> pl.DataFrame:
    """Every gap between a device's first and last read (the analysts' `meter_gaps`)."""
    seen = segments.filter(pl.col("segment_start").is_not_null())
    previous_end = pl.col("segment_end").shift(1).over(DEVICE)
    return (
        seen.sort(*DEVICE, "segment_start")
        .with_columns(previous_end.alias("gap_start"))
        .filter(pl.col("gap_start").is_not_null())
        .select(
            *DEVICE,
            "gap_start",
            pl.col("segment_start").alias("gap_end"),
            (pl.col("segment_start") - pl.col("gap_start")).dt.total_seconds().alias("gap_seconds"),
        )
        .cast(METER_GAPS.dtypes)
    )
