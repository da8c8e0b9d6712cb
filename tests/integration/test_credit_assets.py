"""Credits in Dagster: project-years of accepted files, mini-grid months from meter reads."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from rrec_pipeline.basics.amounts import floor_to
from rrec_pipeline.build import build_defs
from rrec_pipeline.checks.credits import every_eligible_project_year_has_a_factor
from tests.builders import CsvCase
from tests.integration.test_meter_files import make_drop

pytestmark = pytest.mark.integration


def defs_under(tmp_path: Path) -> dg.Definitions:
    """Every resource under `tmp_path`: drop, meter drop, landing zone, warehouse."""
    return build_defs(home=tmp_path)


def test_main_job_credits_accepted_project_years(tmp_path, write_case) -> None:
    write_case(CsvCase().with_header(**{"Country": "Kenya"}), tmp_path / "drop")
    defs = defs_under(tmp_path)
    result = defs.resolve_job_def("rrec_main").execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    credits = pl.read_parquet(
        tmp_path / "warehouse" / "out_credits__project_years" / "part.parquet"
    )
    row = credits.row(0, named=True)
    assert (row["token"], row["credit_class"], row["factor_year"]) == ("RREC-AKE", "EGRCC", 2024)
    assert row["tco2e"] == floor_to(Decimal("0.135") * row["factor"] / 1000, 6)
    checks = {
        (e.asset_key.to_user_string(), e.asset_check_key.name): e.passed
        for e in result.get_asset_check_evaluations()
    }
    assert checks[("out_credits__project_years", "every_eligible_project_year_has_a_factor")]
    assert checks[("out_credits__project_years", "schema")]
    assert checks[("core_reference__ember_co2_intensity", "schema")]


def test_mini_grid_months_come_from_customer_meter_reads(tmp_path) -> None:
    make_drop(tmp_path / "meter_drop")
    (tmp_path / "drop").mkdir()
    defs = defs_under(tmp_path)
    instance = dg.DagsterInstance.ephemeral()
    meters = defs.resolve_job_def("meter_reads_job").execute_in_process(
        partition_key="2025-03-10|files", instance=instance
    )
    assert meters.success
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    months = pl.read_parquet(
        tmp_path / "warehouse" / "out_credits__minigrid_customer_months" / "part.parquet"
    )
    row = months.row(0, named=True)
    assert (row["site_id"], row["non_households"]) == ("2301", 1)
    assert row["type2_mwh"] == Decimal("0.00125")
    assert row["tco2e_before_diesel"] == Decimal("0.00125") * Decimal("0.8")


def test_the_factor_check_names_every_project_year_without_one() -> None:
    credits = pl.DataFrame(
        {
            "project_name": ["Old Solar", "Kenya PV"],
            "generation_year": [2016, 2022],
            "is_eligible": [True, True],
            "credit_class": ["AVERT-USCC", "EGRCC"],
            "factor": [None, Decimal("101.13")],
            "reason": [
                "no AVERT factor for Southeast distributed_pv in 2016 or any earlier year",
                "ok",
            ],
        }
    )
    result = every_eligible_project_year_has_a_factor(credits)
    assert not result.passed
    table = result.metadata["missing"].value
    assert "| Old Solar | 2016 | no AVERT factor for Southeast distributed_pv in 2016" in table
    assert "Kenya PV" not in table
