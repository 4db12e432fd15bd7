"""`reco evaluate`'s per-batch scoring work on a large catalogue: AUC and MMR lists.

On a log of MovieLens 25M's size with a fifth of the items held out (11,800 test items), scoring the
test users is most of the run after training, and a profile of it put AUC and the MMR lists first.
This script times both, batch by batch as `reco evaluate` calls them (``batch_cells`` cells a batch),
against the straightforward algorithms measured in the same run, and checks that they give the same
figures and lists:

- **AUC**: `reco.metrics.auc_values` (one sort of the batch, a relevant item tied with an irrelevant
  one counted as outranked) against a per-user rank sum (two stable argsorts per user, the same tie rule);
- **MMR**: `reco.diversity.mmr` (over the only items MMR can pick: more than d / (1 − d) under a row's
  k-th best, an item can never be picked) against greedy MMR over every item.

Prints medians over ``--repeat`` batches and the ratios. Usage:
`.venv/bin/python benchmarks/reco_scoring.py [--items 11800] [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from functools import partial

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.diversity import item_similarity, mmr, standardize
from culturecoop.reco.metrics import auc_values


def auc_reference(scores: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Mann–Whitney U per user from the ranks of [relevant, irrelevant] (stable: ties pessimistic)."""
    values = []
    dense = np.asarray(relevant.todense()) > 0
    for row in range(scores.shape[0]):
        pos, neg = scores[row, dense[row]], scores[row, ~dense[row]]
        if len(pos) == 0 or len(neg) == 0:
            continue
        ranks = np.argsort(np.argsort(np.r_[pos, neg], kind="stable"), kind="stable") + 1
        values.append((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))
    return np.asarray(values)


def mmr_reference(scores: np.ndarray, similarity: np.ndarray, diversity: float, k: int) -> np.ndarray:
    """Greedy MMR over every item of every row."""
    relevance = standardize(scores)
    rows = np.arange(scores.shape[0])
    chosen = np.empty((scores.shape[0], k), dtype=np.int64)
    closest = np.zeros(scores.shape)
    taken = np.zeros(scores.shape, dtype=bool)
    for step in range(k):
        value = (1 - diversity) * relevance - diversity * closest
        value[taken] = -np.inf
        pick = np.argmax(value, axis=1)
        chosen[:, step] = pick
        taken[rows, pick] = True
        closest = np.maximum(closest, similarity[pick])
    return chosen


def timed(run: Callable[[], np.ndarray], repeat: int) -> tuple[float, np.ndarray]:
    out = run()  # a first call out of the timing: caches and allocations warm for both
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=11_800)
    parser.add_argument("--features", type=int, default=60)
    parser.add_argument("--batch-cells", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(20261202)
    users = max(1, args.batch_cells // args.items)
    # Scores as a blend gives them (a skewed spread), test interactions ~0.2 % of the cells.
    scores = rng.normal(size=(users, args.items)) + rng.gamma(1.0, 1.0, size=args.items)
    relevant = sp.csr_matrix((rng.random((users, args.items)) < 0.002).astype(np.float32))
    features = sp.csr_matrix((rng.random((args.items, args.features)) < 0.08).astype(np.float32))
    similarity = item_similarity(features)
    print(f"one batch: {users} users × {args.items} items, {relevant.nnz} relevant cells; medians of {args.repeat}")

    base, expected = timed(lambda: auc_reference(scores, relevant), args.repeat)
    new, got = timed(lambda: auc_values(scores, relevant), args.repeat)
    same = np.allclose(expected, got)
    print(f"AUC   per-user ranks {base:7.3f} s   one sort {new:7.3f} s   ratio {base / new:5.1f}×   same figures: {same}")
    for diversity in (0.1, 0.3):
        base, expected = timed(partial(mmr_reference, scores, similarity, diversity, 10), args.repeat)
        new, got = timed(partial(mmr, scores, features, diversity, 10, similarity), args.repeat)
        same = bool(np.array_equal(expected, got))
        print(f"MMR {diversity:.1f} every item {base:7.3f} s   pruned {new:7.3f} s   ratio {base / new:5.1f}×   same lists: {same}")


if __name__ == "__main__":
    main()
