"""What the chain already holds for each lot: its mints, tallied by claim.

A lot is recognised on the chain by its claim (`links.Link.claim`: the window
folder its file is published in, or a producer file's repository path), not
by the exact `additionalInfo` string, which changes with the repository URL,
the commit and the file's bytes. Every version of a window shares the claim;
its file states the window's R-RECs over all versions (`window_rrecs`). So a
version is on the chain once the claim's mints on the token's contract add up
to its `window_rrecs`, and a version still to mint mints only what is missing.
A lost ledger, a moved home or a changed registry value can therefore never
make the minter mint a window twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rrec_pipeline.minting.links import claim_of, parse_info


@dataclass
class Claims:
    """(contract, claim) -> R-RECs minted, and the mints in chain order."""

    minted: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    mints: dict[tuple[str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))

    def add(self, event: dict) -> None:
        """A `MintWithInfo` event (or a mint just sent, with the same keys)."""
        link = parse_info(event["additionalInfo"])
        claim = link.claim if link else None
        if claim is None:
            return
        key = (event["address"].lower(), claim)
        self.minted[key] += int(event["amount"])
        self.mints[key].append(event)

    def total(self, address: str, path: str | None) -> int:
        return self.minted.get((address.lower(), claim_of(path) or ""), 0)

    def last(self, address: str, path: str | None) -> dict | None:
        found = self.mints.get((address.lower(), claim_of(path) or ""))
        return found[-1] if found else None


def claims_from(events: list[dict]) -> Claims:
    claims = Claims()
    for event in sorted(events, key=lambda e: (e["block_number"], e["log_index"])):
        claims.add(event)
    return claims


def to_mint(window_rrecs: int, on_chain: int) -> int:
    """R-RECs a version still has to mint: what its window's file states, less what the
    chain already holds for the window (never negative)."""
    return max(window_rrecs - on_chain, 0)
