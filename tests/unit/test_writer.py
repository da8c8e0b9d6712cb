"""The writer's output re-reads to the same values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import polars as pl
import pytest

from rrec_pipeline.verification_csv.model import VerificationHeader
from rrec_pipeline.verification_csv.reader import read_verification_bytes, read_verification_file
from rrec_pipeline.verification_csv.totals import computed_total_mwh
from rrec_pipeline.verification_csv.writer import (
    format_number,
    render_csv,
    stamp_from_datetime,
    write_verification_file,
)
from tests.builders import CsvCase

VALUES = ["timestamp_utc", "utc_offset_minutes", "kwh"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e-05, "0.00001"),
        (12.5, "12.5"),
        (Decimal("14431.8210"), "14431.821"),
        (3, "3"),
        (1e20, "100000000000000000000"),
        (None, ""),
        (Decimal("-0.5"), "-0.5"),
    ],
)
def test_numbers_are_positional_decimals(value, text) -> None:
    assert format_number(value) == text


def test_written_file_reads_back_to_the_same_values(tmp_path) -> None:
    case = CsvCase().with_header(
        **{"AVERT Emissions Factor": "0.630511674", "No. of Type 1 Customers": "40"}
    )
    name, text = case.render()
    original = read_verification_bytes(text.encode(), name)
    path = write_verification_file(original, tmp_path)
    again = read_verification_file(path)
    assert path.name == name
    assert again.header.as_dict() | {"begin_timestamp": None, "end_timestamp": None} == (
        original.header.as_dict() | {"begin_timestamp": None, "end_timestamp": None}
    )
    assert (again.begin, again.end) == (original.begin, original.end)
    assert again.readings.select(VALUES).equals(original.readings.select(VALUES))
    assert computed_total_mwh(again) == computed_total_mwh(original)


def test_rendered_file_from_pipeline_values_keeps_offsets_per_row() -> None:
    est, edt = timezone(timedelta(hours=-5)), timezone(timedelta(hours=-4))
    stamps = [datetime(2024, 3, 10, 1, tzinfo=est), datetime(2024, 3, 10, 3, tzinfo=edt)]
    readings = pl.DataFrame(
        {
            "timestamp_utc": [s.astimezone(UTC) for s in stamps],
            "utc_offset_minutes": [-300, -240],
            "kwh": [0.1, 1e-05],
        },
        schema={
            "timestamp_utc": pl.Datetime("us", "UTC"),
            "utc_offset_minutes": pl.Int32,
            "kwh": pl.Float64,
        },
    )
    header = VerificationHeader(
        project_name="P",
        begin_timestamp=stamp_from_datetime(stamps[0]),
        end_timestamp=stamp_from_datetime(stamps[1]),
    )
    text = render_csv(header, readings, default_offset=timedelta(hours=-5))
    assert "2024-03-10T01:00:00-05:00,0.1\n2024-03-10T03:00:00-04:00,0.00001\n" in text
    assert "Begin Timestamp,2024-03-10T01:00:00-05:00\n" in text
    again = read_verification_bytes(
        text.encode(), "P_2024-03-10T010000-0500_2024-03-10T030000-0400.csv"
    )
    assert again.readings["timestamp_utc"].to_list() == readings["timestamp_utc"].to_list()
