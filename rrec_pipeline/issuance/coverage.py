"""Evidence: which stretches of time each registered generation meter covers, and its gaps.

A read covers its interval, but never more than the device's usual reporting
interval (the median length of its reads): a register read across a four-day
outage carries real energy, yet says nothing about when it was produced, so
all but the usual interval is a gap. Reads of quality `missing` cover nothing.
Consecutive covered intervals merge into segments (`segments.py`); a window's
gaps are what its devices' segments leave uncovered inside it.

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

from rrec_pipeline.basics.amounts import decimal_text
from rrec_pipeline.issuance.segments import DEVICE
from rrec_pipeline.issuance.windows import Window, local_stamp
from rrec_pipeline.tables import METER_GAPS
from rrec_pipeline.validation.config import DEFAULT_CONFIG
from rrec_pipeline.validation.gap_explanations import GapExplanation

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
