"""The header rows of a verification CSV, declared once.

Labels are written as the registry writes them; aliases are the other spellings
real files use (the Standard's own names without units or "(if applicable)").
The reader, the writer and the `header.fields` rule all work from `HEADER_FIELDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"


@dataclass(frozen=True)
class HeaderField:
    attr: str
    label: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    row_required: bool = True  # the row must be present
    value_required: bool = False  # the row must not be blank


HEADER_FIELDS: tuple[HeaderField, ...] = (
    HeaderField("project_name", "Project Name", Kind.TEXT, value_required=True),
    HeaderField("country", "Country", Kind.TEXT, value_required=True),
    HeaderField("us_state", "US State (if applicable)", Kind.TEXT, ("US State",)),
    HeaderField("us_region", "US Region (if applicable)", Kind.TEXT, ("US Region",)),
    HeaderField("latitude", "Latitude", Kind.NUMBER, value_required=True),
    HeaderField("longitude", "Longitude", Kind.NUMBER, value_required=True),
    HeaderField(
        "dc_capacity_kwp", "DC Capacity (kWp)", Kind.NUMBER, ("DC Capacity",), value_required=True
    ),
    HeaderField(
        "date_of_first_operation", "Date of First Operation", Kind.TIMESTAMP, row_required=False
    ),
    HeaderField("begin_timestamp", "Begin Timestamp", Kind.TIMESTAMP, value_required=True),
    HeaderField("end_timestamp", "End Timestamp", Kind.TIMESTAMP, value_required=True),
    HeaderField(
        "total_energy_mwh",
        "Total Energy Production (MWh)",
        Kind.NUMBER,
        ("Total Energy Production",),
        value_required=True,
    ),
    HeaderField(
        "total_carbon_reduction_tco2e",
        "Total Carbon Reduction (tCO2e)",
        Kind.NUMBER,
        ("Total Carbon Reduction",),
    ),
    HeaderField(
        "avert_factor_tco2e_per_mwh",
        "AVERT Emissions Factor",
        Kind.NUMBER,
        ("AVERT Emissions Factor (tCO2e/MWh)",),
    ),
    HeaderField(
        "ember_factor_gco2e_per_kwh",
        "Ember Emissions Factor (gCO2e/kWh)",
        Kind.NUMBER,
        ("Ember Emissions Factor",),
    ),
    HeaderField("type1_customers", "No. of Type 1 Customers", Kind.INTEGER),
    HeaderField("type2_customers", "No. of Type 2 Customers", Kind.INTEGER),
    HeaderField("type1_ma_consumption_mwh", "Type 1-MA Consumption (MWh)", Kind.NUMBER),
    HeaderField("type1_mb_consumption_mwh", "Type 1-MB Consumption (MWh)", Kind.NUMBER),
    HeaderField("type2_consumption_mwh", "Type 2 Consumption (MWh)", Kind.NUMBER),
    HeaderField("diesel_consumption_l", "Diesel Consumption (L)", Kind.NUMBER),
    HeaderField("diesel_production_mwh", "Diesel Production (MWh)", Kind.NUMBER),
    HeaderField("installation_type", "Type of Installation", Kind.TEXT, value_required=True),
)

DATA_COLUMNS = ("Datetime", "Measured kWh")
_DATETIME_ALIASES = ("datetime", "date time", "timestamp", "date")

# Values that mean "left blank" in files written by hand or by spreadsheets.
BLANK_VALUES = frozenset({"", "n/a", "na", "-", "none", "null"})


def normalise_label(label: str) -> str:
    return " ".join(label.replace("\ufeff", "").strip().casefold().split())


_BY_LABEL: dict[str, HeaderField] = {
    normalise_label(name): spec for spec in HEADER_FIELDS for name in (spec.label, *spec.aliases)
}


def field_for_label(label: str) -> HeaderField | None:
    return _BY_LABEL.get(normalise_label(label))


def is_data_header(cells: list[str]) -> bool:
    """True for the `Datetime,Measured kWh` row that opens the data section."""
    if len(cells) < 2:
        return False
    return normalise_label(cells[0]) in _DATETIME_ALIASES and "kwh" in normalise_label(cells[1])


def is_blank_value(text: str) -> bool:
    return text.strip().casefold() in BLANK_VALUES
