"""Whole R-RECs per window, with the exact carry-forward and the reservation's volume.

Per reservation, project and calendar year, windows are taken in time order:
each issues floor(carry in + window energy) R-RECs and carries the exact rest
to the next window; the year's last window reports what is left as unissued,
so over a year the R-RECs add up to floor(the year's MWh). The registry's
current practice, `floor-per-window`, issues floor(window energy) and drops the
rest. A reservation never issues more than floor(volume) R-RECs: within a
window projects are taken in `project_id` order, the lot that reaches the
volume is clipped, and later windows are not planned (their energy stays
unissued and available). All arithmetic is integer Wh; 1 R-REC = 10**6 Wh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from rrec_pipeline.amounts import WH_PER_MWH
from rrec_pipeline.issuance.windows import Window

POLICIES = ("carry-forward", "floor-per-window")


@dataclass(frozen=True)
class WindowEnergy:
    """What a window of a claim holds: energy and data quality, integer Wh."""

    reservation_id: str
    project_id: str
    window: Window
    wh: int = 0
    estimated_wh: int = 0
    reads: int = 0
    missing_reads: int = 0
    devices: int = 0
    covered_seconds: int = 0
    late_wh: int = 0  # reads of earlier issued windows moved here (policy)


@dataclass(frozen=True)
class Lot:
    """One reservation's R-RECs of one project and window."""

    energy: WindowEnergy
    carry_in_wh: int
    rrecs: int
    carry_out_wh: int  # carried to the next window, or unissued at year end or clipping
    is_clipped: bool = False
    is_year_end: bool = False
    dropped_wh: int = 0  # floor-per-window: the remainder this window dropped

    @property
    def key(self) -> tuple[str, str, str]:
        w = self.energy.window
        return (self.energy.reservation_id, self.energy.project_id, w.first_day.isoformat())


@dataclass(frozen=True)
class Issued:
    """What the ledger says a window already issued: fixed, never planned again."""

    rrecs: int
    carry_out_wh: int
    wh: int = 0  # the window's energy when it was issued: more now means late reads
    is_clipped: bool = False  # it reached the volume: the reservation is spent


@dataclass
class _Stream:
    """The running state of one reservation: volume left, carry per (project, year)."""

    volume_left: int
    carry: dict[tuple[str, int], int] = field(default_factory=dict)
    exhausted: bool = False


def plan_lots(
    energies: Iterable[WindowEnergy],
    volumes: dict[str, int],
    *,
    policy: str = "carry-forward",
    issued: dict[tuple[str, str, str], Issued] | None = None,
) -> list[Lot]:
    """Lots of due windows, in (reservation, label, project) order; issued windows skipped.

    `volumes` maps a reservation to floor(volume_mwh) R-RECs; `issued` holds the
    ledger's windows, whose R-RECs and carry the new lots continue from.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
    issued = issued or {}
    ordered = sorted(
        energies,
        key=lambda e: (e.reservation_id, e.window.label, e.window.first_day, e.project_id),
    )
    streams = {rid: _Stream(volume) for rid, volume in volumes.items()}
    lots = []
    for energy in ordered:
        stream = streams[energy.reservation_id]
        lot = _next_lot(energy, stream, policy, issued)
        if lot is not None:
            lots.append(lot)
    return _mark_year_ends(lots)


def first_open_windows(lots: Iterable[Lot]) -> dict[str, date]:
    """Reservation -> the label of its earliest window whose lots are not issued yet.

    Only that window's lots may be issued: a later window's carry-forward and
    the reservation's volume left depend on every earlier window being in the
    ledger. A window held back (by a blocking check, or for approval) makes the
    later ones wait rather than be issued on numbers that may never hold.
    """
    first: dict[str, date] = {}
    for lot in lots:
        reservation, label = lot.energy.reservation_id, lot.energy.window.label
        if reservation not in first or label < first[reservation]:
            first[reservation] = label
    return first


def _next_lot(energy: WindowEnergy, stream: _Stream, policy: str, issued: dict) -> Lot | None:
    chain = (energy.project_id, energy.window.year)
    carry_in = stream.carry.get(chain, 0)
    done = issued.get(_key(energy))
    if done is not None:
        stream.volume_left -= done.rrecs
        stream.carry[chain] = done.carry_out_wh
        stream.exhausted = stream.exhausted or done.is_clipped
        return None
    if stream.exhausted:
        return None
    if policy == "floor-per-window":
        carry_in, total = 0, energy.wh + energy.late_wh
        rrecs = total // WH_PER_MWH
        dropped, carry_out = total - rrecs * WH_PER_MWH, 0
    else:
        total = carry_in + energy.wh + energy.late_wh
        rrecs, dropped = total // WH_PER_MWH, 0
        carry_out = total - rrecs * WH_PER_MWH
    clipped = rrecs > stream.volume_left
    if clipped:
        rrecs = stream.volume_left
        carry_out = carry_in + energy.wh + energy.late_wh - rrecs * WH_PER_MWH
        dropped = 0
        stream.exhausted = True
    stream.volume_left -= rrecs
    stream.carry[chain] = carry_out
    return Lot(energy, carry_in, rrecs, carry_out, clipped, dropped_wh=dropped)


def _key(energy: WindowEnergy) -> tuple[str, str, str]:
    return (energy.reservation_id, energy.project_id, energy.window.first_day.isoformat())


def _mark_year_ends(lots: list[Lot]) -> list[Lot]:
    """The last planned lot of each (reservation, project, year) reports its carry as unissued."""
    last: dict[tuple[str, str, int], int] = {}
    for index, lot in enumerate(lots):
        e = lot.energy
        last[(e.reservation_id, e.project_id, e.window.year)] = index
    marked = list(lots)
    for index in last.values():
        window = marked[index].energy.window
        if window.last_day.month == 12 and window.last_day.day == 31:
            marked[index] = replace(marked[index], is_year_end=True)
    return marked
