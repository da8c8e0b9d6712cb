"""Land a source's new pages for one UTC day, and normalise a day from its pages.

Used by the Dagster assets and by `rrec fetch`; works with any source that has
`source`, `padding`, `fetch(window)` and any landing zone with the
`LandingZone` methods, so it stays free of Dagster and network code.

- A day's cursor says how far it was fetched; a run asks only from there, and
  not at all once the day is complete (its settle time has passed).
- Every page is parsed before it is landed: a page that does not parse is
  quarantined with the reason and fails the day (API pages) or is skipped
  (dropped files), so the rest of the batch continues.
- A page carrying readings for an earlier day is indexed under that day too,
  and a late marker asks for that day to be normalised again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import polars as pl

from rrec_pipeline.meter_reads.normalise import Normalised, normalise
from rrec_pipeline.meter_reads.pages import Page, PageFormatError, empty_readings
from rrec_pipeline.meter_reads.parsers import parse_batch, parse_landed
from rrec_pipeline.text import quote

Window = tuple[datetime, datetime]
# Days normalised together in a range run: a week of readings bounds its memory.
STRETCH_DAYS = 7
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
                _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding)
                batch = []
    except PageFormatError:
        # The connector could not follow a page (its next link): the pages before it
        # land, and that page is quarantined and named, as when parsed alone.
        _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding)
        raise
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        # A connector met an answer of a shape it does not know: fail the day, say how,
        # after landing the pages that came before it.
        _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding)
        cause = f"{type(error).__name__}: {quote(str(error))}"
        raise PageRejectedError(
            f"{source.source}: an answer of unexpected shape ({cause})"
        ) from None
    _land_batch(batch, landing, report, skip_bad_pages, padding=source.padding)
    is_complete = now >= end + source.padding + timedelta(hours=source.settle_hours)
    landing.save_cursor(source.source, day, Cursor(fetch_end, is_complete))
    return report


def _land_batch(
    pages: list[Page], landing, report: LandingReport, skip_bad_pages: bool, padding: timedelta
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
        _land_page(page, readings, landing, report, padding)


def _land_page(
    page: Page, readings: pl.DataFrame, landing, report: LandingReport, padding: timedelta
) -> None:
    days = reading_days(readings)
    if not landing.land(page, set(days) or {report.day}):
        return
    report.pages_new += 1
    report.bytes_new += len(page.body)
    report.rows_by_day.update(days)
    for late in _late_days(readings, days, report.day, padding):
        landing.mark_late(page.source, late, page.page_id)
        report.late_days.add(late)


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


def normalise_day(source_name: str, landing, day: date, *, max_kwh_per_hour: float) -> Normalised:
    """The day's normalised reads from the pages indexed under it and its neighbours.

    Neighbouring days' pages hold the register readings that open and close
    the day's first and last intervals; only intervals starting on `day` are kept.
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
    only intervals (and anomalies) starting on a day are that day's own.
    """
    stretches = [days[n : n + STRETCH_DAYS] for n in range(0, len(days), STRETCH_DAYS)]
    pages_of = [_page_ids(source_name, landing, stretch) for stretch in stretches]
    last_use = {page_id: n for n, ids in enumerate(pages_of) for page_id in ids}
    parsed: dict[str, pl.DataFrame] = {}
    results: dict[date, Normalised] = {}
    for number, (stretch, page_ids) in enumerate(zip(stretches, pages_of, strict=True)):
        for page_id in page_ids:
            if page_id not in parsed:
                parsed[page_id] = parse_landed(landing.load_page(source_name, page_id))
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
            )
        for page_id in [page_id for page_id in parsed if last_use[page_id] == number]:
            del parsed[page_id]
    return results


def _page_ids(source_name: str, landing, stretch: list[date]) -> list[str]:
    """Pages indexed under the stretch's days and the day on either side, once each."""
    span = [stretch[0] + timedelta(days=n) for n in range(-1, (stretch[-1] - stretch[0]).days + 2)]
    return list(dict.fromkeys(p for day in span for p in landing.page_ids_for(source_name, day)))


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
