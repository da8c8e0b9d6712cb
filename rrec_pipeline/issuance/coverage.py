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


def device_segments(reads: pl.LazyFrame, devices: pl.DataFrame) -> pl.DataFrame:
    """Covered segments of every registered generation device, and one empty row (null
    segment) for a registration no read matches: it has evidence of nothing."""
    tagged = project_reads(
        reads.filter(pl.col("quality") != "missing").select(
            "source", "site_id", "device_id", "interval_start", "interval_end"
        ),
        devices,
        "generation",
    )
    length = pl.col("interval_end") - pl.col("interval_start")
    reach = pl.col("interval_start") + pl.min_horizontal(length, length.median().over(DEVICE))
    previous = pl.col("_reach").cum_max().shift(1).over(DEVICE)
    segments = (
        tagged.select(*DEVICE, "interval_start", reach.alias("_reach"))
        .sort(*DEVICE, "interval_start")
        .with_columns(
            (previous.is_null() | (pl.col("interval_start") > previous))
            .cum_sum()
            .over(DEVICE)
            .alias("_segment")
        )
        .group_by(*DEVICE, "_segment")
        .agg(
            pl.col("interval_start").min().alias("segment_start"),
            pl.col("_reach").max().alias("segment_end"),
        )
        .drop("_segment")
        .collect(engine="streaming")
    )
    return pl.concat([segments.cast(SEGMENT_SCHEMA), _unseen(devices, segments)])


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


def segments_by_project(segments: pl.DataFrame) -> dict[str, dict[str, list[tuple]]]:
    """Project -> device name -> its segments (start, end) in time order (empty: no reads)."""
    found: dict[str, dict[str, list[tuple]]] = {}
    ordered = segments.sort("project_id", "device_id", "segment_start", nulls_last=True)
    for project, _, _, device, start, end in ordered.iter_rows():
        spans = found.setdefault(project, {}).setdefault(device, [])
        if start is not None:
            spans.append((start, end))
    return found


def window_evidence(
    devices: dict[str, list[tuple]],
    window: Window,
    explanations: Iterable[GapExplanation] = (),
    project_name: str = "",
) -> Evidence:
    """The window's coverage and its longest unexplained gap over the tolerance."""
    tolerance = DEFAULT_CONFIG.gap_tolerance
    covered = gaps = 0
    worst: Gap | None = None
    for device, spans in devices.items():
        for gap in window_gaps(device, spans, window):
            gaps += gap.seconds
            explained = any(e.covers(project_name, gap.start, gap.end) for e in explanations)
            too_long = gap.end - gap.start > tolerance
            if too_long and not explained and (worst is None or gap.seconds > worst.seconds):
                worst = gap
        covered += sum(
            int((min(end, window.end_utc) - max(start, window.start_utc)).total_seconds())
            for start, end in spans
            if start < window.end_utc and window.start_utc < end
        )
    return Evidence(len(devices), covered, gaps, worst)


def window_gaps(device: str, spans: list[tuple], window: Window) -> list[Gap]:
    """What the device's segments leave uncovered inside the window, in time order."""
    found, reach = [], window.start_utc
    for start, end in spans:
        if end <= reach:
            continue
        if start >= window.end_utc:
            break
        if start > reach:
            found.append(Gap(device, reach, start))
        reach = max(reach, end)
    if reach < window.end_utc:
        found.append(Gap(device, reach, window.end_utc))
    return found


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
