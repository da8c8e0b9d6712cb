"""`rrec deploy --token SYMBOL [--name NAME]`: deploy a token on the configured chain.

Deploys the implementation and its ERC-1967 proxy (initialised with the
minter as owner) on `RREC_CHAIN_RPC_URL` (or the embedded chain) and writes the
proxy's address and deployment block into `RREC_CONTRACTS_FILE`, creating it
if absent. Only the Standard's token classes are deployed (RREC-<US state>,
RREC-A<African ISO alpha-2>), under the Standard's name. A token that already
has a contract there is left as it is.
"""

from __future__ import annotations

import argparse

from rrec_pipeline.basics.text import escaped
from rrec_pipeline.build import default_resources
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.tokens import class_problem, token_name
from rrec_pipeline.resources.chain.evm import ChainError


def run(args: argparse.Namespace) -> int:
    reference = load_reference()
    problem = class_problem(args.token, reference)
    if problem:
        raise UsageError(escaped(problem))
    chain = default_resources()["chain"]
    name = token_name(args.token, reference)
    if args.name and args.name != name:
        raise UsageError(
            f"{args.token} is named {name!r} by the Standard, not {escaped(args.name)!r}"
        )
    try:
        with chain.connect() as node:
            address = chain.addresses().get(args.token)
            if address and node.has_code(address):
                print(f"{args.token} is already deployed at {address} ({chain.contracts_file})")
                return EXIT_OK
            address = chain.deploy(node, args.token, name)
    except (ChainError, OSError) as error:
        print(f"rrec deploy: {error}")
        return EXIT_INVALID
    print(f"{args.token} ({name}) deployed at {address}; recorded in {chain.contracts_file}")
    return EXIT_OK
