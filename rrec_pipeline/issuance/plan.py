"""A plan: the lots due as of a clock, from the registry, the meter reads and the ledger.

Pure: reading the registry, the reads and what was issued, it decides which
windows are due (their end plus a grace period is past the clock), which are
held back (a contested claim, a held project, a window without evidence), and
the lots of the rest, adjustments of issued windows included. It writes
nothing; planning twice gives the same plan, and a window the ledger already
issued is only ever adjusted, never planned again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.issuance.chains import plan_lots
from rrec_pipeline.issuance.coverage import segments_by_project, window_evidence
from rrec_pipeline.issuance.energy import window_energy
from rrec_pipeline.issuance.lots import Hold, Issued, Lot, WindowEnergy, in_order
from rrec_pipeline.issuance.refusals import IMPORTED_GUARD
from rrec_pipeline.issuance.segments import device_segments
from rrec_pipeline.issuance.windows import Window, windows
from rrec_pipeline.registry.appendix_b import Claim, Held, RegistryState, check_registry
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.registry.history import ImportedPeriod
from rrec_pipeline.registry.owners import owner_reservation_ids, with_owner_reservations
from rrec_pipeline.validation.gap_explanations import GapExplanation

OWNER_FREQUENCY_VARIABLE = "RREC_OWNER_FREQUENCY"  # rule 10's switch: unset is off


@dataclass(frozen=True)
class PlanSettings:
    as_of: datetime  # the clock (UTC)
    grace: timedelta = timedelta(days=2)
    policy: str = "carry-forward"
    late_reads: str = "adjust"  # or "next-window", or "report-only"
    owner_frequency: str | None = None  # rule 10: unreserved energy to the owner (off: None)
    explanations: tuple[GapExplanation, ...] = ()  # registered gap explanations


@dataclass
class Plan:
    lots: list[Lot]
    held: list[Held]  # what the registry checks hold back
    holds: list[Hold] = field(default_factory=list)  # due windows held or waiting
    not_due: list[tuple[Claim, Window]] = field(default_factory=list)
    contested: list[tuple[Claim, Window]] = field(default_factory=list)
    late: list[WindowEnergy] = field(default_factory=list)  # issued windows changed since
    over_issued: list[tuple[WindowEnergy, int]] = field(default_factory=list)
    state: RegistryState | None = None
    registry: RegistryTables | None = None  # as planned: with the owner reservations, if any

    def ready_and_holds(self) -> tuple[list[Lot], list[Hold]]:
        """(the lots the ledger may take now, every hold: held, and waiting for an earlier
        window of its reservation, `in_order`): what the assets and `rrec run` both use."""
        ready, waiting = in_order(self.lots)
        return ready, [*self.holds, *waiting]


def make_plan(
    registry: RegistryTables,
    reads: pl.LazyFrame,
    settings: PlanSettings,
    issued: dict[tuple[str, str, str], Issued] | None = None,
    imported: list[ImportedPeriod] | tuple[ImportedPeriod, ...] = (),
) -> Plan:
    """`imported`: a running registry's minted periods (`rrec registry import`). A window
    overlapping one is held, naming the mint, and stays out of its chain: the chain's
    carry-forward starts after the imported periods."""
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
    ends: dict[tuple[str, str, int], str] = {}
    for claim in claims:
        for window in windows(
            frequency[claim.reservation_id], claim.start, claim.end, zones[claim.project_id]
        ):
            ends[(claim.reservation_id, claim.project_id, window.year)] = str(window.first_day)
            minted = _imported(claim, window, imported)
            if minted is not None:
                energy = WindowEnergy(claim.reservation_id, claim.project_id, window)
                plan.holds.append(Hold(energy, "held", IMPORTED_GUARD, minted.reason))
            elif _contested(claim, window):
                plan.contested.append((claim, window))
            elif window.end_utc + settings.grace <= settings.as_of:
                due.append((claim, window))
            else:
                plan.not_due.append((claim, window))
    energies = _due_energies(registry, reads, claims, due, settings, frequency, zones)
    volumes = {
        rid: int(volume)
        for rid, volume in registry.reservations.select("reservation_id", "volume_mwh").iter_rows()
    }
    walk = plan_lots(
        energies,
        volumes,
        policy=settings.policy,
        late_reads=settings.late_reads,
        issued=issued,
        chain_ends=ends,
    )
    plan.lots, plan.late = walk.lots, walk.late
    plan.holds += walk.holds
    plan.over_issued = walk.over_issued
    return plan


def _due_energies(
    registry, reads, claims, due, settings: PlanSettings, frequency: dict, zones: dict
) -> list[WindowEnergy]:
    """Each due window's energy and evidence; owner windows without a read are no window."""
    names = dict(registry.projects.select("project_id", "project_name").iter_rows())
    energy = _energy_by_window(registry, reads, claims, frequency, zones)
    coverage = {}
    if due:
        span = (min(w.start_utc for _, w in due), max(w.end_utc for _, w in due))
        coverage = segments_by_project(device_segments(reads, registry.devices, span))
    owners = owner_reservation_ids(registry.reservations)
    energies = []
    for claim, window in due:
        found = _window_energy(claim, window, energy)
        if not found.reads and claim.reservation_id in owners:
            continue
        evidence = window_evidence(
            coverage.get(claim.project_id, {}),
            window,
            settings.explanations,
            names.get(claim.project_id) or "",
        )
        energies.append(
            replace(
                found,
                devices=evidence.devices,
                covered_seconds=evidence.covered_seconds,
                gap_seconds=evidence.gap_seconds,
                hold=evidence.hold(window),
            )
        )
    return energies


def _imported(claim: Claim, window: Window, imported) -> ImportedPeriod | None:
    return next(
        (
            period
            for period in imported
            if period.overlaps(claim.project_id, window.start_utc, window.end_utc)
        ),
        None,
    )


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
    )


def as_of_clock(day: date) -> datetime:
    """`--as-of DATE`: the clock at the start of that day, UTC."""
    return datetime.combine(day, datetime.min.time(), UTC)
