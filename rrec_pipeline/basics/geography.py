"""Places: geodesic distance between sites and US state spellings.

Distances are great-circle (haversine) on the IUGG mean Earth radius: at 100 m
a degree-distance approximation is wrong by a factor of cos(latitude) in longitude.
"""

from __future__ import annotations

import csv
import math
import os
from functools import cache
from pathlib import Path

EARTH_MEAN_RADIUS_M = 6_371_008.8
# The checkout's `reference_data/`, through the package's link to it; a wheel holds a copy.
PACKAGED_REFERENCE_DATA = Path(__file__).resolve().parents[1] / "reference_data"


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def reference_data_dir() -> Path:
    """The project's reference tables; RREC_REFERENCE_DATA overrides the location."""
    override = os.environ.get("RREC_REFERENCE_DATA")
    return Path(override) if override else PACKAGED_REFERENCE_DATA


@cache
def _us_states() -> list[dict[str, str]]:
    with (reference_data_dir() / "us_states.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def us_state_name(code: str) -> str | None:
    """`GA` -> `Georgia`; None for a code that is not a US state."""
    return next((row["state_name"] for row in _us_states() if row["state"] == code), None)


@cache
def _state_codes() -> dict[str, str]:
    rows = _us_states()
    codes = {row["state"].casefold(): row["state"] for row in rows}
    codes.update({row["state_name"].casefold(): row["state"] for row in rows})
    return codes


def us_state_code(text: str | None) -> str | None:
    """`Georgia`, `GA`, `ga` -> `GA`; unknown spellings come back stripped, unchanged."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return _state_codes().get(cleaned.casefold(), cleaned)
