"""`approvals.csv`: the lots a reviewer approved for issuance, by `lot_id`.

Read only when issuance requires approval. A file that cannot be read as CSV,
or has no `lot_id` column, approves nothing: a lot that needs an approval
then waits for one (`approval.required`), it is never issued on a bad file.
"""

from __future__ import annotations

import csv
import io


def approved_lots(data: bytes | None) -> set[str]:
    if not data:
        return set()
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        return set()
    return {row["lot_id"].strip() for row in rows if (row.get("lot_id") or "").strip()}
