"""Minting's plain rules: links, the recovery decision, the chain's record, reconciliation,
and verification of a mint against its file."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import polars as pl
import pytest

from rrec_pipeline.minting.links import additional_info, default_template, parse_info, pinned_url
from rrec_pipeline.minting.onchain import ZERO, transactions
from rrec_pipeline.minting.reconcile import minted_once, mints_without_file, overlapping_mints
from rrec_pipeline.minting.states import Seen, Step, mint_key, next_step
from rrec_pipeline.minting.verify import verify
from tests.builders import EAT, CsvCase, hourly_rows

COMMIT = "1f6e403b290b0c50f7866f930a1292bf47b3e949"
SHA = "ab" * 32
NAME = "Acme_2024-01-01T000000+0300_2024-01-31T230000+0300.csv"


def test_a_link_pins_a_commit_and_a_path_and_carries_the_hash() -> None:
    url = pinned_url(
        default_template("git@github.com:org/data.git"),
        repo="",
        commit=COMMIT,
        path=f"verification_data/P/{NAME}",
    )
    assert url.startswith(f"https://github.com/org/data/blob/{COMMIT}/verification_data/P/")
    link = parse_info(additional_info(url, SHA))
    assert (link.commit, link.path, link.sha256) == (COMMIT, f"verification_data/P/{NAME}", SHA)
    assert link.file.project == "Acme"
    assert parse_info("https://x/y.csv").sha256 is None
    assert parse_info("https://x/y.csv#sha256=nothex").sha256 is None
    assert parse_info("   ") is None


@pytest.mark.parametrize(
    ("seen", "step"),
    [
        (Seen(1, 3, True, False, True), Step.CONFIRM),
        (Seen(1, 1, True, False, True), Step.WAIT),
        (Seen(None, 5, True, False, True), Step.CONFIRM),  # an earlier attempt minted it
        (Seen(0, 1, False, False, True), Step.FAIL),
        (Seen(None, 0, False, True, False), Step.WAIT),
        (Seen(None, 0, False, False, False), Step.REBROADCAST),
        (Seen(None, 0, False, False, True), Step.SIGN_AGAIN),
    ],
)
def test_recovery_of_a_sent_mint(seen, step) -> None:
    assert next_step(seen, confirmations=2) is step


def test_the_mint_key_changes_with_the_bytes_only_where_it_should() -> None:
    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
    key = mint_key("R1", "P", start, end, SHA)
    assert key == mint_key("R1", "P", start, end, SHA)
    assert key != mint_key("R1", "P", start, end, "cd" * 32)
    assert key != mint_key("R2", "P", start, end, SHA)


def _event(**kw) -> dict:
    return {"address": "0xC", "tx_hash": "0x1", "log_index": 0, "block_number": 1, **kw}


def test_the_chain_record_counts_a_mint_once_and_names_retire_return_and_burn() -> None:
    info = additional_info(f"https://h/blob/{COMMIT}/{NAME}", SHA)
    mints = [_event(to="0xA", amount=3, additionalInfo=info)]
    moves = [
        _event(**{"from": ZERO, "to": "0xA", "value": 3 * 10**18}),  # the mint's own Transfer
        _event(log_index=1, **{"from": "0xA", "to": "0xB", "value": 10**18 // 2}),
        _event(log_index=2, **{"from": "0xA", "to": "0xRE", "value": 10**18}),
        _event(log_index=3, **{"from": "0xA", "to": "0xRT", "value": 10**18}),
        _event(log_index=4, **{"from": "0xB", "to": ZERO, "value": 1}),
    ]
    frame = transactions(
        "RREC-AKE", mints, moves, {1: 1_700_000_000}, retirement="0xre", returns="0xRT"
    )
    assert frame["action"].to_list() == ["mint", "transfer", "retire", "return", "burn"]
    assert frame["amount"].to_list() == [
        Decimal(3),
        Decimal("0.5"),
        Decimal(1),
        Decimal(1),
        Decimal("1E-18"),
    ]
    assert frame["sha256"][0] == SHA and frame["verification_data"][0].endswith(NAME)


def _info(window: str, version: str = "a") -> str:
    """A link into a window folder; `version` stands for the file (its commit and bytes)."""
    path = f"verification_data/P/R/{window}/{version}.csv"
    return f"https://h/blob/{COMMIT}/{path}#sha256={SHA}"


I1, I2 = _info("2024-01-01"), _info("2024-02-01")


def _ledger(**kw) -> pl.DataFrame:
    row = {
        "lot_id": "L1",
        "state": "confirmed",
        "info": I1,
        "rrecs": 3,
        "recipient": "0xA",
        "tx_hash": "0x0",
        "error": None,
        **kw,
    }
    return pl.DataFrame([row])


def _chain(*mints: tuple[str, int, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "action": "mint",
                "info": i,
                "amount": Decimal(a),
                "to_address": to,
                "tx_hash": f"0x{n}",
                "token": "T",
            }
            for n, (i, a, to) in enumerate(mints)
        ],
        schema_overrides={"amount": pl.Decimal(38, 18)},
    )


def test_reconciliation_finds_double_missing_wrong_and_orphan_mints() -> None:
    assert minted_once(_ledger(), _chain((I1, 3, "0xa"))) == []
    # A second mint of the window, even under another link (a new file, commit or URL).
    for second in (I1, _info("2024-01-01", "b"), I1.replace("https://h", "file:///x")):
        [found] = minted_once(_ledger(), _chain((I1, 3, "0xA"), (second, 3, "0xA")))
        assert "minted 2 times: also 0x1" in found["problem"]
    assert (
        "not on the chain"
        in minted_once(_ledger(tx_hash="0x9"), _chain((I2, 3, "0xA")))[0]["problem"]
    )
    assert "another window" in minted_once(_ledger(), _chain((I2, 3, "0xA")))[0]["problem"]
    assert "planned 3" in minted_once(_ledger(), _chain((I1, 4, "0xA")))[0]["problem"]
    assert "planned 0xA" in minted_once(_ledger(), _chain((I1, 3, "0xB")))[0]["problem"]
    # A ledger rebuilt after a loss confirms the lot from its window's earlier mint.
    rebuilt = _ledger(info=_info("2024-01-01", "new"))
    assert minted_once(rebuilt, _chain((I1, 3, "0xA"))) == []
    orphan = mints_without_file(_ledger(), _chain((I1, 3, "0xA"), (I2, 1, "0xA")))
    assert [o["info"] for o in orphan] == [I2]
    assert mints_without_file(_ledger(), _chain((I1, 3, "0xA"), (I1, 1, "0xA"))) == []


def test_overlapping_mints_of_one_project_are_found_even_across_a_long_one() -> None:
    def info(begin: str, end: str) -> str:
        return f"https://h/blob/{COMMIT}/Acme_{begin}_{end}.csv"

    year = info("2024-01-01T000000+0300", "2024-12-31T230000+0300")
    january = info("2024-01-01T000000+0300", "2024-01-31T230000+0300")
    march = info("2024-03-01T000000+0300", "2024-03-31T230000+0300")
    chain = _chain((year, 1, "0xA"), (january, 1, "0xA"), (march, 1, "0xA"))
    assert len(overlapping_mints(chain)) == 2
    assert overlapping_mints(_chain((january, 1, "0xA"), (march, 1, "0xA"))) == []


def _month_file() -> tuple[str, bytes]:
    case = CsvCase(rows=hourly_rows(datetime(2024, 3, 1, tzinfo=EAT), 720, daylight_kwh="14"))
    name, text = case.render()
    return name, text.encode()


def test_verify_accepts_floor_certified_mwh_and_names_any_difference() -> None:
    name, data = _month_file()
    link = parse_info(
        additional_info(f"https://h/blob/{COMMIT}/{name}", hashlib.sha256(data).hexdigest())
    )
    assert verify(3, link, name, data).ok  # 270 daylight hours x 14 kWh = 3.78 MWh
    wrong = verify(4, link, name, data)
    assert not wrong.ok and wrong.supported == 3 and "(+1)" in wrong.problems[0]
    tampered = verify(3, link, name, data.replace(b",14\n", b",13\n", 1))
    assert not tampered.ok and "SHA-256" in tampered.problems[0]
