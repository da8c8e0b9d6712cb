#!/usr/bin/env python3
"""Meter page parsers, per format: the bulk road beside the per-page reference and the floor.

Usage: python bench/parsers.py [--pages N] [--per-page 24 96] [--repeat 3]

For each page kind, N pages of a device-day each (24 hourly or 96 quarter-hour
readings, values as the APIs send them) are built once in memory, then read in
batches of 500 pages (as a fetch lands them), best of `--repeat`:
- floor: decoding the bodies alone (`orjson.loads`; `json.loads` beside it),
  what any parser of these pages must at least do;
- reference: the parser per page (what every page went through before the bulk road);
- bulk: `parse_unvalidated`, the bulk road where a kind has one (else the reference);
- landed: `parse_batch`, the bulk road plus the schema validation a landing does.
Prints readings/s and the ratio to the floor. Figures only; nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rrec_pipeline.meter_reads.ingest import BATCH_PAGES
from rrec_pipeline.meter_reads.pages import Page
from rrec_pipeline.meter_reads.parsers import (
    BULK,
    parse_batch,
    parse_by_reference,
    parse_unvalidated,
)

RECEIVED = datetime(2024, 3, 1, tzinfo=UTC)
DAY = datetime(2024, 1, 1, tzinfo=UTC)


def _kwh(page: int, n: int) -> str:
    return f"{(page * 7919 + n * 104729) % 2000 / 1000:.3f}"


def steamaco(page: int, per_page: int) -> Page:
    step = timedelta(days=1) / per_page
    rows = [
        {"timestamp": (DAY + step * n).isoformat(), "usage_amount": _kwh(page, n)}
        for n in range(per_page)
    ]
    body = {"count": per_page, "next": None, "results": rows}
    context = {"device_id": f"M-{page}", "site_id": "S-1", "interval_hours": 24 / per_page}
    return Page("steamaco", "steamaco.meter_readings", "r", {}, 200, RECEIVED, _json(body), context)


def enphase_registers(page: int, per_page: int) -> Page:
    start, step = int(DAY.timestamp()), 86400 // per_page
    rows = [
        {"serial_number": f"INV-{page}", "read_at": start + step * n, "value": 1000 * n + page}
        for n in range(per_page)
    ]
    context = {"device_id": f"PV-{page}", "site_id": f"S-{page}"}
    body = _json({"meter_readings": rows})
    return Page("enphase", "enphase.meter_readings", "r", {}, 200, RECEIVED, body, context)


def enphase_intervals(page: int, per_page: int) -> Page:
    start, step = int(DAY.timestamp()), 86400 // per_page
    rows = [{"end_at": start + step * (n + 1), "wh_del": n * 13 + page} for n in range(per_page)]
    context = {"device_id": f"PV-{page}", "site_id": "S-1", "interval_seconds": step}
    body = _json({"intervals": rows})
    return Page("enphase", "enphase.production_meter", "r", {}, 200, RECEIVED, body, context)


def sparkmeter_koios(page: int, per_page: int) -> Page:
    step = timedelta(days=1) / per_page
    meter = {"serial_number": f"SM-{page}", "customer": {"code": f"C-{page}"}}
    rows = [
        {"timestamp": (DAY + step * n).isoformat(), "meter": meter, "kilowatt_hours": _kwh(page, n)}
        for n in range(per_page)
    ]
    tariffs = {f"C-{page}": "Residential"}
    context = {"site_id": "S-1", "interval_minutes": 1440 / per_page, "customer_tariffs": tariffs}
    body = _json({"data": rows})
    return Page("sparkmeter", "sparkmeter.koios_historical", "r", {}, 200, RECEIVED, body, context)


def solaredge_export(page: int, per_page: int) -> Page:
    step = timedelta(days=1) / per_page
    local = DAY.replace(tzinfo=None)
    rows = [{"date": str(local + step * n), "value": _kwh(page, n)} for n in range(per_page)]
    unit = "QUARTER_OF_AN_HOUR" if per_page == 96 else "HOUR"
    body = _json({"energy": {"timeUnit": unit, "unit": "kWh", "values": rows}})
    context = {"device_id": f"SE-{page}", "site_id": "S-1", "timezone": "America/New_York"}
    return Page("files", "files.solaredge_json", "e.json", {}, 200, RECEIVED, body, context)


def victron_stats(page: int, per_page: int) -> Page:
    """PV to consumers and to the battery in the same buckets: their sum is the reading."""
    start, step = int(DAY.timestamp()) * 1000, 86_400_000 // per_page
    consumers = [[start + step * n, float(_kwh(page, n))] for n in range(per_page)]
    battery = [[start + step * n, float(_kwh(page + 1, n))] for n in range(per_page)]
    body = _json({"success": True, "records": {"Pc": consumers, "Pb": battery, "Pg": False}})
    interval = "hours" if per_page == 24 else "15mins"
    context = {"device_id": f"V-{page}", "site_id": "S-1", "interval": interval}
    return Page("victron", "victron.stats", "stats", {}, 200, RECEIVED, body, context)


def _json(body: dict) -> bytes:
    return json.dumps(body).encode()


KINDS: dict[str, Callable[[int, int], Page]] = {
    "steamaco.meter_readings": steamaco,
    "enphase.meter_readings": enphase_registers,
    "enphase.production_meter": enphase_intervals,
    "sparkmeter.koios_historical": sparkmeter_koios,
    "files.solaredge_json": solaredge_export,
    "victron.stats": victron_stats,
}


def _rate(read: Callable[[list[Page]], int], pages: list[Page], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        rows = sum(read(pages[n : n + BATCH_PAGES]) for n in range(0, len(pages), BATCH_PAGES))
        best = min(best, time.perf_counter() - started)
    return rows / best


def _decoded(loads, per_page: int) -> Callable[[list[Page]], int]:
    """Decode each body; a page holds `per_page` readings."""
    return lambda batch: sum(per_page for page in batch if loads(page.body))


def _frames(parse) -> Callable[[list[Page]], int]:
    return lambda batch: sum(frame.height for frame in parse(batch))


def measure(kind: str, per_page: int, count: int, repeat: int) -> dict[str, float]:
    pages = [KINDS[kind](number, per_page) for number in range(count)]
    for page in pages:  # a page's id is computed once, when it lands; not counted here
        _ = page.page_id
    return {
        "floor": _rate(_decoded(orjson.loads, per_page), pages, repeat),
        "json.loads": _rate(_decoded(json.loads, per_page), pages, repeat),
        "reference": _rate(_frames(lambda b: list(map(parse_by_reference, b))), pages, repeat),
        "bulk": _rate(_frames(parse_unvalidated), pages, repeat),
        "landed": _rate(_frames(parse_batch), pages, repeat),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=8000)
    parser.add_argument("--per-page", type=int, nargs="+", default=[24, 96])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("M readings/s (best of", args.repeat, "), batches of", BATCH_PAGES, "pages")
    columns = ("floor", "json.loads", "reference", "bulk", "landed")
    print(f"{'kind':<26} {'per page':>8} " + " ".join(f"{c:>10}" for c in columns) + "  bulk/ref")
    for kind in KINDS:
        assert kind in BULK, kind
        for per_page in args.per_page:
            rates = measure(kind, per_page, args.pages, args.repeat)
            figures = " ".join(f"{rates[c] / 1e6:10.2f}" for c in columns)
            print(f"{kind:<26} {per_page:>8} {figures}  {rates['bulk'] / rates['reference']:7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
