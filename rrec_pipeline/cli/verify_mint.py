"""`rrec verify-mint TX_HASH [--rpc URL] [--repo PATH_OR_URL]`: is this mint what its data supports?

Without --rpc the configured chain is read (`RREC_CHAIN_RPC_URL`, else the embedded one).

Reads the transaction's `MintWithInfo`, fetches the file at the pinned commit,
checks its SHA-256, re-validates it and recomputes its whole R-RECs. Exit 0
when the amount is exactly what the data supports, 1 when not (the output
names the difference), 2 for usage (no such transaction, no mint in it).
"""

from __future__ import annotations

import argparse
import json

from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.minting.links import parse_info
from rrec_pipeline.minting.verify import Verdict, verify, window_minted
from rrec_pipeline.resources.evm import TokenChain
from rrec_pipeline.resources.pinned_files import FetchError, fetch_pinned


def run(args: argparse.Namespace) -> int:
    if args.rpc:
        return _check(TokenChain(args.rpc), args.rpc, args)
    from rrec_pipeline.build import default_resources

    chain = default_resources()["chain"]
    with chain.connect() as node:
        return _check(node, chain.rpc_url or "the embedded chain", args)


def _check(node: TokenChain, where: str, args: argparse.Namespace) -> int:
    try:
        mints = node.mints_in(args.tx_hash)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {args.tx_hash} from {where}: {error}") from None
    if not mints:
        raise UsageError(f"{args.tx_hash} is not a mint with info on {where}")
    verdicts = [_verdict(mint, args.repo, _window_total(node, mint)) for mint in mints]
    if args.json:
        print(json.dumps([v.to_json() | {"tx_hash": args.tx_hash} for v in verdicts], indent=2))
    else:
        for mint, verdict in zip(mints, verdicts, strict=True):
            print(_text(mint, verdict))
    return EXIT_OK if all(v.ok for v in verdicts) else EXIT_INVALID


def _window_total(node: TokenChain, mint: dict) -> int:
    """What the contract minted for the mint's window so far (an adjusted window's versions)."""
    link = parse_info(mint["additionalInfo"])
    if link is None or link.window is None:
        return int(mint["amount"])
    return window_minted(mint, node.events(mint["address"], "MintWithInfo"))


def _verdict(mint: dict, repository: str | None, window_total: int) -> Verdict:
    link = parse_info(mint["additionalInfo"])
    if link is None:
        return Verdict(int(mint["amount"]), problems=["the mint carries no link to its data"])
    try:
        data = fetch_pinned(link, repository)
    except FetchError as error:
        return Verdict(int(mint["amount"]), problems=[str(error)])
    name = (link.path or link.url).rsplit("/", 1)[-1]
    return verify(int(mint["amount"]), link, name, data, window_total)


def _text(mint: dict, verdict: Verdict) -> str:
    head = f"{mint['tx_hash']}: {mint['amount']} R-RECs to {mint['to']}"
    if verdict.ok:
        return f"{head}\n  OK: exactly what the data supports ({mint['additionalInfo']})"
    return "\n".join([f"{head}\n  NOT SUPPORTED:", *(f"  - {p}" for p in verdict.problems)])
