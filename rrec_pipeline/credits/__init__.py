"""Token classes and carbon credits, as plain domain logic (no Dagster, no network).

- `reference.py`: the reviewed factor and place tables in `reference_data/`;
- `places.py`: country and US state/region resolution;
- `factors.py`: which Ember or AVERT factor applies, as polars joins;
- `classify.py`: R-REC token and credit class eligibility;
- `methods.py`: AMS-III.BB, AVERT and Ember arithmetic (exact decimals);
- `exchange.py`: whole project-year exchange rules;
- `for_files.py`: credits of one verification file (CLI, header fields).
"""
