"""Validate a batch of verification files: every per-file rule, then cross-file rules.

One broken file never stops the batch: it gets a `parse` finding and the rest
are validated as usual. A file is `ok` when it has no error of its own and is
not named in a cross-file error (both files of an overlap are held back).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from rrec_pipeline.amounts import decimal_text
from rrec_pipeline.drop_files import ReadProblem, Source, collect_csv_paths, read_sources
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.cross_file_rules import Submission, cross_file_findings
from rrec_pipeline.validation.file_rules import validate_file, validate_files
from rrec_pipeline.validation.rules import Finding, finding
from rrec_pipeline.verification_csv.model import UnreadableFileError, VerificationFile
from rrec_pipeline.verification_csv.reader import read_verification_bytes
from rrec_pipeline.verification_csv.totals import certified_mwh, computed_total_mwh, whole_rrecs

log = logging.getLogger(__name__)


@dataclass
class FileReport:
    key: str
    sha256: str | None  # None when the bytes could not be read
    file: VerificationFile | None
    findings: list[Finding]
    held_by_cross_file_error: bool = False

    @property
    def header_total_mwh(self) -> Decimal | None:
        return self.file.header.total_energy_mwh if self.file else None

    @cached_property
    def computed_total_mwh(self) -> Decimal | None:
        return computed_total_mwh(self.file) if self.file else None

    @property
    def certified_mwh(self) -> Decimal | None:
        return certified_mwh(self.header_total_mwh, self.computed_total_mwh)

    @property
    def whole_rrecs(self) -> int:
        return whole_rrecs(self.certified_mwh)

    @property
    def ok(self) -> bool:
        return not self.held_by_cross_file_error and not any(f.is_error for f in self.findings)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.key,
            "ok": self.ok,
            "header_total_mwh": decimal_text(self.header_total_mwh),
            "computed_total_mwh": decimal_text(self.computed_total_mwh),
            "certified_mwh": decimal_text(self.certified_mwh),
            "whole_rrecs": self.whole_rrecs,
            "findings": [item.to_json() for item in self.findings],
        }


@dataclass
class BatchReport:
    files: list[FileReport]
    cross_file: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(report.ok for report in self.files) and not any(
            item.is_error for item in self.cross_file
        )

    @property
    def accepted(self) -> list[FileReport]:
        return [report for report in self.files if report.ok]

    @property
    def rejected(self) -> list[FileReport]:
        return [report for report in self.files if not report.ok]

    def to_json(self) -> list[dict[str, object]]:
        records = [report.to_json() for report in self.files]
        if self.cross_file:
            records.append(
                {
                    "file": None,
                    "ok": not any(item.is_error for item in self.cross_file),
                    "header_total_mwh": None,
                    "computed_total_mwh": None,
                    "certified_mwh": None,
                    "whole_rrecs": 0,
                    "findings": [item.to_json() for item in self.cross_file],
                }
            )
        return records


def read_one(key: str, data: bytes | ReadProblem) -> FileReport:
    """Parse one file; an unreadable one gets its `parse` finding, never an exception."""
    if isinstance(data, ReadProblem):
        return FileReport(key, None, None, [finding("parse", data.message)])
    digest = hashlib.sha256(data).hexdigest()
    try:
        return FileReport(key, digest, read_verification_bytes(data, Path(key).name), [])
    except UnreadableFileError as error:
        return FileReport(key, digest, None, [finding("parse", str(error), line=error.line)])


def _validate_isolated(report: FileReport, config: ValidationConfig) -> None:
    """One file on its own, so a rule that crashes on it cannot take the batch down."""
    try:
        report.findings = validate_file(report.file, config)
    except Exception as error:
        log.exception("validating %s failed", report.key)
        report.file = None
        report.findings = [
            finding("parse", f"could not be validated: {type(error).__name__}: {error}")
        ]


def validate_sources(sources: Iterable[Source], config: ValidationConfig) -> BatchReport:
    reports = [read_one(key, data) for key, data in sources]
    readable = [report for report in reports if report.file is not None]
    try:
        found = validate_files([report.file for report in readable], config)
    except Exception:
        log.exception("batch validation failed; validating files one by one")
        for report in readable:
            _validate_isolated(report, config)
    else:
        for report, findings in zip(readable, found, strict=True):
            report.findings = findings
    submissions = [Submission(r.key, r.file) for r in reports if r.file is not None]
    cross = cross_file_findings(submissions, config)
    held = {key for item in cross if item.is_error for key in item.files}
    for report in reports:
        report.held_by_cross_file_error = report.key in held
    return BatchReport(reports, cross)


def validate_paths(targets: Sequence[Path], config: ValidationConfig) -> BatchReport:
    """Files as given, folders searched for `*.csv` (links leaving a folder are not read)."""
    return validate_sources(read_sources(collect_csv_paths(targets)), config)
