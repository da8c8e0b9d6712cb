"""Build verification CSV texts for tests: one valid baseline, mutated per case.

The baseline is a 10 kWp Kenyan site, hourly for three days in +03:00, 5 kWh
per daylight hour: it passes every rule, so a case changes one thing and
expects one rule to fire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

EAT = timezone(timedelta(hours=3))

HEADER_ORDER = (
    "Project Name",
    "Country",
    "US State (if applicable)",
    "US Region (if applicable)",
    "Latitude",
    "Longitude",
    "DC Capacity (kWp)",
    "Date of First Operation",
    "Begin Timestamp",
    "End Timestamp",
    "Total Energy Production (MWh)",
    "Total Carbon Reduction (tCO2e)",
    "AVERT Emissions Factor",
    "Ember Emissions Factor (gCO2e/kWh)",
    "No. of Type 1 Customers",
    "No. of Type 2 Customers",
    "Type 1-MA Consumption (MWh)",
    "Type 1-MB Consumption (MWh)",
    "Type 2 Consumption (MWh)",
    "Diesel Consumption (L)",
    "Diesel Production (MWh)",
    "Type of Installation",
)


def hourly_rows(start: datetime, hours: int, daylight_kwh: str = "5") -> list[list[str]]:
    rows = []
    for index in range(hours):
        stamp = start + timedelta(hours=index)
        kwh = daylight_kwh if 8 <= stamp.hour <= 16 else "0"
        rows.append([stamp.isoformat(), kwh])
    return rows


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)  # not a number: the rows' sum skips it, as the validator does


@dataclass
class CsvCase:
    """A verification file under construction; `render()` gives (name, text)."""

    header: dict[str, str] = field(
        default_factory=lambda: {
            "Project Name": "Test Solar",
            "Country": "Kenya",
            "US State (if applicable)": "",
            "US Region (if applicable)": "",
            "Latitude": "-1.2921",
            "Longitude": "36.8219",
            "DC Capacity (kWp)": "10",
            "Date of First Operation": "2023-01-01",
            "Type of Installation": "Distributed PV",
        }
    )
    rows: list[list[str]] = field(
        default_factory=lambda: hourly_rows(datetime(2024, 3, 1, tzinfo=EAT), 72)
    )
    name: str | None = None
    dropped_rows: set[str] = field(default_factory=set)
    trailer: str = ""
    set_period_from_rows: bool = True
    set_total_from_rows: bool = True

    def with_header(self, **values: str) -> CsvCase:
        for label, value in values.items():
            self.header[label.replace("_", " ")] = value
        return self

    def render(self) -> tuple[str, str]:
        header = dict(self.header)
        if self.set_period_from_rows:
            header.setdefault("Begin Timestamp", self.rows[0][0])
            header.setdefault("End Timestamp", self.rows[-1][0])
        if self.set_total_from_rows:
            total = sum((_number(row[1]) for row in self.rows if len(row) > 1), Decimal(0))
            header.setdefault("Total Energy Production (MWh)", str(total / 1000))
        lines = [
            f"{label},{header.get(label, '')}"
            for label in HEADER_ORDER
            if label not in self.dropped_rows
        ]
        lines += [
            f"{label},{value}" for label, value in header.items() if label not in HEADER_ORDER
        ]
        lines += [",", "Datetime,Measured kWh"] + [",".join(row) for row in self.rows]
        text = "\n".join(lines) + "\n" + self.trailer
        return self.name or self.default_name(header), text

    def default_name(self, header: dict[str, str]) -> str:
        def compact(text: str) -> str:
            stamp = datetime.fromisoformat(text)
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=EAT)
            return stamp.strftime("%Y-%m-%dT%H%M%S%z")

        stem = header.get("Project Name", "Project").replace(" ", "")
        return f"{stem}_{compact(header['Begin Timestamp'])}_{compact(header['End Timestamp'])}.csv"
