"""The cold-start model and its baselines: every one scores items nobody has interacted with yet.

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

**The committee (``HybridCommittee``)**, for items held out at random (``reco evaluate
--test-items``): five hybrids whose blends are chosen on different quarters, averaged, beside a
ranking factorization of another kind (``reco.ranking``, WARP over the features); its lists are
built by MMR at the list diversity its members chose on their folds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.diversity import item_similarity, mmr, standardize
from culturecoop.reco.metrics import TieKeys, in_row_blocks, per_user, top_k, untied
from culturecoop.reco.ranking import Ranking

# implicit warns (and runs slower) when OpenBLAS uses several threads for its small products.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

FOLDS = 4
PROFILE_RIDGE = 0.3
FEATURE_RIDGE = 1.0
FACTORS = 64
ALS_ITERATIONS = 12
ALS_REGULARIZATION = 2.0
# Below this many stored interactions ALS factors on one thread: each of its sweeps is a parallel
# region, and on a log this small the threads' start and their waiting for each other cost more
# than the work they share (measured with 64 factors and 12 sweeps: 10,000 interactions 0.41 s →
# 0.09 s of CPU, 46,000 (synth's 20,000 patrons) 0.99 s → 0.71 s; the factors are the same, each
# row being solved on its own). A larger log uses every core.
ALS_ONE_THREAD_BELOW = 100_000
MAP_RIDGE = 3.0
CONFIDENCE = 10.0
# Powers of an item's popularity (relative to the mean) its attendances' confidence may be divided
# by (``popularity_discount``), one of these chosen on the newest fold.
DISCOUNT_CHOICES = (0.0, 0.25, 0.5)
# The most an item open to interactions for a short time weighs as a target, against the typical
# item (``exposure_weights``).
EXPOSURE_CAP = 4.0
# When the training items' folds follow their first availability, each fold weighs this many
# times the next newer one in the co-attendance term: tastes move, and what a catalogue's back list
# draws is not what its new items draw. Measured on MovieLens 100k's cutoffs: +2 to +5 % nDCG@10
# (docs/reco.md); item splits and synth unchanged within ±1 %.
FOLD_DECAY = 0.5
# Weights of the own-history and collaborative terms against the co-attendance term.
SIMILARITY_WEIGHTS = (0.0, 0.3, 0.6)
COLLABORATIVE_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
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
# How many new item × past item similarities the neighbour placement holds at once.
NEIGHBOUR_CELLS = 4_000_000
# The taste term (``Taste``): its ridges, one chosen on the newest fold, and its weights in the blend.
TASTE_RIDGES = (0.01, 0.03, 0.1)
TASTE_WEIGHTS = COLLABORATIVE_WEIGHTS
# A whisper of ridge on the population's weights: a feature no attendance ever went to stays finite.
TASTE_BASE_RIDGE = 1e-3
# How many person × feature cells the taste term's people's weights compute at once.
TASTE_CELLS = 4_000_000
# Weights kept on the taste term's population draw, one chosen on the newest fold with ``DRAW_WEIGHTS``.
TASTE_DRAW_WEIGHTS = (1.0, 0.75, 0.5)
# The committee's other members (``HybridCommittee``): their blends are chosen on a random quarter
# of the training items drawn with these seeds.
RANDOM_FOLD_SEEDS = (8, 9, 10, 11)
# Coverage's weight in the committee members' choice of discount and draws (``CoAttendanceModel.breadth``).
COMMITTEE_BREADTH = 0.0
# The list diversities (MMR) a committee member may choose on its fold, and the most fold items it
# chooses among (their similarity matrix is items × items; larger folds keep the model's order).
DIVERSITY_CHOICES = (0.0, 0.05, 0.1, 0.2, 0.3)
DIVERSITY_ITEMS = 4_000
# The seed of the fold's own order of tied items (``_fold_ties``).
FOLD_TIE_SEED = 0x5EED
# The ranking factorization's share of the committee's score (``HybridCommittee``).
RANKING_SHARE = 0.5

# A trained model's scores for a batch of people: their histories (people × training items) in,
# scores (people × new items) out.
Scorer = Callable[[sp.csr_matrix], np.ndarray]


def binary(matrix: sp.spmatrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    out.data[:] = 1.0
    out.eliminate_zeros()
    return out


def profiles(interactions: sp.csr_matrix, features: sp.csr_matrix) -> sp.csr_matrix:
    """Each person's mean item feature vector, with a constant 1 as the last column."""
    counts = np.asarray(interactions.sum(axis=1)).ravel()
    scale = sp.diags(np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, 1)), 0.0))
    mean = scale @ interactions @ features
    const = sp.csr_matrix(np.ones((interactions.shape[0], 1)))
    return sp.hstack([mean, const], format="csr")


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
        terms = [standardize(content), standardize(_similarity(r[active][:, history], x[history], x[target]))]
        taste, taste_scores = self._choose_taste(r[:, history], x[history], r[active][:, history], x[target], truth[active])
        taste_term = standardize(taste_scores[0])
        if self.factors <= 0:
            weights = _with_taste(terms, taste_term, truth[active], [(1.0,), SIMILARITY_WEIGHTS])
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
        balance = [_ndcg_times_coverage(_combine([1.0, *weights], [standardize(content - (1 - g) * draw), *others[:-1],
                                                                   tastes[h]]), truth, self.breadth)
                   for g, h in pairs]
        self.draw_weight, self.taste_draw = pairs[int(np.argmax(np.round(balance, 6)))]
        if self.choose_diversity:
            g, h = self.draw_weight, self.taste_draw
            final = _combine([1.0, *weights], [standardize(content - (1 - g) * draw), *others[:-1], tastes[h]])
            self.diversity = _choose_diversity(final, target, truth)

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
            value = _ndcg(scores, truth)
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
        collaborative = [(_least_squares(weighted, np.asarray(x[history] @ fitted.item_map, dtype=np.float32)),
                          np.asarray(x[target] @ fitted.item_map))]  # (people's factors, placed items) per term
        people = _least_squares(weighted, fitted.item_factors)
        best: tuple[float, np.ndarray, int] | None = None
        for n in NEIGHBOUR_CHOICES:
            placed = neighbours[n]
            value = _ndcg_product(people, placed, truth)
            if best is None or value > best[0] + 1e-4:
                best = (value, placed, n)
        assert best is not None
        collaborative.append((people, best[1]))
        terms = content_terms + [standardize(f @ placed.T) for f, placed in collaborative]
        weights = _with_taste(terms, taste_term, truth, [(1.0,), SIMILARITY_WEIGHTS, COLLABORATIVE_WEIGHTS, COLLABORATIVE_WEIGHTS])
        terms.append(taste_term)
        return _Choice(_ndcg_times_coverage(_combine(weights, terms), truth, self.breadth), weights, best[2], fitted, terms[1:])

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
        return Factors(_ridge_map(x, items), items)

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
            total += self.similarity_weight * standardize(_similarity(r, train_features, items))
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
            out["linear"] = _least_squares(weighted, mapped).astype(np.float64)
        if self.neighbour_weight > 0 and self.item_factors is not None:
            out["neighbours"] = _least_squares(weighted, self.item_factors).astype(np.float64)
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
class HybridCommittee:
    """Five hybrids, their standardized scores averaged: one whose blend is chosen on the newest
    quarter of the training items, four on a random quarter each (``RANDOM_FOLD_SEEDS``).

    For the item cold-start protocol (``reco evaluate --test-items``): there the held-out items are
    a sample of the whole catalogue, not its newest part, so the blend is also chosen on random
    quarters, which look like them. One random quarter is an arbitrary draw and its choice swings
    (collaborative weights from 0.25 to 8 on neighbouring splits), so four draws and the newest
    quarter vote. Measured on 24 item splits of three MovieLens logs, two random draws: nDCG@10
    above the newest quarter's hybrid alone on 18, +3 % on average; on 12 more, four draws: above
    two draws' on 10, +1.4 % (docs/reco.md). Upcoming events are the newest items, so the
    cooperative's own model and the temporal protocol keep the single hybrid.

    Each member chooses its popularity discount and draws by the fold's nDCG@10 alone
    (``COMMITTEE_BREADTH``): averaging five different blends already spreads the lists over the
    catalogue, and a member that also bought breadth with accuracy gave up nDCG for coverage far
    above the reference's. Measured on 14 item splits: nDCG@10 +2.3 % on average (−4.1 % to +6.7 %),
    coverage 5–10 points lower and still above LightFM's on every split (docs/reco.md).

    Beside the five blends, a model of another kind: a ranking factorization (``Ranking``: WARP over
    the features, the loss LightFM uses), its standardized score weighing ``RANKING_SHARE`` of the
    committee's. The blends are strongest where co-attendance and taste carry the signal, the
    factorization where a learned ranking of feature combinations does; averaged, the committee
    falls behind neither by much. And each member chooses on its fold a list diversity
    (``DIVERSITY_CHOICES``, by nDCG@10): lists of near twins (same genres, same year) hedge badly,
    and where the fold's people attended one of several groups, MMR lists reach them. The committee
    serves its lists at its members' median. Measured on 14 item splits with LightFM in the same run
    (docs/reco.md, "A second kind of model in the committee")."""

    members: list[CoAttendanceModel] = field(default_factory=list)
    ranking: Ranking | None = None
    # The committee's list diversity: its members' median (each chosen on its fold).
    diversity: float = 0.0
    name: str = "hybrid"

    def fit(self, interactions: sp.csr_matrix, features: sp.csr_matrix,
            item_time: np.ndarray | None = None, exposure: np.ndarray | None = None,
            step: Callable[[int, int], None] | None = None) -> HybridCommittee:
        """Fit every member, then the factorization; ``step(done, parts)`` hears as each part begins
        (a committee on tens of millions of rows trains for many minutes)."""
        parts = 2 + len(RANDOM_FOLD_SEEDS)

        def member(seed: int = 7) -> CoAttendanceModel:
            return CoAttendanceModel(seed=seed, breadth=COMMITTEE_BREADTH, choose_diversity=True)

        def begin(done: int) -> None:
            if step is not None:
                step(done, parts)
        begin(0)
        self.members = [member().fit(interactions, features, item_time, exposure)]
        for n, seed in enumerate(RANDOM_FOLD_SEEDS, start=1):
            begin(n)
            self.members.append(member(seed).fit(interactions, features, None, exposure))
        begin(parts - 1)
        self.ranking = Ranking.fit(interactions, features)
        self.diversity = float(np.median([m.diversity for m in self.members]))
        return self

    def score(self, interactions: sp.csr_matrix, train_features: sp.csr_matrix,
              items: sp.csr_matrix, users: np.ndarray | None = None) -> np.ndarray:
        return self.scorer(train_features, items)(interactions if users is None else interactions[users])

    def scorer(self, train_features: sp.csr_matrix, items: sp.csr_matrix) -> Scorer:
        """The members' standardized scores averaged, for any batch of people (see
        ``CoAttendanceModel.scorer``)."""
        members = [member.scorer(train_features, items) for member in self.members]
        ranking = self.ranking

        def score(histories: sp.csr_matrix) -> np.ndarray:
            total = np.zeros((histories.shape[0], items.shape[0]))
            for member in members:
                total += standardize(member(histories))
            total /= max(len(members), 1)
            if ranking is None:
                return total
            ranked = ranking.scores(ranking.people(histories, train_features), items)
            return np.asarray((1 - RANKING_SHARE) * total + RANKING_SHARE * standardize(ranked))
        return score


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


@dataclass
class Factors:
    item_map: np.ndarray  # features × factors
    item_factors: np.ndarray  # items × factors (float32)


@dataclass
class Taste:
    """Each person's own weights over the content features, for the taste term.

    The population's weights (``base``) are a multinomial logit over the training items: which item
    an attendance goes to, from the items' features alone (popularity from content). A person's
    weights are one Newton step from ``base`` on their own attendances, with a ridge pulling them
    back to it. The step needs the features' mean and covariance under ``base``, the same for
    everyone, so it is a closed form per person: ``(n Σ + ridge · n̄ I)⁻¹ (s − n μ)``, with ``s``
    the sum of the features of their ``n`` attendances and ``n̄`` the training's mean ``n``. Few
    attendances stay near the population's taste; many speak for themselves. Unlike the
    co-attendance term, which maps a profile to weights by one matrix shared by all, these weights
    are the person's own. Measured alone on two random item splits of MovieLens (1M's first users,
    seed 71; latest-small, seed 61), it ranks held-out films 12 % and 16 % better than the best
    other term alone (docs/reco.md).
    """

    base: np.ndarray  # features: the population's weights
    mean: np.ndarray  # features: their mean over the items, each weighed by its share under ``base``
    basis: np.ndarray  # features × features: the eigenvectors of their covariance under ``base``
    spread: np.ndarray  # features: its eigenvalues
    scale: float  # the mean number of attendances of a person in training
    ridge: float
    draw: float = 1.0  # the weight kept on ``base`` in people's weights (their own step stays whole)

    @classmethod
    def fit(cls, r: sp.csr_matrix, x: sp.csr_matrix, ridge: float, draw: float = 1.0) -> Taste:
        from scipy.optimize import minimize

        dense = np.asarray(x.toarray() if sp.issparse(x) else x, dtype=np.float64)
        counts = np.asarray(r.sum(axis=0), dtype=np.float64).ravel()
        target = counts @ dense / max(counts.sum(), 1.0)

        def shares(w: np.ndarray) -> tuple[np.ndarray, float]:
            s = dense @ w
            top = float(s.max()) if len(s) else 0.0
            e = np.exp(s - top)
            return e / e.sum(), top + float(np.log(e.sum()))

        def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
            p, log_total = shares(w)
            loss = -float(target @ w) + log_total + 0.5 * TASTE_BASE_RIDGE * float(w @ w)
            return loss, -target + p @ dense + TASTE_BASE_RIDGE * w

        base = minimize(objective, np.zeros(dense.shape[1]), jac=True, method="L-BFGS-B",
                        options={"maxiter": 200}).x
        p, _total = shares(base)
        mean = p @ dense
        centred = dense - mean
        spread, basis = np.linalg.eigh((centred * p[:, None]).T @ centred)
        attended = np.asarray(r.sum(axis=1)).ravel()
        scale = float(attended[attended > 0].mean()) if (attended > 0).any() else 1.0
        return cls(base, mean, basis, np.maximum(spread, 0.0), scale, ridge, draw)

    def people(self, r: sp.csr_matrix, x: sp.csr_matrix) -> np.ndarray:
        """People's weights (people × features, single precision) from their histories ``r`` over
        the training items ``x``; a block of people at a time, so memory stays that of the result."""
        out = np.empty((r.shape[0], len(self.base)), dtype=np.float32)
        block = max(1, TASTE_CELLS // max(len(self.base), 1))
        sums = sp.csr_matrix(r @ x)
        n = np.asarray(r.sum(axis=1), dtype=np.float64).ravel()
        centre = self.mean @ self.basis
        for first in range(0, r.shape[0], block):
            rows = slice(first, first + block)
            projected = np.asarray(sums[rows] @ self.basis) - np.outer(n[rows], centre)
            step = projected / (np.outer(n[rows], self.spread) + self.ridge * self.scale)
            out[rows] = self.draw * self.base + step @ self.basis.T
        return out


def exposure_weights(exposure: np.ndarray | None) -> np.ndarray | None:
    """Each training item's weight as a target of the co-attendance term: the typical item's time
    open to interactions over its own (at least 1, at most ``EXPOSURE_CAP``); None when times say
    nothing (no exposure given, or every item open as long).

    An item released a month before the cutoff has had a month to gather attendances, an old one
    the whole log: counted as they are, the newest items look unpopular, and so do their features
    (this year's films, a new venue) — exactly the content of the items to come. Weighting by the
    inverse of the time open makes the target a rate rather than a count. Measured on MovieLens
    100k's temporal splits (title words and genres): 1998-01-15 0.1693 → 0.2005, 1998-02-15
    0.2661 → 0.3447 (docs/reco.md)."""
    if exposure is None or len(exposure) == 0:
        return None
    open_for = np.maximum(np.asarray(exposure, dtype=np.float64), 0.0)
    typical = float(np.median(open_for))
    if typical <= 0 or np.all(open_for >= typical):
        return None
    return np.asarray(np.clip(typical / np.maximum(open_for, typical / EXPOSURE_CAP), 1.0, EXPOSURE_CAP))


def popularity_discount(r: sp.csr_matrix, power: float) -> np.ndarray:
    """Each item's confidence factor: (its attendance / the mean item's) ** -``power``.

    With equal confidence, the factors of the most attended items dominate ALS's fit, the
    content → factor placements learn "popular content" as much as taste, and every person's
    list of new items leans to the same ones. Discounting each attendance by its item's
    popularity makes an attendance of a niche item count a little more as evidence of taste, as
    inverse-propensity weighting does for exposure bias."""
    counts = np.maximum(np.asarray(r.sum(axis=0)).ravel(), 1.0)
    return np.asarray((counts / counts.mean()) ** -power)


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


def _mean_diagonal(matrix: np.ndarray) -> float:
    """The mean of a square matrix's diagonal; 0 for an empty one (items without any feature)."""
    return float(np.mean(np.diag(matrix))) if matrix.shape[0] else 0.0


def _unit_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(matrix, dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)) @ m)


def _similarity(r: sp.csr_matrix, features: sp.csr_matrix, items: sp.csr_matrix) -> np.ndarray:
    """Cosine between each person's summed item features and each new item's."""
    profile = np.asarray((r @ features).toarray())
    profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    new = items.toarray()
    new /= np.maximum(np.linalg.norm(new, axis=1, keepdims=True), 1e-12)
    return np.asarray(profile @ new.T)


def _fold_ties(n_people: int, n_items: int, start: int = 0) -> TieKeys:
    """The order of tied items in the fold's lists: drawn per person, as the evaluation draws it
    (``metrics.top_k``). Left in NumPy's order, tied items (films alike in every feature) came in the
    same order for everyone: the fold measured one draw's luck, and a coverage that no list has.
    ``start``: the first person's row when ``n_people`` is a block of the fold's people."""
    people = np.arange(start, start + n_people, dtype=np.uint64) * np.uint64(0xD1B54A32D192ED03)
    return TieKeys(people + np.uint64(FOLD_TIE_SEED), np.arange(n_items, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def _ndcg(scores: np.ndarray, truth: sp.csr_matrix, k: int = 10) -> float:
    return float(per_user(top_k(scores, k, _fold_ties(*scores.shape)), truth, k)["ndcg"].mean())


def _ndcg_times_coverage(scores: np.ndarray, truth: sp.csr_matrix, breadth: float = 1.0, k: int = 10) -> float:
    """The fold's nDCG@k times its catalogue coverage to the power ``breadth``."""
    ranked = top_k(scores, k, _fold_ties(*scores.shape))
    return float(per_user(ranked, truth, k)["ndcg"].mean() * (len(np.unique(ranked)) / scores.shape[1]) ** breadth)


def _choose_diversity(scores: np.ndarray, features: sp.csr_matrix, truth: sp.csr_matrix, k: int = 10) -> float:
    """The list diversity (``DIVERSITY_CHOICES``) whose MMR lists of the fold's scores have the best
    nDCG@k; the smallest on a tie (0: the model's own order)."""
    if features.shape[0] > DIVERSITY_ITEMS or features.shape[0] <= k:
        return 0.0
    similarity = item_similarity(features)
    scores = untied(scores, _fold_ties(*scores.shape))
    values = [float(per_user(mmr(scores, features, d, k, similarity), truth, k)["ndcg"].mean()) for d in DIVERSITY_CHOICES]
    return DIVERSITY_CHOICES[int(np.argmax(np.round(values, 6)))]


def _combine(weights: list[float], terms: list[np.ndarray]) -> np.ndarray:
    total = np.zeros_like(terms[0])
    product = np.empty_like(total)
    for weight, term in zip(weights, terms, strict=True):
        if weight:
            total += np.multiply(term, weight, out=product)
    return total


def _best_blend(terms: list[np.ndarray], truth: sp.csr_matrix, grids: list[tuple[float, ...]]) -> list[float]:
    """Each term's weight, by coordinate ascent on the fold's nDCG@10 (two rounds over the terms;
    the first term's weight stays 1). A change must gain 1e-4 to be kept: ties keep the simpler.
    While one weight moves, the others' sum is computed once; the weight it has is not tried again,
    and a weight is not moved again when no other has moved since (its trials would be the same)."""
    weights = [grid[0] for grid in grids]
    best_value = _ndcg(_combine(weights, terms), truth)
    moves = 0  # weights changed so far
    settled: dict[int, int] = {}  # each term: the moves made when its own pass ended
    for _round in range(2):
        for n in range(1, len(terms)):
            if settled.get(n) == moves:
                continue
            rest = _combine([0.0 if i == n else w for i, w in enumerate(weights)], terms)
            for value in grids[n]:
                if value == weights[n]:
                    continue
                score = _ndcg_plus(rest, terms[n], value, truth)
                if score > best_value + 1e-4:
                    weights, best_value = [*weights[:n], value, *weights[n + 1:]], score
                    moves += 1
            settled[n] = moves
    return weights


def _with_taste(terms: list[np.ndarray], taste: np.ndarray, truth: sp.csr_matrix,
                grids: list[tuple[float, ...]]) -> list[float]:
    """The blend of ``terms`` (``_best_blend``), then the taste term's weight on top of it, the others
    kept: the blend the other terms would have had is the starting point, and the taste term enters
    only where the fold gains by it. (Chosen together with the others, the taste term moved the
    other weights and the popularity discount too; measured on title + genres cutoffs of MovieLens
    100k, that cost up to 17 % nDCG@10, docs/reco.md.)"""
    weights = _best_blend(terms, truth, grids)
    rest = _combine(weights, terms)
    best_weight, best_value = 0.0, _ndcg(rest, truth)
    for value in TASTE_WEIGHTS[1:]:
        score = _ndcg_plus(rest, taste, value, truth)
        if score > best_value + 1e-4:
            best_weight, best_value = value, score
    return [*weights, best_weight]


def _ndcg_in_blocks(scores: Callable[[slice], np.ndarray], n_people: int, n_items: int, truth: sp.csr_matrix,
                    k: int = 10) -> float:
    """The fold's nDCG@k of scores made a block of people at a time (``scores``: a block's rows), the
    blocks ranked on every core: the whole score matrix is never held."""
    def ranked_block(rows: slice) -> np.ndarray:
        block = scores(rows)
        return top_k(block, k, _fold_ties(block.shape[0], block.shape[1], rows.start or 0))
    ranked = in_row_blocks(ranked_block, n_people, n_people * n_items)
    return float(per_user(ranked, truth, k)["ndcg"].mean())


def _ndcg_product(people: np.ndarray, placed: np.ndarray, truth: sp.csr_matrix) -> float:
    """The fold's nDCG@10 of the scores ``people · placedᵀ``."""
    return _ndcg_in_blocks(lambda rows: people[rows] @ placed.T, people.shape[0], placed.shape[0], truth)


def _ndcg_plus(rest: np.ndarray, term: np.ndarray, weight: float, truth: sp.csr_matrix) -> float:
    """The fold's nDCG@10 of ``rest + weight · term``."""
    def block(rows: slice) -> np.ndarray:
        total = np.multiply(term[rows], weight)
        total += rest[rows]
        return np.asarray(total)
    return _ndcg_in_blocks(block, rest.shape[0], rest.shape[1], truth)


def shrink_norms(placed: np.ndarray, power: float) -> np.ndarray:
    """Placed items' factors divided by their norm to ``power`` (0: unchanged, 1: directions only).

    A new item's placed factor is long when its content neighbours (or the features the linear map
    leans on) were popular: the new item inherits a popularity it has not earned, and every person's
    list leans to the same items. Shrinking the length keeps the direction (who it suits)."""
    if power == 0:
        return placed
    norms = np.linalg.norm(placed, axis=1, keepdims=True)
    return np.asarray(placed / np.where(norms > 0, norms, 1.0) ** power)


def _ridge_map(x: sp.csr_matrix, factors: np.ndarray) -> np.ndarray:
    """Content features → factors, by ridge regression over the items."""
    gram = (x.T @ x).toarray() + MAP_RIDGE * np.eye(x.shape[1])
    return np.asarray(np.linalg.solve(gram, x.T @ factors.astype(np.float64)))


def _least_squares(weighted: sp.csr_matrix, other: np.ndarray) -> np.ndarray:
    """ALS's closed-form step: the rows' factors given the other side's (implicit's solver)."""
    from implicit.cpu import _als

    other = np.ascontiguousarray(other, dtype=np.float32)
    out = np.zeros((weighted.shape[0], other.shape[1]), dtype=np.float32)
    _als._least_squares(other.T @ other, weighted.indptr, weighted.indices, weighted.data.astype(np.float32),
                        out, other, ALS_REGULARIZATION, num_threads=1)
    return out


# -- baselines --------------------------------------------------------------------------------


def genre_popularity(interactions: sp.csr_matrix, genre_features: sp.csr_matrix,
                     items: sp.csr_matrix) -> np.ndarray:
    """Popularity by genre: each new item scores the mean attendance of past items of its genres."""
    counts = np.asarray(binary(interactions).sum(axis=0)).ravel()
    g = binary(genre_features)
    per_genre = (g.T @ counts) / np.maximum(np.asarray(g.sum(axis=0)).ravel(), 1)
    new = binary(items)
    n = np.maximum(np.asarray(new.sum(axis=1)).ravel(), 1)
    score = (new @ per_genre) / n
    return np.asarray(score).ravel()


def content_knn(interactions: sp.csr_matrix, genre_features: sp.csr_matrix,
                items: sp.csr_matrix) -> np.ndarray:
    """Content kNN: cosine between a person's genre profile and each new item's genres."""
    profile = binary(interactions) @ binary(genre_features)
    profile = np.asarray(profile.toarray())
    profile /= np.maximum(np.linalg.norm(profile, axis=1, keepdims=True), 1e-12)
    new = binary(items).toarray()
    new /= np.maximum(np.linalg.norm(new, axis=1, keepdims=True), 1e-12)
    # Rounded: equal cosines stay ties however many people are scored at once (the summation
    # order of a matrix product depends on its shape).
    return np.asarray(np.round(profile @ new.T, 12))


def lightfm_scorer(interactions: sp.csr_matrix, features: sp.csr_matrix, items: sp.csr_matrix,
                   *, epochs: int = 30, components: int = 32, seed: int = 7) -> Callable[[np.ndarray], np.ndarray] | None:
    """LightFM (WARP, item features only, one thread) as the feature-aware reference, fitted once:
    the returned function scores any batch of users (rows of ``interactions``) over ``items``.
    None when the ``bench`` extra is not installed."""
    try:
        from lightfm import LightFM
    except ImportError:
        return None
    model = LightFM(loss="warp", no_components=components, random_state=seed)
    train = sp.coo_matrix(binary(interactions), dtype=np.float32)
    model.fit(train, item_features=sp.csr_matrix(features, dtype=np.float32), epochs=epochs, num_threads=1)
    new = sp.csr_matrix(items, dtype=np.float32)
    n_new = items.shape[0]

    def score(users: np.ndarray) -> np.ndarray:
        user_ids = np.repeat(users.astype(np.int32), n_new)
        item_ids = np.tile(np.arange(n_new, dtype=np.int32), len(users))
        scores = model.predict(user_ids, item_ids, item_features=new, num_threads=1)
        return np.asarray(scores, dtype=np.float64).reshape(len(users), n_new)
    return score
