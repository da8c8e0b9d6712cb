"""Issuance: from normalised meter reads and the registry to lots of whole R-RECs.

- `windows.py`: calendar windows per frequency, in each project's time zone;
- `energy.py`: energy per reservation, project and window (polars, streaming);
- `lots.py`: whole R-RECs per window with the exact carry-forward and the volume;
- `plan.py`: a plan from the registry, the reads, the clock and what was issued.
"""
