"""Land a source's new pages for one UTC day (normalising them is `days.py`).

Used by the Dagster assets and by `rrec fetch`; works with any source that has
`source`, `padding`, `fetch(window)` and any landing zone with the
`LandingZone` methods, so it stays free of Dagster and network code.

- A day's cursor says how far it was fetched; a run asks only from there, and
  not at all once the day is complete (its settle time has passed).
- Every page is parsed before it is landed: a page that does not parse is
  quarantined with the reason and fails the day (API pages) or is skipped
  (dropped files), so the rest of the batch continues.
- A page carrying readings for an earlier day is indexed under that day too,
  which makes that day stale (`days.stale_days`): it is normalised again.
- Readings dated where no partition can hold them (before `EARLIEST_DAY`, or
  after the day the page was received) are quarantined with a finding; the
  page lands for its other days.
- The cursor moves only after the day's pages are landed; it says what is
  landed. Whether a day's partition is up to date is `days.stale_days`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.basics import faults
from rrec_pipeline.basics.text import quote
from rrec_pipeline.meter_reads.pages import Page, PageFormatError
from rrec_pipeline.meter_reads.parsers import parse_batch

Window = tuple[datetime, datetime]
# The first day meter data is partitioned for (the registry's earliest generation data is
# from 2018); readings before it, or after the day they were received, are quarantined.
EARLIEST_DAY = date(2018, 1, 1)
OUT_OF_RANGE = "date_out_of_range"
# Pages of a fetch parsed and validated together before they land.
BATCH_PAGES = 500


@dataclass(frozen=True)
class Cursor:
    """How far a (source, day) has been fetched, and whether it can still change."""

    fetched_until: datetime
    is_complete: bool

    def to_json(self) -> dict[str, object]:
        return {"fetched_until": self.fetched_until.isoformat(), "is_complete": self.is_complete}


class PageRejectedError(RuntimeError):
    """A page from an API could not be parsed; it was quarantined, the day fails."""


@dataclass
class LandingReport:
    day: date
    window: Window | None = None
    pages_seen: int = 0
    pages_new: int = 0
    bytes_new: int = 0
    rows_by_day: Counter = field(default_factory=Counter)
    late_days: set[date] = field(default_factory=set)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    skipped: str | None = None


def day_window(day: date) -> Window:
    start = datetime.combine(day, datetime.min.time(), UTC)
    return start, start + timedelta(days=1)


def reading_days(readings: pl.DataFrame) -> Counter:
    """UTC days the readings belong to: interval start, or register reading time."""
    when = pl.coalesce("interval_start", "interval_end").dt.date()
    return Counter(dict(readings.group_by(when.alias("day")).len().iter_rows()))


def land_day(
    source, landing, day: date, *, now: datetime | None = None, skip_bad_pages: bool = False
) -> LandingReport:
    now = now or datetime.now(UTC)
    report = LandingReport(day)
    start, end = day_window(day)
    cursor = landing.cursor(source.source, day)
    if cursor is not None and cursor.is_complete and not source.always_rescan:
        report.skipped = f"complete: fetched until {cursor.fetched_until.isoformat()}"
        return report
    fetch_start = start - source.padding
    if cursor is not None and not source.always_rescan:
        fetch_start = max(fetch_start, cursor.fetched_until - source.padding)
    fetch_end = min(end + source.padding, now)
    if fetch_start >= fetch_end:
        report.skipped = "nothing to ask yet: the day has not started"
        return report
    report.window = (fetch_start, fetch_end)
    batch: list[Page] = []
    try:
        for page in source.fetch(report.window):
            batch.append(page)
            if len(batch) == BATCH_PAGES:
                _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding, now=now)
                batch = []
    except PageFormatError:
        # The connector could not follow a page (its next link): the pages before it
        # land, and that page is quarantined and named, as when parsed alone.
        _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding, now=now)
        raise
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        # A connector met an answer of a shape it does not know: fail the day, say how,
        # after landing the pages that came before it.
        _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding, now=now)
        cause = f"{type(error).__name__}: {quote(str(error))}"
        raise PageRejectedError(
            f"{source.source}: an answer of unexpected shape ({cause})"
        ) from None
    _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding, now=now)
    faults.reached("meter_landing")
    is_complete = now >= end + source.padding + timedelta(hours=source.settle_hours)
    landing.save_cursor(source.source, day, Cursor(fetch_end, is_complete))
    return report


def _land_batch(
    pages: list[Page],
    landing,
    report: LandingReport,
    skip_bad_pages: bool,
    *,
    padding: timedelta,
    now: datetime,
) -> None:
    """Pages in the order they came, each parsed before it lands (validated as a batch)."""
    report.pages_seen += len(pages)
    # A dropped file seen before was parsed when it landed.
    fresh = [page for page in pages if not landing.has(page)]
    for page, readings in zip(fresh, parse_batch(fresh), strict=True):
        if isinstance(readings, PageFormatError):
            entry = landing.quarantine(page, str(readings))
            report.quarantined.append((str(entry), str(readings)))
            if skip_bad_pages:
                continue
            raise PageRejectedError(f"{readings}; the page is kept at {entry}") from None
        _land_page(page, readings, landing, report, padding, now)


def _land_page(
    page: Page,
    readings: pl.DataFrame,
    landing,
    report: LandingReport,
    padding: timedelta,
    now: datetime,
) -> None:
    days = reading_days(readings)
    outside = sorted(d for d in days if not EARLIEST_DAY <= d <= now.date())
    if outside:
        message = _out_of_range(readings, outside, sum(days.pop(d) for d in outside))
        entry = landing.quarantine_readings(page, OUT_OF_RANGE, message)
        report.quarantined.append((str(entry), message))
        if not days:
            return
    if not landing.land(page, set(days) or {report.day}):
        return
    report.pages_new += 1
    report.bytes_new += len(page.body)
    report.rows_by_day.update(days)
    # Reported only: the day is stale now (its pages changed), which is what re-runs it.
    report.late_days |= _late_days(readings, days, report.day, padding)


def _out_of_range(readings: pl.DataFrame, days: list[date], count: int) -> str:
    when = pl.coalesce("interval_start", "interval_end")
    first = readings.filter(when.dt.date().is_in(days)).select(when.min()).item()
    return (
        f"{OUT_OF_RANGE}: {count} reading(s) dated outside {EARLIEST_DAY} to the day the page "
        f"was received, the first at {first.isoformat()}; the page's other readings landed"
    )


def _late_days(readings: pl.DataFrame, days: Counter, day: date, padding: timedelta) -> set[date]:
    """Earlier days this page brings data for (beyond the window's padding).

    A register reading also closes the interval that began before it, so the
    day before a page's first register reading is refreshed as well.
    """
    padded_start = (datetime.combine(day, datetime.min.time(), UTC) - padding).date()
    late = {d for d in days if d < padded_start}
    registers = readings.filter(pl.col("kind") == "register")
    if registers.height:
        before_first = registers["interval_end"].min().date() - timedelta(days=1)
        if before_first < day:
            late.add(before_first)
    return late


def land_days(source, landing, days: list[date], **options) -> LandingReport:
    """`land_day` over consecutive days: a rescanned drop is read once, not once a day."""
    if source.always_rescan:
        return land_day(source, landing, days[0], **options)
    reports = [land_day(source, landing, day, **options) for day in days]
    merged = LandingReport(days[0])
    windows = [r.window for r in reports if r.window]
    merged.window = (windows[0][0], windows[-1][1]) if windows else None
    skipped = [r.skipped for r in reports if r.skipped]
    merged.skipped = f"{len(skipped)} of {len(days)} days: {skipped[0]}" if skipped else None
    for report in reports:
        merged.pages_seen += report.pages_seen
        merged.pages_new += report.pages_new
        merged.bytes_new += report.bytes_new
        merged.rows_by_day.update(report.rows_by_day)
        merged.late_days |= report.late_days
        merged.quarantined += report.quarantined
    return merged
