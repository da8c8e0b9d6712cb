"""The summary a person reads at the end of `rrec run`: what came in, what went out, where.

Built from the tables the run wrote (file summaries, findings, credits, meter
reads) and the asset checks that failed; no Dagster here, so it is tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from rrec_pipeline.amounts import TCO2E_DECIMALS, decimal_text


@dataclass
class RunOutcome:
    files: pl.DataFrame
    findings: pl.DataFrame
    project_years: pl.DataFrame
    meter_reads: pl.DataFrame
    meter_days: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    issued: pl.DataFrame | None = None  # the ledger's lots
    mints: pl.DataFrame | None = None  # the mint ledger
    publish_repository: str | None = None


def summary_lines(outcome: RunOutcome, paths: dict[str, Path]) -> list[str]:
    return [
        *_verification(outcome),
        *_credits(outcome.project_years),
        *_meter(outcome),
        *_issuance(outcome.issued),
        *_minting(outcome.mints),
        *_problems(outcome),
        "",
        "Outputs:",
        f"  Parquet tables  {paths['warehouse']}",
        f"  quarantine      {paths['quarantine']}",
        f"  raw meter pages {paths['landing']}",
        f"  issuance ledger {paths['ledger']}",
        f"  DuckDB          {paths['analyst_db']}   (rrec sql 'select * from mints')",
        f"  published lots  {outcome.publish_repository or '(not configured)'}",
    ]


def _verification(outcome: RunOutcome) -> list[str]:
    files = outcome.files
    accepted = files.filter(pl.col("is_accepted"))
    lines = [
        f"Verification files: {files.height} submitted, {accepted.height} accepted, "
        f"{files.height - accepted.height} quarantined",
        f"R-RECs in accepted files: {int(accepted['whole_rrecs'].sum())} "
        f"({decimal_text(accepted['certified_mwh'].sum()) or 0} MWh certified)",
    ]
    return lines + quarantined_lines(files, outcome.findings)


def quarantined_lines(files: pl.DataFrame, findings: pl.DataFrame) -> list[str]:
    """One line per quarantined file: its name and each failing rule at its first line."""
    errors = findings.filter(pl.col("severity") == "error")
    lines = []
    for name in files.filter(~pl.col("is_accepted"))["file"].to_list():
        rules = errors.filter(pl.col("file") == name).group_by("rule").agg(pl.col("line").min())
        listed = ", ".join(
            f"{rule} (line {line})" if line is not None else rule
            for rule, line in rules.sort("rule").iter_rows()
        )
        lines.append(f"  quarantined {name!r}: {listed or 'overlaps another file'}")
    return lines


def _credits(project_years: pl.DataFrame) -> list[str]:
    credited = project_years.filter(pl.col("tco2e").is_not_null())
    if credited.is_empty():
        return ["Carbon credits: none computed"]
    by_class = credited.group_by("credit_class").agg(
        pl.len().alias("years"), pl.col("whole_credits").sum(), pl.col("tco2e").sum()
    )
    lines = ["Carbon credits:"]
    for klass, years, whole, tco2e in by_class.sort("credit_class").iter_rows():
        lines.append(
            f"  {klass:<11} {years} project-year(s), {whole} whole credits "
            f"({decimal_text(tco2e, TCO2E_DECIMALS)} tCO2e)"
        )
    return lines


def _meter(outcome: RunOutcome) -> list[str]:
    reads = outcome.meter_reads
    if not outcome.meter_days:
        return ["Meter data: no new days"]
    days = f"{outcome.meter_days[0]} to {outcome.meter_days[-1]}"
    return [
        f"Meter data: {len(outcome.meter_days)} day(s), {days}: {reads.height} reads from "
        f"{reads['device_id'].n_unique()} devices, {int(reads['wh'].sum())} Wh"
    ]


def _issuance(issued: pl.DataFrame | None) -> list[str]:
    if issued is None or issued.is_empty():
        return ["Issuance: no lots issued"]
    lines = ["Issuance (ledger):"]
    by_token = issued.group_by(pl.col("token").fill_null("(no token class)")).agg(
        pl.len().alias("lots"), pl.col("rrecs").sum()
    )
    for token, lots, rrecs in by_token.sort("token").iter_rows():
        lines.append(f"  {token:<16} {lots} lot(s), {rrecs} R-RECs")
    return lines


def _minting(mints: pl.DataFrame | None) -> list[str]:
    if mints is None or mints.is_empty():
        return ["Minting: nothing published yet"]
    lines = ["Minting (published lots by state):"]
    by_state = mints.group_by("state").agg(pl.len().alias("lots"), pl.col("rrecs").sum())
    for state, lots, rrecs in by_state.sort("state").iter_rows():
        lines.append(f"  {state:<16} {lots} lot(s), {rrecs} R-RECs")
    failed = mints.filter(pl.col("state") == "failed")
    lines += [f"  ! {lot}: {error}" for lot, error in failed.select("lot_id", "error").iter_rows()]
    return lines


def _problems(outcome: RunOutcome) -> list[str]:
    lines = [f"Checks failed: {len(outcome.failed_checks)}"]
    lines += [f"  {check}" for check in outcome.failed_checks]
    if outcome.failed_steps:
        lines.append(f"Steps failed: {len(outcome.failed_steps)}")
        lines += [f"  {step}" for step in outcome.failed_steps]
    return lines
