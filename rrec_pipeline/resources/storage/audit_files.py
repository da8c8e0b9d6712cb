"""What `rrec audit --out DIR` writes: the report, its chart, the JSON and a DuckDB file.

Each file is written atomically (a temporary file renamed over the target).
The DuckDB tables `audit_mints` and `audit_balances` take their columns and
comments from the table registry; the chart is drawn with matplotlib.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from rrec_pipeline.analysts import AnalystTable
from rrec_pipeline.minting.audit import Audit
from rrec_pipeline.minting.audit_report import markdown, minted_by_token_year
from rrec_pipeline.resources.storage.analyst_db import create_statements
from rrec_pipeline.resources.storage.atomic import write_atomic
from rrec_pipeline.resources.storage.duck import append, new_database
from rrec_pipeline.tables import AUDIT_BALANCES, AUDIT_MINTS

CHART = "minted_per_token_year.png"
TABLES = (
    AnalystTable("audit_mints", AUDIT_MINTS),  # a manual addition has no tx: no key
    AnalystTable("audit_balances", AUDIT_BALANCES, ("token", "holder")),
)


def write_audit(folder: Path, audit: Audit, source: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    chart = _chart(audit)
    if chart is not None:
        write_atomic(folder / CHART, chart)
    text = json.dumps(audit.to_json(), indent=2) + "\n"
    write_atomic(folder / "audit.json", text.encode())
    write_atomic(folder / "audit.md", markdown(audit, CHART if chart else None, source).encode())
    _duckdb(folder / "audit.duckdb", audit)
    names = ["audit.md", "audit.json", "audit.duckdb"] + ([CHART] if chart else [])
    return [folder / name for name in names]


def _chart(audit: Audit) -> bytes | None:
    totals = minted_by_token_year(audit)
    years = sorted({year for by_year in totals.values() for year in by_year})
    if not years:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 4))
    bottom = [0] * len(years)
    for token, by_year in totals.items():
        heights = [by_year.get(year, 0) for year in years]
        axes.bar([str(y) for y in years], heights, bottom=bottom, label=token)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel("R-RECs minted")
    axes.set_title("R-RECs minted per token and year (of the file's Begin)")
    axes.legend(fontsize="small", ncol=2)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()


def _duckdb(target: Path, audit: Audit) -> None:
    frames = {
        "audit_mints": pl.DataFrame(audit.mints, schema=AUDIT_MINTS.dtypes, orient="row").select(
            list(AUDIT_MINTS.dtypes)
        ),
        "audit_balances": pl.DataFrame(audit.balances, schema=AUDIT_BALANCES.dtypes),
    }
    with new_database(target) as connection:
        for table in TABLES:
            for statement in create_statements(table):
                connection.execute(statement)
            append(connection, table.name, frames[table.name])
