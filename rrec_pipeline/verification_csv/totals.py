"""Energy totals and the whole R-RECs a file supports (1 R-REC = 1 MWh).

Sums are exact decimals of the values as written: a float sum can land a hair
below a whole MWh (1.9999999999 for 2.0) and floor would then lose an R-REC.
"""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl

from rrec_pipeline.verification_csv.model import VerificationFile

KWH_PER_MWH = Decimal(1000)


def computed_total_mwh(file: VerificationFile) -> Decimal | None:
    """Sum of the parseable Measured kWh values / 1000; None when there are none."""
    texts = file.readings.filter(pl.col("kwh").is_not_null())["kwh_text"].to_list()
    if not texts:
        return None
    return sum((Decimal(text) for text in texts), Decimal(0)) / KWH_PER_MWH


def whole_rrecs(header_total_mwh: Decimal | None, computed_mwh: Decimal | None) -> int:
    """Whole MWh backed by both the header and the rows: floor of the smaller total."""
    totals = [total for total in (header_total_mwh, computed_mwh) if total is not None]
    if not totals:
        return 0
    return max(0, math.floor(min(totals)))
