"""Hostile verification files, one per way a file can attack the batch (issue 8).

Each builder writes its file into a folder and returns its name and the rule
its finding must carry. Large files are built by streaming, never in memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.builders import CsvCase

Builder = Callable[[Path], tuple[str, str]]


def _write(folder: Path, case: CsvCase, name: str | None = None) -> str:
    case.name = name or case.name
    file_name, text = case.render()
    (folder / file_name).write_text(text, encoding="utf-8")
    return file_name


def _site(project: str, lat: str) -> CsvCase:
    return CsvCase().with_header(**{"Project Name": project, "Latitude": lat})


def impossible_offset_name(folder: Path) -> tuple[str, str]:
    name = "Odd_2024-01-01T000000+9999_2024-01-02T000000+2400.csv"
    return _write(folder, _site("Odd Offsets", "-10.0"), name), "filename.timestamps"


def huge_single_line(
    folder: Path, size: int = 200 * 1024 * 1024, commas: bool = False
) -> tuple[str, str]:
    name = "HugeLine.csv"
    chunk = (b"1," if commas else b"x") * (1024 * 1024 // (2 if commas else 1))
    with (folder / name).open("wb") as handle:
        handle.write(b"Project Name,")
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(b"\n")
    return name, "parse"


def huge_header_cell(folder: Path) -> tuple[str, str]:
    case = _site("Big Cell", "-11.0").with_header(**{"Country": "K" * (130 * 1024)})
    return _write(folder, case, "BigCell.csv"), "parse"


def implausible_totals(folder: Path) -> tuple[str, str]:
    case = _site("Too Big", "-12.0").with_header(
        **{"DC Capacity (kWp)": "1e22", "Total Energy Production (MWh)": "1e20"}
    )
    return _write(folder, case, "TooBig.csv"), "range.plausible"


def edge_timestamps(folder: Path) -> tuple[str, str]:
    case = _site("Edges", "-13.0").with_header(**{"Begin Timestamp": "2024-03-01T00:00:00+24:00"})
    case.rows[0][0] = "9999-12-31T23:00:00-10:00"
    case.rows[1][0] = "0001-01-01T01:00:00+05:00"
    case.rows[5][0] = "2024-03-01T05:00:00+99:99"
    return _write(folder, case, "Edges.csv"), "format.timestamp"


def formula_project_name(folder: Path) -> tuple[str, str]:
    case = _site("=cmd|' /C calc'!A0", "-14.0")
    return _write(folder, case, "Formula.csv"), "format.text"


def control_characters_in_name(folder: Path) -> tuple[str, str]:
    return _write(folder, _site("Escapes", "-15.0"), "Bad\nName\x1b[31m.csv"), "format.text"


def underflowing_kwh(folder: Path) -> tuple[str, str]:
    case = _site("Tiny", "-16.0")
    case.rows[3][1] = "-0"  # a negative zero is zero: no finding
    case.rows[4][1] = "1e-400"
    return _write(folder, case, "Tiny.csv"), "format.number"


def link_to_outside(folder: Path, target: Path) -> tuple[str, str]:
    os.symlink(target, folder / "Linked.csv")
    return "Linked.csv", "parse"


HOSTILE: dict[str, Builder] = {
    "impossible offset in the name": impossible_offset_name,
    "a header cell over 128 KiB": huge_header_cell,
    "totals and capacity beyond plausible": implausible_totals,
    "timestamps at the edges": edge_timestamps,
    "a formula as Project Name": formula_project_name,
    "control characters in the file name": control_characters_in_name,
    "a kWh value that underflows": underflowing_kwh,
}
