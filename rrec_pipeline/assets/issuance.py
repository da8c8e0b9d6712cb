"""Issuance per frequency: lots planned for a period, their files, and their entry in the ledger.

For each frequency, three assets share its time-window partitions (`partitions.py`;
a key is the first day of a calendar period, windows in each project's zone):
- `out_issuance__<f>_lots`: the plan's lots of that period (new windows, and
  adjustments of issued ones) and issued windows whose change is only
  reported; the plan, and what it holds or makes wait, are recorded in the ledger;
- `out_issuance__<f>_lot_files`: each lot's verification CSV, scorecard and
  I-REC request, written to the lot folder and validated; a lot whose files
  cannot be written is a finding on that lot;
- `out_issuance__<f>_issued`: the lots entered in the ledger with their reads.
  A lot that overlaps an issued one (the guard), whose file fails validation
  or could not be written, or that waits for its approval (an `approvals.csv`
  row with the lot's id, or the run tag `rrec/approved=true`) is held, alone,
  with its rule and reason; the period's other lots are issued.
"""

from datetime import date

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.assets.producer_lots import (
    GROUP,
    REGISTRY_INS,
    file_lot_assets,
    issued_result,
)
from rrec_pipeline.basics import faults
from rrec_pipeline.basics.errors import SettingError
from rrec_pipeline.checks.issuance import (
    double_counting,
    files_spec,
    guard_spec,
    lot_files_validate,
    nothing_held,
    nothing_held_spec,
)
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.admission import admit
from rrec_pipeline.issuance.file_rows import file_row, unwritten_row
from rrec_pipeline.issuance.frames import Unwritable, files_of_lots, lot_reads, mark_changes
from rrec_pipeline.issuance.period import period_lots
from rrec_pipeline.issuance.plan import (
    PlanSettings,
)
from rrec_pipeline.issuance.settings import plan_settings
from rrec_pipeline.partitions import ISSUANCE_PARTITIONS
from rrec_pipeline.registry.approvals import approved_lots
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.lot_folder import LotFolder
from rrec_pipeline.resources.storage.registry_folder import RegistryFolder
from rrec_pipeline.resources.storage.warehouse import Warehouse
from rrec_pipeline.schemas.issuance import TO_ISSUE
from rrec_pipeline.validation.batch_tables import explanations_from_frame
from rrec_pipeline.validation.config import ValidationConfig
from rrec_pipeline.validation.gap_explanations import GapExplanation

APPROVED_TAG = "rrec/approved"


class IssuanceConfig(dg.Config):
    as_of: str | None = None  # YYYY-MM-DD; default: now
    grace_days: int = 2
    policy: str = "carry-forward"
    late_reads: str = "adjust"  # or "next-window", or "report-only"
    require_approval: bool = False
    owner_frequency: str | None = None  # default: RREC_OWNER_FREQUENCY (unset: off)


def settings_of(
    config: IssuanceConfig, explanations: tuple[GapExplanation, ...] = ()
) -> PlanSettings:
    try:
        return plan_settings(
            as_of=date.fromisoformat(config.as_of) if config.as_of else None,
            grace_days=config.grace_days,
            policy=config.policy,
            late_reads=config.late_reads,
            owner_frequency=config.owner_frequency,
            explanations=explanations,
        )
    except (SettingError, ValueError) as error:
        raise dg.Failure(str(error)) from None


def _lots_asset(frequency: str) -> dg.AssetsDefinition:
    table = tables.ISSUANCE[frequency].lots

    @dg.asset(
        name=table.key,
        partitions_def=ISSUANCE_PARTITIONS[frequency],
        ins={**REGISTRY_INS, "gap_explanations": dg.AssetIn(tables.GAP_EXPLANATIONS.key)},
        deps=[tables.METER_READS.key],
        group_name=GROUP,
        kinds={"polars", "parquet"},
        description=table.description,
        check_specs=[
            *schema_specs(table, partitions_def=ISSUANCE_PARTITIONS[frequency]),
            guard_spec(frequency),
        ],
    )
    @schema_checked(table)
    def _asset(
        context: dg.AssetExecutionContext,
        config: IssuanceConfig,
        warehouse: Warehouse,
        issuance_ledger: IssuanceLedger,
        projects: pl.DataFrame,
        devices: pl.DataFrame,
        reservations: pl.DataFrame,
        clearances: pl.DataFrame,
        gap_explanations: pl.DataFrame,
    ):
        registry = RegistryTables(projects, devices, reservations, clearances)
        settings = settings_of(config, explanations_from_frame(gap_explanations))
        plan = issuance_ledger.plan(registry, warehouse.scan(tables.METER_READS.key), settings)
        label = date.fromisoformat(context.partition_key)
        planned, holds = period_lots(frequency, label, plan)
        lots = mark_changes(planned, issuance_ledger.last_planned())
        issuance_ledger.record_plan(context.run.run_id, frequency, context.partition_key, lots)
        issuance_ledger.record_holds(holds, "plan", lots["lot_id"].to_list())
        for row in holds.iter_rows(named=True):
            context.log.info(f"{row['lot_id']} {row['state']}: {row['rule']}: {row['reason']}")
        yield dg.Output(
            lots,
            metadata={
                "lots": lots.height,
                "rrecs_to_issue": int(lots.filter(pl.col("change").is_in(TO_ISSUE))["rrecs"].sum()),
                "changes": dg.MetadataValue.json(dict(lots.group_by("change").len().iter_rows())),
                "held": dg.MetadataValue.json(
                    {row["lot_id"]: f"{row['rule']}: {row['reason']}" for row in holds.to_dicts()}
                ),
            },
        )
        yield double_counting(
            guard_spec(frequency), "lots", issuance_ledger, lots, projects, clearances
        )

    return _asset


def _files_asset(frequency: str) -> dg.AssetsDefinition:
    table = tables.ISSUANCE[frequency].lot_files

    @dg.asset(
        name=table.key,
        partitions_def=ISSUANCE_PARTITIONS[frequency],
        ins={
            "lots": dg.AssetIn(tables.ISSUANCE[frequency].lots.key),
            "gap_explanations": dg.AssetIn(tables.GAP_EXPLANATIONS.key),
            **REGISTRY_INS,
        },
        group_name=GROUP,
        kinds={"csv", "json"},
        description=table.description,
        check_specs=[
            *schema_specs(table, partitions_def=ISSUANCE_PARTITIONS[frequency]),
            files_spec(frequency),
        ],
    )
    @schema_checked(table)
    def _asset(
        warehouse: Warehouse,
        lot_folder: LotFolder,
        lots: pl.DataFrame,
        gap_explanations: pl.DataFrame,
        projects: pl.DataFrame,
        devices: pl.DataFrame,
        reservations: pl.DataFrame,
        clearances: pl.DataFrame,
    ):
        reads = warehouse.scan(tables.METER_READS.key)
        made = files_of_lots(lots, projects, devices, reads, load_reference())
        # A registered explanation clears a lot's gap as it clears a producer's file's.
        config = ValidationConfig(gap_explanations=explanations_from_frame(gap_explanations))
        rows = [_file_row(frequency, files, lot_folder, config) for files in made]
        frame = table.validate(pl.DataFrame(rows, schema=table.dtypes))
        faults.reached("lot_files")
        yield dg.Output(
            frame, metadata={"files": frame.height, "invalid": int((~frame["is_valid"]).sum())}
        )
        yield lot_files_validate(frequency, frame)

    return _asset


def _file_row(frequency: str, files, folder: LotFolder, config: ValidationConfig) -> dict:
    """The lot's files written and checked; a lot they cannot be written for is a finding."""
    if isinstance(files, Unwritable):
        return unwritten_row(files.lot_id, files.rrecs, files.problem)
    try:
        written = folder.write(frequency, files)
    except OSError as error:
        return unwritten_row(files.lot_id, files.scorecard["rrecs"], error.strerror or str(error))
    return file_row(files, str(written), config)


def _issued_asset(frequency: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=tables.ISSUANCE[frequency].issued,
        partitions_def=ISSUANCE_PARTITIONS[frequency],
        ins={
            "lots": dg.AssetIn(tables.ISSUANCE[frequency].lots.key),
            "files": dg.AssetIn(tables.ISSUANCE[frequency].lot_files.key),
            "devices": dg.AssetIn(tables.DEVICES.key),
            "projects": dg.AssetIn(tables.PROJECTS.key),
            "clearances": dg.AssetIn(tables.CLEARANCES.key),
        },
        group_name=GROUP,
        kinds={"duckdb"},
        description="The period's lots entered in the issuance ledger, reads certified; "
        "a lot the guard, its file or its approval holds is left out with its reason.",
        check_specs=[nothing_held_spec(frequency)],
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
        projects: pl.DataFrame,
        clearances: pl.DataFrame,
    ):
        unapproved = _unapproved(context, config, registry_folder, lots)
        claimed = issuance_ledger.claimed()
        admission = admit(lots, files, claimed, (projects, clearances), unapproved)
        reads = lot_reads(warehouse.scan(tables.METER_READS.key), devices, admission.ready)
        count = issuance_ledger.enter(admission, reads, context.run.run_id)
        faults.reached("issuance")
        yield issued_result(context, count, admission)
        yield nothing_held(frequency, context.partition_key, issuance_ledger)

    return _asset


def _unapproved(
    context, config: IssuanceConfig, folder: RegistryFolder, lots: pl.DataFrame
) -> list[str]:
    """Lot ids that need an approval and have none."""
    if not config.require_approval or context.run.tags.get(APPROVED_TAG) == "true":
        return []
    return sorted(set(lots["lot_id"]) - approved_lots(folder.read("approvals.csv")))


def issuance_assets() -> list[dg.AssetsDefinition]:
    per_frequency = [
        factory(frequency)
        for frequency in tables.ISSUANCE
        for factory in (_lots_asset, _files_asset, _issued_asset)
    ]
    return [*per_frequency, *file_lot_assets()]
