"""Issuance: from normalised meter reads and the registry to lots of whole R-RECs.

- `windows.py`: calendar windows per frequency, in each project's time zone;
- `energy.py`: energy per reservation, project and window (polars, streaming);
- `segments.py`, `coverage.py`: each meter's covered segments, evidence per window;
- `lots.py`: whole R-RECs per window with the exact carry-forward and the volume;
- `chains.py`: a reservation's windows walked in order (carry, volume, holds, adjustments);
- `plan.py`: a plan from the registry, the reads, the clock and what was issued;
- `settings.py`, `due.py`, `period.py`: the settings every caller plans with, which
  periods are due, one period's share of a plan;
- `frames.py`: lots, reads and holds as tables; the guard's overlaps;
- `lot_files.py`, `file_rows.py`: a lot's CSV, scorecard and I-REC request, and their rows;
- `producer_lots.py`: producers' verification files as lots;
- `admission.py`, `refusals.py`: the one gate in front of the ledger, and each rule's words;
- `report.py`: a plan as people and programs read it (`rrec plan`), tokens of projects.
"""
