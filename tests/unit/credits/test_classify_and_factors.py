"""Token classes, credit eligibility with reasons, and which factor applies."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from rrec_pipeline.credits.classify import Kind, classify, installation_kind
from rrec_pipeline.credits.factors import select_avert, select_ember
from rrec_pipeline.credits.reference import load_reference


@pytest.fixture(scope="module")
def tables():
    return load_reference()


@pytest.mark.parametrize(
    ("country", "state", "kind", "token", "credit_class"),
    [
        ("United States of America", "GA", "Distributed PV", "RREC-GA", "AVERT-USCC"),
        ("United States", "Alabama", "Utility PV", "RREC-AL", "AVERT-USCC"),
        ("USA", "South Carolina", "Commercial rooftop", "RREC-SC", "AVERT-USCC"),
        ("United States", "Georgia", "Mini-Grid", "RREC-GA", "MCC"),
        ("Kenya", None, "Mini-Grid", "RREC-AKE", "MCC"),
        ("DRC", None, "Mini-Grid", "RREC-ACD", "MCC"),
        ("Cote d'Ivoire", None, "Distributed PV", "RREC-ACI", "EGRCC"),
        ("Nigeria", None, "Distributed", "RREC-ANG", "EGRCC"),
        ("Senegal", None, "Utility PV", "RREC-ASN", "EGRCC"),
    ],
)
def test_eligible_projects_get_their_token_and_class(
    tables, country, state, kind, token, credit_class
) -> None:
    found = classify(tables, country=country, us_state=state, installation_type=kind)
    assert (found.token, found.credit_class, found.eligible) == (token, credit_class, True)


@pytest.mark.parametrize(
    ("facts", "token", "reason"),
    [
        (
            {"country": "Cameroon", "installation_type": "Solar Home Systems"},
            "RREC-ACM",
            "solar home systems are off-grid and not mini-grids",
        ),
        (
            {"country": "Germany", "installation_type": "Utility PV"},
            None,
            "Germany has no token class",
        ),
        (
            {"country": "United States", "us_state": "", "installation_type": "Utility PV"},
            None,
            "US project without a recognised US State",
        ),
        (
            {"country": "United States", "us_state": "HI", "installation_type": "Utility PV"},
            "RREC-HI",
            "no AVERT region for US state 'HI'",
        ),
        ({"country": "Kenya", "installation_type": "Wind farm"}, "RREC-AKE", "wind has none"),
        ({"country": "Kenya", "installation_type": "Hydro"}, "RREC-AKE", "matches no credit class"),
        ({"country": "Atlantis", "installation_type": "Utility PV"}, None, "unknown country"),
    ],
)
def test_ineligible_projects_say_why(tables, facts, token, reason) -> None:
    found = classify(tables, **facts)
    assert not found.eligible and found.token == token
    assert reason in found.reason


def test_grid_connection_follows_the_installation_type() -> None:
    assert [
        installation_kind(label)
        for label in ("Mini-Grid", "minigrid", "SHS", "Distributed", "Utility PV", "")
    ] == [
        Kind.MINI_GRID,
        Kind.MINI_GRID,
        Kind.SOLAR_HOME_SYSTEM,
        Kind.DISTRIBUTED_PV,
        Kind.UTILITY_PV,
        Kind.UNKNOWN,
    ]


def ember_factor(tables, iso3, year, **kwargs) -> dict:
    targets = pl.DataFrame({"key": ["k"], "iso3": [iso3], "generation_year": [year]})
    return select_ember(targets, tables.ember, **kwargs).row(0, named=True)


def avert_factor(tables, region, year, project_type="distributed_pv", **kwargs) -> dict:
    targets = pl.DataFrame(
        {
            "key": ["k"],
            "avert_region_id": [region],
            "project_type": [project_type],
            "generation_year": [year],
        }
    )
    return select_avert(targets, tables.avert, **kwargs).row(0, named=True)


def test_ember_uses_the_release_that_first_published_the_year(tables) -> None:
    kenya = ember_factor(tables, "KEN", 2022)
    assert (kenya["factor"], kenya["factor_release"]) == (Decimal("101.13"), "2024-03-11")
    assert "CC BY 4.0" in kenya["factor_source"]
    pinned = ember_factor(tables, "KEN", 2022, release="2025-05-21")
    assert pinned["factor"] == Decimal("109.57")


def test_ember_falls_back_to_the_latest_published_year(tables) -> None:
    senegal = ember_factor(tables, "SEN", 2026)
    assert (senegal["factor_year"], senegal["factor_release"]) == (2023, "2025-05-21")


def test_avert_uses_official_rates_unless_provisional_ones_are_allowed(tables) -> None:
    assert avert_factor(tables, "SE", 2024)["factor_year"] == 2023
    assert avert_factor(tables, "SE", 2024)["factor"] == Decimal("0.674916087982")
    provisional = avert_factor(tables, "SE", 2024, allow_provisional=True)
    assert provisional["factor_year"] == 2024 and "provisional" in provisional["factor_release"]


def test_avert_south_carolina_2022_is_the_standards_rate(tables) -> None:
    assert avert_factor(tables, "NCSC", 2022)["factor"] == Decimal("0.643468395918")


@pytest.mark.parametrize(
    "lookup",
    [
        lambda t: ember_factor(t, "ATA", 2022),  # no Ember country
        lambda t: ember_factor(t, "KEN", 1990),  # before any year
        lambda t: avert_factor(t, "SE", 2016),  # before AVERT's current regions
        lambda t: avert_factor(t, "SE", 2022, "tidal"),  # no such project type
    ],
)
def test_a_missing_factor_is_null_never_zero(tables, lookup) -> None:
    row = lookup(tables)
    assert row["factor"] is None and row["factor_year"] is None
