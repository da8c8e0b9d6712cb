"""The meter sources: one HTTP client (origin-bound credentials, deadlines, retries),
each vendor's API, the meter file drop, and the landing zone of raw pages.
"""
