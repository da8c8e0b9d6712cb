"""The code location loads, and its shape is what ARCHITECTURE.md describes."""

from __future__ import annotations

import dagster as dg

from rrec_pipeline.basics.frequencies import FREQUENCIES
from rrec_pipeline.build import build_defs, default_resources
from rrec_pipeline.cli.run import RUN_STAGE
from rrec_pipeline.jobs import STAGES, jobs_of
from rrec_pipeline.tables import TABLES
from rrec_pipeline.validation.rules import Family

ISSUANCE = {
    f"out_issuance__{frequency}_{part}"
    for frequency in FREQUENCIES
    for part in ("lots", "lot_files", "issued")
}
MAIN = {
    "core_reference__avert_rates",
    "core_reference__countries",
    "core_reference__country_aliases",
    "core_reference__ember_co2_intensity",
    "core_reference__us_state_avert_regions",
    "core_registry__clearances",
    "core_registry__devices",
    "core_registry__findings",
    "core_registry__projects",
    "core_registry__reservations",
    "core_verification__files",
    "core_verification__findings",
    "core_verification__gap_explanations",
    "core_verification__readings",
    "out_credits__minigrid_customer_months",
    "out_credits__project_years",
    "out_issuance__file_lots",
    "out_issuance__file_lots_issued",
}
METER = {"raw_meter__pages", "core_meter__reads", "core_meter__anomalies"}
CHAIN = {"out_chain__published_lots", "out_chain__mints", "core_chain__transactions"}


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(build_defs())


def test_asset_keys_and_checks_snapshot() -> None:
    graph = build_defs().resolve_asset_graph()
    assert {
        key.to_user_string() for key in graph.get_all_asset_keys()
    } == MAIN | METER | ISSUANCE | CHAIN | {"out_analysts__duckdb"}
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    family_checks = {("core_verification__findings", f"{family}_rules") for family in Family}
    schema_checks = {(key, "schema") for key in TABLES}
    assert checks == family_checks | schema_checks | {
        ("core_verification__files", "accepted_files_have_no_errors"),
        ("core_meter__reads", "meter_reads_do_not_overlap"),
        ("core_meter__anomalies", "meter_anomalies_reviewed"),
        ("out_credits__project_years", "every_eligible_project_year_has_a_factor"),
        ("out_issuance__file_lots", "no_double_counting"),
        *((f"out_issuance__{f}_lots", "no_double_counting") for f in FREQUENCIES),
        *((f"out_issuance__{f}_lot_files", "lot_files_validate") for f in FREQUENCIES),
        *((f"out_issuance__{f}_issued", "no_lot_held") for f in FREQUENCIES),
        ("core_chain__transactions", "each_lot_minted_once"),
        ("core_chain__transactions", "no_mint_without_published_file"),
        ("core_chain__transactions", "no_overlapping_mints"),
        ("core_chain__transactions", "no_failed_mint"),
        ("out_chain__mints", "every_published_lot_minted"),
    }


def test_every_table_asset_is_registered_and_every_registered_table_is_an_asset() -> None:
    graph = build_defs().resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    ledger_entries = {f"out_issuance__{f}_issued" for f in (*FREQUENCIES, "file_lots")}
    elsewhere = {"raw_meter__pages", "out_analysts__duckdb"} | ledger_entries
    assert keys - set(TABLES) == elsewhere, "data elsewhere"
    assert set(TABLES) <= keys


def test_jobs_split_by_what_they_run() -> None:
    defs = build_defs()

    def selected(name: str) -> set[str]:
        keys = defs.resolve_job_def(name).asset_layer.selected_asset_keys
        return {key.to_user_string() for key in keys}

    assert selected("rrec_main") == MAIN
    assert selected("meter_reads_job") == METER
    assert selected("minting_job") == CHAIN
    assert selected("analysts_job") == {"out_analysts__duckdb"}
    assert selected("issuance_monthly_job") == {
        "out_issuance__monthly_lots",
        "out_issuance__monthly_lot_files",
        "out_issuance__monthly_issued",
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


def test_the_rpc_url_is_an_env_var_for_dagster_and_a_value_for_the_command_line(
    monkeypatch, tmp_path
) -> None:
    url = "https://rpc.example/v2/secret-api-key"
    monkeypatch.setenv("RREC_CHAIN_RPC_URL", url)
    chain = build_defs(home=tmp_path).resources["chain"]
    assert isinstance(chain.rpc_url, dg.EnvVar)
    assert chain.rpc_url.env_var_name == "RREC_CHAIN_RPC_URL"
    assert "secret-api-key" not in repr(chain)
    assert default_resources(tmp_path)["chain"].rpc_url == url


def test_rrec_run_and_the_daemon_follow_the_same_stages() -> None:
    defs = build_defs()
    assert list(RUN_STAGE) == [stage.name for stage in STAGES], "rrec run runs every stage"
    for stage in STAGES:
        for job in stage.jobs:
            defs.resolve_job_def(job)
        if stage.after:
            sensor = defs.resolve_sensor_def(stage.sensor)
            assert sensor.job_name == stage.jobs[0]
            monitored = {job.name for job in jobs_of(stage.after)}
            assert monitored == {j for s in STAGES if s.name in stage.after for j in s.jobs}
