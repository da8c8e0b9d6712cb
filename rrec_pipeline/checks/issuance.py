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

Each runs in the step of the asset it judges, on what that step has just
written (the assets declare these specs and yield these results), as the
schema checks do: a check of its own step would cost a step's worth of events.
"""

from datetime import date

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.checks.markdown import markdown_table, partitioned_checks
from rrec_pipeline.issuance.admission import double_counted
from rrec_pipeline.partitions import ISSUANCE_PARTITIONS
from rrec_pipeline.resources.storage.ledger import IssuanceLedger

GUARD = "no_double_counting"
FILES_VALID = "lot_files_validate"
NOTHING_HELD = "no_lot_held"


def _period_spec(frequency: str, name: str, key: dg.AssetKey, description: str):
    with partitioned_checks():
        return dg.AssetCheckSpec(
            name, asset=key, partitions_def=ISSUANCE_PARTITIONS[frequency], description=description
        )


def guard_spec(frequency: str) -> dg.AssetCheckSpec:
    """The guard on the lots one frequency's period plans."""
    return _period_spec(
        frequency,
        GUARD,
        tables.ISSUANCE[frequency].lots.key,
        "No lot to issue overlaps an issued lot of the same or a co-located project; "
        "one that does is held.",
    )


def files_spec(frequency: str) -> dg.AssetCheckSpec:
    """The lot files of one frequency's period pass `rrec validate`."""
    return _period_spec(
        frequency,
        FILES_VALID,
        tables.ISSUANCE[frequency].lot_files.key,
        "Every lot's verification CSV is written and passes rrec validate; "
        "a lot whose file does not is held.",
    )


def nothing_held_spec(frequency: str) -> dg.AssetCheckSpec:
    """Nothing of one frequency's period is held or waiting."""
    return _period_spec(
        frequency,
        NOTHING_HELD,
        tables.ISSUANCE[frequency].issued,
        "Every due window of the period is issued; one held (no evidence, a failing file, "
        "the guard) or waiting for an earlier window is listed with why.",
    )


FILE_LOTS_GUARD = dg.AssetCheckSpec(
    GUARD,
    asset=tables.FILE_LOTS.lots.key,
    description="No producer file's lot overlaps an issued lot of the same or a nearby "
    "project; one that does is held.",
)


def _warn_listing(
    spec: dg.AssetCheckSpec, rows: pl.DataFrame, columns: list[str], key: str, what: str
) -> dg.AssetCheckResult:
    """A warning that passes when `rows` is empty, listing them as a Markdown table."""
    return dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=rows.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{rows.height} {what}",
        metadata={key: dg.MetadataValue.md(markdown_table(rows, columns))},
    )


def double_counting(
    spec: dg.AssetCheckSpec,
    what: str,
    ledger: IssuanceLedger,
    lots: pl.DataFrame,
    projects: pl.DataFrame,
    clearances: pl.DataFrame,
) -> dg.AssetCheckResult:
    """The guard's conflicts of `lots` (`what`: the period's lots or a producer file's) with
    issued lots and imported mints, as a warning."""
    conflicts = double_counted(lots, ledger.claimed(), projects, clearances)
    columns = ["lot_id", "window_start_utc", "issued_lot_id", "issued_window_start_utc"]
    return _warn_listing(spec, conflicts, columns, "conflicts", f"{what} overlap issued lots: held")


def nothing_held(frequency: str, period: str, ledger: IssuanceLedger) -> dg.AssetCheckResult:
    held = ledger.held_in(frequency, date.fromisoformat(period))
    columns = ["lot_id", "state", "rule", "reason", "since"]
    return _warn_listing(
        nothing_held_spec(frequency), held, columns, "held", "lots of the period held or waiting"
    )


def lot_files_validate(frequency: str, files: pl.DataFrame) -> dg.AssetCheckResult:
    invalid = files.filter(~pl.col("is_valid"))
    return dg.AssetCheckResult(
        asset_key=tables.ISSUANCE[frequency].lot_files.key,
        check_name=FILES_VALID,
        passed=invalid.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{invalid.height} of {files.height} lot files fail validation: held",
        metadata={
            "invalid": dg.MetadataValue.md(
                markdown_table(invalid, ["lot_id", "csv_name", "findings"])
            )
        },
    )
