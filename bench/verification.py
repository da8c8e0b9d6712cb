#!/usr/bin/env python3
"""Verification-file sets for side-by-side validation benchmarks, built from a corpus.

Usage:
  python bench/verification.py files N --out FOLDER [--corpus FOLDER]
  python bench/verification.py rows N --out FOLDER [--corpus FOLDER]

- `files N`: N small files, the corpus's files in turn, each made a project of
  its own (its name numbered, its position moved 0.1 degree per copy) so that
  cross-file rules compare them as distinct sites.
- `rows N`: one file of N rows within a year (one every year/N seconds): the
  first corpus file's header with offsets in its stamps, readings continued,
  End Timestamp, Total Energy Production and (with an AVERT factor) Total
  Carbon Reduction made to fit (exact decimals), so the file passes every
  rule however long it is.

The corpus is read, never copied into the project: sets go to `--out`
(a folder under /tmp). Figures come from timing `rrec validate FOLDER` beside
the registry's `verifyData.py` on the same folder.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

YEAR_SECONDS = 365 * 24 * 3600
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "renewvia_verification_data"


def _header_and_rows(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Datetime,"))
    return lines[: start + 1], [line for line in lines[start + 1 :] if line.strip(", ")]


def _set(header: list[str], label: str, value: str) -> list[str]:
    return [f"{label},{value}" if line.split(",", 1)[0] == label else line for line in header]


def _value(header: list[str], label: str) -> str:
    return next(line.split(",", 1)[1] for line in header if line.split(",", 1)[0] == label)


def many_files(corpus: list[Path], count: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        source = corpus[number % len(corpus)]
        header, rows = _header_and_rows(source.read_text(encoding="utf-8-sig"))
        project = f"{_value(header, 'Project Name')} {number}"
        header = _set(header, "Project Name", project)
        latitude = Decimal(_value(header, "Latitude")) + Decimal(number) / 10 % 60
        header = _set(header, "Latitude", str(latitude))
        stamps = source.name.split("_", 1)[1]
        name = re.sub(r"[^A-Za-z0-9]", "", project) + "_" + stamps
        (out / name).write_text("\n".join(header + rows) + "\n", encoding="utf-8")


def long_file(corpus: list[Path], count: int, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    header, rows = next(
        (header, rows)
        for header, rows in (_header_and_rows(p.read_text(encoding="utf-8-sig")) for p in corpus)
        if datetime.fromisoformat(_value(header, "Begin Timestamp")).tzinfo is not None
    )  # the first file whose stamps carry their offset
    begin = datetime.fromisoformat(_value(header, "Begin Timestamp"))
    # The next calendar year whole: after first operation, within one year.
    begin = begin.replace(year=begin.year + 1, month=1, day=1, hour=0, minute=0, second=0)
    step = timedelta(seconds=max(1, YEAR_SECONDS // count))
    # The corpus's hourly kWh scaled to the step, on the 1e-9 kWh grid: plausible values.
    scale = Decimal(step.total_seconds()) / 3600
    values = [
        str((Decimal(line.split(",", 1)[1] or "0") * scale).quantize(Decimal("1e-9")))
        for line in rows
    ]
    cycles, rest = divmod(count, len(values))
    total_kwh = cycles * sum(map(Decimal, values)) + sum(map(Decimal, values[:rest]))
    end = begin + step * (count - 1)
    header = _set(header, "Begin Timestamp", begin.isoformat())
    header = _set(header, "End Timestamp", end.isoformat())
    header = _set(header, "Total Energy Production (MWh)", str(total_kwh / 1000))
    factor = _value(header, "AVERT Emissions Factor")
    if factor:  # the stated reduction follows the new total, as the rule recomputes it
        carbon = (Decimal(factor) * total_kwh / 1000).quantize(Decimal("1e-8"))
        header = _set(header, "Total Carbon Reduction (tCO2e)", str(carbon))
    project = re.sub(r"[^A-Za-z0-9]", "", _value(header, "Project Name"))
    path = out / f"{project}_{_compact(begin)}_{_compact(end)}.csv"
    with path.open("w", encoding="utf-8") as body:
        body.write("\n".join(header) + "\n")
        for row in range(count):
            stamp = (begin + step * row).isoformat()
            body.write(f"{stamp},{values[row % len(values)]}\n")
    return path


def _compact(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H%M%S%z")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["files", "rows"])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    corpus = sorted(args.corpus.glob("*.csv"))
    if not corpus:
        print(f"no verification files in {args.corpus}", file=sys.stderr)
        return 2
    if args.kind == "files":
        many_files(corpus, args.count, args.out)
    else:
        print(long_file(corpus, args.count, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
