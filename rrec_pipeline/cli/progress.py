"""Progress on stderr: one line per stage with its time, a bar for long stages on a terminal.

Off a terminal (CI, pipes) the bar is left out and only the stage lines remain,
so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    def __init__(self, stages: int, stream: TextIO | None = None):
        self.stages = stages
        self.done = 0
        self.stream = stream or sys.stderr
        self.is_terminal = self.stream.isatty()
        self.started = time.monotonic()

    @contextmanager
    def stage(self, label: str) -> Iterator[list[str]]:
        """Time a stage; what the caller appends to the yielded list ends its line."""
        self.done += 1
        start = time.monotonic()
        notes: list[str] = []
        prefix = f"[{self.done}/{self.stages}] {label}"
        if self.is_terminal:
            self.stream.write(f"{prefix} ...\r")
            self.stream.flush()
        yield notes
        seconds = time.monotonic() - start
        detail = f": {'; '.join(notes)}" if notes else ""
        clear = "\x1b[2K" if self.is_terminal else ""  # the bar's line, on a terminal
        self.stream.write(f"{clear}{prefix}{detail} ({seconds:.1f} s)\n")
        self.stream.flush()

    def step(self, done: int, total: int, label: str) -> None:
        """The bar of a long stage: `done` of `total`, and what is running now."""
        if not self.is_terminal or total <= 1:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\x1b[2K  [{bar}] {done}/{total} {label}\r")
        self.stream.flush()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
