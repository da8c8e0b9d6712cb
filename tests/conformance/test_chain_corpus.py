"""The registry's real on-chain record read into `core_chain__transactions` and reconciled.

Reads ../shared/corpus (or $RREC_CORPUS); skipped with a reason when absent.
"""

from __future__ import annotations

from urllib.parse import unquote

import polars as pl
import pytest

from rrec_pipeline.minting.links import parse_info
from rrec_pipeline.minting.onchain import corpus_transactions
from rrec_pipeline.minting.reconcile import overlapping_mints
from rrec_pipeline.minting.verify import verify

pytestmark = pytest.mark.conformance


def test_the_record_parses_into_the_transactions_table(corpus_contracts) -> None:
    frame = corpus_transactions(corpus_contracts)
    kept = [t for c in corpus_contracts for t in c["transactions"] if not t.get("ignore")]
    assert frame.height == len(kept)
    assert set(frame["action"]) <= {"mint", "transfer", "retire", "return"}
    mints = frame.filter(pl.col("action") == "mint")
    assert mints["verification_data"].null_count() < mints.height
    assert (frame["amount"] > 0).all()


def test_no_two_real_mints_of_one_project_overlap(corpus_contracts) -> None:
    """Appendix B 2.3 on the registry's own record (superseded rows are marked `ignore`)."""
    assert overlapping_mints(corpus_transactions(corpus_contracts)) == []


def test_verify_recomputes_every_real_mint_and_names_the_two_partial_ones(
    corpus_contracts, corpus_files
) -> None:
    """Real mints carry no #sha256=; their amounts are floor(certified MWh) except two partial
    mints, which verify-mint names with the difference."""
    by_name = {path.name: path for path in corpus_files}
    frame = corpus_transactions(corpus_contracts).filter(pl.col("action") == "mint")
    differences = {}
    for url, amount in frame.select("verification_data", "amount").iter_rows():
        name = unquote(url or "").rsplit("/", 1)[-1]
        if name not in by_name:
            continue
        verdict = verify(int(amount), parse_info(url), name, by_name[name].read_bytes())
        assert not verdict.ok, "no real link carries a hash, so none can be fully verified"
        if verdict.supported != int(amount):
            differences[name.split("_")[0]] = (int(amount), verdict.supported)
            assert any(f"({int(amount) - verdict.supported:+d})" in p for p in verdict.problems)
    assert differences == {"Funaab": (1238, 2237), "Uniabuja": (6247, 6413)}


def test_the_record_reads_without_a_finding_and_every_counted_mint_has_its_file(
    corpus_contracts, corpus_files
) -> None:
    """The reader `rrec registry import` and `rrec audit` will build on (issue 21)."""
    import json

    from rrec_pipeline.registry.record import mints_without_file, read_record

    rows, findings = read_record(json.dumps(corpus_contracts).encode())
    assert findings == []
    assert len(rows) == sum(len(c["transactions"]) for c in corpus_contracts)
    counted = [r for r in rows if r.action == "mint" and not r.ignored]
    assert counted and all(r.amount == int(r.amount) for r in counted)
    assert mints_without_file(rows, {p.name for p in corpus_files}) == []
    ignored = [r for r in rows if r.ignored]
    assert ignored and all(r.note for r in ignored)
