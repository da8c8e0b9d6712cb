#!/usr/bin/env python3
"""Rebuild the project's reference tables in reference_data/ from public extracts.

Usage: python scripts/build_reference_data.py [SOURCE_DIR] [--out DIR]
SOURCE_DIR defaults to ../shared/reference_data (figures with provenance).
Every table keeps a `source` column so attribution travels with its rows, and
reference_data/PROVENANCE.md says where each came from. Output is deterministic:
rebuilding from the same extracts gives the same bytes (a test checks this).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LB_PER_TONNE = Decimal(2205)  # the R-REC Standard's conversion (EPA's exact figure: 2204.62)

AVERT_STATE_SOURCE = (
    "US EPA AVERT web/client/src/config.ts (github.com/USEPA/AVERT@d7188824), CC0; "
    "via avert_state_region.csv"
)
ISO_US_SOURCE = "ISO 3166-2:US subdivision codes (not modelled by AVERT)"
NON_AVERT_STATES = (("AK", "Alaska"), ("HI", "Hawaii"), ("PR", "Puerto Rico"))
M49_SOURCE = "UN M49 geographic regions: Africa"
# UN M49 region "Africa" (Northern, Eastern, Middle, Southern and Western Africa).
AFRICA_ISO3 = frozenset(
    [
        "DZA",
        "EGY",
        "LBY",
        "MAR",
        "SDN",
        "TUN",
        "ESH",
        "BDI",
        "COM",
        "DJI",
        "ERI",
        "ETH",
        "KEN",
        "MDG",
        "MWI",
        "MUS",
        "MYT",
        "MOZ",
        "REU",
        "RWA",
        "SYC",
        "SOM",
        "SSD",
        "UGA",
        "TZA",
        "ZMB",
        "ZWE",
        "IOT",
        "ATF",
        "AGO",
        "CMR",
        "CAF",
        "TCD",
        "COG",
        "COD",
        "GNQ",
        "GAB",
        "STP",
        "BWA",
        "SWZ",
        "LSO",
        "NAM",
        "ZAF",
        "BEN",
        "BFA",
        "CPV",
        "CIV",
        "GMB",
        "GHA",
        "GIN",
        "GNB",
        "LBR",
        "MLI",
        "MRT",
        "NER",
        "NGA",
        "SHN",
        "SEN",
        "SLE",
        "TGO",
    ]
)
ALIAS_SOURCE = "names used in registry files and common English names (reviewed)"
COUNTRY_ALIASES = (
    ("United States of America", "USA"),
    ("USA", "USA"),
    ("US", "USA"),
    ("U.S.", "USA"),
    ("DRC", "COD"),
    ("DR Congo", "COD"),
    ("Democratic Republic of the Congo", "COD"),
    ("Democratic Republic of Congo", "COD"),
    ("Congo-Kinshasa", "COD"),
    ("Republic of the Congo", "COG"),
    ("Congo-Brazzaville", "COG"),
    ("Côte d'Ivoire", "CIV"),
    ("Ivory Coast", "CIV"),
    ("Tanzania", "TZA"),
    ("Eswatini", "SWZ"),
    ("Swaziland", "SWZ"),
    ("Cape Verde", "CPV"),
    ("Cabo Verde", "CPV"),
    ("The Gambia", "GMB"),
    ("United Kingdom", "GBR"),
    ("UK", "GBR"),
)


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows as text; the csv module keeps Namibia's iso2 `NA` as text (pandas would not)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ember_release(source: str) -> str:
    """`... @7323dea (2024-03-11)` -> `2024-03-11`: the release a value came from."""
    match = re.search(r"\((\d{4}-\d{2}-\d{2})\)\s*$", source)
    if not match:
        raise ValueError(f"no release date in Ember source {source!r}")
    return match.group(1)


def build_ember(source_dir: Path) -> list[dict[str, str]]:
    rows = []
    for name in ("ember_co2_intensity.csv", "ember_co2_intensity_2025-05.csv"):
        for row in read_rows(source_dir / name):
            grams = Decimal(row["co2_intensity_gco2_per_kwh"])
            rows.append(
                {
                    "country_name": row["country_name"],
                    "iso2": row["iso2"],
                    "iso3": row["iso3"],
                    "year": row["year"],
                    "co2_intensity_gco2_per_kwh": row["co2_intensity_gco2_per_kwh"],
                    "co2_intensity_tco2_per_mwh": _plain(grams / 1000),
                    "release": ember_release(row["source"]),
                    "source": row["source"],
                }
            )
    return sorted(rows, key=lambda r: (r["iso3"], int(r["year"]), r["release"]))


def build_avert(source_dir: Path) -> list[dict[str, str]]:
    rows = []
    for row in read_rows(source_dir / "avert_rates.csv"):
        pounds = Decimal(row["avoided_co2_lb_per_mwh"])
        tonnes = pounds / LB_PER_TONNE
        published = Decimal(row["avoided_co2_t_per_mwh"])
        if abs(tonnes - published) > Decimal("1e-9"):
            raise ValueError(f"AVERT t/MWh disagrees with lb/2205 for {row}")
        rows.append(
            {
                "data_year": row["data_year"],
                "avert_region": row["avert_region"],
                "avert_region_id": row["avert_region_id"],
                "project_type": row["project_type"],
                "project_type_label": row["project_type_label"],
                "avoided_co2_lb_per_mwh": row["avoided_co2_lb_per_mwh"],
                "avoided_co2_tco2_per_mwh": _plain(tonnes.quantize(Decimal("1e-12"))),
                "release": row["release"].replace("\n", " "),
                "is_official": "false" if "provisional" in row["release"].lower() else "true",
                "source": row["source"],
            }
        )
    return rows


def build_state_regions(source_dir: Path) -> list[dict[str, str]]:
    return [
        {
            "state": row["state"],
            "state_name": row["state_name"],
            "avert_region": row["avert_region"],
            "avert_region_id": row["avert_region_id"],
            "percent_of_state": row["percent_of_state"],
            "is_primary_region": "true" if row["is_primary_region"] == "1" else "false",
            "source": AVERT_STATE_SOURCE,
        }
        for row in read_rows(source_dir / "avert_state_region.csv")
    ]


def build_us_states(source_dir: Path) -> list[dict[str, str]]:
    names = {
        row["state"]: row["state_name"] for row in read_rows(source_dir / "avert_state_region.csv")
    }
    rows = [
        {"state": code, "state_name": name, "source": AVERT_STATE_SOURCE}
        for code, name in names.items()
    ]
    rows += [
        {"state": code, "state_name": name, "source": ISO_US_SOURCE}
        for code, name in NON_AVERT_STATES
        if code not in names
    ]
    return sorted(rows, key=lambda row: row["state"])


def build_countries(source_dir: Path) -> list[dict[str, str]]:
    latest = read_rows(source_dir / "ember_co2_intensity_2025-05.csv")
    names = {(row["iso3"], row["iso2"]): row["country_name"] for row in latest}
    return sorted(
        (
            {
                "country_name": name,
                "iso2": iso2,
                "iso3": iso3,
                "is_african": "true" if iso3 in AFRICA_ISO3 else "false",
                "source": f"names and codes: Ember Yearly Electricity Data country list; "
                f"continent: {M49_SOURCE}",
            }
            for (iso3, iso2), name in names.items()
        ),
        key=lambda row: row["iso3"],
    )


def build_country_aliases() -> list[dict[str, str]]:
    return [
        {"alias": alias, "iso3": iso3, "source": ALIAS_SOURCE} for alias, iso3 in COUNTRY_ALIASES
    ]


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def write_table(out: Path, name: str, rows: list[dict[str, str]]) -> None:
    path = out / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path}: {len(rows)} rows")


TABLES = {
    "ember_co2_intensity.csv": build_ember,
    "avert_rates.csv": build_avert,
    "us_state_avert_regions.csv": build_state_regions,
    "us_states.csv": build_us_states,
    "countries.csv": build_countries,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "source_dir", nargs="?", type=Path, default=ROOT.parent / "shared" / "reference_data"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reference_data")
    args = parser.parse_args(argv[1:])
    if not args.source_dir.is_dir():
        print(f"source folder {args.source_dir} not found", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in TABLES.items():
        write_table(args.out, name, build(args.source_dir))
    write_table(args.out, "country_aliases.csv", build_country_aliases())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
