"""Dagster asset checks, and nothing else.

The rules they apply live in the domain (`rrec_pipeline.validation`,
`rrec_pipeline.meter_reads.overlaps`, the table registry); these modules turn
outcomes into check results whose metadata a person who did not write the code
can read: Markdown tables naming file, line, rule, value and what was expected.
Each module declares its checks' specs and computes their results; the asset
they judge declares the specs and yields the results in its own step, on the
frames it has just written (a check of its own step would read them back).

- `schemas.py`: one blocking schema check per registered table;
- `verification.py`: one check per rule family, and that quarantine caught every error;
- `meter_reads.py`: no overlapping intervals; anomalies for review;
- `credits.py`: every eligible project-year has a factor;
- `issuance.py`: per period, the guard, held and waiting lots, and lot files that validate;
  the producer files' guard;
- `chain.py`: the chain read back against the ledger: each lot minted once, no mint
  without its published file, no overlapping mints, no failed mint;
- `markdown.py`: frames as Markdown tables for check metadata.
"""
