"""Carbon credits of one verification file, and the header fields that carry them.

Used by `rrec credits` for files it reads, and by the pipeline to fill the
credit fields of the files it writes. Energy is the header's Total Energy
Production (the file's R-RECs, exact MWh); the year is the Begin Timestamp's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import polars as pl

from rrec_pipeline.credits.classify import Classification, classify
from rrec_pipeline.credits.factors import missing_factor_reason, select_avert, select_ember
from rrec_pipeline.credits.methods import AmsResult, ams_from_consumption, grid_tco2e, whole_credits
from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.verification_csv.model import VerificationFile, VerificationHeader
from rrec_pipeline.verification_csv.totals import computed_total_mwh

AMS_SOURCE = "UNFCCC CDM AMS-III.BB: 2.72 / 0.8 tCO2e/MWh, diesel 0.0031 tCO2e/L"


@dataclass(frozen=True)
class CreditPolicy:
    ember_release: str | None = None  # None: the first release that published the year
    allow_provisional_avert: bool = False


DEFAULT_POLICY = CreditPolicy()


@dataclass(frozen=True)
class CreditResult:
    token: str | None
    credit_class: str | None
    eligible: bool
    reason: str
    factor: float | None = None
    factor_unit: str | None = None
    factor_year: int | None = None
    factor_source: str | None = None
    tco2e: Decimal | None = None
    ams: AmsResult | None = None

    @property
    def whole_credits(self) -> int | None:
        return None if self.tco2e is None else whole_credits(self.tco2e)

    def to_json(self, file: str) -> dict[str, object]:
        return {
            "file": file,
            "token": self.token,
            "credit_class": self.credit_class,
            "eligible": self.eligible,
            "reason": self.reason,
            "factor": self.factor,
            "factor_unit": self.factor_unit,
            "factor_year": self.factor_year,
            "factor_source": self.factor_source,
            "tco2e": None if self.tco2e is None else float(self.tco2e),
            "whole_credits": self.whole_credits,
        }


def credits_for_file(
    file: VerificationFile, tables: ReferenceTables, policy: CreditPolicy = DEFAULT_POLICY
) -> CreditResult:
    header = file.header
    mwh = (
        header.total_energy_mwh if header.total_energy_mwh is not None else computed_total_mwh(file)
    )
    year = header.begin_timestamp.local.year if header.begin_timestamp else None
    found = classify(
        tables,
        country=header.country,
        us_state=header.us_state,
        us_region=header.us_region,
        installation_type=header.installation_type,
    )
    result = CreditResult(found.token, found.credit_class, found.eligible, found.reason)
    if not found.eligible:
        return result
    if found.credit_class == "MCC":
        return _mini_grid(result, header)
    if mwh is None or year is None:
        return replace(result, reason="no Total Energy Production or Begin Timestamp to credit")
    return _grid(result, found, mwh, year, tables, policy)


def _mini_grid(result: CreditResult, header: VerificationHeader) -> CreditResult:
    parts = (
        header.type1_ma_consumption_mwh,
        header.type1_mb_consumption_mwh,
        header.type2_consumption_mwh,
    )
    if all(part is None for part in parts):
        return replace(
            result,
            reason=result.reason + "; the file gives no Type 1-MA, 1-MB or "
            "2 consumption, which AMS-III.BB needs",
        )
    ams = ams_from_consumption(
        *(part or Decimal(0) for part in parts),
        diesel_litres=header.diesel_consumption_l or Decimal(0),
    )
    return replace(result, factor_source=AMS_SOURCE, tco2e=ams.tco2e, ams=ams)


def _grid(
    result: CreditResult,
    found: Classification,
    mwh: Decimal,
    year: int,
    tables: ReferenceTables,
    policy: CreditPolicy,
) -> CreditResult:
    if found.credit_class == "AVERT-USCC":
        region = found.avert_region
        targets = pl.DataFrame(
            {
                "key": ["file"],
                "avert_region_id": [region.region_id],
                "project_type": [found.avert_project_type],
                "generation_year": [year],
            }
        )
        row = select_avert(
            targets, tables.avert, allow_provisional=policy.allow_provisional_avert
        ).row(0, named=True)
        where, dataset, unit = f"{region.name} {found.avert_project_type}", "AVERT", "tCO2/MWh"
        source_note = f"; region: {region.how}"
    else:
        targets = pl.DataFrame(
            {"key": ["file"], "iso3": [found.country.iso3], "generation_year": [year]}
        )
        row = select_ember(targets, tables.ember, release=policy.ember_release).row(0, named=True)
        where, dataset, unit = f"{found.country.name} ({found.country.iso3})", "Ember", "gCO2/kWh"
        source_note = ""
    if row["factor"] is None:
        return replace(result, reason=missing_factor_reason(dataset, where, year))
    reason = result.reason
    if row["factor_year"] != year:
        reason += (
            f"; the {year} factor is not published yet, so the {row['factor_year']} one is used"
        )
    return replace(
        result,
        reason=reason,
        factor=row["factor"],
        factor_unit=unit,
        factor_year=row["factor_year"],
        factor_source=row["factor_source"] + source_note,
        tco2e=grid_tco2e(mwh, Decimal(repr(row["factor_tco2_per_mwh"]))),
    )


def with_credit_fields(
    header: VerificationHeader,
    result: CreditResult,
    *,
    type1_customers: int | None = None,
    type2_customers: int | None = None,
) -> VerificationHeader:
    """The header with the credit fields a written verification CSV carries."""
    updates: dict[str, object] = {"total_carbon_reduction_tco2e": result.tco2e}
    if result.credit_class == "AVERT-USCC":
        updates["avert_factor_tco2e_per_mwh"] = Decimal(repr(result.factor))
    elif result.credit_class == "EGRCC":
        updates["ember_factor_gco2e_per_kwh"] = Decimal(repr(result.factor))
    elif result.ams is not None:
        updates.update(
            type1_customers=type1_customers,
            type2_customers=type2_customers,
            type1_ma_consumption_mwh=result.ams.type1_ma_mwh,
            type1_mb_consumption_mwh=result.ams.type1_mb_mwh,
            type2_consumption_mwh=result.ams.type2_mwh,
        )
    return replace(header, **updates)
