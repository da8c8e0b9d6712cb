"""Which lots of a period the ledger refuses: each alone, with its rule and reason."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from rrec_pipeline.issuance.file_rows import unwritten_row
from rrec_pipeline.issuance.refusals import refusals

LOTS = pl.DataFrame({"lot_id": ["ok", "overlaps", "invalid", "unwritten", "unapproved", "none"]})


def files() -> pl.DataFrame:
    def row(lot: str, valid: bool, findings: str = "") -> dict:
        return {"lot_id": lot, "is_valid": valid, "findings": findings}

    rows = [
        row("ok", True),
        row("overlaps", True),
        row("invalid", False, "first_operation: Date of First Operation is after Begin; format.x"),
        {
            k: unwritten_row("unwritten", 3, "File name too long")[k]
            for k in ("lot_id", "is_valid", "findings")
        },
        row("unapproved", True),
    ]
    return pl.DataFrame(rows)


def test_each_lot_is_refused_alone_with_its_rule_and_reason() -> None:
    conflicts = pl.DataFrame(
        {
            "lot_id": ["overlaps"],
            "issued_lot_id": ["file__0123456789abcdef"],
            "issued_window_start_utc": [datetime(2024, 5, 1, tzinfo=UTC)],
        }
    )
    refused = refusals(LOTS, files(), conflicts, ["unapproved"])
    assert "ok" not in refused
    assert {lot: rule for lot, (rule, _) in refused.items()} == {
        "overlaps": "guard.double_counting",
        "invalid": "first_operation",
        "unwritten": "lot.write",
        "unapproved": "approval.required",
        "none": "lot.write",
    }
    assert "file__0123456789abcdef" in refused["overlaps"][1]
    assert refused["unwritten"][1] == "the lot's files cannot be written (File name too long)"
    assert refused["none"][1] == "no verification CSV was written for this lot"
