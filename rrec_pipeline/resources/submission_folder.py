"""The drop folder where producers submit verification CSVs, and its quarantine.

The drop folder is read, never modified. A rejected file is copied, byte for
byte, into `quarantine/<sha256 prefix>/` next to `findings.json`, so nothing a
producer sent is lost and ops can see exactly which rule and line failed.
Copies are keyed by content, so re-running a batch rewrites the same entries.
"""

import json
from pathlib import Path

import dagster as dg

from rrec_pipeline.checks.batch import FileReport, collect_csv_paths
from rrec_pipeline.checks.gap_explanations import GapExplanation, load_gap_explanations


class SubmissionFolder(dg.ConfigurableResource):
    """Where verification CSVs arrive and where rejected ones are set aside."""

    path: str
    quarantine_path: str
    gap_explanations_path: str | None = None

    def read_submissions(self) -> list[tuple[str, bytes]]:
        """(name relative to the drop folder, bytes) for every CSV, sorted.

        A missing folder is a configuration error, not an empty batch.
        """
        root = Path(self.path)
        if not root.is_dir():
            raise FileNotFoundError(f"the drop folder {root} does not exist (RREC_DROP_DIR)")
        return [
            (path.relative_to(root).as_posix(), path.read_bytes())
            for path in collect_csv_paths([root])
        ]

    def gap_explanations(self) -> tuple[GapExplanation, ...]:
        if not self.gap_explanations_path:
            return ()
        return load_gap_explanations(self.gap_explanations_path)

    def quarantine(self, report: FileReport, data: bytes, cross_file: list) -> Path:
        """Copy the file and its findings aside; returns the quarantine entry's folder."""
        entry = Path(self.quarantine_path) / report.sha256[:16]
        entry.mkdir(parents=True, exist_ok=True)
        (entry / Path(report.key).name).write_bytes(data)
        findings = [item.to_json() for item in report.findings]
        findings += [item.to_json() for item in cross_file if report.key in item.files]
        (entry / "findings.json").write_text(
            json.dumps(
                {"file": report.key, "sha256": report.sha256, "findings": findings}, indent=2
            ),
            encoding="utf-8",
        )
        return entry
