"""Verification CSVs submitted by producers: validated, then accepted or quarantined.

`core_verification` reads the drop folder once and yields three tables. A file
with an error is copied to the quarantine with its findings; the rest of the
batch still materializes, so one broken file never holds up the good ones.
Gap explanations are a reviewed file of the registry, loaded as their own table.
"""

from decimal import Decimal, InvalidOperation

import dagster as dg
import polars as pl

from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.checks.verification import VERIFICATION_CHECK_SPECS, verification_results
from rrec_pipeline.resources.storage.registry_folder import RegistryFolder
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder
from rrec_pipeline.tables import (
    GAP_EXPLANATIONS,
    VERIFICATION_FILES,
    VERIFICATION_FINDINGS,
    VERIFICATION_READINGS,
)
from rrec_pipeline.validation.batch import BatchReport, validate_sources
from rrec_pipeline.validation.batch_tables import (
    accepted_readings_frame,
    explanations_frame,
    explanations_from_frame,
    findings_frame,
    summaries_frame,
)
from rrec_pipeline.validation.config import DEFAULT_CONFIG, ValidationConfig
from rrec_pipeline.validation.gap_explanations import GapExplanationError, read_gap_explanations
from rrec_pipeline.validation.quarantine import quarantine_entries

GROUP = "verification"


class VerificationRunConfig(dg.Config):
    capacity_factor: str = str(DEFAULT_CONFIG.capacity_factor)


@dg.asset(
    name=GAP_EXPLANATIONS.key,
    group_name=GROUP,
    kinds={"csv", "polars"},
    description=GAP_EXPLANATIONS.description,
    check_specs=schema_specs(GAP_EXPLANATIONS),
)
@schema_checked(GAP_EXPLANATIONS)
def core_verification__gap_explanations(registry_folder: RegistryFolder) -> dg.Output:
    data = registry_folder.read("gap_explanations.csv")
    where = registry_folder.describe("gap_explanations.csv")
    try:
        explanations = read_gap_explanations(data) if data is not None else ()
    except GapExplanationError as error:
        raise dg.Failure(f"gap explanations {where} cannot be used: {error}") from None
    frame = explanations_frame(explanations)
    return dg.Output(frame, metadata={"file": where, "dagster/row_count": frame.height})


VERIFICATION_TABLES = (VERIFICATION_FILES, VERIFICATION_READINGS, VERIFICATION_FINDINGS)


@dg.multi_asset(
    name="core_verification",
    outs={
        table.key: dg.AssetOut(description=table.description, kinds={"polars", "parquet"})
        for table in VERIFICATION_TABLES
    },
    ins={"gap_explanations": dg.AssetIn(GAP_EXPLANATIONS.key)},
    group_name=GROUP,
    check_specs=[*schema_specs(*VERIFICATION_TABLES), *VERIFICATION_CHECK_SPECS],
)
@schema_checked(*VERIFICATION_TABLES)
def core_verification(
    context: dg.AssetExecutionContext,
    config: VerificationRunConfig,
    submission_folder: SubmissionFolder,
    gap_explanations: pl.DataFrame,
):
    try:
        sources = submission_folder.read_submissions()
    except FileNotFoundError as error:
        raise dg.Failure(str(error)) from None
    report = validate_sources(sources, _validation_config(config, gap_explanations))
    quarantined = {
        entry.key: submission_folder.write_quarantine(entry)
        for entry in quarantine_entries(report, dict(sources))
    }
    for key, folder in quarantined.items():
        context.log.warning(f"quarantined {key!r} -> {folder}")
    metadata = _batch_metadata(report, len(quarantined))
    files, findings = summaries_frame(report), findings_frame(report)
    yield dg.Output(files, VERIFICATION_FILES.key, metadata=metadata)
    yield dg.Output(accepted_readings_frame(report), VERIFICATION_READINGS.key)
    yield dg.Output(findings, VERIFICATION_FINDINGS.key)
    yield from verification_results(files, findings)


def _validation_config(config: VerificationRunConfig, explanations: pl.DataFrame):
    try:
        factor = Decimal(config.capacity_factor)
    except InvalidOperation:
        factor = Decimal(-1)
    if not factor.is_finite() or factor <= 0:
        raise dg.Failure(
            f"capacity_factor must be a positive number, not {config.capacity_factor!r}"
        )
    return ValidationConfig(
        capacity_factor=factor, gap_explanations=explanations_from_frame(explanations)
    )


def _batch_metadata(report: BatchReport, quarantined: int) -> dict[str, object]:
    return {
        "accepted_files": len(report.accepted),
        "quarantined_files": quarantined,
        "accepted_whole_rrecs": sum(r.whole_rrecs for r in report.accepted),
    }
