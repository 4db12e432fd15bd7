"""Blocking: which record pairs are worth comparing, in near-linear time.

Every rule turns each record into zero or more 64-bit keys; two records become a candidate
pair when they share a key of the same rule. Rules (a record pair needs to satisfy one):

* ``email``, ``phone``: equal keyed tokens;
* ``names``: both name filters equal, in either column order;
* ``name+birth_date``, ``name+postcode``, ``birth_date+postcode``: two fields equal (a name
  in either column, so swapped columns still block together);
* ``name~+birth_date``, ``name~+postcode``: one name *similar* (a MinHash band of its
  filter's set bits: locality-sensitive hashing for Jaccard similarity) and the birth date
  or the postcode equal;
* ``names~+area_band``: both names similar (same band) and the FSA and birth-year band equal.

Each rule's keys are sorted once; a block larger than ``max_block`` records is skipped (other rules still
reach its true pairs), so the number of pairs grows with the number of records, not its
square. Pairs are generated with array arithmetic, never a Python loop over records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from culturecoop.linkage.features import MINHASHES, MISSING, Features, FieldIndex, mix64
from culturecoop.linkage.records import EncodedRecords

BANDS = MINHASHES // 2
_PAIR_CHUNK = 20_000_000  # pairs generated per step before de-duplication (bounds memory)


@dataclass
class BlockingReport:
    """How many pairs each rule proposed (before de-duplication across rules)."""

    proposed: dict[str, int] = field(default_factory=dict)
    skipped_blocks: int = 0
    candidate_pairs: int = 0


def _exact(index: FieldIndex, ids: np.ndarray) -> np.ndarray:
    """Per-record key of an exact filter (0 when missing)."""
    out = np.zeros(len(ids), dtype=np.uint64)
    present = ids != MISSING
    out[present] = index.key[ids[present]]
    return out


def _band(index: FieldIndex, ids: np.ndarray, band: int) -> np.ndarray:
    """Per-record key of one MinHash band of a filter (0 when missing)."""
    out = np.zeros(len(ids), dtype=np.uint64)
    present = ids != MISSING
    sig = index.minhash()[ids[present]]
    out[present] = mix64(sig[:, 2 * band], sig[:, 2 * band + 1], np.full(len(sig), band + 1))
    out[present & (out == 0)] = 1
    return out


def _both(*keys: np.ndarray) -> np.ndarray:
    """Combine per-record keys; 0 (missing) when any part is missing."""
    present = np.logical_and.reduce([k != 0 for k in keys])
    out = mix64(*keys)
    out[~present] = 0
    out[present & (out == 0)] = 1
    return out


def rule_keys(records: EncodedRecords, feats: Features) -> list[tuple[str, np.ndarray]]:
    """(rule name, per-record key array) for every rule; one rule may give several arrays."""
    given = _exact(feats.names, feats.given)
    surname = _exact(feats.names, feats.surname)
    birth = _exact(feats.birth, feats.birth_date)
    post = _exact(feats.post, feats.postcode)
    area = records.area_band
    rules: list[tuple[str, np.ndarray]] = [
        ("email", records.email),
        ("phone", records.phone),
        ("names", _both(np.minimum(given, surname), np.maximum(given, surname))),
        ("birth_date+postcode", _both(birth, post)),
    ]
    for name in (given, surname):
        rules.append(("name+birth_date", _both(name, birth)))
        rules.append(("name+postcode", _both(name, post)))
    for band in range(BANDS):
        for ids in (feats.given, feats.surname):
            similar = _band(feats.names, ids, band)
            rules.append(("name~+birth_date", _both(similar, birth)))
            rules.append(("name~+postcode", _both(similar, post)))
        # Both names similar (same band) within the same FSA and birth-year band.
        rules.append(("names~+area_band", _both(
            _band(feats.names, feats.given, band), _band(feats.names, feats.surname, band), area)))
    return rules


def _pairs_of_groups(records: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """All unordered pairs within each group of a sorted record array, as int64 (i << 32 | j)."""
    total_elems = int(sizes.sum())
    if total_elems == 0:
        return np.zeros(0, dtype=np.int64)
    group_first = np.cumsum(sizes) - sizes
    within = np.arange(total_elems) - np.repeat(group_first, sizes)
    pos = np.repeat(starts, sizes) + within
    follow = np.repeat(sizes, sizes) - within - 1  # partners after each element in its group
    first = np.repeat(pos, follow)
    follow_first = np.cumsum(follow) - follow
    second = first + 1 + (np.arange(len(first)) - np.repeat(follow_first, follow))
    a = records[first].astype(np.int64)
    b = records[second].astype(np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    codes = (lo << 32) | hi
    distinct_records: np.ndarray = codes[lo != hi]
    return distinct_records


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort, faster here than ``np.unique``'s hash table)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _rule_pairs(keys: np.ndarray, recs: np.ndarray, max_block: int) -> tuple[list[np.ndarray], int, int]:
    """Pair codes of one rule (chunked), pairs proposed, blocks skipped for size."""
    order = np.argsort(keys)
    keys, recs = keys[order], recs[order]
    del order
    if len(keys) == 0:
        return [], 0, 0
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    skipped = int((sizes > max_block).sum())
    keep = (sizes >= 2) & (sizes <= max_block)
    starts, sizes = starts[keep], sizes[keep]
    pair_counts = sizes.astype(np.int64) * (sizes - 1) // 2
    cumulative = np.cumsum(pair_counts)
    total = int(cumulative[-1]) if len(cumulative) else 0
    bounds = np.searchsorted(cumulative, np.arange(1, total // _PAIR_CHUNK + 1) * _PAIR_CHUNK)
    chunks, lo = [], 0
    for hi in [*bounds.tolist(), len(starts)]:
        if hi > lo:
            chunks.append(_distinct(_pairs_of_groups(recs, starts[lo:hi], sizes[lo:hi])))
            lo = hi
    return chunks, total, skipped


def candidate_pairs(
    records: EncodedRecords, feats: Features, max_block: int = 400
) -> tuple[np.ndarray, np.ndarray, BlockingReport]:
    """Candidate pairs (left < right, record indices) proposed by the blocking rules."""
    report = BlockingReport()
    rules = rule_keys(records, feats)
    found: list[np.ndarray] = []
    for name in dict.fromkeys(name for name, _ in rules):
        arrays = [keys for rule, keys in rules if rule == name]
        present = [np.flatnonzero(k) for k in arrays]
        keys = np.concatenate([k[p] for k, p in zip(arrays, present, strict=True)])
        recs = np.concatenate(present).astype(np.int32)
        chunks, proposed, skipped = _rule_pairs(keys, recs, max_block)
        found.extend(chunks)
        report.proposed[name] = proposed
        report.skipped_blocks += skipped
    codes = _distinct(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    del found
    report.candidate_pairs = len(codes)
    left = (codes >> 32).astype(np.int32)
    right = (codes & 0xFFFFFFFF).astype(np.int32)
    return left, right, report
