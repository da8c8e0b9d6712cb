"""The Standard's token classes, and each one's display name as the registry names it.

R-RECs have a token class per US state (`RREC-GA`) and per African country
(`RREC-AKE`, A + ISO alpha-2); the Standard defines no other, so no other is
ever deployed or minted (`class_problem`).
"""

from __future__ import annotations

import re

import polars as pl

from rrec_pipeline.basics.geography import us_state_name
from rrec_pipeline.credits.reference import ReferenceTables

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def _african_country(code: str, tables: ReferenceTables) -> str | None:
    match = tables.countries.filter((pl.col("iso2") == code) & pl.col("is_african"))
    return match["country_name"][0] if match.height else None


def _place(symbol: str, tables: ReferenceTables) -> str | None:
    """The state or country a token class stands for; None when the Standard has no such
    class."""
    if not symbol.startswith("RREC-"):
        return None
    code = symbol.removeprefix("RREC-")
    if len(code) == 3 and code.startswith("A"):
        return _african_country(code[1:], tables)
    return us_state_name(code) if len(code) == 2 else None


def class_problem(symbol: str, tables: ReferenceTables) -> str | None:
    """Why `symbol` is not one of the Standard's token classes; None when it is."""
    if _place(symbol, tables) is None:
        return (
            f"{symbol!r} is not a token class of the Standard: RREC-<US state> (RREC-GA) "
            "or RREC-A<African ISO alpha-2> (RREC-AKE)"
        )
    return None


def token_name(symbol: str, tables: ReferenceTables) -> str:
    """`RREC-AKE` -> `Kenya R-RECs`; `RREC-GA` -> `Georgia R-RECs`; otherwise the symbol."""
    place = _place(symbol, tables)
    return f"{place} R-RECs" if place else symbol


def with_contracts(
    existing: dict, record: dict[str, str | None], tables: ReferenceTables
) -> tuple[dict, list[str], list[str], list[str]]:
    """A contracts file (token -> address or {"address", "deployed_block"}) with the record's
    contracts (token -> address) it lacks: (the new file, tokens added, tokens skipped with
    why, conflicts). Only the Standard's token classes with an address are added; one the file
    already holds at another address is a conflict, and the file's entry is kept."""
    merged, added, skipped, conflicts = dict(existing), [], [], []
    for token, address in sorted(record.items()):
        problem = class_problem(token, tables) or (None if address else f"{token} has no address")
        if problem:
            skipped.append(problem)
            continue
        entry = existing.get(token)
        held = entry.get("address") if isinstance(entry, dict) else entry
        if not _ADDRESS.fullmatch(address):
            conflicts.append(f"{token}: the record's address is not one")
        elif held is None:
            merged[token] = {"address": address, "deployed_block": 0}
            added.append(token)
        elif str(held).lower() != address.lower():
            conflicts.append(f"{token}: the contracts file has {held}, the record {address}")
    return dict(sorted(merged.items())), added, skipped, conflicts
