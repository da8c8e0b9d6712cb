"""`approvals.csv` read for issuance: a bad file approves nothing, never crashes a run."""

from __future__ import annotations

from rrec_pipeline.registry.approvals import approved_lots


def test_lot_ids_are_read_and_a_bad_file_approves_nothing() -> None:
    good = "\ufefflot_id,approved_by\nR1__P-GA__2024-01-01, ana\n ,bob\nR2__P-KE__2024-01-01,ana\n"
    assert approved_lots(good.encode()) == {"R1__P-GA__2024-01-01", "R2__P-KE__2024-01-01"}
    for bad in (None, b"", b"\xff\xfe\x00garbage", b"id,who\nR1,ana\n"):
        assert approved_lots(bad) == set(), bad
