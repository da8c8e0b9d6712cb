"""Normalisation: registers to deltas, resets and rollovers, duplicates, the window (Wh)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from rrec_pipeline.meter_reads.normalise import normalise
from rrec_pipeline.meter_reads.pages import Page, readings_frame

T0 = datetime(2025, 3, 14, tzinfo=UTC)
DAY = (T0, T0 + timedelta(days=1))


def page(received: datetime = T0 + timedelta(days=2), **context) -> Page:
    return Page("steamaco", "test", "/test", {}, 200, received, b"", context)


def registers(values: list[int], device: str = "m1", **kwargs) -> pl.DataFrame:
    rows = [
        {
            "device_id": device,
            "kind": "register",
            "interval_end": T0 + timedelta(hours=h),
            "wh": value,
        }
        for h, value in enumerate(values)
    ]
    return readings_frame(page(**kwargs), rows)


def intervals(
    values: list[int | None],
    device: str = "m2",
    received: datetime | None = None,
) -> pl.DataFrame:
    rows = [
        {
            "device_id": device,
            "kind": "interval",
            "interval_start": T0 + timedelta(hours=h),
            "interval_end": T0 + timedelta(hours=h + 1),
            "wh": value,
        }
        for h, value in enumerate(values)
    ]
    return readings_frame(page(received or T0 + timedelta(days=2)), rows)


def run(*frames: pl.DataFrame, cap: float = 100.0):
    return normalise(pl.concat(frames), DAY, max_kwh_per_hour=cap)


def test_registers_become_hourly_deltas() -> None:
    result = run(registers([10_000, 10_500, 11_250, 11_250]))
    assert result.reads["wh"].to_list() == [500, 750, 0]
    assert result.reads["quality"].unique().to_list() == ["measured"]
    assert result.anomalies.is_empty()


def test_a_rollover_is_counted_and_marked_estimated() -> None:
    result = run(registers([99_990_000, 99_999_000, 4_000]))
    assert result.reads["wh"].to_list() == [9_000, 5_000]
    assert result.reads["quality"].to_list() == ["measured", "estimated"]
    assert result.anomalies["anomaly"].to_list() == ["rollover"]


def test_a_reset_is_missing_never_negative() -> None:
    result = run(registers([500_000, 501_000, 3_000, 4_000]))
    assert result.reads["wh"].to_list() == [1_000, None, 1_000]
    assert result.reads["quality"].to_list() == ["measured", "missing", "measured"]
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "reset" and "501000 to 3000 Wh" in anomaly["detail"]


def test_an_implausible_jump_is_missing_never_huge() -> None:
    result = run(registers([1_000, 2_000, 1_000_000_000, 1_000_001_000]), cap=100.0)
    assert result.reads["wh"].to_list() == [1_000, None, 1_000]
    assert result.anomalies["anomaly"].to_list() == ["implausible_jump"]
    assert result.reads["wh"].max() <= 100_000


def test_negative_intervals_are_held_back() -> None:
    result = run(intervals([500, -200, 100]))
    assert result.reads["wh"].to_list() == [500, None, 100]
    assert result.anomalies["anomaly"].to_list() == ["negative_interval"]


def test_duplicate_deliveries_collapse_and_keep_the_first_arrival_time() -> None:
    early, late = T0 + timedelta(days=1), T0 + timedelta(days=3)
    result = run(intervals([500, 250], received=late), intervals([500, 250], received=early))
    assert result.reads.height == 2
    assert result.reads["ingested_at"].unique().to_list() == [early]
    assert result.anomalies.is_empty()


def test_disagreeing_deliveries_keep_the_latest_value_and_are_reported() -> None:
    first = intervals([500], received=T0 + timedelta(days=1))
    corrected = intervals([750], received=T0 + timedelta(days=2))
    result = run(corrected, first)
    assert result.reads["wh"].to_list() == [750]
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "conflicting_duplicate"
    assert anomaly["detail"] == "deliveries disagree: 500 Wh, then 750 Wh; kept the latest"


def test_only_intervals_starting_in_the_window_are_kept() -> None:
    rows = [
        {
            "device_id": "m3",
            "kind": "interval",
            "interval_start": T0 + timedelta(hours=h),
            "interval_end": T0 + timedelta(hours=h + 1),
            "wh": 1000,
        }
        for h in (-1, 0, 23, 24)
    ]
    result = run(readings_frame(page(), rows))
    assert result.reads["interval_start"].to_list() == [T0, T0 + timedelta(hours=23)]


def test_missing_values_stay_missing() -> None:
    result = run(intervals([500, None]))
    assert result.reads["quality"].to_list() == ["measured", "missing"]


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_result_does_not_depend_on_page_order(shuffle: bool) -> None:
    frames = [registers([10_000, 11_000, 12_500]), intervals([500, 250])]
    if shuffle:
        frames.reverse()
    result = run(*frames)
    assert result.reads.sort("device_id", "interval_start")["wh"].to_list() == [
        1_000,
        1_500,
        500,
        250,
    ]


def test_a_register_one_below_a_power_of_ten_rolls_over_exactly() -> None:
    """The range is the next power of ten above the reading, found without logarithms."""
    result = run(registers([9_999_000, 9_999_900, 1_100]))
    assert result.reads["wh"].to_list() == [900, 1_200]
    assert result.reads["quality"].to_list() == ["measured", "estimated"]


def test_register_deltas_add_up_to_last_minus_first_exactly() -> None:
    values = [123_456_789, 123_457_001, 123_460_333, 123_460_334]
    result = run(registers(values), cap=10_000.0)
    assert result.reads["wh"].sum() == values[-1] - values[0]
    assert result.reads["wh"].dtype == pl.Int64


def test_reads_come_out_in_the_order_the_checks_rely_on() -> None:
    """Device, then interval start, then source: the schema and overlap checks
    compare neighbours instead of sorting when rows are in this order."""
    result = run(intervals([1, 2, 3], device="m9"), registers([10, 20, 40], device="m10"))
    assert result.reads.equals(result.reads.sort("device_id", "interval_start", "source"))
    assert result.reads["device_id"].to_list() == ["m10", "m10", "m9", "m9", "m9"]


def test_finer_reads_delivered_later_replace_the_long_reading_they_overlap() -> None:
    """A register read across a 6-hour outage, then the outage's hourly intervals."""
    long = readings_frame(
        page(T0 + timedelta(days=1)),
        [
            {
                "device_id": "m2",
                "kind": "interval",
                "interval_start": T0 + timedelta(hours=2),
                "interval_end": T0 + timedelta(hours=8),
                "wh": 3000,
            }
        ],
    )
    hourly = intervals([100] * 2 + [400, 500, 600], received=T0 + timedelta(days=2))
    hourly = hourly.filter(pl.col("interval_start") >= T0 + timedelta(hours=2))
    result = run(long, hourly)
    starts = [at.hour for at in result.reads["interval_start"]]
    assert starts == [2, 3, 4], "the finer reads stay; nothing starts twice, nothing overlaps"
    assert result.reads["wh"].to_list() == [400, 500, 600]
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "replaced_by_finer_reads"
    assert "(3000 Wh) overlapped finer reads" in anomaly["detail"]


def test_a_long_reading_that_overlaps_nothing_stays() -> None:
    long = readings_frame(
        page(),
        [
            {
                "device_id": "m2",
                "kind": "interval",
                "interval_start": T0 + timedelta(hours=5),
                "interval_end": T0 + timedelta(hours=9),
                "wh": 3000,
            }
        ],
    )
    result = run(intervals([100, 100]), long)
    assert result.reads["wh"].to_list() == [100, 100, 3000]
    assert result.anomalies.is_empty()
