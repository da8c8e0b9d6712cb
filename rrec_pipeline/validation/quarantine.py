"""What goes into the quarantine for a rejected file, decided here and written by a resource.

An entry is a folder named by the file's content (`<sha256[:16]>`), holding a
byte-exact copy of the file and `findings.json`: the file's own findings and
the cross-file findings that name it. Keyed by content, so re-running a batch
rewrites the same entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath

from rrec_pipeline.validation.batch import BatchReport, FileReport


@dataclass(frozen=True)
class QuarantineEntry:
    key: str  # the file's name in the drop folder
    folder: str
    file_name: str
    data: bytes
    findings_json: bytes


def quarantine_entries(report: BatchReport, data: dict[str, bytes]) -> list[QuarantineEntry]:
    """One entry per rejected file of the batch; `data` maps each key to its bytes."""
    return [_entry(item, report, data[item.key]) for item in report.rejected]


def _entry(item: FileReport, report: BatchReport, data: bytes) -> QuarantineEntry:
    findings = [finding.to_json() for finding in item.findings]
    findings += [f.to_json() for f in report.cross_file if item.key in f.files]
    document = {"file": item.key, "sha256": item.sha256, "findings": findings}
    return QuarantineEntry(
        key=item.key,
        folder=item.sha256[:16],
        file_name=PurePosixPath(item.key).name,
        data=data,
        findings_json=json.dumps(document, indent=2).encode("utf-8"),
    )
