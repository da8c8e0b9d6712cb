"""Validation rules for R-REC verification data, and their Dagster asset checks.

Everything here except `asset_checks.py` is plain Python (no Dagster, no network),
so every rule can be tested and reused by the CLI, the assets and the benchmarks:

- `rules.py`: the rule registry (id, family, severity, description) and `Finding`;
- `row_rules.py`: per-row rules, run as a pandera schema over the readings;
- `file_rules.py`: per-file rules (header, totals, gaps, timestamps);
- `cross_file_rules.py`: rules across a batch (overlaps, static mismatches);
- `batch.py`: validates a set of files and reports per file;
- `asset_checks.py`: one Dagster asset check per rule family.
"""
