"""Reading files from a drop folder safely: only inside it, within a size limit.

Used for verification CSVs and meter exports alike.

A file that cannot be read becomes a `ReadProblem`, reported as a `parse`
finding on that file, never an exception that loses the batch:
- a symbolic link whose target is outside the folder it was found in is not
  followed (a drop folder is not a way to read `/etc/shadow`);
- a file over `MAX_FILE_BYTES` is not read at all;
- permission and other OS errors name the file and the reason.
Files named one by one on the command line are the user's own choice and are
read wherever they are.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# The largest real verification file is a few MB (a year of hourly rows is
# 300 kB); 512 MiB leaves room for ten million rows and bounds what one file
# can make the pipeline hold in memory.
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ReadProblem:
    """Why a file's bytes were not read."""

    message: str


Source = tuple[str, "bytes | ReadProblem"]


def collect_csv_paths(targets: Sequence[Path]) -> list[tuple[Path, Path | None]]:
    """(file, the folder it was found in) for every CSV: files as given, folders searched.

    The folder is None for a file named directly.
    """
    found: list[tuple[Path, Path | None]] = []
    for target in targets:
        if target.is_dir():
            found.extend((path, target) for path in csv_files_in(target))
        else:
            found.append((target, None))
    return found


def csv_files_in(folder: Path) -> list[Path]:
    """Every `*.csv` (any case) under `folder`, sorted; links are listed, not followed."""
    paths = []
    for root, dirs, files in os.walk(folder):  # os.walk does not descend into linked folders
        dirs.sort()
        paths.extend(Path(root, name) for name in files if name.lower().endswith(".csv"))
    return sorted(paths)


def read_source(path: Path, folder: Path | None) -> bytes | ReadProblem:
    """The file's bytes, or why they were not read."""
    if folder is not None and not _stays_inside(path, folder):
        return ReadProblem("a symbolic link to a file outside the folder: not read")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return ReadProblem(
                f"{size:,} bytes: over the {MAX_FILE_BYTES:,}-byte limit for one file; not read"
            )
        return path.read_bytes()
    except OSError as error:
        return ReadProblem(f"cannot be read: {error.strerror or type(error).__name__}")


def _stays_inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def read_sources(found: Iterable[tuple[Path, Path | None]]) -> Iterator[Source]:
    """(path as text, bytes or problem) for each file, read one at a time."""
    for path, folder in found:
        yield str(path), read_source(path, folder)
