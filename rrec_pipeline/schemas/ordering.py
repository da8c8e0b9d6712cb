"""Checks on row order that let a sorted frame skip a sort or a hash.

Normalisation writes reads in one order; rules that would sort or hash them
(one row per key, no overlapping intervals) first ask, in one pass, whether
the rows are already in order, and compare neighbours when they are.
"""

from __future__ import annotations

import polars as pl


def duplicated_rows(frame: pl.LazyFrame, key: tuple[str, ...]) -> pl.Expr:
    """Rows that share `key` with another row.

    Rows already in key order (as normalisation writes them) are compared with
    their neighbours, one pass; any other order is hashed, as `unique` would.
    """
    if in_order(frame, key):
        same = [
            pl.all_horizontal(pl.col(c).eq_missing(pl.col(c).shift(step)) for c in key)
            for step in (1, -1)
        ]
        return (same[0] | same[1]).fill_null(False)
    return pl.struct(key).is_duplicated()


def in_order(frame: pl.LazyFrame | pl.DataFrame, key: tuple[str, ...]) -> bool:
    """Whether the rows are sorted by `key` (one pass; no sort)."""
    return bool(frame.lazy().select(_at_or_after_previous(key).all()).collect().item())


def _at_or_after_previous(key: tuple[str, ...]) -> pl.Expr:
    """Each row is at or after the one before it in `key` order (nulls: not in order)."""
    column, *rest = key
    current, previous = pl.col(column), pl.col(column).shift(1)
    after = (
        current >= previous
        if not rest
        else (current > previous) | ((current == previous) & _at_or_after_previous(tuple(rest)))
    )
    return after.fill_null(False) | (pl.int_range(pl.len()) == 0)
