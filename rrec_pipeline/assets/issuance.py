"""Issuance per frequency: lots planned for a period, their files, and their entry in the ledger.

For each frequency, three assets share its time-window partitions (`partitions.py`;
a key is the first day of a calendar period, windows in each project's zone):
- `out_issuance__<f>_lots`: the plan's lots of that period, new or issued, and
  issued windows that received late reads; the plan is recorded in the ledger;
- `out_issuance__<f>_lot_files`: each new lot's verification CSV, scorecard and
  I-REC request, written to the lot folder and validated;
- `out_issuance__<f>_issued`: the lots entered in the ledger with their reads,
  behind the blocking guard and validity checks and, when required, an approval
  (an `approvals.csv` row with the lot's id, or the run tag `rrec/approved=true`).
"""

import hashlib
import os
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.assets.file_lots import GROUP, REGISTRY_INS, file_lot_assets
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.frames import (
    files_of_lots,
    late_frame,
    lot_reads,
    lots_frame,
    mark_changes,
)
from rrec_pipeline.issuance.lot_files import lot_id
from rrec_pipeline.issuance.lots import first_open_windows
from rrec_pipeline.issuance.plan import (
    OWNER_FREQUENCY_VARIABLE,
    PlanSettings,
    as_of_clock,
    make_plan,
)
from rrec_pipeline.issuance.report import tokens_of
from rrec_pipeline.partitions import ISSUANCE_PARTITIONS
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.resources.ledger import IssuanceLedger
from rrec_pipeline.resources.lot_folder import LotFolder
from rrec_pipeline.resources.registry_folder import RegistryFolder
from rrec_pipeline.resources.warehouse import Warehouse
from rrec_pipeline.schemas.issuance import TO_ISSUE
from rrec_pipeline.validation.batch import validate_sources
from rrec_pipeline.validation.batch_tables import explanations_from_frame
from rrec_pipeline.validation.config import ValidationConfig

APPROVED_TAG = "rrec/approved"


class IssuanceConfig(dg.Config):
    as_of: str | None = None  # YYYY-MM-DD; default: now
    grace_days: int = 2
    policy: str = "carry-forward"
    late_reads: str = "report"
    require_approval: bool = False
    owner_frequency: str | None = None  # default: RREC_OWNER_FREQUENCY (unset: off)


def issued_key(frequency: str) -> str:
    return f"out_issuance__{frequency}_issued"


def settings_of(config: IssuanceConfig) -> PlanSettings:
    clock = as_of_clock(date.fromisoformat(config.as_of)) if config.as_of else datetime.now(UTC)
    owner = config.owner_frequency or os.environ.get(OWNER_FREQUENCY_VARIABLE) or None
    if owner is not None and owner not in tables.FREQUENCIES:
        raise dg.Failure(f"owner frequency {owner!r} is not one of {', '.join(tables.FREQUENCIES)}")
    grace = timedelta(days=config.grace_days)
    return PlanSettings(clock, grace, config.policy, config.late_reads, owner)


def partition_lots(
    frequency: str, label: date, registry: RegistryTables, plan, issued: dict
) -> tuple[pl.DataFrame, list[dict]]:
    """(the plan's lots of this frequency and period with the issued windows' late reads,
    the lots that wait for an earlier window of their reservation to be issued)."""
    frequency_of = dict(registry.reservations.select("reservation_id", "frequency").iter_rows())
    recipients = dict(
        registry.reservations.select("reservation_id", "recipient_wallet").iter_rows()
    )
    tokens = tokens_of(registry.projects, load_reference())
    first_open = first_open_windows(plan.lots)

    def mine(energy) -> bool:
        return frequency_of[energy.reservation_id] == frequency and energy.window.label == label

    ours = [lot for lot in plan.lots if mine(lot.energy)]
    waiting = [lot for lot in ours if first_open[lot.energy.reservation_id] < label]
    plan.lots = [lot for lot in ours if lot not in waiting]
    plan.late = [energy for energy in plan.late if mine(energy)]
    planned = lots_frame(plan, frequency, recipients, tokens, issued)
    lots = pl.concat([planned, late_frame(plan, frequency, recipients, tokens)])
    return lots, [
        {
            "lot_id": lot_id(lot),
            "waits_for": f"{lot.energy.reservation_id} {first_open[lot.energy.reservation_id]}",
        }
        for lot in waiting
    ]


def _lots_asset(frequency: str) -> dg.AssetsDefinition:
    table = tables.issuance_lots(frequency)

    @dg.asset(
        name=table.key,
        partitions_def=ISSUANCE_PARTITIONS[frequency],
        ins=REGISTRY_INS,
        deps=[tables.METER_READS.key],
        group_name=GROUP,
        kinds={"polars", "parquet"},
        description=table.description,
    )
    def _asset(
        context: dg.AssetExecutionContext,
        config: IssuanceConfig,
        warehouse: Warehouse,
        issuance_ledger: IssuanceLedger,
        projects: pl.DataFrame,
        devices: pl.DataFrame,
        reservations: pl.DataFrame,
        clearances: pl.DataFrame,
    ) -> dg.Output:
        registry = RegistryTables(projects, devices, reservations, clearances)
        issued = issuance_ledger.issued_state()
        reads = warehouse.scan(tables.METER_READS.key)
        plan = make_plan(registry, reads, settings_of(config), issued)
        label = date.fromisoformat(context.partition_key)
        planned, waiting = partition_lots(frequency, label, plan.registry, plan, issued)
        lots = mark_changes(planned, issuance_ledger.last_planned())
        for lot in waiting:
            context.log.warning(f"{lot['lot_id']} waits for the window {lot['waits_for']}")
        issuance_ledger.record_plan(context.run.run_id, frequency, context.partition_key, lots)
        return dg.Output(
            lots,
            metadata={
                "lots": lots.height,
                "rrecs_to_issue": int(lots.filter(pl.col("change").is_in(TO_ISSUE))["rrecs"].sum()),
                "changes": dg.MetadataValue.json(dict(lots.group_by("change").len().iter_rows())),
                "waiting": dg.MetadataValue.json(waiting),
            },
        )

    return _asset


def _files_asset(frequency: str) -> dg.AssetsDefinition:
    table = tables.lot_files(frequency)

    @dg.asset(
        name=table.key,
        partitions_def=ISSUANCE_PARTITIONS[frequency],
        ins={
            "lots": dg.AssetIn(tables.issuance_lots(frequency).key),
            "gap_explanations": dg.AssetIn(tables.GAP_EXPLANATIONS.key),
            **REGISTRY_INS,
        },
        group_name=GROUP,
        kinds={"csv", "json"},
        description=table.description,
    )
    def _asset(
        warehouse: Warehouse,
        lot_folder: LotFolder,
        lots: pl.DataFrame,
        gap_explanations: pl.DataFrame,
        projects: pl.DataFrame,
        devices: pl.DataFrame,
        reservations: pl.DataFrame,
        clearances: pl.DataFrame,
    ) -> dg.Output:
        reads = warehouse.scan(tables.METER_READS.key)
        made = files_of_lots(lots, projects, devices, reads, load_reference())
        # A registered explanation clears a lot's gap as it clears a producer's file's.
        config = ValidationConfig(gap_explanations=explanations_from_frame(gap_explanations))
        rows = [_file_row(files, lot_folder.write(frequency, files), config) for files in made]
        frame = table.validate(pl.DataFrame(rows, schema=table.dtypes))
        return dg.Output(
            frame, metadata={"files": frame.height, "invalid": int((~frame["is_valid"]).sum())}
        )

    return _asset


def _file_row(files, folder, config: ValidationConfig) -> dict:
    report = validate_sources([(files.csv_name, files.csv)], config).files[0]
    errors = [f"{f.rule}: {f.message}" for f in report.findings if f.is_error]
    return {
        "lot_id": files.lot_id,
        "csv_name": files.csv_name,
        "csv_sha256": hashlib.sha256(files.csv).hexdigest(),
        "folder": str(folder),
        "rrecs": files.scorecard["rrecs"],
        "coverage": files.scorecard["coverage"],
        "gap_hours": files.scorecard["gap_hours"],
        "flagged_reads": files.scorecard["flagged_reads"],
        "is_valid": report.ok,
        "findings": "; ".join(errors),
    }


def _issued_asset(frequency: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=issued_key(frequency),
        partitions_def=ISSUANCE_PARTITIONS[frequency],
        ins={
            "lots": dg.AssetIn(tables.issuance_lots(frequency).key),
            "files": dg.AssetIn(tables.lot_files(frequency).key),
            "devices": dg.AssetIn(tables.DEVICES.key),
        },
        group_name=GROUP,
        kinds={"duckdb"},
        description="The period's new lots entered in the issuance ledger, reads certified.",
    )
    def _asset(
        context: dg.AssetExecutionContext,
        config: IssuanceConfig,
        warehouse: Warehouse,
        issuance_ledger: IssuanceLedger,
        registry_folder: RegistryFolder,
        lots: pl.DataFrame,
        files: pl.DataFrame,
        devices: pl.DataFrame,
    ) -> dg.MaterializeResult:
        new = lots.filter(pl.col("change").is_in(TO_ISSUE)).join(
            files.select("lot_id", "csv_name", "csv_sha256"), on="lot_id", how="left"
        )
        waiting = _unapproved(context, config, registry_folder, new)
        ready = new.filter(~pl.col("lot_id").is_in(waiting))
        reads = lot_reads(warehouse.scan(tables.METER_READS.key), devices, ready)
        count = issuance_ledger.issue(
            ready,
            reads.select("source", "device_id", "interval_start", "lot_id"),
            context.run.run_id,
        )
        for lot in waiting:
            context.log.info(f"lot {lot} waits for approval")
        return dg.MaterializeResult(
            metadata={
                "issued_lots": count,
                "issued_rrecs": int(ready["rrecs"].sum()),
                "waiting_for_approval": dg.MetadataValue.json(waiting),
            }
        )

    return _asset


def _unapproved(
    context, config: IssuanceConfig, folder: RegistryFolder, lots: pl.DataFrame
) -> list[str]:
    """Lot ids that need an approval and have none."""
    if not config.require_approval or context.run.tags.get(APPROVED_TAG) == "true":
        return []
    data = folder.read("approvals.csv")
    approved: set[str] = set()
    if data is not None:
        approved = set(
            pl.read_csv(data, infer_schema=False)
            .get_column("lot_id", default=pl.Series([]))
            .to_list()
        )
    return sorted(set(lots["lot_id"]) - approved)


def issuance_assets() -> list[dg.AssetsDefinition]:
    per_frequency = [
        factory(frequency)
        for frequency in tables.FREQUENCIES
        for factory in (_lots_asset, _files_asset, _issued_asset)
    ]
    return [*per_frequency, *file_lot_assets()]
