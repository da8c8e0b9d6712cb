"""How many examples a property test draws: all of them in CI, a tenth by hand.

`.ci/run` sets `RREC_TEST_FULL_PROPERTIES=1`; a developer's run draws a tenth
(at least ten) so the unit tier stays quick, and CI still draws every one.
"""

from __future__ import annotations

import os


def examples(full: int) -> int:
    if os.environ.get("RREC_TEST_FULL_PROPERTIES") == "1":
        return full
    return max(10, full // 10)
