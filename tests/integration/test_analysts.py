"""The analysts' DuckDB database after `rrec demo`: every documented question answers what
the demo did, checked against the generator's own numbers and the ledger, and a rebuild
never shows a reader half a database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest

from rrec_pipeline.analysts import QUESTIONS
from rrec_pipeline.demo.inputs import GAP, PROJECTS, SITES, YEAR, demo_files, wallet
from rrec_pipeline.demo.profiles import pv_hours
from rrec_pipeline.resources.storage.analyst_db import build
from rrec_pipeline.resources.storage.ledger import IssuanceLedger

pytestmark = [pytest.mark.integration, pytest.mark.runtime(60)]
PROJECT_OF_SITE = {
    "tx-austin": "DEMO-TX-ROOF",
    "ca-fresno": "DEMO-CA-ROOF",
    "ke-turkana-gen": "DEMO-KE-MG",
    "sn-kaolack": "DEMO-SN-PLANT",
}


@pytest.fixture(scope="module")
def demo_home(demo_runs):
    return demo_runs.home


def answer(home, number: int) -> list[tuple]:
    with duckdb.connect(str(home / "rrec.duckdb"), read_only=True) as connection:
        return connection.execute(QUESTIONS[number - 1].sql).fetchall()


def generated_wh() -> dict[str, int]:
    """Each project's generation in the demo's year, from the generator (gap hours blank)."""
    totals = {}
    for site in (s for s in SITES if s.pv):
        local = ZoneInfo(site.zone)
        start, end = datetime(YEAR, 1, 1, tzinfo=local), datetime(YEAR + 1, 1, 1, tzinfo=local)
        in_gap = site.site_id == "ke-turkana-gen"
        totals[PROJECT_OF_SITE[site.site_id]] = sum(
            wh
            for at, wh in pv_hours(site.pv, start, end)
            if not (in_gap and GAP[0] <= at.astimezone(local).date() <= GAP[1])
        )
    return totals


def producer_mwh() -> Decimal:
    """Total Energy Production of the hospital's good file, as generated."""
    [good] = [f for f in demo_files() if f.path.startswith("drop/") and "_2025-01-01" in f.path]
    line = next(x for x in good.body.decode().splitlines() if x.startswith("Total Energy"))
    return Decimal(line.split(",")[1])


def test_the_eleven_questions_answer_what_the_demo_did(demo_home) -> None:
    ledger = IssuanceLedger(path=str(demo_home / "ledger.duckdb"))
    issued = dict(ledger.issued_lots().group_by("token").agg(pl.col("rrecs").sum()).iter_rows())
    assert {token: int(rrecs) for token, _, rrecs in answer(demo_home, 1)} == issued
    assert answer(demo_home, 2) == [
        ("RES-KE-MONTHLY", Decimal(120), 32, 88),
        ("RES-SN-YEARLY", Decimal(1200), 1200, 0),
        ("RES-US-QUARTERLY", Decimal(600), 600, 0),
    ]
    assert answer(demo_home, 3) == [("DEMO-KE-MG", 1, Decimal("72.000"), Decimal("72.000"))], (
        "three days of the mini-grid logger, one gap, as the planner and the scorecards count it"
    )
    made = generated_wh()
    assert answer(demo_home, 4) == [("DEMO-SN-PLANT", YEAR, made["DEMO-SN-PLANT"] - 1200 * 10**6)]
    # The hospital's accepted file at Ember's 2024 Nigeria intensity, 507.85 gCO2e/kWh.
    tco2e = producer_mwh() * Decimal("507.85") / 1000
    assert answer(demo_home, 5) == [
        ("EGRCC", 1, int(tco2e), tco2e.quantize(Decimal("1e-6"), ROUND_DOWN))
    ]
    assert answer(demo_home, 6) == [], "the late export arrived before its year was issued"
    held = answer(demo_home, 11)
    assert [(r[0], r[1], str(r[2]), r[4], r[5]) for r in held[:1]] == [
        ("RES-KE-MONTHLY", "DEMO-KE-MG", "2025-04-01", "held", "completeness.gap")
    ]
    assert {r[4] for r in held[1:]} == {"waiting"} and len(held) == 9
    assert answer(demo_home, 7) == [("range.capacity", 1)]
    metered: dict[str, int] = {}
    for project, month, wh in answer(demo_home, 8):
        assert datetime(YEAR - 1, 12, 1, tzinfo=UTC) <= month < datetime(YEAR + 1, 2, 1, tzinfo=UTC)
        metered[project] = metered.get(project, 0) + wh
    assert metered == made, "every generated Wh is in the meter reads, exactly"
    assert answer(demo_home, 9) == []
    minted = {wallet_.lower(): int(rrecs) for wallet_, rrecs in answer(demo_home, 10)}
    owner = wallet(next(p for p in PROJECTS if p[0] == "DEMO-NG-HOSP")[-1])
    assert minted == {wallet(10): 600, wallet(11): 32, wallet(12): 1200, owner: 56}


def test_keys_and_comments_are_declared(demo_home) -> None:
    with duckdb.connect(str(demo_home / "rrec.duckdb"), read_only=True) as connection:
        keys = connection.execute(
            "select table_name from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
        ).fetchall()
        comment = connection.execute(
            "select comment from duckdb_columns() where table_name = 'meter_reads' "
            "and column_name = 'wh'"
        ).fetchone()[0]
    assert {"projects", "meter_reads", "issuance_lots", "mints"} <= {k for (k,) in keys}
    assert "Wh" in comment


def test_a_reader_during_a_rebuild_sees_the_old_or_the_new_database(demo_home, tmp_path) -> None:
    target = tmp_path / "rrec.duckdb"
    ledger = IssuanceLedger(path=str(demo_home / "ledger.duckdb"))
    build(target, demo_home / "warehouse", ledger)
    counts, stop = [], threading.Event()

    def read() -> None:
        while not stop.is_set():
            with duckdb.connect(str(target), read_only=True) as connection:
                counts.append(connection.execute("select count(*) from meter_reads").fetchone()[0])

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(5):
        build(target, demo_home / "warehouse", ledger)
    stop.set()
    reader.join()
    with duckdb.connect(str(target), read_only=True) as connection:
        whole = connection.execute("select count(*) from meter_reads").fetchone()[0]
    assert whole > 40_000 and counts and set(counts) == {whole}, "every read saw a whole table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rrec.duckdb"], "no temporary left"
