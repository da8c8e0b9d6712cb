"""No evidence is not zero: holds, late months, holes and corrections, through `rrec run`.

Each test runs the pipeline as a user does (generic CSV exports dropped in the
meter drop, the embedded anvil chain, a bare git remote) and checks what the
ledger, the chain, the published repository, the summary and DuckDB say.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import duckdb
import pytest

from rrec_pipeline.analysts import QUESTIONS
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from tests.integrity_home import (
    WALLET_A,
    WALLET_B,
    drop_export,
    local_wh,
    month_csv,
    new_home,
    rows_csv,
    rrec,
)

pytestmark = [pytest.mark.integration, pytest.mark.runtime(125)]
MWH = 10**6


def monthly(*projects: str, end: str = "2024-12-31") -> list[tuple]:
    wallets = {"P-GA": WALLET_A, "P-KE": WALLET_B}
    return [
        (f"R-{p[2:]}", "Acme", wallets[p], p, "100000", "2024-01-01", end, "monthly")
        for p in projects
    ]


def ledger(home) -> IssuanceLedger:
    return IssuanceLedger(path=str(home / "ledger.duckdb"))


def lots_of(home, reservation: str) -> list[dict]:
    lots = ledger(home).issued_lots()
    return [row for row in lots.sort("lot_id").to_dicts() if row["reservation_id"] == reservation]


def question(home, title_start: str) -> list[tuple]:
    [found] = [q for q in QUESTIONS if q.title.startswith(title_start)]
    with duckdb.connect(str(home / "rrec.duckdb"), read_only=True) as connection:
        return connection.execute(found.sql).fetchall()


def ok(run, code: int = 0) -> str:
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode == code, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout


def test_a_month_missing_is_held_and_issued_when_it_arrives_while_others_go_on(
    tmp_path,
) -> None:
    """P-GA's export leaves March out and it comes later as a second file; P-KE, another
    reservation of the same frequency, is issued all along."""
    home = new_home(tmp_path, monthly("P-GA", "P-KE"))
    march = {date(2024, 3, d) for d in range(1, 32)}
    first_quarter = rows_csv("P-GA", date(2024, 1, 1), date(2024, 4, 30), skip=march)
    drop_export(home, "P-GA", "2024-01_to_04.csv", first_quarter)
    for month in (1, 2, 3, 4):
        drop_export(home, "P-KE", f"2024-{month:02d}.csv", month_csv("P-KE", 2024, month))
    out = ok(rrec(home, "run", "--as-of", "2024-05-10"), code=1)
    assert re.search(
        r"^  held +R-GA P-GA 2024-03-01 to 2024-03-31 \(America/New_York\): "
        r"completeness.no_reads: no reads from the project's 1 generation device",
        out,
        re.M,
    ), out
    assert "  waiting R-GA P-GA 2024-04-01 to 2024-04-30 (America/New_York): " in out
    assert [lot["window_first_day"].month for lot in lots_of(home, "R-GA")] == [1, 2]
    assert [lot["window_first_day"].month for lot in lots_of(home, "R-KE")] == [1, 2, 3, 4]
    assert all(lot["rrecs"] > 0 for lot in lots_of(home, "R-GA") + lots_of(home, "R-KE"))

    drop_export(home, "P-GA", "2024-03.csv", month_csv("P-GA", 2024, 3))
    out = ok(rrec(home, "run", "--as-of", "2024-05-10"))
    assert "Held lots: none" in out
    lots = lots_of(home, "R-GA")
    assert [lot["window_first_day"].month for lot in lots] == [1, 2, 3, 4]
    wh = local_wh("P-GA", date(2024, 1, 1), date(2024, 4, 30))
    assert sum(lot["rrecs"] for lot in lots) == wh // MWH, "floor of the four months, exactly"
    assert lots[-1]["carry_out_wh"] == wh % MWH
    overlaps = question(home, "Gap hours per project")
    assert overlaps == [], "the month arrived whole: no gap, and the DuckDB rebuild held"
    mints = ledger(home).mints()
    assert set(mints["state"]) == {"confirmed"} and mints.height == 8


def test_a_window_with_no_reads_is_never_issued(tmp_path) -> None:
    home = new_home(tmp_path, monthly("P-GA", "P-KE", end="2024-02-29"))
    for month in (1, 2):
        drop_export(home, "P-KE", f"2024-{month:02d}.csv", month_csv("P-KE", 2024, month))
    out = ok(rrec(home, "run", "--as-of", "2024-04-01"), code=1)
    assert lots_of(home, "R-GA") == [], "no lot, not even of 0 R-RECs"
    assert len(lots_of(home, "R-KE")) == 2
    held = ledger(home).held_lots().to_dicts()
    assert [(h["lot_id"], h["state"], h["rule"]) for h in held] == [
        ("R-GA__P-GA__2024-01-01", "held", "completeness.no_reads"),
        ("R-GA__P-GA__2024-02-01", "waiting", "issuance.waiting"),
    ]
    assert "completeness.no_reads" in out
    rows = question(home, "Which lots are held")
    assert [(r[0], r[1], str(r[2]), r[4], r[5]) for r in rows] == [
        ("R-GA", "P-GA", "2024-01-01", "held", "completeness.no_reads"),
        ("R-GA", "P-GA", "2024-02-01", "waiting", "issuance.waiting"),
    ]
    status = json.loads(rrec(home, "mint-status", "--json").stdout)
    assert [(r["state"], r["reason"][:22]) for r in status if r["project"] == "P-GA"] == [
        ("held", "completeness.no_reads:"),
        ("waiting", "issuance.waiting: wait"),
    ]


def daily(first: str, last: str) -> list[tuple]:
    return [("R-D", "Acme", WALLET_A, "P-GA", "100000", first, last, "daily")]


def test_corrections_are_adjusted_deducted_and_every_mint_verifies(tmp_path) -> None:
    """A corrected export raises an issued day by 1.2 MWh, a later one lowers another by
    1 MWh: the R-RECs issued always follow floor(cumulative MWh)."""
    home = new_home(tmp_path, daily("2024-01-01", "2024-01-31"))
    drop_export(home, "P-GA", "january.csv", month_csv("P-GA", 2024, 1))
    ok(rrec(home, "run", "--as-of", "2024-01-08"))
    issued = lots_of(home, "R-D")
    assert [lot["window_first_day"].day for lot in issued] == [1, 2, 3, 4]

    def cumulative_rrecs_follow_the_energy(changes: dict[date, int]) -> list[dict]:
        lots = lots_of(home, "R-D")
        last = max(lot["window_first_day"] for lot in lots)
        wh = local_wh("P-GA", date(2024, 1, 1), last) + sum(changes.values())
        assert sum(lot["rrecs"] for lot in lots) == wh // MWH
        latest = {lot["window_id"]: lot for lot in sorted(lots, key=lambda r: r["version"])}
        assert latest[max(latest)]["carry_out_wh"] == wh - (wh // MWH) * MWH
        return lots

    up = {date(2024, 1, 2): 1_200_000}
    drop_export(
        home,
        "P-GA",
        "2024-01-02-corrected.csv",
        rows_csv("P-GA", date(2024, 1, 2), date(2024, 1, 2), change_wh=up),
    )
    out = ok(rrec(home, "run", "--as-of", "2024-01-10"))
    lots = cumulative_rrecs_follow_the_energy(up)
    [adjusted] = [lot for lot in lots if lot["version"] == 2]
    assert adjusted["lot_id"] == "R-D__P-GA__2024-01-02__v2"
    assert adjusted["rrecs"] >= 1 and "(of which 1 adjustment(s))" in out
    anomalies = (
        duckdb.connect(str(home / "rrec.duckdb"), read_only=True)
        .execute("SELECT detail FROM meter_anomalies WHERE anomaly = 'conflicting_duplicate'")
        .fetchall()
    )
    assert len(anomalies) == 8 and all(", then " in detail for (detail,) in anomalies)

    down = {**up, date(2024, 1, 3): -1_000_000}
    drop_export(
        home,
        "P-GA",
        "2024-01-03-corrected.csv",
        rows_csv(
            "P-GA", date(2024, 1, 3), date(2024, 1, 3), change_wh={date(2024, 1, 3): -1_000_000}
        ),
    )
    ok(rrec(home, "run", "--as-of", "2024-01-12"))
    lots = cumulative_rrecs_follow_the_energy(down)
    [lowered] = [lot for lot in lots if lot["lot_id"] == "R-D__P-GA__2024-01-03__v2"]
    assert lowered["rrecs"] == 0 and lowered["carry_out_wh"] < 0, "a deduction carried on"
    after = [lot for lot in lots if lot["window_first_day"] == date(2024, 1, 4)]
    assert after and all(lot["version"] == 1 for lot in after)

    certified = ledger(home).certified_reads()
    assert certified.height == certified.unique(["source", "device_id", "interval_start"]).height
    moved = certified.filter(certified["lot_id"] == "R-D__P-GA__2024-01-02__v2")
    assert moved.height == 8, "the corrected reads belong to the version that certifies them"
    published = [p for p in (home / "publish_checkout" / "verification_data").rglob("*.csv")]
    folders = {p.parent.name for p in published if "irec_request" not in p.name}
    assert len(folders) == len([p for p in published if "irec_request" not in p.name])
    mints = ledger(home).mints()
    unminted = mints.filter(mints["tx_hash"].is_null())
    assert unminted["lot_id"].to_list() == ["R-D__P-GA__2024-01-03__v2"], "published, 0 to mint"
    for tx_hash in mints["tx_hash"].drop_nulls():
        check = rrec(home, "verify-mint", tx_hash, "--repo", str(home / "remote.git"))
        assert check.returncode == 0, check.stdout + check.stderr


def test_a_four_day_hole_is_held_with_its_hours_and_filled_without_overlap(tmp_path) -> None:
    home = new_home(tmp_path, monthly("P-KE"))
    hole = {date(2024, 2, d) for d in range(10, 14)}
    drop_export(home, "P-KE", "2024-01.csv", month_csv("P-KE", 2024, 1))
    drop_export(home, "P-KE", "2024-02.csv", month_csv("P-KE", 2024, 2, skip=hole))
    out = ok(rrec(home, "run", "--as-of", "2024-03-10"), code=1)
    assert (
        "completeness.gap: device p-ke:inv has no reads for 96.0 h from "
        "2024-02-10T00:00:00+03:00 (over 24 h, not explained)"
    ) in out
    assert question(home, "Gap hours per project") == [("P-KE", 1, 96, 96)]
    assert [lot["window_first_day"].month for lot in lots_of(home, "R-KE")] == [1]

    filled = rows_csv("P-KE", date(2024, 2, 10), date(2024, 2, 13))
    drop_export(home, "P-KE", "2024-02-10_to_13.csv", filled)
    out = ok(rrec(home, "run", "--as-of", "2024-03-10"))
    assert "Held lots: none" in out and "Checks failed: 0" in out
    lots = lots_of(home, "R-KE")
    assert [lot["window_first_day"].month for lot in lots] == [1, 2]
    wh = local_wh("P-KE", date(2024, 1, 1), date(2024, 2, 29))
    assert sum(lot["rrecs"] for lot in lots) == wh // MWH
    assert question(home, "Gap hours per project") == []
    scorecard = json.loads(
        next((home / "lots" / "monthly").glob("R-KE__P-KE__2024-02-01/scorecard.json")).read_text()
    )
    assert (scorecard["coverage"], scorecard["gap_hours"]) == ("1.0000", "0")
    with duckdb.connect(str(home / "rrec.duckdb"), read_only=True) as connection:
        keys = connection.execute(
            "SELECT count(*), count(DISTINCT (source, device_id, interval_start)) FROM meter_reads"
        ).fetchone()
    assert keys[0] == keys[1] == (31 + 29) * 24, "every hour once: no overlap, no duplicate key"


def test_one_bad_registry_row_or_lot_holds_only_itself(tmp_path) -> None:
    """A formula or a 320-character project name, a first operation in the future, and two
    meter rows dated days ahead: findings on their row, lot or page; the rest is issued."""
    home = new_home(tmp_path, monthly("P-GA", "P-KE", end="2024-01-31"))
    registry = home / "registry"
    projects = (registry / "projects.csv").read_text().splitlines()
    header, ga, ke = projects
    future = (date.today() + timedelta(days=400)).isoformat()
    rows = [
        header,
        ga,
        ke.replace("2021-01-01", future),
        ga.replace("P-GA,Peach Rooftop", 'P-F,"=HYPERLINK(""http://x"")"'),
        ga.replace("P-GA,Peach Rooftop", "P-L," + "L" * 320),
    ]
    (registry / "projects.csv").write_text("\n".join(rows) + "\n")
    reservations = (registry / "reservations.csv").read_text()
    extra = [f"R-{p},Acme,{WALLET_A},P-{p},100,2024-01-01,2024-01-31,monthly" for p in ("F", "L")]
    (registry / "reservations.csv").write_text(reservations + "\n".join(extra) + "\n")
    for project in ("P-GA", "P-KE"):
        drop_export(home, project, "2024-01.csv", month_csv(project, 2024, 1))
    ahead = date.today() + timedelta(days=3)
    drop_export(
        home,
        "P-GA",
        "ahead.csv",
        f"timestamp,kWh\n{ahead}T10:00:00Z,1.5\n{ahead}T11:00:00Z,1.5\n",
    )
    out = ok(rrec(home, "run", "--as-of", "2024-03-01"), code=1)
    assert [lot["rrecs"] > 0 for lot in lots_of(home, "R-GA")] == [True], "the good lot goes on"
    assert set(ledger(home).mints()["state"]) == {"confirmed"}
    assert re.search(r"bad_row projects.csv:\d+: project_name fails plain text", out), out
    assert out.count("bad_row projects.csv") == 2
    assert re.search(r"held +R-KE P-KE 2024-01-01 to 2024-01-31 .*: first_operation: ", out), out
    assert "quarantined meter data" in out and "date_out_of_range: 2 reading(s)" in out
    assert "R-F" not in {lot["reservation_id"] for lot in ledger(home).issued_lots().to_dicts()}
