"""The committee (``HybridCommittee``), for items held out at random (``reco evaluate
--test-items``): five hybrids whose blends are chosen on different quarters, averaged, beside a
ranking factorization of another kind (``reco.ranking``, WARP over the features); its lists are
built by MMR at the list diversity its members chose on their folds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.diversity import standardize
from culturecoop.reco.model import CoAttendanceModel, Scorer
from culturecoop.reco.ranking import Ranking

# The committee's other members (``HybridCommittee``): their blends are chosen on a random quarter
# of the training items drawn with these seeds.
RANDOM_FOLD_SEEDS = (8, 9, 10, 11)

# Coverage's weight in the committee members' choice of discount and draws (``CoAttendanceModel.breadth``).
COMMITTEE_BREADTH = 0.0

# The ranking factorization's share of the committee's score (``HybridCommittee``).
RANKING_SHARE = 0.5


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
