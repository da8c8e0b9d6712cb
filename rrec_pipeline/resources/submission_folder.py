"""The drop folder where producers submit verification CSVs, and its quarantine.

The drop folder is read, never modified. What a quarantine entry holds is
decided in `rrec_pipeline.validation.quarantine`; this resource only writes
its bytes, `findings.json` first, each file atomically.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from rrec_pipeline.resources.atomic import write_atomic
from rrec_pipeline.validation.quarantine import QuarantineEntry


class SubmissionFolder(dg.ConfigurableResource):
    """Where verification CSVs arrive and where rejected ones are set aside."""

    path: str
    quarantine_path: str

    def read_submissions(self) -> list[tuple[str, bytes]]:
        """(name relative to the drop folder, bytes) for every CSV, sorted.

        A missing folder is a configuration error, not an empty batch.
        """
        root = Path(self.path)
        if not root.is_dir():
            raise FileNotFoundError(f"the drop folder {root} does not exist (RREC_DROP_DIR)")
        paths = sorted(
            path for path in root.rglob("*") if path.is_file() and path.suffix.lower() == ".csv"
        )
        return [(path.relative_to(root).as_posix(), path.read_bytes()) for path in paths]

    def write_quarantine(self, entry: QuarantineEntry) -> Path:
        """Write one entry; returns its folder."""
        folder = Path(self.quarantine_path) / entry.folder
        write_atomic(folder / "findings.json", entry.findings_json)
        write_atomic(folder / entry.file_name, entry.data)
        return folder
