"""Jobs: what a run materializes. `rrec_main` is what the README's first command runs."""

from __future__ import annotations

import dagster as dg

MAIN_JOB_NAME = "rrec_main"

main_job = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Validate submitted verification files; accept or quarantine each.",
)
