from __future__ import annotations

from decimal import Decimal

import pytest

from rrec_pipeline.verification_csv.reader import read_verification_bytes
from rrec_pipeline.verification_csv.totals import (
    certified_mwh,
    computed_total_mwh,
    whole_rrecs,
)
from tests.builders import CsvCase


def test_sum_is_exact_where_floats_would_fall_short_of_a_whole_mwh() -> None:
    case = CsvCase()
    case.rows = [[stamp, "0.1"] for stamp, _ in case.rows]  # 72 x 0.1 kWh
    name, text = case.render()
    file = read_verification_bytes(text.encode(), name)
    assert sum([0.1] * 72) != 7.2  # floats drift ...
    assert computed_total_mwh(file) == Decimal("0.0072")  # ... decimals do not


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (Decimal("354"), Decimal("354"), 354),
        (Decimal("2237.0751"), Decimal("2237.0751"), 2237),
        (Decimal("2.0"), Decimal("1.9999"), 1),  # rows back less than the header claims
        (Decimal("0.3094"), Decimal("0.3094"), 0),
        (None, Decimal("5.5"), 5),
        (None, None, 0),
        (Decimal("-3"), Decimal("-3"), 0),
    ],
)
def test_whole_rrecs_is_the_floor_of_the_smaller_total(header, rows, expected) -> None:
    assert whole_rrecs(certified_mwh(header, rows)) == expected
