"""The reader takes the registry's real quirks in stride and never judges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest

from rrec_pipeline.verification_csv import rows
from rrec_pipeline.verification_csv.model import UnreadableFileError
from rrec_pipeline.verification_csv.reader import read_verification_batch, read_verification_bytes
from tests.builders import CsvCase


def read(case: CsvCase, *, prefix: bytes = b"", encoding: str = "utf-8"):
    name, text = case.render()
    return read_verification_bytes(prefix + text.encode(encoding), name)


def test_bom_and_unit_less_ember_key_are_accepted() -> None:
    case = CsvCase()
    case.dropped_rows.add("Ember Emissions Factor (gCO2e/kWh)")
    case.with_header(**{"Ember Emissions Factor": "508"})
    file = read(case, prefix=b"\xef\xbb\xbf")
    assert file.header.project_name == "Test Solar"
    assert file.header.ember_factor_gco2e_per_kwh == Decimal(508)
    assert file.unknown_rows == []


def test_missing_date_of_first_operation_row_is_allowed() -> None:
    case = CsvCase()
    case.dropped_rows.add("Date of First Operation")
    assert read(case).header.date_of_first_operation is None


def test_offset_less_rows_take_the_header_begin_offset() -> None:
    case = CsvCase()
    case.rows = [[stamp[:16], kwh] for stamp, kwh in case.rows]
    case.with_header(**{"Begin Timestamp": "2024-03-01T00:00+03:00"})
    file = read(case)
    assert file.default_offset == timedelta(hours=3)
    assert file.readings["timestamp_utc"][0] == datetime(2024, 2, 29, 21, tzinfo=UTC)
    assert not file.readings["has_own_offset"].any()


def test_without_any_header_offset_the_file_name_offset_is_used() -> None:
    case = CsvCase()
    case.rows = [[stamp[:10], kwh] for stamp, kwh in case.rows[::24]]
    case.with_header(**{"Begin Timestamp": "2024-03-01", "End Timestamp": "2024-03-03"})
    case.name = "TestSolar_2024-03-01T000000+0100_2024-03-03T000000+0100.csv"
    file = read(case)
    assert file.default_offset == timedelta(hours=1)
    assert "file name" in file.default_offset_source


def test_blank_kwh_is_a_missing_value_not_a_crash() -> None:
    case = CsvCase()
    case.rows[4][1] = ""
    file = read(case)
    row = file.readings.row(4, named=True)
    assert row["kwh"] is None and row["kwh_text"] is None
    assert row["timestamp_utc"] is not None


def test_rows_keep_their_file_line_numbers_even_across_blank_lines() -> None:
    case = CsvCase()
    case.rows.insert(2, [""])
    file = read(case)
    assert file.data_header_line == 24
    assert file.readings["line"].to_list()[:4] == [25, 26, 27, 28]
    assert file.readings.row(2, named=True)["datetime_text"] is None


def test_trailing_blank_rows_are_split_off() -> None:
    case = CsvCase(trailer=",\n\n")
    file = read(case)
    assert len(file.readings) == 72
    assert file.trailing_blank_lines == [97, 98]


def test_windows_1252_and_utf16_files_are_decoded() -> None:
    case = CsvCase().with_header(Country="Côte d'Ivoire")
    assert read(case, encoding="cp1252").header.country == "Côte d'Ivoire"
    assert read(case, encoding="cp1252").encoding == "cp1252"
    assert read(case, encoding="utf-16").header.country == "Côte d'Ivoire"


def test_quoted_header_values_with_commas_are_one_value() -> None:
    case = CsvCase().with_header(**{"Project Name": '"Farm, North"'})
    assert read(case).header.project_name == "Farm, North"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_unreadable_bytes_raise_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFileError, match=reason):
        read_verification_bytes(data, "x.csv")


def test_header_values_that_do_not_parse_stay_empty_with_their_raw_text() -> None:
    case = CsvCase().with_header(Latitude="north", **{"No. of Type 1 Customers": "4.5"})
    file = read(case)
    assert file.header.latitude is None
    assert file.header_rows["latitude"].value == "north"
    assert file.header.type1_customers is None


def test_a_malformed_name_still_gives_its_offsets() -> None:
    """The registry once published `ARKKisegi_<Begin>_<End>.csv.csv`."""
    case = CsvCase()
    case.rows = [[stamp[:16], kwh] for stamp, kwh in case.rows]
    case.with_header(**{"Begin Timestamp": "2024-03-01T00:00", "End Timestamp": "2024-03-03T23:00"})
    case.name = "TestSolar_2024-03-01T000000+0300_2024-03-03T230000+0300.csv.csv"
    file = read(case)
    assert file.default_offset == timedelta(hours=3)
    assert file.readings["timestamp_utc"][0] == datetime(2024, 2, 29, 21, tzinfo=UTC)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_a_line_too_long_to_be_csv_is_named_by_its_line(ending: bytes) -> None:
    """Lines are counted by their LF, as an editor shows them; 4,096 bytes pass."""
    name, text = CsvCase().render()
    lines = text.encode().splitlines()
    lines[3] = b"x" * 4096  # the longest line allowed
    lines[7] = b"y" * 4097
    data = ending.join(lines) + ending
    with pytest.raises(UnreadableFileError, match="longer than 4096 bytes") as raised:
        read_verification_bytes(data, name)
    assert raised.value.line == (1 if ending == b"\r" else 8)
    lines[7] = b"y" * 4096
    assert read_verification_bytes(ending.join(lines) + ending, name) is not None


def test_rows_polars_cannot_read_cost_their_own_file_only(monkeypatch) -> None:
    """Should the batch's one pass fail (a fault injected here: no known input does
    it), each file is read alone and only the one that fails is unreadable."""
    real = rows._readings

    def failing_on_poison(lines: pl.LazyFrame) -> pl.LazyFrame:
        poisoned = lines.select(pl.col("text").str.contains("POISON").any()).collect().item()
        if poisoned:
            raise pl.exceptions.ComputeError("injected")
        return real(lines)

    monkeypatch.setattr(rows, "_readings", failing_on_poison)
    good_name, good = CsvCase().render()
    bad = CsvCase()
    bad.rows[3] = ["POISON", "1"]
    bad_name, bad_text = bad.render()
    good_file, unread = read_verification_batch(
        [(good.encode(), good_name), (bad_text.encode(), bad_name)]
    )
    assert good_file.readings.height == len(CsvCase().rows)
    assert isinstance(unread, UnreadableFileError)
    assert "could not be read (ComputeError)" in str(unread)
