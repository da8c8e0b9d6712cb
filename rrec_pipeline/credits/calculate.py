"""The credits of an amount of energy: one home for the arithmetic and its reasons.

Per-file credits (`rrec credits`, the header fields the pipeline writes) and
project-year credits both end here: a classification, exact certified MWh, a
generation year, a mini-grid's consumption and the chosen grid factor give the
token, credit class, tCO2e (exact) and whole credits (floored from the exact
figure), always with the reason either way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from rrec_pipeline.basics.amounts import TCO2E_DECIMALS, decimal_text, whole
from rrec_pipeline.credits.classify import Classification
from rrec_pipeline.credits.factors import FactorChoice
from rrec_pipeline.credits.methods import AmsResult, ams_from_consumption, grid_tco2e

AMS_SOURCE = "UNFCCC CDM AMS-III.BB: 2.72 / 0.8 tCO2e/MWh, diesel 0.0031 tCO2e/L"


@dataclass(frozen=True)
class Consumption:
    """A mini-grid's AMS-III.BB inputs, as its verification header carries them."""

    type1_ma_mwh: Decimal | None = None
    type1_mb_mwh: Decimal | None = None
    type2_mwh: Decimal | None = None
    diesel_litres: Decimal | None = None

    @property
    def is_given(self) -> bool:
        return any(v is not None for v in (self.type1_ma_mwh, self.type1_mb_mwh, self.type2_mwh))

    def ams(self) -> AmsResult:
        zero = Decimal(0)
        return ams_from_consumption(
            self.type1_ma_mwh or zero,
            self.type1_mb_mwh or zero,
            self.type2_mwh or zero,
            diesel_litres=self.diesel_litres or zero,
        )


@dataclass(frozen=True)
class CreditResult:
    token: str | None
    credit_class: str | None
    eligible: bool
    reason: str
    factor: FactorChoice | None = None
    factor_source: str | None = None
    tco2e: Decimal | None = None  # exact
    ams: AmsResult | None = None

    @property
    def whole_credits(self) -> int | None:
        return None if self.tco2e is None else whole(self.tco2e)

    def to_json(self, file: str) -> dict[str, object]:
        factor = self.factor
        return {
            "file": file,
            "token": self.token,
            "credit_class": self.credit_class,
            "eligible": self.eligible,
            "reason": self.reason,
            "factor": decimal_text(factor.value) if factor else None,
            "factor_unit": factor.unit if factor else None,
            "factor_year": factor.year if factor else None,
            "factor_source": self.factor_source,
            "tco2e": decimal_text(self.tco2e, TCO2E_DECIMALS),
            "whole_credits": self.whole_credits,
        }


def credit(
    found: Classification,
    *,
    mwh: Decimal | None,
    year: int | None,
    consumption: Consumption,
    factor: FactorChoice | None,
) -> CreditResult:
    """Credits of `mwh` generated in `year` by a project classified as `found`."""
    result = CreditResult(found.token, found.credit_class, found.eligible, found.reason)
    if not found.eligible:
        return result
    if found.credit_class == "MCC":
        return _mini_grid(result, consumption)
    if mwh is None or year is None:
        return replace(result, reason="no certified energy or generation year to credit")
    if factor is None:
        return replace(result, reason=missing_factor_reason(found, year))
    reason = result.reason
    if factor.year != year:
        reason += f"; the {year} factor is not published yet, so the {factor.year} one is used"
    if found.avert_region is not None:
        source = f"{factor.source}; region: {found.avert_region.how}"
    else:
        source = factor.source
    return replace(
        result,
        reason=reason,
        factor=factor,
        factor_source=source,
        tco2e=grid_tco2e(mwh, factor.tco2_per_mwh),
    )


def _mini_grid(result: CreditResult, consumption: Consumption) -> CreditResult:
    if not consumption.is_given:
        return replace(
            result,
            reason=result.reason
            + "; no Type 1-MA, 1-MB or 2 consumption is given, which AMS-III.BB needs",
        )
    ams = consumption.ams()
    return replace(result, factor_source=AMS_SOURCE, tco2e=ams.tco2e, ams=ams)


def missing_factor_reason(found: Classification, year: int) -> str:
    if found.credit_class == "AVERT-USCC":
        dataset = "AVERT"
        where = f"{found.avert_region.name} {found.avert_project_type}"
    else:
        dataset = "Ember"
        where = f"{found.country.name} ({found.country.iso3})"
    return (
        f"no {dataset} factor for {where} in {year} or any earlier year: "
        "credits cannot be computed (a missing factor is never taken as zero)"
    )
