"""The meter data the fake servers hold: hourly Wh per device, deterministic.

Every hour is a whole number of Wh divisible by 4, so each fake can serve it
exactly in its own units and splits (quarter hours, kWh with 3 decimals).

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
    hourly_wh: dict[str, dict[datetime, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        start = datetime.combine(self.first_day, datetime.min.time(), UTC)
        for number, device in enumerate(self.devices, start=1):
            self.hourly_wh[device.device_id] = {
                start + timedelta(hours=h): number * 128 + (h % 24) * 64
                for h in range(24 * self.days)
            }

    def hours(self, device_id: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
        """(hour start, Wh) of the device's hours in [start, end)."""
        series = self.hourly_wh[device_id]
        return [(at, wh) for at, wh in sorted(series.items()) if start <= at < end]

    def daily_totals(self) -> dict[tuple[str, date], int]:
        totals: dict[tuple[str, date], int] = defaultdict(int)
        for device_id, series in self.hourly_wh.items():
            for at, wh in series.items():
                totals[(device_id, at.date())] += wh
        return dict(totals)

    def register(self, device_id: str, at: datetime, base_kwh: int = 1000) -> float:
        """Cumulative kWh at `at`: a base plus every hour that ended by then."""
        ended = sum(
            wh for t, wh in self.hourly_wh[device_id].items() if t + timedelta(hours=1) <= at
        )
        return kwh(base_kwh * 1000 + ended)


def kwh(wh: int) -> float:
    """Wh as the kWh number an API sends (exact: at most 3 decimals)."""
    return wh / 1000


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
