"""Is a wallet one R-RECs can be minted to? Checked in the registry, again before signing.

The zero address burns (and the token refuses to mint to it); a mixed-case
address whose EIP-55 checksum is wrong is a typo the checksum exists to catch.
All-lowercase and all-uppercase addresses carry no checksum and are accepted.
"""

from __future__ import annotations

import re

from eth_utils import is_checksum_address, to_checksum_address

_HEX = re.compile(r"^0x[0-9a-fA-F]{40}$")
ZERO = "0x" + "0" * 40


def wallet_problem(address: str | None) -> str | None:
    """Why `address` cannot receive R-RECs; None when it can."""
    if not address or not _HEX.match(address):
        return f"{str(address)[:60]!r} is not a 0x address of 40 hex digits"
    if address.lower() == ZERO:
        return "is the zero address: R-RECs minted there are burnt"
    body = address[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(address):
        return f"{address} fails its EIP-55 checksum (expected {to_checksum_address(address)})"
    return None
