"""The registry: projects, their meters, reservations and reviewed clearances, as plain code.

- `files.py`: the reviewed CSVs, each row checked against its model;
- `appendix_b.py`: Appendix B 1.1-1.3 (co-located or duplicate registrations) and
  the exclusivity of reservations;
- `drafts.py`: a first `projects.csv` drafted from verification-file headers.
"""
