"""The hybrid cold-start model: it scores items nobody has interacted with yet.

**The hybrid (``CoAttendanceModel``).** A person is described by the content of what they
attended (their *profile*: the mean feature vector of their items, plus a constant); an item by
its content features. The model learns one matrix ``W`` (profile features × item features) so
that ``profile · W · item`` predicts attendance: ``W[jazz, theatre]`` is how much people whose
history is jazz come to theatre — the cooperative's co-attendance, learned across members — and
the constant's row is each feature's own draw (popularity from content). It is learned the way it
is used: the training items are split into folds; for each fold, profiles come from the *other*
items and the targets are the fold's items, exactly as an upcoming event is scored from a history
that does not contain it. ``W`` has a closed form (two ridge solves on small feature × feature
matrices), so training is a few sparse products over the interactions: seconds for ten million.

Collaborative terms capture what content does not: implicit ALS factors people and past
items from co-attendance alone, and a new item is placed among the past items' factors from its
content in two ways — a *linear* ridge map from features to factors (smooth, extrapolates), and
the *neighbours'* factors (the mean factor of the past items whose content is most like it:
non-linear, it keeps combinations of features that a sum of per-feature effects loses, e.g.
"comedy and romance, nineties"). The person's factor scores the placed item. Every term is
standardized per person and blended with weights chosen on the last fold (the blend that ranks
that fold's items best), and so is a *popularity discount* of the collaborative terms: each
attendance's confidence in ALS is divided by its item's popularity to a power
(``popularity_discount``: the factors, and so the content placements learned from them, learn
taste rather than "popular content"), the power with the best product of that fold's nDCG@10
and catalogue coverage — accuracy and breadth weigh the same. A fifth term, the person's own
*taste* (``Taste``), gives each person their own weights over the features: one Newton step, in
closed form, from the cooperative's softmax over past items toward the person's attendances.
Scoring a new item needs only its features: no retraining.
A person's scores depend only on their profile and factors, so a withdrawn consent is honoured
by leaving the person out at scoring.

**The committee** (``reco.committee``), for items held out at random, averages five hybrids and a
ranking factorization. The hybrid's parts have their own modules: ``reco.attendance`` (histories,
profiles, each attendance's weight), ``reco.placement`` (new items among the factors),
``reco.blend`` (the newest fold's measures of a blend), ``reco.taste`` (the taste term).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.attendance import (
    binary,
    exposure_weights,
    popularity_discount,
    profile_similarity,
    profiles,
)
from culturecoop.reco.blend import (
    COLLABORATIVE_WEIGHTS,
    SIMILARITY_WEIGHTS,
    choose_diversity,
    combine,
    fold_ndcg,
    ndcg_product,
    ndcg_times_coverage,
    with_taste,
)
from culturecoop.reco.diversity import standardize
from culturecoop.reco.placement import (
    ALS_REGULARIZATION,
    Factors,
    least_squares,
    neighbour_factors,
    neighbour_placements,
    ridge_map,
    shrink_norms,
)
from culturecoop.reco.taste import Taste

# implicit warns (and runs slower) when OpenBLAS uses several threads for its small products.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

FOLDS = 4
PROFILE_RIDGE = 0.3
FEATURE_RIDGE = 1.0
FACTORS = 64
ALS_ITERATIONS = 12
# Below this many stored interactions ALS factors on one thread: each of its sweeps is a parallel
# region, and on a log this small the threads' start and their waiting for each other cost more
# than the work they share (measured with 64 factors and 12 sweeps: 10,000 interactions 0.41 s →
# 0.09 s of CPU, 46,000 (synth's 20,000 patrons) 0.99 s → 0.71 s; the factors are the same, each
# row being solved on its own). A larger log uses every core.
ALS_ONE_THREAD_BELOW = 100_000
CONFIDENCE = 10.0
# Powers of an item's popularity (relative to the mean) its attendances' confidence may be divided
# by (``popularity_discount``), one of these chosen on the newest fold.
DISCOUNT_CHOICES = (0.0, 0.25, 0.5)
# When the training items' folds follow their first availability, each fold weighs this many
# times the next newer one in the co-attendance term: tastes move, and what a catalogue's back list
# draws is not what its new items draw. Measured on MovieLens 100k's cutoffs: +2 to +5 % nDCG@10
# (docs/reco.md); item splits and synth unchanged within ±1 %.
FOLD_DECAY = 0.5
BLEND_PEOPLE = 5_000
# Weights of the co-attendance term's per-item draw (the constant's row of ``W``), one chosen on
# the newest fold.
DRAW_WEIGHTS = (1.0, 0.75, 0.5)
# The ALS that serves the blend's choice is fitted on at most this many people (a fixed sample),
# with fewer sweeps: it only has to place the newest fold's items well enough to compare a few
# weights (one fit per popularity discount).
CHOICE_PEOPLE = 100_000
CHOICE_ITERATIONS = 8
# The final ALS starts from the choice's item factors, so it needs fewer sweeps.
WARM_ITERATIONS = 5
# How many past items whose content is most like a new item's place it among the factors (its
# neighbours): one of these, chosen on the last fold.
NEIGHBOUR_CHOICES = (10, 30, 100)
# The taste term (``Taste``): its ridges, one chosen on the newest fold (its weights in the blend:
# ``blend.TASTE_WEIGHTS``).
TASTE_RIDGES = (0.01, 0.03, 0.1)
# Weights kept on the taste term's population draw, one chosen on the newest fold with ``DRAW_WEIGHTS``.
TASTE_DRAW_WEIGHTS = (1.0, 0.75, 0.5)

# A trained model's scores for a batch of people: their histories (people × training items) in,
# scores (people × new items) out.
Scorer = Callable[[sp.csr_matrix], np.ndarray]


def _folds(n_items: int, item_time: np.ndarray | None, folds: int, seed: int) -> tuple[np.ndarray, bool]:
    """Fold of each item, and whether the folds follow time: by first availability when known (the
    last fold is the newest), else at random."""
    if item_time is not None and len(np.unique(item_time)) > folds:
        order = np.argsort(item_time, kind="stable")
        fold = np.empty(n_items, dtype=np.int64)
        fold[order] = np.arange(n_items) * folds // n_items
        return fold, True
    return np.random.default_rng(seed).integers(0, folds, size=n_items), False


@dataclass
class CoAttendanceModel:
    """The hybrid cold-start model (see the module's doc)."""

    folds: int = FOLDS
    factors: int = FACTORS
    seed: int = 7
    weight: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    factor_map: np.ndarray | None = None
    # The past items' ALS factors, for the neighbour placement (rows: the training items).
    item_factors: np.ndarray | None = None
    similarity_weight: float = 0.0
    collaborative_weight: float = 0.0
    neighbour_weight: float = 0.0
    # Models trained before the popularity discount shrank placed items' norms instead
    # (``shrink_norms``); a stored one keeps its power, a new one has 0.
    shrink: float = 0.0
    neighbours: int = NEIGHBOUR_CHOICES[1]
    # Each training item's confidence factor (``popularity_discount``); None: every item 1.
    item_confidence: np.ndarray | None = None
    discount: float = 0.0
    # The weight kept on each item's own draw (already applied to ``weight``'s last row).
    draw_weight: float = 1.0
    taste_weight: float = 0.0
    taste: Taste | None = None
    # The weight kept on the taste term's population draw (chosen like ``draw_weight``).
    taste_draw: float = 1.0
    # How much catalogue coverage weighs against nDCG@10 when the fold chooses the popularity discount
    # and the draws: their product with coverage to this power (1: as much as nDCG; 0: nDCG alone).
    breadth: float = 1.0
    # Whether the fold also chooses a list diversity (``diversity``: MMR's, 0 = the model's order);
    # only the committee's members do (``HybridCommittee``).
    choose_diversity: bool = False
    diversity: float = 0.0
    name: str = "hybrid"

    # -- training -------------------------------------------------------------------------

    def fit(self, interactions: sp.csr_matrix, features: sp.csr_matrix,
            item_time: np.ndarray | None = None, exposure: np.ndarray | None = None) -> CoAttendanceModel:
        """``item_time``: each training item's first availability (the folds follow it);
        ``exposure``: how long each has been open to interactions (``exposure_weights``)."""
        r = binary(interactions)
        x = sp.csr_matrix(features)
        # Folds in order of first availability (``by_age``): each weighs FOLD_DECAY times the next newer one.
        fold, by_age = _folds(r.shape[1], item_time, self.folds, self.seed)
        reach = exposure_weights(exposure)
        n_f = x.shape[1]
        a = np.zeros((n_f + 1, n_f + 1))
        b = np.zeros((n_f + 1, n_f))
        c = np.zeros((n_f, n_f))
        last = int(fold.max())
        held: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        for k in range(last + 1):
            target = np.flatnonzero(fold == k)
            history = np.flatnonzero(fold != k)
            if len(target) == 0 or len(history) == 0:
                continue
            p = profiles(r[:, history], x[history])
            t = r[:, target] if reach is None else r[:, target] @ sp.diags(reach[target])
            xt = x[target]
            # (p.T @ t) @ xt, not p.T @ (t @ xt): the same sum, a third of the work (a person's
            # few target items times their profile, not their profile times every feature of them).
            w = FOLD_DECAY ** (last - k) if by_age else 1.0
            parts = (w * (p.T @ p).toarray(), w * ((p.T @ t) @ xt).toarray(), w * (xt.T @ xt).toarray())
            a += parts[0]
            b += parts[1]
            c += parts[2]
            if k == last:
                held = parts
        # The blend is chosen on the last fold: its co-attendance term must not have learned from it.
        self.weight = self._solve(a - held[0], b - held[1], c - held[2]) if held is not None and last > 0 else self._solve(a, b, c)
        self._fit_collaborative(r, x, fold, last)
        self.weight = self._solve(a, b, c)
        self.weight[-1] *= self.draw_weight
        return self

    @staticmethod
    def _solve(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        left = a + (PROFILE_RIDGE * _mean_diagonal(a) + 1e-9) * np.eye(a.shape[0])
        right = c + (FEATURE_RIDGE * _mean_diagonal(c) + 1e-9) * np.eye(c.shape[0])
        return np.asarray(np.linalg.solve(left, np.linalg.solve(right, b.T).T))

    def _fit_collaborative(self, r: sp.csr_matrix, x: sp.csr_matrix, fold: np.ndarray, last: int) -> None:
        """ALS factors, the two content → factor placements; blend and debiasing chosen on the last fold."""
        target = np.flatnonzero(fold == last)
        history = np.flatnonzero(fold != last)
        if not (len(target) and len(history)):
            return
        # Choose the blend on the newest fold, with everything learned without it.
        p = profiles(r[:, history], x[history])
        truth = r[:, target]
        active = np.flatnonzero((np.asarray(truth.sum(axis=1)).ravel() > 0) & (p.getnnz(axis=1) > 1))
        if len(active) == 0:
            return
        if len(active) > BLEND_PEOPLE:
            # The blend is a few numbers: a fixed sample of people chooses them as well as all would.
            active = np.sort(np.random.default_rng(self.seed).choice(active, BLEND_PEOPLE, replace=False))
        content = self._content(p[active], x[target])
        terms = [standardize(content), standardize(profile_similarity(r[active][:, history], x[history], x[target]))]
        taste, taste_scores = self._choose_taste(r[:, history], x[history], r[active][:, history], x[target], truth[active])
        taste_term = standardize(taste_scores[0])
        if self.factors <= 0:
            weights = with_taste(terms, taste_term, truth[active], [(1.0,), SIMILARITY_WEIGHTS])
            self.similarity_weight, self.taste_weight = weights[1], weights[2]
            self._choose_draw(content, x[target], [terms[1], taste_term], weights[1:], truth[active], taste_scores)
            self._keep_taste(taste, r, x)
            return
        sample: np.ndarray | None = None
        if r.shape[0] > CHOICE_PEOPLE:
            sample = np.sort(np.random.default_rng(self.seed + 1).choice(r.shape[0], CHOICE_PEOPLE, replace=False))
        # Each popularity discount is a different ALS; the one with the best product of the
        # fold's nDCG@10 and coverage wins: accuracy and breadth weigh the same, relatively. (It
        # replaced shrinking placed items' norms by a power chosen the same way: on temporal
        # splits that traded more nDCG for less coverage — docs/reco.md.)
        fits: list[tuple[float, np.ndarray, Factors]] = []
        for power in DISCOUNT_CHOICES:
            self.item_confidence = popularity_discount(r, power)
            fits.append((power, self.item_confidence,
                         self._factors((r if sample is None else r[sample])[:, history], x[history], history,
                                       iterations=ALS_ITERATIONS if sample is None else CHOICE_ITERATIONS)))
        # The newest fold's items among their neighbours, under every discount's factors at once.
        placed = neighbour_placements(x[history], [fitted.item_factors for _, _, fitted in fits], x[target],
                                      NEIGHBOUR_CHOICES)
        chosen: _Choice | None = None
        for (power, confidence, fitted), neighbours in zip(fits, placed, strict=True):
            self.item_confidence = confidence
            choice = self._choose(r, x, history, target, active, fitted, neighbours, terms, taste_term, truth[active])
            choice.discount, choice.item_confidence = power, confidence
            if chosen is None or choice.balance > chosen.balance + 1e-6:
                chosen = choice
        assert chosen is not None
        self.discount, self.item_confidence = chosen.discount, chosen.item_confidence
        self.similarity_weight, self.collaborative_weight, self.neighbour_weight, self.taste_weight = chosen.weights[1:5]
        self.neighbours, self.shrink = chosen.neighbours, 0.0
        self._choose_draw(content, x[target], chosen.others, chosen.weights[1:], truth[active], taste_scores)
        self._keep_taste(taste, r, x)
        if self.collaborative_weight > 0 or self.neighbour_weight > 0:
            start = None
            if sample is not None:
                # Many people (training's cost is the ALS sweeps): warm start, the older items
                # from the choice's factors, the newest fold's where content places them; fewer
                # sweeps refine them. Few people: a full fit costs seconds, and measured on
                # MovieLens 100k a warm start from the history-only fit lands a little lower.
                start = np.empty((r.shape[1], self.factors), dtype=np.float32)
                start[history] = chosen.fitted.item_factors
                start[target] = np.asarray(x[target] @ chosen.fitted.item_map, dtype=np.float32)
            fitted = self._factors(r, x, None, start)
            self.factor_map = fitted.item_map
            self.item_factors = fitted.item_factors if self.neighbour_weight > 0 else None

    def _choose_draw(self, content: np.ndarray, target: sp.csr_matrix, others: list[np.ndarray],
                     weights: list[float], truth: sp.csr_matrix, taste: tuple[np.ndarray, np.ndarray]) -> None:
        """The weight kept on each item's own draw, once the blend is chosen.

        The constant's row of ``W`` is each item's draw from its content alone, the same for every
        person: at full weight the least drawing items reach nobody's list. The weight kept is the
        one whose blend has the best product of the fold's nDCG@10 and coverage (the same rule as
        the popularity discount's); choosing it after the blend leaves the blend as it was. The taste
        term (the last of ``others``; ``taste``: its scores and their population part) has its own
        draw, the population's weights, and the weight kept on it is chosen with the other by the
        same rule."""
        draw = np.asarray(target @ self.weight[-1]).ravel()
        scores, population = taste
        # The taste term's variants, only when the blend uses it (``others[-1]`` is its full draw).
        tastes = {h: others[-1] if h == 1.0 else standardize(scores - (1 - h) * population)
                  for h in (TASTE_DRAW_WEIGHTS if self.taste_weight > 0 else (1.0,))}
        pairs = [(g, h) for g in DRAW_WEIGHTS for h in tastes]
        balance = [ndcg_times_coverage(combine([1.0, *weights], [standardize(content - (1 - g) * draw), *others[:-1],
                                                                   tastes[h]]), truth, self.breadth)
                   for g, h in pairs]
        self.draw_weight, self.taste_draw = pairs[int(np.argmax(np.round(balance, 6)))]
        if self.choose_diversity:
            g, h = self.draw_weight, self.taste_draw
            final = combine([1.0, *weights], [standardize(content - (1 - g) * draw), *others[:-1], tastes[h]])
            self.diversity = choose_diversity(final, target, truth)

    def _choose_taste(self, r: sp.csr_matrix, x: sp.csr_matrix, people: sp.csr_matrix, target: sp.csr_matrix,
                      truth: sp.csr_matrix) -> tuple[Taste, tuple[np.ndarray, np.ndarray]]:
        """The taste term on the newest fold (``r``, ``x``: the older items; ``people``: the chosen
        people's histories over them): its ridge is the one whose term alone ranks the fold best.
        Also returned: the term's scores, and their part that is the population's (each target
        item's draw from ``base``, the same for everyone)."""
        best: tuple[float, Taste, np.ndarray] | None = None
        items = target.T.toarray()
        # The cooperative's weights and their covariance do not depend on the ridge: fitted once.
        fitted = Taste.fit(r, x, TASTE_RIDGES[0])
        for ridge in TASTE_RIDGES:
            taste = replace(fitted, ridge=ridge)
            scores = taste.people(people, x) @ items
            value = fold_ndcg(scores, truth)
            if best is None or value > best[0] + 1e-4:
                best = (value, taste, scores)
        assert best is not None
        return best[1], (best[2], np.asarray(target @ best[1].base).ravel())

    def _keep_taste(self, chosen: Taste, r: sp.csr_matrix, x: sp.csr_matrix) -> None:
        """The taste term refitted on every training item, at the fold's ridge (when the blend uses it)."""
        self.taste = Taste.fit(r, x, chosen.ridge, self.taste_draw) if self.taste_weight > 0 else None

    def _choose(self, r: sp.csr_matrix, x: sp.csr_matrix, history: np.ndarray, target: np.ndarray,
                active: np.ndarray, fitted: Factors, neighbours: dict[int, np.ndarray], content_terms: list[np.ndarray],
                taste_term: np.ndarray, truth: sp.csr_matrix) -> _Choice:
        """Under the current ``item_confidence`` and the ALS of the older items it gave (``fitted``):
        both placements of the newest fold's items (``neighbours``: their neighbour placements by
        number of neighbours), the number of neighbours and the blend chosen on that fold."""
        weighted = self._weighted(r[active][:, history], history)
        collaborative = [(least_squares(weighted, np.asarray(x[history] @ fitted.item_map, dtype=np.float32)),
                          np.asarray(x[target] @ fitted.item_map))]  # (people's factors, placed items) per term
        people = least_squares(weighted, fitted.item_factors)
        best: tuple[float, np.ndarray, int] | None = None
        for n in NEIGHBOUR_CHOICES:
            placed = neighbours[n]
            value = ndcg_product(people, placed, truth)
            if best is None or value > best[0] + 1e-4:
                best = (value, placed, n)
        assert best is not None
        collaborative.append((people, best[1]))
        terms = content_terms + [standardize(f @ placed.T) for f, placed in collaborative]
        weights = with_taste(terms, taste_term, truth, [(1.0,), SIMILARITY_WEIGHTS, COLLABORATIVE_WEIGHTS, COLLABORATIVE_WEIGHTS])
        terms.append(taste_term)
        return _Choice(ndcg_times_coverage(combine(weights, terms), truth, self.breadth), weights, best[2], fitted, terms[1:])

    def _weighted(self, r: sp.csr_matrix, columns: np.ndarray | None) -> sp.csr_matrix:
        """Confidence of each attendance (ALS's weights): ``CONFIDENCE`` times its item's
        ``item_confidence`` (``columns``: which training items ``r``'s columns are)."""
        weighted = r * CONFIDENCE
        if self.item_confidence is not None:
            factor = self.item_confidence if columns is None else self.item_confidence[columns]
            weighted = weighted @ sp.diags(factor)
        return sp.csr_matrix(weighted, dtype=np.float32)

    def _factors(self, r: sp.csr_matrix, x: sp.csr_matrix, columns: np.ndarray | None = None,
                 start: np.ndarray | None = None, iterations: int = ALS_ITERATIONS) -> Factors:
        """The items' ALS factors and the content → factor ridge map.

        ALS factors items and people from co-attendance alone; a ridge map learns the items'
        factors from their content. People's factors are solved again at scoring, against the
        items *as content places them* — which is how a new item will be seen — rather than
        against the free factors no new item has (measured: +6 % nDCG@10 on MovieLens item
        cold-start). ``start``: the items' starting factors (then ``WARM_ITERATIONS`` sweeps).
        """
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        weighted = self._weighted(r, columns)
        # One BLAS thread: implicit parallelizes itself and warns (and slows) otherwise.
        with threadpool_limits(1, "blas"):
            model = AlternatingLeastSquares(factors=self.factors, regularization=ALS_REGULARIZATION,
                                            iterations=iterations if start is None else WARM_ITERATIONS,
                                            random_state=self.seed, calculate_training_loss=False,
                                            num_threads=1 if weighted.nnz < ALS_ONE_THREAD_BELOW else 0)
            if start is not None:
                # implicit's first half-sweep solves the people from these; their start is unused.
                model.item_factors = np.ascontiguousarray(start, dtype=np.float32)
                model.user_factors = np.zeros((r.shape[0], self.factors), dtype=np.float32)
            model.fit(weighted, show_progress=False)
        items = np.ascontiguousarray(model.item_factors, dtype=np.float32)
        return Factors(ridge_map(x, items), items)

    # -- scoring --------------------------------------------------------------------------

    def _content(self, p: sp.csr_matrix, items: sp.csr_matrix) -> np.ndarray:
        return np.asarray((p @ self.weight) @ items.T.toarray())

    def score(self, interactions: sp.csr_matrix, train_features: sp.csr_matrix,
              items: sp.csr_matrix, users: np.ndarray | None = None) -> np.ndarray:
        """Scores (people × new items) from the people's histories over the training items."""
        return self.scorer(train_features, items)(interactions if users is None else interactions[users])

    def scorer(self, train_features: sp.csr_matrix, items: sp.csr_matrix) -> Scorer:
        """Scores of any batch of people (rows of their histories over the training items) for
        ``items``, the new items placed once: a person's scores depend on their row alone, so
        scoring people batch by batch gives the same numbers as all at once."""
        placed = self.placements(train_features, items)
        return lambda histories: self._blend(binary(histories), train_features, items, placed)

    def placements(self, train_features: sp.csr_matrix, items: sp.csr_matrix) -> dict[str, np.ndarray]:
        """New items' factors as content places them (linear map, neighbours), for the terms in use."""
        placed: dict[str, np.ndarray] = {}
        if self.collaborative_weight > 0 and self.factor_map is not None:
            placed["linear"] = shrink_norms(np.asarray(items @ self.factor_map), self.shrink)
        if self.neighbour_weight > 0 and self.item_factors is not None:
            placed["neighbours"] = shrink_norms(
                neighbour_factors(train_features, self.item_factors, items, self.neighbours), self.shrink)
        return placed

    def _blend(self, r: sp.csr_matrix, train_features: sp.csr_matrix, items: sp.csr_matrix,
               placed: dict[str, np.ndarray]) -> np.ndarray:
        total = standardize(self._content(profiles(r, train_features), items))
        if self.similarity_weight > 0:
            total += self.similarity_weight * standardize(profile_similarity(r, train_features, items))
        factors = self.people_factors(r, train_features)
        if "linear" in placed:
            total += self.collaborative_weight * standardize(factors["linear"] @ placed["linear"].T)
        if "neighbours" in placed:
            total += self.neighbour_weight * standardize(factors["neighbours"] @ placed["neighbours"].T)
        if "taste" in factors:
            total += self.taste_weight * standardize(factors["taste"] @ items.T.toarray())
        return total

    def people_factors(self, interactions: sp.csr_matrix, train_features: sp.csr_matrix,
                       taste: bool = True) -> dict[str, np.ndarray]:
        """People's factors solved from their current histories — against the past items as content
        places them (``linear``) and against their own factors (``neighbours``), and their own
        weights over the features (``taste``, unless ``taste`` is False): nothing per person is
        stored in the model."""
        r = binary(interactions)
        weighted = self._weighted(r, None)
        out: dict[str, np.ndarray] = {}
        if self.collaborative_weight > 0 and self.factor_map is not None:
            mapped = np.asarray(train_features @ self.factor_map, dtype=np.float32)
            out["linear"] = least_squares(weighted, mapped).astype(np.float64)
        if self.neighbour_weight > 0 and self.item_factors is not None:
            out["neighbours"] = least_squares(weighted, self.item_factors).astype(np.float64)
        if taste and self.taste_weight > 0 and self.taste is not None:
            out["taste"] = self.taste.people(r, train_features)
        return out

    def popularity(self, items: sp.csr_matrix) -> np.ndarray:
        """Each item's expected draw from its content alone (the constant's row of ``W``)."""
        return np.asarray(items @ self.weight[-1]).ravel()

    def state(self) -> dict[str, Any]:
        return {"weight": self.weight, "similarity_weight": self.similarity_weight,
                "collaborative_weight": self.collaborative_weight, "neighbour_weight": self.neighbour_weight,
                "shrink": self.shrink}


@dataclass
class _Choice:
    """What the newest fold chose under one popularity discount."""

    balance: float  # the fold's nDCG@10 × coverage
    weights: list[float]
    neighbours: int
    fitted: Factors
    others: list[np.ndarray]  # every term but the co-attendance one, in the order of ``weights[1:]``
    discount: float = 0.0
    item_confidence: np.ndarray | None = None  # popularity_discount at ``discount``


def _mean_diagonal(matrix: np.ndarray) -> float:
    """The mean of a square matrix's diagonal; 0 for an empty one (items without any feature)."""
    return float(np.mean(np.diag(matrix))) if matrix.shape[0] else 0.0
