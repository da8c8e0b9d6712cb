"""The meter data the fake servers hold: hourly kWh per device, deterministic.

Each fake serves it in its own API's shape, units and pagination, so a test can
compare what a connector fetched with what the server holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True)
class Device:
    device_id: str
    customer_id: str | None
    customer_class: str | None
    site_id: str


@dataclass
class MeterDataset:
    devices: list[Device]
    first_day: date
    days: int
    hourly_kwh: dict[str, dict[datetime, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        start = datetime.combine(self.first_day, datetime.min.time(), UTC)
        for number, device in enumerate(self.devices, start=1):
            self.hourly_kwh[device.device_id] = {
                start + timedelta(hours=h): round(number * 0.125 + (h % 24) * 0.0625, 4)
                for h in range(24 * self.days)
            }

    def hours(self, device_id: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
        series = self.hourly_kwh[device_id]
        return [(at, kwh) for at, kwh in sorted(series.items()) if start <= at < end]

    def daily_totals(self) -> dict[tuple[str, date], float]:
        totals: dict[tuple[str, date], float] = defaultdict(float)
        for device_id, series in self.hourly_kwh.items():
            for at, kwh in series.items():
                totals[(device_id, at.date())] += kwh
        return {key: round(value, 6) for key, value in totals.items()}

    def register(self, device_id: str, at: datetime, base: float = 1000.0) -> float:
        """Cumulative kWh at `at`: a base plus every hour that ended by then."""
        return round(
            base
            + sum(k for t, k in self.hourly_kwh[device_id].items() if t + timedelta(hours=1) <= at),
            6,
        )


def households_and_shop(first_day: date = date(2025, 3, 14), days: int = 2) -> MeterDataset:
    return MeterDataset(
        devices=[
            Device("SM-0001", "101", "type1_household", "2301"),
            Device("SM-0002", "102", "type1_household", "2301"),
            Device("SM-0003", "103", "type2_non_household", "2301"),
        ],
        first_day=first_day,
        days=days,
    )
