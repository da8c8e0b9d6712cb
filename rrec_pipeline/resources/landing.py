"""The raw landing zone: every page and file kept as received, with its request.

Layout under `path`, per source:
- `pages/<id[:2]>/<id>.json.gz`: one page (request, status, time, context, body
  byte-exact). Pages are content-addressed, so a duplicate delivery is stored once.
- `index/<YYYY-MM-DD>.jsonl`: which pages hold readings for that UTC day. A
  partition is re-derived from exactly these pages.
- `cursors/<YYYY-MM-DD>.json`: how far that day has been fetched, and whether
  it is complete (the source's settle time has passed).
- `quarantine/<id>/`: pages that could not be parsed, with the error.
- `late/<YYYY-MM-DD>__<id>.json`: pages that brought data for an earlier day.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import dagster as dg

from rrec_pipeline.meter_reads.ingest import Cursor
from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.atomic import write_atomic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LateMarker:
    source: str
    day: date
    page_id: str
    path: Path


class LandingZone(dg.ConfigurableResource):
    """Raw pages on local disk (or any mounted filesystem)."""

    path: str

    def _source_dir(self, source: str) -> Path:
        return Path(self.path) / source

    def _page_path(self, source: str, page_id: str) -> Path:
        return self._source_dir(source) / "pages" / page_id[:2] / f"{page_id}.json.gz"

    def has(self, page: Page) -> bool:
        """The page is landed already (same source and id)."""
        return self._page_path(page.source, page.page_id).exists()

    def land(self, page: Page, days: set[date]) -> bool:
        """Store a page and index it under `days`; False when it was already there."""
        target = self._page_path(page.source, page.page_id)
        if target.exists():
            return False
        payload = json.dumps(page.to_record(), ensure_ascii=False).encode("utf-8")
        write_atomic(target, gzip.compress(payload, mtime=0))
        line = json.dumps(
            {
                "page_id": page.page_id,
                "kind": page.kind,
                "endpoint": page.endpoint,
                "received_at": page.received_at.isoformat(),
            }
        )
        for day in sorted(days):
            _append_line(self._index_path(page.source, day), line)
        return True

    def _index_path(self, source: str, day: date) -> Path:
        return self._source_dir(source) / "index" / f"{day.isoformat()}.jsonl"

    def page_ids_for(self, source: str, day: date) -> list[str]:
        """Page ids indexed under the day; a line torn by a crash is dropped and the index
        rewritten without it (its page, if landed, is indexed again by the next fetch)."""
        index = self._index_path(source, day)
        if not index.exists():
            return []
        good, torn = [], 0
        for line in index.read_bytes().split(b"\n"):
            entry = _entry(line)
            if entry is not None:
                good.append(entry)
            elif line.strip():
                torn += 1
        if torn:
            log.warning("landing index %s: %d torn line(s) dropped", index, torn)
            write_atomic(index, b"".join(json.dumps(e).encode() + b"\n" for e in good))
        return list(dict.fromkeys(entry["page_id"] for entry in good))

    def load_page(self, source: str, page_id: str) -> Page:
        data = gzip.decompress(self._page_path(source, page_id).read_bytes())
        return Page.from_record(json.loads(data))

    def quarantine(self, page: Page, error: str) -> Path:
        entry = self._source_dir(page.source) / "quarantine" / page.page_id
        entry.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(page.to_record(), ensure_ascii=False).encode("utf-8")
        write_atomic(entry / "page.json.gz", gzip.compress(payload, mtime=0))
        write_atomic(
            entry / "error.json",
            json.dumps(
                {
                    "page_id": page.page_id,
                    "kind": page.kind,
                    "endpoint": page.endpoint,
                    "error": error,
                },
                indent=2,
            ).encode("utf-8"),
        )
        return entry

    def cursor(self, source: str, day: date) -> Cursor | None:
        path = self._source_dir(source) / "cursors" / f"{day.isoformat()}.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return Cursor(datetime.fromisoformat(data["fetched_until"]), data["is_complete"])

    def save_cursor(self, source: str, day: date, cursor: Cursor) -> None:
        path = self._source_dir(source) / "cursors" / f"{day.isoformat()}.json"
        write_atomic(path, json.dumps(cursor.to_json()).encode("utf-8"))

    def mark_late(self, source: str, day: date, page_id: str) -> None:
        path = self._source_dir(source) / "late" / f"{day.isoformat()}__{page_id}.json"
        write_atomic(
            path,
            json.dumps({"source": source, "day": day.isoformat(), "page_id": page_id}).encode(
                "utf-8"
            ),
        )

    def late_markers(self) -> Iterator[LateMarker]:
        root = Path(self.path)
        for path in sorted(root.glob("*/late/*.json")) if root.exists() else []:
            day, page_id = path.stem.split("__", 1)
            yield LateMarker(path.parent.parent.name, date.fromisoformat(day), page_id, path)


def _entry(line: bytes) -> dict | None:
    try:
        entry = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("page_id"), str) else None


def _append_line(path: Path, line: str) -> None:
    """One `write` of the whole line with O_APPEND: concurrent appends never interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
    finally:
        os.close(descriptor)
