"""Parsers: one function per page kind, each turning a page into parsed readings.

`parse_page` is the only entry point; list pages (customers, sites, systems)
carry no readings and parse to an empty frame, but are landed all the same.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from pandera.errors import SchemaError, SchemaErrors

from rrec_pipeline.meter_reads.pages import Page, PageFormatError, empty_readings
from rrec_pipeline.meter_reads.parsers import (
    csv_drops,
    enphase,
    solaredge,
    sparkmeter,
    steamaco,
    victron,
)
from rrec_pipeline.text import quote

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


def parse_page(page: Page) -> pl.DataFrame:
    """The page's readings; anything wrong with it is a `PageFormatError` naming the page."""
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
        cause = quote(str(error).splitlines()[0] if str(error) else type(error).__name__, 200)
        raise PageFormatError(
            f"{page.source} {page.endpoint}: readings do not hold together ({cause})"
        ) from None


def parse_pages(pages: list[Page]) -> pl.DataFrame:
    frames = [parse_page(page) for page in pages]
    return pl.concat(frames) if frames else empty_readings()
