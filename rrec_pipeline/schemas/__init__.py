"""The schema registry: one pandera (polars) model per table that crosses modules.

Asset checks validate against these models, and DuckDB tables are created from
them, so a column is declared once. (Solidity lives in `contracts/`.)
"""
