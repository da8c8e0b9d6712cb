"""Polars' road and Python's road split a file into the same lines."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rrec_pipeline.verification_csv import lines
from rrec_pipeline.verification_csv.model import UnreadableFileError
from tests.examples import examples

PIECES = ["2024-01-01T00:00:00+03:00", "1.5", ",", " ", "\n", "\r", "\r\n", '"', "'", "é", "\t"]


def python_lines(data: bytes) -> list[str]:
    """The definition: decoded, CRLF and CR made LF, split, the last line's ending optional."""
    text = data.decode("utf-8-sig")
    split = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return split[:-1] if split and split[-1] == "" else split


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14), st.booleans())
def test_polars_reads_the_lines_python_splits(pieces: list[str], bom: bool) -> None:
    data = (("\ufeff" if bom else "") + "".join(pieces)).encode()
    if data.isspace():
        return
    fast = lines._utf8_lines(data)
    assert fast is not None
    assert fast.to_list() == python_lines(data)
    assert fast.dtype == pl.String and fast.null_count() == 0


def test_large_files_take_polars_road_with_the_same_result() -> None:
    row = "2024-01-01T00:00:00+03:00,1.5\r\n"
    data = ("Project Name,X\r\n,\r\nDatetime,Measured kWh\r\n" + row * 40_000 + "\r\n").encode()
    assert len(data) >= lines.POLARS_FROM_BYTES
    found, encoding = lines.file_lines(data)
    assert encoding == "utf-8"
    assert found.to_list() == python_lines(data)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"a,b\n" * 300_000 + b"\x07\n", "binary"),
        (b"a,b\n" * 300_000 + b"x" * 5000 + b"\n", "longer than 4096 bytes"),
        (b"a,b\n" * 300_000 + b"\x00" + b"x" * 5000 + b"\n", "longer than 4096 bytes"),
    ],
)
def test_large_hostile_files_are_named_as_small_ones_are(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFileError, match=reason) as raised:
        lines.file_lines(data)
    if "longer" in reason:
        assert raised.value.line == 300_001


def test_windows_1252_is_read_by_python_and_said() -> None:
    data = b"Project Name,Caf\xe9\n" * 80_000
    found, encoding = lines.file_lines(data)
    assert encoding == "cp1252"
    assert found[0] == "Project Name,Café"
