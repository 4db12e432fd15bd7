"""The linkage pipeline on encoded records: block → compare → score → cluster.

``link_records`` is pure: arrays in, cluster labels out. It never touches the warehouse
(``resolve`` does) and never sees a secret or a clear-text value.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from culturecoop.linkage.blocking import BlockingReport, candidate_pairs
from culturecoop.linkage.clustering import cluster
from culturecoop.linkage.comparison import compare
from culturecoop.linkage.features import MISSING, Features
from culturecoop.linkage.model import (
    FellegiSunter,
    estimate_u,
    pairs_per_class,
    term_frequencies,
    train,
)
from culturecoop.linkage.records import EncodedRecords

MATCH_THRESHOLD = 0.5
# An e-mail or phone token carried by records of at least this many different names is nobody's
# (a box office's address a package let through, or one prepared before ``ingest.shared_contacts``).
SHARED_NAMES = 10


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
    shared_contacts: int = 0  # records whose e-mail or phone token links nothing: it is nobody's own

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
    records, shared = _without_shared_contacts(records, feats)
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
        shared_contacts=shared,
    )


def _without_shared_contacts(records: EncodedRecords, feats: Features) -> tuple[EncodedRecords, int]:
    """``records`` with each e-mail and phone token that records of ``SHARED_NAMES`` different
    names or more carry set to missing, and how many records lost one: such a token is no evidence
    that two of them are one person."""
    named = (feats.given != MISSING) | (feats.surname != MISSING)
    name = feats.given.astype(np.int64) * (int(feats.surname.max(initial=0)) + 2) + (feats.surname.astype(np.int64) + 1)
    lost = np.zeros(len(records), dtype=bool)
    kept = {}
    for field_name in ("email", "phone"):
        tokens = getattr(records, field_name)
        mask = (tokens != 0) & named
        pairs = np.unique(np.column_stack([tokens[mask].view(np.int64), name[mask]]), axis=0)
        held, names = np.unique(pairs[:, 0], return_counts=True)
        shared = held[names >= SHARED_NAMES].view(np.uint64)
        drop = np.isin(tokens, shared) & (tokens != 0)
        lost |= drop
        kept[field_name] = np.where(drop, np.uint64(0), tokens)
    if not lost.any():
        return records, 0
    return replace(records, email=kept["email"], phone=kept["phone"]), int(lost.sum())
