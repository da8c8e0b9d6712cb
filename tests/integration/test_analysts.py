"""The analysts' DuckDB database after `rrec run` on the examples: every documented question
answers what the run did, and a rebuild never shows a reader half a database."""

from __future__ import annotations

import threading
from decimal import Decimal

import duckdb
import pytest

from rrec_pipeline.analysts import QUESTIONS
from rrec_pipeline.resources.analyst_db import build
from rrec_pipeline.resources.ledger import IssuanceLedger
from tests.integration.test_rrec_run import rrec_run, seeded_home

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = seeded_home(tmp_path_factory.mktemp("analysts"))
    result = rrec_run(home, "--as-of", "2025-02-01")
    assert result.returncode == 0, result.stderr[-2000:]
    return home


def answer(home, number: int) -> list[tuple]:
    with duckdb.connect(str(home / "rrec.duckdb"), read_only=True) as connection:
        return connection.execute(QUESTIONS[number - 1].sql).fetchall()


def test_the_ten_questions_answer_what_the_run_did(demo_home) -> None:
    minted = answer(demo_home, 1)
    assert {(token, rrecs) for token, _, rrecs in minted} == {
        ("RREC-AKE", Decimal(24)),
        ("RREC-GA", Decimal(6)),
    }
    assert answer(demo_home, 2) == [
        ("RES-DAILY", Decimal(10), 0, 10),
        ("RES-WEEKLY", Decimal(5), 0, 5),
    ]
    assert dict((p, r) for p, _, _, r in answer(demo_home, 3)) == {
        "EX-ABJ": 3,
        "EX-MINIGRID": 0,
        "EX-PV-FILES": 0,
        "EX-ROOF": 67,
    }
    assert answer(demo_home, 4) == [], "no year has ended inside the examples' reservations"
    credits = {c: (n, w) for c, n, w, _ in answer(demo_home, 5)}
    assert credits == {"AVERT-USCC": (1, 4), "MCC": (1, 17)}
    assert answer(demo_home, 6) == []
    assert answer(demo_home, 7) == [("consistency.total", 1)]
    assert {(p, wh) for p, _, wh in answer(demo_home, 8)} == {
        ("EX-ABJ", 480000),
        ("EX-ROOF", 662946),
    }
    assert answer(demo_home, 9) == []
    wallets = dict(answer(demo_home, 10))
    assert wallets == {
        "0x5000000000000000000000000000000000000005": Decimal(6),
        "0x6000000000000000000000000000000000000006": Decimal(24),
    }


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
    assert counts and set(counts) == {75}, "every read saw a whole table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rrec.duckdb"], "no temporary left"
