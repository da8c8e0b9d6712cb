"""Credits in Dagster: project-years of accepted files, mini-grid months from meter reads."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from rrec_pipeline.build import build_defs
from rrec_pipeline.checks.credit_checks import every_eligible_project_year_has_a_factor
from rrec_pipeline.resources.enphase import Enphase
from rrec_pipeline.resources.io_managers import ParquetIOManager
from rrec_pipeline.resources.landing import LandingZone
from rrec_pipeline.resources.meter_files import MeterFileDrop
from rrec_pipeline.resources.meter_sources import MeterSources
from rrec_pipeline.resources.sparkmeter import SparkMeter
from rrec_pipeline.resources.steamaco import SteamaCo
from rrec_pipeline.resources.submission_folder import SubmissionFolder
from rrec_pipeline.resources.victron import Victron
from tests.builders import CsvCase
from tests.integration.test_meter_files import make_drop

pytestmark = pytest.mark.integration


def resources(tmp_path: Path) -> dict:
    return {
        "submission_folder": SubmissionFolder(
            path=str(tmp_path / "drop"), quarantine_path=str(tmp_path / "q")
        ),
        "meter_sources": MeterSources(
            steamaco=SteamaCo(),
            sparkmeter=SparkMeter(),
            enphase=Enphase(),
            victron=Victron(),
            files=MeterFileDrop(path=str(tmp_path / "meters")),
        ),
        "landing_zone": LandingZone(path=str(tmp_path / "landing")),
        "io_manager": ParquetIOManager(base_dir=str(tmp_path / "warehouse")),
    }


def test_main_job_credits_accepted_project_years(tmp_path, write_case) -> None:
    write_case(CsvCase().with_header(**{"Country": "Kenya"}), tmp_path / "drop")
    (tmp_path / "meters").mkdir()
    defs = build_defs(resources(tmp_path))
    result = defs.resolve_job_def("rrec_main").execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    credits = pl.read_parquet(tmp_path / "warehouse" / "out_credits__project_years.parquet")
    row = credits.row(0, named=True)
    assert (row["token"], row["credit_class"], row["factor_year"]) == ("RREC-AKE", "EGRCC", 2024)
    assert row["tco2e"] == pytest.approx(0.135 * row["factor"] / 1000)
    checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["every_eligible_project_year_has_a_factor"]
    assert checks["ProjectYearCredits_schema"] and checks["EmberIntensity_schema"]


def test_mini_grid_months_come_from_customer_meter_reads(tmp_path) -> None:
    make_drop(tmp_path / "meters")
    (tmp_path / "drop").mkdir()
    defs = build_defs(resources(tmp_path))
    instance = dg.DagsterInstance.ephemeral()
    meters = defs.resolve_job_def("meter_reads_job").execute_in_process(
        partition_key="2025-03-10|files", instance=instance
    )
    assert meters.success
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    months = pl.read_parquet(
        tmp_path / "warehouse" / "out_credits__minigrid_customer_months.parquet"
    )
    row = months.row(0, named=True)
    assert (row["site_id"], row["non_households"], row["type2_mwh"]) == ("2301", 1, 0.00125)
    assert row["tco2e_before_diesel"] == pytest.approx(0.00125 * 0.8)


def test_the_factor_check_names_every_project_year_without_one() -> None:
    credits = pl.DataFrame(
        {
            "project_name": ["Old Solar", "Kenya PV"],
            "generation_year": [2016, 2022],
            "is_eligible": [True, True],
            "credit_class": ["AVERT-USCC", "EGRCC"],
            "factor": [None, 101.13],
            "reason": [
                "no AVERT factor for Southeast distributed_pv in 2016 or any earlier year",
                "ok",
            ],
        }
    )
    result = every_eligible_project_year_has_a_factor(credits)
    assert not result.passed
    assert result.metadata["missing"].value == [
        "Old Solar 2016: no AVERT factor for Southeast distributed_pv in 2016 or any earlier year"
    ]
