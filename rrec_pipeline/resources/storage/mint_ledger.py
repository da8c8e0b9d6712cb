"""The mint ledger: each issued lot's publication and mint, in the issuance ledger's file.

Keyed by the mint key (reservation, project, window, file hash). Every change
of state is a transaction that also appends to `mint_log`, so ops can read a
lot's whole history. The signed transaction is stored with the `sent` state
before it is broadcast (the intent), and reads are certified (`certified_at`)
in the same transaction that confirms the mint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from rrec_pipeline.resources.storage.duck import append, held, transaction
from rrec_pipeline.schemas.chain import MintState
from rrec_pipeline.tables import LOT_MINTS

MINT_COLUMNS = LOT_MINTS.dtypes


def _now() -> datetime:
    return datetime.now(UTC)


class MintLedgerMixin:
    """Mint-ledger operations of `IssuanceLedger` (which supplies `_connect` and `path`)."""

    @contextmanager
    def minting(self) -> Iterator[None]:
        """One minting run per ledger at a time, across processes (a lock file beside it)."""
        with held(Path(self.path).with_suffix(".mint.lock")):
            yield

    def mints(self) -> pl.DataFrame:
        columns = ", ".join(f'"{name}"' for name in MINT_COLUMNS)
        with self._connect() as connection:
            frame = connection.sql(f"SELECT {columns} FROM mints ORDER BY lot_id").pl()
        return frame.cast(MINT_COLUMNS)

    def mint_log(self) -> pl.DataFrame:
        with self._connect() as connection:
            return connection.sql("SELECT * FROM mint_log ORDER BY logged_at").pl()

    def unpublished_lots(self) -> pl.DataFrame:
        """Issued lots with whole R-RECs (or a later version of a window, which republishes
        its corrected file even when it mints nothing), a token class and no mint row yet."""
        query = (
            "SELECT * FROM issued_lots WHERE (rrecs > 0 OR version > 1) AND token IS NOT NULL "
            "AND lot_id NOT IN (SELECT lot_id FROM mints) ORDER BY lot_id"
        )
        with self._connect() as connection:
            return connection.sql(query).pl()

    def lots_without_token(self) -> list[str]:
        """Issued lots no R-REC token class applies to (outside the US and Africa): not minted."""
        query = "SELECT lot_id FROM issued_lots WHERE rrecs > 0 AND token IS NULL ORDER BY lot_id"
        with self._connect() as connection:
            return [row[0] for row in connection.execute(query).fetchall()]

    def record_published(self, rows: pl.DataFrame) -> int:
        """Add published lots (LotMints columns); a key already present is left as it is."""
        if rows.is_empty():
            return 0
        frame = rows.select(list(MINT_COLUMNS)).cast(MINT_COLUMNS)
        with self._connect() as connection, transaction(connection):
            known = {r[0] for r in connection.execute("SELECT mint_key FROM mints").fetchall()}
            new = frame.filter(~pl.col("mint_key").is_in(list(known)))
            append(connection, "mints", new)
            _log(connection, new["mint_key"], MintState.PUBLISHED, None, "published")
        return new.height

    def window_targets(self) -> dict[str, int]:
        """Lot -> the R-RECs its window holds over every version up to it (its file's)."""
        with self._connect() as connection:
            rows = connection.execute("SELECT lot_id, window_rrecs FROM issued_lots").fetchall()
        return dict(rows)

    def record_sent(
        self, key: str, contract: str, nonce: int, tx_hash: str, raw: bytes, **minted
    ) -> None:
        """The intent: the signed transaction, written before it is broadcast. `minted` may
        hold the `recipient` and `rrecs` actually signed for, when they differ from the
        row's (a corrected wallet; what the window still lacks on the chain)."""
        detail = ", ".join(f"{name} {value}" for name, value in minted.items())
        self._update(
            key,
            "state = ?, contract = ?, nonce = ?, tx_hash = ?, raw_tx = ?, error = NULL, "
            "attempts = attempts + 1, recipient = coalesce(?, recipient), "
            "rrecs = coalesce(?, rrecs)",
            [
                MintState.SENT.value,
                contract,
                nonce,
                tx_hash,
                raw,
                minted.get("recipient"),
                minted.get("rrecs"),
            ],
            MintState.SENT,
            tx_hash,
            f"signed: {detail}" if detail else None,
        )

    def raw_tx(self, key: str) -> bytes | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT raw_tx FROM mints WHERE mint_key = ?", [key]
            ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def record_confirmed(
        self, key: str, tx_hash: str, block_number: int, detail: str | None = None
    ) -> None:
        """Confirm the mint and certify the lot's reads, in one transaction."""
        now = _now()
        with self._connect() as connection, transaction(connection):
            connection.execute(
                "UPDATE mints SET state = ?, tx_hash = ?, block_number = ?, error = NULL, "
                "updated_at = ? WHERE mint_key = ?",
                [MintState.CONFIRMED.value, tx_hash, block_number, now, key],
            )
            connection.execute(
                "UPDATE certified_reads SET certified_at = ? WHERE certified_at IS NULL AND "
                "lot_id = (SELECT lot_id FROM mints WHERE mint_key = ?)",
                [now, key],
            )
            _log(connection, [key], MintState.CONFIRMED, tx_hash, detail or f"block {block_number}")

    def record_vanished(self, key: str, tx_hash: str) -> None:
        """A mint the ledger holds as confirmed is not on the chain (the chain is the truth:
        an embedded node that lost its last blocks, say): back to `published`, to mint again."""
        detail = f"confirmed mint {tx_hash} is not on the chain: to be minted again"
        with self._connect() as connection, transaction(connection):
            connection.execute(
                "UPDATE mints SET state = ?, error = ?, block_number = NULL, updated_at = ? "
                "WHERE mint_key = ?",
                [MintState.PUBLISHED.value, detail, _now(), key],
            )
            connection.execute(
                "UPDATE certified_reads SET certified_at = NULL "
                "WHERE lot_id = (SELECT lot_id FROM mints WHERE mint_key = ?)",
                [key],
            )
            _log(connection, [key], MintState.PUBLISHED, tx_hash, detail)

    def record_failed(self, key: str, error: str) -> None:
        self._update(
            key,
            "state = ?, error = ?",
            [MintState.FAILED.value, error[:500]],
            MintState.FAILED,
            None,
            error[:500],
        )

    def _update(self, key, assignments, values, state, tx_hash, detail=None) -> None:
        with self._connect() as connection, transaction(connection):
            connection.execute(
                f"UPDATE mints SET {assignments}, updated_at = ? WHERE mint_key = ?",
                [*values, _now(), key],
            )
            _log(connection, [key], state, tx_hash, detail)


def _log(connection, keys: Iterable[str], state: MintState, tx_hash, detail) -> None:
    now = _now()
    for key in keys:
        connection.execute(
            "INSERT INTO mint_log VALUES (?, ?, ?, ?, ?)", [key, now, state.value, tx_hash, detail]
        )
