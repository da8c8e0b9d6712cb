"""Meter exports dropped in a folder: `<vendor>/<site_id>/<file>`.

Vendors: `generic` (`timestamp,kWh` CSV), `steamaco` and `sparkmeter` (CSV
exports, or saved API JSON), `solaredge` (energy reports exported as CSV or in
the V1 JSON shape, since the V1 API was retired in November 2026). An optional
`<site_id>/site.json` gives `timezone` (for stamps without offset),
`device_id` and `capacity_kw` (readings above 1.5 x that per hour are held
back). Files are read, never moved; the landing zone stores each once. A link
leaving the folder, a file over the size limit or an unreadable one becomes a
rejected page with the reason and no body: nothing outside the drop is read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from rrec_pipeline.basics.drop_files import ReadProblem, read_source
from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.meters.connector import MeterSource, Window
from rrec_pipeline.resources.meters.http_errors import SourceError

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
        for file in files_in(root):
            if file.name != "site.json":
                yield self._page(root, file)

    def _page(self, root: Path, file: Path) -> Page:
        relative = file.relative_to(root).as_posix()
        parts = file.relative_to(root).parts
        vendor = parts[0] if len(parts) == 3 and parts[0] in VENDORS else None
        site = parts[1] if vendor else ""
        settings, problem = (
            _site_settings(file.parent / "site.json", root) if vendor else ({}, None)
        )
        body = read_source(file, root)
        if isinstance(body, ReadProblem):
            problem, body = body.message, b""
        context = {
            "vendor": vendor or "unknown",
            "site_id": site,
            "timezone": settings.get("timezone", "UTC"),
            "device_id": settings.get("device_id", site),
        }
        if "capacity_kw" in settings:
            context["capacity_kw"] = settings["capacity_kw"]
        if problem:
            context["problem"] = problem
        return Page(
            source=self.source,
            kind="files.rejected" if problem else _kind(vendor, file.suffix.lower()),
            endpoint=relative,
            request={"file": relative},
            status=200,
            received_at=datetime.fromtimestamp(file.lstat().st_mtime, UTC),
            body=body,
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


def files_in(root: Path) -> list[Path]:
    """Every file under `root`, sorted; linked folders are not entered."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found.extend(Path(folder, name) for name in files)
    return sorted(found)


def _site_settings(path: Path, root: Path) -> tuple[dict, str | None]:
    """`site.json` settings, or why they cannot be used (the site's files then fail)."""
    if not path.exists() and not path.is_symlink():
        return {}, None
    data = read_source(path, root)
    if isinstance(data, ReadProblem):
        return {}, f"{path.name}: {data.message}"
    try:
        settings = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, f"{path.name} is not readable JSON ({error})"
    if not isinstance(settings, dict):
        return {}, f"{path.name} must be a JSON object"
    return settings, None
