"""The header rows of a verification CSV, declared once.

Each `HeaderField` says how the row is labelled (as the registry writes it, plus
the other spellings real files use), what kind of value it holds, its column
type in the file-summary table, and what it is used for: the place a token
and credit class follow from, the mini-grid consumption AMS-III.BB needs, or a
static fact of the project that must not change between its files. The
reader, the writer, `VerificationHeader`, the `header.fields` rule, the
file-summary table and the credits all work from `HEADER_FIELDS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from decimal import Decimal
from enum import StrEnum

import polars as pl

from rrec_pipeline.basics.amounts import FACTOR, LITRES, MWH, MWH_DECIMALS, TCO2E


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"


class Role(StrEnum):
    PLACE = "place"  # token and credit class follow from these
    CONSUMPTION = "consumption"  # AMS-III.BB inputs of a mini-grid
    NONE = "none"


@dataclass(frozen=True)
class HeaderField:
    attr: str
    label: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    row_required: bool = True  # the row must be present
    value_required: bool = False  # the row must not be blank
    dtype: pl.DataType | None = field(default=None, compare=False)  # file-summary column
    decimals: int | None = None  # numbers are read onto this grid (exact amounts)
    role: Role = Role.NONE
    is_static: bool = False  # the same in every file of a project (double counting)
    # Plausible magnitude: larger values are no real project's (rule range.plausible)
    # and are not used, so no arithmetic downstream can overflow.
    limit: Decimal | None = None
    written_when_blank: bool = True  # the writer leaves the row out when it has no value


def _text(attr, label, *aliases, role=Role.NONE, is_static=False, required=True) -> HeaderField:
    return HeaderField(
        attr,
        label,
        Kind.TEXT,
        aliases,
        value_required=required,
        dtype=pl.String,
        role=role,
        is_static=is_static,
    )


def _number(attr, label, dtype, *aliases, required=False, limit=None, **options) -> HeaderField:
    return HeaderField(
        attr,
        label,
        Kind.NUMBER,
        aliases,
        value_required=required,
        dtype=dtype,
        limit=None if limit is None else Decimal(limit),
        **options,
    )


# The largest solar plants are a few GWp and make a few TWh a year: ten times that
# is the bound of what a verification file may claim.
MAX_KWP, MAX_MWH, MAX_TONNES, MAX_LITRES = "1e7", "1e8", "1e8", "1e10"


HEADER_FIELDS: tuple[HeaderField, ...] = (
    _text("project_name", "Project Name"),
    _text("country", "Country", role=Role.PLACE, is_static=True),
    _text(
        "us_state",
        "US State (if applicable)",
        "US State",
        role=Role.PLACE,
        is_static=True,
        required=False,
    ),
    _text(
        "us_region",
        "US Region (if applicable)",
        "US Region",
        role=Role.PLACE,
        is_static=True,
        required=False,
    ),
    _number("latitude", "Latitude", pl.Decimal(38, 9), required=True, is_static=True, limit=90),
    _number("longitude", "Longitude", pl.Decimal(38, 9), required=True, is_static=True, limit=180),
    _number(
        "dc_capacity_kwp",
        "DC Capacity (kWp)",
        pl.Decimal(38, 6),
        "DC Capacity",
        required=True,
        is_static=True,
        limit=MAX_KWP,
    ),
    HeaderField(
        "date_of_first_operation",
        "Date of First Operation",
        Kind.TIMESTAMP,
        row_required=False,
        dtype=pl.Date,
        is_static=True,
    ),
    HeaderField("begin_timestamp", "Begin Timestamp", Kind.TIMESTAMP, value_required=True),
    HeaderField("end_timestamp", "End Timestamp", Kind.TIMESTAMP, value_required=True),
    _number(
        "total_energy_mwh",
        "Total Energy Production (MWh)",
        MWH,
        "Total Energy Production",
        required=True,
        decimals=MWH_DECIMALS,
        limit=MAX_MWH,
    ),
    _number(
        "total_carbon_reduction_tco2e",
        "Total Carbon Reduction (tCO2e)",
        TCO2E,
        "Total Carbon Reduction",
        limit=MAX_TONNES,
    ),
    _number(
        "avert_factor_tco2e_per_mwh",
        "AVERT Emissions Factor",
        FACTOR,
        "AVERT Emissions Factor (tCO2e/MWh)",
        limit=10,
    ),
    _number(
        "ember_factor_gco2e_per_kwh",
        "Ember Emissions Factor (gCO2e/kWh)",
        FACTOR,
        "Ember Emissions Factor",
        limit=10_000,
    ),
    HeaderField(
        "type1_customers",
        "No. of Type 1 Customers",
        Kind.INTEGER,
        dtype=pl.Int64,
        limit=Decimal("1e8"),
    ),
    HeaderField(
        "type2_customers",
        "No. of Type 2 Customers",
        Kind.INTEGER,
        dtype=pl.Int64,
        limit=Decimal("1e8"),
    ),
    _number(
        "type1_ma_consumption_mwh",
        "Type 1-MA Consumption (MWh)",
        MWH,
        decimals=MWH_DECIMALS,
        role=Role.CONSUMPTION,
        limit=MAX_MWH,
    ),
    _number(
        "type1_mb_consumption_mwh",
        "Type 1-MB Consumption (MWh)",
        MWH,
        decimals=MWH_DECIMALS,
        role=Role.CONSUMPTION,
        limit=MAX_MWH,
    ),
    _number(
        "type2_consumption_mwh",
        "Type 2 Consumption (MWh)",
        MWH,
        decimals=MWH_DECIMALS,
        role=Role.CONSUMPTION,
        limit=MAX_MWH,
    ),
    _number(
        "diesel_consumption_l",
        "Diesel Consumption (L)",
        LITRES,
        decimals=6,
        role=Role.CONSUMPTION,
        limit=MAX_LITRES,
    ),
    _number(
        "diesel_production_mwh",
        "Diesel Production (MWh)",
        MWH,
        decimals=MWH_DECIMALS,
        limit=MAX_MWH,
    ),
    _text("installation_type", "Type of Installation", role=Role.PLACE, is_static=True),
    # Written by the pipeline for an issuance lot (carry-forward between windows; negative:
    # a deduction still owed after a downward correction); absent from producers' files.
    _number(
        "carry_in_mwh",
        "Carried Forward In (MWh)",
        MWH,
        decimals=MWH_DECIMALS,
        limit=MAX_MWH,
        row_required=False,
        written_when_blank=False,
    ),
    _number(
        "carry_out_mwh",
        "Carried Forward Out (MWh)",
        MWH,
        decimals=MWH_DECIMALS,
        limit=MAX_MWH,
        row_required=False,
        written_when_blank=False,
    ),
    HeaderField(
        "rrecs_issued",
        "R-RECs Issued",
        Kind.INTEGER,
        row_required=False,
        dtype=pl.Int64,
        limit=Decimal(MAX_MWH),
        written_when_blank=False,
    ),
)

FIELDS_BY_ATTR: dict[str, HeaderField] = {spec.attr: spec for spec in HEADER_FIELDS}
PLACE_FIELDS = tuple(spec.attr for spec in HEADER_FIELDS if spec.role == Role.PLACE)
CONSUMPTION_FIELDS = tuple(spec.attr for spec in HEADER_FIELDS if spec.role == Role.CONSUMPTION)
STATIC_FIELDS = tuple(spec for spec in HEADER_FIELDS if spec.is_static)
# Header values that become columns of the file-summary table under their own name
# (Begin, End and the energy total have their own columns there).
SUMMARY_FIELDS = tuple(
    spec
    for spec in HEADER_FIELDS
    if spec.dtype is not None and spec.attr not in ("project_name", "total_energy_mwh")
)

_PYTHON_TYPES = {
    Kind.TEXT: "str",
    Kind.NUMBER: "Decimal",
    Kind.INTEGER: "int",
    Kind.TIMESTAMP: "Stamp",
}

VerificationHeader = make_dataclass(
    "VerificationHeader",
    [(spec.attr, f"{_PYTHON_TYPES[spec.kind]} | None", None) for spec in HEADER_FIELDS],
    frozen=True,
    namespace={
        "__doc__": "Header values; None where the file leaves them blank or they do not parse.",
        "__module__": __name__,
        "as_dict": lambda self: {spec.attr: getattr(self, spec.attr) for spec in HEADER_FIELDS},
    },
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
