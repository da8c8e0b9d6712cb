"""A frequency is declared once: its calendar rule, its partitions and its polars period agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from rrec_pipeline.basics.frequencies import BY_NAME, FREQUENCIES, frequency
from rrec_pipeline.partitions import ISSUANCE_PARTITIONS
from rrec_pipeline.tables import FILE_LOTS, ISSUANCE, ISSUED_KEYS, TABLES


def test_period_rules_by_hand() -> None:
    day = date(2024, 5, 15)  # a Wednesday
    assert frequency("daily").period_start(day) == day
    assert frequency("weekly").period_start(day) == date(2024, 5, 13)
    assert frequency("weekly").period_end(date(2024, 5, 13)) == date(2024, 5, 19)
    assert frequency("monthly").period_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert frequency("quarterly").period_start(day) == date(2024, 4, 1)
    assert frequency("quarterly").period_end(date(2024, 10, 1)) == date(2024, 12, 31)
    assert frequency("yearly").period_end(date(2024, 1, 1)) == date(2024, 12, 31)
    with pytest.raises(ValueError, match="unknown frequency 'hourly'"):
        frequency("hourly")


@pytest.mark.parametrize("name", FREQUENCIES)
def test_partition_keys_are_the_period_starts_and_polars_truncates_to_them(name: str) -> None:
    rule = BY_NAME[name]
    keys = ISSUANCE_PARTITIONS[name].get_partition_keys(
        current_time=datetime(2025, 3, 1, tzinfo=UTC)
    )
    starts = [date.fromisoformat(key) for key in keys]
    for start, following in zip(starts, [*starts[1:], None], strict=True):
        assert rule.period_start(start) == start
        if following is not None:
            assert rule.period_end(start) + timedelta(days=1) == following
    days = pl.Series([start + timedelta(days=offset) for start in starts[-8:] for offset in (0, 3)])
    truncated = days.cast(pl.Datetime).dt.truncate(rule.truncate).dt.date().to_list()
    assert truncated == [rule.period_start(day) for day in days.to_list()]


def test_each_frequency_has_its_key_bundle_and_producer_files_have_theirs() -> None:
    assert set(ISSUANCE) == set(FREQUENCIES)
    for assets in (*ISSUANCE.values(), FILE_LOTS):
        assert assets.lots.key in TABLES and assets.issued in ISSUED_KEYS
    assert FILE_LOTS.lot_files is None and FILE_LOTS.issued == "out_issuance__file_lots_issued"
    assert ISSUANCE["monthly"].planned == (
        "out_issuance__monthly_lots",
        "out_issuance__monthly_issued",
    )
