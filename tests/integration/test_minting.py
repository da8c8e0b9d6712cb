"""Publication and minting end to end: a bare git remote, a real node, exactly once."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import git
import polars as pl
import pytest

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.chain import Chain
from rrec_pipeline.resources.ledger import IssuanceLedger
from rrec_pipeline.resources.publisher import GitPublisher
from tests.integration.test_issuance_assets import home_with_reads, issue

pytestmark = pytest.mark.integration


def chain_defs(home: Path, rpc_url: str | None = None, **chain):
    remote = home / "remote.git"
    if not remote.exists():
        git.Repo.init(remote, bare=True, initial_branch="main")
    return build_defs(
        {
            "publisher": GitPublisher(repository=str(remote), checkout=str(home / "checkout")),
            "chain": Chain(
                rpc_url=rpc_url,
                state_dir=str(home / "chain"),
                contracts_file=str(home / "contracts.json"),
                **chain,
            ),
        },
        home=home,
    )


def issued_home(tmp_path: Path, months=(1, 2)) -> tuple[Path, dg.DagsterInstance]:
    home = home_with_reads(tmp_path, "monthly")
    defs, instance = chain_defs(home), dg.DagsterInstance.ephemeral()
    assert defs.resolve_job_def("rrec_main").execute_in_process(instance=instance).success
    for month in months:
        assert issue(defs, instance, "monthly", f"2024-{month:02d}-01").success
    return home, instance


def mint(defs, instance, raise_on_error=True):
    return defs.resolve_job_def("minting_job").execute_in_process(
        instance=instance, raise_on_error=raise_on_error
    )


def test_every_issued_lot_is_published_and_minted_once_and_a_second_run_sends_nothing(tmp_path):
    home, instance = issued_home(tmp_path)
    defs = chain_defs(home)
    result = mint(defs, instance)
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert all(checks.values()) and len(checks) == 5, checks
    ledger = IssuanceLedger(path=str(home / "ledger.duckdb"))
    mints = ledger.mints()
    assert mints.height == 6 and set(mints["state"]) == {"confirmed"}
    issued = ledger.issued_lots().filter(pl.col("rrecs") > 0, pl.col("token").is_not_null())
    assert ledger.lots_without_token() == ["R1__P-DE__2024-01-01", "R1__P-DE__2024-02-01"]
    assert sorted(mints["lot_id"]) == sorted(issued["lot_id"])
    assert dict(mints.select("lot_id", "rrecs").iter_rows()) == dict(
        issued.select("lot_id", "rrecs").iter_rows()
    )
    head = git.Repo(home / "remote.git").commit("main").hexsha
    assert set(mints["commit"]) == {head}
    assert all(
        info.endswith("#sha256=" + sha) for info, sha in mints.select("info", "sha256").iter_rows()
    )
    certified = ledger.certified_reads()
    minted = certified.filter(pl.col("lot_id").is_in(mints["lot_id"].to_list()))
    assert minted.height > 0 and minted["certified_at"].null_count() == 0
    assert (
        certified.filter(~pl.col("lot_id").is_in(mints["lot_id"].to_list()))["certified_at"]
        .is_null()
        .all()
    ), "reads of unminted lots are claimed, not certified"

    again = mint(chain_defs(home), instance)
    assert again.success
    assert ledger.mints().select("tx_hash").equals(mints.select("tx_hash"))
    transactions = pl.read_parquet(home / "warehouse" / "core_chain__transactions" / "part.parquet")
    assert transactions.filter(pl.col("action") == "mint").height == 6, "one mint per lot, still"
    assert git.Repo(home / "remote.git").commit("main").hexsha == head, "no new commit"
