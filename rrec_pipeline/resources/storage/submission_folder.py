"""The drop folder where producers submit verification CSVs, and its quarantine.

The drop folder is read, never modified. What a quarantine entry holds is
decided in `rrec_pipeline.validation.quarantine`; this resource only writes
its bytes, `findings.json` first, each file atomically.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from rrec_pipeline.basics.drop_files import Source, csv_files_in, read_source
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.validation.quarantine import QuarantineEntry


class SubmissionFolder(dg.ConfigurableResource):
    """Where verification CSVs arrive and where rejected ones are set aside."""

    path: str
    quarantine_path: str
    is_default: bool = False  # the home's own `drop` folder, not one RREC_DROP_DIR names

    def read_submissions(self) -> list[Source]:
        """(name relative to the drop folder, bytes or why not read) for every CSV, sorted.

        Links leaving the folder, files over the size limit and unreadable files
        come back as problems (`drop_files`). A folder RREC_DROP_DIR names that
        does not exist is a configuration error (a typo must not look like an
        empty batch); the home's own folder is made on first use, empty.
        """
        root = Path(self.path)
        if self.is_default:
            root.mkdir(parents=True, exist_ok=True)
        if not root.is_dir():
            raise FileNotFoundError(f"the drop folder {root} does not exist (RREC_DROP_DIR)")
        return [
            (path.relative_to(root).as_posix(), read_source(path, root))
            for path in csv_files_in(root)
        ]

    def write_quarantine(self, entry: QuarantineEntry) -> Path:
        """Write one entry; returns its folder."""
        folder = Path(self.quarantine_path) / entry.folder
        write_atomic(folder / "findings.json", entry.findings_json)
        if entry.data is not None:
            write_atomic(folder / entry.file_name, entry.data)
        return folder
