"""Distinct Bloom filters per field: ids, popcounts, term frequencies and MinHash signatures.

Names, dates and postcodes repeat, so every per-pair computation works on *distinct*
filters: each record's field is replaced by the id of its filter among the distinct filters
of that field (given name and surname share one id space because they share one key, which
is what lets swapped name columns be compared).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from culturecoop.linkage.records import EncodedRecords

MISSING = -1
MINHASHES = 16  # signatures per distinct filter: 8 bands of 2 rows for blocking
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)


def mix64(*columns: np.ndarray) -> np.ndarray:
    """A 64-bit hash combining equal-length integer columns (vectorized, order-sensitive)."""
    h = np.full(len(columns[0]), 0x243F6A8885A308D3, dtype=np.uint64)
    for col in columns:
        h ^= col.astype(np.uint64, copy=False)
        h *= _MIX
        h ^= h >> np.uint64(29)
        h *= _MIX2
        h ^= h >> np.uint64(32)
    return h


def row_hash(matrix: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each packed filter (equal filters, equal hashes)."""
    words = np.ascontiguousarray(matrix).view(np.uint64)
    return mix64(*[words[:, k] for k in range(words.shape[1])])


@dataclass
class FieldIndex:
    """Distinct filters of one field (or of the name fields together)."""

    words: np.ndarray  # (u, 16) uint64 distinct filters
    popcount: np.ndarray  # (u,) int32 set bits
    key: np.ndarray  # (u,) uint64 hash of the filter, never 0
    _minhash: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.popcount)

    def minhash(self) -> np.ndarray:
        """(u, MINHASHES) MinHash signatures over set bit positions (fixed public permutations)."""
        if self._minhash is None:
            self._minhash = _minhash(self.words)
        return self._minhash


def _minhash(words: np.ndarray) -> np.ndarray:
    u = len(words)
    bits = np.unpackbits(words.view(np.uint8).reshape(u, -1), axis=1)
    rows, cols = np.nonzero(bits)
    del bits
    out = np.zeros((u, MINHASHES), dtype=np.uint32)
    if len(rows) == 0:
        return out
    starts = np.searchsorted(rows, np.arange(u))
    has = np.bincount(rows, minlength=u) > 0
    rng = np.random.default_rng(20260523)  # public: permutes bit positions of keyed filters
    n_bits = words.shape[1] * 64
    for h in range(MINHASHES):
        rank = rng.permutation(n_bits).astype(np.uint32)
        mins = np.minimum.reduceat(rank[cols], starts[has])
        out[has, h] = mins
    return out


def build_index(*matrices: np.ndarray) -> tuple[FieldIndex, list[np.ndarray]]:
    """Index the distinct non-empty filters of one or more (n, 128) matrices.

    Returns the index and, per matrix, each row's id (``MISSING`` for an empty filter).
    """
    hashes = [row_hash(m) for m in matrices]
    present = [m.any(axis=1) for m in matrices]
    all_h = np.concatenate([h[p] for h, p in zip(hashes, present, strict=True)])
    all_rows = np.concatenate(
        [m[p] for m, p in zip(matrices, present, strict=True)]
    ) if len(all_h) else np.zeros((0, matrices[0].shape[1]), dtype=np.uint8)
    distinct, first, _inv = np.unique(all_h, return_index=True, return_inverse=True)
    words = np.ascontiguousarray(all_rows[first]).view(np.uint64)
    popcount = np.bitwise_count(words).sum(axis=1, dtype=np.int32)
    ids: list[np.ndarray] = []
    for h, p in zip(hashes, present, strict=True):
        out = np.full(len(h), MISSING, dtype=np.int32)
        out[p] = np.searchsorted(distinct, h[p]).astype(np.int32)
        ids.append(out)
    key = np.where(distinct == 0, np.uint64(1), distinct)
    return FieldIndex(words=words, popcount=popcount, key=key), ids


def term_frequency(ids: np.ndarray, size: int) -> np.ndarray:
    """Share of non-missing records holding each distinct filter (the value's frequency)."""
    present = ids[ids >= 0]
    counts = np.bincount(present, minlength=size).astype(np.float64)
    return counts / max(len(present), 1)


@dataclass
class Features:
    """Everything per-record that blocking and comparison need."""

    names: FieldIndex
    given: np.ndarray
    surname: np.ndarray
    birth: FieldIndex
    birth_date: np.ndarray
    post: FieldIndex
    postcode: np.ndarray

    @classmethod
    def of(cls, records: EncodedRecords) -> Features:
        names, (given, surname) = build_index(
            records.blooms["given_name"], records.blooms["surname"]
        )
        birth, (birth_date,) = build_index(records.blooms["birth_date"])
        post, (postcode,) = build_index(records.blooms["postcode"])
        return cls(names, given, surname, birth, birth_date, post, postcode)
