"""The registry folder: reviewed files that say how to judge and issue.

It holds the registry (`projects.csv`, `devices.csv`, `reservations.csv`,
`clearances.csv`), `approvals.csv` (lots approved for issuance) and
`gap_explanations.csv` (registered explanations for data gaps). Files are read
as bytes and parsed by the domain; a missing file is an empty table, not an
error.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class RegistryFolder(dg.ConfigurableResource):
    path: str
    gap_explanations_path: str | None = None  # RREC_GAP_EXPLANATIONS: a file elsewhere

    def read(self, name: str) -> bytes | None:
        """A reviewed file's bytes, or None when the registry has no such file."""
        target = self._target(name)
        return target.read_bytes() if target.is_file() else None

    def describe(self, name: str) -> str:
        return str(self._target(name))

    def _target(self, name: str) -> Path:
        if name == "gap_explanations.csv" and self.gap_explanations_path:
            return Path(self.gap_explanations_path)
        return Path(self.path) / name
