"""The demo (`rrec demo`): its generated inputs and the summary it ends with.

- `inputs.py`: a registry, a year of meter exports and producer files, made here;
- `profiles.py`: synthetic but plausible PV hours and mini-grid customer days;
- `summary.py`: what came in, what was issued and minted, what was held.
"""
