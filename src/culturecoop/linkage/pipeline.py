"""The linkage pipeline on encoded records: block → compare → score → cluster.

``link_records`` is pure: arrays in, cluster labels out. It never touches the warehouse
(``resolve`` does) and never sees a secret or a clear-text value.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from culturecoop.linkage.blocking import BlockingReport, candidate_pairs
from culturecoop.linkage.clustering import cluster
from culturecoop.linkage.comparison import compare
from culturecoop.linkage.features import Features
from culturecoop.linkage.model import (
    FellegiSunter,
    estimate_u,
    pairs_per_class,
    term_frequencies,
    train,
)
from culturecoop.linkage.records import EncodedRecords

MATCH_THRESHOLD = 0.5


@dataclass
class LinkResult:
    """Cluster of every record, with what it took to get there."""

    labels: np.ndarray  # (n,) int64 person index per record
    confidence: np.ndarray  # (n,) float64
    candidate_pairs: int = 0
    matched_pairs: int = 0
    split_components: int = 0
    blocking: BlockingReport = field(default_factory=BlockingReport)
    model: FellegiSunter | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    empty_records: int = 0

    @property
    def persons(self) -> int:
        return len(np.unique(self.labels))


def link_records(
    records: EncodedRecords, threshold: float = MATCH_THRESHOLD, max_block: int = 400
) -> LinkResult:
    """Resolve encoded records to persons (dedup within members and link across them)."""
    n = len(records)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    empty = int(
        (
            (records.email == 0) & (records.phone == 0)
            & ~np.logical_or.reduce([m.any(axis=1) for m in records.blooms.values()])
        ).sum()
    ) if n else 0
    if n < 2:
        return LinkResult(labels=np.arange(n, dtype=np.int64), confidence=np.ones(n),
                          seconds=seconds, empty_records=empty)
    feats = Features.of(records)
    lap("features")
    left, right, report = candidate_pairs(records, feats, max_block=max_block)
    lap("blocking")
    comp = compare(records, feats, left, right)
    lap("comparison")
    tf = term_frequencies(records, feats)
    u = estimate_u(records, feats, tf)
    pair_class = (records.member[left] != records.member[right]).astype(np.int8)
    model = train(comp, pair_class, pairs_per_class(records.member, records.n_members), u, tf)
    prob = model.probability(comp, pair_class)
    lap("scoring")

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        cls = (records.member[a] != records.member[b]).astype(np.int8)
        return model.probability(compare(records, feats, a, b), cls)

    clusters = cluster(n, left, right, prob, records.member, records.n_members, score,
                       threshold=threshold)
    lap("clustering")
    return LinkResult(
        labels=clusters.labels,
        confidence=clusters.confidence,
        candidate_pairs=len(left),
        matched_pairs=int((prob >= threshold).sum()),
        split_components=clusters.split_components,
        blocking=report,
        model=model,
        seconds=seconds,
        empty_records=empty,
    )
