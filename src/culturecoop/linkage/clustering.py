"""Clustering scored pairs into persons, with safeguards against chaining.

1. **Edges**: pairs whose match probability reaches ``threshold``.
2. **Best link per member**: an edge between records of two different members is kept only
   when it is the best edge of *both* records towards the other's member (mutual best
   match). A person is expected once per member file; duplicates inside a member still join
   through their own within-member edge.
3. **Connected components** (``scipy.sparse.csgraph.connected_components``).
4. **Consistency**: in every component of three records or more, all pairs are scored (not
   only the blocked ones); a pair whose probability is below ``split_below`` is a *cannot-link*
   (two people chained through a third). Such components, and components larger than
   ``max_cluster``, are rebuilt by constrained single linkage: edges are added strongest
   first, and an edge is refused when it would join two groups holding a cannot-link pair
   or make a group larger than ``max_cluster``.

Each record's ``confidence`` is the probability of its strongest edge inside its final
cluster (the link that joined it), 1.0 for a singleton.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

ScoreFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Clusters:
    labels: np.ndarray  # (n,) int64 cluster index per record
    confidence: np.ndarray  # (n,) float64
    split_components: int = 0
    edges_kept: int = 0


def _best_towards(
    src: np.ndarray, dst: np.ndarray, prob: np.ndarray, member: np.ndarray, n_members: int
) -> np.ndarray:
    """True where an edge is ``src``'s best edge towards ``dst``'s member."""
    if len(src) == 0:
        return np.zeros(0, dtype=bool)
    group = src.astype(np.int64) * n_members + member[dst]
    order = np.lexsort((-prob, group))
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    best = np.zeros(len(src), dtype=bool)
    best[order[first]] = True
    return best


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _find(parent: dict[int, int], x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


def _constrained_linkage(
    nodes: np.ndarray, left: np.ndarray, right: np.ndarray, prob: np.ndarray,
    cannot: set[tuple[int, int]], max_cluster: int,
) -> dict[int, int]:
    """Single linkage strongest-first, refusing merges across a cannot-link or over the cap."""
    parent = {int(x): int(x) for x in nodes}
    members = {int(x): [int(x)] for x in nodes}
    for k in np.argsort(-prob, kind="stable"):
        a, b = _find(parent, int(left[k])), _find(parent, int(right[k]))
        if a == b or len(members[a]) + len(members[b]) > max_cluster:
            continue
        if cannot and any(
            (min(x, y), max(x, y)) in cannot for x in members[a] for y in members[b]
        ):
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a].extend(members.pop(b))
    return {x: _find(parent, x) for x in parent}


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    prob: np.ndarray,
    member: np.ndarray,
    n_members: int,
    score: ScoreFn,
    threshold: float = 0.5,
    split_below: float = 0.01,
    max_cluster: int = 40,
) -> Clusters:
    """Cluster ``n`` records from scored pairs; ``score`` scores arbitrary record pairs."""
    keep = prob >= threshold
    left, right, prob = left[keep], right[keep], prob[keep]
    across = member[left] != member[right]
    mutual = _best_towards(left, right, prob, member, n_members) & _best_towards(
        right, left, prob, member, n_members
    )
    keep = ~across | mutual
    left, right, prob = left[keep], right[keep], prob[keep]
    labels = _components(n, left, right)
    sizes = np.bincount(labels)
    split = 0

    # All pairs inside components of 3..max_cluster records, scored in one batch.
    big = np.flatnonzero((sizes >= 3) & (sizes <= max_cluster))
    suspicious = set(np.flatnonzero(sizes > max_cluster).tolist())
    if len(big):
        in_big = np.isin(labels, big)
        nodes = np.flatnonzero(in_big)
        order = nodes[np.argsort(labels[nodes], kind="stable")]
        lab = labels[order]
        starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
        counts = np.diff(np.r_[starts, len(order)])
        within = np.arange(len(order)) - np.repeat(starts, counts)
        follow = np.repeat(counts, counts) - within - 1
        first = np.repeat(np.arange(len(order)), follow)
        follow_first = np.cumsum(follow) - follow
        second = first + 1 + (np.arange(len(first)) - np.repeat(follow_first, follow))
        pa_, pb_ = order[first], order[second]
        pair_prob = score(pa_, pb_)
        conflict = pair_prob < split_below
        cannot_pairs = {(min(int(x), int(y)), max(int(x), int(y)))
                        for x, y in zip(pa_[conflict], pb_[conflict], strict=True)}
        suspicious |= set(np.unique(labels[pa_[conflict]]).tolist())
    else:
        cannot_pairs = set()

    if suspicious:
        sus = np.array(sorted(suspicious))
        edge_lab = labels[left]
        next_label = int(labels.max()) + 1
        for comp in sus:
            nodes = np.flatnonzero(labels == comp)
            e = edge_lab == comp
            roots = _constrained_linkage(nodes, left[e], right[e], prob[e], cannot_pairs, max_cluster)
            relabel: dict[int, int] = {}
            for x, root in roots.items():
                if root not in relabel:
                    relabel[root] = comp if not relabel else next_label
                    if relabel[root] == next_label:
                        next_label += 1
                labels[x] = relabel[root]
            split += 1

    # Confidence: strongest surviving edge inside the final cluster.
    confidence = np.ones(n)
    inside = labels[left] == labels[right]
    if inside.any():
        best = np.zeros(n)
        np.maximum.at(best, left[inside], prob[inside])
        np.maximum.at(best, right[inside], prob[inside])
        linked = best > 0
        confidence[linked] = best[linked]
    _, labels = np.unique(labels, return_inverse=True)
    return Clusters(labels=labels.ravel().astype(np.int64), confidence=confidence,
                    split_components=split, edges_kept=int(inside.sum()))
