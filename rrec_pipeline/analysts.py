"""The analysts' DuckDB database: which tables it holds, their keys, and eleven questions.

Each analyst table is a registered table (`tables.py`) under a plain name, so
its column types and comments come from the one registry; its rows come from
the Parquet warehouse or from the issuance ledger. The builder is
`resources/storage/analyst_db.py`; the questions below are the ones `docs/analysts.md`
answers, kept here so a test can run every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rrec_pipeline import tables
from rrec_pipeline.tables import Table


@dataclass(frozen=True)
class AnalystTable:
    name: str
    table: Table
    from_ledger: str | None = None  # the ledger's table, else the warehouse's Parquet
    derived: str | None = None  # computed from the warehouse by the domain rule it names

    @property
    def primary_key(self) -> tuple[str, ...]:
        return self.table.primary_key

    @property
    def comment(self) -> str:
        origin = self.table.key
        if self.from_ledger:
            origin = f"issuance ledger, {self.from_ledger}"
        elif self.derived:
            origin = f"meter reads and devices, by {self.derived}"
        return f"{self.table.description} (from {origin})"


ANALYST_TABLES = (
    AnalystTable("projects", tables.PROJECTS),
    AnalystTable("devices", tables.DEVICES),
    AnalystTable("reservations", tables.RESERVATIONS),
    AnalystTable("meter_reads", tables.METER_READS),
    AnalystTable("meter_anomalies", tables.METER_ANOMALIES),
    AnalystTable(
        "meter_gaps",
        tables.METER_GAPS,
        derived="issuance/coverage.py",
    ),
    AnalystTable("verification_files", tables.VERIFICATION_FILES),
    AnalystTable("validation_findings", tables.VERIFICATION_FINDINGS),
    AnalystTable("issuance_lots", tables.ISSUED_LOTS, from_ledger="issued_lots"),
    AnalystTable("issuance_plans", tables.ISSUANCE_PLANS, from_ledger="plans"),
    AnalystTable("mints", tables.LOT_MINTS, from_ledger="mints"),
    AnalystTable("held_lots", tables.HELD_LOTS, from_ledger="held_lots"),
    AnalystTable("imported_lots", tables.IMPORTED_LOTS, from_ledger="imported_lots"),
    AnalystTable("onchain_transactions", tables.CHAIN_TRANSACTIONS),
    AnalystTable("carbon_credits", tables.PROJECT_YEAR_CREDITS),
    AnalystTable("minigrid_customer_months", tables.MINIGRID_CUSTOMER_MONTHS),
)

VIEWS = {
    "published_files": (
        "Each published lot's verification CSV: its commit-pinned link and SHA-256.",
        "SELECT lot_id, project_id, reservation_id, path, commit, url, sha256 "
        "FROM mints WHERE commit IS NOT NULL",
    ),
}


@dataclass(frozen=True)
class Question:
    title: str
    sql: str


QUESTIONS = (
    Question(
        "R-RECs minted per token and month",
        "SELECT token, date_trunc('month', timestamp) AS month, sum(amount) AS rrecs\n"
        "FROM onchain_transactions WHERE action = 'mint'\nGROUP BY ALL ORDER BY ALL",
    ),
    Question(
        "Open volume of each reservation (R-RECs still to issue)",
        "SELECT r.reservation_id, r.volume_mwh,\n"
        "       coalesce(sum(l.rrecs), 0) AS issued_rrecs,\n"
        "       floor(r.volume_mwh) - coalesce(sum(l.rrecs), 0) AS open_rrecs\n"
        "FROM reservations r LEFT JOIN issuance_lots l USING (reservation_id)\n"
        "GROUP BY r.reservation_id, r.volume_mwh ORDER BY r.reservation_id",
    ),
    Question(
        "Gap hours per project (the planner's and the scorecards' gaps)",
        "SELECT project_id, count(*) AS gaps,\n"
        "       CAST(sum(gap_seconds) / 3600 AS DECIMAL(18, 3)) AS gap_hours,\n"
        "       CAST(max(gap_seconds) / 3600 AS DECIMAL(18, 3)) AS longest_gap_hours\n"
        "FROM meter_gaps GROUP BY project_id ORDER BY project_id",
    ),
    Question(
        "Carry-forward left unissued at year end",
        "SELECT project_id, year, carry_out_wh\n"
        "FROM issuance_lots WHERE is_year_end\n"
        "QUALIFY row_number() OVER (PARTITION BY window_id ORDER BY version DESC) = 1\n"
        "ORDER BY project_id, year",
    ),
    Question(
        "Carbon credits by class",
        "SELECT credit_class, count(*) AS project_years, sum(whole_credits) AS whole_credits,\n"
        "       sum(tco2e) AS tco2e\n"
        "FROM carbon_credits WHERE is_eligible GROUP BY credit_class ORDER BY credit_class",
    ),
    Question(
        "Windows adjusted after late or corrected reads, and what each version added",
        "SELECT window_id, version, rrecs AS added_rrecs, window_rrecs, wh, issued_at\n"
        "FROM issuance_lots WHERE window_id IN\n"
        "    (SELECT window_id FROM issuance_lots WHERE version > 1)\n"
        "ORDER BY window_id, version",
    ),
    Question(
        "Quarantined files by failing rule",
        "SELECT f.rule, count(DISTINCT f.file) AS files\n"
        "FROM validation_findings f JOIN verification_files v USING (file)\n"
        "WHERE NOT v.is_accepted AND f.severity = 'error'\n"
        "GROUP BY f.rule ORDER BY files DESC, f.rule",
    ),
    Question(
        "Metered energy per project and month (Wh)",
        "SELECT d.project_id, date_trunc('month', r.interval_start) AS month, sum(r.wh) AS wh\n"
        "FROM meter_reads r JOIN devices d ON d.source = r.source AND d.site_id = r.site_id\n"
        "WHERE d.role = 'generation' GROUP BY ALL ORDER BY ALL",
    ),
    Question(
        "Lots not yet minted, and why",
        "SELECT lot_id, state, error FROM mints WHERE state <> 'confirmed' ORDER BY lot_id",
    ),
    Question(
        "R-RECs minted per recipient wallet",
        "SELECT to_address AS wallet, sum(amount) AS minted_rrecs\n"
        "FROM onchain_transactions WHERE action = 'mint' GROUP BY wallet ORDER BY wallet",
    ),
    Question(
        "Which lots are held, and why",
        "SELECT reservation_id, project_id, window_start, window_end, state, rule, reason,\n"
        "       since\nFROM held_lots ORDER BY state, reservation_id, window_start, project_id",
    ),
)
