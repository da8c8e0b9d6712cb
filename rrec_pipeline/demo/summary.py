"""The table `rrec demo` ends with: what came in, what was issued and minted, what was held.

Pure: built from the frames the run left (verification files and findings, the
issuance ledger, the mint ledger, lot files, plans) and the credits of each
issued lot's file, so it is tested without running anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from rrec_pipeline.amounts import TCO2E_DECIMALS, decimal_text, mwh_from_wh
from rrec_pipeline.run_summary import quarantined_lines


@dataclass(frozen=True)
class Changes:
    """What a run added: lots issued, mint transactions sent, commits published."""

    lots: int
    transactions: int
    commits: int

    def __sub__(self, before: Changes) -> Changes:
        return Changes(
            self.lots - before.lots,
            self.transactions - before.transactions,
            self.commits - before.commits,
        )

    @property
    def is_nothing(self) -> bool:
        return self.lots == self.transactions == self.commits == 0


@dataclass
class DemoResult:
    files: pl.DataFrame  # verification files
    findings: pl.DataFrame
    issued: pl.DataFrame  # ledger lots
    mints: pl.DataFrame
    lot_files: pl.DataFrame  # every planned lot's file check
    plans: pl.DataFrame
    credits: dict[str, Decimal]  # credit class -> tCO2e of the issued lots
    failed_checks: list[str] = field(default_factory=list)
    waiting: dict[str, str] = field(default_factory=dict)  # lot id -> the window it waits for
    meter_files: int = 0
    meter_reads: int = 0


def demo_lines(result: DemoResult, changes: Changes) -> list[str]:
    return [
        *_files(result),
        "",
        *_tokens(result.issued, result.mints),
        "",
        *_credits(result.credits),
        *_held(result),
        *_late(result),
        "",
        _changes(changes),
    ]


def _files(result: DemoResult) -> list[str]:
    files = result.files
    accepted = files.filter(pl.col("is_accepted"))
    lines = [
        f"Meter exports: {result.meter_files} files, {result.meter_reads} reads",
        f"Verification files: {accepted.height} accepted, "
        f"{files.height - accepted.height} quarantined",
    ]
    return lines + quarantined_lines(files, result.findings)


def _tokens(issued: pl.DataFrame, mints: pl.DataFrame) -> list[str]:
    header = f"{'token':<11}{'lots issued':>12}{'R-RECs':>9}{'lots minted':>13}{'R-RECs':>9}"
    minted = (
        mints.filter(pl.col("state") == "confirmed")
        .group_by("token")
        .agg(pl.len().alias("minted_lots"), pl.col("rrecs").sum().alias("minted_rrecs"))
    )
    table = (
        issued.with_columns(pl.col("token").fill_null("(none)"))
        .group_by("token")
        .agg(pl.len().alias("lots"), pl.col("rrecs").sum())
        .join(minted, on="token", how="left")
        .fill_null(0)
        .sort("token")
    )
    lines = [header]
    for token, lots, rrecs, minted_lots, minted_rrecs in table.iter_rows():
        lines.append(f"{token:<11}{lots:>12}{rrecs:>9}{minted_lots:>13}{minted_rrecs:>9}")
    totals = table.select(pl.exclude("token").sum()).row(0)
    widths = (12, 9, 13, 9)
    lines.append(
        f"{'total':<11}" + "".join(f"{v:>{w}}" for v, w in zip(totals, widths, strict=True))
    )
    return lines


def _credits(credits: dict[str, Decimal]) -> list[str]:
    if not credits:
        return ["Carbon credits of the issued lots: none"]
    lines = ["Carbon credits of the issued lots (tCO2e):"]
    for klass, tco2e in sorted(credits.items()):
        lines.append(f"  {klass:<11}{decimal_text(tco2e, TCO2E_DECIMALS):>16}")
    return lines


def _held(result: DemoResult) -> list[str]:
    """Lots whose file failed validation: the blocking check kept them from the ledger."""
    held = result.lot_files.filter(~pl.col("is_valid")).join(
        result.issued.select("lot_id"), on="lot_id", how="anti"
    )
    errors = [check for check in result.failed_checks if check.endswith("(ERROR)")]
    if held.is_empty() and not errors and not result.waiting:
        return ["", "Blocking checks: all passed"]
    lines = ["", f"Blocking checks failed: {len(errors)} (the period's lots wait, nothing minted)"]
    lines += [f"  {check}" for check in errors]
    for lot_id, findings in held.select("lot_id", "findings").sort("lot_id").iter_rows():
        lines.append(f"  held: {lot_id}: {findings.splitlines()[0] if findings else ''}")
    by_window: dict[str, list[str]] = {}
    for lot_id, window in result.waiting.items():
        by_window.setdefault(window, []).append(lot_id)
    for window, lots in sorted(by_window.items()):
        lines.append(f"  waiting for {window} to be issued: {len(lots)} later lot(s)")
    return lines


def _late(result: DemoResult) -> list[str]:
    late = result.plans.filter(pl.col("change") == "late")
    if late.is_empty():
        return []
    issued = result.issued.select("lot_id", pl.col("wh").alias("issued_wh"))
    rows = late.group_by("lot_id").agg(pl.col("wh").max()).join(issued, on="lot_id").sort("lot_id")
    lines = ["", "Late reads (arrived after their window was issued; reported, not issued):"]
    for lot_id, wh, issued_wh in rows.iter_rows():
        extra = mwh_from_wh(wh - issued_wh)
        lines.append(f"  {lot_id}: +{decimal_text(extra)} MWh")
    return lines


def _changes(changes: Changes) -> str:
    if changes.is_nothing:
        return "Nothing changed: no lot issued, no commit made, no transaction sent."
    return (
        f"This run: {changes.lots} lot(s) issued, {changes.commits} commit(s) published, "
        f"{changes.transactions} transaction(s) sent."
    )
