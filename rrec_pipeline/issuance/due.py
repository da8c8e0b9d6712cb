"""Which issuance periods are due: the plan decides, for `rrec run` and the schedules alike.

A period is due when the plan has a lot to issue in it (a new window past its
grace, or an adjustment of an issued one), or holds a window in it: running a
held period again lets its blocking check tell ops why, each time. A window an
imported mint holds (`guard.imported`) stays held whatever a run does, so it
makes no period due.
"""

from __future__ import annotations

from rrec_pipeline.issuance.plan import Plan
from rrec_pipeline.issuance.refusals import IMPORTED_GUARD

Due = dict[str, dict[str, set[str]]]  # frequency -> period (partition key) -> reservations


def due_periods(plan: Plan | None) -> Due:
    if plan is None:
        return {}
    reservations = plan.registry.reservations
    frequency = dict(reservations.select("reservation_id", "frequency").iter_rows())
    held = [h.energy for h in plan.holds if h.state == "held" and h.rule != IMPORTED_GUARD]
    due: Due = {}
    for energy in [lot.energy for lot in plan.lots] + held:
        reservation = energy.reservation_id
        periods = due.setdefault(frequency[reservation], {})
        periods.setdefault(energy.window.label.isoformat(), set()).add(reservation)
    return due
