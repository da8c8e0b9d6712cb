"""Example 2: allowed and prohibited exchanges of R-RECs for credits."""

from __future__ import annotations

from rrec_pipeline.credits.exchange import check_exchange, whole_project_years

HOLDINGS = {
    ("A", 1): 80,
    ("A", 2): 120,
    ("A", 3): 90,
    ("B", 1): 60,
    ("B", 2): 50,
    ("B", 3): 70,
    ("C", 1): 100,
    ("C", 2): 150,
    ("C", 3): 110,
}


def test_all_of_one_project_in_one_year_is_allowed() -> None:
    decision = check_exchange(HOLDINGS, {("A", 1): 80})
    assert decision.accepted and decision.rrecs == 80


def test_all_years_of_one_project_are_allowed() -> None:
    decision = check_exchange(HOLDINGS, whole_project_years(HOLDINGS, projects=["B"]))
    assert decision.accepted and decision.rrecs == 60 + 50 + 70


def test_all_projects_in_one_year_are_allowed() -> None:
    decision = check_exchange(HOLDINGS, whole_project_years(HOLDINGS, years=[3]))
    assert decision.accepted and decision.rrecs == 90 + 70 + 110


def test_part_of_one_project_year_is_prohibited() -> None:
    decision = check_exchange(HOLDINGS, {("A", 1): 40})
    assert not decision.accepted
    assert "40 of the 80 R-RECs of project A in 1" in decision.reason
    assert "partial project-year exchanges are not permitted" in decision.reason


def test_partial_amounts_from_several_project_years_are_prohibited() -> None:
    decision = check_exchange(HOLDINGS, {("A", 1): 40, ("B", 2): 30, ("C", 3): 30})
    assert not decision.accepted and decision.rrecs == 0


def test_unknown_or_empty_requests_are_refused() -> None:
    assert "no R-RECs in 4" in check_exchange(HOLDINGS, {("A", 4): 10}).reason
    assert not check_exchange(HOLDINGS, {}).accepted
