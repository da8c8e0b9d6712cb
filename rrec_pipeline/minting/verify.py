"""Is a mint exactly what its data supports? The check anyone can run from the chain alone.

Given a `MintWithInfo` (amount, link) and the bytes found at the link's pinned
commit: the bytes must hash to the link's SHA-256, the file must pass
validation, and the amount must equal the file's whole R-RECs — `R-RECs
Issued` for a pipeline lot (which carries its carry-forward in the header and
is consistent by `consistency.issuance`), otherwise floor(certified MWh).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rrec_pipeline.amounts import whole
from rrec_pipeline.minting.links import Link
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


def verify(minted: int, link: Link, name: str, data: bytes) -> Verdict:
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
    if verdict.supported != minted:
        difference = minted - verdict.supported
        verdict.problems.append(
            f"minted {minted} R-RECs, the data supports {verdict.supported} ({difference:+d})"
        )
    return verdict
