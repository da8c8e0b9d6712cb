"""A plan: the lots due as of a clock, from the registry, the meter reads and the ledger.

Pure: reading the registry, the reads and what was issued, it decides which
windows are due (their end plus a grace period is past the clock), which are
held back (a contested claim, a held project), and the lots of the rest. It
writes nothing; planning twice gives the same plan, and a window the ledger
already issued is not planned again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.issuance.energy import window_energy
from rrec_pipeline.issuance.lots import Issued, Lot, WindowEnergy, plan_lots
from rrec_pipeline.issuance.windows import Window, windows
from rrec_pipeline.registry.checks import Claim, Held, RegistryState, check_registry
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.registry.owners import owner_reservation_ids, with_owner_reservations

LATE_POLICIES = ("report", "next-window")
OWNER_FREQUENCY_VARIABLE = "RREC_OWNER_FREQUENCY"  # rule 10's switch: unset is off


@dataclass(frozen=True)
class PlanSettings:
    as_of: datetime  # the clock (UTC)
    grace: timedelta = timedelta(days=2)
    policy: str = "carry-forward"
    late_reads: str = "report"  # or "next-window": into the next open window of the year
    owner_frequency: str | None = None  # rule 10: unreserved energy to the owner (off: None)


@dataclass
class Plan:
    lots: list[Lot]
    held: list[Held]
    waiting: list[tuple[Claim, Window]] = field(default_factory=list)  # not due yet
    contested: list[tuple[Claim, Window]] = field(default_factory=list)
    late: list[WindowEnergy] = field(default_factory=list)  # issued windows with new reads
    state: RegistryState | None = None
    registry: RegistryTables | None = None  # as planned: with the owner reservations, if any


def make_plan(
    registry: RegistryTables,
    reads: pl.LazyFrame,
    settings: PlanSettings,
    issued: dict[tuple[str, str, str], Issued] | None = None,
) -> Plan:
    if settings.owner_frequency:
        until = settings.as_of.date()
        registry = with_owner_reservations(registry, settings.owner_frequency, until)
    state = check_registry(
        registry.projects, registry.devices, registry.reservations, registry.clearances
    )
    held = [Held("bad_row", row.ids, row.reason) for row in registry.bad_rows] + state.held
    claims = [c for c in state.claims if c.project_id not in state.held_projects]
    frequency = dict(registry.reservations.select("reservation_id", "frequency").iter_rows())
    zones = dict(registry.projects.select("project_id", "timezone").iter_rows())
    plan = Plan([], held, state=state, registry=registry)
    due: list[tuple[Claim, Window]] = []
    for claim in claims:
        for window in windows(
            frequency[claim.reservation_id], claim.start, claim.end, zones[claim.project_id]
        ):
            if _contested(claim, window):
                plan.contested.append((claim, window))
            elif window.end_utc + settings.grace <= settings.as_of:
                due.append((claim, window))
            else:
                plan.waiting.append((claim, window))
    energy = _energy_by_window(registry, reads, claims, frequency, zones)
    energies = [_window_energy(claim, window, energy) for claim, window in due]
    owners = owner_reservation_ids(registry.reservations)
    energies = [e for e in energies if e.reads or e.reservation_id not in owners]
    energies, plan.late = _late_reads(energies, issued or {}, settings.late_reads)
    volumes = {
        rid: int(volume)
        for rid, volume in registry.reservations.select("reservation_id", "volume_mwh").iter_rows()
    }
    plan.lots = plan_lots(energies, volumes, policy=settings.policy, issued=issued)
    return plan


def _late_reads(
    energies: list[WindowEnergy], issued: dict, policy: str
) -> tuple[list[WindowEnergy], list[WindowEnergy]]:
    """Issued windows whose energy grew since: reported, and moved on when the policy says.

    With `next-window`, a late window's extra Wh join the next window of the same
    reservation, project and year that is not issued yet.
    """
    late = []
    for energy in energies:
        done = issued.get(
            (energy.reservation_id, energy.project_id, energy.window.first_day.isoformat())
        )
        if done is not None and energy.wh > done.wh:
            late.append(replace(energy, late_wh=energy.wh - done.wh))
    if policy != "next-window" or not late:
        return energies, late
    extra: dict[int, int] = {}
    for moved in late:
        target = _next_open(energies, moved, issued)
        if target is not None:
            extra[target] = extra.get(target, 0) + moved.late_wh
    moved_on = [
        replace(e, late_wh=e.late_wh + extra[i]) if i in extra else e
        for i, e in enumerate(energies)
    ]
    return moved_on, late


def _next_open(energies: list[WindowEnergy], moved: WindowEnergy, issued: dict) -> int | None:
    candidates = [
        (e.window.first_day, i)
        for i, e in enumerate(energies)
        if (e.reservation_id, e.project_id, e.window.year)
        == (moved.reservation_id, moved.project_id, moved.window.year)
        and e.window.first_day > moved.window.first_day
        and (e.reservation_id, e.project_id, e.window.first_day.isoformat()) not in issued
    ]
    return min(candidates)[1] if candidates else None


def _contested(claim: Claim, window: Window) -> bool:
    return any(
        first <= window.last_day and window.first_day <= last for first, last in claim.excluded
    )


def _energy_by_window(registry, reads, claims, frequency, zones) -> dict[tuple, dict]:
    if not claims:
        return {}
    frame = pl.DataFrame(
        {
            "reservation_id": [c.reservation_id for c in claims],
            "project_id": [c.project_id for c in claims],
            "frequency": [frequency[c.reservation_id] for c in claims],
            "timezone": [zones[c.project_id] for c in claims],
            "start": [c.start for c in claims],
            "end": [c.end for c in claims],
        },
        schema_overrides={"start": pl.Date, "end": pl.Date},
    )
    energy = window_energy(reads, registry.devices, frame)
    return {
        (row["reservation_id"], row["project_id"], row["first_day"]): row
        for row in energy.iter_rows(named=True)
    }


def _window_energy(claim: Claim, window: Window, energy: dict[tuple, dict]) -> WindowEnergy:
    row = energy.get((claim.reservation_id, claim.project_id, window.first_day)) or {}
    return WindowEnergy(
        claim.reservation_id,
        claim.project_id,
        window,
        wh=row.get("wh") or 0,
        estimated_wh=row.get("estimated_wh") or 0,
        reads=row.get("reads") or 0,
        missing_reads=row.get("missing_reads") or 0,
        devices=row.get("devices") or 0,
        covered_seconds=row.get("covered_seconds") or 0,
    )


def as_of_clock(day: date) -> datetime:
    """`--as-of DATE`: the clock at the start of that day, UTC."""
    return datetime.combine(day, datetime.min.time(), UTC)
