"""The audit of a registry's whole public record: every mint against its file, and every holder.

`rrec audit` re-derives what the record (its JSON, or the chain read back)
implies: each counted mint against the whole R-RECs its file supports
(validated with our rules, certified MWh floored: `verify.supported_rrecs`),
the difference and the failing rules; mints without a file and files without
a mint; files of one project whose periods overlap, with the mints of them
(Appendix B); and per token and holder what was minted, transferred, retired
and returned, in block order, so a holder that goes negative or retirements
beyond the mints are named. Superseded rows (`ignore`) count for nothing.
A mint is `ok` when its file is at hand, passes every rule, and supports
exactly the amount minted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from itertools import combinations

from rrec_pipeline.minting.verify import supported_rrecs
from rrec_pipeline.registry.history import HistoryFile, file_period
from rrec_pipeline.registry.record import RecordRow
from rrec_pipeline.validation.batch import FileReport, validate_sources
from rrec_pipeline.validation.config import DEFAULT_CONFIG

FLOWS = ("minted", "transferred_in", "transferred_out", "retired", "returned")


@dataclass
class Audit:
    mints: list[dict]
    files_without_mint: list[str]
    overlaps: list[dict]
    balances: list[dict]
    balance_problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        with_file = [m for m in self.mints if m["supported"] is not None]
        match = sum(1 for m in with_file if m["amount"] == m["supported"])
        return {
            "mints": len(self.mints),
            "with_file": len(with_file),
            "match": match,
            "differ": len(with_file) - match,
        }

    @property
    def ok(self) -> bool:
        """Every mint with a file is exactly what its file supports (exit 0)."""
        return all(m["ok"] for m in self.mints if m["file"] is not None)

    def to_json(self) -> dict:
        public = [{k: m[k] for k in MINT_KEYS} for m in self.mints]
        amounts = (*FLOWS, "balance")
        balances = [
            {k: _number(v) if k in amounts else v for k, v in b.items()} for b in self.balances
        ]
        return {
            "mints": public,
            "files_without_mint": self.files_without_mint,
            "overlaps": self.overlaps,
            "balances": balances,
            "balance_problems": self.balance_problems,
            "summary": self.summary,
        }


MINT_KEYS = ("tx", "token", "amount", "file", "supported", "ok", "problems")


def _number(value: Decimal) -> int | str:
    """Exact in JSON: an integer when whole, else the decimal's text."""
    return int(value) if value == value.to_integral_value() else format(value.normalize(), "f")


def audit(rows: list[RecordRow], files: list[HistoryFile]) -> Audit:
    counted = [row for row in rows if not row.ignored]
    reports = _reports(files)
    minted_files = {row.file for row in counted if row.action == "mint" and row.file}
    balances, problems = _balances(counted)
    return Audit(
        [_mint(row, reports.get(row.file or "")) for row in counted if row.action == "mint"],
        sorted(name for name in reports if name not in minted_files),
        _overlaps(reports, counted),
        balances,
        problems,
    )


def _reports(files: list[HistoryFile]) -> dict[str, FileReport]:
    """Each file's report by name (a name found twice: the first path, in order)."""
    unique: dict[str, HistoryFile] = {}
    for file in sorted(files, key=lambda f: f.path):
        unique.setdefault(file.name, file)
    batch = validate_sources(((f.name, f.data) for f in unique.values()), DEFAULT_CONFIG)
    return {report.key: report for report in batch.files}


def _mint(row: RecordRow, report: FileReport | None) -> dict:
    amount = int(row.amount)
    mint = {"tx": row.tx_hash, "token": row.token, "block_number": row.block, "amount": amount}
    if report is None or report.file is None:
        reason = "no verification file" if not row.file else f"its file {row.file} is not at hand"
        if report is not None:
            reason = f"its file {row.file} cannot be read"
        year = datetime.fromtimestamp(row.timestamp, UTC).year if row.timestamp else None
        return {**mint, "file": None, "supported": None, "difference": None, "year": year,
                "ok": False, "problems": [reason]}  # fmt: skip
    supported = supported_rrecs(report)
    problems = [] if amount == supported else [
        f"minted {amount:,}, the file supports {supported:,} ({amount - supported:+,})"
    ]  # fmt: skip
    failing = sorted({f.rule for f in report.findings if f.is_error})
    problems += [f"the file fails {rule}" for rule in failing]
    if report.held_by_cross_file_error:
        problems.append("the file is held by a rule across files")
    begin = report.file.begin
    return {**mint, "file": row.file, "supported": supported, "difference": amount - supported,
            "year": begin.year if begin else None, "ok": not problems,
            "problems": problems}  # fmt: skip


def _overlaps(reports: dict[str, FileReport], rows: list[RecordRow]) -> list[dict]:
    """Files of one project whose periods overlap, with the counted mints of them."""
    spans = defaultdict(list)
    for name, report in sorted(reports.items()):
        span = file_period(report.file) if report.file is not None else None
        if span is not None:
            spans[report.file.header.project_name].append((name, *span))
    mints = defaultdict(list)
    for row in rows:
        if row.action == "mint" and row.file:
            mints[row.file].append(row.tx_hash or f"block {row.block}")
    found = []
    for project, files in sorted(spans.items()):
        for (a, a_start, a_end), (b, b_start, b_end) in combinations(files, 2):
            if a_start < b_end and b_start < a_end:
                found.append({"project": project, "files": [a, b], "mints": mints[a] + mints[b]})
    return found


def _balances(rows: list[RecordRow]) -> tuple[list[dict], list[str]]:
    """Per (token, holder) the flows, in block order, and what went wrong on the way."""
    flows: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(FLOWS, Decimal(0))
    )
    problems, running, negative = [], defaultdict(Decimal), set()
    for row in sorted(rows, key=lambda r: (r.token, r.block, r.index)):
        for holder, flow, sign in _moves(row):
            key = (row.token, holder.lower())
            flows[key][flow] += row.amount
            running[key] += sign * row.amount
            if running[key] < 0 and key not in negative:
                negative.add(key)
                problems.append(
                    f"{row.token} {key[1]} goes to {running[key]:f} at block {row.block}"
                )
    for token in sorted({token for token, _ in flows}):
        minted = sum(f["minted"] for (t, _), f in flows.items() if t == token)
        retired = sum(f["retired"] for (t, _), f in flows.items() if t == token)
        if retired > minted:
            problems.append(f"{token}: {retired:f} retired, more than the {minted:f} minted")
    balances = [
        {"token": token, "holder": holder, **f,
         "balance": f["minted"] + f["transferred_in"] - f["transferred_out"] - f["retired"]
         - f["returned"]}
        for (token, holder), f in sorted(flows.items())
    ]  # fmt: skip
    return balances, problems


def _moves(row: RecordRow) -> list[tuple[str, str, int]]:
    """(holder, flow, sign) of one transaction."""
    if row.action == "mint":
        return [(row.to, "minted", 1)]
    if not row.sender:
        return []
    if row.action == "transfer":
        return [(row.sender, "transferred_out", -1), (row.to, "transferred_in", 1)]
    return [(row.sender, "retired" if row.action == "retire" else "returned", -1)]
