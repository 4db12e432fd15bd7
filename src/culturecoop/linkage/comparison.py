"""Comparison of candidate pairs on encodings only: per-field Dice, token equality, levels.

Dice similarity of two packed filters is ``2·|a∧b| / (|a|+|b|)``, computed with
``np.bitwise_count`` on ``uint64`` words. Pairs are mapped to pairs of *distinct* filters
first, so a popular surname is compared with another one once, however many records hold
them. Given name and surname are compared straight and crossed (given against surname);
when the crossed orientation agrees better, the pair is scored on it, which recovers
records whose name columns were swapped.

Each comparison maps to a small integer *level* (0 is always "missing on either side"),
the input of the Fellegi–Sunter model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from culturecoop.linkage.features import MISSING, Features, FieldIndex
from culturecoop.linkage.records import EncodedRecords

_CHUNK = 1 << 20
_PAIRS_PER_STEP = 2_000_000

# Dice thresholds of the levels above "different"; the top level is an identical filter.
NAME_THRESHOLDS = (0.5, 0.7, 0.85)
DATE_THRESHOLDS = (0.6, 0.8)
POSTCODE_THRESHOLDS = (0.35, 0.55, 0.75)


@dataclass(frozen=True)
class Comparison:
    """One column of the comparison vector: a name and its level labels."""

    name: str
    levels: tuple[str, ...]  # level 0 is always "missing"
    tf: bool  # whether the top (exact) level is weighted by the value's frequency


def _dice_levels(thresholds: tuple[float, ...]) -> tuple[str, ...]:
    return ("missing", "different", *[f"dice>={t}" for t in thresholds], "exact")


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("given_name", _dice_levels(NAME_THRESHOLDS), tf=True),
    Comparison("surname", _dice_levels(NAME_THRESHOLDS), tf=True),
    Comparison("birth_date", _dice_levels(DATE_THRESHOLDS), tf=True),
    Comparison("postcode", _dice_levels(POSTCODE_THRESHOLDS), tf=True),
    Comparison("email", ("missing", "different", "equal"), tf=False),
    Comparison("phone", ("missing", "different", "equal"), tf=False),
)


def dice_by_id(index: FieldIndex, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dice of distinct filters ``a[k]`` and ``b[k]`` (NaN where either is missing)."""
    out = np.full(len(a), np.nan)
    both = (a != MISSING) & (b != MISSING)
    same = both & (a == b)
    out[same] = 1.0
    todo = np.flatnonzero(both & ~same)
    if len(todo) == 0:
        return out
    lo = np.minimum(a[todo], b[todo]).astype(np.int64)
    hi = np.maximum(a[todo], b[todo]).astype(np.int64)
    codes, inverse = np.unique(lo * len(index) + hi, return_inverse=True)
    ua, ub = codes // len(index), codes % len(index)
    values = np.empty(len(codes))
    for start in range(0, len(codes), _CHUNK):
        x, y = ua[start:start + _CHUNK], ub[start:start + _CHUNK]
        inter = np.bitwise_count(index.words[x] & index.words[y]).sum(axis=1, dtype=np.int32)
        values[start:start + _CHUNK] = 2.0 * inter / (index.popcount[x] + index.popcount[y])
    out[todo] = values[inverse.ravel()]
    return out


def _to_levels(similarity: np.ndarray, exact: np.ndarray, thresholds: tuple[float, ...]) -> np.ndarray:
    level = np.ones(len(similarity), dtype=np.int8)
    for k, t in enumerate(thresholds):
        level[similarity >= t] = k + 2
    level[exact] = len(thresholds) + 2
    level[np.isnan(similarity)] = 0
    return level


def _token_levels(values: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    a, b = values[left], values[right]
    level = np.where(a == b, 2, 1).astype(np.int8)
    level[(a == 0) | (b == 0)] = 0
    return level


@dataclass
class PairComparison:
    """Levels of every candidate pair, plus what term-frequency weighting needs."""

    levels: np.ndarray  # (pairs, len(COMPARISONS)) int8
    tf_value: np.ndarray  # (pairs, 4) int32 distinct id of the value (Bloom comparisons only)
    swapped: np.ndarray  # (pairs,) bool: scored with given and surname crossed


def compare(
    records: EncodedRecords, feats: Features, left: np.ndarray, right: np.ndarray
) -> PairComparison:
    """Comparison levels of pairs ``(left[k], right[k])``, vectorized over pairs."""
    if len(left) > _PAIRS_PER_STEP:
        # Bounded memory: compare a few million pairs at a time.
        parts = [
            compare(records, feats, left[k:k + _PAIRS_PER_STEP], right[k:k + _PAIRS_PER_STEP])
            for k in range(0, len(left), _PAIRS_PER_STEP)
        ]
        return PairComparison(
            levels=np.concatenate([p.levels for p in parts]),
            tf_value=np.concatenate([p.tf_value for p in parts]),
            swapped=np.concatenate([p.swapped for p in parts]),
        )
    n = len(left)
    g_l, g_r = feats.given[left], feats.given[right]
    s_l, s_r = feats.surname[left], feats.surname[right]
    straight_g = dice_by_id(feats.names, g_l, g_r)
    straight_s = dice_by_id(feats.names, s_l, s_r)
    crossed_g = dice_by_id(feats.names, g_l, s_r)
    crossed_s = dice_by_id(feats.names, s_l, g_r)
    swapped = (
        ~np.isnan(crossed_g) & ~np.isnan(crossed_s)
        & (crossed_g + crossed_s > np.nan_to_num(straight_g) + np.nan_to_num(straight_s) + 0.2)
    )
    dg = np.where(swapped, crossed_g, straight_g)
    ds = np.where(swapped, crossed_s, straight_s)
    g_other = np.where(swapped, s_r, g_r)
    s_other = np.where(swapped, g_r, s_r)
    b_l, b_r = feats.birth_date[left], feats.birth_date[right]
    p_l, p_r = feats.postcode[left], feats.postcode[right]
    db = dice_by_id(feats.birth, b_l, b_r)
    dp = dice_by_id(feats.post, p_l, p_r)

    levels = np.empty((n, len(COMPARISONS)), dtype=np.int8)
    levels[:, 0] = _to_levels(dg, (g_l == g_other) & (g_l != MISSING), NAME_THRESHOLDS)
    levels[:, 1] = _to_levels(ds, (s_l == s_other) & (s_l != MISSING), NAME_THRESHOLDS)
    levels[:, 2] = _to_levels(db, (b_l == b_r) & (b_l != MISSING), DATE_THRESHOLDS)
    levels[:, 3] = _to_levels(dp, (p_l == p_r) & (p_l != MISSING), POSTCODE_THRESHOLDS)
    levels[:, 4] = _token_levels(records.email, left, right)
    levels[:, 5] = _token_levels(records.phone, left, right)
    tf_value = np.empty((n, 4), dtype=np.int32)
    tf_value[:, 0], tf_value[:, 1] = g_l, s_l
    tf_value[:, 2], tf_value[:, 3] = b_l, p_l
    return PairComparison(levels=levels, tf_value=tf_value, swapped=swapped)
