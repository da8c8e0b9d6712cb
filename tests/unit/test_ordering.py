"""Order-aware rules give what sorting or hashing gives, in any row order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rrec_pipeline.meter_reads.overlaps import overlapping_intervals
from rrec_pipeline.schemas.meter_reads import READ_ORDER
from rrec_pipeline.schemas.ordering import duplicated_rows, in_order
from tests.examples import examples

T0 = datetime(2025, 1, 1, tzinfo=UTC)
ROW = st.tuples(
    st.sampled_from(["steamaco", "files"]),
    st.sampled_from(["a", "b", "m10", "m9"]),
    st.integers(0, 6),
    st.integers(1, 3),
)


def frame(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": [r[0] for r in rows],
            "device_id": [r[1] for r in rows],
            "interval_start": [T0 + timedelta(hours=r[2]) for r in rows],
            "interval_end": [T0 + timedelta(hours=r[2] + r[3]) for r in rows],
        },
        schema_overrides={
            "interval_start": pl.Datetime("us", "UTC"),
            "interval_end": pl.Datetime("us", "UTC"),
        },
    )


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(ROW, max_size=12), st.booleans())
def test_duplicated_rows_match_hashing_sorted_or_not(rows, sort) -> None:
    data = frame(rows)
    if sort:
        data = data.sort(READ_ORDER)
    assert in_order(data, READ_ORDER) == data.equals(data.sort(READ_ORDER)) or data.is_empty()
    found = data.select(duplicated_rows(data.lazy(), READ_ORDER)).to_series()
    expected = data.select(pl.struct(READ_ORDER).is_duplicated()).to_series()
    assert found.to_list() == expected.to_list()


def overlaps_by_sorting(data: pl.DataFrame) -> pl.DataFrame:
    """The reference: each device's intervals sorted, each against the one before."""
    return (
        data.sort("source", "device_id", "interval_start")
        .with_columns(pl.col("interval_end").shift(1).over("source", "device_id").alias("_end"))
        .filter(pl.col("interval_start") < pl.col("_end"))
        .drop("_end")
        .sort(data.columns)
    )


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(ROW, max_size=12, unique_by=lambda r: (r[0], r[1], r[2])))
def test_overlaps_are_the_same_in_write_order_and_in_any_order(rows) -> None:
    data = frame(rows)
    in_write_order = overlapping_intervals(data.sort(READ_ORDER)).sort(data.columns)
    shuffled = overlapping_intervals(data.reverse()).sort(data.columns)
    by_sorting = overlaps_by_sorting(data)
    assert in_write_order.equals(by_sorting)
    assert shuffled.equals(by_sorting)


# Hours over three days, some intervals running past midnight.
ROW_OVER_DAYS = st.tuples(
    st.sampled_from(["steamaco", "files"]),
    st.sampled_from(["a", "b", "m10", "m9"]),
    st.integers(0, 71),
    st.integers(1, 3),
)


def by_day_in_write_order(data: pl.DataFrame) -> pl.DataFrame:
    """A run's days read back one after another, each day as normalisation wrote it."""
    day = pl.col("interval_start").dt.date()
    return data.sort(day, *READ_ORDER)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(ROW_OVER_DAYS, max_size=14))
def test_days_read_in_turn_find_the_duplicates_hashing_finds(rows) -> None:
    data = by_day_in_write_order(frame(rows))
    found = data.select(duplicated_rows(data.lazy(), READ_ORDER)).to_series()
    expected = data.select(pl.struct(READ_ORDER).is_duplicated()).to_series()
    assert found.to_list() == expected.to_list()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(ROW_OVER_DAYS, max_size=14, unique_by=lambda r: (r[0], r[1], r[2])))
# a's 23:00 interval runs into the next day, past b's row, onto a's 00:00 one.
@example([("steamaco", "a", 23, 3), ("steamaco", "b", 23, 1), ("steamaco", "a", 24, 1)])
def test_days_read_in_turn_find_the_overlaps_sorting_finds(rows) -> None:
    data = frame(rows)
    by_sorting = overlaps_by_sorting(data)
    found = overlapping_intervals(by_day_in_write_order(data)).sort(data.columns)
    assert found.equals(by_sorting)
