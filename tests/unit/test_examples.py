"""The examples (the inputs the `rrec run` tests seed) are consistent with what they claim."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from rrec_pipeline.meter_reads.ingest import reading_days
from rrec_pipeline.meter_reads.parsers import parse_pages
from rrec_pipeline.resources.meters.meter_files import MeterFileDrop

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_DAYS = {date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)}


def test_every_example_meter_reading_starts_on_one_of_the_three_example_days() -> None:
    drop = MeterFileDrop(path=str(EXAMPLES / "meter_drop"))
    readings = parse_pages(list(drop.fetch((None, None))))
    assert set(reading_days(readings)) == EXAMPLE_DAYS
    assert readings["wh"].dtype == pl.Int64


def test_the_file_drop_has_no_http_settings() -> None:
    assert not {"base_url", "token", "timeout_seconds"} & set(MeterFileDrop.model_fields)
