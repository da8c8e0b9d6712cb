"""Validation of verification CSVs: the Standard's four checks as data-driven rules.

- `rules.py`: every rule as data, and the findings rules produce: the one catalogue;
- `config.py`: the rules' tunable thresholds, with the Standard's defaults;
- `header_rules.py`: the header section and the file as text;
- `row_context.py`, `row_rules.py`: every row with its context, checked by a pandera
  schema whose check names are rule ids;
- `file_rules.py`: one file's data as a whole (totals, period, gaps, trailing rows);
- `cross_file_rules.py`: rules across files (the double-counting SOP);
- `batch.py`, `batch_tables.py`: a batch judged, and as files, readings and findings;
- `quarantine.py`: what a rejected file's quarantine holds (a resource writes it);
- `gap_explanations.py`: registered explanations the completeness check accepts.
"""
