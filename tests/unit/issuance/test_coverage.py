"""Evidence: what each registered generation meter covers of a window, and the gaps it leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from rrec_pipeline.issuance.coverage import meter_gaps, segments_by_project, window_evidence
from rrec_pipeline.issuance.segments import device_segments
from rrec_pipeline.issuance.windows import windows
from rrec_pipeline.tables import DEVICES, METER_READS
from rrec_pipeline.validation.gap_explanations import GapExplanation

T0 = datetime(2024, 3, 1, tzinfo=UTC)
MARCH = windows("monthly", T0.date(), datetime(2024, 3, 31).date(), "UTC")[0]


def reads(spans: list[tuple[int, int]], device="inv", quality="measured") -> pl.DataFrame:
    """Reads of `device` covering [start, end) hours after T0."""
    rows = [
        {
            "source": "files",
            "site_id": "s1",
            "device_id": device,
            "customer_id": None,
            "customer_class": None,
            "interval_start": T0 + timedelta(hours=start),
            "interval_end": T0 + timedelta(hours=end),
            "wh": None if quality == "missing" else 1000,
            "quality": quality,
            "ingested_at": T0,
        }
        for start, end in spans
    ]
    return pl.DataFrame(rows, schema=METER_READS.dtypes)


def devices(*rows: tuple) -> pl.DataFrame:
    names = ("project_id", "source", "site_id", "device_id", "role")
    return pl.DataFrame(
        [dict(zip(names, row, strict=True)) | {"line": n + 2} for n, row in enumerate(rows)],
        schema=DEVICES.dtypes,
    )


SITE = devices(("P", "files", "s1", None, "generation"))


def evidence(frame: pl.DataFrame, registered=SITE, explanations=()):
    covered = segments_by_project(device_segments(frame.lazy(), registered))
    return window_evidence(covered.get("P", {}), MARCH, explanations, "Plant")


def hourly(first: int, last: int) -> list[tuple[int, int]]:
    return [(h, h + 1) for h in range(first, last)]


def test_a_month_of_hourly_reads_is_covered_whole() -> None:
    found = evidence(reads(hourly(0, 31 * 24)))
    assert (found.devices, found.covered_seconds, found.gap_seconds) == (1, 31 * 86400, 0)
    assert found.hold(MARCH) is None


def test_a_long_read_across_a_hole_counts_only_its_usual_interval() -> None:
    """Hourly reads, then one register delta of 96 h, then hourly again."""
    spans = [*hourly(0, 100), (100, 196), *hourly(196, 31 * 24)]
    found = evidence(reads(spans))
    assert found.gap_seconds == 95 * 3600, "the excess over the usual hour is a gap"
    rule, reason = found.hold(MARCH)
    assert rule == "completeness.gap"
    assert reason.startswith("device inv has no reads for 95.0 h from 2024-03-05T05:00:00+00:00")


def test_missing_reads_cover_nothing_and_24_hours_is_not_over_24() -> None:
    spans = hourly(0, 31 * 24)
    frame = pl.concat(
        [
            reads([s for s in spans if not 48 <= s[0] < 72]),
            reads([s for s in spans if 48 <= s[0] < 72], quality="missing"),
        ]
    )
    found = evidence(frame)
    assert found.gap_seconds == 24 * 3600 and found.hold(MARCH) is None


def test_no_reads_at_all_and_a_site_without_reads_are_no_evidence() -> None:
    found = evidence(reads([]))
    assert found.devices == 1 and found.covered_seconds == 0
    assert found.hold(MARCH)[0] == "completeness.no_reads"
    two = devices(
        ("P", "files", "s1", "inv", "generation"), ("P", "files", "s2", None, "generation")
    )
    found = evidence(reads(hourly(0, 31 * 24)), two)
    assert found.devices == 2, "the second site's registration counts, without a read"
    rule, reason = found.hold(MARCH)
    assert rule == "completeness.gap" and reason.startswith(
        "device site s2 has no reads for 744.0 h"
    )


def test_a_registered_explanation_releases_the_gap_it_covers() -> None:
    spans = hourly(0, 100) + hourly(200, 31 * 24)
    gap = evidence(reads(spans))
    assert gap.hold(MARCH)[0] == "completeness.gap"
    why = GapExplanation("PLANT", T0 + timedelta(hours=99), T0 + timedelta(hours=201), "swap")
    explained = evidence(reads(spans), explanations=(why,))
    assert explained.hold(MARCH) is None and explained.gap_seconds == gap.gap_seconds


def test_meter_gaps_are_the_holes_between_a_devices_reads() -> None:
    spans = hourly(0, 100) + hourly(196, 300)
    gaps = meter_gaps(device_segments(reads(spans).lazy(), SITE))
    assert gaps.select("device_id", "gap_start", "gap_seconds").rows() == [
        ("inv", T0 + timedelta(hours=100), 96 * 3600)
    ]
