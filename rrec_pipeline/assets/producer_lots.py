"""Producer-submitted verification files as lots: planned from the accepted files of
registered projects, then entered in the same ledger behind the same guard."""

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.checks.issuance import FILE_LOTS_GUARD, double_counting
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.admission import Admission, admit, producer_files
from rrec_pipeline.issuance.producer_lots import file_lots
from rrec_pipeline.issuance.report import tokens_of
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.resources.storage.ledger import IssuanceLedger

GROUP = "issuance"
REGISTRY_INS = {
    "projects": dg.AssetIn(tables.PROJECTS.key),
    "devices": dg.AssetIn(tables.DEVICES.key),
    "reservations": dg.AssetIn(tables.RESERVATIONS.key),
    "clearances": dg.AssetIn(tables.CLEARANCES.key),
}


def issued_result(context, count: int, admission: Admission) -> dg.MaterializeResult:
    """What an issued asset reports: lots entered, their R-RECs, and each held lot's reason."""
    held = {lot: f"{rule}: {why}" for lot, (rule, why) in sorted(admission.refused.items())}
    for lot, why in held.items():
        context.log.info(f"{lot} held: {why}")
    return dg.MaterializeResult(
        metadata={
            "issued_lots": count,
            "issued_rrecs": int(admission.ready["rrecs"].sum()),
            "held": dg.MetadataValue.json(held),
        }
    )


def file_lot_assets() -> list[dg.AssetsDefinition]:
    return [out_issuance__file_lots, out_issuance__file_lots_issued]


@dg.asset(
    name=tables.FILE_LOTS.lots.key,
    ins={
        "files": dg.AssetIn(tables.VERIFICATION_FILES.key),
        **REGISTRY_INS,
    },
    group_name=GROUP,
    kinds={"polars", "parquet"},
    description="Producer-submitted verification files of registered projects, as lots.",
    check_specs=[*schema_specs(tables.FILE_LOTS.lots), FILE_LOTS_GUARD],
)
@schema_checked(tables.FILE_LOTS.lots)
def out_issuance__file_lots(
    context: dg.AssetExecutionContext,
    issuance_ledger: IssuanceLedger,
    files: pl.DataFrame,
    projects: pl.DataFrame,
    devices: pl.DataFrame,
    reservations: pl.DataFrame,
    clearances: pl.DataFrame,
):
    registry = RegistryTables(projects, devices, reservations, clearances)
    lots, held = file_lots(files, registry, tokens_of(projects, load_reference()))
    issued = set(issuance_ledger.issued_lots()["lot_id"])
    lots = lots.with_columns(
        pl.when(pl.col("lot_id").is_in(list(issued)))
        .then(pl.lit("issued"))
        .otherwise(pl.lit("new"))
        .alias("change")
    )
    for item in held:
        context.log.warning(f"held back ({item.kind}): {item.reason}")
    yield dg.Output(lots, metadata={"lots": lots.height, "held_back": len(held)})
    yield double_counting(FILE_LOTS_GUARD, "file lots", issuance_ledger, lots, projects, clearances)


@dg.asset(
    name=tables.FILE_LOTS.issued,
    ins={
        "lots": dg.AssetIn(tables.FILE_LOTS.lots.key),
        "files": dg.AssetIn(tables.VERIFICATION_FILES.key),
        "projects": dg.AssetIn(tables.PROJECTS.key),
        "clearances": dg.AssetIn(tables.CLEARANCES.key),
    },
    group_name=GROUP,
    kinds={"duckdb"},
    description="Producer files' lots entered in the issuance ledger, behind the guard.",
)
def out_issuance__file_lots_issued(
    context: dg.AssetExecutionContext,
    issuance_ledger: IssuanceLedger,
    lots: pl.DataFrame,
    files: pl.DataFrame,
    projects: pl.DataFrame,
    clearances: pl.DataFrame,
) -> dg.MaterializeResult:
    """Each lot keeps its file's name and hash: the bytes published and minted against.
    A lot the guard stops is held alone; the other files' lots are issued."""
    claimed = issuance_ledger.claimed()
    admission = admit(lots, producer_files(files), claimed, (projects, clearances))
    count = issuance_ledger.enter(admission, tables.CERTIFIED_READS.empty(), context.run.run_id)
    return issued_result(context, count, admission)
