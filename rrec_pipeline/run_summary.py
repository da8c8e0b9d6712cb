"""The summary a person reads at the end of `rrec run`: what came in, what went out, where.

Built from the tables the run wrote (file summaries, findings, credits, meter
reads) and the asset checks that failed; no Dagster here, so it is tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from rrec_pipeline.basics.amounts import TCO2E_DECIMALS, decimal_text, mwh_from_wh
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.minting.links import redact


@dataclass(frozen=True)
class Changes:
    """Counts that only grow: lots issued, their R-RECs, mints confirmed, mint transactions
    sent, commits published. A run's changes are the counts after it minus before it."""

    lots: int = 0
    rrecs: int = 0
    mints: int = 0
    transactions: int = 0
    commits: int = 0

    def __sub__(self, before: Changes) -> Changes:
        return Changes(
            self.lots - before.lots,
            self.rrecs - before.rrecs,
            self.mints - before.mints,
            self.transactions - before.transactions,
            self.commits - before.commits,
        )

    @property
    def is_nothing(self) -> bool:
        return self == Changes()


def changes_line(changes: Changes) -> str:
    if changes.is_nothing:
        return "This run: nothing new (no lot issued, no commit made, no transaction sent)."
    return (
        f"This run: {changes.lots} lot(s) issued ({changes.rrecs} R-RECs), "
        f"{changes.mints} mint(s) confirmed ({changes.transactions} transaction(s) sent), "
        f"{changes.commits} commit(s) published."
    )


def held_lines(holds: pl.DataFrame, over_issued: list[str] | None = None) -> list[str]:
    """One line per held or waiting lot: reservation, project, local window, rule, reason."""
    if holds.is_empty() and not over_issued:
        return ["Held lots: none"]
    held = holds.filter(pl.col("state") == "held").height
    lines = [f"Held lots: {held} held, {holds.height - held} waiting for an earlier window"]
    for row in holds.sort("state", "reservation_id", "window_start", "project_id").to_dicts():
        window = f"{row['window_start']} to {row['window_end']}"
        lines.append(
            f"  {row['state']:<7} {row['reservation_id']} {row['project_id']} {window} "
            f"({row['timezone']}): {row['rule']}: {escaped(row['reason'])}"
        )
    lines += [f"  over-issued {line}" for line in over_issued or []]
    return lines


def over_issued_text(reservation: str, project: str, year: int, wh: int) -> str:
    return (
        f"{reservation} {project} {year}: {decimal_text(mwh_from_wh(wh))} MWh minted beyond "
        "the year's corrected energy, not deductible within the year"
    )


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
    holds: pl.DataFrame | None = None  # the ledger's held and waiting lots
    over_issued: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    registry_findings: pl.DataFrame | None = None  # what holds registry rows back
    meter_quarantined: list[tuple[str, str]] = field(default_factory=list)  # (where, why)


def summary_lines(outcome: RunOutcome, paths: dict[str, Path]) -> list[str]:
    return [
        *_verification(outcome),
        *_credits(outcome.project_years),
        *_meter(outcome),
        *_registry(outcome.registry_findings),
        *_issuance(outcome.issued),
        *_minting(outcome.mints),
        *(held_lines(outcome.holds, outcome.over_issued) if outcome.holds is not None else []),
        *_problems(outcome),
        changes_line(outcome.changes),
        "",
        "Outputs:",
        f"  Parquet tables  {paths['warehouse']}",
        f"  quarantine      {paths['quarantine']}",
        f"  raw meter pages {paths['landing']}",
        f"  issuance ledger {paths['ledger']}",
        f"  DuckDB          {paths['analyst_db']}   (rrec sql 'select * from mints')",
        f"  published lots  {redact(outcome.publish_repository or '(not configured)')}",
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
    quarantined = [
        f"  quarantined meter data {escaped(where)}: {escaped(why)}"
        for where, why in outcome.meter_quarantined
    ]
    if not outcome.meter_days:
        return ["Meter data: no new days", *quarantined]
    days = f"{outcome.meter_days[0]} to {outcome.meter_days[-1]}"
    return [
        f"Meter data: {len(outcome.meter_days)} day(s), {days}: {reads.height} reads from "
        f"{reads['device_id'].n_unique()} devices, {int(reads['wh'].sum())} Wh",
        *quarantined,
    ]


def _registry(findings: pl.DataFrame | None) -> list[str]:
    """Registry rows, projects or reservations held back: one line each, with the reason."""
    if findings is None or findings.is_empty():
        return []
    lines = [f"Registry findings: {findings.height}"]
    for kind, ids, reason in findings.select("kind", "ids", "reason").iter_rows():
        lines.append(f"  {kind} {', '.join(ids)}: {escaped(reason)}")
    return lines


def _issuance(issued: pl.DataFrame | None) -> list[str]:
    if issued is None or issued.is_empty():
        return ["Issuance: no lots issued"]
    lines = ["Issuance (ledger):"]
    by_token = issued.group_by(pl.col("token").fill_null("(no token class)")).agg(
        pl.len().alias("lots"),
        pl.col("rrecs").sum(),
        (pl.col("version") > 1).sum().alias("adjustments"),
    )
    for token, lots, rrecs, adjustments in by_token.sort("token").iter_rows():
        also = f" (of which {adjustments} adjustment(s))" if adjustments else ""
        lines.append(f"  {token:<16} {lots} lot(s), {rrecs} R-RECs{also}")
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
