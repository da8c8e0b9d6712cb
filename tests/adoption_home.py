"""A running registry's history for the adoption tests: one published file and its record.

The file is Nairobi Solar's (P-KE of `integrity_home`) January and February
2024, hourly; the record mints it on a Kenyan token contract.
"""

from __future__ import annotations

import json
from datetime import datetime

from tests.builders import EAT, CsvCase, hourly_rows
from tests.integrity_home import WALLET_B

TX = "0x" + "5e" * 32
KE_TOKEN = "0x" + "11" * 20
FILE = "NairobiSolar_2024-01-01T000000+0300_2024-02-29T230000+0300.csv"


def registry_history(folder, mints=((TX, 2),), moves=()) -> tuple:
    """The registry's published folder (one file of P-KE's January and February) and its
    record of mints of it, then `moves` (transactions as the record writes them):
    (verification data folder, record path)."""
    data = folder / "verification_data"
    data.mkdir(parents=True)
    rows = hourly_rows(datetime(2024, 1, 1, tzinfo=EAT), 24 * 60)
    _, text = CsvCase(rows=rows).with_header(Project_Name="Nairobi Solar").render()
    (data / FILE).write_text(text)
    url = f"https://raw.githubusercontent.com/reg/REC/main/verification_data/{FILE}"
    transactions = [
        {"action": "mint", "amount": amount, "to": WALLET_B, "from": "0x" + "22" * 20,
         "blockNumber": "100", "timeStamp": "1709251200", "hash": tx, "verification_data": url}
        for tx, amount in mints
    ] + list(moves)  # fmt: skip
    record = [
        {"name": "Kenya R-RECs", "abbreviation": "RREC-AKE", "address": KE_TOKEN,
         "transactions": transactions}
    ]  # fmt: skip
    path = folder / "transactions.json"
    path.write_text(json.dumps(record))
    return data, path
