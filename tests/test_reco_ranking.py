"""The committee's ranking factorization (``reco/ranking.py``): new items are placed by their
content alone, and a person's scores depend on their own history, not on who is scored with them."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.features import fit_encoder
from culturecoop.reco.ranking import Ranking


def _planted(seed: int = 3) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, np.ndarray, np.ndarray]:
    """People of three tastes attend mostly the items of their genre; ten new items of each genre."""
    rng = np.random.default_rng(seed)
    n_people, n_old, n_new = 300, 90, 30
    taste = rng.integers(0, 3, n_people)
    genre = np.concatenate([np.arange(n_old) % 3, np.arange(n_new) % 3])
    chance = np.where(taste[:, None] == genre[None, :n_old], 0.2, 0.01)
    history = sp.csr_matrix((rng.random((n_people, n_old)) < chance).astype(float))
    raw = {"genres": [f"g{g}" for g in genre], "year": [str(1990 + n % 7) for n in range(n_old + n_new)]}
    features = fit_encoder(raw, n_old + n_new).encode(raw, n_old + n_new)
    return history, features[:n_old], features[n_old:], taste, genre[n_old:]


def test_new_items_of_a_persons_genre_rank_first_from_their_content_alone() -> None:
    history, old, new, taste, new_genre = _planted()
    model = Ranking.fit(history, old)
    scores = model.scores(model.people(history, old), new)
    top = np.argsort(-scores, axis=1)[:, :10]
    hits = (new_genre[top] == taste[:, None]).mean()
    assert hits > 0.8, hits  # chance: one in three


def test_a_persons_scores_do_not_depend_on_who_is_scored_with_them() -> None:
    history, old, new, _taste, _genre = _planted()
    model = Ranking.fit(history, old)
    together = model.scores(model.people(history, old), new)
    for person in (0, 17, 299):
        alone = model.scores(model.people(history[person], old), new)
        np.testing.assert_allclose(alone[0], together[person], rtol=1e-5, atol=1e-5)
    # Another batch order: the same people shuffled.
    order = np.random.default_rng(1).permutation(history.shape[0])
    shuffled = model.scores(model.people(history[order], old), new)
    np.testing.assert_allclose(shuffled, together[order], rtol=1e-5, atol=1e-5)
