"""A running registry's record of its token contracts and transactions, read and checked.

The record is the registry's published JSON: a list of contracts (`name`,
`abbreviation`, `address`, `transactions`), each transaction a `mint`,
`transfer`, `retire` or `return` with `amount`, `from`, `to`, `blockNumber`,
`timeStamp`, `hash` and, for a mint, `verification_data` (the file's URL).
Rows marked `ignore` (superseded) are kept with their `note` and count for
nothing. Bad input is a finding (rule, where, reason), never an exception:
what `rrec registry import` and `rrec audit` (issue 21) are built on.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from rrec_pipeline.basics.text import quote

ACTIONS = ("mint", "transfer", "retire", "return")
REQUIRED = ("action", "amount", "to", "blockNumber")
MAX_DEPTH = 32  # the record's shape is 4 deep
_STRUCTURE = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
MAX_AMOUNT = 10**15  # R-RECs (MWh) in one transaction: beyond it, not a number we can hold


@dataclass(frozen=True)
class RecordRow:
    token: str
    contract: str | None  # null: a record the registry keeps without a contract on chain
    action: str
    amount: Decimal  # whole R-RECs for a mint; tokens for the others
    sender: str | None
    to: str
    block: int
    timestamp: int | None
    tx_hash: str | None
    url: str | None
    ignored: bool
    note: str | None
    index: int = 0  # its place among its contract's transactions

    @property
    def file(self) -> str | None:
        """The verification file's name the row's URL ends with."""
        return unquote(self.url.rsplit("/", 1)[-1].split("#")[0]) if self.url else None


@dataclass(frozen=True)
class RecordFinding:
    rule: str
    where: str
    reason: str


def read_record(data: bytes) -> tuple[list[RecordRow], list[RecordFinding]]:
    """Every row of the record, and what is wrong with it; a row with a finding is left out."""
    record = _json(data)
    if isinstance(record, RecordFinding):
        return [], [record]
    if not isinstance(record, list):
        return [], [RecordFinding("record.shape", "the file", "not a list of contracts")]
    rows, findings = [], []
    for index, contract in enumerate(record):
        found = _contract(index, contract)
        rows.extend(r for r in found if isinstance(r, RecordRow))
        findings.extend(f for f in found if isinstance(f, RecordFinding))
    return rows, findings + _twice_minted(rows)


def _json(data: bytes):
    """The parsed record, or its `record.parse` finding. Nesting is bounded before parsing:
    the C parser follows a hostile depth until the stack overflows (a crash, not an error)."""
    depth = deepest = 0
    for token in _STRUCTURE.finditer(data):
        depth += 1 if token.group() in (b"[", b"{") else -1 if len(token.group()) == 1 else 0
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return RecordFinding("record.parse", "the file", f"nested deeper than {MAX_DEPTH}")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return RecordFinding("record.parse", "the file", f"not JSON: {quote(str(error))}")


def contract_addresses(data: bytes) -> dict[str, str | None]:
    """Token -> contract address (None: none on chain) of every well-formed contract of the
    record, those without a transaction included; {} for a record `read_record` rejects."""
    record = _json(data)
    return {
        c["abbreviation"]: c.get("address")
        for c in (record if isinstance(record, list) else [])
        if isinstance(c, dict)
        and isinstance(c.get("abbreviation"), str)
        and isinstance(c.get("address"), str | None)
    }


def _contract(index: int, contract) -> list:
    where = f"contract {index + 1}"
    if not isinstance(contract, dict) or not isinstance(contract.get("transactions"), list):
        return [RecordFinding("record.contract", where, "no list of transactions")]
    token, address = contract.get("abbreviation"), contract.get("address")
    if not isinstance(token, str) or not isinstance(address, str | None):
        return [RecordFinding("record.contract", where, "no abbreviation, or a bad address")]
    where = f"{quote(token)} transaction"
    return [
        _row(token, address, n, f"{where} {n + 1}", tx)
        for n, tx in enumerate(contract["transactions"])
    ]


def _row(token: str, address: str | None, index: int, where: str, tx) -> RecordRow | RecordFinding:
    if not isinstance(tx, dict) or any(tx.get(key) in (None, "") for key in REQUIRED):
        return RecordFinding("record.transaction", where, f"needs {', '.join(REQUIRED)}")
    if tx["action"] not in ACTIONS:
        return RecordFinding("record.transaction", where, f"unknown action {quote(tx['action'])}")
    amount, block = _decimal(tx["amount"]), _integer(tx["blockNumber"])
    if amount is None or not 0 <= amount < MAX_AMOUNT or block is None or block < 0:
        return RecordFinding("record.transaction", where, "amount or block is not a number")
    if not isinstance(tx["to"], str):
        return RecordFinding("record.transaction", where, "`to` is not an address")
    if tx["action"] == "mint" and amount != amount.to_integral_value():
        return RecordFinding("record.amount", where, f"mints {amount:f}: not whole R-RECs")
    return RecordRow(
        token,
        address,
        tx["action"],
        amount,
        _text(tx.get("from")),
        tx["to"],
        block,
        _integer(tx.get("timeStamp")),
        _text(tx.get("hash")),
        _text(tx.get("verification_data")),
        bool(tx.get("ignore")),
        _text(tx.get("note")),
        index,
    )


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _integer(value) -> int | None:
    try:
        return int(str(value), 0) if isinstance(value, str | int) else None
    except ValueError:
        return None


def _twice_minted(rows: list[RecordRow]) -> list[RecordFinding]:
    """One file minted by two counted mints (superseded rows excepted)."""
    mints = defaultdict(list)
    for row in rows:
        if row.action == "mint" and row.file and not row.ignored:
            mints[row.file].append(row.tx_hash or f"block {row.block}")
    return [
        RecordFinding("record.duplicate_mint", quote(name, 120), f"minted by {', '.join(txs)}")
        for name, txs in sorted(mints.items())
        if len(txs) > 1
    ]


def mints_without_file(rows: list[RecordRow], files: set[str]) -> list[RecordFinding]:
    """Counted mints whose file is not among `files` (the verification data at hand)."""
    return [
        RecordFinding(
            "record.missing_file",
            row.tx_hash or f"block {row.block}",
            f"its file {quote(row.file, 120)} is not in the verification data",
        )
        for row in rows
        if row.action == "mint" and not row.ignored and row.file and row.file not in files
    ]
