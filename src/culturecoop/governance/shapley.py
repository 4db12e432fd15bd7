"""Shapley values over members from per-coalition counts (no report is re-run per coalition).

Every value function here is a function of *people*: each person (or each person in a report
cell) carries the set of members whose data shows them, as a bit mask. A coalition S "has" a
person when the mask meets S. So the value of every one of the 2^n coalitions follows from the
counts per mask, through the subset-sum (zeta) transform ``g(T) = Σ_{m ⊆ T} count(m)``:

* coverage(S) = people S knows = total − g(¬S);
* several(S) = people S knows at two members or more = coverage(S) − Σ_{j∈S} (g(¬S ∪ {j}) − g(¬S));
* cells(S) = report cells in which S knows at least k people (one coverage per cell).

Exact Shapley values follow in O(n·2^n) (fifteen members: 32,768 coalitions, milliseconds).
Beyond ``EXACT_LIMIT`` members, permutation sampling: in one permutation a row of people joins
when the first member of its mask arrives (the second, for "several"), so every marginal
contribution of a permutation comes from one pass over the rows; the interval is the normal
95 % interval of the mean over permutations.

Counting people rather than rows is what makes duplication pay nothing: a member that sends the
same people twice, or under other ids, leaves every mask, hence every value, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np

EXACT_LIMIT = 15
MAX_MEMBERS = 62  # masks are int64
_CELL_CHUNK = 128


@dataclass(frozen=True)
class MaskCounts:
    """People per member mask, optionally per report cell (``cells`` indexes 0..n_cells-1)."""

    masks: np.ndarray  # int64
    counts: np.ndarray  # float64
    cells: np.ndarray | None = None
    n_cells: int = 0


@dataclass(frozen=True)
class Shares:
    values: np.ndarray  # one per member
    total: float  # v(all members)
    exact: bool
    half_width: np.ndarray | None = None  # 95 % interval, sampled only
    permutations: int = 0


def _zeta(dense: np.ndarray, n: int) -> np.ndarray:
    """Subset sums along the last axis (length 2^n), in place."""
    lead = dense.shape[:-1]
    for i in range(n):
        view = dense.reshape(*lead, -1, 2, 1 << i)
        view[..., 1, :] += view[..., 0, :]
    return dense


def _dense(masks: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    dense = np.zeros(1 << n, dtype=np.float64)
    np.add.at(dense, masks, counts)
    return dense


def coverage_values(data: MaskCounts, n: int) -> np.ndarray:
    """v(S) = people known to S, for every coalition S (index = bit mask)."""
    g = _zeta(_dense(data.masks, data.counts, n), n)
    values: np.ndarray = g[-1] - g[::-1]
    return values


def several_values(data: MaskCounts, n: int) -> np.ndarray:
    """v(S) = people S knows at two of its members or more."""
    g = _zeta(_dense(data.masks, data.counts, n), n)
    coalitions = np.arange(1 << n, dtype=np.int64)
    outside = coalitions ^ ((1 << n) - 1)
    single = np.zeros(1 << n, dtype=np.float64)
    for j in range(n):
        has = (coalitions >> j) & 1 == 1
        single[has] += g[outside[has] | (1 << j)] - g[outside[has]]
    values: np.ndarray = (g[-1] - g[outside]) - single
    return values


def cell_values(data: MaskCounts, n: int, k: int) -> np.ndarray:
    """v(S) = cells in which S knows at least ``k`` people."""
    assert data.cells is not None
    values = np.zeros(1 << n, dtype=np.float64)
    order = np.argsort(data.cells, kind="stable")
    cells, masks, counts = data.cells[order], data.masks[order], data.counts[order]
    for start in range(0, data.n_cells, _CELL_CHUNK):
        stop = min(start + _CELL_CHUNK, data.n_cells)
        lo, hi = np.searchsorted(cells, [start, stop])
        dense = np.zeros((stop - start, 1 << n), dtype=np.float64)
        np.add.at(dense, (cells[lo:hi] - start, masks[lo:hi]), counts[lo:hi])
        g = _zeta(dense, n)
        known = g[:, -1:] - g[:, ::-1]
        values += (known >= k).sum(axis=0)
    return values


def exact_shapley(values: np.ndarray, n: int) -> Shares:
    """Shapley values from v over all 2^n coalitions."""
    coalitions = np.arange(1 << n, dtype=np.int64)
    sizes = np.bitwise_count(coalitions.astype(np.uint64)).astype(np.int64)
    weight = np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])
    shares = np.zeros(n)
    for i in range(n):
        without = coalitions[(coalitions >> i) & 1 == 0]
        shares[i] = float(np.sum(weight[sizes[without]] * (values[without | (1 << i)] - values[without])))
    return Shares(shares, float(values[-1] - values[0]), exact=True)


def _positions(masks: np.ndarray, order: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row: the position in ``order`` of the first and of the second member of its mask
    (``n`` when there is none)."""
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    pos = np.where(bits, rank[None, :], n)
    pos.sort(axis=1)
    second = pos[:, 1] if n > 1 else np.full(len(masks), n)
    return pos[:, 0], second


def sampled_shapley(data: MaskCounts, n: int, kind: str, *, k: int = 10, permutations: int = 2000,
                    seed: int = 0) -> Shares:
    """Permutation-sampling estimate of the Shapley values of ``kind`` (coverage, several, cells)."""
    rng = np.random.default_rng(seed)
    marginals = np.zeros((permutations, n))
    total = 0.0
    for p in range(permutations):
        order = rng.permutation(n)
        first, second = _positions(data.masks, order, n)
        if kind == "coverage":
            gained = np.bincount(first, weights=data.counts, minlength=n + 1)[:n]
        elif kind == "several":
            gained = np.bincount(second, weights=data.counts, minlength=n + 1)[:n]
        elif kind == "cells":
            assert data.cells is not None
            by_step = np.zeros((data.n_cells, n + 1))
            np.add.at(by_step, (data.cells, first), data.counts)
            reached = np.cumsum(by_step[:, :n], axis=1) >= k
            crossed = np.where(reached.any(axis=1), reached.argmax(axis=1), n)
            gained = np.bincount(crossed, minlength=n + 1)[:n].astype(np.float64)
        else:
            raise ValueError(kind)
        marginals[p, order] = gained
        total = float(gained.sum())
    mean = marginals.mean(axis=0)
    half = 1.96 * marginals.std(axis=0, ddof=1) / np.sqrt(permutations) if permutations > 1 else np.zeros(n)
    return Shares(mean, total, exact=False, half_width=half, permutations=permutations)


def shapley(data: MaskCounts, n: int, kind: str, *, k: int = 10, permutations: int = 2000, seed: int = 0,
            exact: bool | None = None) -> Shares:
    """Exact up to ``EXACT_LIMIT`` members (unless ``exact=False``), sampled beyond."""
    if exact is None:
        exact = n <= EXACT_LIMIT
    if not exact:
        return sampled_shapley(data, n, kind, k=k, permutations=permutations, seed=seed)
    if kind == "coverage":
        values = coverage_values(data, n)
    elif kind == "several":
        values = several_values(data, n)
    elif kind == "cells":
        values = cell_values(data, n, k)
    else:
        raise ValueError(kind)
    return exact_shapley(values, n)
