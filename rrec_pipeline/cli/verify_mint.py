"""`rrec verify-mint TX_HASH [--rpc URL] [--repo PATH_OR_URL] [--contracts FILE] [--json]`.

Is this mint what its data supports, on the registry's contract, once? Without
--rpc the configured chain is read (`RREC_CHAIN_RPC_URL`, else the embedded
one); without --contracts the configured contracts file.

Reads the transaction's `MintWithInfo`; checks that the emitting contract is the
registry's for a token class, that no other mint of the contract carries the
same file or an overlapping period of the project, and that the window's mints
go to one recipient (the lot's, when the ledger knows it); fetches the file at
the pinned commit, checks its SHA-256, re-validates it and recomputes its whole
R-RECs. Everything printed from the chain is escaped. Exit 0 when all holds, 1
naming each reason, 2 for usage (no such transaction, no mint in it).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from rrec_pipeline.basics.errors import OperatorError
from rrec_pipeline.basics.text import escaped
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.minting.links import claim_of, parse_info, redact
from rrec_pipeline.minting.verify import Verdict, chain_problems, verify, window_minted
from rrec_pipeline.resources.chain.evm import ChainError, TokenChain
from rrec_pipeline.resources.publishing.pinned_files import FetchError, fetch_pinned


def run(args: argparse.Namespace) -> int:
    from rrec_pipeline.build import default_resources

    resources = default_resources()
    chain = resources["chain"]
    if args.contracts:
        chain = chain.model_copy(update={"contracts_file": str(args.contracts)})
    try:
        registry = chain.addresses()
    except ChainError as error:
        raise UsageError(str(error)) from None
    context = Context(registry, _recipients(resources["issuance_ledger"]), args)
    if args.rpc:
        return _check(TokenChain(args.rpc), redact(args.rpc), context)
    with chain.connect() as node:
        return _check(node, redact(chain.rpc_url or "the embedded chain"), context)


@dataclass(frozen=True)
class Context:
    registry: dict[str, str]  # token -> the registry's contract
    recipients: dict[str, str]  # claim -> the lot's wallet, from the ledger when at hand
    args: argparse.Namespace


def _recipients(ledger) -> dict[str, str]:
    if not Path(ledger.path).exists():
        return {}
    try:
        rows = ledger.mints().select("path", "recipient").iter_rows()
    except OperatorError:
        return {}
    return {claim_of(path): wallet for path, wallet in rows if path}


def _check(node: TokenChain, where: str, context: Context) -> int:
    tx_hash = context.args.tx_hash
    try:
        mints = node.mints_in(tx_hash)
    except (OSError, ValueError, ChainError) as error:
        raise UsageError(f"cannot read {escaped(tx_hash)} from {where}: {error}") from None
    if not mints:
        raise UsageError(f"{escaped(tx_hash)} is not a mint with info on {where}")
    verdicts = [_verdict(node, mint, context) for mint in mints]
    if context.args.json:
        print(json.dumps([v.to_json() | {"tx_hash": tx_hash} for v in verdicts], indent=2))
    else:
        for mint, verdict in zip(mints, verdicts, strict=True):
            print(_text(mint, verdict))
    return EXIT_OK if all(v.ok for v in verdicts) else EXIT_INVALID


def _verdict(node: TokenChain, mint: dict, context: Context) -> Verdict:
    link = parse_info(mint["additionalInfo"])
    others = node.events(mint["address"], "MintWithInfo")
    claim = link.claim if link else None
    onchain = chain_problems(mint, context.registry, others, context.recipients.get(claim))
    if link is None:
        problems = ["the mint carries no link to its data", *onchain]
        return Verdict(int(mint["amount"]), problems=problems)
    total = window_minted(mint, others) if link.window else int(mint["amount"])
    try:
        data = fetch_pinned(link, context.args.repo)
    except FetchError as error:
        return Verdict(int(mint["amount"]), problems=[*onchain, str(error)])
    name = (link.path or link.url).rsplit("/", 1)[-1]
    verdict = verify(int(mint["amount"]), link, name, data, total)
    verdict.problems[:0] = onchain
    return verdict


def _text(mint: dict, verdict: Verdict) -> str:
    head = f"{mint['tx_hash']}: {mint['amount']} R-RECs to {mint['to']} on {mint['address']}"
    if verdict.ok:
        info = escaped(mint["additionalInfo"])
        return f"{head}\n  OK: exactly what the data supports ({info})"
    lines = [f"{head}\n  NOT SUPPORTED:", *(f"  - {escaped(p)}" for p in verdict.problems)]
    return "\n".join(lines)
