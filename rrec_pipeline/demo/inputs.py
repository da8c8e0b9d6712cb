"""The demo's inputs, generated here: a registry, a year of meter exports, producer files.

- Registry: distributed PV in Texas and California (AVERT), a Kenyan mini-grid
  with household and business customer meters (AMS-III.BB), a utility plant in
  Senegal (Ember), and a Nigerian hospital whose owner submits its own
  verification files; three buyers reserve the US rooftops quarterly, the
  mini-grid monthly and the Senegalese plant yearly.
- Meter exports for 2025, one file per site and month, in the drop layout
  (`generic`, `solaredge`, `steamaco`): US stamps in local time, so the March
  and November DST changes show as offset steps; the mini-grid's logger was down
  for three days in April (blank readings), so April's lot file fails
  `completeness.gap` and the blocking check holds it back, and with it the
  later months of its reservation; Senegal's August export is delivered late:
  its year waits for it (a month-long gap) and is issued once it arrives.
- Two producer files: a good first quarter, and a second quarter with one day
  exported in Wh under the kWh heading, which validation quarantines
  (`range.capacity`).

Each file carries the time it was delivered: the demo sets it as the file's
modification time, which the file drop reads as the delivery time.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from rrec_pipeline.demo.profiles import PvSite, customer_day_wh, customers, pv_hours
from rrec_pipeline.registry.drafts import COLUMNS as PROJECT_COLUMNS
from rrec_pipeline.verification_csv.fields import HEADER_FIELDS
from rrec_pipeline.verification_csv.filenames import build_file_name

YEAR = 2025
GAP = (date(YEAR, 4, 14), date(YEAR, 4, 16))  # the mini-grid logger's outage, inclusive
LATE_MONTH = 8  # Senegal's August export arrives in late November
LATE_DELIVERY = datetime(YEAR, 11, 20, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoFile:
    path: str  # relative to RREC_HOME
    body: bytes
    delivered: datetime
    is_late: bool = False


@dataclass(frozen=True)
class Site:
    vendor: str
    site_id: str
    zone: str
    pv: PvSite | None = None


PROJECTS = [
    (
        "DEMO-TX-ROOF",
        "Demo Austin Rooftops",
        "United States of America",
        "TX",
        30.2672,
        -97.7431,
        300,
        "Solar",
        "2023-05-01",
        "America/Chicago",
        "Distributed PV",
        1,
    ),
    (
        "DEMO-CA-ROOF",
        "Demo Fresno Rooftops",
        "United States of America",
        "CA",
        36.7378,
        -119.7871,
        250,
        "Solar",
        "2022-10-01",
        "America/Los_Angeles",
        "Distributed PV",
        2,
    ),
    (
        "DEMO-KE-MG",
        "Demo Turkana Mini-Grid",
        "Kenya",
        "",
        3.1191,
        35.5973,
        80,
        "Solar",
        "2022-09-01",
        "Africa/Nairobi",
        "Mini-Grid",
        3,
    ),
    (
        "DEMO-SN-PLANT",
        "Demo Kaolack Solar Plant",
        "Senegal",
        "",
        14.1652,
        -16.0758,
        1000,
        "Solar",
        "2022-01-15",
        "Africa/Dakar",
        "Utility PV",
        4,
    ),
    (
        "DEMO-NG-HOSP",
        "Demo Kano Hospital PV",
        "Nigeria",
        "",
        12.0022,
        8.592,
        150,
        "Solar",
        "2023-03-01",
        "Africa/Lagos",
        "Distributed PV",
        5,
    ),
]
SITES = [
    Site("generic", "tx-austin", "America/Chicago", PvSite("tx-austin", 300, 30.2672, -97.7431)),
    Site(
        "generic", "ca-fresno", "America/Los_Angeles", PvSite("ca-fresno", 250, 36.7378, -119.7871)
    ),
    Site("generic", "ke-turkana-gen", "Africa/Nairobi", PvSite("ke-turkana", 80, 3.1191, 35.5973)),
    Site("solaredge", "sn-kaolack", "Africa/Dakar", PvSite("sn-kaolack", 1000, 14.1652, -16.0758)),
    Site("steamaco", "ke-turkana-customers", "Africa/Nairobi"),
]
DEVICES = [
    ("DEMO-TX-ROOF", "tx-austin", "generation"),
    ("DEMO-CA-ROOF", "ca-fresno", "generation"),
    ("DEMO-KE-MG", "ke-turkana-gen", "generation"),
    ("DEMO-KE-MG", "ke-turkana-customers", "customer"),
    ("DEMO-SN-PLANT", "sn-kaolack", "generation"),
]
RESERVATIONS = [
    ("RES-US-QUARTERLY", "Lone Star Utility", 10, "DEMO-TX-ROOF;DEMO-CA-ROOF", 600, "quarterly"),
    ("RES-KE-MONTHLY", "Rift Valley Coffee", 11, "DEMO-KE-MG", 120, "monthly"),
    ("RES-SN-YEARLY", "Sahel Offtake Fund", 12, "DEMO-SN-PLANT", 1200, "yearly"),
]
MINI_GRID_CUSTOMERS = customers("TKN", households=24, businesses=6)


def wallet(number: int) -> str:
    """A recognisable demo address: 0xde00…0n."""
    return f"0xde{number:038x}"


def demo_files() -> list[DemoFile]:
    registry_day = datetime(YEAR - 1, 12, 15, tzinfo=UTC)
    files = [
        DemoFile("registry/projects.csv", _projects(), registry_day),
        DemoFile("registry/devices.csv", _devices(), registry_day),
        DemoFile("registry/reservations.csv", _reservations(), registry_day),
        DemoFile("registry/clearances.csv", b"project_id,cleared_against,reason\n", registry_day),
    ]
    for site in SITES:
        files.append(_site_json(site))
        for month in range(1, 13):
            files.append(_meter_file(site, month))
    files += _producer_files()
    return files


def _csv(header: list[str], rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _projects() -> bytes:
    return _csv(list(PROJECT_COLUMNS), [(*row[:-1], wallet(row[-1])) for row in PROJECTS])


def _devices() -> bytes:
    rows = [(project, "files", site, "", role) for project, site, role in DEVICES]
    return _csv(["project_id", "source", "site_id", "device_id", "role"], rows)


def _reservations() -> bytes:
    header = "reservation_id,buyer,recipient_wallet,project_ids,volume_mwh,start,end,frequency"
    rows = [
        (rid, buyer, wallet(w), projects, volume, f"{YEAR}-01-01", f"{YEAR}-12-31", frequency)
        for rid, buyer, w, projects, volume, frequency in RESERVATIONS
    ]
    return _csv(header.split(","), rows)


def _site_json(site: Site) -> DemoFile:
    settings = {"timezone": site.zone, "device_id": f"{site.site_id}:meter"}
    if site.pv:
        settings["capacity_kw"] = site.pv.capacity_kw
    body = json.dumps(settings, indent=2).encode() + b"\n"
    return DemoFile(
        f"meter_drop/{site.vendor}/{site.site_id}/site.json",
        body,
        datetime(YEAR - 1, 12, 20, tzinfo=UTC),
    )


def _month_bounds(zone: str, month: int) -> tuple[datetime, datetime]:
    local = ZoneInfo(zone)
    start = datetime(YEAR, month, 1, tzinfo=local)
    end = datetime(YEAR + month // 12, month % 12 + 1, 1, tzinfo=local)
    return start, end


def _meter_file(site: Site, month: int) -> DemoFile:
    start, end = _month_bounds(site.zone, month)
    if site.vendor == "steamaco":
        body = _steamaco_month(site, start, end)
    elif site.vendor == "solaredge":
        body = _solaredge_month(site, start, end)
    else:
        body = _generic_month(site, start, end)
    is_late = site.vendor == "solaredge" and month == LATE_MONTH
    delivered = LATE_DELIVERY if is_late else end.astimezone(UTC) + timedelta(days=1, hours=6)
    path = f"meter_drop/{site.vendor}/{site.site_id}/{YEAR}-{month:02d}.csv"
    return DemoFile(path, body, delivered, is_late)


def kwh_text(wh: int) -> str:
    """Exact kWh with three decimals from integer Wh."""
    return f"{'-' if wh < 0 else ''}{abs(wh) // 1000}.{abs(wh) % 1000:03d}"


def mwh_text(wh: int) -> str:
    """Exact MWh with six decimals from integer Wh."""
    return f"{'-' if wh < 0 else ''}{abs(wh) // 10**6}.{abs(wh) % 10**6:06d}"


def _in_gap(at: datetime, zone: str) -> bool:
    return GAP[0] <= at.astimezone(ZoneInfo(zone)).date() <= GAP[1]


def _generic_month(site: Site, start: datetime, end: datetime) -> bytes:
    """`timestamp,kWh`, stamped at each hour's end in local time with its offset."""
    local = ZoneInfo(site.zone)
    gap_site = site.site_id == "ke-turkana-gen"
    rows = []
    for at, wh in pv_hours(site.pv, start, end):
        stamp = (at + timedelta(hours=1)).astimezone(local).isoformat()
        rows.append((stamp, "" if gap_site and _in_gap(at, site.zone) else kwh_text(wh)))
    return _csv(["timestamp", "kWh"], rows)


def _solaredge_month(site: Site, start: datetime, end: datetime) -> bytes:
    """SolarEdge's energy report: hour starts in site time without offset, Wh."""
    local = ZoneInfo(site.zone)
    rows = [
        (at.astimezone(local).strftime("%Y-%m-%d %H:%M:%S"), wh)
        for at, wh in pv_hours(site.pv, start, end)
    ]
    return _csv(["Time", "System Production (Wh)"], rows)


def _steamaco_month(site: Site, start: datetime, end: datetime) -> bytes:
    """SteamaCo usage export: one row per customer and day, stamped at the day's start."""
    rows = []
    day = start.date()
    while day < end.date():
        stamp = datetime.combine(day, datetime.min.time(), ZoneInfo(site.zone)).isoformat()
        for customer in MINI_GRID_CUSTOMERS:
            wh = customer_day_wh(customer, day)
            rows.append(
                (stamp, customer.meter, customer.customer_id, customer.user_type, kwh_text(wh))
            )
        day += timedelta(days=1)
    return _csv(["timestamp", "meter", "customer", "user_type", "usage_amount"], rows)


def _producer_files() -> list[DemoFile]:
    """The hospital's own verification files: the first quarter, and a broken second."""
    site = PvSite("ng-kano", 150, 12.0022, 8.592)
    good = _producer_file(site, date(YEAR, 1, 1), date(YEAR, 3, 31), broken=False)
    bad = _producer_file(site, date(YEAR, 4, 1), date(YEAR, 6, 30), broken=True)
    return [good, bad]


def _producer_file(site: PvSite, first: date, last: date, *, broken: bool) -> DemoFile:
    lagos = ZoneInfo("Africa/Lagos")
    begin = datetime.combine(first, datetime.min.time(), lagos)
    end = datetime.combine(last, datetime.min.time(), lagos)
    hours = pv_hours(site, begin, end + timedelta(days=1))
    daily: dict[date, int] = {}
    for at, wh in hours:
        day = at.astimezone(lagos).date()
        daily[day] = daily.get(day, 0) + wh
    if broken:  # one day exported in Wh under the kWh heading: beyond the capacity
        daily[date(YEAR, 5, 12)] *= 1000
    total_wh = sum(daily.values())
    project = PROJECTS[-1]
    values = {
        "Project Name": project[1],
        "Country": project[2],
        "Latitude": project[4],
        "Longitude": project[5],
        "DC Capacity (kWp)": project[6],
        "Date of First Operation": f"{project[8]}T00:00:00+01:00",
        "Begin Timestamp": begin.isoformat(),
        "End Timestamp": end.isoformat(),
        "Total Energy Production (MWh)": mwh_text(total_wh),
        "Type of Installation": project[10],
    }
    header = [
        (spec.label, values.get(spec.label, ""))
        for spec in HEADER_FIELDS
        if spec.written_when_blank or spec.label in values
    ]
    rows = [
        (datetime.combine(d, datetime.min.time(), lagos).isoformat(), kwh_text(wh))
        for d, wh in sorted(daily.items())
    ]
    body = _csv(["Datetime", "Measured kWh"], rows)
    text = "".join(f"{label},{value}\n" for label, value in header) + ",\n"
    name = build_file_name("DemoKanoHospitalPV", begin, end)
    delivered = end.astimezone(UTC) + timedelta(days=10)
    return DemoFile(f"drop/{name}", text.encode() + body, delivered)
