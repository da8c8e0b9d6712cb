"""Planning lots: whole R-RECs per window, exact carry-forward, volume, claims, the clock."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.registry.files import load_registry
from tests.issuance_scenario import (
    AS_OF,
    PROJECTS,
    WALLET_B,
    hourly_reads,
    issued_as,
    local_year_wh,
    write_registry,
    year_reservations,
)

FREQUENCIES = ["daily", "weekly", "monthly", "quarterly", "yearly"]
READS = hourly_reads()


def plan_for(tmp_path, reservations, *, as_of=AS_OF, policy="carry-forward", issued=None, **kw):
    registry = load_registry(write_registry(tmp_path / "registry", reservations, **kw))
    settings = PlanSettings(as_of_clock(as_of), policy=policy)
    return make_plan(registry, READS.lazy(), settings, issued)


@pytest.fixture(scope="module")
def year_plan(tmp_path_factory):
    """The plan of a year's reservations of each frequency, made once for the tests that
    only read it (a plan is not changed by reading it)."""
    plans = {}

    def plan(frequency: str):
        if frequency not in plans:
            folder = tmp_path_factory.mktemp(frequency)
            plans[frequency] = plan_for(folder, year_reservations(frequency))
        return plans[frequency]

    return plan


@pytest.mark.parametrize("frequency", FREQUENCIES)
def test_every_frequency_issues_floor_of_each_project_years_exact_mwh(year_plan, frequency):
    plan = year_plan(frequency)
    assert plan.held == []
    issued = defaultdict(int)
    for lot in plan.lots:
        issued[lot.energy.project_id] += lot.rrecs
    assert dict(issued) == {p: local_year_wh(READS, p) // 10**6 for p in PROJECTS}
    year_end = [lot for lot in plan.lots if lot.is_year_end]
    assert {lot.energy.project_id: lot.carry_out_wh for lot in year_end} == {
        p: local_year_wh(READS, p) % 10**6 for p in PROJECTS
    }


@pytest.mark.parametrize("frequency", FREQUENCIES)
def test_windows_cover_the_year_once_with_no_interval_in_two_lots(year_plan, frequency):
    plan = year_plan(frequency)
    for project_id, _spec in PROJECTS.items():
        mine = sorted(
            (item.energy.window for item in plan.lots if item.energy.project_id == project_id),
            key=lambda w: w.start_utc,
        )
        assert mine[0].first_day == date(2024, 1, 1) and mine[-1].last_day == date(2024, 12, 31)
        for before, after in itertools.pairwise(mine):
            assert before.end_utc == after.start_utc, "contiguous, never overlapping"
        assert (
            sum(w.seconds for w in mine) == (mine[-1].end_utc - mine[0].start_utc).total_seconds()
        )
        wh = sum(item.energy.wh for item in plan.lots if item.energy.project_id == project_id)
        assert wh == local_year_wh(READS, project_id), "every read in exactly one window"


def test_daily_windows_know_dst_and_the_leap_day(year_plan):
    plan = year_plan("daily")
    hours = {
        (item.energy.project_id, item.energy.window.first_day): item.energy.window.seconds // 3600
        for item in plan.lots
    }
    assert hours[("P-GA", date(2024, 3, 10))] == 23 and hours[("P-GA", date(2024, 11, 3))] == 25
    assert hours[("P-DE", date(2024, 3, 31))] == 23 and hours[("P-DE", date(2024, 10, 27))] == 25
    assert hours[("P-KE", date(2024, 2, 29))] == 24
    assert len([key for key in hours if key[0] == "P-SN"]) == 366


def test_carry_moves_the_exact_remainder_to_the_next_window(year_plan):
    plan = year_plan("monthly")
    chain = [item for item in plan.lots if item.energy.project_id == "P-DE"]
    for before, after in itertools.pairwise(chain):
        assert after.carry_in_wh == before.carry_out_wh
    for lot in chain:
        assert lot.rrecs * 10**6 + lot.carry_out_wh == lot.carry_in_wh + lot.energy.wh
        assert 0 <= lot.carry_out_wh < 10**6


def test_floor_per_window_drops_each_remainder(tmp_path):
    plan = plan_for(tmp_path, year_reservations("monthly"), policy="floor-per-window")
    for lot in plan.lots:
        assert lot.rrecs == lot.energy.wh // 10**6 and lot.carry_in_wh == 0
        assert lot.dropped_wh == lot.energy.wh % 10**6
    total = sum(item.rrecs for item in plan.lots if item.energy.project_id == "P-GA")
    assert total < local_year_wh(READS, "P-GA") // 10**6  # what the policy costs


def test_volume_caps_the_reservation_and_clips_the_lot_that_reaches_it(tmp_path):
    plan = plan_for(tmp_path, year_reservations("monthly", volume="1000.9"))
    assert sum(lot.rrecs for lot in plan.lots) == 1000
    [clipped] = [lot for lot in plan.lots if lot.is_clipped]
    assert clipped is plan.lots[-1], "no window is planned after the volume ran out"
    in_window = [
        item for item in plan.lots if item.energy.window.label == clipped.energy.window.label
    ]
    assert [item.energy.project_id for item in in_window] == sorted(
        item.energy.project_id for item in in_window
    )
    rest = clipped.carry_in_wh + clipped.energy.wh - clipped.rrecs * 10**6
    assert clipped.carry_out_wh == rest


def test_once_the_ledger_holds_the_clipped_lot_nothing_later_is_planned(tmp_path):
    reservations = year_reservations("monthly", volume="1000.9")
    whole = plan_for(tmp_path, reservations)
    [clipped] = [lot for lot in whole.lots if lot.is_clipped]
    upto = [lot for lot in whole.lots if lot.energy.window.label <= clipped.energy.window.label]
    issued = {lot.key: issued_as(lot) for lot in upto}
    again = plan_for(tmp_path, reservations, issued=issued)
    assert again.lots == [], "the volume is spent: no later window, no carry of the clip's rest"


def test_a_second_claim_on_a_project_is_held_back_where_it_overlaps(tmp_path):
    reservations = [
        *year_reservations("monthly"),
        ("R2", "Other Buyer", WALLET_B, "P-KE", "50", "2024-06-15", "2025-06-30", "quarterly"),
    ]
    plan = plan_for(tmp_path, reservations)
    [held] = plan.held
    assert held.kind == "overlapping_reservation" and held.ids == ("R1", "R2", "P-KE")
    assert "from 2024-06-15 to 2024-12-31" in held.reason
    r1_kenya = {item.energy.window.label for item in plan.lots if item.key[:2] == ("R1", "P-KE")}
    assert r1_kenya == {date(2024, m, 1) for m in range(1, 6)}, "June onwards is contested"
    r2 = [item for item in plan.lots if item.energy.reservation_id == "R2"]
    assert r2 == [], "R2's 2024 windows overlap; its 2025 windows are not due yet"
    december = [item for item in plan.lots if item.energy.window.label.month == 12]
    others = {item.energy.project_id for item in december}
    assert others == {"P-GA", "P-SN", "P-DE"}


def test_co_located_and_duplicate_projects_are_held_until_cleared(tmp_path):
    twin = (
        "P-GA2,Peach Annex,United States,GA,33.7504,-84.3904,400,Solar,2021-05-01,"
        f"America/New_York,Distributed PV,0x{'0c' * 20}\n"
    )
    plan = plan_for(tmp_path, year_reservations("yearly"), projects_extra=twin)
    kinds = sorted((held.kind, held.ids) for held in plan.held)
    assert kinds == [
        ("co_located", ("P-GA", "P-GA2")),
        ("duplicate_registration", ("P-GA", "P-GA2")),
    ]
    assert "P-GA" not in {lot.energy.project_id for lot in plan.lots}
    cleared = 'project_id,cleared_against,reason\nP-GA2,P-GA,"separate roofs, separate meters"\n'
    yearly = year_reservations("yearly")
    plan = plan_for(tmp_path, yearly, projects_extra=twin, clearances=cleared)
    assert plan.held == [] and "P-GA" in {lot.energy.project_id for lot in plan.lots}


def test_bad_rows_and_unregistered_projects_are_reported_and_the_rest_proceeds(tmp_path):
    reservations = [
        *year_reservations("yearly"),
        ("R3", "Acme", WALLET_B, "P-XX", "10", "2024-01-01", "2024-12-31", "monthly"),
        ("R4", "Acme", "0xnot-a-wallet", "P-GA", "10", "2024-01-01", "2024-12-31", "monthly"),
    ]
    plan = plan_for(tmp_path, reservations)
    assert sorted((h.kind, h.ids) for h in plan.held) == [
        ("bad_row", ("reservations.csv:4",)),
        ("unregistered", ("R3", "P-XX")),
    ]
    assert {lot.energy.project_id for lot in plan.lots} == set(PROJECTS)


def test_only_windows_past_their_grace_period_are_planned(tmp_path):
    plan = plan_for(tmp_path, year_reservations("monthly"), as_of=date(2024, 7, 2))
    labels = {lot.energy.window.label for lot in plan.lots}
    assert max(labels) == date(2024, 5, 1), "June ends on July 1 local; two days of grace"
    later = plan_for(tmp_path, year_reservations("monthly"), as_of=date(2024, 7, 4))
    assert max(lot.energy.window.label for lot in later.lots) == date(2024, 6, 1)


def test_issued_windows_are_not_planned_again_and_the_carry_continues(tmp_path, year_plan):
    first = plan_for(tmp_path, year_reservations("monthly"), as_of=date(2024, 4, 15))
    issued = {lot.key: issued_as(lot) for lot in first.lots}
    second = plan_for(tmp_path, year_reservations("monthly"), issued=issued)
    assert not {lot.key for lot in second.lots} & set(issued), (
        "re-planning issued windows is a no-op"
    )
    whole = year_plan("monthly")
    by_key = {lot.key: lot for lot in whole.lots}
    for lot in second.lots:
        assert (lot.rrecs, lot.carry_in_wh) == (by_key[lot.key].rrecs, by_key[lot.key].carry_in_wh)


def test_the_clock_is_the_start_of_the_as_of_day_in_utc():
    assert as_of_clock(date(2025, 1, 3)) == datetime(2025, 1, 3, tzinfo=UTC)
    assert timedelta(days=2) == PlanSettings(as_of_clock(date(2025, 1, 3))).grace
