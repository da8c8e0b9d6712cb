"""Normalisation: registers to deltas, resets and rollovers, duplicates, the window."""

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


def registers(values: list[float], device: str = "m1", **kwargs) -> pl.DataFrame:
    rows = [
        {
            "device_id": device,
            "kind": "register",
            "interval_end": T0 + timedelta(hours=h),
            "kwh": value,
        }
        for h, value in enumerate(values)
    ]
    return readings_frame(page(**kwargs), rows)


def intervals(
    values: list[float | None],
    device: str = "m2",
    received: datetime | None = None,
) -> pl.DataFrame:
    rows = [
        {
            "device_id": device,
            "kind": "interval",
            "interval_start": T0 + timedelta(hours=h),
            "interval_end": T0 + timedelta(hours=h + 1),
            "kwh": value,
        }
        for h, value in enumerate(values)
    ]
    return readings_frame(page(received or T0 + timedelta(days=2)), rows)


def run(*frames: pl.DataFrame, cap: float = 100.0):
    return normalise(pl.concat(frames), DAY, max_kwh_per_hour=cap)


def test_registers_become_hourly_deltas() -> None:
    result = run(registers([10.0, 10.5, 11.25, 11.25]))
    assert result.reads["kwh"].to_list() == [0.5, 0.75, 0.0]
    assert result.reads["quality"].unique().to_list() == ["measured"]
    assert result.anomalies.is_empty()


def test_a_rollover_is_counted_and_marked_estimated() -> None:
    result = run(registers([99_990.0, 99_999.0, 4.0]))
    assert result.reads["kwh"].to_list() == [9.0, 5.0]
    assert result.reads["quality"].to_list() == ["measured", "estimated"]
    assert result.anomalies["anomaly"].to_list() == ["rollover"]


def test_a_reset_is_missing_never_negative() -> None:
    result = run(registers([500.0, 501.0, 3.0, 4.0]))
    assert result.reads["kwh"].to_list() == [1.0, None, 1.0]
    assert result.reads["quality"].to_list() == ["measured", "missing", "measured"]
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "reset" and "501.0 to 3.0" in anomaly["detail"]


def test_an_implausible_jump_is_missing_never_huge() -> None:
    result = run(registers([1.0, 2.0, 1_000_000.0, 1_000_001.0]), cap=100.0)
    assert result.reads["kwh"].to_list() == [1.0, None, 1.0]
    assert result.anomalies["anomaly"].to_list() == ["implausible_jump"]
    assert result.reads["kwh"].max() <= 100.0


def test_negative_intervals_are_held_back() -> None:
    result = run(intervals([0.5, -0.2, 0.1]))
    assert result.reads["kwh"].to_list() == [0.5, None, 0.1]
    assert result.anomalies["anomaly"].to_list() == ["negative_interval"]


def test_duplicate_deliveries_collapse_and_keep_the_first_arrival_time() -> None:
    early, late = T0 + timedelta(days=1), T0 + timedelta(days=3)
    result = run(intervals([0.5, 0.25], received=late), intervals([0.5, 0.25], received=early))
    assert result.reads.height == 2
    assert result.reads["ingested_at"].unique().to_list() == [early]
    assert result.anomalies.is_empty()


def test_disagreeing_deliveries_keep_the_latest_value_and_are_reported() -> None:
    first = intervals([0.5], received=T0 + timedelta(days=1))
    corrected = intervals([0.75], received=T0 + timedelta(days=2))
    result = run(corrected, first)
    assert result.reads["kwh"].to_list() == [0.75]
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "conflicting_duplicate" and "0.5 vs 0.75" in anomaly["detail"]


def test_only_intervals_starting_in_the_window_are_kept() -> None:
    rows = [
        {
            "device_id": "m3",
            "kind": "interval",
            "interval_start": T0 + timedelta(hours=h),
            "interval_end": T0 + timedelta(hours=h + 1),
            "kwh": 1.0,
        }
        for h in (-1, 0, 23, 24)
    ]
    result = run(readings_frame(page(), rows))
    assert result.reads["interval_start"].to_list() == [T0, T0 + timedelta(hours=23)]


def test_missing_values_stay_missing() -> None:
    result = run(intervals([0.5, None]))
    assert result.reads["quality"].to_list() == ["measured", "missing"]


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_result_does_not_depend_on_page_order(shuffle: bool) -> None:
    frames = [registers([10.0, 11.0, 12.5]), intervals([0.5, 0.25])]
    if shuffle:
        frames.reverse()
    result = run(*frames)
    assert result.reads.sort("device_id", "interval_start")["kwh"].to_list() == [
        1.0,
        1.5,
        0.5,
        0.25,
    ]
