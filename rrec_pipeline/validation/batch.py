"""Validate a batch of verification files: every per-file rule, then cross-file rules.

One broken file never stops the batch: it gets a `parse` finding and the rest
are validated as usual. A file is `ok` when it has no error of its own and is
not named in a cross-file error (both files of an overlap are held back).
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from rrec_pipeline.basics.amounts import decimal_text
from rrec_pipeline.basics.drop_files import ReadProblem, Source, collect_csv_paths, read_sources
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.cross_file_rules import Submission, cross_file_findings
from rrec_pipeline.validation.file_rules import validate_file, validate_files
from rrec_pipeline.validation.rules import Finding, finding
from rrec_pipeline.verification_csv.model import UnreadableFileError, VerificationFile
from rrec_pipeline.verification_csv.reader import read_verification_batch
from rrec_pipeline.verification_csv.totals import certified_mwh, computed_total_mwh, whole_rrecs

log = logging.getLogger(__name__)

# Files read and checked together: one polars pass per batch instead of one per
# file, and memory that follows a batch rather than the whole drop.
BATCH_FILES = 500
BATCH_BYTES = 16 * 1024 * 1024


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


def _report(key: str, digest: str, file: VerificationFile | UnreadableFileError) -> FileReport:
    """A file's report before its rules run; an unreadable one has its `parse` finding."""
    if isinstance(file, UnreadableFileError):
        return FileReport(key, digest, None, [finding("parse", str(file), line=file.line)])
    return FileReport(key, digest, file, [])


def _batches(sources: Iterable[Source]) -> Iterator[list[Source]]:
    """Sources in batches of at most `BATCH_FILES` files or about `BATCH_BYTES` bytes."""
    batch: list[Source] = []
    size = 0
    for source in sources:
        batch.append(source)
        size += len(source[1]) if isinstance(source[1], bytes) else 0
        source = None  # only the batch holds the bytes (`_validate_batch` lets them go)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _validate_batch(batch: list[Source], config: ValidationConfig) -> list[FileReport]:
    """Read the batch's files in one pass and run every per-file rule on them.

    The batch is emptied as it is read: each file's bytes go to the reader,
    which drops them once it has the lines, so a large file is not held twice.
    """
    # What a report needs of a file once its bytes are gone: their digest, or why
    # they were not read.
    kept = [
        (key, data if isinstance(data, ReadProblem) else hashlib.sha256(data).hexdigest())
        for key, data in batch
    ]
    pending = deque((data, Path(key).name) for key, data in batch if isinstance(data, bytes))
    batch.clear()
    read = iter(read_verification_batch(_handed_over(pending)))
    reports = [
        FileReport(key, None, None, [finding("parse", digest_or_why.message)])
        if isinstance(digest_or_why, ReadProblem)
        else _report(key, digest_or_why, next(read))
        for key, digest_or_why in kept
    ]
    files = [report for report in reports if report.file is not None]
    try:
        found = validate_files([report.file for report in files], config)
    except Exception:
        log.exception("batch validation failed; validating files one by one")
        for report in files:
            _validate_isolated(report, config)
    else:
        for report, findings in zip(files, found, strict=True):
            report.findings = findings
    return reports


def _handed_over(pending: deque[tuple[bytes, str]]) -> Iterator[tuple[bytes, str]]:
    while pending:
        yield pending.popleft()


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


def validate_sources(
    sources: Iterable[Source], config: ValidationConfig, *, keep_rows: bool = True
) -> BatchReport:
    """Every file's own rules batch by batch, then the rules across all files, which
    need only their headers.

    With `keep_rows=False` each report keeps its file's header and totals but
    not its rows, so memory follows one batch, not the drop (`rrec validate`).
    """
    reports = []
    for batch in _batches(sources):
        validated = _validate_batch(batch, config)
        if not keep_rows:
            for report in validated:
                _let_rows_go(report)
        reports += validated
    submissions = [Submission(r.key, r.file) for r in reports if r.file is not None]
    cross = cross_file_findings(submissions, config)
    held = {key for item in cross if item.is_error for key in item.files}
    for report in reports:
        report.held_by_cross_file_error = report.key in held
    return BatchReport(reports, cross)


def _let_rows_go(report: FileReport) -> None:
    if report.file is not None:
        _ = report.computed_total_mwh  # kept: it is the one figure read from the rows
        report.file = report.file.without_rows()


def validate_paths(
    targets: Sequence[Path], config: ValidationConfig, *, keep_rows: bool = True
) -> BatchReport:
    """Files as given, folders searched for `*.csv` (links leaving a folder are not read)."""
    return validate_sources(read_sources(collect_csv_paths(targets)), config, keep_rows=keep_rows)
