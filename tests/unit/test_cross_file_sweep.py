"""Cross-file rules by sweeping, not all pairs: the same findings, in the same order, as
comparing every pair of files."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import combinations

from rrec_pipeline.validation.cross_file_rules import (
    Submission,
    _overlap,
    _spatial_overlap,
    spatial_overlaps,
    temporal_overlaps,
)
from rrec_pipeline.verification_csv.reader import read_verification_bytes
from tests.unit.test_rule_catalogue import MARCH, site


def crowded_batch(seed: int) -> dict[str, list[Submission]]:
    """Forty files of eight projects, some within 100 m of another, periods overlapping."""
    rng = random.Random(seed)
    by_project: dict[str, list[Submission]] = {}
    for n in range(40):
        project = f"P{rng.randrange(8)}"
        lat = 10.0 + rng.choice([0.0, 0.0004, 0.0008, 0.5]) + int(project[1:]) % 2 * 0.0003
        start = MARCH + timedelta(hours=rng.randrange(0, 96, 12))
        name, text = site(project, f"{lat:.4f}", "36.0", start).render()
        file = read_verification_bytes(text.encode(), f"{n}-{name}")
        by_project.setdefault(project.casefold(), []).append(Submission(f"{n}-{name}", file))
    return by_project


def all_pairs_temporal(by_project):
    return [
        (a.key, b.key)
        for group in by_project.values()
        for a, b in combinations(group, 2)
        if _overlap(a, b)
    ]


def all_pairs_spatial(by_project, radius_m):
    found = []
    for (_, group_a), (_, group_b) in combinations(sorted(by_project.items()), 2):
        for a in group_a:
            for b in group_b:
                found += [f.files for f in _spatial_overlap(a, b, radius_m)]
    return found


def test_sweeps_find_what_all_pairs_find_in_the_same_order() -> None:
    for seed in range(5):
        by_project = crowded_batch(seed)
        temporal = [f.files for f in temporal_overlaps(by_project)]
        spatial = [f.files for f in spatial_overlaps(by_project, 100.0)]
        assert temporal == all_pairs_temporal(by_project) and temporal
        assert spatial == all_pairs_spatial(by_project, 100.0) and spatial
