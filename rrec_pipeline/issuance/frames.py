"""Lots as the `out_issuance__<frequency>_lots` table, their reads, and the guard.

The guard (Appendix B 2.1): a lot whose window overlaps an issued lot of the
same project, or of a project within 100 m that is not cleared, must not go on
to publication and minting. The ledger also refuses to certify a read twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from rrec_pipeline.credits.reference import ReferenceTables
from rrec_pipeline.issuance.energy import project_reads
from rrec_pipeline.issuance.lot_files import LotFiles, lot_files, lot_id, window_id
from rrec_pipeline.issuance.lots import Hold, Lot, WindowEnergy
from rrec_pipeline.issuance.plan import Plan
from rrec_pipeline.issuance.windows import Window
from rrec_pipeline.registry.history import ImportedPeriod
from rrec_pipeline.schemas.issuance import TO_ISSUE, LotSource
from rrec_pipeline.tables import HELD_LOTS, ISSUANCE

HOLD_COLUMNS = [c for c in HELD_LOTS.dtypes if c not in ("since", "origin")]


def lots_frame(
    plan: Plan,
    frequency: str,
    recipients: dict[str, str],
    tokens: dict[str, str | None],
) -> pl.DataFrame:
    """Every lot of the plan: new windows and adjustments of issued ones."""
    rows = [_row(lot, frequency, recipients, tokens, _change(lot)) for lot in plan.lots]
    table = ISSUANCE[frequency].lots
    return table.validate(pl.DataFrame(rows, schema=table.dtypes)) if rows else table.empty()


def late_frame(plan: Plan, frequency: str, recipients: dict, tokens: dict) -> pl.DataFrame:
    """Issued windows whose energy changed since, when the policy only reports them."""
    table = ISSUANCE[frequency].lots
    rows = []
    for energy in plan.late:
        lot = Lot(energy, 0, 0, 0)
        rows.append({**_row(lot, frequency, recipients, tokens, "late"), "wh": 0})
    return pl.DataFrame(rows, schema=table.dtypes) if rows else table.empty()


def _change(lot: Lot) -> str:
    """A plan holds new windows and adjustments; an issued window is never planned again."""
    return "adjustment" if lot.version > 1 else "new"


def _row(lot: Lot, frequency: str, recipients: dict, tokens: dict, change: str) -> dict:
    energy, window = lot.energy, lot.energy.window
    return {
        "lot_id": lot_id(lot),
        "window_id": window_id(lot),
        "version": lot.version,
        "reservation_id": energy.reservation_id,
        "project_id": energy.project_id,
        "lot_source": (LotSource.ADJUSTMENT if lot.version > 1 else LotSource.WINDOW).value,
        "frequency": frequency,
        "window_label": window.label,
        "window_first_day": window.first_day,
        "window_last_day": window.last_day,
        "window_start_utc": window.start_utc,
        "window_end_utc": window.end_utc,
        "timezone": window.zone,
        "year": window.year,
        "wh": energy.wh,
        "late_wh": energy.late_wh,
        "estimated_wh": energy.estimated_wh,
        "reads": energy.reads,
        "missing_reads": energy.missing_reads,
        "devices": energy.devices,
        "covered_seconds": energy.covered_seconds,
        "gap_seconds": energy.gap_seconds,
        "carry_in_wh": lot.carry_in_wh,
        "rrecs": lot.rrecs,
        "window_rrecs": lot.total_rrecs,
        "carry_out_wh": lot.carry_out_wh,
        "dropped_wh": lot.dropped_wh,
        "is_clipped": lot.is_clipped,
        "is_year_end": lot.is_year_end,
        "recipient": recipients[energy.reservation_id],
        "token": tokens.get(energy.project_id),
        "change": change,
    }


def lot_reads(reads: pl.LazyFrame, devices: pl.DataFrame, lots: pl.DataFrame) -> pl.DataFrame:
    """The generation reads each lot's window holds, tagged with the lot (one pass)."""
    windows = lots.select("lot_id", "project_id", "window_start_utc", "window_end_utc").lazy()
    return (
        project_reads(reads, devices, "generation")
        .join(windows, on="project_id")
        .filter(
            (pl.col("interval_start") >= pl.col("window_start_utc"))
            & (pl.col("interval_start") < pl.col("window_end_utc"))
        )
        .drop("window_start_utc", "window_end_utc")
        .collect(engine="streaming")
    )


GUARD_COLUMNS = ["lot_id", "window_id", "project_id", "window_start_utc", "window_end_utc"]


def claimed_windows(issued: pl.DataFrame, imported: list[ImportedPeriod]) -> pl.DataFrame:
    """What the guard holds new lots against: the issued lots, and a running registry's
    imported mints (lot and window: the transaction), each with its reason (null: an issued
    lot's, which `refusals` words)."""
    own = issued.select(GUARD_COLUMNS).with_columns(pl.lit(None, pl.String).alias("reason"))
    theirs = pl.DataFrame(
        [
            (p.minted_by, f"imported:{p.minted_by}", p.project_id, p.start_utc, p.end_utc, p.reason)
            for p in imported
        ],
        schema=own.schema,
        orient="row",
    )
    return pl.concat([own, theirs])


def guard_conflicts(
    lots: pl.DataFrame, claimed: pl.DataFrame, neighbours: set[frozenset[str]]
) -> pl.DataFrame:
    """Planned lots overlapping a claimed window (`claimed_windows`) of the same or a
    co-located project; the versions of one window are one claim (an adjustment never
    conflicts with its window)."""
    planned = lots.filter(pl.col("change").is_in(TO_ISSUE)).select(GUARD_COLUMNS)
    if "reason" not in claimed.columns:  # issued lots alone
        claimed = claimed.with_columns(pl.lit(None, pl.String).alias("reason"))
    done = claimed.select([pl.col(c).alias(f"issued_{c}") for c in [*GUARD_COLUMNS, "reason"]])
    pairs = planned.join(done, how="cross").filter(
        (pl.col("window_start_utc") < pl.col("issued_window_end_utc"))
        & (pl.col("issued_window_start_utc") < pl.col("window_end_utc"))
        & (pl.col("window_id") != pl.col("issued_window_id"))
    )
    same = pl.col("project_id") == pl.col("issued_project_id")
    near = pl.struct("project_id", "issued_project_id").map_elements(
        lambda row: frozenset(row.values()) in neighbours, return_dtype=pl.Boolean
    )
    return pairs.filter(same | near) if pairs.height else pairs


def lots_from_frame(frame: pl.DataFrame) -> list[Lot]:
    """Lots rebuilt from their table rows: the windows' instants and zones, the numbers."""
    lots = []
    for row in frame.iter_rows(named=True):
        window = Window(
            row["window_label"],
            row["window_first_day"],
            row["window_last_day"],
            row["window_start_utc"],
            row["window_end_utc"],
            row["timezone"],
        )
        energy = WindowEnergy(
            row["reservation_id"],
            row["project_id"],
            window,
            wh=row["wh"],
            estimated_wh=row["estimated_wh"],
            reads=row["reads"],
            missing_reads=row["missing_reads"],
            devices=row["devices"],
            covered_seconds=row["covered_seconds"],
            gap_seconds=row["gap_seconds"],
            late_wh=row["late_wh"],
        )
        lots.append(
            Lot(
                energy,
                row["carry_in_wh"],
                row["rrecs"],
                row["carry_out_wh"],
                row["is_clipped"],
                row["is_year_end"],
                row["dropped_wh"],
                row["version"],
                row["window_rrecs"] if row["version"] > 1 else None,
            )
        )
    return lots


@dataclass(frozen=True)
class Unwritable:
    """A lot whose files cannot be made from what the registry says: a finding on that lot."""

    lot_id: str
    rrecs: int
    problem: str


def files_of_lots(
    lots: pl.DataFrame,
    projects: pl.DataFrame,
    devices: pl.DataFrame,
    reads: pl.LazyFrame,
    reference: ReferenceTables,
) -> list[LotFiles | Unwritable]:
    """Each lot's files, from one pass over the reads; lots without reads have none."""
    new = lots.filter(pl.col("change").is_in(TO_ISSUE))
    if new.is_empty():
        return []
    generation = lot_reads(reads, devices, new)
    customers = (
        project_reads(reads, devices, "customer")
        .filter(pl.col("project_id").is_in(new["project_id"].unique().to_list()))
        .collect(engine="streaming")
    )
    by_project = {row["project_id"]: row for row in projects.iter_rows(named=True)}
    made: list[LotFiles | Unwritable] = []
    for lot in lots_from_frame(new):
        project = lot.energy.project_id
        try:
            files = lot_files(
                lot,
                by_project[project],
                generation.filter(pl.col("lot_id") == lot_id(lot)),
                reference,
                customers=customers.filter(pl.col("project_id") == project),
            )
        except (ValueError, ArithmeticError) as error:
            files = Unwritable(lot_id(lot), lot.rrecs, f"{type(error).__name__}: {error}")
        if files is not None:
            made.append(files)
    return made


def mark_changes(lots: pl.DataFrame, planned: pl.DataFrame) -> pl.DataFrame:
    """A new lot whose numbers differ from the last plan that held it is `changed`."""
    before = planned.rename({"rrecs": "_rrecs", "wh": "_wh"})
    differs = (pl.col("_rrecs") != pl.col("rrecs")) | (pl.col("_wh") != pl.col("wh"))
    return (
        lots.join(before, on="lot_id", how="left")
        .with_columns(
            pl.when((pl.col("change") == "new") & differs.fill_null(False))
            .then(pl.lit("changed"))
            .otherwise(pl.col("change"))
            .alias("change")
        )
        .drop("_rrecs", "_wh")
    )


def holds_frame(holds: list[Hold], frequency_of: dict[str, str]) -> pl.DataFrame:
    """Holds as `held_lots` rows (without `since` and `origin`, which the ledger adds)."""
    rows = [
        {
            "lot_id": lot_id(Lot(hold.energy, 0, 0, 0)),
            "reservation_id": hold.energy.reservation_id,
            "project_id": hold.energy.project_id,
            "frequency": frequency_of[hold.energy.reservation_id],
            "window_label": hold.energy.window.label,
            "window_start": hold.energy.window.first_day,
            "window_end": hold.energy.window.last_day,
            "timezone": hold.energy.window.zone,
            "state": hold.state,
            "rule": hold.rule,
            "reason": hold.reason,
        }
        for hold in holds
    ]
    schema = {c: HELD_LOTS.dtypes[c] for c in HOLD_COLUMNS}
    return pl.DataFrame(rows, schema=schema)


def lot_holds(lots: pl.DataFrame, reasons: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """Lots of a lots table held by a check: lot id -> (rule, reason), as `held_lots` rows."""
    ids = list(reasons)
    rules = [rule for rule, _ in reasons.values()]
    why = [reason for _, reason in reasons.values()]
    return (
        lots.filter(pl.col("lot_id").is_in(ids))
        .select(
            "lot_id",
            "reservation_id",
            "project_id",
            "frequency",
            "window_label",
            pl.col("window_first_day").alias("window_start"),
            pl.col("window_last_day").alias("window_end"),
            "timezone",
            pl.lit("held").alias("state"),
            pl.col("lot_id").replace_strict(ids, rules, return_dtype=pl.String).alias("rule"),
            pl.col("lot_id").replace_strict(ids, why, return_dtype=pl.String).alias("reason"),
        )
        .cast({c: HELD_LOTS.dtypes[c] for c in HOLD_COLUMNS})
    )
