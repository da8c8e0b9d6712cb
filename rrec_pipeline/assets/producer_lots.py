"""Producer-submitted verification files as lots: planned from the accepted files of
registered projects, then entered in the same ledger behind the same guard."""

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.issuance.frames import guard_conflicts, lot_holds
from rrec_pipeline.issuance.producer_lots import file_lots
from rrec_pipeline.issuance.refusals import refusals
from rrec_pipeline.issuance.report import tokens_of
from rrec_pipeline.registry.appendix_b import co_located_pairs
from rrec_pipeline.registry.files import RegistryTables
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.schemas.issuance import TO_ISSUE

GROUP = "issuance"
REGISTRY_INS = {
    "projects": dg.AssetIn(tables.PROJECTS.key),
    "devices": dg.AssetIn(tables.DEVICES.key),
    "reservations": dg.AssetIn(tables.RESERVATIONS.key),
    "clearances": dg.AssetIn(tables.CLEARANCES.key),
}


def issued_result(count: int, ready: pl.DataFrame, refused: dict) -> dg.MaterializeResult:
    """What an issued asset reports: lots entered, their R-RECs, and each held lot's reason."""
    return dg.MaterializeResult(
        metadata={
            "issued_lots": count,
            "issued_rrecs": int(ready["rrecs"].sum()),
            "held": dg.MetadataValue.json(
                {lot: f"{r}: {why}" for lot, (r, why) in refused.items()}
            ),
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
)
def out_issuance__file_lots(
    context: dg.AssetExecutionContext,
    issuance_ledger: IssuanceLedger,
    files: pl.DataFrame,
    projects: pl.DataFrame,
    devices: pl.DataFrame,
    reservations: pl.DataFrame,
    clearances: pl.DataFrame,
) -> dg.Output:
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
    return dg.Output(lots, metadata={"lots": lots.height, "held_back": len(held)})


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
    named = files.select(
        pl.concat_str(pl.lit("file__"), pl.col("sha256").str.slice(0, 16)).alias("lot_id"),
        pl.col("file").alias("csv_name"),
        pl.col("sha256").alias("csv_sha256"),
    ).unique("lot_id")
    new = lots.filter(pl.col("change").is_in(TO_ISSUE)).join(named, on="lot_id", how="left")
    neighbours = co_located_pairs(projects, clearances)
    conflicts = guard_conflicts(new, issuance_ledger.claimed(), neighbours)
    refused = refusals(new, named.with_columns(pl.lit(True).alias("is_valid")), conflicts, [])
    ready = new.filter(~pl.col("lot_id").is_in(list(refused)))
    issuance_ledger.record_holds(lot_holds(new, refused), "check", new["lot_id"].to_list())
    count = issuance_ledger.issue(ready, tables.CERTIFIED_READS.empty(), context.run.run_id)
    return issued_result(count, ready, refused)
