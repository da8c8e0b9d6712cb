"""Untrusted text: how it is echoed, and what it may not contain.

Every value a producer or a meter system sent may be quoted in a finding, a
log line or the terminal. `quote` shows at most a short prefix, escaped
(newlines, ESC and other control characters become `\\n`, `\\x1b`), so a
200 MB cell or a terminal escape sequence never reaches an output. Text that a
spreadsheet would run as a formula, or that carries control characters, is
rejected where it would be stored.
"""

from __future__ import annotations

import re

QUOTE_LIMIT = 60
NAME_LIMIT = 300  # file names and paths are quoted whole, up to this
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`repr` of at most `limit` characters of `value`, with how much was left out."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def escaped(text: str) -> str:
    """`text` for a terminal or a log line: control characters written as escapes."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would evaluate (`=cmd|...`, `+1+1`, `@SUM(...)`)."""
    return text.startswith(FORMULA_LEADS) and not _is_number(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
