"""An issued home for the minting tests: the issuance scenario's lots in the ledger, a bare
git remote beside it, and the Definitions wired to them and to a chain."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import git

from rrec_pipeline.build import build_defs
from rrec_pipeline.resources.chain.chain import Chain
from rrec_pipeline.resources.publishing.publisher import GitPublisher
from tests.integration.test_issuance_assets import home_with_reads, issue


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
    """A home whose ledger holds the scenario's issued lots of `months` (6 to mint, 2 without
    a token class), with a bare remote and no chain yet."""
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
