"""The raw landing zone: every page and file kept as received, with its request.

Layout under `path`, per source:
- `pages/<id[:2]>/<id>.json.gz`: one page (request, status, time, context, body
  byte-exact). Pages are content-addressed, so a duplicate delivery is stored once.
- `index/<YYYY-MM-DD>.jsonl`: which pages hold readings for that UTC day. A
  partition is re-derived from exactly these pages. A page's index lines are
  written before the page itself, and an id whose page is not there yet is
  not listed: a crash between the two leaves a page that the next fetch
  lands (and indexes) again, never a landed page that no day lists.
- `cursors/<YYYY-MM-DD>.json`: how far that day has been fetched, and whether
  it is complete (the source's settle time has passed). It says what is
  landed, nothing about what is normalised.
- `normalised/<YYYY-MM-DD>.json`: the digest of the pages the day's written
  partition was derived from, recorded only after the partition is written.
  A day whose pages differ from its record is stale and is normalised again
  (`meter_reads.ingest.stale_days`): whatever a crash interrupted, the next
  run redoes.
- `quarantine/<id>/`: pages that could not be parsed, with the error; and
  `quarantine/<id>.date_out_of_range/`: readings of a landed page dated outside
  the days that have partitions.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from datetime import date, datetime
from pathlib import Path

import dagster as dg

from rrec_pipeline.meter_reads.ingest import Cursor
from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.resources.storage.atomic import write_atomic

log = logging.getLogger(__name__)


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
        """Index a page under `days`, then store it; False when it was already there."""
        target = self._page_path(page.source, page.page_id)
        if target.exists():
            return False
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
        payload = json.dumps(page.to_record(), ensure_ascii=False).encode("utf-8")
        write_atomic(target, gzip.compress(payload, mtime=0))
        return True

    def _index_path(self, source: str, day: date) -> Path:
        return self._source_dir(source) / "index" / f"{day.isoformat()}.jsonl"

    def page_ids_for(self, source: str, day: date) -> list[str]:
        """Landed page ids indexed under the day. A line torn by a crash is dropped and the
        index rewritten without it; an id whose page was never written is left out (the
        next fetch lands that page and indexes it again)."""
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
        ids = dict.fromkeys(entry["page_id"] for entry in good)
        return [page_id for page_id in ids if self._page_path(source, page_id).exists()]

    def indexed_days(self, source: str) -> list[date]:
        """Every UTC day some landed page is indexed under, in order."""
        folder = self._source_dir(source) / "index"
        days = []
        for path in folder.glob("*.jsonl") if folder.is_dir() else []:
            try:
                days.append(date.fromisoformat(path.stem))
            except ValueError:
                continue
        return sorted(days)

    def _record_path(self, source: str, day: date) -> Path:
        return self._source_dir(source) / "normalised" / f"{day.isoformat()}.json"

    def normalised_pages(self, source: str, day: date) -> str | None:
        """The digest of the pages the day's written partition came from; None: never written."""
        path = self._record_path(source, day)
        try:
            return json.loads(path.read_bytes())["pages"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def record_normalised(self, source: str, day: date, pages: str) -> None:
        """Called once the day's partition is written: it is up to date with these pages."""
        write_atomic(self._record_path(source, day), json.dumps({"pages": pages}).encode())

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

    def quarantine_readings(self, page: Page, rule: str, message: str) -> Path:
        """Readings of a page that cannot have a partition: the finding, beside the page's id."""
        entry = self._source_dir(page.source) / "quarantine" / f"{page.page_id}.{rule}"
        finding = {"page_id": page.page_id, "endpoint": page.endpoint, "rule": rule}
        write_atomic(
            entry / "error.json", json.dumps({**finding, "error": message}, indent=2).encode()
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
