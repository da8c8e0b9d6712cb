"""Meter data, from pages as received to the normalised meter-reads table.

Plain modules, no Dagster and no network: `pages.py` (what a connector hands
over), `parsers/` (one module per source format), `normalise.py` (registers to
deltas, duplicates, anomalies), `classes.py` (customer classes).
"""
