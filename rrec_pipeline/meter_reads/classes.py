"""Customer classes as AMS-III.BB needs them: households (Type I) or not (Type II).

Metering systems name classes their own way; these maps say how each is read.
Anything not listed stays null: an unknown class is never guessed into Type I,
whose first 55 kWh a year earn the higher emission factor.
"""

from __future__ import annotations

TYPE1 = "type1_household"
TYPE2 = "type2_non_household"

# SteamaCo `user_type` codes.
STEAMACO_USER_TYPES = {
    "RES": TYPE1,
    "BUS": TYPE2,
    "COM": TYPE2,
    "INS": TYPE2,
    "INST": TYPE2,
    "ANC": TYPE2,
    "PUB": TYPE2,
}

# SparkMeter tariff or customer-class names, matched case-insensitively by keyword.
_SPARKMETER_KEYWORDS = (
    ("resid", TYPE1),
    ("household", TYPE1),
    ("domestic", TYPE1),
    ("commerc", TYPE2),
    ("business", TYPE2),
    ("product", TYPE2),
    ("institution", TYPE2),
    ("school", TYPE2),
    ("health", TYPE2),
    ("clinic", TYPE2),
    ("public", TYPE2),
    ("industr", TYPE2),
)


def steamaco_class(user_type: str | None) -> str | None:
    return STEAMACO_USER_TYPES.get((user_type or "").strip().upper())


def sparkmeter_class(name: str | None) -> str | None:
    text = (name or "").casefold()
    return next((klass for keyword, klass in _SPARKMETER_KEYWORDS if keyword in text), None)
