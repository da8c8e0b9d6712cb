"""Is a mint exactly what its data supports? The check anyone can run from the chain alone.

Given a `MintWithInfo` (amount, link) and the bytes found at the link's pinned
commit: the bytes must hash to the link's SHA-256, the file must pass
validation, and the amount must equal the file's whole R-RECs — `R-RECs
Issued` for a pipeline lot (which carries its carry-forward in the header and
is consistent by `consistency.issuance`), otherwise floor(certified MWh).

A pipeline lot's window may be adjusted: each version is published in the
window's folder and minted for what it adds, and its file states the
window's R-RECs over all versions. So for a mint whose link names a window
folder, what must equal the file's R-RECs is every mint of that folder on the
same contract up to and including this one, in chain order (`window_minted`).

What the chain alone must show too (`chain_problems`): the emitting contract is
the registry's contract for a token class (a lookalike deployed by anyone is
not), no other mint of that contract carries the same file, no mint of another
window of the project covers an overlapping period, and every mint of the
window goes to one recipient (the lot's, when the ledger is at hand).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rrec_pipeline.basics.amounts import whole
from rrec_pipeline.minting.links import Link, parse_info
from rrec_pipeline.validation.batch import FileReport, validate_sources
from rrec_pipeline.validation.config import DEFAULT_CONFIG


@dataclass
class Verdict:
    minted: int
    supported: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "minted_rrecs": self.minted,
            "supported_rrecs": self.supported,
            "problems": self.problems,
        }


def supported_rrecs(report: FileReport) -> int:
    header = report.file.header
    if header.rrecs_issued is not None and header.carry_in_mwh is not None:
        ceiling = whole((report.certified_mwh or 0) + header.carry_in_mwh)
        return min(header.rrecs_issued, ceiling)
    return report.whole_rrecs


def window_minted(mint: dict, mints: list[dict]) -> int:
    """R-RECs minted for the mint's window, this mint included: the mints of the contract
    whose links name the same window folder, up to this one in chain order."""
    link = parse_info(mint["additionalInfo"])
    folder = link.window if link else None
    if folder is None:
        return int(mint["amount"])
    position = (mint["block_number"], mint["log_index"])
    total = 0
    for other in mints:
        other_link = parse_info(other["additionalInfo"])
        same = other_link is not None and other_link.window == folder
        if same and (other["block_number"], other["log_index"]) <= position:
            total += int(other["amount"])
    return total


def verify(
    minted: int, link: Link, name: str, data: bytes, window_total: int | None = None
) -> Verdict:
    """`window_total`: R-RECs minted for the window so far (`window_minted`); for a mint
    that is not a version of a window, its own amount."""
    verdict = Verdict(minted)
    digest = hashlib.sha256(data).hexdigest()
    if link.sha256 is None:
        verdict.problems.append("the mint's link carries no #sha256=: the bytes cannot be checked")
    elif digest != link.sha256:
        verdict.problems.append(f"the file's SHA-256 is {digest}, the mint says {link.sha256}")
    [report] = validate_sources([(name, data)], DEFAULT_CONFIG).files
    errors = sorted({item.rule for item in report.findings if item.is_error})
    if errors or report.file is None:
        verdict.problems.append(f"the file fails validation: {', '.join(errors) or 'parse'}")
    if report.file is None:
        return verdict
    verdict.supported = supported_rrecs(report)
    total = minted if window_total is None else window_total
    if verdict.supported != total:
        difference = total - verdict.supported
        earlier = f" ({minted} by this mint)" if total != minted else ""
        verdict.problems.append(
            f"minted {total} R-RECs{earlier}, the data supports {verdict.supported} "
            f"({difference:+d})"
        )
    return verdict


def chain_problems(
    mint: dict, registry: dict[str, str], mints: list[dict], recipient: str | None = None
) -> list[str]:
    """What is wrong with `mint` by the chain alone. `registry`: token -> contract address
    (the contracts file); `mints`: every mint of the emitting contract; `recipient`: the
    lot's wallet from the ledger, when known."""
    address = mint["address"].lower()
    tokens = [token for token, known in registry.items() if known.lower() == address]
    if not tokens:
        return [f"{mint['address']} is not the registry's contract for any token class"]
    link = parse_info(mint["additionalInfo"])
    if link is None:
        return []
    others = [(m, parse_info(m["additionalInfo"])) for m in mints if _at(m) != _at(mint)]
    problems = []
    same_file = [m["tx_hash"] for m, other in others if _same_file(link, other)]
    if same_file:
        problems.append(f"the same file is minted again by {', '.join(same_file)}")
    overlapping = [m["tx_hash"] for m, other in others if _overlaps(link, other)]
    if overlapping:
        problems.append(f"a mint of another window overlaps its period: {', '.join(overlapping)}")
    window = [m["to"] for m, other in others if other is not None and other.claim == link.claim]
    wallets = {wallet.lower() for wallet in [*window, mint["to"]]}
    expected = (recipient or mint["to"]).lower()
    strangers = sorted(wallet for wallet in wallets if wallet != expected)
    if strangers:
        problems.append(f"its window is minted to {', '.join(strangers)}, the lot's is {expected}")
    return problems


def _at(mint: dict) -> tuple:
    return (mint["tx_hash"], mint["log_index"])


def _same_file(link: Link, other: Link | None) -> bool:
    """The same file: its path and bytes (a window's later version keeps the file name)."""
    return other is not None and (other.path, other.sha256) == (link.path, link.sha256)


def _overlaps(link: Link, other: Link | None) -> bool:
    """Another window (or file) of the same project whose period overlaps this one's."""
    mine, theirs = link.file, other.file if other else None
    if mine is None or theirs is None or other.claim == link.claim:
        return False
    return mine.project == theirs.project and mine.begin < theirs.end and theirs.begin < mine.end
