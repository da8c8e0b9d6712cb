"""The bulk road reads pages exactly as the per-page parsers (the reference) do.

Pages are drawn in the forms meter APIs send and in forms they should not
(values of other types, stamps in other forms, numbers in exponent form, huge
or negative values, missing fields, duplicate keys, non-JSON bodies): for each
batch, every page gives the reference's frame, or the reference's fault.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from rrec_pipeline.meter_reads.pages import Page, PageFormatError
from rrec_pipeline.meter_reads.parsers import BULK, PARSERS, parse_by_reference, parse_unvalidated
from tests.examples import examples

RECEIVED = datetime(2024, 3, 1, 12, tzinfo=UTC)
FIRST = datetime(2024, 1, 1, tzinfo=UTC)

# Values: plain decimals as numbers and as text, and what the bulk road must hand back.
plain_kwh = st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False)
odd_values = st.one_of(
    st.just("0.0005000000000000000001"),  # past the bulk road's 18 places: read one by one
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", " 1.5", "1e3", "-0.0005", "+1", ".5", "0x10", "1,5", "NaN", "\u0661"]),
    st.lists(st.integers(), max_size=2),
)
plain_values = st.one_of(
    plain_kwh.map(float).filter(lambda value: "e" not in repr(value)),  # 1e-06 is read one by one
    plain_kwh.map(str),
    st.integers(0, 10**9),
    st.sampled_from(
        [
            0.0005,
            0.0015,
            0.0025,
            1.0005,
            "2.5005",
            "0.00050000001",
            "007.5",
        ]
    ),
)
values = st.one_of(plain_values, odd_values)


def stamp_text(at: datetime, form: int) -> object:
    forms = [
        at.isoformat(),
        at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        at.strftime("%Y-%m-%dT%H:%M:%S"),
        at.astimezone(datetime.now().astimezone().tzinfo).isoformat(),
        at.strftime("%Y-%m-%dT%H:%M:%S.%f+05:30"),
        at.strftime("%Y-%m-%dT%H:%M:%S.123-03:00"),
        at.strftime("%Y-%m-%d %H:%M:%S"),
        at.strftime("%Y-%m-%dT%H:%M"),
        at.strftime(" %Y-%m-%dT%H:%M:%SZ"),
        "2024-02-30T00:00:00Z",
        int(at.timestamp()),
        None,
    ]
    return forms[form]


epochs = st.one_of(
    st.integers(1_700_000_000, 1_720_000_000),
    st.sampled_from([-1, 2**40, 1.7e9, "1700000000", None, True]),
)


@st.composite
def items(draw, kind: str, plain: bool) -> list[dict]:
    """Items of a page of `kind`: in the forms APIs send when `plain`, else any."""
    rows = []
    for hour in range(draw(st.integers(0, 6))):
        at = FIRST + timedelta(hours=draw(st.integers(0, 2000)), minutes=hour)
        if "sparkmeter" in kind:
            form = draw(st.sampled_from([0, 1, 2, 4, 5] if plain else range(12)))
            codes = ["C-1", "C-2", None] if plain else ["", 0, None, ["x"], "C-3"]
            meter = {"serial_number": draw(st.sampled_from(["SM-1", 42] if plain else [None, 1.5]))}
            if draw(st.booleans()):
                meter["customer"] = {"code": draw(st.sampled_from(codes))}
            row = {"timestamp": stamp_text(at, form), "meter": meter}
        elif "steamaco" in kind:
            form = draw(st.sampled_from([0, 1, 2, 4, 5] if plain else range(12)))
            row = {"timestamp": stamp_text(at, form)}
        elif kind == "enphase.production_meter":
            row = {"end_at": int(at.timestamp()) if plain else draw(epochs)}
        else:
            serial = draw(st.sampled_from(["INV-1", 42] if plain else ["INV-2", None, 1.5]))
            row = {
                "serial_number": serial,
                "read_at": int(at.timestamp()) if plain else draw(epochs),
            }
        for field in FIELDS[kind]:
            if plain or draw(st.integers(0, 9)) > 0:
                row[field] = draw(plain_values if plain else values)
        rows.append(row)
    return rows


FIELDS = {
    "steamaco.meter_readings": ("usage_amount", "reading"),
    "files.steamaco_json": ("usage_amount", "reading"),
    "steamaco.site_usage": ("usage",),
    "enphase.production_meter": ("wh_del", "enwh"),
    "enphase.meter_readings": ("value",),
    "sparkmeter.koios_historical": ("kilowatt_hours", "energy"),
    "files.sparkmeter_json": ("kilowatt_hours", "energy"),
}
ENVELOPE = {
    "enphase.production_meter": "intervals",
    "enphase.meter_readings": "meter_readings",
    "sparkmeter.koios_historical": "data",
    "files.sparkmeter_json": "data",
}


def body(rows: list, shape: int, envelope: str = "results") -> bytes:
    if shape == 0:
        return json.dumps({"count": len(rows), "next": None, envelope: rows}).encode()
    if shape == 1:
        return json.dumps(rows if envelope == "results" else {envelope: rows}, indent=1).encode()
    if shape == 2 and rows:  # a duplicate key: the last one counts, as json.loads reads it
        text = json.dumps(rows[0])
        duplicate = f', "{next(iter(rows[0]))}": 1}}'
        return (f'{{"{envelope}": [' + text[:-1] + duplicate + "]}").encode()
    return [b'{"detail": "Invalid token."}', b"not json", b'{"results": NaN}', b"[1, 2]"][shape % 4]


# Local times around New York's changes of clocks in 2024 (a skipped hour, a doubled one).
CHANGES = [datetime(2024, 3, 10, 1), datetime(2024, 11, 3, 0), datetime(2024, 6, 1)]


@st.composite
def solaredge_page(draw, plain: bool) -> Page:
    unit_name = draw(
        st.sampled_from(["QUARTER_OF_AN_HOUR", "HOUR", "DAY", "MONTH", "x"][: 3 if plain else 5])
    )
    unit = draw(st.sampled_from(["Wh", "kWh", "MWh", "wh", "GWh", 3][: 4 if plain else 6]))
    # A skipped local time is left to the reference: plain pages keep clear of it.
    changes = CHANGES[1:] if plain else CHANGES
    first = draw(st.sampled_from(changes)) + timedelta(minutes=15 * draw(st.integers(0, 8)))
    rows = []
    for n in range(draw(st.integers(0, 8))):
        at = first + timedelta(minutes=15 * n)
        form = draw(st.sampled_from([0, 1] if plain else [0, 1, 2, 3]))
        date = [str(at), at.isoformat(), at.strftime("%Y-%m-%d %H:%M"), 20240101][form]
        row = {"date": date}
        if plain or draw(st.integers(0, 9)) > 0:
            row["value"] = draw(plain_values if plain else values)
        rows.append(row)
    series = {"timeUnit": unit_name, "unit": unit, "values": rows}
    if draw(st.booleans()):
        body = {"energy": series}
    else:
        meters = [{"type": "Production", "values": rows}]
        body = {"energyDetails": {"timeUnit": unit_name, "unit": unit, "meters": meters}}
    zones = ["America/New_York", "Europe/Berlin", None, "Not/AZone"]
    context = {"device_id": "se-1", "timezone": draw(st.sampled_from(zones[: 3 if plain else 4]))}
    text = json.dumps(body).encode() if plain or draw(st.booleans()) else b"[1]"
    return Page("files", "files.solaredge_json", "export.json", {}, 200, RECEIVED, text, context)


@st.composite
def victron_page(draw, plain: bool) -> Page:
    """Series per code of `[epoch ms, kWh]` pairs, codes sharing some buckets."""
    first = int(FIRST.timestamp() * 1000)
    records: dict = {}
    for code in ("Pc", "Pb", "Pg"):
        if draw(st.integers(0, 3)) == 0:
            records[code] = draw(st.sampled_from([False, []] if plain else [False, [], "x"]))
            continue
        hours = draw(st.lists(st.integers(0, 5), max_size=5))
        ms = [first + 3_600_000 * hour for hour in hours]
        if not plain and draw(st.booleans()):
            ms = [draw(st.sampled_from([1.5e12, -1, True, "x"])), *ms]
        pairs = [[at, draw(plain_values if plain else values)] for at in ms]
        if not plain and draw(st.integers(0, 4)) == 0:
            pairs.append([first])
        records[code] = pairs
    body = {
        "success": draw(st.sampled_from([True] if plain else [True, False])),
        "records": records,
    }
    context = {
        "device_id": "v-1",
        "interval": draw(st.sampled_from(["hours", "15mins", "x"][: 2 if plain else 3])),
    }
    text = json.dumps(body).encode()
    return Page("victron", "victron.stats", "stats", {}, 200, RECEIVED, text, context)


@st.composite
def pages(draw, kind: str, plain: bool | None = None) -> Page:
    plain = draw(st.integers(0, 9)) < 7 if plain is None else plain
    if kind == "files.solaredge_json":
        return draw(solaredge_page(plain))
    if kind == "victron.stats":
        return draw(victron_page(plain))
    rows = draw(items(kind, plain))
    context = {"device_id": draw(st.sampled_from(["m-1", 7, None][: 2 if plain else 3]))}
    context["site_id"] = "s-1"
    if draw(st.booleans()):
        context["user_type"] = draw(st.sampled_from(["RES", "BUS", None, 3][: 3 if plain else 4]))
    if draw(st.integers(0, 4)) == 0:
        context["capacity_kw"] = draw(st.sampled_from([5, "2.5", -1, "x"][: 2 if plain else 4]))
    if draw(st.integers(0, 4)) == 0:
        context["interval_hours"] = draw(st.sampled_from([0.25, "1", "x"][: 2 if plain else 3]))
        context["interval_seconds"] = draw(st.sampled_from([300, "900", "x"][: 2 if plain else 3]))
        context["interval_minutes"] = draw(st.sampled_from([60, "15", "x"][: 2 if plain else 3]))
    if draw(st.booleans()):
        tariffs = {"C-1": "Residential", "C-2": "Commercial shop", "C-3": None}
        context["customer_tariffs"] = tariffs if plain or draw(st.booleans()) else ["x"]
    if not plain and draw(st.integers(0, 3)) == 0:
        del context["site_id"]
    shape = draw(st.sampled_from([0, 1] if plain else [0, 1, 2, 3, 4, 5, 6]))
    source = kind.split(".")[0]
    text = body(rows, shape, ENVELOPE.get(kind, "results"))
    return Page(source, kind, "readings", {}, 200, RECEIVED, text, context)


def assert_same(bulk, reference, page: Page) -> None:
    if isinstance(reference, PageFormatError) or isinstance(bulk, PageFormatError):
        assert str(bulk) == str(reference), (page.body, page.context)
    else:
        assert_frame_equal(bulk, reference)  # hypothesis prints the page that differs


@settings(max_examples=examples(600), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(sorted(BULK)).flatmap(pages), min_size=1, max_size=12))
def test_every_bulk_kind_reads_pages_as_its_reference(batch: list[Page]) -> None:
    """A batch of pages of several kinds, as a fetch lands them (about seven in ten
    plain): each page's frame or fault is the reference's."""
    for page, bulk in zip(batch, parse_unvalidated(batch), strict=True):
        assert_same(bulk, parse_by_reference(page), page)


@pytest.mark.parametrize("kind", sorted(BULK))
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_plain_pages_of_every_bulk_kind_are_read_in_bulk(kind: str, data) -> None:
    batch = data.draw(st.lists(pages(kind, True), min_size=20, max_size=30))
    read = BULK[kind](batch)
    assert sum(frame is not None for frame in read) >= 15, "plain pages go in bulk"
    for page, frame in zip(batch, read, strict=True):
        if frame is not None:
            assert_frame_equal(frame, PARSERS[page.kind](page))


def test_plain_pages_take_the_bulk_road_and_round_half_to_even() -> None:
    items = [
        {"timestamp": "2024-01-01T00:00:00Z", "usage_amount": "0.0005"},
        {"timestamp": "2024-01-01T01:00:00+00:00", "usage_amount": 0.0015},
        {"timestamp": "2024-01-01T02:00:00", "usage_amount": "1.00050001"},
        {"timestamp": "2024-01-01T03:00:00.000+01:00", "usage_amount": None},
    ]
    page = Page(
        "steamaco",
        "steamaco.meter_readings",
        "r",
        {},
        200,
        RECEIVED,
        body(items, 0),
        {"device_id": "m-1"},
    )
    [frame] = BULK[page.kind]([page])
    assert frame is not None, "a plain page is read in bulk"
    assert frame["wh"].to_list() == [0, 2, 1001, None]
    assert frame.equals(PARSERS[page.kind](page))
    assert frame["interval_start"][3] == datetime(2024, 1, 1, 2, tzinfo=UTC)
    assert frame.schema == pl.DataFrame(schema=frame.schema).schema
