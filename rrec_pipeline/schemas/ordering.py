"""Checks on row order that let a sorted frame skip a sort or a hash.

Normalisation writes each day's reads in one order, and a run's days are read
back one after another; rules that would sort or hash them (one row per key,
no overlapping intervals) first ask, in one pass, whether the rows are in that
order (for one day or for days in turn), and compare neighbours when they are.
"""

from __future__ import annotations

import polars as pl

# The UTC day a read belongs to: its partition (intervals start on their day).
UTC_DAY = pl.col("interval_start").dt.date()


def duplicated_rows(frame: pl.LazyFrame, key: tuple[str, ...]) -> pl.Expr:
    """Rows that share `key` with another row.

    Rows in key order, or day by day in key order (rows with one key share
    their day), are compared with their neighbours, one pass; any other order
    is hashed, as `unique` would.
    """
    by_day = "interval_start" in key and in_order(frame, (UTC_DAY, *key))
    if by_day or in_order(frame, key):
        same = [
            pl.all_horizontal(pl.col(c).eq_missing(pl.col(c).shift(step)) for c in key)
            for step in (1, -1)
        ]
        return (same[0] | same[1]).fill_null(False)
    return pl.struct(key).is_duplicated()


def in_order(frame: pl.LazyFrame | pl.DataFrame, key: tuple[str | pl.Expr, ...]) -> bool:
    """Whether the rows are sorted by `key`, columns or expressions (one pass; no sort)."""
    return bool(frame.lazy().select(_at_or_after_previous(key).all()).collect().item())


def _at_or_after_previous(key: tuple[str | pl.Expr, ...]) -> pl.Expr:
    """Each row is at or after the one before it in `key` order (nulls: not in order)."""
    column, *rest = key
    current = pl.col(column) if isinstance(column, str) else column
    previous = current.shift(1)
    after = (
        current >= previous
        if not rest
        else (current > previous) | ((current == previous) & _at_or_after_previous(tuple(rest)))
    )
    return after.fill_null(False) | (pl.int_range(pl.len()) == 0)
