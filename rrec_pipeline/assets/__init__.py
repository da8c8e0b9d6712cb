"""Assets: what data exists. Thin wrappers over the plain modules that compute it.

Names follow `{layer}_{source}__{name}`: `raw` as received, `core` validated and
normalised, `out` published. Units are in column names, times are UTC.
"""
