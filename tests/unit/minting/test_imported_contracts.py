"""The contracts a registry's record names, added to our contracts file by `registry import`."""

from __future__ import annotations

from rrec_pipeline.credits.reference import load_reference
from rrec_pipeline.minting.tokens import with_contracts

KE = "0x" + "11" * 20
GA = "0x" + "22" * 20


def test_only_the_standards_classes_with_an_address_are_added_and_conflicts_are_named() -> None:
    existing = {"RREC-GA": {"address": GA.upper().replace("0X", "0x"), "deployed_block": 7}}
    record = {"RREC-AKE": KE, "RREC-GA": GA, "SC-REC": None, "RREC-ANG": None}
    merged, added, skipped, conflicts = with_contracts(existing, record, load_reference())
    assert added == ["RREC-AKE"] and conflicts == []
    assert merged == {
        "RREC-AKE": {"address": KE, "deployed_block": 0},
        "RREC-GA": existing["RREC-GA"],  # the same address in another case: kept as it is
    }
    assert any("SC-REC" in why for why in skipped) and any("RREC-ANG" in why for why in skipped)
    _, _, _, conflicts = with_contracts({"RREC-GA": KE}, {"RREC-GA": GA}, load_reference())
    assert conflicts == [f"RREC-GA: the contracts file has {KE}, the record {GA}"]
    _, added, _, conflicts = with_contracts({}, {"RREC-GA": "0xnot"}, load_reference())
    assert added == [] and conflicts == ["RREC-GA: the record's address is not one"]
