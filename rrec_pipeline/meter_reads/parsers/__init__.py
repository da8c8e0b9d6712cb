"""Parsers: one function per page kind, each turning a page into parsed readings.

`parse_page` (one page) and `parse_batch` (a fetch's pages) are the entry
points; both validate the readings against the `ParsedReadings` schema.
`parse_landed_pages` reads pages again that were validated when they landed.
The kinds in `BULK` are also read many pages at once (`bulk.py`): the parser
per page stays the reference and reads what the bulk road does not vouch for.
List
pages (customers, sites, systems) carry no readings and parse to an empty
frame, but are landed all the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import polars as pl
from pandera.errors import SchemaError, SchemaErrors

from rrec_pipeline.basics.text import quote
from rrec_pipeline.meter_reads.pages import Page, PageFormatError, empty_readings
from rrec_pipeline.meter_reads.parsers import (
    csv_drops,
    enphase,
    solaredge,
    sparkmeter,
    steamaco,
    victron,
)
from rrec_pipeline.schemas.meter_reads import ParsedReadings

Parser = Callable[[Page], pl.DataFrame]


def _rejected(page: Page) -> pl.DataFrame:
    reasons = {
        "files.misplaced": "put files under <vendor>/<site_id>/ with vendor one of "
        "generic, steamaco, sparkmeter, solaredge",
        "files.unsupported": "unsupported file type (CSV for every vendor, JSON for "
        "steamaco, sparkmeter and solaredge exports)",
        "files.rejected": page.context.get("problem", "rejected"),
    }
    raise PageFormatError(f"{page.source} {page.endpoint}: {reasons[page.kind]}")


def _no_readings(page: Page) -> pl.DataFrame:
    page.json()  # still a format error when the body is not JSON
    return empty_readings()


PARSERS: dict[str, Parser] = {
    "steamaco.sites": _no_readings,
    "steamaco.customers": _no_readings,
    "steamaco.meters": _no_readings,
    "steamaco.meter_readings": steamaco.meter_readings,
    "steamaco.site_usage": steamaco.site_usage,
    "sparkmeter.koios_organizations": _no_readings,
    "sparkmeter.koios_customers": _no_readings,
    "sparkmeter.koios_historical": sparkmeter.koios_historical,
    "sparkmeter.thundercloud_customers": sparkmeter.thundercloud_customers,
    "enphase.systems": _no_readings,
    "enphase.production_meter": enphase.production_meter,
    "enphase.energy_lifetime": enphase.energy_lifetime,
    "enphase.meter_readings": enphase.meter_readings,
    "victron.user": _no_readings,
    "victron.installations": _no_readings,
    "victron.stats": victron.stats,
    "files.csv": csv_drops.parse_csv,
    "files.solaredge_json": solaredge.energy_export,
    "files.steamaco_json": steamaco.meter_readings,
    "files.sparkmeter_json": sparkmeter.koios_historical,
    "files.misplaced": _rejected,
    "files.unsupported": _rejected,
    "files.rejected": _rejected,
}


# Kinds that are also read in bulk, many pages at once (`bulk.py`); the parsers
# above stay the reference, and read every page the bulk road does not vouch for.
BULK: dict[str, Callable[[list[Page]], list[pl.DataFrame | None]]] = {
    "steamaco.meter_readings": steamaco.bulk_meter_readings,
    "steamaco.site_usage": steamaco.bulk_site_usage,
    "files.steamaco_json": steamaco.bulk_meter_readings,
    "enphase.production_meter": enphase.bulk_production_meter,
    "enphase.meter_readings": enphase.bulk_meter_readings,
    "sparkmeter.koios_historical": sparkmeter.bulk_koios_historical,
    "files.sparkmeter_json": sparkmeter.bulk_koios_historical,
    "files.solaredge_json": solaredge.bulk_energy_export,
    "victron.stats": victron.bulk_stats,
}


def parse_page(page: Page) -> pl.DataFrame:
    """The page's readings; anything wrong with it is a `PageFormatError` naming the page."""
    readings = _unchecked(page)
    try:
        return ParsedReadings.validate(readings)
    except (SchemaError, SchemaErrors) as error:
        raise _incoherent(page, error) from None


def parse_batch(pages: list[Page]) -> list[pl.DataFrame | PageFormatError]:
    """Each page's readings, or why it cannot be read, in the pages' order.

    The schema is validated once for the whole batch (a page of 24 hourly
    readings costs pandera as much as a page of thousands); only a batch that
    fails is validated again page by page, to name the pages at fault.
    """
    outcomes = parse_unvalidated(pages)
    frames = [outcome for outcome in outcomes if isinstance(outcome, pl.DataFrame)]
    try:
        ParsedReadings.validate(pl.concat(frames) if frames else empty_readings())
    except (SchemaError, SchemaErrors):
        return [_validated(page, outcome) for page, outcome in zip(pages, outcomes, strict=True)]
    return outcomes


def _validated(page: Page, outcome: pl.DataFrame | PageFormatError):
    if isinstance(outcome, PageFormatError):
        return outcome
    try:
        return ParsedReadings.validate(outcome)
    except (SchemaError, SchemaErrors) as error:
        return _incoherent(page, error)


def parse_unvalidated(pages: list[Page]) -> list[pl.DataFrame | PageFormatError]:
    """Each page's frame or fault, not yet validated: in bulk where a kind can be."""
    outcomes: list[pl.DataFrame | PageFormatError | None] = [None] * len(pages)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for number, page in enumerate(pages):
        by_kind[page.kind].append(number)
    for kind, numbers in by_kind.items():
        if kind in BULK:
            frames = _in_bulk(kind, [pages[number] for number in numbers])
            for number, frame in zip(numbers, frames, strict=True):
                outcomes[number] = frame
    return [
        parse_by_reference(page) if outcome is None else outcome
        for page, outcome in zip(pages, outcomes, strict=True)
    ]


def _in_bulk(kind: str, pages: list[Page]) -> list[pl.DataFrame | None]:
    """The bulk road's frames; should it fail as a whole (a value no page test foresaw),
    every page goes to the reference, which names its own faults."""
    try:
        return BULK[kind](pages)
    except (pl.exceptions.PolarsError, ArithmeticError, LookupError, TypeError, ValueError):
        return [None] * len(pages)


def parse_by_reference(page: Page) -> pl.DataFrame | PageFormatError:
    """The page's frame by its parser per page (the reference), or its fault."""
    try:
        return _unchecked(page)
    except PageFormatError as error:
        return error


def _unchecked(page: Page) -> pl.DataFrame:
    """The parser's frame, not yet validated; a parser's failure is a `PageFormatError`."""
    parser = PARSERS.get(page.kind)
    if parser is None:
        raise PageFormatError(
            f"{page.source} {page.endpoint}: no parser for kind {quote(page.kind)}"
        )
    try:
        return parser(page)
    except PageFormatError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, OverflowError) as error:
        cause = f"{type(error).__name__}: {quote(str(error), 200)}"
        raise PageFormatError(
            f"{page.source} {page.endpoint}: unexpected shape ({cause})"
        ) from None
    except (SchemaError, SchemaErrors, pl.exceptions.PolarsError) as error:
        raise _incoherent(page, error) from None


def _incoherent(page: Page, error: Exception) -> PageFormatError:
    cause = quote(str(error).splitlines()[0] if str(error) else type(error).__name__, 200)
    where = f"{page.source} {page.endpoint}"
    return PageFormatError(f"{where}: readings do not hold together ({cause})")


def parse_landed_pages(pages: list[Page]) -> list[pl.DataFrame]:
    """Landed pages' readings, each page's own frame (in bulk where a kind can be):
    they were validated when they landed."""
    outcomes = parse_unvalidated(pages)
    for outcome in outcomes:
        if isinstance(outcome, PageFormatError):
            raise outcome
    return outcomes


def parse_pages(pages: list[Page]) -> pl.DataFrame:
    frames = parse_landed_pages(pages)
    return pl.concat(frames) if frames else empty_readings()
