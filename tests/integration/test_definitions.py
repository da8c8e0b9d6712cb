"""The code location loads, and its shape is what ARCHITECTURE.md describes."""

from __future__ import annotations

import dagster as dg

from rrec_pipeline.build import build_defs
from rrec_pipeline.checks.rules import Family


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(build_defs())


def test_asset_keys_and_checks_snapshot() -> None:
    graph = build_defs().resolve_asset_graph()
    assert sorted(key.to_user_string() for key in graph.get_all_asset_keys()) == [
        "core_verification__files",
        "core_verification__findings",
        "core_verification__readings",
    ]
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    family_checks = {("core_verification__findings", f"{family}_rules") for family in Family}
    assert checks == family_checks | {
        ("core_verification__files", "VerificationFileSummaries_schema"),
        ("core_verification__files", "accepted_files_have_no_errors"),
        ("core_verification__readings", "VerificationAcceptedReadings_schema"),
    }


def test_main_job_selects_every_asset() -> None:
    defs = build_defs()
    job = defs.resolve_job_def("rrec_main")
    assert len(job.asset_layer.selected_asset_keys) == 3
