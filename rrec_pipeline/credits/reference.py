"""The reviewed reference tables, loaded once and checked against their schemas."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import polars as pl

from rrec_pipeline.basics.geography import reference_data_dir
from rrec_pipeline.tables import (
    AVERT_RATES,
    COUNTRIES,
    COUNTRY_ALIASES,
    EMBER_INTENSITY,
    US_STATE_AVERT_REGIONS,
    Table,
)

# `ReferenceTables` field -> the reviewed table; its CSV is `reference_data/<name>.csv`.
REFERENCE_TABLES: dict[str, Table] = {
    "ember": EMBER_INTENSITY,
    "avert": AVERT_RATES,
    "state_regions": US_STATE_AVERT_REGIONS,
    "countries": COUNTRIES,
    "aliases": COUNTRY_ALIASES,
}


def csv_name(table: Table) -> str:
    return table.key.removeprefix("core_reference__") + ".csv"


def read_table(path: Path, table: Table) -> pl.DataFrame:
    """A reference CSV as its schema's types (ISO code `NA`, Namibia, stays text)."""
    frame = pl.read_csv(path, schema_overrides=table.dtypes, null_values=[], try_parse_dates=False)
    return table.validate(frame)


@dataclass(frozen=True)
class ReferenceTables:
    ember: pl.DataFrame
    avert: pl.DataFrame
    state_regions: pl.DataFrame
    countries: pl.DataFrame
    aliases: pl.DataFrame

    @cached_property
    def avert_regions(self) -> dict[str, tuple[str, str]]:
        """Normalised region name or id -> (name, id)."""
        pairs = self.avert.select("avert_region", "avert_region_id").unique().rows()
        index = {}
        for name, region_id in pairs:
            index[name_key(name)] = (name, region_id)
            index[name_key(region_id)] = (name, region_id)
        return index

    @cached_property
    def country_index(self) -> dict[str, dict]:
        """Normalised name, alias, alpha-2 or alpha-3 -> the country's row."""
        rows = {row["iso3"]: row for row in self.countries.iter_rows(named=True)}
        index = {}
        for iso3, row in rows.items():
            for label in (row["country_name"], row["iso2"], iso3):
                index[name_key(label)] = row
        for alias, iso3 in self.aliases.select("alias", "iso3").iter_rows():
            if iso3 in rows:
                index[name_key(alias)] = rows[iso3]
        return index


def name_key(text: str) -> str:
    """Compare names without case, accents or punctuation: `Côte d'Ivoire` = `cotedivoire`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.casefold() if ch.isalnum())


@cache
def load_reference(directory: str | None = None) -> ReferenceTables:
    root = Path(directory) if directory else reference_data_dir()
    return ReferenceTables(
        **{
            name: read_table(root / csv_name(table), table)
            for name, table in REFERENCE_TABLES.items()
        }
    )
