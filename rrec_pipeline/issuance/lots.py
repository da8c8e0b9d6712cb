"""What issuance deals in: a window's energy and evidence, a lot and its versions, what the
ledger issued, and a window held back; and the order the ledger takes lots in.

A lot is one reservation's whole R-RECs of one project and window; an
adjustment is a later version of the same window (`chains.py` plans both). A
due window that is not issued is held, for a reason of its own (no evidence,
a check), or waits for an earlier window of its reservation: the carry and
the volume left of a window depend on every earlier one, so the ledger takes
a reservation's windows in order (`in_order`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rrec_pipeline.issuance.windows import Window

POLICIES = ("carry-forward", "floor-per-window")
LATE_POLICIES = ("adjust", "next-window", "report-only")
WAITING = "issuance.waiting"


@dataclass(frozen=True)
class WindowEnergy:
    """What a window of a claim holds: energy, data quality and evidence, integer Wh."""

    reservation_id: str
    project_id: str
    window: Window
    wh: int = 0
    estimated_wh: int = 0
    reads: int = 0
    missing_reads: int = 0
    devices: int = 0  # registered generation devices
    covered_seconds: int = 0  # summed over them
    gap_seconds: int = 0  # summed over them
    late_wh: int = 0  # next-window policy: an earlier issued window's change, moved here
    hold: tuple[str, str] | None = None  # (rule, reason) when the evidence does not suffice

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.reservation_id, self.project_id, self.window.first_day.isoformat())


@dataclass(frozen=True)
class Lot:
    """One reservation's R-RECs of one project and window; version 2 on: an adjustment."""

    energy: WindowEnergy
    carry_in_wh: int
    rrecs: int  # minted by this lot
    carry_out_wh: int  # carried to the next window, or unissued at year end or clipping
    is_clipped: bool = False
    is_year_end: bool = False
    dropped_wh: int = 0  # floor-per-window: the remainder this window dropped
    version: int = 1
    window_rrecs: int | None = None  # the window's R-RECs over all its versions

    @property
    def key(self) -> tuple[str, str, str]:
        return self.energy.key

    @property
    def total_rrecs(self) -> int:
        return self.rrecs if self.window_rrecs is None else self.window_rrecs


@dataclass(frozen=True)
class Issued:
    """What the ledger says a window issued (its latest version): fixed, never planned again."""

    rrecs: int  # over all versions
    carry_out_wh: int
    wh: int = 0  # the window's energy as last issued: a difference now is late or corrected
    is_clipped: bool = False  # it reached the volume: the reservation is spent
    version: int = 1
    carry_in_wh: int = 0


@dataclass(frozen=True)
class Hold:
    """A due window that is not issued: `held` for a reason of its own, or `waiting` for an
    earlier window of its reservation."""

    energy: WindowEnergy
    state: str
    rule: str
    reason: str


def waits_for(first: WindowEnergy, state: str) -> str:
    return f"waits for {first.project_id} {first.window.first_day} ({state})"


def in_order(lots: list[Lot]) -> tuple[list[Lot], list[Hold]]:
    """(the lots the ledger may take now, the lots that wait): a window waits until every
    earlier window of its reservation is issued, since its carry and the volume left depend
    on them. Within its reservation's first open window, every project's lot may go."""
    first: dict[str, Lot] = {}
    for lot in lots:
        reservation = lot.energy.reservation_id
        if (
            reservation not in first
            or lot.energy.window.label < first[reservation].energy.window.label
        ):
            first[reservation] = lot
    ready, waiting = [], []
    for lot in lots:
        earliest = first[lot.energy.reservation_id]
        if lot.energy.window.label > earliest.energy.window.label:
            reason = waits_for(earliest.energy, "not issued yet")
            waiting.append(Hold(lot.energy, "waiting", WAITING, reason))
        else:
            ready.append(lot)
    return ready, waiting
