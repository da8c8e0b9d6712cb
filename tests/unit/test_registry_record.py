"""A registry's transaction record read with findings, never a traceback (issue 21's base)."""

from __future__ import annotations

import json
from decimal import Decimal

from rrec_pipeline.registry.record import mints_without_file, read_record

FILE = "Acme_2024-01-01T000000+0300_2024-01-31T230000+0300.csv"


def tx(**kw) -> dict:
    base = {
        "action": "mint",
        "amount": 5,
        "to": "0xA",
        "from": "0xB",
        "blockNumber": "10",
        "timeStamp": "1700000000",
        "hash": "0x1",
        "verification_data": f"https://raw.example/verification_data/{FILE}",
    }
    return {**base, **kw}


def record(*transactions: dict, **contract) -> bytes:
    body = {"name": "Kenya R-RECs", "abbreviation": "RREC-AKE", "address": "0xC", **contract}
    return json.dumps([{**body, "transactions": list(transactions)}]).encode()


def test_a_good_record_reads_into_rows() -> None:
    rows, findings = read_record(
        record(tx(), tx(action="retire", amount="1.5", hash="0x2", verification_data=None))
    )
    assert findings == []
    assert [(r.action, r.amount, r.block, r.file) for r in rows] == [
        ("mint", Decimal(5), 10, FILE),
        ("retire", Decimal("1.5"), 10, None),
    ]


def test_bad_input_is_a_finding_naming_the_rule_and_the_row() -> None:
    cases = {
        b"{not json": "record.parse",
        b'{"a": 1}': "record.shape",
        json.dumps([{"abbreviation": "X"}]).encode(): "record.contract",
        record(tx(action="burn")): "record.transaction",
        record(tx(amount="lots")): "record.transaction",
        record(tx(amount=-1)): "record.transaction",
        record(tx(amount=True)): "record.transaction",
        record({"action": "mint"}): "record.transaction",
        record(tx(amount="2.5")): "record.amount",
        record(tx(), tx(hash="0x2")): "record.duplicate_mint",
        record(tx(amount=10**30)): "record.transaction",
        record(tx(blockNumber="-1")): "record.transaction",
        record(tx(to=5)): "record.transaction",
        b"[" * 100_000: "record.parse",
    }
    for data, rule in cases.items():
        _, findings = read_record(data)
        assert [f.rule for f in findings] == [rule], (data, findings)


def test_a_superseded_mint_counts_for_nothing_and_a_missing_file_is_named() -> None:
    rows, findings = read_record(record(tx(ignore=True, note="superseded"), tx(hash="0x2")))
    assert findings == [] and [r.ignored for r in rows] == [True, False]
    [missing] = mints_without_file(rows, set())
    assert missing.rule == "record.missing_file" and missing.where == "0x2"
    assert mints_without_file(rows, {FILE}) == []


def test_fields_of_the_wrong_type_are_left_out_rather_than_trusted() -> None:
    [row], findings = read_record(record(tx(hash=7, note=["x"], **{"from": {"a": 1}})))
    assert findings == [] and (row.tx_hash, row.note, row.sender) == (None, None, None)
