"""A running registry's imported history, in the issuance ledger's file: what it minted before.

`rrec registry import` writes it (`registry/history.py` makes the rows); the
planner and the issued assets read it so the guard sees the registry's
periods. Importing is an upsert by transaction, all or nothing: a row already
there unchanged stays as it is (with its `imported_at`), a changed row (the
record marked it superseded, say) is replaced, a new one is added. Importing
the same record twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from rrec_pipeline.issuance.frames import claimed_windows
from rrec_pipeline.registry.history import ImportedPeriod, imported_periods
from rrec_pipeline.resources.storage.duck import append, transaction
from rrec_pipeline.tables import IMPORTED_LOTS

IMPORTED_COLUMNS = IMPORTED_LOTS.dtypes
CONTENT = [name for name in IMPORTED_COLUMNS if name != "imported_at"]


@dataclass(frozen=True)
class ImportChanges:
    new: list[str]
    changed: list[str]
    unchanged: int

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed)


class ImportLedgerMixin:
    """Imported-history operations of `IssuanceLedger` (which supplies `_connect`)."""

    def imported_lots(self) -> pl.DataFrame:
        with self._connect() as connection:
            frame = connection.sql("SELECT * FROM imported_lots ORDER BY imported_id").pl()
        return frame.cast(IMPORTED_COLUMNS).select(list(IMPORTED_COLUMNS))

    def imported_periods(self) -> list[ImportedPeriod]:
        """The counted imported mints with a period: what the planner holds windows against."""
        return imported_periods(self.imported_lots())

    def claimed(self) -> pl.DataFrame:
        """Every window the guard holds new lots against: issued lots and imported mints."""
        return claimed_windows(self.issued_lots(), self.imported_periods())

    def import_changes(self, rows: pl.DataFrame) -> ImportChanges:
        """What importing `rows` (the table's columns but `imported_at`) would change."""
        before = self.imported_lots().select(CONTENT)
        known = set(before["imported_id"].to_list())
        incoming = rows.select(CONTENT).cast({c: IMPORTED_COLUMNS[c] for c in CONTENT})
        same = incoming.join(before, on=CONTENT, how="semi", nulls_equal=True)
        unchanged = set(same["imported_id"].to_list())
        ids = incoming["imported_id"].to_list()
        return ImportChanges(
            [i for i in ids if i not in known],
            [i for i in ids if i in known and i not in unchanged],
            len(unchanged),
        )

    def import_lots(self, rows: pl.DataFrame) -> ImportChanges:
        """Write the new and changed rows in one transaction; returns what changed."""
        changes = self.import_changes(rows)
        if not changes.any:
            return changes
        written = (
            rows.filter(pl.col("imported_id").is_in(changes.new + changes.changed))
            .with_columns(pl.lit(datetime.now(UTC)).dt.cast_time_unit("us").alias("imported_at"))
            .select(list(IMPORTED_COLUMNS))
            .cast(IMPORTED_COLUMNS)
        )
        with self._connect() as connection, transaction(connection):
            connection.execute(
                "DELETE FROM imported_lots WHERE list_contains(?, imported_id)", [changes.changed]
            )
            append(connection, "imported_lots", written)
        return changes
