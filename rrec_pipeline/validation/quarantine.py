"""What goes into the quarantine for a rejected file, decided here and written by a resource.

An entry is a folder named by the file's content (`<sha256[:16]>`), holding a
byte-exact copy of the file and `findings.json`: the file's own findings and
the cross-file findings that name it. Keyed by content, so re-running a batch
rewrites the same entries. A file that could not be read (a link leaving the
folder, too large, no permission) gets `findings.json` only, in
`unread-<sha256 of its name>`: nothing outside the folder is ever copied.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from rrec_pipeline.validation.batch import BatchReport, FileReport


@dataclass(frozen=True)
class QuarantineEntry:
    key: str  # the file's name in the drop folder
    folder: str
    file_name: str
    data: bytes | None  # None when the file could not be read: findings only
    findings_json: bytes


def quarantine_entries(report: BatchReport, data: dict[str, object]) -> list[QuarantineEntry]:
    """One entry per rejected file of the batch; `data` maps each key to its bytes."""
    entries = []
    for item in report.rejected:
        content = data.get(item.key)
        entries.append(_entry(item, report, content if isinstance(content, bytes) else None))
    return entries


def _entry(item: FileReport, report: BatchReport, data: bytes | None) -> QuarantineEntry:
    findings = [finding.to_json() for finding in item.findings]
    findings += [f.to_json() for f in report.cross_file if item.key in f.files]
    document = {"file": item.key, "sha256": item.sha256, "findings": findings}
    return QuarantineEntry(
        key=item.key,
        folder=item.sha256[:16] if item.sha256 else "unread-" + _digest(item.key)[:16],
        file_name=_safe_name(PurePosixPath(item.key).name),
        data=data,
        findings_json=json.dumps(document, indent=2).encode("utf-8"),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _safe_name(name: str) -> str:
    """The copy's name without control characters or path separators."""
    cleaned = re.sub(r"[\x00-\x1f\x7f/\\]", "_", name)
    return cleaned if cleaned not in ("", ".", "..", "findings.json") else "submitted.csv"
