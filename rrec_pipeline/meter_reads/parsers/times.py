"""Time stamps as meter APIs send them: ISO strings, epoch seconds, epoch milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rrec_pipeline.meter_reads.pages import PageFormatError


def zone(name: str | None, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise PageFormatError(f"{where}: unknown time zone {name!r}") from None


def utc_stamp(text: object, where: str, local_zone: str | None = None) -> datetime:
    """An ISO stamp as UTC; a stamp without offset is read in `local_zone` (default UTC)."""
    if not isinstance(text, str):
        raise PageFormatError(f"{where}: {text!r} is not a time stamp")
    try:
        stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise PageFormatError(f"{where}: {text!r} is not an ISO 8601 time stamp") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=zone(local_zone, where))
    return stamp.astimezone(UTC)


def epoch(value: object, where: str, *, milliseconds: bool = False) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PageFormatError(f"{where}: {value!r} is not an epoch time")
    seconds = value / 1000 if milliseconds else value
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
