"""`rrec audit` and `rrec registry import` on the registry's real files and record.

Reads ../shared/corpus (or $RREC_CORPUS); skipped with a reason when absent.
The audit must find what the record itself implies: every mint with a file is
floor(certified MWh) of it but the registry's two known partial mints.
"""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import CORPUS_CHAIN, CORPUS_FILES

pytestmark = pytest.mark.conformance


def rrec(*args: str, home=None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", **({"RREC_HOME": str(home)} if home else {})}
    return subprocess.run(
        [sys.executable, "-m", "rrec_pipeline.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )


SOURCES = ("--transactions", str(CORPUS_CHAIN), "--verification-data", str(CORPUS_FILES))


def test_the_audit_finds_the_two_partial_mints_and_nothing_else_differs(
    corpus_files, corpus_contracts, tmp_path
) -> None:
    run = rrec("audit", *SOURCES, "--json", "--out", str(tmp_path / "out"), home=tmp_path / "h")
    assert run.returncode == 1, run.stderr  # two mints differ from their files
    result = json.loads(run.stdout)
    assert set(result) >= {"mints", "files_without_mint", "overlaps", "balances", "summary"}
    counted = [t for c in corpus_contracts for t in c["transactions"] if not t.get("ignore")]
    mints = [t for t in counted if t["action"] == "mint"]
    assert result["summary"] == {"mints": len(mints), "with_file": len(mints) - 1,
                                 "match": len(mints) - 3, "differ": 2}  # fmt: skip
    differ = {
        m["file"].split("_")[0] + m["file"].split("_")[1][:4]: (m["amount"], m["supported"])
        for m in result["mints"]
        if m["supported"] is not None and m["amount"] != m["supported"]
    }
    assert differ == {"Funaab2025": (1238, 2237), "Uniabuja2025": (6247, 6413)}
    [uniabuja] = [m for m in result["mints"] if (m["file"] or "").startswith("Uniabuja_2025")]
    assert "the file fails completeness.gap" in uniabuja["problems"]
    assert not uniabuja["ok"] and all(isinstance(m["amount"], int) for m in result["mints"])
    [manual] = [m for m in result["mints"] if m["file"] is None]
    assert (manual["token"], manual["supported"], manual["ok"]) == ("SC-REC", None, False)
    named = {m["file"] for m in result["mints"]}
    assert sorted(set(p.name for p in corpus_files) - named) == result["files_without_mint"]
    assert result["overlaps"] == []
    minted = sum(b["minted"] for b in result["balances"])
    assert minted == sum(int(t["amount"]) for t in mints)
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} >= {"audit.md", "audit.json", "audit.duckdb"}
    assert "Funaab" in (out / "audit.md").read_text()
    assert (out / "minted_per_token_year.png").read_bytes().startswith(b"\x89PNG")
    with duckdb.connect(str(out / "audit.duckdb"), read_only=True) as db:
        assert db.execute("select count(*) from audit_mints").fetchone()[0] == len(mints)
        comments = db.execute(
            "select comment from duckdb_columns() where table_name = 'audit_mints' "
            "and column_name = 'supported'"
        ).fetchone()[0]
        assert "floor(certified MWh)" in comments
        [(funaab,)] = db.execute(
            "select supported from audit_mints where file like 'Funaab%'"
        ).fetchall()
        assert funaab == 2237


def test_the_corpus_imports_whole_and_a_second_import_changes_nothing(
    corpus_files, corpus_contracts, tmp_path
) -> None:
    home = tmp_path / "home"
    first = rrec("registry", "import", *SOURCES, home=home)
    assert first.returncode == 0, first.stdout + first.stderr
    mints = [t for c in corpus_contracts for t in c["transactions"] if t["action"] == "mint"]
    assert f"import {len(mints)} new" in first.stdout
    again = rrec("registry", "import", *SOURCES, home=home)
    assert f"import 0 new, 0 changed; {len(mints)} unchanged" in again.stdout
    with duckdb.connect(str(home / "ledger.duckdb"), read_only=True) as db:
        rows = db.execute(
            "select count(*), count(period_start_utc), sum(rrecs) filter (where not is_ignored) "
            "from imported_lots"
        ).fetchone()
    counted = sum(int(t["amount"]) for t in mints if not t.get("ignore"))
    with_file = [t for t in mints if t.get("verification_data")]
    assert rows == (len(mints), len(with_file), counted)
