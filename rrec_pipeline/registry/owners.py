"""Energy outside every reservation, issued to the project's owner (rule 10; off by default).

When the policy is on, each registered project gets owner reservations over
the days no buyer's reservation claims, from its first operation to the
planning day: one reservation per such stretch, `owner-<project>-<first day>`,
recipient the project's `owner_wallet`, at the policy's frequency, without a
volume cap. They are ordinary reservations from there on (windows, the
carry-forward, the guard, the ledger), so nothing is issued twice. Like any
reservation, a stretch's remainder under 1 MWh at its end is carried out
unissued, never moved into a buyer's reservation. An owner window without a
single read is not a lot (years before metering began stay quiet).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from rrec_pipeline.registry.files import RegistryTables

UNCAPPED_MWH = Decimal(10) ** 15
OWNER_BUYER = "owner"


def with_owner_reservations(
    registry: RegistryTables, frequency: str, until: date
) -> RegistryTables:
    """The registry with the owner reservations of every project's unreserved days added."""
    claimed = _claimed_days(registry.reservations)
    rows = []
    for project in registry.projects.iter_rows(named=True):
        spans = _unclaimed(
            project["first_operation"], until, claimed.get(project["project_id"], [])
        )
        rows += [_owner_row(project, first, last, frequency) for first, last in spans]
    if not rows:
        return registry
    added = pl.DataFrame(rows, schema=registry.reservations.schema)
    return replace(registry, reservations=pl.concat([registry.reservations, added]))


def owner_reservation_ids(reservations: pl.DataFrame) -> set[str]:
    return set(reservations.filter(pl.col("buyer") == OWNER_BUYER)["reservation_id"])


def _claimed_days(reservations: pl.DataFrame) -> dict[str, list[tuple[date, date]]]:
    claimed: dict[str, list[tuple[date, date]]] = {}
    for project_ids, start, end in reservations.select("project_ids", "start", "end").iter_rows():
        for project_id in project_ids:
            claimed.setdefault(project_id, []).append((start, end))
    return claimed


def _unclaimed(first: date, last: date, taken: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The stretches of [first, last] outside every (start, end) of `taken`."""
    spans, cursor = [], first
    for start, end in sorted(taken):
        if start > cursor:
            spans.append((cursor, min(start - timedelta(days=1), last)))
        cursor = max(cursor, end + timedelta(days=1))
    if cursor <= last:
        spans.append((cursor, last))
    return [(a, b) for a, b in spans if a <= b]


def _owner_row(project: dict, first: date, last: date, frequency: str) -> dict:
    return {
        "reservation_id": f"owner-{project['project_id']}-{first.isoformat()}",
        "buyer": OWNER_BUYER,
        "recipient_wallet": project["owner_wallet"],
        "project_ids": [project["project_id"]],
        "volume_mwh": UNCAPPED_MWH,
        "start": first,
        "end": last,
        "frequency": frequency,
        "line": 0,
    }
