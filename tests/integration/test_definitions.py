"""The code location loads, and its shape is what ARCHITECTURE.md describes."""

from __future__ import annotations

import dagster as dg

from rrec_pipeline.build import build_defs
from rrec_pipeline.tables import TABLES
from rrec_pipeline.validation.rules import Family


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(build_defs())


def test_asset_keys_and_checks_snapshot() -> None:
    graph = build_defs().resolve_asset_graph()
    assert sorted(key.to_user_string() for key in graph.get_all_asset_keys()) == [
        "core_meter__anomalies",
        "core_meter__reads",
        "core_reference__avert_rates",
        "core_reference__countries",
        "core_reference__country_aliases",
        "core_reference__ember_co2_intensity",
        "core_reference__us_state_avert_regions",
        "core_verification__files",
        "core_verification__findings",
        "core_verification__gap_explanations",
        "core_verification__readings",
        "out_credits__minigrid_customer_months",
        "out_credits__project_years",
        "raw_meter__pages",
    ]
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    family_checks = {("core_verification__findings", f"{family}_rules") for family in Family}
    schema_checks = {(key, "schema") for key in TABLES}
    assert checks == family_checks | schema_checks | {
        ("core_verification__files", "accepted_files_have_no_errors"),
        ("core_meter__reads", "meter_reads_do_not_overlap"),
        ("core_meter__anomalies", "meter_anomalies_reviewed"),
        ("out_credits__project_years", "every_eligible_project_year_has_a_factor"),
    }


def test_every_table_asset_is_registered_and_every_registered_table_is_an_asset() -> None:
    graph = build_defs().resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys - set(TABLES) == {"raw_meter__pages"}, "only the landing zone is not a table"
    assert set(TABLES) <= keys


def test_jobs_split_unpartitioned_and_partitioned_assets() -> None:
    defs = build_defs()
    main = defs.resolve_job_def("rrec_main").asset_layer.selected_asset_keys
    meter = defs.resolve_job_def("meter_reads_job").asset_layer.selected_asset_keys
    main_keys = {key.to_user_string() for key in main}
    assert main_keys == {
        "core_verification__files",
        "core_verification__findings",
        "core_verification__gap_explanations",
        "core_verification__readings",
        "core_reference__avert_rates",
        "core_reference__countries",
        "core_reference__country_aliases",
        "core_reference__ember_co2_intensity",
        "core_reference__us_state_avert_regions",
        "out_credits__minigrid_customer_months",
        "out_credits__project_years",
    }
    assert {key.to_user_string() for key in meter} == {
        "raw_meter__pages",
        "core_meter__reads",
        "core_meter__anomalies",
    }


def test_secrets_from_the_environment_are_env_vars_not_values(monkeypatch) -> None:
    monkeypatch.setenv("RREC_ENPHASE_TOKEN", "bearer-from-env")
    monkeypatch.setenv("RREC_ENPHASE_SECRET", "key-from-env")
    defs = build_defs()
    enphase = defs.resources["meter_sources"].enphase
    assert (
        isinstance(enphase.token, dg.EnvVar) and enphase.token.env_var_name == "RREC_ENPHASE_TOKEN"
    )
    assert "bearer-from-env" not in repr(defs.resources["meter_sources"])
