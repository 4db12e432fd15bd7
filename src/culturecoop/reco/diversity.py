"""Scores made comparable, and lists made diverse: per-row z-scores, the items' feature
similarity, and maximal marginal relevance (MMR). Shared by the model (its committee chooses a
list diversity on held-out folds) and the discoverability re-ranking (``rerank``)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.metrics import in_row_blocks, top_k


def standardize(scores: np.ndarray) -> np.ndarray:
    """Per-row z-scores (a row of equal scores becomes zeros).

    The deviations are computed once and scaled in place: the same numbers as ``scores.std``
    (which computes them again inside), to the last bit, at a third of the passes over memory."""
    mean = scores.mean(axis=1, keepdims=True)
    centred = np.asarray(scores - mean)
    std = np.sqrt(np.add.reduce(np.multiply(centred, centred), axis=1, keepdims=True) / max(scores.shape[1], 1))
    centred /= np.where(std > 0, std, 1.0)
    return centred


def item_similarity(features: sp.csr_matrix) -> np.ndarray:
    """Cosine similarity of every pair of candidate items' features (items × items)."""
    dense = features.toarray() if sp.issparse(features) else np.asarray(features)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    unit = dense / np.where(norms > 0, norms, 1.0)
    return np.asarray(unit @ unit.T)


def mmr(scores: np.ndarray, features: sp.csr_matrix, diversity: float, k: int,
        similarity: np.ndarray | None = None) -> np.ndarray:
    """Greedy maximal-marginal-relevance lists for every row at once (best first);
    ``similarity``: the items' ``item_similarity``, when already computed."""
    n_users, n_items = scores.shape
    k = min(k, n_items)
    if diversity <= 0:
        return top_k(scores, k)
    standardized = standardize(scores)
    sim = item_similarity(features) if similarity is None else similarity

    def lists(block: slice) -> np.ndarray:
        relevance = standardized[block]
        candidates = _candidates(relevance, diversity, k)
        if candidates is not None:
            relevance = np.take_along_axis(relevance, candidates, axis=1)
        rows = np.arange(relevance.shape[0])
        chosen = np.empty((relevance.shape[0], k), dtype=np.int64)
        closest = np.zeros(relevance.shape)
        taken = np.zeros(relevance.shape, dtype=bool)
        for step in range(k):
            value = (1 - diversity) * relevance - diversity * closest
            value[taken] = -np.inf
            pick = np.argmax(value, axis=1)
            chosen[:, step] = pick if candidates is None else candidates[rows, pick]
            taken[rows, pick] = True
            closest = np.maximum(closest, sim[pick] if candidates is None else sim[chosen[:, step][:, None], candidates])
        return chosen
    # Each row's list depends on its row alone (a block's candidates are a superset of its rows' own).
    return in_row_blocks(lists, n_users, scores.size)


def _candidates(relevance: np.ndarray, diversity: float, k: int) -> np.ndarray | None:
    """The only items MMR can pick, per row, in index order: a similarity is at most 1, so an item
    whose relevance is more than diversity / (1 − diversity) under the row's k-th best can never
    outvalue the best of the top k still unpicked. None when that leaves most of the row."""
    n_items = relevance.shape[1]
    if diversity >= 1 or k >= n_items:
        return None
    margin = diversity / (1 - diversity) + 1e-9
    kth = np.partition(relevance, n_items - k, axis=1)[:, n_items - k]
    width = int((relevance >= (kth - margin)[:, None]).sum(axis=1).max())
    if width > n_items // 2:
        return None
    top = np.argpartition(-relevance, width - 1, axis=1)[:, :width]
    top.sort(axis=1)
    return top
