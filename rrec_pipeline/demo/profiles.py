"""Synthetic but plausible energy for the demo: PV hours and mini-grid customer days.

Seeded and exact: the same project gives the same integer Wh on every machine
(no floats reach a file; the shapes are computed in floats and rounded once).
PV follows the sun in local solar time, longer days in summer on its side of
the equator, with a cloud factor drawn per day. Customers use energy daily,
households a little, businesses more on weekdays.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# Share of DC capacity a clear-sky noon hour delivers (inverter and heat losses).
NOON_SHARE = 0.78


@dataclass(frozen=True)
class PvSite:
    seed: str
    capacity_kw: int
    latitude: float
    longitude: float


def pv_hours(site: PvSite, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(UTC hour start, Wh) for every hour from `start` to `end` (aware datetimes).

    Each day's clouds are drawn from the site and the day alone, so a month
    generated on its own has the same hours as the month within its year.
    """
    clouds: dict[date, float] = {}
    hours = []
    at = start.astimezone(UTC)
    while at < end:
        solar = at + timedelta(hours=site.longitude / 15)
        day = solar.date()
        if day not in clouds:
            clouds[day] = _cloud(random.Random(f"{site.seed}:{day.isoformat()}"))
        hours.append((at, _pv_wh(site, solar, clouds[day])))
        at += timedelta(hours=1)
    return hours


def _cloud(rng: random.Random) -> float:
    """Clear more than half the days; otherwise 35-95 % of clear-sky output."""
    return 1.0 if rng.random() < 0.55 else rng.uniform(0.35, 0.95)


def _pv_wh(site: PvSite, solar: datetime, cloud: float) -> int:
    """Energy of the hour starting at local solar time `solar`."""
    season = math.sin(2 * math.pi * (solar.timetuple().tm_yday - 80) / 365)
    day_hours = 12 + 3.5 * season * math.copysign(min(abs(site.latitude), 45) / 45, site.latitude)
    sunrise = 12 - day_hours / 2
    middle = solar.hour + 0.5 - sunrise
    if not 0 < middle < day_hours:
        return 0
    shape = math.sin(math.pi * middle / day_hours) ** 1.5
    return round(site.capacity_kw * 1000 * NOON_SHARE * shape * cloud)


@dataclass(frozen=True)
class Customer:
    customer_id: str
    meter: str
    user_type: str  # SteamaCo's code: RES (household) or BUS (business)


def customers(prefix: str, households: int, businesses: int) -> list[Customer]:
    people = [Customer(f"{prefix}-H{n:03d}", f"M{n:05d}", "RES") for n in range(1, households + 1)]
    shops = [
        Customer(f"{prefix}-B{n:03d}", f"M{900 + n:05d}", "BUS") for n in range(1, businesses + 1)
    ]
    return people + shops


def customer_day_wh(customer: Customer, day: date) -> int:
    """A customer's use on `day`, in Wh: a household 100-450 Wh, a business 1.5-6 kWh."""
    rng = random.Random(f"{customer.customer_id}:{day.isoformat()}")
    if customer.user_type == "RES":
        return rng.randrange(100, 450)
    weekday = day.weekday() < 6
    return rng.randrange(1500, 6000) if weekday else rng.randrange(300, 900)
