"""The baselines the hybrid is evaluated against: popularity by genre, content kNN, LightFM."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from culturecoop.reco.attendance import binary, cosine


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
    # Rounded: equal cosines stay ties however many people are scored at once (the summation
    # order of a matrix product depends on its shape).
    return np.asarray(np.round(cosine(binary(interactions) @ binary(genre_features), binary(items)), 12))


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
