"""The hybrid's choices, measured on its newest fold: the nDCG@10 (and coverage) of a blend of
standardized terms, ties drawn per person as the evaluation draws them; the weights found by
coordinate ascent, the taste term's on top, and a list diversity for the committee's members."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.diversity import item_similarity, mmr
from culturecoop.reco.metrics import TieKeys, in_row_blocks, per_user, top_k, untied

# Weights of the own-history and collaborative terms against the co-attendance term.
SIMILARITY_WEIGHTS = (0.0, 0.3, 0.6)
COLLABORATIVE_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
# The taste term's weights in the blend (``with_taste``).
TASTE_WEIGHTS = COLLABORATIVE_WEIGHTS

# The list diversities (MMR) a committee member may choose on its fold, and the most fold items it
# chooses among (their similarity matrix is items × items; larger folds keep the model's order).
DIVERSITY_CHOICES = (0.0, 0.05, 0.1, 0.2, 0.3)
DIVERSITY_ITEMS = 4_000

# The seed of the fold's own order of tied items (``fold_ties``).
FOLD_TIE_SEED = 0x5EED


def fold_ties(n_people: int, n_items: int, start: int = 0) -> TieKeys:
    """The order of tied items in the fold's lists: drawn per person, as the evaluation draws it
    (``metrics.top_k``). Left in NumPy's order, tied items (films alike in every feature) came in the
    same order for everyone: the fold measured one draw's luck, and a coverage that no list has.
    ``start``: the first person's row when ``n_people`` is a block of the fold's people."""
    people = np.arange(start, start + n_people, dtype=np.uint64) * np.uint64(0xD1B54A32D192ED03)
    return TieKeys(people + np.uint64(FOLD_TIE_SEED), np.arange(n_items, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def fold_ndcg(scores: np.ndarray, truth: sp.csr_matrix, k: int = 10) -> float:
    return float(per_user(top_k(scores, k, fold_ties(*scores.shape)), truth, k)["ndcg"].mean())


def ndcg_times_coverage(scores: np.ndarray, truth: sp.csr_matrix, breadth: float = 1.0, k: int = 10) -> float:
    """The fold's nDCG@k times its catalogue coverage to the power ``breadth``."""
    ranked = top_k(scores, k, fold_ties(*scores.shape))
    return float(per_user(ranked, truth, k)["ndcg"].mean() * (len(np.unique(ranked)) / scores.shape[1]) ** breadth)


def choose_diversity(scores: np.ndarray, features: sp.csr_matrix, truth: sp.csr_matrix, k: int = 10) -> float:
    """The list diversity (``DIVERSITY_CHOICES``) whose MMR lists of the fold's scores have the best
    nDCG@k; the smallest on a tie (0: the model's own order)."""
    if features.shape[0] > DIVERSITY_ITEMS or features.shape[0] <= k:
        return 0.0
    similarity = item_similarity(features)
    scores = untied(scores, fold_ties(*scores.shape))
    values = [float(per_user(mmr(scores, features, d, k, similarity), truth, k)["ndcg"].mean()) for d in DIVERSITY_CHOICES]
    return DIVERSITY_CHOICES[int(np.argmax(np.round(values, 6)))]


def combine(weights: list[float], terms: list[np.ndarray]) -> np.ndarray:
    total = np.zeros_like(terms[0])
    product = np.empty_like(total)
    for weight, term in zip(weights, terms, strict=True):
        if weight:
            total += np.multiply(term, weight, out=product)
    return total


def best_blend(terms: list[np.ndarray], truth: sp.csr_matrix, grids: list[tuple[float, ...]]) -> list[float]:
    """Each term's weight, by coordinate ascent on the fold's nDCG@10 (two rounds over the terms;
    the first term's weight stays 1). A change must gain 1e-4 to be kept: ties keep the simpler.
    While one weight moves, the others' sum is computed once; the weight it has is not tried again,
    and a weight is not moved again when no other has moved since (its trials would be the same)."""
    weights = [grid[0] for grid in grids]
    best_value = fold_ndcg(combine(weights, terms), truth)
    moves = 0  # weights changed so far
    settled: dict[int, int] = {}  # each term: the moves made when its own pass ended
    for _round in range(2):
        for n in range(1, len(terms)):
            if settled.get(n) == moves:
                continue
            rest = combine([0.0 if i == n else w for i, w in enumerate(weights)], terms)
            for value in grids[n]:
                if value == weights[n]:
                    continue
                score = ndcg_plus(rest, terms[n], value, truth)
                if score > best_value + 1e-4:
                    weights, best_value = [*weights[:n], value, *weights[n + 1:]], score
                    moves += 1
            settled[n] = moves
    return weights


def with_taste(terms: list[np.ndarray], taste: np.ndarray, truth: sp.csr_matrix,
                grids: list[tuple[float, ...]]) -> list[float]:
    """The blend of ``terms`` (``best_blend``), then the taste term's weight on top of it, the others
    kept: the blend the other terms would have had is the starting point, and the taste term enters
    only where the fold gains by it. (Chosen together with the others, the taste term moved the
    other weights and the popularity discount too; measured on title + genres cutoffs of MovieLens
    100k, that cost up to 17 % nDCG@10, docs/reco.md.)"""
    weights = best_blend(terms, truth, grids)
    rest = combine(weights, terms)
    best_weight, best_value = 0.0, fold_ndcg(rest, truth)
    for value in TASTE_WEIGHTS[1:]:
        score = ndcg_plus(rest, taste, value, truth)
        if score > best_value + 1e-4:
            best_weight, best_value = value, score
    return [*weights, best_weight]


def ndcg_in_blocks(scores: Callable[[slice], np.ndarray], n_people: int, n_items: int, truth: sp.csr_matrix,
                    k: int = 10) -> float:
    """The fold's nDCG@k of scores made a block of people at a time (``scores``: a block's rows), the
    blocks ranked on every core: the whole score matrix is never held."""
    def ranked_block(rows: slice) -> np.ndarray:
        block = scores(rows)
        return top_k(block, k, fold_ties(block.shape[0], block.shape[1], rows.start or 0))
    ranked = in_row_blocks(ranked_block, n_people, n_people * n_items)
    return float(per_user(ranked, truth, k)["ndcg"].mean())


def ndcg_product(people: np.ndarray, placed: np.ndarray, truth: sp.csr_matrix) -> float:
    """The fold's nDCG@10 of the scores ``people · placedᵀ``."""
    return ndcg_in_blocks(lambda rows: people[rows] @ placed.T, people.shape[0], placed.shape[0], truth)


def ndcg_plus(rest: np.ndarray, term: np.ndarray, weight: float, truth: sp.csr_matrix) -> float:
    """The fold's nDCG@10 of ``rest + weight · term``."""
    def block(rows: slice) -> np.ndarray:
        total = np.multiply(term[rows], weight)
        total += rest[rows]
        return np.asarray(total)
    return ndcg_in_blocks(block, rest.shape[0], rest.shape[1], truth)
