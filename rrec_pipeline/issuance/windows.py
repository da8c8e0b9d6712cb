"""Issuance windows: calendar periods in a project's time zone, cut by its claim and the year.

A month is a calendar month (not 720 h), a quarter a calendar quarter, a week
an ISO week (Monday to Sunday), as `frequencies.py` declares them; each is cut
by the reservation's first and last day and by calendar years, so no window
crosses a year end (a week that does becomes two windows, one in each year).
A window's label is the first day of its uncut calendar period, as the Dagster
partition keys of its frequency are; its instants are the local midnights that bound it, in UTC,
so a window of the day clocks go forward is 23 hours long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from rrec_pipeline.basics.frequencies import frequency as frequency_rule


@dataclass(frozen=True)
class Window:
    label: date  # first day of the uncut calendar period: the partition key
    first_day: date  # local, included
    last_day: date  # local, included
    start_utc: datetime
    end_utc: datetime  # exclusive
    zone: str

    @property
    def year(self) -> int:
        return self.first_day.year

    @property
    def seconds(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds())

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(ZoneInfo(self.zone))


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)


def windows(frequency: str, first: date, last: date, zone_name: str) -> list[Window]:
    """The windows covering [first, last] (local days, both included), in time order."""
    zone = ZoneInfo(zone_name)
    rule = frequency_rule(frequency)
    found = []
    label = rule.period_start(first)
    while label <= last:
        cut_first = max(label, first)
        cut_last = min(rule.period_end(label), last)
        while cut_first <= cut_last:
            year_last = min(cut_last, date(cut_first.year, 12, 31))
            found.append(
                Window(
                    label,
                    cut_first,
                    year_last,
                    local_midnight_utc(cut_first, zone),
                    local_midnight_utc(year_last + timedelta(days=1), zone),
                    zone_name,
                )
            )
            cut_first = year_last + timedelta(days=1)
        label = rule.period_end(label) + timedelta(days=1)
    return found


def local_stamp(instant: datetime, zone_name: str) -> str:
    """ISO 8601 with the project's UTC offset at that instant: `2024-03-10T00:00:00-05:00`."""
    return instant.astimezone(ZoneInfo(zone_name)).isoformat(timespec="seconds")
