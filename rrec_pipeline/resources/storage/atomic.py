"""Atomic file writes: a reader sees the old file or the new one, never a part.

Data goes to a temporary file with a unique name in the target's folder, is
flushed to disk, and is renamed over the target; two writers never share a
temporary name, and a crash leaves at most a stray `.tmp` file behind.
A reader must open the file once (`read_parquet_once`): a reader that opens a
path twice (polars does, for metadata and pages) can mix two versions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl


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


def read_parquet_once(path: Path) -> pl.DataFrame:
    """A Parquet file read through one open handle: one version, whatever replaces it."""
    with path.open("rb") as handle:
        return pl.read_parquet(handle)
