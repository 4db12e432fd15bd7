"""Ranking metrics at k, from top-k lists (users × k) and score matrices (users × candidate items).

Relevance is binary: an item is relevant to a user when the user interacted with it in the test
period. nDCG comes with a bootstrap 95 % interval over users (the users are resampled, their
per-user values kept), so two models' intervals can be compared. Beyond accuracy: catalogue
coverage (share of candidates shown to someone), the Gini coefficient of exposure (0 = every
item shown equally often), novelty (mean −log2 of an item's training popularity share),
intra-list diversity (mean pairwise distance between the features of a list) and the share of
top-k slots given to items with a flag (local artist, French language).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp

BOOTSTRAP_SAMPLES = 1000
# The seed is fixed so that the same run prints the same interval.
BOOTSTRAP_SEED = 20261123
# Work (score cells) from which a row-wise computation is shared out among the cores.
PARALLEL_CELLS = 1_000_000
_block = threading.local()


def in_row_blocks(rows: Callable[[slice], np.ndarray], n_rows: int, cells: int) -> np.ndarray:
    """``rows`` of every row block stacked, the blocks run side by side on the machine's cores when
    the work is large (``cells``: its size). NumPy's sorts and arithmetic release the interpreter's
    lock, so threads share them without copies; each row's result depends on its row alone, so the
    numbers are the same as in one block."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    if workers < 2 or cells < PARALLEL_CELLS or n_rows < 2 * workers or getattr(_block, "inside", False):
        return rows(slice(0, n_rows))

    def one(block: slice) -> np.ndarray:
        _block.inside = True  # a block's own row-wise work stays on its thread
        return rows(block)
    bounds = np.linspace(0, n_rows, workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as pool:
        return np.concatenate(list(pool.map(one, [slice(int(a), int(b)) for a, b in pairwise(bounds)])))


def tie_keys(ids: np.ndarray) -> np.ndarray:
    """A pseudo-random 64-bit key per id (a hash of the id itself): the order ``top_k`` gives tied
    candidates, so that it owes nothing to the order in which a file lists its users or items."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(str(i).encode(), digest_size=8).digest(), "little")
                        for i in ids), dtype=np.uint64, count=len(ids))


@dataclass
class TieKeys:
    """Keys of the rows (users) and columns (candidate items) of a score matrix (``tie_keys``)."""

    rows: np.ndarray
    columns: np.ndarray

    def cells(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """A key per (row, column) pair (index arrays of one shape): each user draws their own order
        of tied items, so a metric averaged over users averages over many draws, not one."""
        x = self.rows[rows] * np.uint64(0x9E3779B97F4A7C15) ^ self.columns[columns]
        # splitmix64's finalizer: neighbouring keys land far apart.
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(x ^ (x >> np.uint64(31)))


# How far apart ``untied`` moves tied scores, against the row's range: below any gap a model's
# scores mean something by, far above float64's resolution.
TIE_NUDGE = 1e-9


def untied(scores: np.ndarray, ties: TieKeys) -> np.ndarray:
    """``scores`` (float64) with each row's ties broken in that user's key order (``TieKeys``): a
    nudge under a billionth of the row's range. For lists built greedily rather than by ``top_k``
    (maximal marginal relevance, the discoverability re-ranking): their ``argmax`` takes the first
    of tied items, the same for everyone, and items alike in every feature (a catalogue whose only
    feature is a genre) gave every user the same ten items of each genre."""
    out = np.array(scores, dtype=np.float64)
    if out.size == 0:
        return out
    finite = np.where(np.isfinite(out), out, np.nan)
    spread = np.nan_to_num(np.nanmax(finite, axis=1, keepdims=True) - np.nanmin(finite, axis=1, keepdims=True))
    keys = ties.cells(np.arange(out.shape[0])[:, None], np.arange(out.shape[1])[None, :])
    unit = keys.astype(np.float64) / 2.0 ** 64
    return out + unit * TIE_NUDGE * np.where(spread > 0, spread, 1.0)


def top_k(scores: np.ndarray, k: int, ties: TieKeys | None = None) -> np.ndarray:
    """Indices of each row's ``k`` best candidates, best first.

    ``ties``: equal scores are ordered by a key of the user and the item (``TieKeys``), so a model
    that scores many items alike (popularity by genre, a genre profile) ranks them in an order that
    is neither the file's nor the same for everyone. In the file's order, tied items come in the
    order the catalogue was built, and in a catalogue numbered as it grew that order is the items'
    age: a leak of what is new into a model that was never told. Without keys, ties are left in
    the order NumPy's partition leaves them (the model's own choices on its folds)."""
    k = min(k, scores.shape[1])

    def best(rows: slice) -> np.ndarray:
        block = scores[rows]
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        if ties is not None:
            part = _break_ties(block, part, ties, np.arange(block.shape[0]) + (rows.start or 0), k)
        order = np.argsort(-np.take_along_axis(block, part, axis=1), axis=1, kind="stable")
        return np.take_along_axis(part, order, axis=1)
    return in_row_blocks(best, scores.shape[0], scores.size)


def _break_ties(block: np.ndarray, part: np.ndarray, ties: TieKeys, rows: np.ndarray, k: int) -> np.ndarray:
    """``part`` (each row's k best, in any order) with the items tied at the k-th score chosen by
    key, and the k in key order (the caller's stable sort by score then keeps it among equals)."""
    kth = np.take_along_axis(block, part, axis=1).min(axis=1, keepdims=True)
    above = block > kth
    tied = block == kth
    need = k - above.sum(axis=1)
    open_rows = np.flatnonzero(tied.sum(axis=1) > need)
    part = part.copy()
    if len(open_rows):
        r, c = np.nonzero(tied[open_rows])
        keys = np.full((len(open_rows), block.shape[1]), np.iinfo(np.uint64).max, dtype=np.uint64)
        keys[r, c] = ties.cells(rows[open_rows[r]], c)
        for n in np.unique(need[open_rows]):
            group = np.flatnonzero(need[open_rows] == n)
            chosen = np.argpartition(keys[group], n - 1, axis=1)[:, :n]
            # Each row of the group has exactly k − n items above its k-th score.
            higher = np.nonzero(above[open_rows[group]])[1].reshape(len(group), k - n)
            part[open_rows[group]] = np.hstack([higher, chosen])
    keys = ties.cells(np.repeat(rows, part.shape[1]).reshape(part.shape), part)
    return np.take_along_axis(part, np.argsort(keys, axis=1), axis=1)


@dataclass
class Interval:
    mean: float
    low: float
    high: float

    def to_json(self) -> dict[str, float]:
        return {"mean": round(self.mean, 6), "low": round(self.low, 6), "high": round(self.high, 6)}


def bootstrap(values: np.ndarray, samples: int = BOOTSTRAP_SAMPLES) -> Interval:
    """Mean of per-user values with a percentile bootstrap 95% interval."""
    if len(values) == 0:
        return Interval(0.0, 0.0, 0.0)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    means = values[rng.integers(0, len(values), size=(samples, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return Interval(float(values.mean()), float(low), float(high))


def per_user(ranked: np.ndarray, relevant: sp.csr_matrix, k: int) -> dict[str, np.ndarray]:
    """Precision, recall, nDCG and average precision at k of each user."""
    hits = np.asarray(relevant[np.arange(ranked.shape[0])[:, None], ranked].todense(), dtype=float) > 0
    n_relevant = np.asarray(relevant.sum(axis=1)).ravel()
    discounts = 1.0 / np.log2(np.arange(2, ranked.shape[1] + 2))
    dcg = (hits * discounts).sum(axis=1)
    ideal = np.cumsum(discounts)[np.minimum(n_relevant, ranked.shape[1]).astype(int) - 1]
    cum_hits = np.cumsum(hits, axis=1)
    precision_at = cum_hits / np.arange(1, ranked.shape[1] + 1)
    ap = (precision_at * hits).sum(axis=1) / np.minimum(n_relevant, k)
    return {
        "precision": hits.sum(axis=1) / k,
        "recall": hits.sum(axis=1) / n_relevant,
        "ndcg": dcg / ideal,
        "map": ap,
    }


def auc_values(scores: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Each user's probability that a relevant item outranks an irrelevant one (users with both
    kinds only); their mean is the AUC. A relevant item tied with an irrelevant one counts half,
    as a coin would order them: a model that scores every item alike is at chance, 0.5."""
    dense = np.asarray(relevant.todense()) > 0
    n_pos = dense.sum(axis=1)
    n_neg = dense.shape[1] - n_pos
    both = (n_pos > 0) & (n_neg > 0)
    if not both.any():
        return np.zeros(0, dtype=np.float64)
    scores, dense, n_pos, n_neg = scores[both], dense[both], n_pos[both], n_neg[both]

    def values(rows: slice) -> np.ndarray:
        # One sort of the block; each item's group of ties runs from ``starts`` to ``ends``. For each
        # relevant item: the irrelevant items strictly below its group, and half those within it
        # (the Mann–Whitney U, pair by pair).
        order = np.argsort(scores[rows], axis=1)
        ranked = np.take_along_axis(scores[rows], order, axis=1)
        hit = np.take_along_axis(dense[rows], order, axis=1)
        n = ranked.shape[1]
        positions = np.arange(n)
        new_group = np.c_[np.ones((len(ranked), 1), dtype=bool), ranked[:, 1:] != ranked[:, :-1]]
        starts = np.maximum.accumulate(np.where(new_group, positions, 0), axis=1)
        group_end = np.c_[new_group[:, 1:], np.ones((len(ranked), 1), dtype=bool)]
        ends = np.minimum.accumulate(np.where(group_end, positions, n)[:, ::-1], axis=1)[:, ::-1]
        hits_upto = np.c_[np.zeros((len(ranked), 1), dtype=np.int64), np.cumsum(hit, axis=1)]  # hits in [0, i)
        below = starts - np.take_along_axis(hits_upto, starts, axis=1)
        in_group = (ends + 1 - starts) - (np.take_along_axis(hits_upto, ends + 1, axis=1)
                                          - np.take_along_axis(hits_upto, starts, axis=1))
        u = np.where(hit, below + 0.5 * in_group, 0).sum(axis=1)
        return np.asarray(u / (n_pos[rows] * n_neg[rows]), dtype=np.float64)
    return in_row_blocks(values, len(scores), scores.size)


def gini(exposure: np.ndarray) -> float:
    """Gini coefficient of exposure counts (0 = equal exposure, → 1 = one item gets all)."""
    x = np.sort(exposure.astype(float))
    if x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def intra_list_diversity(ranked: np.ndarray, features: sp.csr_matrix) -> float:
    """Mean over lists of the mean pairwise cosine distance between their items' features."""
    norms = np.sqrt(np.asarray(features.multiply(features).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    unit = sp.diags(1.0 / norms) @ features
    k = ranked.shape[1]
    if k < 2:
        return 0.0
    total = np.zeros(ranked.shape[0])
    # The candidates' cosine similarities once (a small catalogue: upcoming events, a test
    # catalogue), then looked up pair by pair: 57,000 lists of 5 over 27 events took 3.5 s when
    # each pair's feature rows were multiplied list by list.
    pairwise = (unit @ unit.T).toarray() if unit.shape[0] <= 4096 else None
    dense = unit.toarray() if pairwise is None and unit.shape[1] <= 4096 else None
    for a in range(k):
        for b in range(a + 1, k):
            if pairwise is not None:
                sims = pairwise[ranked[:, a], ranked[:, b]]
            elif dense is not None:
                sims = (dense[ranked[:, a]] * dense[ranked[:, b]]).sum(axis=1)
            else:
                sims = np.asarray(unit[ranked[:, a]].multiply(unit[ranked[:, b]]).sum(axis=1)).ravel()
            total += 1.0 - sims
    return float((total / (k * (k - 1) / 2)).mean())


def list_metrics(ranked: np.ndarray, relevant: sp.csr_matrix, k: int, *, popularity: np.ndarray,
                 features: sp.csr_matrix, flags: dict[str, np.ndarray], groups: np.ndarray | None = None) -> dict[str, Any]:
    """Every metric of one model's top-k lists.

    ``popularity`` is each candidate's share of training interactions (estimated from its
    features for cold items), ``flags`` boolean arrays over candidates (local, French),
    ``groups`` an optional owner per candidate (a member) for the Gini of exposure across owners.
    """
    users = per_user(ranked, relevant, k)
    exposure = np.bincount(ranked.ravel(), minlength=relevant.shape[1])
    pop = np.clip(popularity, 1e-12, None)
    out: dict[str, Any] = {
        "users": int(ranked.shape[0]),
        "precision": round(float(users["precision"].mean()), 6),
        "recall": round(float(users["recall"].mean()), 6),
        "ndcg": bootstrap(users["ndcg"]).to_json(),
        "map": round(float(users["map"].mean()), 6),
        "coverage": round(float((exposure > 0).mean()), 6),
        "gini": round(gini(exposure), 6),
        "novelty": round(float((-np.log2(pop[ranked])).mean()), 6),
        "diversity": round(intra_list_diversity(ranked, features), 6),
    }
    for name, flag in flags.items():
        out[f"{name}_share"] = round(float(flag[ranked].mean()), 6)
        out[f"{name}_catalogue_share"] = round(float(flag.mean()), 6)
    if groups is not None:
        owners = np.unique(groups, return_inverse=True)[1]
        out["gini_members"] = round(gini(np.bincount(owners[ranked.ravel()], minlength=owners.max() + 1)), 6)
    return out
