"""Explicit assembly of the code location: `build_defs` returns a fresh `Definitions`.

Embedded defaults put everything under `$RREC_HOME` (default `.rrec/` in the
working directory): drop folders, quarantine, registry, landing zone, Parquet
warehouse. Tests pass `resource_overrides` with real local resources instead
of patching.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from rrec_pipeline.assets.analysts import out_analysts__duckdb
from rrec_pipeline.assets.chain import chain_assets
from rrec_pipeline.assets.credits import (
    out_credits__minigrid_customer_months,
    out_credits__project_years,
)
from rrec_pipeline.assets.issuance import issuance_assets
from rrec_pipeline.assets.meter_reads import core_meter, raw_meter__pages
from rrec_pipeline.assets.reference import reference_assets
from rrec_pipeline.assets.registry import core_registry
from rrec_pipeline.assets.verification import (
    core_verification,
    core_verification__gap_explanations,
)
from rrec_pipeline.basics.errors import int_setting
from rrec_pipeline.basics.home import home_paths, publish_repository
from rrec_pipeline.jobs import (
    analysts_job,
    issuance_jobs,
    main_job,
    meter_reads_job,
    minting_job,
)
from rrec_pipeline.resources.chain.chain import Chain
from rrec_pipeline.resources.meters.landing import LandingZone
from rrec_pipeline.resources.meters.meter_sources import meter_sources_from_env
from rrec_pipeline.resources.publishing.publisher import GitPublisher
from rrec_pipeline.resources.storage.analyst_db import AnalystDatabase
from rrec_pipeline.resources.storage.io_managers import ParquetIOManager
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.lot_folder import LotFolder
from rrec_pipeline.resources.storage.registry_folder import RegistryFolder
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder
from rrec_pipeline.resources.storage.warehouse import Warehouse
from rrec_pipeline.schedules import daily_meter_schedule, issuance_schedules
from rrec_pipeline.sensors import (
    analysts_after_minting_sensor,
    chain_transfers_sensor,
    late_meter_data_sensor,
    mint_after_issuance_sensor,
    producer_drop_sensor,
)


def default_resources(home: Path | None = None, *, as_env_var: bool = False) -> dict[str, Any]:
    """The resources under `home`. For Dagster (`as_env_var`), secrets and the RPC URL (which
    often carries an API key) are `EnvVar`s, so the UI shows their names, never the values;
    the command line, which uses the resources outside Dagster, gets the values."""
    paths = home_paths(home)
    return {
        "submission_folder": SubmissionFolder(
            path=str(paths["drop"]),
            quarantine_path=str(paths["quarantine"]),
            is_default=not os.environ.get("RREC_DROP_DIR"),
        ),
        "registry_folder": RegistryFolder(
            path=str(paths["registry"]),
            gap_explanations_path=os.environ.get("RREC_GAP_EXPLANATIONS"),
        ),
        "meter_sources": meter_sources_from_env(
            files_dir=str(paths["meter_drop"]), as_env_var=as_env_var
        ),
        "landing_zone": LandingZone(path=str(paths["landing"])),
        "io_manager": ParquetIOManager(base_dir=str(paths["warehouse"])),
        "warehouse": Warehouse(base_dir=str(paths["warehouse"])),
        "issuance_ledger": IssuanceLedger(path=str(paths["ledger"])),
        "lot_folder": LotFolder(path=str(paths["lots"])),
        "publisher": GitPublisher(
            repository=publish_repository(home),
            checkout=str(paths["publish_checkout"]),
            url_template=os.environ.get("RREC_PUBLISH_URL_TEMPLATE") or None,
        ),
        "analyst_db": AnalystDatabase(path=str(paths["analyst_db"])),
        "chain": Chain(
            rpc_url=_setting(RPC_URL, as_env_var),
            state_dir=str(paths["chain"]),
            contracts_file=str(paths["contracts_file"]),
            confirmations=int_setting("RREC_CONFIRMATIONS", 1, minimum=1),
            retirement_wallet=os.environ.get("RREC_RETIREMENT_WALLET") or None,
            return_wallet=os.environ.get("RREC_RETURN_WALLET") or None,
        ),
    }


RPC_URL = "RREC_CHAIN_RPC_URL"


def _setting(name: str, as_env_var: bool) -> str | None:
    """The variable's value, or for Dagster its name (`EnvVar`); unset: None (the default)."""
    if not os.environ.get(name):
        return None
    return dg.EnvVar(name) if as_env_var else os.environ[name]


ASSETS = [
    core_verification__gap_explanations,
    core_verification,
    raw_meter__pages,
    core_meter,
    *reference_assets,
    out_credits__project_years,
    out_credits__minigrid_customer_months,
    core_registry,
    *issuance_assets(),
    *chain_assets,
    out_analysts__duckdb,
]


def default_executor() -> dg.ExecutorDefinition | None:
    """Dagster's default (multiprocess) executor, or Celery when `RREC_CELERY_BROKER` names a
    broker: each step becomes a task for `dagster-celery worker` processes on any machine
    that shares the instance storage and the warehouse (docs/deploy.md)."""
    broker = os.environ.get("RREC_CELERY_BROKER")
    if not broker:
        return None
    from dagster_celery import celery_executor

    backend = os.environ.get("RREC_CELERY_BACKEND") or broker
    return celery_executor.configured({"broker": broker, "backend": backend})


def build_defs(
    resource_overrides: Mapping[str, Any] | None = None, *, home: Path | None = None
) -> dg.Definitions:
    """Everything, on the resources under `home` (default `$RREC_HOME`), with overrides."""
    return dg.Definitions(
        executor=default_executor(),
        assets=ASSETS,
        asset_checks=[],
        jobs=[main_job, meter_reads_job, *issuance_jobs, minting_job, analysts_job],
        schedules=[daily_meter_schedule, *issuance_schedules],
        sensors=[
            late_meter_data_sensor,
            producer_drop_sensor,
            mint_after_issuance_sensor,
            analysts_after_minting_sensor,
            chain_transfers_sensor,
        ],
        resources={**default_resources(home, as_env_var=True), **(resource_overrides or {})},
    )
