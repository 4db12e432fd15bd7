"""A new item among the past items' ALS factors, placed from its content alone: by a ridge map from
features to factors (linear), or among the factors of the past items most like it (neighbours)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

ALS_REGULARIZATION = 2.0
MAP_RIDGE = 3.0

# How many new item × past item similarities the neighbour placement holds at once.
NEIGHBOUR_CELLS = 4_000_000


@dataclass
class Factors:
    item_map: np.ndarray  # features × factors
    item_factors: np.ndarray  # items × factors (float32)


def neighbour_factors(train_features: sp.csr_matrix, item_factors: np.ndarray, items: sp.csr_matrix,
                      neighbours: int) -> np.ndarray:
    """Each new item's factor: the similarity-weighted mean factor of the ``neighbours`` past
    items whose content is most like it (cosine of the feature vectors), every item tied with
    the last of them included — past items often share a feature vector, and which of them
    made the cut would otherwise be arbitrary. New items are placed a block at a time (about
    ``NEIGHBOUR_CELLS`` similarities each): a catalogue of tens of thousands of films needs memory
    for one block, not new items × past items."""
    return neighbour_placements(train_features, [item_factors], items, (neighbours,))[0][neighbours]


def neighbour_placements(train_features: sp.csr_matrix, factor_sets: list[np.ndarray], items: sp.csr_matrix,
                         choices: tuple[int, ...]) -> list[dict[int, np.ndarray]]:
    """``neighbour_factors`` for several sets of the past items' factors and several numbers of
    neighbours at once (per set, per number): the similarities, the costly part, are computed and
    partitioned once."""
    new, past = _unit_rows(items), _unit_rows(train_features).T.tocsc()
    sets = [factors.astype(np.float64) for factors in factor_sets]
    placed = [{n: np.zeros((new.shape[0], factors.shape[1])) for n in choices} for factors in sets]
    block = max(1, NEIGHBOUR_CELLS // max(1, past.shape[1]))
    for start in range(0, new.shape[0], block):
        similarity = np.asarray((new[start:start + block] @ past).toarray())
        counts = {n: min(n, similarity.shape[1]) for n in choices}
        ordered = -np.partition(-similarity, sorted({c - 1 for c in counts.values()}), axis=1)
        for n, count in counts.items():
            last = ordered[:, count - 1:count]
            weights = np.where(similarity >= last - 1e-9, np.maximum(similarity, 0.0), 0.0)
            total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
            for factors, out in zip(sets, placed, strict=True):
                out[n][start:start + block] = (weights @ factors) / total
    return placed


def _unit_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(matrix, dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)) @ m)


def shrink_norms(placed: np.ndarray, power: float) -> np.ndarray:
    """Placed items' factors divided by their norm to ``power`` (0: unchanged, 1: directions only).

    A new item's placed factor is long when its content neighbours (or the features the linear map
    leans on) were popular: the new item inherits a popularity it has not earned, and every person's
    list leans to the same items. Shrinking the length keeps the direction (who it suits)."""
    if power == 0:
        return placed
    norms = np.linalg.norm(placed, axis=1, keepdims=True)
    return np.asarray(placed / np.where(norms > 0, norms, 1.0) ** power)


def ridge_map(x: sp.csr_matrix, factors: np.ndarray) -> np.ndarray:
    """Content features → factors, by ridge regression over the items."""
    gram = (x.T @ x).toarray() + MAP_RIDGE * np.eye(x.shape[1])
    return np.asarray(np.linalg.solve(gram, x.T @ factors.astype(np.float64)))


def least_squares(weighted: sp.csr_matrix, other: np.ndarray) -> np.ndarray:
    """ALS's closed-form step: the rows' factors given the other side's (implicit's solver)."""
    from implicit.cpu import _als

    other = np.ascontiguousarray(other, dtype=np.float32)
    out = np.zeros((weighted.shape[0], other.shape[1]), dtype=np.float32)
    _als._least_squares(other.T @ other, weighted.indptr, weighted.indices, weighted.data.astype(np.float32),
                        out, other, ALS_REGULARIZATION, num_threads=1)
    return out
