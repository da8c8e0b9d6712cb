"""Appendix B 1.1-1.3 on the registry, and the exclusivity of reservations.

- Two projects within 100 m of each other (`co_located`), or sharing DC capacity
  and first-operation date (`duplicate_registration`), or a meter registered to
  two projects (`duplicate_registration`), are held back, both of them, until a
  reviewed `clearances.csv` row clears the pair (either way round).
- A project can be in one reservation only for overlapping periods: a second
  claim is `overlapping_reservation`, naming both reservations and the project,
  and neither claim's overlapping days are planned until it is resolved.
- A reservation, or a meter, naming a project that is not registered is
  `unregistered`; the rest of the reservation proceeds.
- A project whose country cannot be named, or a US project whose state is not
  a US state, is a `bad_row` and held: no token class is invented for it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from rrec_pipeline.basics.geography import EARTH_MEAN_RADIUS_M, haversine_m
from rrec_pipeline.basics.text import quote
from rrec_pipeline.credits.classify import classify
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.validation.config import DEFAULT_CONFIG

# Appendix B's site radius, as the cross-file rule `overlap.spatial` uses it (stated once).
SAME_SITE_M = DEFAULT_CONFIG.spatial_radius_m
# Latitude bands as wide as the radius: two sites within it are in one band or the next.
_CELL_DEGREES = math.degrees(SAME_SITE_M / EARTH_MEAN_RADIUS_M)


@dataclass(frozen=True)
class Held:
    kind: str
    ids: tuple[str, ...]
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "ids": list(self.ids), "reason": self.reason}


@dataclass(frozen=True)
class Claim:
    """A reservation's claim on one project over [start, end] (local dates, both included)."""

    reservation_id: str
    project_id: str
    start: date
    end: date
    excluded: tuple[tuple[date, date], ...] = ()  # days another claim contests


@dataclass
class RegistryState:
    held: list[Held] = field(default_factory=list)
    held_projects: set[str] = field(default_factory=set)
    claims: list[Claim] = field(default_factory=list)


def check_registry(
    projects: pl.DataFrame,
    devices: pl.DataFrame,
    reservations: pl.DataFrame,
    clearances: pl.DataFrame,
) -> RegistryState:
    state = RegistryState()
    cleared = {
        frozenset(pair) for pair in clearances.select("project_id", "cleared_against").iter_rows()
    }
    _unknown_time_zones(projects, state)
    _unknown_places(projects, state)
    _same_sites(projects, cleared, state)
    _shared_meters(projects, devices, cleared, state)
    state.claims = _claims(projects, reservations, state)
    return state


def _unknown_time_zones(projects: pl.DataFrame, state: RegistryState) -> None:
    for project_id, zone, line in projects.select("project_id", "timezone", "line").iter_rows():
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            state.held.append(
                Held("bad_row", (f"projects.csv:{line}",), f"timezone {quote(zone)} is not IANA")
            )
            state.held_projects.add(project_id)


def _unknown_places(projects: pl.DataFrame, state: RegistryState) -> None:
    """A country we cannot name, or a US project whose state is not one: no token class can
    be derived, and none is invented (`RREC-ZZ`); the project is held until corrected."""
    tables = load_reference()
    rows = projects.select("project_id", "country", "us_state", "line").iter_rows()
    for project_id, country, us_state, line in rows:
        place = classify(tables, country=country, us_state=us_state)
        if place.country is None or (place.country.is_us and place.token is None):
            state.held.append(Held("bad_row", (f"projects.csv:{line}",), place.reason[:200]))
            state.held_projects.add(project_id)


def _hold_pair(state: RegistryState, cleared: set, kind: str, a: str, b: str, why: str) -> None:
    if frozenset((a, b)) in cleared:
        return
    state.held.append(Held(kind, (a, b), f"{a} and {b} {why}; a clearances.csv row clears them"))
    state.held_projects.update((a, b))


def _same_sites(projects: pl.DataFrame, cleared: set, state: RegistryState) -> None:
    rows = projects.select(
        "project_id", "latitude", "longitude", "dc_capacity_kwp", "first_operation"
    ).rows()
    by_cell: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_cell[math.floor(row[1] / _CELL_DEGREES)].append(row)
    for cell, members in sorted(by_cell.items()):
        neighbours = members + by_cell.get(cell + 1, [])
        for i, a in enumerate(members):
            for b in neighbours[i + 1 :]:
                distance = haversine_m(a[1], a[2], b[1], b[2])
                if distance <= SAME_SITE_M:
                    why = f"are {distance:.0f} m apart (within {SAME_SITE_M:g} m)"
                    _hold_pair(state, cleared, "co_located", *sorted((a[0], b[0])), why)
    twins: dict[tuple, list[str]] = defaultdict(list)
    for project_id, _, _, capacity, first in rows:
        twins[(capacity, first)].append(project_id)
    for (capacity, first), ids in twins.items():
        for i, a in enumerate(sorted(ids)):
            for b in sorted(ids)[i + 1 :]:
                why = f"share DC capacity {capacity.normalize():f} kWp and first operation {first}"
                _hold_pair(state, cleared, "duplicate_registration", a, b, why)


def _shared_meters(
    projects: pl.DataFrame, devices: pl.DataFrame, cleared: set, state: RegistryState
) -> None:
    known = set(projects["project_id"])
    for project_id, line in devices.select("project_id", "line").iter_rows():
        if project_id not in known:
            reason = f"devices.csv line {line} names project {quote(project_id)}, not registered"
            state.held.append(Held("unregistered", (project_id,), reason))
    meters = (
        devices.filter(pl.col("role") == "generation")
        .group_by("source", "site_id", "device_id")
        .agg(pl.col("project_id").unique().sort())
    )
    for source, site, device, owners in meters.filter(pl.col("project_id").list.len() > 1).rows():
        meter = f"{source} site {quote(site)}" + (f" device {quote(device)}" if device else "")
        for i, a in enumerate(owners):
            for b in owners[i + 1 :]:
                why = f"both register the meter {meter}"
                _hold_pair(state, cleared, "duplicate_registration", a, b, why)


def _claims(
    projects: pl.DataFrame, reservations: pl.DataFrame, state: RegistryState
) -> list[Claim]:
    known = set(projects["project_id"])
    claims = []
    for reservation_id, project_ids, start, end in reservations.select(
        "reservation_id", "project_ids", "start", "end"
    ).iter_rows():
        for project_id in dict.fromkeys(project_ids):
            if project_id not in known:
                reason = f"reservation {reservation_id} names {quote(project_id)}, not registered"
                state.held.append(Held("unregistered", (reservation_id, project_id), reason))
                continue
            claims.append(Claim(reservation_id, project_id, start, end))
    return _exclusive(claims, state)


def _exclusive(claims: list[Claim], state: RegistryState) -> list[Claim]:
    """Each claim with the days another reservation also claims marked as excluded."""
    excluded: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for i, a in enumerate(claims):
        for j in range(i + 1, len(claims)):
            b = claims[j]
            first, last = max(a.start, b.start), min(a.end, b.end)
            if a.project_id != b.project_id or first > last:
                continue
            excluded[i].append((first, last))
            excluded[j].append((first, last))
            reason = (
                f"reservations {a.reservation_id} and {b.reservation_id} both claim project "
                f"{a.project_id} from {first} to {last}; neither is planned there until resolved"
            )
            ids = (a.reservation_id, b.reservation_id, a.project_id)
            state.held.append(Held("overlapping_reservation", ids, reason))
    return [
        Claim(c.reservation_id, c.project_id, c.start, c.end, tuple(excluded.get(i, ())))
        for i, c in enumerate(claims)
    ]


def co_located_pairs(projects: pl.DataFrame, clearances: pl.DataFrame) -> set[frozenset[str]]:
    """Pairs of projects within 100 m of each other that no clearance separates."""
    state = RegistryState()
    cleared = {frozenset(p) for p in clearances.select("project_id", "cleared_against").iter_rows()}
    _same_sites(projects, cleared, state)
    return {frozenset(held.ids) for held in state.held if held.kind == "co_located"}
