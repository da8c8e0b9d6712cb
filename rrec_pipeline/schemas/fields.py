"""Columns that several tables share, declared once (as PUDL declares its fields once).

Each is a function, since pandera needs a field of its own per model; a table
that means something narrower passes its own description or checks.
"""

from __future__ import annotations

from typing import Any

import pandera.polars as pa

SOURCES = ("steamaco", "sparkmeter", "enphase", "victron", "files")


def _field(description: str, overrides: dict[str, Any]) -> Any:
    return pa.Field(**{"description": description, **overrides})


def source(**overrides: Any) -> Any:
    return _field("meter system or file drop", {"isin": list(SOURCES), **overrides})


def site_id(**overrides: Any) -> Any:
    return _field("site as the source names it", overrides)


def device_id(**overrides: Any) -> Any:
    return _field("meter or inverter as the source names it", overrides)


def project_id(**overrides: Any) -> Any:
    return _field("the registered project", overrides)


def reservation_id(**overrides: Any) -> Any:
    return _field("the buyer's reservation", overrides)


def lot_id(**overrides: Any) -> Any:
    return _field("the lot", overrides)


def frequency(**overrides: Any) -> Any:
    return _field("the reservation's issuance frequency", overrides)


def timezone(**overrides: Any) -> Any:
    return _field("the project's IANA time zone", overrides)


def recipient(**overrides: Any) -> Any:
    return _field("wallet the R-RECs are minted to", overrides)


def token(**overrides: Any) -> Any:
    return _field("the token class", overrides)
