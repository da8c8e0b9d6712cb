"""Meter sources under attack or in trouble: a bad file, page or line fails only itself."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from rrec_pipeline.meter_reads.days import normalise_day
from rrec_pipeline.meter_reads.ingest import PageRejectedError, land_day
from rrec_pipeline.resources.meters.http_errors import SourceError
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_files import MeterFileDrop
from tests.integration.test_connectors import CONNECTORS

pytestmark = pytest.mark.integration
DAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 20, tzinfo=UTC)


def site(root: Path, name: str, files: dict[str, str], **settings) -> None:
    folder = root / "generic" / name
    folder.mkdir(parents=True)
    (folder / "site.json").write_text(json.dumps({"timezone": "UTC", **settings}))
    for file_name, text in files.items():
        (folder / file_name).write_text(text)


def run(root: Path, tmp_path: Path):
    landing = LandingZone(path=str(tmp_path / "landing"))
    report = land_day(MeterFileDrop(path=str(root)), landing, DAY, skip_bad_pages=True)
    return report, normalise_day("files", landing, DAY, max_kwh_per_hour=10_000)


def test_a_row_repeated_inside_one_file_is_one_reading(tmp_path) -> None:
    root = tmp_path / "drop"
    site(
        root,
        "a",
        {
            "day.csv": "timestamp,kWh\n2025-03-10T01:00Z,1\n2025-03-10T02:00Z,2\n"
            "2025-03-10T02:00Z,2\n2025-03-10T03:00Z,3\n"
        },
    )
    site(root, "b", {"day.csv": "timestamp,kWh\n2025-03-10T01:00Z,4\n2025-03-10T02:00Z,5\n"})
    report, result = run(root, tmp_path)
    assert report.quarantined == []
    a = result.reads.filter(pl.col("site_id") == "a").sort("interval_start")
    assert a["wh"].to_list() == [1000, 2000, 3000]
    assert result.reads.filter(pl.col("site_id") == "b").height == 2, "other files unaffected"
    assert result.anomalies.is_empty()


def test_a_row_repeated_with_another_value_is_a_conflict_and_the_later_row_wins(tmp_path) -> None:
    root = tmp_path / "drop"
    text = "timestamp,kWh\n2025-03-10T01:00Z,1\n2025-03-10T02:00Z,2\n2025-03-10T02:00Z,7\n"
    site(root, "a", {"day.csv": text})
    _, result = run(root, tmp_path)
    assert result.reads.sort("interval_start")["wh"].to_list() == [1000, 7000]
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "conflicting_duplicate"
    assert anomaly["detail"] == "deliveries disagree: 2000 Wh, then 7000 Wh; kept the latest"


def test_two_files_disagreeing_on_an_interval_are_reported_and_the_newer_file_wins(
    tmp_path,
) -> None:
    root = tmp_path / "drop"
    rows = "timestamp,kWh\n2025-03-10T01:00Z,{}\n2025-03-10T02:00Z,2\n"
    site(root, "a", {"first.csv": rows.format(1), "second.csv": rows.format(5)})
    folder = root / "generic" / "a"
    os.utime(folder / "first.csv", (1_700_000_000, 1_700_000_000))
    os.utime(folder / "second.csv", (1_600_000_000, 1_600_000_000))  # the older file
    _, result = run(root, tmp_path)
    first_hour = result.reads.sort("interval_start").row(0, named=True)
    assert first_hour["wh"] == 1000, "the most recently modified file wins"
    [anomaly] = result.anomalies.to_dicts()
    assert anomaly["anomaly"] == "conflicting_duplicate"
    assert "5000 Wh, then 1000 Wh; kept the latest" in anomaly["detail"], "in delivery order"


def test_a_register_jump_is_judged_against_the_sites_capacity(tmp_path) -> None:
    root = tmp_path / "drop"
    folder = root / "steamaco" / "2301"
    folder.mkdir(parents=True)
    (folder / "site.json").write_text(json.dumps({"timezone": "UTC", "capacity_kw": 50}))
    (folder / "export.csv").write_text(
        "timestamp,meter,reading\n2025-03-10T00:00:00Z,M1,170\n"
        "2025-03-10T01:00:00Z,M1,180\n2025-03-10T02:00:00Z,M1,9990\n2025-03-10T03:00:00Z,M1,10000\n"
    )
    _, result = run(root, tmp_path)
    reads = result.reads.sort("interval_start")
    assert reads["wh"].to_list() == [10_000, None, 10_000]
    assert result.anomalies["anomaly"].to_list() == ["implausible_jump"]
    assert "bound 75000 Wh per hour" in result.anomalies["detail"][0]


def test_a_link_out_of_the_meter_drop_is_rejected_unread(tmp_path) -> None:
    root = tmp_path / "drop"
    site(root, "a", {"day.csv": "timestamp,kWh\n2025-03-10T01:00Z,1\n2025-03-10T02:00Z,2\n"})
    secret = tmp_path / "secret.csv"
    secret.write_text("timestamp,kWh\n2025-03-10T01:00Z,99999\n")
    os.symlink(secret, root / "generic" / "a" / "stolen.csv")
    report, result = run(root, tmp_path)
    [(_, error)] = report.quarantined
    assert error.endswith("a symbolic link to a file outside the folder: not read")
    landed = b"".join(p.read_bytes() for p in (tmp_path / "landing").rglob("*") if p.is_file())
    assert b"99999" not in landed
    assert result.reads["wh"].to_list() == [1000, 2000]


@pytest.mark.parametrize(
    ("meters", "message"),
    [
        ([1, 2, 3], "steamaco /meters/: item 0 is a int, not an object"),
        ([{"reference": "M1"}], "steamaco /meters/: a meter without 'id'"),
    ],
)
def test_an_unexpected_shape_is_a_page_error_naming_the_field(
    httpserver, tmp_path, meters, message
) -> None:
    fake, source = CONNECTORS["steamaco"](httpserver)
    original = fake.route
    fake.route = lambda request: (
        {"results": meters, "next": None} if request.path == "/meters/" else original(request)
    )
    with pytest.raises((SourceError, PageRejectedError)) as caught:
        land_day(source, LandingZone(path=str(tmp_path)), DAY, now=NOW)
    assert str(caught.value) == message


def test_a_torn_index_line_is_dropped_and_the_day_still_normalises(tmp_path) -> None:
    root = tmp_path / "drop"
    site(root, "a", {"day.csv": "timestamp,kWh\n2025-03-10T01:00Z,1\n2025-03-10T02:00Z,2\n"})
    landing = LandingZone(path=str(tmp_path / "landing"))
    drop = MeterFileDrop(path=str(root))
    land_day(drop, landing, DAY, skip_bad_pages=True)
    index = tmp_path / "landing" / "files" / "index" / f"{DAY}.jsonl"
    with index.open("ab") as handle:
        handle.write(b'{"page_id": "abc12')  # a crash mid-append
    reads = normalise_day("files", landing, DAY, max_kwh_per_hour=10_000).reads
    assert reads["wh"].to_list() == [1000, 2000]
    assert index.read_bytes().endswith(b"}\n"), "the torn tail was repaired"
    land_day(drop, landing, DAY, skip_bad_pages=True)
    assert normalise_day("files", landing, DAY, max_kwh_per_hour=10_000).reads.height == 2
