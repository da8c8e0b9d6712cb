"""The table `rrec demo` ends with: what came in, what was issued and minted, what was held.

Pure: built from the frames the run left (verification files and findings, the
issuance ledger, the mint ledger, lot files, plans) and the credits of each
issued lot's file, so it is tested without running anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from rrec_pipeline.basics.amounts import TCO2E_DECIMALS, decimal_text, mwh_from_wh
from rrec_pipeline.run_summary import Changes, changes_line, held_lines, quarantined_lines


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
    holds: pl.DataFrame | None = None  # the ledger's held and waiting lots
    over_issued: list[str] = field(default_factory=list)
    meter_files: int = 0
    meter_reads: int = 0


def demo_lines(result: DemoResult, changes: Changes) -> list[str]:
    return [
        *_files(result),
        "",
        *_tokens(result.issued, result.mints),
        "",
        *_credits(result.credits),
        "",
        *_held(result),
        *_adjusted(result),
        "",
        changes_line(changes),
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
    """Held and waiting lots, one line each, and any blocking check that failed."""
    errors = [check for check in result.failed_checks if check.endswith("(ERROR)")]
    lines = held_lines(
        result.holds if result.holds is not None else pl.DataFrame(), result.over_issued
    )
    if errors:
        lines += [f"Blocking checks failed: {len(errors)}", *(f"  {c}" for c in errors)]
    return lines


def _adjusted(result: DemoResult) -> list[str]:
    """Windows issued again after late or corrected reads: what each version added."""
    versions = result.issued.filter(pl.col("version") > 1)
    if versions.is_empty():
        return []
    lines = ["", "Adjustments (late or corrected reads after a window was issued):"]
    for row in versions.sort("lot_id").iter_rows(named=True):
        lines.append(
            f"  {row['lot_id']}: +{row['rrecs']} R-RECs, the window now "
            f"{decimal_text(mwh_from_wh(row['wh']))} MWh and {row['window_rrecs']} R-RECs"
        )
    return lines
