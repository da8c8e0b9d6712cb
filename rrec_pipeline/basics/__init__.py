"""The leaves every layer stands on; they import nothing of the project's but each other.

- `amounts.py`: exact units (integer Wh, fixed-scale MWh), never a float;
- `frequencies.py`: the issuance frequencies, each its calendar rule, cron and period;
- `geography.py`: great-circle distance between sites, US state spellings;
- `home.py`: where `$RREC_HOME` and its folders are (each movable by its variable);
- `drop_files.py`: reading a file of a drop folder safely (no link out, size, permissions);
- `text.py`: untrusted text echoed safely (escaped, quoted, cut);
- `wallets.py`: a wallet R-RECs can go to;
- `errors.py`: failures an operator fixes, told in one line;
- `faults.py`: named fault points where the tests kill a run.
"""
