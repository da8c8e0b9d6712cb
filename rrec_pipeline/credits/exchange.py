"""Exchanging R-RECs for carbon credits: whole project-years only.

The Standard: "R-RECs must be exchanged in quantities corresponding to
individual projects over individual years. Partial exchanges within a single
project year are not permitted." A request names how many R-RECs it takes from
each project-year; it is accepted when, for every project-year it touches, it
takes all of them, and refused otherwise with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ProjectYear = tuple[str, int]


@dataclass(frozen=True)
class ExchangeDecision:
    accepted: bool
    reason: str
    rrecs: int = 0


def whole_project_years(
    holdings: Mapping[ProjectYear, int],
    *,
    projects: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> dict[ProjectYear, int]:
    """A request for every R-REC of the chosen projects and/or years."""
    wanted_projects = set(projects) if projects is not None else None
    wanted_years = set(years) if years is not None else None
    return {
        (project, year): amount
        for (project, year), amount in holdings.items()
        if (wanted_projects is None or project in wanted_projects)
        and (wanted_years is None or year in wanted_years)
    }


def check_exchange(
    holdings: Mapping[ProjectYear, int], request: Mapping[ProjectYear, int]
) -> ExchangeDecision:
    if not request or not any(request.values()):
        return ExchangeDecision(False, "the request names no R-RECs")
    for (project, year), amount in sorted(request.items()):
        held = holdings.get((project, year))
        if held is None:
            return ExchangeDecision(False, f"project {project} has no R-RECs in {year}")
        if amount != held:
            return ExchangeDecision(
                False,
                f"asks for {amount} of the {held} R-RECs of project {project} in {year}: "
                "exchanges must take all R-RECs of each project-year they touch "
                "(partial project-year exchanges are not permitted)",
            )
    total = sum(request.values())
    touched = ", ".join(f"{project} {year}" for project, year in sorted(request))
    return ExchangeDecision(True, f"exchanges all {total} R-RECs of {touched}", total)
