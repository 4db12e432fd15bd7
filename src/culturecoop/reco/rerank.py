"""Discoverability: a diversity knob and a local / francophone floor on every top-k list.

Two steps, applied to a score matrix (people × candidate items):

1. **Diversity (MMR).** The list is built greedily; each next item maximizes
   ``(1 − d) · relevance − d · (highest similarity to the items already chosen)``, relevance
   being the person's standardized score and similarity the cosine of the items' features.
   ``d = 0`` is the model's own ranking; ``d = 1`` ignores relevance after the first item.
2. **Local and francophone floor.** With ``boost = b`` points, every list holds at least
   ``catalogue share + b`` points of items flagged local, and as many francophone ones: where a
   list falls short, its lowest-placed unflagged items give their places to the person's best
   flagged items not yet in it (each swap costs the least relevance that reaches the floor).

The cooperative admin sets the defaults (``reco settings``); members see the trade-off curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

DEFAULT_DIVERSITY = 0.1
DEFAULT_BOOST = 12.0  # percentage points above the catalogue's share


@dataclass(frozen=True)
class RerankSettings:
    diversity: float = DEFAULT_DIVERSITY
    boost: float = DEFAULT_BOOST

    def to_json(self) -> dict[str, float]:
        return {"diversity": self.diversity, "boost": self.boost}


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
        from culturecoop.reco.metrics import top_k

        return top_k(scores, k)
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True)
    relevance = (scores - mean) / np.where(std > 0, std, 1.0)
    sim = item_similarity(features) if similarity is None else similarity
    rows = np.arange(n_users)
    chosen = np.empty((n_users, k), dtype=np.int64)
    closest = np.zeros((n_users, n_items))
    taken = np.zeros((n_users, n_items), dtype=bool)
    for step in range(k):
        value = (1 - diversity) * relevance - diversity * closest
        value[taken] = -np.inf
        pick = np.argmax(value, axis=1)
        chosen[:, step] = pick
        taken[rows, pick] = True
        closest = np.maximum(closest, sim[pick])
    return chosen


def floor_count(catalogue_share: float, boost: float, k: int) -> int:
    """Flagged items each list of ``k`` must hold: catalogue share + boost points, rounded up."""
    return min(k, math.ceil(round((catalogue_share + boost / 100) * k, 9))) if boost > 0 else 0


def apply_floors(ranked: np.ndarray, scores: np.ndarray, flags: dict[str, np.ndarray],
                 boost: float, eligible: np.ndarray | None = None) -> np.ndarray:
    """Swap the lowest-placed unflagged items of each short list for its best flagged ones.

    ``eligible`` (people × items, optional) marks the items a person may be offered.
    """
    if boost <= 0 or not flags:
        return ranked
    k = ranked.shape[1]
    out = ranked.copy()
    names = list(flags)
    quotas = {f: floor_count(float(flags[f].mean()), boost, k) for f in names}
    order = np.argsort(-scores, axis=1, kind="stable")
    for row in range(out.shape[0]):
        current = out[row].tolist()
        for index, name in enumerate(names):
            flag = flags[name]
            short = quotas[name] - sum(bool(flag[i]) for i in current)
            if short <= 0:
                continue
            earlier = names[:index]
            present = set(current)
            candidates = [i for i in order[row].tolist() if flag[i] and i not in present
                          and (eligible is None or eligible[row, i])][:short]
            for item in candidates:
                # The lowest-placed item that is not flagged, and whose loss keeps the earlier floors.
                for pos in range(k - 1, -1, -1):
                    victim = current[pos]
                    if flag[victim]:
                        continue
                    if any(flags[e][victim] and not flags[e][item] and
                           sum(bool(flags[e][i]) for i in current) <= quotas[e] for e in earlier):
                        continue
                    current[pos] = item
                    break
        out[row] = current
    return out


def rerank(scores: np.ndarray, features: sp.csr_matrix, flags: dict[str, np.ndarray],
           settings: RerankSettings, k: int, eligible: np.ndarray | None = None,
           similarity: np.ndarray | None = None) -> np.ndarray:
    """Top-k lists after the diversity knob and the local / francophone floors (``similarity``:
    the items' ``item_similarity``, when already computed)."""
    base = scores if eligible is None else np.where(eligible, scores, -np.inf)
    ranked = mmr(np.where(np.isfinite(base), base, np.nanmin(scores) - 1e6), features, settings.diversity, k,
                 similarity)
    return apply_floors(ranked, scores, flags, settings.boost, eligible)
