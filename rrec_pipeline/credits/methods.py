"""The Standard's credit arithmetic, in exact decimals: AMS-III.BB, AVERT, Ember.

Whole credits are floored; the exact tCO2e is kept. Decimals, not floats: a
float sum can land a hair below a whole tonne and floor would lose a credit.

AMS-III.BB (UNFCCC CDM), per customer and calendar year:
- Type I-M households: the first 0.055 MWh of the year at 2.72 tCO2e/MWh
  (Type 1-MA), the rest at 0.8 (Type 1-MB);
- Type II non-households: everything at 0.8;
- minus the backup diesel: 0.0036 tCO2e/kg or 0.0031 tCO2e/L.
Over windows shorter than a year the split is cumulative: a household's first
0.055 MWh of the calendar year is Type 1-MA wherever in the year it falls, so
the windows of a year add up exactly to the annual figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rrec_pipeline.basics.amounts import EXACT, exact_sum, product, whole

TYPE1_MA_CAP_MWH = Decimal("0.055")
TYPE1_MA_TCO2E_PER_MWH = Decimal("2.72")
TYPE1_MB_TCO2E_PER_MWH = Decimal("0.8")
TYPE2_TCO2E_PER_MWH = Decimal("0.8")
DIESEL_TCO2E_PER_KG = Decimal("0.0036")
DIESEL_TCO2E_PER_L = Decimal("0.0031")
ZERO = Decimal(0)


@dataclass(frozen=True)
class AmsResult:
    type1_ma_mwh: Decimal
    type1_mb_mwh: Decimal
    type2_mwh: Decimal
    diesel_tco2e: Decimal

    @property
    def baseline_tco2e(self) -> Decimal:
        return exact_sum(
            (
                product(self.type1_ma_mwh, TYPE1_MA_TCO2E_PER_MWH),
                product(self.type1_mb_mwh, TYPE1_MB_TCO2E_PER_MWH),
                product(self.type2_mwh, TYPE2_TCO2E_PER_MWH),
            )
        )

    @property
    def tco2e(self) -> Decimal:
        return EXACT.subtract(self.baseline_tco2e, self.diesel_tco2e)


def household_split(before_mwh: Decimal, window_mwh: Decimal) -> tuple[Decimal, Decimal]:
    """(Type 1-MA, Type 1-MB) of a window, given the household's year-to-date use before it."""
    allowance = max(ZERO, EXACT.subtract(TYPE1_MA_CAP_MWH, max(ZERO, before_mwh)))
    type1_ma = min(max(ZERO, window_mwh), allowance)
    return type1_ma, EXACT.subtract(window_mwh, type1_ma)


def diesel_tco2e(*, kg: Decimal = ZERO, litres: Decimal = ZERO) -> Decimal:
    return EXACT.add(product(kg, DIESEL_TCO2E_PER_KG), product(litres, DIESEL_TCO2E_PER_L))


def ams_iii_bb(
    households_mwh: Iterable[Decimal],
    non_households_mwh: Iterable[Decimal],
    *,
    diesel_kg: Decimal = ZERO,
    diesel_litres: Decimal = ZERO,
) -> AmsResult:
    """A mini-grid's year from each customer's annual consumption."""
    splits = [household_split(ZERO, mwh) for mwh in households_mwh]
    return AmsResult(
        type1_ma_mwh=exact_sum(ma for ma, _ in splits),
        type1_mb_mwh=exact_sum(mb for _, mb in splits),
        type2_mwh=exact_sum(non_households_mwh),
        diesel_tco2e=diesel_tco2e(kg=diesel_kg, litres=diesel_litres),
    )


def ams_from_consumption(
    type1_ma_mwh: Decimal,
    type1_mb_mwh: Decimal,
    type2_mwh: Decimal,
    *,
    diesel_kg: Decimal = ZERO,
    diesel_litres: Decimal = ZERO,
) -> AmsResult:
    """From the totals a verification CSV's header carries."""
    return AmsResult(
        type1_ma_mwh, type1_mb_mwh, type2_mwh, diesel_tco2e(kg=diesel_kg, litres=diesel_litres)
    )


def grid_tco2e(mwh: Decimal, tco2e_per_mwh: Decimal) -> Decimal:
    """AVERT (tCO2/MWh) or Ember (gCO2/kWh / 1000) credits: energy times intensity."""
    return product(mwh, tco2e_per_mwh)


def whole_credits(tco2e: Decimal) -> int:
    return whole(tco2e)
