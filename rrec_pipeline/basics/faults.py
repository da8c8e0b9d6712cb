"""Named fault points: where a test kills the process to prove that a crash loses nothing.

Each stage boundary calls `reached(name)`. Unless `RREC_FAULT_POINT` names that
point, the call does nothing. When it does (`<name>` or `<name>:<n>`: the n-th
arrival in this process, first by default), the process sends itself SIGKILL at
that moment: no handler, no `finally`, no flush, as a power cut or the kernel's
OOM killer would. The next run must then end exactly as a run without the
fault did (`tests/integration/test_fault_points.py`).

This module is the only reader of the variable (docs/security.md): an operator
who sets it by mistake loses a run, never data.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

VARIABLE = "RREC_FAULT_POINT"

# In pipeline order; each is where one stage has done its work and the next has not begun.
POINTS = (
    "meter_landing",  # a fetch's pages are landed, the day's cursor not yet moved
    "normalising",  # a day's reads are normalised, not yet written
    "partition_write",  # the day's partitions are written, not yet recorded as up to date
    "main_job",  # validation, registry and producer lots done, issuance not started
    "lot_files",  # a period's lot files are written, the lots not yet in the ledger
    "issuance",  # a period's lots are in the ledger, publication not started
    "publication",  # the lots' files are committed and pushed, not yet in the mint ledger
    "minting",  # a mint is signed, recorded as sent and broadcast, not yet confirmed
    "read_back",  # the chain is read back, the table not yet written
    "duckdb",  # the analysts' database is built in its temporary file, not yet swapped in
)

_arrivals: Counter[str] = Counter()


def reached(name: str) -> None:
    """Kill this process here if `RREC_FAULT_POINT` asks for this arrival at `name`."""
    if name not in POINTS:
        raise ValueError(f"unknown fault point {name!r}")
    wanted = os.environ.get(VARIABLE)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _arrivals[name] += 1
    if _arrivals[name] == (int(nth) if nth.isdigit() and int(nth) > 0 else 1):
        os.kill(os.getpid(), signal.SIGKILL)
