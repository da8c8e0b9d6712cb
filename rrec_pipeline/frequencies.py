"""How often a reservation's R-RECs are issued: the one list every layer takes them from.

A leaf module (no imports), so the command line can offer the choices
without loading the table registry.
"""

FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")
