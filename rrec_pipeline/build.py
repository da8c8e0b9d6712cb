"""Explicit assembly of the code location: `build_defs` returns a fresh `Definitions`.

Embedded defaults put everything under `$RREC_HOME` (default `.rrec/` in the
working directory). Tests pass `resource_overrides` with real local resources
instead of patching anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from rrec_pipeline.assets.verification import verification_submissions
from rrec_pipeline.checks.asset_checks import verification_checks
from rrec_pipeline.jobs import main_job
from rrec_pipeline.resources.submission_folder import SubmissionFolder


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
    }


def build_defs(resource_overrides: Mapping[str, Any] | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=[verification_submissions],
        asset_checks=verification_checks(),
        jobs=[main_job],
        resources={**default_resources(), **(resource_overrides or {})},
    )
