"""Meter data through crashes: nothing that tells the next run "nothing new" moves too early.

A day is normalised again until its partition is written and recorded with the
pages it came from; a page is listed under a day only once it is landed; readings
dated where no partition can hold them are quarantined, the rest lands.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from rrec_pipeline.meter_reads.days import normalise_days, stale_days
from rrec_pipeline.meter_reads.ingest import land_day
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_files import MeterFileDrop
from tests.integration.test_meter_files import make_drop

pytestmark = pytest.mark.integration
RUN_DAY = date(2025, 3, 12)
NOW = datetime(2025, 3, 12, 6, tzinfo=UTC)
LAST = date(2025, 3, 11)


@pytest.fixture
def drop(tmp_path) -> MeterFileDrop:
    return MeterFileDrop(path=str(make_drop(tmp_path / "drop")))


@pytest.fixture
def landing(tmp_path) -> LandingZone:
    return LandingZone(path=str(tmp_path / "landing"))


def test_landed_days_stay_stale_until_their_partition_is_recorded(drop, landing) -> None:
    land_day(drop, landing, RUN_DAY, skip_bad_pages=True, now=NOW)
    stale = stale_days("files", landing, LAST)
    assert list(stale) == [date(2025, 3, d) for d in (8, 9, 10, 11)]
    by_day = normalise_days("files", landing, list(stale), max_kwh_per_hour=100)
    # The partitions were written but the run died before recording them: still stale.
    assert list(stale_days("files", landing, LAST)) == list(stale)
    for day, result in by_day.items():
        assert result.pages == stale[day], "the digest of the pages the day was derived from"
        landing.record_normalised("files", day, result.pages)
    assert stale_days("files", landing, LAST) == {}
    again = land_day(drop, landing, RUN_DAY, skip_bad_pages=True, now=NOW)
    assert again.pages_new == 0 and stale_days("files", landing, LAST) == {}


def test_a_new_page_makes_its_days_and_their_neighbours_stale(drop, landing, tmp_path) -> None:
    land_day(drop, landing, RUN_DAY, skip_bad_pages=True, now=NOW)
    for day, result in normalise_days(
        "files", landing, list(stale_days("files", landing, LAST)), max_kwh_per_hour=100
    ).items():
        landing.record_normalised("files", day, result.pages)
    late = tmp_path / "drop" / "generic" / "site-a" / "correction.csv"
    late.write_text("timestamp,kWh\n2025-03-09T10:00,2.0\n2025-03-09T11:00,2.5\n")
    land_day(drop, landing, RUN_DAY, skip_bad_pages=True, now=NOW)
    # 03-09 has the page; 03-08 and 03-10 read 03-09's pages for their edges.
    assert list(stale_days("files", landing, LAST)) == [date(2025, 3, d) for d in (8, 9, 10)]


def test_a_page_whose_index_landed_but_not_its_body_is_landed_again(drop, landing) -> None:
    page = next(p for p in drop.fetch((NOW, NOW)) if p.endpoint.endswith("march.csv"))
    # A crash after the index lines were appended and before the page was written:
    index = landing._index_path("files", date(2025, 3, 9))
    index.parent.mkdir(parents=True)
    index.write_text(json.dumps({"page_id": page.page_id}) + "\n")
    assert landing.page_ids_for("files", date(2025, 3, 9)) == [], "not landed: not listed"
    assert not landing.has(page)
    report = land_day(drop, landing, RUN_DAY, skip_bad_pages=True, now=NOW)
    assert report.pages_new == 3
    assert landing.page_ids_for("files", date(2025, 3, 9)) == [page.page_id]


def test_readings_outside_the_partitions_are_quarantined_and_the_rest_lands(
    drop, landing, tmp_path
) -> None:
    site = tmp_path / "drop" / "generic" / "site-a"
    (site / "odd.csv").write_text(
        "timestamp,kWh\n"
        "1999-12-31T22:00,1.0\n1999-12-31T23:00,1.0\n"
        "2025-03-11T10:00,1.0\n2025-03-11T11:00,1.0\n"
        "2025-03-15T10:00,1.0\n2025-03-15T11:00,1.0\n"
    )
    report = land_day(drop, landing, RUN_DAY, skip_bad_pages=True, now=NOW)
    found = [(path, error) for path, error in report.quarantined if "date_out_of_range" in path]
    assert len(found) == 1
    path, error = found[0]
    assert "4 reading(s) dated outside 2018-01-01" in error
    assert "the first at 2000-01-01T02:00:00+00:00" in error, "New York 1999-12-31 21:00, UTC"
    finding = json.loads((Path(path) / "error.json").read_text())
    assert finding["rule"] == "date_out_of_range" and finding["endpoint"].endswith("odd.csv")
    assert date(2025, 3, 15) not in landing.indexed_days("files")
    assert date(1999, 12, 31) not in landing.indexed_days("files")
    assert max(stale_days("files", landing, LAST)) == LAST
