"""The worked example of docs/issuance.md, computed."""

from __future__ import annotations

from datetime import date

from rrec_pipeline.issuance.chains import plan_lots
from rrec_pipeline.issuance.lots import WindowEnergy
from rrec_pipeline.issuance.windows import windows

MONTHS_WH = {1: 800_000, 2: 1_700_000, 3: 3_250_000}


def energies() -> list[WindowEnergy]:
    found = windows("monthly", date(2024, 1, 1), date(2024, 3, 31), "Africa/Nairobi")
    return [WindowEnergy("R", "P", w, wh=MONTHS_WH[w.label.month]) for w in found]


def test_carry_forward_issues_what_the_table_shows() -> None:
    lots = plan_lots(energies(), {"R": 100}).lots
    assert [(lot.carry_in_wh, lot.rrecs, lot.carry_out_wh) for lot in lots] == [
        (0, 0, 800_000),
        (800_000, 2, 500_000),
        (500_000, 3, 750_000),
    ]


def test_floor_per_window_loses_one_rrec_of_the_quarter() -> None:
    lots = plan_lots(energies(), {"R": 100}, policy="floor-per-window").lots
    assert [lot.rrecs for lot in lots] == [0, 1, 3]
    assert [lot.dropped_wh for lot in lots] == [800_000, 700_000, 250_000]
