"""Atomic file writes: a reader sees the old file or the new one, never a part.

Data goes to a temporary file with a unique name in the target's folder, is
flushed to disk, and is renamed over the target; two writers never share a
temporary name, and a crash leaves at most a stray `.tmp` file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    write_with(path, lambda handle: handle.write(data))


def write_with(path: Path, write: Callable) -> None:
    """Call `write(binary_handle)` into a temporary file, then rename it to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
