"""Publication: lots' files committed to the verification-data repository (GitPython;
the `Repository` port of `minting/publication.py`), and fetching the bytes a mint's link pins.
"""
