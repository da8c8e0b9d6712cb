"""The one-page Markdown report of `rrec audit --out`: totals, differences, the chart, holders."""

from __future__ import annotations

from collections import defaultdict

from rrec_pipeline.basics.text import escaped
from rrec_pipeline.minting.audit import Audit


def minted_by_token_year(audit: Audit) -> dict[str, dict[int, int]]:
    """Token -> year (of the file's Begin; of the block without a file) -> R-RECs minted."""
    totals: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for mint in audit.mints:
        if mint["year"] is not None:
            totals[mint["token"]][mint["year"]] += mint["amount"]
    return {token: dict(sorted(years.items())) for token, years in sorted(totals.items())}


def _cell(text: object) -> str:
    return "-" if text is None else escaped(str(text)).replace("|", "\\|")


def markdown(audit: Audit, chart: str | None, source: str) -> str:
    summary = audit.summary
    total = sum(m["amount"] for m in audit.mints)
    verdict = "every mint with a file is supported" if audit.ok else "some mints are not supported"
    lines = [
        "# Audit of the registry's record",
        "",
        f"Source: {_cell(source)}. Verdict: **{verdict}**.",
        "",
        f"- Mints: {summary['mints']} ({total:,} R-RECs), {summary['with_file']} with their file",
        f"- Amount equal to the file's whole R-RECs: {summary['match']}; different: "
        f"{summary['differ']}",
        f"- Files without a mint: {len(audit.files_without_mint)}; overlapping files: "
        f"{len(audit.overlaps)}; balance problems: {len(audit.balance_problems)}",
        "",
    ]
    if chart:
        lines += ["![R-RECs minted per token and year](" + chart + ")", ""]
    problems = [m for m in audit.mints if not m["ok"]]
    lines += ["## Mints that are not what their file supports", ""]
    lines += ["| tx | token | file | minted | supported | why |", "|---|---|---|---:|---:|---|"]
    lines += [
        f"| {_cell(m['tx'])} | {_cell(m['token'])} | {_cell(m['file'])} | {m['amount']:,} | "
        f"{'' if m['supported'] is None else format(m['supported'], ',')} | "
        f"{_cell('; '.join(m['problems']))} |"
        for m in problems
    ] or ["| none | | | | | |"]
    lines += ["", "## Files without a mint", ""]
    lines += [f"- {_cell(name)}" for name in audit.files_without_mint] or ["- none"]
    lines += ["", "## Overlapping files of one project (Appendix B)", ""]
    lines += [
        f"- {_cell(o['project'])}: {', '.join(_cell(f) for f in o['files'])} "
        f"(mints: {', '.join(_cell(t) for t in o['mints']) or 'none'})"
        for o in audit.overlaps
    ] or ["- none"]
    lines += ["", "## Holders", ""]
    lines += [f"- {_cell(p)}" for p in audit.balance_problems] or ["- no holder goes negative"]
    lines += ["", "The tables are in `audit.duckdb` (`audit_mints`, `audit_balances`).", ""]
    return "\n".join(lines)
