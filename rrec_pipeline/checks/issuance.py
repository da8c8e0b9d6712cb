"""Checks in front of the ledger, per frequency and period: which lots they hold.

- The guard (Appendix B 2.1): no lot to issue overlaps an issued lot of the same
  project, or of a project within 100 m that is not cleared (an adjustment is
  the same claim as its window's earlier versions).
- Every lot's verification CSV was written and passes `rrec validate`.
- Nothing of the period is held: a window without evidence, or waiting for an
  earlier window of its reservation, is listed with its rule and reason.
A failing lot is held alone: the issued asset leaves it out of the ledger
(and so out of publication and minting) through the same functions
(`issuance/admission.py`), with its rule and reason in `held_lots`, and the
period's other lots go on. The checks therefore warn rather than block the
period; their metadata names the lots, windows and rules. Producer files'
lots are guarded the same way.
"""

from datetime import date

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.checks.markdown import markdown_table, partitioned_checks
from rrec_pipeline.issuance.admission import double_counted
from rrec_pipeline.partitions import ISSUANCE_PARTITIONS
from rrec_pipeline.resources.storage.ledger import IssuanceLedger


def _warn_listing(
    rows: pl.DataFrame, columns: list[str], key: str, what: str
) -> dg.AssetCheckResult:
    """A warning that passes when `rows` is empty, listing them as a Markdown table."""
    return dg.AssetCheckResult(
        passed=rows.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{rows.height} {what}",
        metadata={key: dg.MetadataValue.md(markdown_table(rows, columns))},
    )


def _double_counted(
    ledger: IssuanceLedger, lots: pl.DataFrame, projects, clearances, what: str
) -> dg.AssetCheckResult:
    """The guard's conflicts of `lots` (issued lots and imported mints), as a warning."""
    conflicts = double_counted(lots, ledger.claimed(), projects, clearances)
    columns = ["lot_id", "window_start_utc", "issued_lot_id", "issued_window_start_utc"]
    return _warn_listing(conflicts, columns, "conflicts", f"{what} overlap issued lots: held")


def _guard(frequency: str) -> dg.AssetChecksDefinition:
    def _check(
        issuance_ledger: IssuanceLedger,
        lots: pl.DataFrame,
        projects: pl.DataFrame,
        clearances: pl.DataFrame,
    ) -> dg.AssetCheckResult:
        return _double_counted(issuance_ledger, lots, projects, clearances, "lots")

    with partitioned_checks():
        return dg.asset_check(
            asset=tables.ISSUANCE[frequency].lots.key,
            name="no_double_counting",
            partitions_def=ISSUANCE_PARTITIONS[frequency],
            additional_ins={
                "projects": dg.AssetIn(tables.PROJECTS.key),
                "clearances": dg.AssetIn(tables.CLEARANCES.key),
            },
            description="No lot to issue overlaps an issued lot of the same or a co-located "
            "project; one that does is held.",
        )(_check)


def _nothing_held(frequency: str) -> dg.AssetChecksDefinition:
    def _check(
        context: dg.AssetCheckExecutionContext, issuance_ledger: IssuanceLedger
    ) -> dg.AssetCheckResult:
        label = date.fromisoformat(context.partition_key)
        held = issuance_ledger.held_in(frequency, label)
        columns = ["lot_id", "state", "rule", "reason", "since"]
        return _warn_listing(held, columns, "held", "lots of the period held or waiting")

    with partitioned_checks():
        return dg.asset_check(
            asset=tables.ISSUANCE[frequency].issued,
            name="no_lot_held",
            partitions_def=ISSUANCE_PARTITIONS[frequency],
            description="Every due window of the period is issued; one held (no evidence, "
            "a failing file, the guard) or waiting for an earlier window is listed with why.",
        )(_check)


def _valid_files(frequency: str) -> dg.AssetChecksDefinition:
    def _check(files: pl.DataFrame) -> dg.AssetCheckResult:
        invalid = files.filter(~pl.col("is_valid"))
        return dg.AssetCheckResult(
            passed=invalid.is_empty(),
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{invalid.height} of {files.height} lot files fail validation: held",
            metadata={
                "invalid": dg.MetadataValue.md(
                    markdown_table(invalid, ["lot_id", "csv_name", "findings"])
                )
            },
        )

    with partitioned_checks():
        return dg.asset_check(
            asset=tables.ISSUANCE[frequency].lot_files.key,
            name="lot_files_validate",
            partitions_def=ISSUANCE_PARTITIONS[frequency],
            description="Every lot's verification CSV is written and passes rrec validate; "
            "a lot whose file does not is held.",
        )(_check)


@dg.asset_check(
    asset=tables.FILE_LOTS.lots.key,
    name="no_double_counting",
    additional_ins={
        "projects": dg.AssetIn(tables.PROJECTS.key),
        "clearances": dg.AssetIn(tables.CLEARANCES.key),
    },
    description="No producer file's lot overlaps an issued lot of the same or a nearby "
    "project; one that does is held.",
)
def file_lots_do_not_double_count(
    issuance_ledger: IssuanceLedger,
    out_issuance__file_lots: pl.DataFrame,
    projects: pl.DataFrame,
    clearances: pl.DataFrame,
) -> dg.AssetCheckResult:
    lots = out_issuance__file_lots
    return _double_counted(issuance_ledger, lots, projects, clearances, "file lots")


def issuance_checks() -> list[dg.AssetChecksDefinition]:
    per_frequency = [
        check(f) for f in tables.ISSUANCE for check in (_guard, _nothing_held, _valid_files)
    ]
    return [*per_frequency, file_lots_do_not_double_count]
