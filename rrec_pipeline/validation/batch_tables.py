"""The verification tables: a validated batch as files, accepted readings and findings,
and the gap explanations the batch was judged with.

Amounts stay exact: header values go into the file-summary table on their
declared decimal grids, and a value too large for its column is left null
(the range rules have already reported it).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import for_column
from rrec_pipeline.tables import (
    GAP_EXPLANATIONS,
    VERIFICATION_FILES,
    VERIFICATION_FINDINGS,
    VERIFICATION_READINGS,
)
from rrec_pipeline.validation.batch import BatchReport, FileReport
from rrec_pipeline.validation.gap_explanations import GapExplanation
from rrec_pipeline.validation.rules import RULES
from rrec_pipeline.verification_csv.fields import SUMMARY_FIELDS, HeaderField, Kind
from rrec_pipeline.verification_csv.fields import VerificationHeader as Header


def findings_frame(report: BatchReport) -> pl.DataFrame:
    rows = [(item.key, finding) for item in report.files for finding in item.findings]
    rows += [(None, finding) for finding in report.cross_file]
    frame = pl.DataFrame(
        [
            {
                "file": key,
                "rule": finding.rule,
                "family": str(RULES[finding.rule].family),
                "severity": str(finding.severity),
                "message": finding.message,
                "line": finding.line,
                "field": finding.field,
            }
            for key, finding in rows
        ],
        schema=VERIFICATION_FINDINGS.dtypes,
    )
    return VERIFICATION_FINDINGS.validate(frame)


def accepted_readings_frame(report: BatchReport) -> pl.DataFrame:
    frames = [
        item.file.valid_readings.select(
            pl.lit(item.key).alias("file"),
            pl.lit(item.file.header.project_name).alias("project_name"),
            "line",
            "timestamp_utc",
            "utc_offset_minutes",
            "kwh",
        )
        for item in report.accepted
        if item.file is not None
    ]
    frame = pl.concat(frames) if frames else VERIFICATION_READINGS.empty()
    return VERIFICATION_READINGS.validate(frame.cast(VERIFICATION_READINGS.dtypes))


def summaries_frame(report: BatchReport) -> pl.DataFrame:
    frame = pl.DataFrame(
        [_summary(item) for item in report.files], schema=VERIFICATION_FILES.dtypes
    )
    return VERIFICATION_FILES.validate(frame)


def _summary(report: FileReport) -> dict[str, object]:
    header = report.file.header if report.file else None
    errors = sum(item.is_error for item in report.findings)
    dtypes = VERIFICATION_FILES.dtypes
    return {
        "file": report.key,
        "project_name": header.project_name if header else None,
        "begin_utc": report.file.begin if report.file else None,
        "end_utc": report.file.end if report.file else None,
        "header_total_mwh": for_column(report.header_total_mwh, dtypes["header_total_mwh"]),
        "computed_total_mwh": for_column(report.computed_total_mwh, dtypes["computed_total_mwh"]),
        "certified_mwh": for_column(report.certified_mwh, dtypes["certified_mwh"]),
        "whole_rrecs": report.whole_rrecs,
        "is_accepted": report.ok,
        "error_count": errors,
        "warning_count": len(report.findings) - errors,
        "sha256": report.sha256,
        "generation_year": _generation_year(header),
        **{spec.attr: _column_value(spec, header) for spec in SUMMARY_FIELDS},
    }


def _generation_year(header: Header | None) -> int | None:
    begin = header.begin_timestamp if header else None
    return begin.local.year if begin else None


def _column_value(spec: HeaderField, header: Header | None) -> object:
    value = getattr(header, spec.attr) if header else None
    if value is None:
        return None
    if spec.kind == Kind.TIMESTAMP:
        return value.local_date
    if isinstance(value, Decimal):
        return for_column(value, spec.dtype)
    if spec.kind == Kind.INTEGER and abs(value) >= 2**63:
        return None
    return value


def explanations_frame(explanations: tuple[GapExplanation, ...]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [
            {
                "project": item.project,
                "start_utc": item.start,
                "end_utc": item.end,
                "reason": item.reason,
                "line": item.line,
            }
            for item in explanations
        ],
        schema=GAP_EXPLANATIONS.dtypes,
    )
    return GAP_EXPLANATIONS.validate(frame)


def explanations_from_frame(frame: pl.DataFrame) -> tuple[GapExplanation, ...]:
    return tuple(
        GapExplanation(row["project"], row["start_utc"], row["end_utc"], row["reason"], row["line"])
        for row in frame.iter_rows(named=True)
    )
