"""Where each lot's files are written before publication: `<path>/<frequency>/<lot_id>/`.

The verification CSV under its standard name, `scorecard.json`,
`irec_request.csv` and `irec_request.json`, each written atomically. A lot's
files are a pure function of the data, so writing them again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from rrec_pipeline.issuance.lot_files import LotFiles
from rrec_pipeline.resources.storage.atomic import write_atomic


class LotFolder(dg.ConfigurableResource):
    path: str

    def write(self, frequency: str, files: LotFiles) -> Path:
        folder = Path(self.path) / frequency / files.lot_id
        write_atomic(folder / files.csv_name, files.csv)
        scorecard = json.dumps(files.scorecard, indent=2, default=str) + "\n"
        write_atomic(folder / "scorecard.json", scorecard.encode())
        write_atomic(folder / "irec_request.csv", files.irec_csv)
        write_atomic(folder / "irec_request.json", files.irec_json)
        return folder
