"""R-REC token classes and carbon-credit eligibility, with the reason either way.

Tokens: `RREC-<state>` for US projects, `RREC-A<ISO alpha-2>` for African ones;
the Standard defines no other. Credit classes:
- `MCC` for mini-grids (AMS-III.BB), anywhere;
- `AVERT-USCC` for US distributed or utility PV (EPA AVERT);
- `EGRCC` for grid-tied PV outside the US (Ember).
Grid connection follows from the installation type: a mini-grid is isolated, a
solar home system is off-grid, distributed and utility PV are grid-tied.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rrec_pipeline.basics.geography import us_state_code, us_state_name
from rrec_pipeline.credits.places import AvertRegion, Country, resolve_avert_region, resolve_country
from rrec_pipeline.credits.reference import ReferenceTables


class Kind(StrEnum):
    MINI_GRID = "mini-grid"
    SOLAR_HOME_SYSTEM = "solar home system"
    DISTRIBUTED_PV = "distributed PV"
    UTILITY_PV = "utility PV"
    WIND = "wind"
    UNKNOWN = "unknown"


AVERT_PROJECT_TYPES = {Kind.DISTRIBUTED_PV: "distributed_pv", Kind.UTILITY_PV: "utility_pv"}
# Words in "Type of Installation", checked in order.
_KIND_WORDS = (
    (("mini-grid", "minigrid", "mini grid"), Kind.MINI_GRID),
    (("solar home", "shs"), Kind.SOLAR_HOME_SYSTEM),
    (("utility",), Kind.UTILITY_PV),
    (
        ("distributed", "commercial", "rooftop", "c&i", "industrial", "residential"),
        Kind.DISTRIBUTED_PV,
    ),
    (("wind",), Kind.WIND),
)


def installation_kind(label: str | None) -> Kind:
    text = " ".join((label or "").casefold().split())
    for words, kind in _KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return Kind.UNKNOWN


@dataclass(frozen=True)
class Classification:
    token: str | None
    credit_class: str | None
    reason: str
    kind: Kind
    country: Country | None = None
    us_state: str | None = None
    avert_region: AvertRegion | None = None

    @property
    def eligible(self) -> bool:
        return self.token is not None and self.credit_class is not None

    @property
    def avert_project_type(self) -> str | None:
        return AVERT_PROJECT_TYPES.get(self.kind)


def classify(
    tables: ReferenceTables,
    *,
    country: str | None,
    us_state: str | None = None,
    us_region: str | None = None,
    installation_type: str | None = None,
) -> Classification:
    kind = installation_kind(installation_type)
    place = resolve_country(country, tables)
    if place is None:
        return Classification(None, None, f"unknown country {country!r}", kind)
    state = us_state_code(us_state) if place.is_us else None
    token, token_problem = _token(place, state, us_state)
    credit_class, class_reason = _credit_class(kind, place, installation_type)
    region = resolve_avert_region(us_state, us_region, tables) if place.is_us else None
    if credit_class == "AVERT-USCC" and region is None:
        credit_class, class_reason = None, f"no AVERT region for US state {us_state!r}"
    reason = token_problem or class_reason
    return Classification(token, credit_class, reason, kind, place, state, region)


def _token(place: Country, state: str | None, written: str | None) -> tuple[str | None, str]:
    if place.is_us:
        if state and len(state) == 2 and us_state_name(state) is not None:
            return f"RREC-{state}", ""
        return None, f"US project without a recognised US State ({written!r})"
    if place.is_african:
        return f"RREC-A{place.iso2}", ""
    return None, (
        f"R-RECs are issued for US states and African countries; {place.name} has no token class"
    )


def _credit_class(kind: Kind, place: Country, label: str | None) -> tuple[str | None, str]:
    if kind == Kind.MINI_GRID:
        return "MCC", "mini-grid: Mini-Grid Carbon Credits under AMS-III.BB"
    if kind in AVERT_PROJECT_TYPES and place.is_us:
        return "AVERT-USCC", f"US {kind}: AVERT-US Carbon Credits"
    if kind in AVERT_PROJECT_TYPES:
        return "EGRCC", f"grid-tied {kind} outside the US: Ember Grid Reduction Carbon Credits"
    if kind == Kind.SOLAR_HOME_SYSTEM:
        return None, (
            "solar home systems are off-grid and not mini-grids: no carbon credit class applies"
        )
    if kind == Kind.WIND:
        return None, "credit classes cover solar projects and mini-grids; wind has none"
    return None, f"installation type {label!r} matches no credit class"
