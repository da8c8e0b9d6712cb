"""Exact amounts: the units every energy, volume and credit quantity is kept in.

1 R-REC = 1 MWh, and floor() of a float sum can lose one (27.098 + 18.571 +
71.499 + 1.832 is 118.99999999999999 in floats), so no amount is ever a float:

- meter energy is integer watt-hours (`WH`): issuance adds integers;
- verification CSV rows are kWh read to the micro-watt-hour (`KWH`, 9 decimals)
  and totals are MWh on the same grid (`MWH`, 12 decimals), so kWh / 1000 is exact;
- emission factors are kept as their reviewed tables write them (`FACTOR`);
- tCO2e and litres are stored to 6 decimals (`TCO2E`, `LITRES`), rounded down
  from the exact product, while whole credits are floored from the exact figure.

Text is read into these scales once, rounding half to even beyond the last
digit kept (real files only have float artefacts there, `0.30000000000000004`);
everything after that is exact decimal or integer arithmetic. Python decimals
use `EXACT`, whose precision no product or sum of these scales can exceed.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

import polars as pl

KWH_DECIMALS = 9
MWH_DECIMALS = 12
TCO2E_DECIMALS = 6

WH = pl.Int64
KWH = pl.Decimal(38, KWH_DECIMALS)
MWH = pl.Decimal(38, MWH_DECIMALS)
FACTOR = pl.Decimal(38, 12)
TCO2E = pl.Decimal(38, TCO2E_DECIMALS)
LITRES = pl.Decimal(38, 6)
TOKEN_DECIMALS = 18  # ERC-20 base units per whole R-REC token: 10**18
TOKENS = pl.Decimal(38, TOKEN_DECIMALS)

WH_PER_KWH = 1_000
WH_PER_MWH = 1_000_000

# Enough digits that no sum or product of the scales above is ever rounded.
EXACT = Context(prec=120)


def parse_decimal(text: str | None) -> Decimal | None:
    """A finite decimal from text (`-0` is zero), or None when it is not one."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value + 0 if value.is_zero() else value  # `-0` becomes `0`


def quantize(value: Decimal, decimals: int) -> Decimal:
    """`value` on a grid of `decimals` places, half to even: how text is read in."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN, context=EXACT)


def floor_to(value: Decimal, decimals: int) -> Decimal:
    """`value` rounded down to `decimals` places: how an exact product is stored."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_FLOOR, context=EXACT)


def for_column(value: Decimal | None, dtype: pl.Decimal) -> Decimal | None:
    """`value` on a decimal column's grid (half to even); None when it cannot fit there."""
    if value is None:
        return None
    placed = quantize(value, dtype.scale)
    return placed if placed.adjusted() < dtype.precision - dtype.scale else None


def mwh_from_wh(wh: int) -> Decimal:
    return Decimal(wh).scaleb(-6)


def wh_from_kwh(kwh: Decimal) -> int:
    """Integer watt-hours from an exact kWh figure, half to even."""
    return int((kwh * WH_PER_KWH).to_integral_value(rounding=ROUND_HALF_EVEN, context=EXACT))


def whole(value: Decimal | None) -> int:
    """Whole units in an exact figure (R-RECs in MWh, credits in tCO2e); never negative."""
    return 0 if value is None else max(0, math.floor(value))


def product(*factors: Decimal) -> Decimal:
    """An exact product, never rounded to the default 28 digits."""
    result = Decimal(1)
    for factor in factors:
        result = EXACT.multiply(result, factor)
    return result


def exact_sum(values) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


def decimal_text(value: Decimal | None, places: int | None = None) -> str | None:
    """Positional text for JSON and CLI output: `places` fixed, else without trailing zeros."""
    if value is None:
        return None
    if places is not None:
        return format(floor_to(value, places), "f")
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
