"""Publication: lots' files committed to the verification-data repository (GitPython),
the publishing step, and fetching the bytes a mint's link pins.
"""
