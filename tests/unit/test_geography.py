from __future__ import annotations

import pytest

from rrec_pipeline.basics.geography import haversine_m, us_state_code


def test_haversine_matches_a_known_distance() -> None:
    # Paris (Notre-Dame) to London (St Paul's): 343.6 km great-circle.
    assert haversine_m(48.8530, 2.3499, 51.5138, -0.0984) == pytest.approx(343_600, rel=2e-3)


def test_a_degree_of_longitude_shrinks_with_latitude() -> None:
    assert haversine_m(0, 10, 0, 10.001) == pytest.approx(111.2, rel=1e-3)
    assert haversine_m(60, 10, 60, 10.001) == pytest.approx(55.6, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("GA", "GA"),
        ("Georgia", "GA"),
        (" georgia ", "GA"),
        ("Alabama", "AL"),
        ("Hawaii", "HI"),
        ("Narnia", "Narnia"),
        (None, None),
    ],
)
def test_us_states_are_normalised_to_codes(text, code) -> None:
    assert us_state_code(text) == code
