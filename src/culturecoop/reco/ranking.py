"""A ranking factorization over the content features (WARP), the committee's second kind of model.

An item's vector is the sum of its features' vectors (plus their biases): a new item has one from
its content alone. During training each person has a free vector too, and both sides are learned by
stochastic gradient on sampled pairs: an attendance against items drawn at random until one scores
within a margin of it; the fewer draws that took, the higher the attended item must have ranked,
and the larger the step (the weighted approximate-rank pairwise loss of Weston et al. 2011, the loss
LightFM uses). Written with NumPy; alone it ranks MovieLens's held-out films as LightFM does
(docs/reco.md).

People's vectors are not kept: at scoring, each person's vector is learned again from their current
history against the items' vectors, with negatives drawn from a fixed table read from a row set by
the person's own history, so a person's scores depend on their own row alone, whichever batch they
are scored in; a withdrawn consent is honoured by leaving the person out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

RANKING_FACTORS = 32
RANKING_EPOCHS = 30
RANKING_RATE = 0.05
# Items drawn at most for each attendance, looking for one that scores within the margin.
RANKING_NEGATIVES = 30
# Draws scored for every attendance at once; the rest only for attendances that found none in them.
FIRST_DRAWS = 4
# Attendances per stochastic step (training); more on large logs, so a fit takes at most
# ``RANKING_STEPS`` steps per epoch.
RANKING_BATCH = 256
RANKING_STEPS = 2_000
# Attendance samples per fit at most: on a large log, fewer epochs (at least one pass of this many).
RANKING_SAMPLES = 4_000_000
# A person's own vector at scoring: this many passes over their history, fewer on a large log
# (``PEOPLE_SAMPLES`` attendance-steps of the training log at most; never under ``PEOPLE_MIN_EPOCHS``).
PEOPLE_EPOCHS = 30
PEOPLE_SAMPLES = 12_000_000
PEOPLE_MIN_EPOCHS = 3
# Rows of the fixed table of draws people's vectors are learned with (each person reads it from
# their own starting row).
NEGATIVE_ROWS = 4_096


def _rank_weight(first: np.ndarray, n_items: int) -> np.ndarray:
    """The step's weight from how many draws found a violating item: log of the estimated rank."""
    return np.asarray(np.log(np.maximum(1.0, np.floor((n_items - 1) / (first + 1.0)))))


@dataclass
class Ranking:
    embedding: np.ndarray  # features × factors
    bias: np.ndarray  # features
    seed: int = 7
    people_epochs: int = PEOPLE_EPOCHS

    @classmethod
    def fit(cls, interactions: sp.csr_matrix, features: sp.csr_matrix, seed: int = 7) -> Ranking:
        """Item features' vectors and biases, with people's free vectors (dropped once fitted)."""
        rng = np.random.default_rng(seed)
        r = sp.coo_matrix(interactions)
        x = sp.csr_matrix(features, dtype=np.float64)
        n_people, n_items = r.shape
        n_features, d = x.shape[1], RANKING_FACTORS
        embedding = (rng.random((n_features, d)) - 0.5) / d
        people = (rng.random((n_people, d)) - 0.5) / d
        bias = np.zeros(n_features)
        sq_embedding, sq_people, sq_bias = np.ones((n_features, d)), np.ones((n_people, d)), np.ones(n_features)
        who, what = r.row, r.col
        samples = len(who)
        people_epochs = max(PEOPLE_MIN_EPOCHS, min(PEOPLE_EPOCHS, PEOPLE_SAMPLES // max(samples, 1)))
        if samples == 0 or n_items < 2:
            return cls(embedding, bias, seed, people_epochs)
        epochs = max(1, min(RANKING_EPOCHS, RANKING_SAMPLES // samples))
        batch = max(RANKING_BATCH, -(-samples // RANKING_STEPS))
        xt = x.T.tocsr()
        for _epoch in range(epochs):
            order = rng.permutation(samples)
            for start in range(0, samples, batch):
                chosen = order[start:start + batch]
                vectors, biases = np.asarray(x @ embedding), np.asarray(x @ bias).ravel()
                u, i = who[chosen], what[chosen]
                negatives = rng.integers(0, n_items, size=(len(chosen), RANKING_NEGATIVES))
                found = _violations(people[u], vectors, biases, i, negatives)
                if found is None:
                    continue
                rows, j, first = found
                u, i, j = u[rows], i[rows], j
                w = _rank_weight(first, n_items)
                # Loss w · (1 − s(u, i) + s(u, j)).
                grad_people = w[:, None] * (vectors[j] - vectors[i])
                pairs = np.arange(len(rows))
                per_item = sp.csr_matrix((np.concatenate([-w, w]), (np.concatenate([pairs, pairs]), np.concatenate([i, j]))),
                                         shape=(len(rows), n_items))
                grad_embedding = np.asarray(xt @ (per_item.T @ people[u]))
                grad_bias = np.asarray(xt @ np.asarray(per_item.sum(axis=0)).ravel()).ravel()
                sq_embedding += grad_embedding ** 2
                embedding -= RANKING_RATE * grad_embedding / np.sqrt(sq_embedding)
                sq_bias += grad_bias ** 2
                bias -= RANKING_RATE * grad_bias / np.sqrt(sq_bias)
                np.add.at(sq_people, u, grad_people ** 2)
                np.subtract.at(people, u, RANKING_RATE * grad_people / np.sqrt(sq_people[u]))
        return cls(embedding.astype(np.float32), bias.astype(np.float32), seed, people_epochs)

    def people(self, interactions: sp.csr_matrix, features: sp.csr_matrix) -> np.ndarray:
        """People's vectors (people × factors) learned from their histories against the items' fixed
        vectors. Each person's attendances are taken in a fixed order, one per step for everyone at
        once, with negatives from a table shared by all: the result for a person depends on their
        row alone."""
        r = sp.csr_matrix(interactions)
        n_people, n_items = r.shape
        vectors = np.asarray(sp.csr_matrix(features) @ self.embedding, dtype=np.float64)
        biases = np.asarray(sp.csr_matrix(features) @ self.bias, dtype=np.float64).ravel()
        d = vectors.shape[1]
        table = np.random.default_rng(self.seed).integers(0, n_items, size=(NEGATIVE_ROWS, RANKING_NEGATIVES))
        start_rng = np.random.default_rng(self.seed + 1)
        out = np.tile((start_rng.random(d) - 0.5) / d, (n_people, 1))
        sq = np.ones((n_people, d))
        counts = np.diff(r.indptr)
        if n_items < 2 or r.nnz == 0:
            return out.astype(np.float32)
        owner = np.repeat(np.arange(n_people), counts)
        # Where in the table each person's draws start: from their own history, so two people
        # scored together do not share draws (shared draws push the same items down for everyone).
        mixed = (r.indices.astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2 ** 32)
        offset = (np.add.reduceat(mixed, r.indptr[:-1][counts > 0]) % np.uint64(NEGATIVE_ROWS)).astype(np.int64)
        start = np.zeros(n_people, dtype=np.int64)
        start[counts > 0] = offset
        position = np.arange(r.nnz) - np.repeat(r.indptr[:-1], counts)
        by_step = np.argsort(position, kind="stable")
        bounds = np.searchsorted(position[by_step], np.arange(int(counts.max()) + 1))
        for epoch in range(self.people_epochs):
            # A person's n-th attendance in this pass: their items in an order scrambled anew each
            # pass, the same for everyone (not by age or popularity).
            scrambled = (r.indices.astype(np.uint64) * np.uint64(2654435761) + np.uint64(epoch * 40503)) % np.uint64(2 ** 32)
            items = r.indices[np.lexsort((scrambled, owner))]
            for step in range(int(counts.max())):
                at = by_step[bounds[step]:bounds[step + 1]]
                u, i = owner[at], items[at]
                negatives = table[(start[u] + step + epoch * 977) % NEGATIVE_ROWS]
                found = _violations(out[u], vectors, biases, i, negatives)
                if found is None:
                    continue
                rows, j, first = found
                u, i = u[rows], i[rows]
                grad = _rank_weight(first, n_items)[:, None] * (vectors[j] - vectors[i])
                sq[u] += grad ** 2  # one attendance per person per step: no repeated rows
                out[u] -= RANKING_RATE * grad / np.sqrt(sq[u])
        return out.astype(np.float32)

    def scores(self, people: np.ndarray, items: sp.csr_matrix) -> np.ndarray:
        """People × items."""
        x = sp.csr_matrix(items)
        return np.asarray(people.astype(np.float64) @ np.asarray(x @ self.embedding, dtype=np.float64).T
                          + np.asarray(x @ self.bias, dtype=np.float64).ravel()[None, :])


def _violations(people: np.ndarray, vectors: np.ndarray, biases: np.ndarray, attended: np.ndarray,
                negatives: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """For each attendance (a person's vector, the item), the first drawn item scoring within the
    margin of it: (which attendances found one, that item, how many draws it took minus one).

    Most attendances find one among their first few draws (measured on MovieLens-like logs: three
    in four within three draws), so the first ``FIRST_DRAWS`` are scored for all, the rest only for
    those still looking: the same answer as scoring every draw, for a fraction of the products."""
    positive = np.einsum("bd,bd->b", people, vectors[attended]) + biases[attended]
    limit = positive - 1.0
    first = np.full(len(attended), -1, dtype=np.int64)
    looking = np.arange(len(attended))
    for low, high in ((0, FIRST_DRAWS), (FIRST_DRAWS, negatives.shape[1])):
        high = min(high, negatives.shape[1])
        if high <= low or len(looking) == 0:
            continue
        drawn_items = negatives[looking, low:high]
        drawn = np.einsum("bd,bkd->bk", people[looking], vectors[drawn_items]) + biases[drawn_items]
        violating = (drawn > limit[looking, None]) & (drawn_items != attended[looking, None])
        hit = violating.any(axis=1)
        first[looking[hit]] = low + np.argmax(violating[hit], axis=1)
        looking = looking[~hit]
    rows = np.flatnonzero(first >= 0)
    if len(rows) == 0:
        return None
    return rows, negatives[rows, first[rows]], first[rows].astype(np.float64)
