"""Energy totals and the whole R-RECs a file supports (1 R-REC = 1 MWh).

One definition, the same for a file and for a project-year: the certified MWh
of a file is the smaller of its header total and the exact sum of its rows
(a file supports only what both back); whole R-RECs are floor(certified MWh),
and a project-year's are floor of the sum of its files' certified MWh. Rows are
exact decimals (see `rrec_pipeline.basics.amounts`), so no sum lands a hair below a
whole MWh the way 27.098 + 18.571 + 71.499 + 1.832 does in floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rrec_pipeline.basics.amounts import MWH_DECIMALS, exact_sum, whole
from rrec_pipeline.verification_csv.model import VerificationFile


def computed_total_mwh(file: VerificationFile) -> Decimal | None:
    """Exact sum of the parseable Measured kWh values / 1000; None when there are none."""
    kwh = file.readings["kwh"]
    if kwh.null_count() == kwh.len():
        return None
    return Decimal(kwh.sum()).scaleb(-3).quantize(Decimal(1).scaleb(-MWH_DECIMALS))


def certified_mwh(header_total_mwh: Decimal | None, computed_mwh: Decimal | None) -> Decimal | None:
    """The MWh both the header and the rows back: the smaller of the two totals."""
    totals = [total for total in (header_total_mwh, computed_mwh) if total is not None]
    return min(totals) if totals else None


def whole_rrecs(certified: Decimal | None) -> int:
    """Whole R-RECs of an exact certified figure: floor, never negative."""
    return whole(certified)


def project_year_rrecs(certified: Iterable[Decimal | None]) -> int:
    """Whole R-RECs of a project-year: floor of the exact sum of its files' certified MWh."""
    return whole(exact_sum(value for value in certified if value is not None))
