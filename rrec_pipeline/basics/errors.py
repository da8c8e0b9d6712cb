"""Failures an operator can fix, told in one line: what failed and why, never a traceback.

Every such error names the thing (a file, a setting, a remote, a node) and the
reason, and holds no secret: URLs pass through `minting.links.redact` first.
`rrec` prints them as `rrec <command>: <message>`.
"""

from __future__ import annotations

import os


class OperatorError(RuntimeError):
    """Something outside the code is wrong (a setting, a file, a remote): exit 1."""


class ChainError(OperatorError):
    """A chain call failed; the message names the reason and never holds a key."""


class SettingError(OperatorError):
    """A setting (environment variable) has a value that cannot be used: exit 2."""


def int_setting(name: str, default: int, *, minimum: int = 0) -> int:
    """An integer environment variable, or `default` when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingError(f"{name}={text[:40]!r} is not a whole number") from None
    if value < minimum:
        raise SettingError(f"{name}={value} is below {minimum}")
    return value
