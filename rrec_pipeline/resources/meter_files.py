"""Meter exports dropped in a folder: `<vendor>/<site_id>/<file>`.

Vendors: `generic` (`timestamp,kWh` CSV), `steamaco` and `sparkmeter` (CSV
exports, or saved API JSON), `solaredge` (energy reports exported as CSV or in
the V1 JSON shape, since the V1 API was retired in November 2026). An optional
`<site_id>/site.json` gives `timezone` (for stamps without offset) and
`device_id`. Files are read, never moved; the landing zone stores each once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.connector import MeterSource, Window
from rrec_pipeline.resources.http import SourceError

VENDORS = ("generic", "steamaco", "sparkmeter", "solaredge")


class MeterFileDrop(MeterSource):
    path: str = ""

    source: ClassVar[str] = "files"

    @property
    def always_rescan(self) -> bool:
        return True

    @property
    def is_configured(self) -> bool:
        return bool(self.path) and Path(self.path).is_dir()

    def require_configured(self) -> None:
        if not self.is_configured:
            raise SourceError(
                self.source,
                str(self.path or "(unset)"),
                "the meter file drop folder does not exist (RREC_FILES_DIR)",
            )

    def fetch(self, window: Window) -> Iterator[Page]:
        """Every file in the drop; the window does not apply (files say their own times)."""
        self.require_configured()
        root = Path(self.path)
        for file in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "site.json"):
            yield self._page(root, file)

    def _page(self, root: Path, file: Path) -> Page:
        relative = file.relative_to(root).as_posix()
        parts = file.relative_to(root).parts
        vendor = parts[0] if len(parts) == 3 and parts[0] in VENDORS else None
        site = parts[1] if vendor else ""
        settings, problem = _site_settings(file.parent / "site.json") if vendor else ({}, None)
        context = {
            "vendor": vendor or "unknown",
            "site_id": site,
            "timezone": settings.get("timezone", "UTC"),
            "device_id": settings.get("device_id", site),
        }
        if problem:
            context["problem"] = problem
        return Page(
            source=self.source,
            kind="files.rejected" if problem else _kind(vendor, file.suffix.lower()),
            endpoint=relative,
            request={"file": relative},
            status=200,
            received_at=datetime.fromtimestamp(file.stat().st_mtime, UTC),
            body=file.read_bytes(),
            context=context,
        )


def _kind(vendor: str | None, suffix: str) -> str:
    if vendor is None:
        return "files.misplaced"
    if suffix == ".csv":
        return "files.csv"
    if suffix == ".json" and vendor != "generic":
        return f"files.{vendor}_json"
    return "files.unsupported"


def _site_settings(path: Path) -> tuple[dict, str | None]:
    """`site.json` settings, or why they cannot be used (the site's files then fail)."""
    if not path.exists():
        return {}, None
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, f"{path.name} is not readable JSON ({error})"
    if not isinstance(settings, dict):
        return {}, f"{path.name} must be a JSON object"
    return settings, None
