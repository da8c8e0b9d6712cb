"""Whole R-RECs per window: the carry-forward, the volume, holds, and adjustments of issued ones.

Per reservation, project and calendar year (a chain), windows are taken in
time order: each issues floor(carry in + window energy) R-RECs and carries the
exact rest to the next window; the year's last window reports what is left as
unissued, so over a year the R-RECs add up to floor(the year's MWh). The
registry's current practice, `floor-per-window`, issues floor(window energy)
and drops the rest. A reservation never issues more than floor(volume) R-RECs:
within a window projects are taken in `project_id` order, the lot that
reaches the volume is clipped, and later windows are not planned.

A window without evidence is held (`coverage.py`), and every later window of
its reservation waits: their carry and the volume left depend on it. The other
lots are planned through the year (a preview of the chain); the ledger takes
them in order, a window only once every earlier window of its reservation is
issued (`in_order`).

An issued window whose energy changed since (late or corrected reads) is, by
default (`adjust`), re-issued as an adjustment lot: a new version of the same
window whose file certifies the window as it is now and whose mint carries
only the difference: what the window now supports, floor(carry in + energy
now), minus what was minted for it, never less than zero, and never more than
the chain's issued windows support together, floor(their energy now) minus
everything minted for them, so that the chain's total follows the exact
cumulative rule. The rest, up or down, goes on in the carry: a downward
correction is deducted from the chain's next windows (a negative carry), and
what cannot be deducted within the year is reported as over-issued. The
year's last window, once issued, is adjusted too when whole MWh of the chain
are left for it. `next-window` moves the difference into the chain's next
open window instead; `report-only` only reports it.
All arithmetic is integer Wh; 1 R-REC = 10**6 Wh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rrec_pipeline.basics.amounts import WH_PER_MWH
from rrec_pipeline.issuance.lots import (
    LATE_POLICIES,
    POLICIES,
    WAITING,
    Hold,
    Issued,
    Lot,
    WindowEnergy,
    waits_for,
)


@dataclass
class Walk:
    lots: list[Lot] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    late: list[WindowEnergy] = field(default_factory=list)  # changed, issued, not adjusted
    over_issued: list[tuple[WindowEnergy, int]] = field(default_factory=list)  # (last, Wh)


@dataclass
class _Stream:
    """The running state of one reservation: volume left, carry per (project, year)."""

    volume_left: int
    carry: dict[tuple[str, int], int] = field(default_factory=dict)
    room: dict[tuple[str, int], int] = field(default_factory=dict)  # whole MWh not yet minted
    moved: dict[tuple[str, int], int] = field(default_factory=dict)  # next-window Wh
    exhausted: bool = False
    first_open: WindowEnergy | None = None  # its first held window: later ones wait


def plan_lots(
    energies: Iterable[WindowEnergy],
    volumes: dict[str, int],
    *,
    policy: str = "carry-forward",
    late_reads: str = "adjust",
    issued: dict[tuple[str, str, str], Issued] | None = None,
    chain_ends: dict[tuple[str, str, int], str] | None = None,
) -> Walk:
    """Lots, holds and adjustments of the due windows, in (reservation, label, project) order.

    `volumes` maps a reservation to floor(volume_mwh) R-RECs; `issued` holds the
    ledger's windows; `chain_ends` the first day of each chain's last window
    (whether due or not), which tells when a chain's year is complete.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
    if late_reads not in LATE_POLICIES:
        raise ValueError(f"late reads policy must be one of {', '.join(LATE_POLICIES)}")
    walk, issued, ends = Walk(), issued or {}, chain_ends or {}
    ordered = sorted(
        energies,
        key=lambda e: (e.reservation_id, e.window.label, e.window.first_day, e.project_id),
    )
    streams = {rid: _Stream(volume) for rid, volume in volumes.items()}
    _issued_room(ordered, issued, streams)
    for energy in ordered:
        stream = streams[energy.reservation_id]
        is_end = ends.get(_chain_key(energy)) == energy.window.first_day.isoformat()
        done = issued.get(energy.key)
        if done is not None:
            _issued_window(energy, done, stream, walk, policy, late_reads, is_end)
            settled = True
        else:
            settled = _open_window(energy, stream, walk, policy)
        if is_end and settled:
            _close_chain(energy, stream, walk)
    walk.lots = _mark_year_ends(walk.lots)
    return walk


def _chain_key(energy: WindowEnergy) -> tuple[str, str, int]:
    return (energy.reservation_id, energy.project_id, energy.window.year)


def _issued_room(energies: list[WindowEnergy], issued: dict, streams: dict) -> None:
    """Per chain, the whole MWh its issued windows now hold beyond what was minted for them:
    all that adjustments of those windows may add together."""
    energy_now: dict[tuple, int] = {}
    minted: dict[tuple, int] = {}
    for energy in energies:
        done = issued.get(energy.key)
        if done is not None:
            key = _chain_key(energy)
            energy_now[key] = energy_now.get(key, 0) + energy.wh
            minted[key] = minted.get(key, 0) + done.rrecs
    for (reservation, project, year), wh in energy_now.items():
        room = wh // WH_PER_MWH - minted[(reservation, project, year)]
        streams[reservation].room[(project, year)] = room


def _open_window(energy: WindowEnergy, stream: _Stream, walk: Walk, policy: str) -> bool:
    """Plan a window not issued yet; True when it got a lot."""
    first = stream.first_open
    if first is not None and energy.window.label > first.window.label:
        walk.holds.append(Hold(energy, "waiting", WAITING, waits_for(first, "held")))
        return False
    if stream.exhausted:
        return False
    if energy.hold is not None:
        stream.first_open = stream.first_open or energy
        walk.holds.append(Hold(energy, "held", *energy.hold))
        return False
    chain = (energy.project_id, energy.window.year)
    moved = stream.moved.pop(chain, 0)
    energy = replace(energy, late_wh=energy.late_wh + moved) if moved else energy
    carry_in = 0 if policy == "floor-per-window" else stream.carry.get(chain, 0)
    walk.lots.append(_lot(energy, carry_in, 0, stream, policy))
    return True


def _lot(
    energy: WindowEnergy,
    carry_in: int,
    minted: int,
    stream: _Stream,
    policy: str,
    version: int = 1,
    limit: int | None = None,
) -> Lot:
    """The lot of `energy` when `minted` R-RECs of its window are on chain already, adding
    at most `limit` to them."""
    available = carry_in + energy.wh + energy.late_wh
    rrecs = max(0, available // WH_PER_MWH - minted)
    if limit is not None:
        rrecs = min(rrecs, max(0, limit))
    clipped = rrecs > stream.volume_left
    if clipped:
        rrecs, stream.exhausted = stream.volume_left, True
    rest = available - (minted + rrecs) * WH_PER_MWH
    dropped = rest if policy == "floor-per-window" and not clipped and rest > 0 else 0
    carry_out = rest - dropped
    stream.volume_left -= rrecs
    stream.carry[(energy.project_id, energy.window.year)] = carry_out
    return Lot(
        energy,
        carry_in,
        rrecs,
        carry_out,
        clipped,
        dropped_wh=dropped,
        version=version,
        window_rrecs=minted + rrecs if version > 1 else None,
    )


def _issued_window(
    energy: WindowEnergy,
    done: Issued,
    stream: _Stream,
    walk: Walk,
    policy: str,
    late_reads: str,
    is_end: bool,
) -> None:
    chain = (energy.project_id, energy.window.year)
    stream.volume_left -= done.rrecs
    stream.exhausted = stream.exhausted or done.is_clipped
    carry = 0 if policy == "floor-per-window" else stream.carry.get(chain, 0)
    change = energy.wh - done.wh
    # As issued, with whatever an adjustment before it changed of the carry it started from.
    stream.carry[chain] = done.carry_out_wh + (carry - done.carry_in_wh)
    if late_reads == "adjust":
        # Floor-per-window: each window stands alone. Carry-forward: within the chain's room.
        room = None if policy == "floor-per-window" else stream.room.get(chain, 0)
        if stream.exhausted:
            room = 0  # the reservation's volume is spent: a correction is only republished
        owed = (carry + energy.wh) // WH_PER_MWH - done.rrecs
        left_at_end = is_end and not stream.exhausted and min(owed, room or 0) > 0
        if change or left_at_end:
            lot = _lot(energy, carry, done.rrecs, stream, policy, done.version + 1, room)
            walk.lots.append(lot)
            if room is not None and not stream.exhausted:
                stream.room[chain] = room - lot.rrecs
        return
    if change:
        walk.late.append(replace(energy, late_wh=change))
    if change and late_reads == "next-window":
        stream.moved[chain] = stream.moved.get(chain, 0) + change


def _close_chain(energy: WindowEnergy, stream: _Stream, walk: Walk) -> None:
    """The chain's last window is settled: a negative carry left cannot be deducted."""
    carry = stream.carry.get((energy.project_id, energy.window.year), 0)
    if carry < 0:
        walk.over_issued.append((energy, -carry))


def _mark_year_ends(lots: list[Lot]) -> list[Lot]:
    """The last planned lot of each (reservation, project, year) reports its carry as unissued."""
    last: dict[tuple[str, str, int], int] = {}
    for index, lot in enumerate(lots):
        last[_chain_key(lot.energy)] = index
    marked = list(lots)
    for index in last.values():
        window = marked[index].energy.window
        if window.last_day.month == 12 and window.last_day.day == 31:
            marked[index] = replace(marked[index], is_year_end=True)
    return marked
