"""Rule 10: energy outside every reservation goes to the project's owner only when asked."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

import polars as pl

from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.registry.files import load_registry
from tests.issuance_scenario import (
    AS_OF,
    OWNER,
    PROJECTS,
    WALLET_A,
    hourly_reads,
    local_year_wh,
    write_registry,
)

READS = hourly_reads()
FIRST_HALF = [
    ("R1", "Acme", WALLET_A, ";".join(PROJECTS), "100000", "2024-01-01", "2024-06-30", "monthly")
]


def plan_for(tmp_path, owner_frequency=None):
    registry = load_registry(write_registry(tmp_path / "registry", FIRST_HALF))
    settings = PlanSettings(as_of_clock(AS_OF), owner_frequency=owner_frequency)
    return make_plan(registry, READS.lazy(), settings)


def test_off_by_default_unreserved_energy_is_not_issued(tmp_path) -> None:
    plan = plan_for(tmp_path)
    assert {lot.energy.reservation_id for lot in plan.lots} == {"R1"}
    assert max(lot.energy.window.last_day for lot in plan.lots) == date(2024, 6, 30)


def test_on_the_owner_gets_the_unreserved_months_and_nothing_twice(tmp_path) -> None:
    plan = plan_for(tmp_path, owner_frequency="quarterly")
    recipients = dict(
        plan.registry.reservations.select("reservation_id", "recipient_wallet").iter_rows()
    )
    by_project = defaultdict(list)
    for lot in plan.lots:
        by_project[lot.energy.project_id].append(lot)
    for project, lots in by_project.items():
        first_operation = PROJECTS[project][6]
        owner = [lot for lot in lots if lot.energy.reservation_id != "R1"]
        assert {lot.energy.reservation_id for lot in owner} <= {
            f"owner-{project}-2024-07-01",
            f"owner-{project}-{first_operation}",  # before the reservation: reads of local 2023
        }
        assert {recipients[lot.energy.reservation_id] for lot in owner} == {OWNER}
        assert [w.first_day for w in _windows(owner) if w.year == 2024] == [
            date(2024, 7, 1),
            date(2024, 10, 1),
        ], "the quarters after the reservation; windows without reads are no lots"
        spans = sorted((w.first_day, w.last_day) for w in _windows(lots))
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), "no day in two lots"
        # The reads start on 2023-12-31 UTC: the owner's last quarter of 2023 has a few hours
        # of reads and no evidence for the rest, so it is held, never issued on so little.
        held = [h for h in plan.holds if h.energy.project_id == project]
        assert {(h.rule, h.energy.window.first_day) for h in held} <= {
            ("completeness.gap", date(2023, 10, 1))
        }
        issued = sum(lot.energy.wh for lot in lots)
        assert issued + sum(h.energy.wh for h in held) == _wh_before_2025(project), "every Wh"
        in_2024 = [lot for lot in lots if lot.energy.window.year == 2024]
        whole = local_year_wh(READS, project) // 10**6
        assert whole - 1 <= sum(lot.rrecs for lot in in_2024) <= whole, (
            "at most one lost to the split"
        )


def _windows(lots):
    return [lot.energy.window for lot in lots]


def _wh_before_2025(project: str) -> int:
    """The project's Wh before its local 2025 (whose first quarter is not due yet)."""
    local = pl.col("interval_start").dt.convert_time_zone(PROJECTS[project][7])
    mine = READS.filter(pl.col("site_id") == project.lower(), local.dt.year() < 2025)
    return int(mine["wh"].sum())
