"""Reads summed per site and slot before they meet the registrations give the same
project slots as tagging every read with its project first (the reference here)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from rrec_pipeline.issuance.energy import project_slots
from rrec_pipeline.tables import DEVICES, METER_READS
from tests.examples import examples

START = datetime(2025, 3, 1, tzinfo=UTC)
METERS = [("steamaco", "MG-1", "M1"), ("steamaco", "MG-1", "M2"), ("steamaco", "MG-2", "M3")]
METERS += [("files", "MG-1", "M1")]  # the same names under another source
REGISTRATIONS = [
    ("P-SITE", "steamaco", "MG-1", None, "generation"),
    ("P-METER", "steamaco", "MG-1", "M2", "generation"),  # a meter by itself wins over its site
    ("P-CUSTOMER", "steamaco", "MG-2", None, "customer"),  # not generation: no R-RECs
    ("P-FILES", "files", "MG-1", "M1", "generation"),
]

reading = st.tuples(
    st.sampled_from(range(len(METERS))),
    st.integers(0, 95),  # which quarter hour of a day
    st.sampled_from([15, 30, 60]),  # minutes
    st.sampled_from(["measured", "estimated", "missing"]),
    st.integers(0, 5_000),
)


def _reads(rows) -> pl.DataFrame:
    records = []
    for meter, quarter, minutes, quality, wh in rows:
        source, site, device = METERS[meter]
        start = START + timedelta(minutes=15 * quarter)
        records.append(
            {
                "source": source,
                "site_id": site,
                "device_id": device,
                "customer_id": None,
                "customer_class": None,
                "interval_start": start,
                "interval_end": start + timedelta(minutes=minutes),
                "wh": None if quality == "missing" else wh,
                "quality": quality,
                "ingested_at": START,
            }
        )
    return pl.DataFrame(records, schema=METER_READS.dtypes)


def _devices(registrations) -> pl.DataFrame:
    columns = ("project_id", "source", "site_id", "device_id", "role")
    rows = [
        dict(zip(columns, row, strict=True)) | {"line": n} for n, row in enumerate(registrations)
    ]
    return pl.DataFrame(rows, schema=DEVICES.dtypes)


def _project_of(source: str, site: str, device: str, registrations) -> str | None:
    generation = [r for r in registrations if r[4] == "generation"]
    exact = [r[0] for r in generation if r[1:4] == (source, site, device)]
    whole_site = [r[0] for r in generation if r[1:3] == (source, site) and r[3] is None]
    return (exact or whole_site or [None])[0]


def _reference(reads: pl.DataFrame, registrations) -> dict:
    """Every read tagged with its project, then summed per (project, slot)."""
    sums: dict = defaultdict(lambda: [0, 0, 0, 0])
    for row in reads.iter_rows(named=True):
        project = _project_of(row["source"], row["site_id"], row["device_id"], registrations)
        if project is None:
            continue
        start = row["interval_start"]
        slot = sums[(project, start - timedelta(minutes=start.minute % 15))]
        counted = row["quality"] != "missing"
        slot[0] += row["wh"] if counted else 0
        slot[1] += row["wh"] if row["quality"] == "estimated" else 0
        slot[2] += 0 if counted else 1
        slot[3] += 1
    return dict(sums)


@settings(max_examples=examples(60), deadline=None)
@given(
    rows=st.lists(reading, max_size=40),
    registrations=st.lists(st.sampled_from(REGISTRATIONS), min_size=1, unique=True),
)
def test_project_slots_match_reads_tagged_one_by_one(rows, registrations) -> None:
    reads = _reads(rows)
    slots = project_slots(reads.lazy(), _devices(registrations))
    columns = ["wh", "estimated_wh", "missing_reads", "reads"]
    found = {
        (row["project_id"], row["interval_start"]): [row[c] or 0 for c in columns]
        for row in slots.iter_rows(named=True)
    }
    assert found == _reference(reads, registrations)
    assert slots.schema["reads"] == slots.schema["missing_reads"] == pl.UInt32
