"""Which lots of a period the ledger must refuse, each with its rule and reason.

One lot's problem holds that lot only (and, through the plan, its own
reservation's later windows): a window that overlaps an issued lot of the same
or a nearby project (the guard, Appendix B 2.1) or a running registry's
imported mint (`guard.imported`), a verification CSV that fails `rrec
validate` or could not be written (a registry value no file can carry), or a
lot that waits for its approval. The other lots of the period go on.
"""

from __future__ import annotations

import polars as pl

from rrec_pipeline.basics.text import escaped

REASON_LIMIT = 300

GUARD = "guard.double_counting"
IMPORTED_GUARD = "guard.imported"  # a running registry's mint, imported: held for good
WRITE = "lot.write"
APPROVAL = "approval.required"


def refusals(
    lots: pl.DataFrame, files: pl.DataFrame, conflicts: pl.DataFrame, unapproved: list[str]
) -> dict[str, tuple[str, str]]:
    """Lot id -> (rule, reason) for every lot to issue that may not be issued now."""
    refused: dict[str, tuple[str, str]] = {}
    for row in conflicts.iter_rows(named=True):
        if row.get("issued_reason"):
            refused.setdefault(row["lot_id"], (IMPORTED_GUARD, row["issued_reason"]))
            continue
        reason = (
            f"overlaps the issued lot {row['issued_lot_id']} "
            f"(from {row['issued_window_start_utc'].isoformat()})"
        )
        refused.setdefault(row["lot_id"], (GUARD, reason))
    written = set(files["lot_id"].to_list())
    for row in files.filter(~pl.col("is_valid")).iter_rows(named=True):
        rule, _, message = (row["findings"] or "").partition(": ")
        reason = escaped(message or "the file could not be written")[:REASON_LIMIT]
        refused.setdefault(row["lot_id"], (rule or WRITE, reason))
    for lot in lots["lot_id"].to_list():
        if lot not in written:
            refused.setdefault(lot, (WRITE, "no verification CSV was written for this lot"))
    for lot in unapproved:
        refused.setdefault(
            lot, (APPROVAL, "waits for its row in approvals.csv (or the run tag rrec/approved)")
        )
    return refused
