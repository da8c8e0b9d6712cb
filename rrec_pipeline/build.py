"""Explicit assembly of the code location: `build_defs` returns a fresh `Definitions`.

Embedded defaults put everything under `$RREC_HOME` (default `.rrec/` in the
working directory): drop folders, quarantine, landing zone, Parquet warehouse.
Tests pass `resource_overrides` with real local resources instead of patching.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from rrec_pipeline.assets.credits import (
    out_credits__minigrid_customer_months,
    out_credits__project_years,
)
from rrec_pipeline.assets.meter_reads import core_meter_reads, raw_meter__pages
from rrec_pipeline.assets.reference import reference_assets
from rrec_pipeline.assets.verification import verification_submissions
from rrec_pipeline.checks.asset_checks import verification_checks
from rrec_pipeline.checks.credit_checks import credit_checks
from rrec_pipeline.checks.meter_checks import meter_checks
from rrec_pipeline.jobs import main_job, meter_reads_job
from rrec_pipeline.resources.io_managers import ParquetIOManager
from rrec_pipeline.resources.landing import LandingZone
from rrec_pipeline.resources.meter_sources import meter_sources_from_env
from rrec_pipeline.resources.submission_folder import SubmissionFolder
from rrec_pipeline.schedules import daily_meter_schedule
from rrec_pipeline.sensors import late_meter_data_sensor


def rrec_home() -> Path:
    return Path(os.environ.get("RREC_HOME", ".rrec"))


def default_resources() -> dict[str, Any]:
    home = rrec_home()
    return {
        "submission_folder": SubmissionFolder(
            path=os.environ.get("RREC_DROP_DIR", str(home / "drop")),
            quarantine_path=os.environ.get("RREC_QUARANTINE_DIR", str(home / "quarantine")),
            gap_explanations_path=os.environ.get("RREC_GAP_EXPLANATIONS"),
        ),
        "meter_sources": meter_sources_from_env(files_dir=str(home / "meter_drop")),
        "landing_zone": LandingZone(path=os.environ.get("RREC_LANDING_DIR", str(home / "landing"))),
        "io_manager": ParquetIOManager(
            base_dir=os.environ.get("RREC_WAREHOUSE_DIR", str(home / "warehouse"))
        ),
    }


def build_defs(resource_overrides: Mapping[str, Any] | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            verification_submissions,
            raw_meter__pages,
            core_meter_reads,
            *reference_assets,
            out_credits__project_years,
            out_credits__minigrid_customer_months,
        ],
        asset_checks=[*verification_checks(), *meter_checks(), *credit_checks()],
        jobs=[main_job, meter_reads_job],
        schedules=[daily_meter_schedule],
        sensors=[late_meter_data_sensor],
        resources={**default_resources(), **(resource_overrides or {})},
    )
