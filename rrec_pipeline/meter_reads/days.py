"""A day's normalised reads from its landed pages, and which days must be normalised again.

A (source, day) partition is a pure function of the pages indexed under the
day and its neighbours (they hold the register readings that open and close
the day's first and last intervals). Its record in the landing zone is the
digest of exactly those pages, written only after the partition is: a day
whose pages now differ from its record is stale, whether pages arrived late,
a run died before writing it, or died between writing it and recording it.
Nothing else ("no new days", a cursor, a settled mark) decides that a day is
done, so a run lost at any moment is redone by the next.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import polars as pl

from rrec_pipeline.meter_reads.ingest import EARLIEST_DAY, Window, day_window
from rrec_pipeline.meter_reads.normalise import Normalised, normalise
from rrec_pipeline.meter_reads.pages import empty_readings
from rrec_pipeline.meter_reads.parsers import parse_landed_pages

# Days normalised together in a range run: a week of readings bounds its memory.
STRETCH_DAYS = 7


def pages_digest(page_ids: list[str]) -> str:
    """One value for a set of pages, whatever order they were listed in."""
    return hashlib.sha256("\n".join(sorted(set(page_ids))).encode()).hexdigest()


class _Index:
    """Page ids per day of one source, each day's index read once."""

    def __init__(self, landing, source: str) -> None:
        self.landing, self.source, self.days = landing, source, {}

    def ids(self, day: date) -> list[str]:
        if day not in self.days:
            self.days[day] = self.landing.page_ids_for(self.source, day)
        return self.days[day]

    def around(self, first: date, last: date) -> list[str]:
        """Pages indexed from the day before `first` to the day after `last`, once each."""
        span = [first + timedelta(days=n) for n in range(-1, (last - first).days + 2)]
        return list(dict.fromkeys(page for day in span for page in self.ids(day)))

    def digest(self, day: date) -> str:
        return pages_digest(self.around(day, day))


def stale_days(source: str, landing, last_day: date) -> dict[date, str]:
    """Days up to `last_day` whose partition is missing or older than their pages, in order,
    each with the digest of the pages it has now."""
    index = _Index(landing, source)
    stale = {}
    # A day without pages of its own holds no interval (an interval is indexed under the
    # day it starts on), so only days with pages are ever written; their neighbours' pages
    # count in the digest because a register reading there closes the day's last interval.
    for day in (d for d in landing.indexed_days(source) if EARLIEST_DAY <= d <= last_day):
        digest = index.digest(day)
        if landing.normalised_pages(source, day) != digest:
            stale[day] = digest
    return stale


def normalise_day(source_name: str, landing, day: date, *, max_kwh_per_hour: float) -> Normalised:
    """The day's normalised reads from the pages indexed under it and its neighbours.

    Only intervals starting on `day` are kept.
    """
    return normalise_days(source_name, landing, [day], max_kwh_per_hour=max_kwh_per_hour)[day]


def normalise_days(
    source_name: str, landing, days: list[date], *, max_kwh_per_hour: float
) -> dict[date, Normalised]:
    """Consecutive days normalised a stretch of `STRETCH_DAYS` at a time, then split by day.

    Each page is parsed once and kept only while a later stretch needs it, so
    memory follows a stretch's readings (and the largest page), not the range.
    A stretch sees the pages indexed under its days and their neighbours, and
    their readings from a day before to a day after it, as a day does alone;
    only intervals (and anomalies) starting on a day are that day's own. Each
    day's result carries the digest of the pages it was derived from (`pages`),
    for the landing zone's record once the day is written.
    """
    index = _Index(landing, source_name)
    stretches = [days[n : n + STRETCH_DAYS] for n in range(0, len(days), STRETCH_DAYS)]
    pages_of = [index.around(stretch[0], stretch[-1]) for stretch in stretches]
    last_use = {page_id: n for n, ids in enumerate(pages_of) for page_id in ids}
    parsed: dict[str, pl.DataFrame] = {}
    results: dict[date, Normalised] = {}
    for number, (stretch, page_ids) in enumerate(zip(stretches, pages_of, strict=True)):
        fresh = [page_id for page_id in page_ids if page_id not in parsed]
        pages = [landing.load_page(source_name, page_id) for page_id in fresh]
        parsed.update(zip(fresh, parse_landed_pages(pages), strict=True))
        window = (day_window(stretch[0])[0], day_window(stretch[-1])[1])
        readings = [_near(parsed[page_id], window) for page_id in page_ids]
        result = normalise(
            pl.concat(readings) if readings else empty_readings(),
            window,
            max_kwh_per_hour=max_kwh_per_hour,
        )
        reads = split_by_day(result.reads, "interval_start")
        anomalies = split_by_day(result.anomalies, "at")
        for day in stretch:
            results[day] = Normalised(
                reads.get(day, result.reads.head(0)),
                anomalies.get(day, result.anomalies.head(0)),
                pages=index.digest(day),
            )
        for page_id in [page_id for page_id in parsed if last_use[page_id] == number]:
            del parsed[page_id]
    return results


def _near(readings: pl.DataFrame, window: Window) -> pl.DataFrame:
    """A long page's rows that matter to the window: from a day before it to a day
    after it, and each register's first reading after that (it closes the last
    interval even across a gap)."""
    start, end = window[0] - timedelta(days=1), window[1] + timedelta(days=1)
    when = pl.coalesce("interval_start", "interval_end")
    after = readings.filter((pl.col("kind") == "register") & (pl.col("interval_end") >= end))
    closing = after.filter(pl.col("interval_end") == pl.col("interval_end").min().over("device_id"))
    return pl.concat([readings.filter((when >= start) & (when < end)), closing])


def split_by_day(frame: pl.DataFrame, column: str) -> dict[date, pl.DataFrame]:
    """The frame's rows by the UTC day of `column`, each part in the frame's order.

    Rows already day by day (normalised reads are) are cut into slices, no copy.
    """
    if frame.is_empty():
        return {}
    day = frame[column].dt.date()
    if day.is_sorted():
        days = day.unique(maintain_order=True)
        starts = day.search_sorted(days).to_list()
        ends = [*starts[1:], frame.height]
        return {d: frame.slice(a, b - a) for d, a, b in zip(days, starts, ends, strict=True)}
    keyed = frame.with_columns(day.alias("_day"))
    return {
        key[0]: part.drop("_day")
        for key, part in keyed.partition_by("_day", as_dict=True, maintain_order=True).items()
    }
