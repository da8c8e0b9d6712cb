"""`rrec deploy --token SYMBOL [--name NAME]`: deploy a token on the configured chain.

Deploys the implementation and its ERC-1967 proxy (initialised with the
minter as owner) on `RREC_CHAIN_RPC_URL` (or the embedded chain) and writes the
proxy's address into `RREC_CONTRACTS_FILE`, creating it if absent. A token
that already has a contract there is left as it is.
"""

from __future__ import annotations

import argparse

from rrec_pipeline.build import default_resources
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_OK, UsageError
from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.tokens import token_name
from rrec_pipeline.resources.evm import ChainError


def run(args: argparse.Namespace) -> int:
    if not args.token.replace("-", "").isalnum():
        raise UsageError(f"{args.token!r} is not a token symbol (e.g. RREC-GA, RREC-AKE)")
    chain = default_resources()["chain"]
    name = args.name or token_name(args.token, load_reference())
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
