"""Parsers: each source's shape, units and time basis; errors name what failed."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from rrec_pipeline.meter_reads.pages import Page, PageFormatError
from rrec_pipeline.meter_reads.parsers import parse_batch, parse_page

RECEIVED = datetime(2025, 3, 20, tzinfo=UTC)


def page(kind: str, body, source: str = "files", **context) -> Page:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Page(source, kind, "/x", {}, 200, RECEIVED, raw, context)


def csv_page(text: str, vendor: str = "generic", **context) -> Page:
    defaults = {"vendor": vendor, "site_id": "s1", "device_id": "s1", "timezone": "UTC"}
    return page("files.csv", text.encode(), **{**defaults, **context})


def test_generic_csv_in_wh_is_converted_and_ends_each_interval() -> None:
    frame = parse_page(
        csv_page("timestamp,Wh\n2025-03-14T01:00:00Z,500\n2025-03-14T02:00:00Z,1250\n")
    )
    assert frame["wh"].to_list() == [500, 1250]
    assert frame["interval_start"].to_list() == [
        datetime(2025, 3, 14, 0, tzinfo=UTC),
        datetime(2025, 3, 14, 1, tzinfo=UTC),
    ]


def test_naive_local_stamps_cross_a_dst_day_in_utc() -> None:
    """New York, 2025-03-09: local 01:00 is followed by 03:00, one hour later in UTC."""
    rows = "\n".join(f"2025-03-09T{hour:02d}:00,1" for hour in (1, 3, 4))
    frame = parse_page(csv_page(f"timestamp,kWh\n{rows}\n", timezone="America/New_York"))
    ends = frame["interval_end"].to_list()
    assert ends == [
        datetime(2025, 3, 9, 6, tzinfo=UTC),
        datetime(2025, 3, 9, 7, tzinfo=UTC),
        datetime(2025, 3, 9, 8, tzinfo=UTC),
    ]
    assert {end - start for start, end in zip(frame["interval_start"], ends, strict=True)} == {
        timedelta(hours=1)
    }


def test_a_row_after_a_hole_covers_the_usual_interval_not_the_hole() -> None:
    """Hourly rows, then four days without rows: the next row is an hour's energy."""
    hours = [datetime(2024, 3, 1, h, tzinfo=UTC) for h in range(1, 5)]
    hours += [datetime(2024, 3, 5, 5, tzinfo=UTC), datetime(2024, 3, 5, 6, tzinfo=UTC)]
    rows = "\n".join(f"{at:%Y-%m-%dT%H:%MZ},1.5" for at in hours)
    for vendor, marks in (("generic", "end"), ("solaredge", "start")):
        header = "timestamp,kWh" if vendor == "generic" else "Time,System Production (kWh)"
        text = f"{header}\n{rows}\n"
        frame = parse_page(csv_page(text, vendor=vendor))
        lengths = (frame["interval_end"] - frame["interval_start"]).unique().to_list()
        assert lengths == [timedelta(hours=1)], (vendor, marks)
        covered = sorted(zip(frame["interval_start"], frame["interval_end"], strict=True))
        hole = [b - a for (_, a), (b, _) in itertools.pairwise(covered) if b > a]
        assert hole == [timedelta(days=4)], "the hole stays a gap of four days"


def test_a_bad_cell_names_its_line() -> None:
    with pytest.raises(PageFormatError, match="line 3: 'n/a kWh' is not a number"):
        parse_page(csv_page("timestamp,kWh\n2025-03-14T01:00Z,1\n2025-03-14T02:00Z,n/a kWh\n"))
    with pytest.raises(PageFormatError, match="line 2: 'yesterday' is not an ISO 8601"):
        parse_page(csv_page("timestamp,kWh\nyesterday,1\n2025-03-14T02:00Z,1\n"))


def test_a_csv_without_recognisable_columns_is_rejected() -> None:
    with pytest.raises(PageFormatError, match="line 1: expected a time column"):
        parse_page(csv_page("when,amount\n2025-03-14,1\n"))


def test_steamaco_csv_export_keeps_customer_and_class() -> None:
    text = (
        "timestamp,meter,customer,user_type,usage\n"
        "2025-03-14T00:00:00+00:00,M1,101,RES,0.5\n2025-03-14T01:00:00+00:00,M1,101,RES,0.25\n"
    )
    frame = parse_page(csv_page(text, vendor="steamaco"))
    assert frame.select("device_id", "customer_id", "customer_class").unique().rows() == [
        ("M1", "101", "type1_household")
    ]
    assert frame["interval_start"][0] == datetime(2025, 3, 14, tzinfo=UTC)


def test_solaredge_csv_report_reads_the_unit_from_the_header() -> None:
    text = (
        "Time,System Production (Wh)\n2025-03-10 00:00:00,38210\n2025-03-11 00:00:00,\n"
        "2025-03-12 00:00:00,41075\n"
    )
    frame = parse_page(csv_page(text, vendor="solaredge", timezone="Africa/Nairobi"))
    assert frame["wh"].to_list() == [38_210, None, 41_075]
    assert frame["quality"].to_list() == ["measured", "missing", "measured"]
    assert frame["interval_start"][0] == datetime(2025, 3, 9, 21, tzinfo=UTC)


def test_solaredge_json_export_in_wh_with_null_and_missing_values() -> None:
    body = {
        "energy": {
            "timeUnit": "DAY",
            "unit": "Wh",
            "measuredBy": "INVERTER",
            "values": [
                {"date": "2025-03-10 00:00:00", "value": 38210.0},
                {"date": "2025-03-11 00:00:00", "value": None},
                {"date": "2025-03-12 00:00:00"},
            ],
        }
    }
    frame = parse_page(
        page("files.solaredge_json", body, device_id="se1", site_id="se", timezone="Europe/Berlin")
    )
    assert frame["wh"].to_list() == [38_210, None, None]
    assert frame["interval_start"][0] == datetime(2025, 3, 9, 23, tzinfo=UTC)


def test_solaredge_monthly_values_follow_the_site_calendar() -> None:
    body = {
        "energyDetails": {
            "timeUnit": "MONTH",
            "unit": "kWh",
            "meters": [
                {"type": "FeedIn", "values": [{"date": "2025-03-01 00:00:00", "value": 1.0}]},
                {"type": "Production", "values": [{"date": "2025-03-01 00:00:00", "value": 900.0}]},
            ],
        }
    }
    frame = parse_page(
        page("files.solaredge_json", body, device_id="se1", site_id="se", timezone="Europe/Berlin")
    )
    row = frame.row(0, named=True)
    assert row["wh"] == 900_000
    # March in Berlin: starts at +01:00, ends after the switch to +02:00.
    assert (row["interval_start"], row["interval_end"]) == (
        datetime(2025, 2, 28, 23, tzinfo=UTC),
        datetime(2025, 3, 31, 22, tzinfo=UTC),
    )


@pytest.mark.parametrize("unit, step", [("HOUR", 60), ("QUARTER_OF_AN_HOUR", 15)])
def test_solaredge_reads_the_hour_clocks_repeat_twice_and_loses_no_energy(unit, step) -> None:
    """New York, 2024-11-03: local 01:00-02:00 happens twice (EDT, then EST). The export
    lists its stamps twice; each reading is its own period, end to end in UTC."""
    walls = [datetime(2024, 11, 3, 0) + timedelta(minutes=step * n) for n in range(180 // step)]
    repeated = [wall for wall in walls if wall.hour == 1]
    cut = walls.index(repeated[-1]) + 1
    stamps = [*walls[:cut], *repeated, *walls[cut:]]  # 00:00 ... 01:45, 01:00 ... 01:45, 02:00
    values = [{"date": str(at), "value": 100 + n} for n, at in enumerate(stamps)]
    body = {"energy": {"timeUnit": unit, "unit": "Wh", "values": values}}
    export = page("files.solaredge_json", body, device_id="se1", timezone="America/New_York")
    for frame in (parse_page(export), parse_batch([export])[0]):  # the reference, the bulk road
        assert frame.height == len(values)
        assert int(frame["wh"].sum()) == sum(value["value"] for value in values)
        starts, ends = frame["interval_start"].to_list(), frame["interval_end"].to_list()
        assert starts[0] == datetime(2024, 11, 3, 4, tzinfo=UTC)  # 00:00 EDT
        assert ends[-1] == datetime(2024, 11, 3, 8, tzinfo=UTC)  # 03:00 EST
        assert all(
            end - start == timedelta(minutes=step) for start, end in zip(starts, ends, strict=True)
        )
        assert starts[1:] == ends[:-1]


def test_solaredge_days_follow_the_site_calendar_across_a_change_of_clocks() -> None:
    values = [{"date": f"2024-11-0{day} 00:00:00", "value": 1000} for day in (2, 3, 4)]
    body = {"energy": {"timeUnit": "DAY", "unit": "Wh", "values": values}}
    export = page("files.solaredge_json", body, device_id="se1", timezone="America/New_York")
    for frame in (parse_page(export), parse_batch([export])[0]):
        lengths = [
            end - start for start, end in frame.select("interval_start", "interval_end").rows()
        ]
        assert lengths == [timedelta(hours=24), timedelta(hours=25), timedelta(hours=24)]


def test_enphase_daily_series_uses_local_days_and_stops_at_the_last_report() -> None:
    last_report = int(datetime(2025, 3, 10, 20, tzinfo=UTC).timestamp())
    body = {
        "start_date": "2025-03-08",
        "production": [1000, 2000, 3000, 0, 0],
        "meta": {"last_energy_at": last_report},
    }
    frame = parse_page(
        page(
            "enphase.energy_lifetime",
            body,
            source="enphase",
            device_id="7001",
            site_id="7001",
            timezone="America/New_York",
        )
    )
    assert frame["wh"].to_list() == [1_000, 2_000, 3_000]
    dst_day = frame.row(1, named=True)
    assert dst_day["interval_end"] - dst_day["interval_start"] == timedelta(hours=23)


def test_victron_sums_pv_codes_and_skips_absent_ones() -> None:
    at = int(datetime(2025, 3, 14, 10, tzinfo=UTC).timestamp() * 1000)
    body = {
        "success": True,
        "records": {"Pc": [[at, 1.5]], "Pb": [[at, 0.5]], "Pg": False, "Gc": [[at, 9.0]]},
    }
    frame = parse_page(
        page(
            "victron.stats",
            body,
            source="victron",
            device_id="4:pv",
            site_id="4",
            attribute_codes=["Pc", "Pb", "Pg"],
        )
    )
    assert frame.select("wh", "interval_start").rows() == [
        (2_000, datetime(2025, 3, 14, 10, tzinfo=UTC))
    ]


def test_thundercloud_registers_are_read_in_site_time() -> None:
    body = {
        "status": "success",
        "customers": [
            {
                "code": "C1",
                "meters": [
                    {
                        "serial": "SM1",
                        "current_tariff_name": "Residential",
                        "last_energy": 1404.77,
                        "last_energy_datetime": "2025-03-14T11:00:00",
                    }
                ],
            }
        ],
    }
    frame = parse_page(
        page(
            "sparkmeter.thundercloud_customers",
            body,
            source="sparkmeter",
            site_id="tc",
            timezone="Africa/Nairobi",
        )
    )
    row = frame.row(0, named=True)
    assert row["kind"] == "register" and row["wh"] == 1_404_770
    assert row["interval_end"] == datetime(2025, 3, 14, 8, tzinfo=UTC)
    assert row["customer_class"] == "type1_household"


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        ("steamaco.meter_readings", b'{"results": [{"timest', "malformed JSON"),
        ("steamaco.meter_readings", {"detail": "Invalid token."}, "error body"),
        (
            "sparkmeter.koios_historical",
            {"data": [{"timestamp": "2025-03-14T00:00:00Z"}]},
            "missing field 'meter'",
        ),
        (
            "enphase.production_meter",
            {"intervals": [{"end_at": "soon", "wh_del": 1}]},
            "not an epoch time",
        ),
        ("victron.stats", {"success": False, "errors": "nope"}, "expected 'records'"),
        ("files.unsupported", b"\x00", "unsupported file type"),
    ],
)
def test_malformed_pages_raise_a_format_error_naming_the_endpoint(kind, body, message) -> None:
    with pytest.raises(PageFormatError, match=message):
        parse_page(page(kind, body, source=kind.split(".")[0], device_id="d", site_id="s"))


def test_json_numbers_become_exact_watt_hours() -> None:
    """0.1 + 0.2 kWh is 300 Wh: values are read as the decimals the source wrote."""
    body = {
        "data": [
            {
                "timestamp": "2025-03-14T10:00:00Z",
                "meter": {"serial_number": "m"},
                "kilowatt_hours": v,
            }
            for v in (0.1, 0.2, "0.0005", "0.0015")
        ]
    }
    frame = parse_page(page("sparkmeter.koios_historical", body, source="sparkmeter"))
    assert frame["wh"].to_list() == [100, 200, 0, 2]  # half to even at the last Wh
    assert frame["wh"].dtype == pl.Int64


def test_a_batch_names_its_bad_pages_as_one_page_alone_would() -> None:
    """One schema validation for the batch; a failing batch is looked at page by page,
    so each page gets the readings or the error `parse_page` gives it."""

    def meter_page(end_at: int, seconds: int) -> Page:
        body = {"intervals": [{"end_at": end_at, "wh_del": 10}]}
        return page(
            "enphase.production_meter", body, "enphase", device_id="e1", interval_seconds=seconds
        )

    good, backwards = meter_page(1_741_914_000, 900), meter_page(1_741_914_900, -900)
    broken = page("enphase.production_meter", b"{", "enphase", device_id="e1")
    outcomes = parse_batch([good, backwards, broken, good])
    for one, outcome in zip([good, backwards, broken, good], outcomes, strict=True):
        try:
            expected = parse_page(one)
        except PageFormatError as error:
            assert isinstance(outcome, PageFormatError) and str(outcome) == str(error)
        else:
            assert isinstance(outcome, pl.DataFrame) and outcome.equals(expected)
    assert "readings do not hold together" in str(outcomes[1])
    assert [type(o).__name__ for o in parse_batch([good, good])] == ["DataFrame"] * 2
