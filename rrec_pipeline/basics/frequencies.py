"""How often a reservation's R-RECs are issued: the one declaration every layer takes them from.

A `Frequency` carries its calendar rule (where its periods start and end, in
local days), the cron of the Dagster partitions whose keys are those periods'
first days, and the polars period that truncates an instant to its period.
A leaf module (the standard library only), so the command line can offer the
choices without loading the table registry, and domain code can use the rule
without Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Frequency:
    name: str
    cron: str  # a period starts at each tick (UTC midnight): the partition keys
    truncate: str  # polars `dt.truncate` period (weeks start on Monday)
    months: int = 0  # a period of calendar months, else of `days` days
    days: int = 0

    def period_start(self, day: date) -> date:
        """The first day of the calendar period holding `day`."""
        if self.days == 7:
            return day - timedelta(days=day.weekday())
        if not self.months:
            return day
        return date(day.year, (day.month - 1) // self.months * self.months + 1, 1)

    def period_end(self, start: date) -> date:
        """The last day of the calendar period starting on `start`."""
        if not self.months:
            return start + timedelta(days=self.days - 1)
        year, month = divmod(start.month - 1 + self.months, 12)
        return date(start.year + year, month + 1, 1) - timedelta(days=1)


DAILY = Frequency("daily", "0 0 * * *", "1d", days=1)
WEEKLY = Frequency("weekly", "0 0 * * 1", "1w", days=7)  # ISO weeks, Monday to Sunday
MONTHLY = Frequency("monthly", "0 0 1 * *", "1mo", months=1)
QUARTERLY = Frequency("quarterly", "0 0 1 1,4,7,10 *", "1q", months=3)
YEARLY = Frequency("yearly", "0 0 1 1 *", "1y", months=12)

BY_NAME = {f.name: f for f in (DAILY, WEEKLY, MONTHLY, QUARTERLY, YEARLY)}
FREQUENCIES = tuple(BY_NAME)  # the names, as reservations.csv and the command line spell them


def frequency(name: str) -> Frequency:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown frequency {name!r}") from None
