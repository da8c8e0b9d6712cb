"""Verification CSVs submitted by producers: validated, then accepted or quarantined.

One multi-asset reads the drop folder once and yields three tables. A file with
an error is copied to the quarantine with its findings; the rest of the batch
still materializes, so one broken file never holds up the good ones.
"""

from pathlib import Path

import dagster as dg

from rrec_pipeline.checks.batch import BatchReport, validate_sources
from rrec_pipeline.checks.config import ValidationConfig
from rrec_pipeline.checks.gap_explanations import GapExplanationError
from rrec_pipeline.resources.submission_folder import SubmissionFolder

FILES = "core_verification__files"
READINGS = "core_verification__readings"
FINDINGS = "core_verification__findings"


class VerificationRunConfig(dg.Config):
    capacity_factor: float = 1.5


@dg.multi_asset(
    outs={
        FILES: dg.AssetOut(
            description="Every submitted file: accepted or not, totals, R-RECs.", kinds={"polars"}
        ),
        READINGS: dg.AssetOut(
            description="Readings of accepted files (UTC, kWh).", kinds={"polars"}
        ),
        FINDINGS: dg.AssetOut(
            description="Every rule finding of the batch, by file and line.", kinds={"polars"}
        ),
    },
    group_name="verification",
)
def verification_submissions(
    context: dg.AssetExecutionContext,
    config: VerificationRunConfig,
    submission_folder: SubmissionFolder,
):
    try:
        sources = submission_folder.read_submissions()
    except FileNotFoundError as error:
        raise dg.Failure(str(error)) from None
    report = validate_sources(sources, _validation_config(config, submission_folder))
    data = dict(sources)
    quarantined = {
        r.key: submission_folder.quarantine(r, data[r.key], report.cross_file)
        for r in report.rejected
    }
    for key, entry in quarantined.items():
        context.log.warning(f"quarantined {key} -> {entry}")
    yield dg.Output(report.summaries_frame(), FILES, metadata=_batch_metadata(report, quarantined))
    readings = report.accepted_readings_frame()
    yield dg.Output(readings, READINGS, metadata={"dagster/row_count": readings.height})
    findings = report.findings_frame()
    yield dg.Output(findings, FINDINGS, metadata={"dagster/row_count": findings.height})


def _validation_config(config: VerificationRunConfig, folder: SubmissionFolder) -> ValidationConfig:
    try:
        explanations = folder.gap_explanations()
    except (GapExplanationError, OSError) as error:
        raise dg.Failure(f"gap explanations cannot be used: {error}") from None
    return ValidationConfig(capacity_factor=config.capacity_factor, gap_explanations=explanations)


def _batch_metadata(report: BatchReport, quarantined: dict[str, Path]) -> dict[str, object]:
    lines = [f"- `{key}` -> `{entry}`" for key, entry in quarantined.items()]
    return {
        "dagster/row_count": len(report.files),
        "accepted_files": len(report.accepted),
        "quarantined_files": len(quarantined),
        "accepted_whole_rrecs": sum(r.whole_rrecs for r in report.accepted),
        "quarantine": dg.MetadataValue.md("\n".join(lines) or "nothing quarantined"),
    }
