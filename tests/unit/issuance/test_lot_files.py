"""Each lot's verification CSV passes `rrec validate` and carries the lot's numbers."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import polars as pl
import pytest

from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.lot_files import lot_files
from rrec_pipeline.issuance.plan import PlanSettings, as_of_clock, make_plan
from rrec_pipeline.registry.files import load_registry
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.config import ValidationConfig
from tests.issuance_scenario import AS_OF, hourly_reads, write_registry, year_reservations

READS = hourly_reads()


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    folder = write_registry(tmp_path_factory.mktemp("registry"), year_reservations("monthly"))
    registry = load_registry(folder)
    plan = make_plan(registry, READS.lazy(), PlanSettings(as_of_clock(AS_OF)))
    return registry, plan


def files_of(registry, plan, project_id):
    project = registry.projects.filter(pl.col("project_id") == project_id).row(0, named=True)
    made = []
    for lot in (item for item in plan.lots if item.energy.project_id == project_id):
        window = lot.energy.window
        reads = READS.filter(
            (pl.col("site_id") == project_id.lower())
            & pl.col("interval_start").is_between(window.start_utc, window.end_utc, closed="left")
        )
        made.append((lot, lot_files(lot, project, reads, load_reference())))
    return made


@pytest.mark.parametrize("project_id", ["P-GA", "P-KE", "P-SN", "P-DE"])
def test_every_lot_file_validates_and_states_the_lots_numbers(monthly, project_id):
    registry, plan = monthly
    made = files_of(registry, plan, project_id)
    report = validate_sources([(f.csv_name, f.csv) for _, f in made], ValidationConfig())
    problems = [(r.key, f.rule, f.message) for r in report.files for f in r.findings if f.is_error]
    assert problems == [] and report.ok
    for (lot, files), checked in zip(made, report.files, strict=True):
        header = checked.file.header
        assert header.total_energy_mwh == Decimal(lot.energy.wh) / 10**6
        assert header.rrecs_issued == lot.rrecs
        assert checked.computed_total_mwh == header.total_energy_mwh, "rows add up exactly"
        assert files.scorecard["coverage"] == "1.0000"
        assert json.loads(files.irec_json)["volume_mwh"] == lot.rrecs


def test_the_december_file_ends_in_december_local_time(monthly):
    registry, plan = monthly
    _lot, files = files_of(registry, plan, "P-GA")[-1]
    text = files.csv.decode()
    assert "Begin Timestamp,2024-12-01T00:00:00-05:00" in text
    assert "End Timestamp,2024-12-31T23:00:00-05:00" in text
    assert files.csv_name == "PeachRooftop_2024-12-01T000000-0500_2024-12-31T230000-0500.csv"
    assert "AVERT Emissions Factor,0.674916087982" in text  # 2024 at the 2023 official rate


def test_a_lot_rebuilt_from_its_table_row_scores_the_planners_coverage(monthly, tmp_path):
    """The lot-files asset rebuilds lots from the lots table: the table carries the planner's
    evidence (devices, covered and gap seconds), so the scorecard counts the planner's gaps."""
    from rrec_pipeline.issuance.frames import lots_frame, lots_from_frame

    registry, plan = monthly
    project = registry.projects.filter(pl.col("project_id") == "P-GA").row(0, named=True)
    lot, planned = files_of(registry, plan, "P-GA")[0]
    only = SimpleNamespace(lots=[lot])
    frame = lots_frame(only, "monthly", {lot.energy.reservation_id: "0x" + "1" * 40}, {})
    [rebuilt] = lots_from_frame(frame)
    window = lot.energy.window
    reads = READS.filter(
        (pl.col("site_id") == "p-ga")
        & pl.col("interval_start").is_between(window.start_utc, window.end_utc, closed="left")
    )
    assert lot_files(rebuilt, project, reads, load_reference()).scorecard == planned.scorecard
    first_day = pl.col("interval_start") < window.start_utc + timedelta(days=1)
    gappy = READS.with_columns(
        pl.when((pl.col("site_id") == "p-ga") & first_day)
        .then(pl.lit("missing"))
        .otherwise("quality")
        .alias("quality"),
        pl.when((pl.col("site_id") == "p-ga") & first_day).then(None).otherwise("wh").alias("wh"),
    )
    folder = write_registry(tmp_path / "registry", year_reservations("monthly"))
    settings = PlanSettings(as_of_clock(AS_OF))
    january = make_plan(load_registry(folder), gappy.lazy(), settings).lots
    [lot] = [item for item in january if item.key == ("R1", "P-GA", "2024-01-01")]
    card = lot_files(lot, project, reads, load_reference()).scorecard
    assert card["gap_hours"] == "24" and card["coverage"] < "1.0000", "24 h: not over 24 h"
