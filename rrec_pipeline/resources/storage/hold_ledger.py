"""What is held, in the issuance ledger's file: each due window not issued, why, and since when.

Two kinds of hold, each written by what found it: `plan` holds (no evidence,
waiting for an earlier window), recorded from a plan for the windows it
covered, and `check` holds (a lot file that fails validation or cannot be
written, a guard conflict), recorded by the issued asset for its period.
Recording a scope replaces its holds of that origin: a window no longer held
leaves, one still held keeps its `since`. Issuing a lot releases every hold
of its window. `rrec run`, `rrec mint-status` and the analysts' `held_lots`
read them here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import polars as pl

from rrec_pipeline.resources.storage.duck import append, transaction
from rrec_pipeline.tables import HELD_LOTS

HOLD_COLUMNS = HELD_LOTS.dtypes


class HoldLedgerMixin:
    """Hold operations of `IssuanceLedger` (which supplies `_connect`)."""

    def held_lots(self) -> pl.DataFrame:
        with self._connect() as connection:
            frame = connection.sql(
                "SELECT * FROM held_lots ORDER BY reservation_id, window_start, project_id, origin"
            ).pl()
        return frame.cast(HOLD_COLUMNS).select(list(HOLD_COLUMNS))

    def held_in(self, frequency: str, label) -> pl.DataFrame:
        """The held and waiting lots of one issuance partition."""
        held = self.held_lots()
        return held.filter((pl.col("frequency") == frequency) & (pl.col("window_label") == label))

    def record_holds(self, holds: pl.DataFrame, origin: str, scope: Iterable[str] | None) -> None:
        """`holds` (HeldLots columns but `since` and `origin`) are what `origin` holds now
        among the lots of `scope` (None: every lot); the scope's other holds of that origin
        are released."""
        now = datetime.now(UTC)
        with self._connect() as connection, transaction(connection):
            before = pl.DataFrame(
                connection.execute(
                    "SELECT lot_id, rule, since FROM held_lots WHERE origin = ?", [origin]
                ).fetchall(),
                schema={"lot_id": pl.String, "rule": pl.String, "since": HOLD_COLUMNS["since"]},
                orient="row",
            )
            rows = (
                holds.drop("since", "origin", strict=False)
                .join(
                    before.cast({"since": HOLD_COLUMNS["since"]}), on=["lot_id", "rule"], how="left"
                )
                .with_columns(
                    pl.col("since").fill_null(pl.lit(now)), pl.lit(origin).alias("origin")
                )
                .select(list(HOLD_COLUMNS))
            )
            if scope is None:
                connection.execute("DELETE FROM held_lots WHERE origin = ?", [origin])
            else:
                listed = sorted(set(scope) | set(holds["lot_id"].to_list()))
                connection.execute(
                    "DELETE FROM held_lots WHERE origin = ? AND list_contains(?, lot_id)",
                    [origin, listed],
                )
            append(connection, "held_lots", rows.cast(HOLD_COLUMNS))

    @staticmethod
    def _release(connection, lot_ids: list[str]) -> None:
        """Issued: no longer held (any origin). Called inside the issuing transaction."""
        if lot_ids:
            connection.execute("DELETE FROM held_lots WHERE list_contains(?, lot_id)", [lot_ids])
