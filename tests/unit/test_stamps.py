from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rrec_pipeline.verification_csv.filenames import build_file_name, parse_file_name, project_stem
from rrec_pipeline.verification_csv.stamps import (
    format_compact,
    parse_compact,
    parse_stamp,
    parse_stamp_column,
    with_parsed_stamps,
)
from tests.examples import examples

STAMPS = [
    ("2018-04-23T15:00:00-04:00", datetime(2018, 4, 23, 15), -240, False),
    ("2019-04-26", datetime(2019, 4, 26), None, True),
    ("2025-05-30T11:00", datetime(2025, 5, 30, 11), None, False),
    ("2024-01-01T00:00:00+00:00", datetime(2024, 1, 1), 0, False),
    ("2025-05-10T23:48:03", datetime(2025, 5, 10, 23, 48, 3), None, False),
    ("2024-01-01 10:00+0530", datetime(2024, 1, 1, 10), 330, False),
    ("2024-01-01T00:00:00.25Z", datetime(2024, 1, 1, 0, 0, 0, 250000), 0, False),
    (" 2024-06-01T12:00-03 ", datetime(2024, 6, 1, 12), -180, False),
]


@pytest.mark.parametrize(("text", "local", "minutes", "date_only"), STAMPS)
def test_scalar_and_vectorised_parsers_agree(text, local, minutes, date_only) -> None:
    stamp = parse_stamp(text)
    assert stamp is not None
    assert stamp.local == local
    assert stamp.offset == (None if minutes is None else timedelta(minutes=minutes))
    assert stamp.is_date_only is date_only
    row = pl.DataFrame({"t": [text]}).select(parse_stamp_column(pl.col("t"))).row(0, named=True)
    assert (row["local"], row["offset_minutes"], row["is_date_only"]) == (local, minutes, date_only)


@pytest.mark.parametrize(
    "text", ["2024-02-30", "2024-13-01", "yesterday", "2024-01-01T25:00", "01/02/2024", ""]
)
def test_non_stamps_are_rejected_by_both_parsers(text: str) -> None:
    assert parse_stamp(text) is None
    frame = pl.DataFrame({"t": [text]}).select(parse_stamp_column(pl.col("t")))
    assert frame["local"][0] is None


def test_missing_offset_is_filled_from_context_not_guessed() -> None:
    stamp = parse_stamp("2025-05-30T11:00")
    assert stamp.at(timedelta(hours=3)) == datetime(2025, 5, 30, 8, tzinfo=UTC)


def test_compact_stamps_round_trip_with_registry_utc_spelling() -> None:
    est = datetime(2022, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    utc = datetime(2019, 4, 26, tzinfo=UTC)
    assert format_compact(est) == "2022-01-01T000000-0500"
    assert format_compact(utc) == "2019-04-26T000000-0000"
    assert parse_compact("2022-01-01T000000-0500") == est
    assert parse_compact("2019-04-26T000000+0000") == utc


def test_file_names_parse_from_disk_and_from_registry_urls() -> None:
    on_disk = parse_file_name("Voundou_2024-01-01T000000+0100_2024-12-31T000000+0100.csv")
    in_url = parse_file_name(
        "https://raw.example/x/Voundou_2024-01-01T000000%2B0100_2024-12-31T000000%2B0100.csv"
    )
    assert on_disk == in_url
    assert on_disk.project == "Voundou"
    assert on_disk.begin.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "name",
    [
        "Voundou.csv",
        "X_2024-01-01_2024-12-31.csv",
        "X_2024-01-01T000000+0100_2024-12-31T000000+0100.csv.csv",
    ],
)
def test_names_off_the_pattern_do_not_parse(name: str) -> None:
    assert parse_file_name(name) is None


def test_built_names_use_camel_case_stems() -> None:
    begin = datetime(2024, 2, 19, 9, tzinfo=timezone(timedelta(hours=-5)))
    end = datetime(2024, 10, 31, 23, tzinfo=timezone(timedelta(hours=-4)))
    assert project_stem("Butler Toyota of Macon") == "ButlerToyotaOfMacon"
    assert build_file_name("ButlerToyotaOfMacon", begin, end) == (
        "ButlerToyotaOfMacon_2024-02-19T090000-0500_2024-10-31T230000-0400.csv"
    )


def test_the_staged_parser_agrees_with_the_expressions_on_every_form() -> None:
    texts = [
        "2024-01-01T05:00:00+03:00",
        "2024-01-01T05:00:00-05:30",
        " 2024-07-01T23:00:00+00:00 ",
        "2024-01-01 05:00",
        "2024-01-01T07:00:00Z",
        "2024-01-01T07:00:00.250+01:00",
        "2024-01-01",
        "2024-02-30T00:00:00+03:00",
        "2024-01-01T05:00:00+03:60",
        "2024-01-01T05:00:00+19:00",
        "1850-01-01T00:00:00+00:00",
        "2024-01-01T05:00:00+0300",
        "2024-01-01T05:00:00+3:000",
        "garbage",
        "",
        None,
    ]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    expected = frame.select(parse_stamp_column(pl.col("t")))
    staged = with_parsed_stamps(frame, "t").select("local", "offset_minutes", "is_date_only")
    assert staged.equals(expected)
    assert with_parsed_stamps(frame.lazy(), "t").collect().columns == [
        "t",
        "local",
        "offset_minutes",
        "is_date_only",
    ]


_PIECES = ["2024", "-", "01", "1", "T", " ", ":", "00", "59", "60", "+", "03", "30", "Z", ".25"]
_STAMP_LIKE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14).map("".join)
# The common forms' shapes with every field anywhere in (and past) its range.
_YEAR, _MONTH, _DAY = st.integers(1800, 2300), st.integers(0, 13), st.integers(0, 32)
_HOUR, _SIXTY = st.integers(0, 25), st.integers(0, 61)
_COMMON_SHAPED = (
    st.builds(
        "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{:02d}:{:02d}".format,
        *(_YEAR, _MONTH, _DAY, _HOUR, _SIXTY, _SIXTY),
        *(st.sampled_from("+-"), st.integers(0, 20), _SIXTY),
    )
    | st.builds("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}".format, _YEAR, _MONTH, _DAY, _HOUR, _SIXTY)
    | st.builds("{:04d}-{:02d}-{:02d}".format, _YEAR, _MONTH, _DAY)
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_STAMP_LIKE | _COMMON_SHAPED, max_size=20))
def test_the_staged_parser_agrees_with_the_expressions_on_stamp_like_texts(texts) -> None:
    texts += ["+2024-1-01T00:00:00+03:00", "2024-01-01T05:00:00-00:30"]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    expected = frame.select(parse_stamp_column(pl.col("t")))
    staged = with_parsed_stamps(frame, "t").select("local", "offset_minutes", "is_date_only")
    assert staged.equals(expected)
