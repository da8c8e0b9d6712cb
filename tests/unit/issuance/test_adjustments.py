"""Issued windows whose energy changed: adjustments, deductions, the chain's exact total.

The worked example of docs/issuance.md: one monthly chain, 0.8, 1.7 and 3.25 MWh.
Whatever is corrected and whenever, the R-RECs issued through the last settled
window are floor(the chain's MWh through it), and what is left is carried on
(negative: a deduction) or, once the year is settled, reported.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rrec_pipeline.issuance.chains import plan_lots
from rrec_pipeline.issuance.lots import WindowEnergy, in_order
from rrec_pipeline.issuance.windows import windows
from tests.issuance_scenario import issued_as

MWH = 10**6
MONTHS = {1: 800_000, 2: 1_700_000, 3: 3_250_000}


def chain(months=MONTHS, last_month: int = 3) -> list[WindowEnergy]:
    found = windows("monthly", date(2024, 1, 1), date(2024, last_month, 28), "Africa/Nairobi")
    return [WindowEnergy("R", "P", w, wh=months[w.label.month]) for w in found]


def ends(energies: list[WindowEnergy]) -> dict:
    last = energies[-1]
    return {("R", "P", 2024): last.window.first_day.isoformat()}


def settle(energies, issued=None, **options):
    return plan_lots(
        energies, {"R": 1000}, issued=issued or {}, chain_ends=ends(energies), **options
    )


def issued_through(month: int, energies=None) -> dict:
    walk = settle(energies or chain())
    return {lot.key: issued_as(lot) for lot in walk.lots if lot.energy.window.label.month <= month}


def corrected(energies: list[WindowEnergy], month: int, wh: int) -> list[WindowEnergy]:
    return [replace(e, wh=e.wh + wh) if e.window.label.month == month else e for e in energies]


def total_rrecs(issued: dict, walk) -> int:
    return sum(done.rrecs for done in issued.values()) + sum(lot.rrecs for lot in walk.lots)


def test_an_upward_correction_is_an_adjustment_and_the_chain_stays_exact() -> None:
    issued = issued_through(2)  # January 0 R-RECs, February 2, carry 0.5 MWh
    energies = corrected(chain(), 1, 1_200_000)  # January now 2.0 MWh
    walk = settle(energies, issued)
    [january, march] = walk.lots
    assert (january.version, january.rrecs, january.total_rrecs) == (2, 1, 1)
    # January alone would support 2, but through February the chain holds 3.7 MWh, 2 minted.
    assert january.carry_out_wh == 1_000_000
    assert march.carry_in_wh == 700_000, "the carry reaching March: 3.7 MWh - 3 R-RECs"
    assert (march.rrecs, march.carry_out_wh) == (3, 950_000)
    assert total_rrecs(issued, walk) == sum(e.wh for e in energies) // MWH == 6


def test_a_downward_correction_is_deducted_from_the_next_window() -> None:
    issued = issued_through(2)
    energies = corrected(chain(), 2, -1_000_000)  # February now 0.7 MWh
    walk = settle(energies, issued)
    [february, march] = walk.lots
    assert (february.version, february.rrecs, february.total_rrecs) == (2, 0, 2)
    assert february.carry_out_wh == -500_000, "0.8 + 0.7 MWh with 2 minted: 0.5 MWh owed"
    assert (march.carry_in_wh, march.rrecs, march.carry_out_wh) == (-500_000, 2, 750_000)
    assert total_rrecs(issued, walk) == sum(e.wh for e in energies) // MWH == 4
    assert walk.over_issued == []


def test_what_cannot_be_deducted_within_the_year_is_reported_as_over_issued() -> None:
    energies = chain(last_month=2)
    issued = issued_through(2, energies)
    walk = settle(corrected(energies, 2, -1_000_000), issued)
    [february] = walk.lots
    assert (february.rrecs, february.carry_out_wh) == (0, -500_000)
    [(window, wh)] = walk.over_issued
    assert (window.window.label, wh) == (date(2024, 2, 1), 500_000)


def test_once_the_year_is_settled_its_last_window_takes_what_is_left() -> None:
    energies = chain({1: 200_000, 2: 1_600_000}, last_month=2)
    issued = issued_through(2, energies)  # 0 and 1 R-RECs; 0.8 MWh unissued
    walk = settle(corrected(energies, 1, 500_000), issued)  # January 0.7: the chain 2.3 MWh
    # January alone still supports 0; the chain now supports 2: February takes the one left.
    assert [(lot.energy.window.label.month, lot.version, lot.rrecs) for lot in walk.lots] == [
        (1, 2, 0),
        (2, 2, 1),
    ]
    february = walk.lots[1]
    assert (february.carry_in_wh, february.total_rrecs, february.carry_out_wh) == (
        700_000,
        2,
        300_000,
    )


def test_an_unchanged_chain_plans_nothing_and_a_spent_reservation_adds_nothing() -> None:
    issued = issued_through(3)
    assert settle(chain(), issued).lots == []
    spent = {key: replace(done, is_clipped=True) for key, done in issued.items()}
    walk = settle(corrected(chain(), 3, 5_000_000), spent)
    assert [(lot.version, lot.rrecs) for lot in walk.lots] == [(2, 0)], "the file, republished"


@pytest.mark.parametrize("policy", ["next-window", "report-only"])
def test_the_other_policies_move_or_report_the_change(policy) -> None:
    issued = issued_through(2)
    walk = settle(corrected(chain(), 1, 1_200_000), issued, late_reads=policy)
    [late] = walk.late
    assert late.late_wh == 1_200_000
    [march] = walk.lots
    moved = 1_200_000 if policy == "next-window" else 0
    assert march.energy.late_wh == moved


def test_a_held_window_holds_itself_and_makes_the_later_ones_wait() -> None:
    energies = chain()
    energies[1] = replace(energies[1], hold=("completeness.gap", "device inv has no reads"))
    walk = settle(energies)
    assert [lot.energy.window.label.month for lot in walk.lots] == [1]
    assert [(h.state, h.rule, h.energy.window.label.month) for h in walk.holds] == [
        ("held", "completeness.gap", 2),
        ("waiting", "issuance.waiting", 3),
    ]
    assert "waits for P 2024-02-01 (held)" in walk.holds[1].reason


def test_the_ledger_takes_a_reservations_windows_in_order() -> None:
    ready, waiting = in_order(settle(chain()).lots)
    assert [lot.energy.window.label.month for lot in ready] == [1]
    assert [hold.energy.window.label.month for hold in waiting] == [2, 3]
