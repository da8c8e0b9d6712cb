"""Countries and US AVERT regions as real files name them.

"United States of America", "DRC", "Cote d'Ivoire", "GA", "Georgia" all resolve;
names are compared without case, accents or punctuation.
"""

from __future__ import annotations

from dataclasses import dataclass

from rrec_pipeline.basics.geography import us_state_code
from rrec_pipeline.credits.reference import ReferenceTables, name_key


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str
    iso3: str
    is_african: bool

    @property
    def is_us(self) -> bool:
        return self.iso3 == "USA"


@dataclass(frozen=True)
class AvertRegion:
    name: str
    region_id: str
    how: str  # why this region: the file's own field, or the state's primary region


def resolve_country(name: str | None, tables: ReferenceTables) -> Country | None:
    row = tables.country_index.get(name_key(name)) if name else None
    if row is None:
        return None
    return Country(row["country_name"], row["iso2"], row["iso3"], row["is_african"])


def resolve_avert_region(
    state: str | None, region: str | None, tables: ReferenceTables
) -> AvertRegion | None:
    """The file's own AVERT region when it names one, else the state's primary region."""
    if region:
        found = tables.avert_regions.get(name_key(region))
        if found:
            return AvertRegion(found[0], found[1], f"the file's US Region {region!r}")
    code = us_state_code(state)
    matches = tables.state_regions.filter(tables.state_regions["state"] == (code or ""))
    if matches.is_empty():
        return None
    primary = matches.filter(matches["is_primary_region"]).row(0, named=True)
    share = f"{primary['percent_of_state']:.1f} % of {code}"
    how = f"{code}'s primary AVERT region ({share})"
    if matches.height > 1:
        how += f"; {code} spans {matches.height} regions"
    return AvertRegion(primary["avert_region"], primary["avert_region_id"], how)
