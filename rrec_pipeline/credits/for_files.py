"""Carbon credits of one verification file, and the header fields that carry them.

Used by `rrec credits` for files it reads, and by the pipeline to fill the
credit fields of the files it writes. Energy is the file's certified MWh (the
smaller of its header total and its rows, exact); the year is Begin's.
"""

from __future__ import annotations

from dataclasses import replace

from rrec_pipeline.credits.calculate import Consumption, CreditResult, credit
from rrec_pipeline.credits.classify import classify
from rrec_pipeline.credits.factors import FactorPolicy, choose_factors
from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.verification_csv.fields import VerificationHeader
from rrec_pipeline.verification_csv.model import VerificationFile
from rrec_pipeline.verification_csv.totals import certified_mwh, computed_total_mwh

DEFAULT_POLICY = FactorPolicy()


def credits_for_file(
    file: VerificationFile, tables: ReferenceTables, policy: FactorPolicy = DEFAULT_POLICY
) -> CreditResult:
    header = file.header
    year = header.begin_timestamp.local.year if header.begin_timestamp else None
    found = classify(
        tables,
        country=header.country,
        us_state=header.us_state,
        us_region=header.us_region,
        installation_type=header.installation_type,
    )
    factors = choose_factors({"file": (found, year)}, tables, policy) if year else {}
    return credit(
        found,
        mwh=certified_mwh(header.total_energy_mwh, computed_total_mwh(file)),
        year=year,
        consumption=consumption_of(header),
        factor=factors.get("file"),
    )


def consumption_of(header: VerificationHeader) -> Consumption:
    return Consumption(
        header.type1_ma_consumption_mwh,
        header.type1_mb_consumption_mwh,
        header.type2_consumption_mwh,
        header.diesel_consumption_l,
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
    if result.credit_class == "AVERT-USCC" and result.factor:
        updates["avert_factor_tco2e_per_mwh"] = result.factor.value
    elif result.credit_class == "EGRCC" and result.factor:
        updates["ember_factor_gco2e_per_kwh"] = result.factor.value
    elif result.ams is not None:
        updates.update(
            type1_customers=type1_customers,
            type2_customers=type2_customers,
            type1_ma_consumption_mwh=result.ams.type1_ma_mwh,
            type1_mb_consumption_mwh=result.ams.type1_mb_mwh,
            type2_consumption_mwh=result.ams.type2_mwh,
        )
    return replace(header, **updates)
