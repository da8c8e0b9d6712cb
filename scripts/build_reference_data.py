#!/usr/bin/env python3
"""Rebuild the project's reference tables in reference_data/ from public extracts.

Usage: python scripts/build_reference_data.py [SOURCE_DIR]
SOURCE_DIR defaults to ../shared/reference_data (figures with provenance).
Every output keeps a `source` column so attribution travels with the rows.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "reference_data"

AVERT_STATE_SOURCE = (
    "US EPA AVERT web/client/src/config.ts (github.com/USEPA/AVERT), CC0; "
    "via avert_state_region.csv"
)
ISO_SOURCE = "ISO 3166-2:US subdivision codes (not modelled by AVERT)"
# States and territories outside the AVERT map: codes only, no AVERT figures.
NON_AVERT_STATES = (("AK", "Alaska"), ("HI", "Hawaii"), ("PR", "Puerto Rico"))


def build_us_states(source_dir: Path) -> list[dict[str, str]]:
    with (source_dir / "avert_state_region.csv").open(newline="", encoding="utf-8") as handle:
        names = {row["state"]: row["state_name"] for row in csv.DictReader(handle)}
    rows = [
        {"state": code, "state_name": name, "source": AVERT_STATE_SOURCE}
        for code, name in names.items()
    ]
    rows += [
        {"state": code, "state_name": name, "source": ISO_SOURCE}
        for code, name in NON_AVERT_STATES
        if code not in names
    ]
    return sorted(rows, key=lambda row: row["state"])


def write_table(name: str, rows: list[dict[str, str]]) -> None:
    path = OUT / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


def main(argv: list[str]) -> int:
    source_dir = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "reference_data"
    if not source_dir.is_dir():
        print(f"source folder {source_dir} not found", file=sys.stderr)
        return 2
    write_table("us_states.csv", build_us_states(source_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
