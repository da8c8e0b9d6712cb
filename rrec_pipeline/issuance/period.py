"""One partition's share of a plan: the lots of a frequency's period, and what it holds.

A period's lots are the plan's lots ready now (a window waiting for an earlier
one is not) whose reservation has that frequency and whose window is labelled
with the period's first day, plus issued windows whose change is only
reported; its holds are the plan's holds and waits of the same windows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.frames import holds_frame, late_frame, lots_frame
from rrec_pipeline.issuance.plan import Plan
from rrec_pipeline.issuance.report import tokens_of


def period_lots(frequency: str, label: date, plan: Plan) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the period's lots, with issued windows whose change is only reported; the period's
    holds, as `held_lots` rows)."""
    reservations = plan.registry.reservations
    frequency_of = dict(reservations.select("reservation_id", "frequency").iter_rows())
    recipients = dict(reservations.select("reservation_id", "recipient_wallet").iter_rows())
    tokens = tokens_of(plan.registry.projects, load_reference())

    def mine(energy) -> bool:
        return frequency_of[energy.reservation_id] == frequency and energy.window.label == label

    ready, holds = plan.ready_and_holds()
    period = replace(
        plan,
        lots=[lot for lot in ready if mine(lot.energy)],
        late=[energy for energy in plan.late if mine(energy)],
    )
    held = holds_frame([hold for hold in holds if mine(hold.energy)], frequency_of)
    planned = lots_frame(period, frequency, recipients, tokens)
    return pl.concat([planned, late_frame(period, frequency, recipients, tokens)]), held
