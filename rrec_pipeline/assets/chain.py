"""Publication, minting and the chain read back: the end of an R-REC's issuance.

Three unpartitioned assets run in order by `minting_job` after issuance:
- `out_chain__published_lots`: every issued lot not yet published has its files
  committed and pushed; the mint ledger holds its commit-pinned link.
- `out_chain__mints`: every published lot minted exactly once (`minting/minter.py`);
  one minting run per chain at a time (the `rrec_chain` pool).
- `core_chain__transactions`: mints, transfers, retirements and returns of our
  contracts, read back; the reconciliation checks run on it.
"""

from pathlib import Path

import dagster as dg
import polars as pl

from rrec_pipeline import tables
from rrec_pipeline.basics import faults
from rrec_pipeline.checks.chain import (
    RECONCILIATION_SPECS,
    WAITING,
    every_published_lot_minted,
    reconciliation,
)
from rrec_pipeline.checks.schemas import schema_checked, schema_specs
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.minter import Minter
from rrec_pipeline.minting.publication import publish_issued
from rrec_pipeline.minting.tokens import class_problem, token_name
from rrec_pipeline.resources.chain.anvil import NodeError
from rrec_pipeline.resources.chain.chain import Chain
from rrec_pipeline.resources.chain.chain_record import read_transactions
from rrec_pipeline.resources.chain.evm import ChainError
from rrec_pipeline.resources.publishing.publisher import GitPublisher, PublishError
from rrec_pipeline.resources.storage.ledger import IssuanceLedger
from rrec_pipeline.resources.storage.lot_folder import LotFolder
from rrec_pipeline.resources.storage.submission_folder import SubmissionFolder

GROUP = "chain"
POOL = "rrec_chain"
ISSUED = list(tables.ISSUED_KEYS)


@dg.asset(
    name=tables.PUBLISHED_LOTS.key,
    deps=ISSUED,
    group_name=GROUP,
    kinds={"git"},
    description=tables.PUBLISHED_LOTS.description,
    check_specs=schema_specs(tables.PUBLISHED_LOTS),
)
@schema_checked(tables.PUBLISHED_LOTS)
def out_chain__published_lots(
    context: dg.AssetExecutionContext,
    issuance_ledger: IssuanceLedger,
    publisher: GitPublisher,
    lot_folder: LotFolder,
    submission_folder: SubmissionFolder,
) -> dg.Output:
    try:
        report = publish_issued(
            issuance_ledger, publisher, Path(lot_folder.path), Path(submission_folder.path)
        )
    except PublishError as error:
        raise dg.Failure(f"publication failed, nothing was minted: {error}") from None
    for lot_id, problem in report.problems.items():
        context.log.warning(f"lot {lot_id} not published: {problem}")
    return dg.Output(
        issuance_ledger.mints(),
        metadata={
            "published_lots": report.rows.height,
            "not_published": dg.MetadataValue.json(report.problems),
            "without_token_class": dg.MetadataValue.json(issuance_ledger.lots_without_token()),
        },
    )


@dg.asset(
    name=tables.LOT_MINTS.key,
    deps=[tables.PUBLISHED_LOTS.key],
    ins={"reservations": dg.AssetIn(tables.RESERVATIONS.key)},
    group_name=GROUP,
    kinds={"ethereum"},
    pool=POOL,
    description=tables.LOT_MINTS.description,
    check_specs=[*schema_specs(tables.LOT_MINTS), WAITING],
)
@schema_checked(tables.LOT_MINTS)
def out_chain__mints(
    context: dg.AssetExecutionContext,
    issuance_ledger: IssuanceLedger,
    chain: Chain,
    reservations: pl.DataFrame,
):
    reference = load_reference()
    tokens = set(issuance_ledger.mints()["token"].drop_nulls())
    names = {t: None if class_problem(t, reference) else token_name(t, reference) for t in tokens}
    recipients = dict(reservations.select("reservation_id", "recipient_wallet").iter_rows())
    try:
        with issuance_ledger.minting(), chain.connect() as node:
            report = Minter(issuance_ledger, chain, node, names, recipients).run()
    except (ChainError, NodeError, OSError, ConnectionError) as error:
        raise dg.Failure(f"the chain is unreachable; nothing changed: {error}") from None
    for lot_id, reason in report.failed.items():
        context.log.warning(f"{lot_id} not minted: {reason}")
    for lot_id, reason in report.excess.items():
        context.log.warning(f"{lot_id}: {reason}")
    mints = issuance_ledger.mints()
    yield dg.Output(
        mints,
        metadata={
            "confirmed": len(report.confirmed),
            "recovered": len(report.recovered),
            "waiting": dg.MetadataValue.json(report.waiting),
            "failed": dg.MetadataValue.json(report.failed),
        },
    )
    yield every_published_lot_minted(mints)


@dg.asset(
    name=tables.CHAIN_TRANSACTIONS.key,
    ins={"mints": dg.AssetIn(tables.LOT_MINTS.key)},
    group_name=GROUP,
    kinds={"ethereum", "polars"},
    pool=POOL,
    description=tables.CHAIN_TRANSACTIONS.description,
    check_specs=[*schema_specs(tables.CHAIN_TRANSACTIONS), *RECONCILIATION_SPECS],
)
@schema_checked(tables.CHAIN_TRANSACTIONS)
def core_chain__transactions(chain: Chain, mints: pl.DataFrame):
    try:
        with chain.connect() as node:
            frame = read_transactions(
                node, chain.contracts(), chain.retirement_wallet, chain.return_wallet
            )
    except (ChainError, NodeError, OSError, ConnectionError) as error:
        raise dg.Failure(f"the chain is unreachable: {error}") from None
    faults.reached("read_back")
    counts = dict(frame.group_by("action").len().iter_rows())
    yield dg.Output(frame, metadata={"transactions": frame.height, **counts})
    yield from reconciliation(mints, frame)


chain_assets = [out_chain__published_lots, out_chain__mints, core_chain__transactions]
