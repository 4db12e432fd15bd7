"""The hybrid's collaborative placements and its popularity debiasing, on planted data (seconds)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import scipy.sparse as sp

from culturecoop.reco import model as models
from culturecoop.reco import service
from culturecoop.reco.features import fit_encoder


def test_neighbour_placement_is_the_weighted_mean_of_the_nearest_items_ties_included() -> None:
    # Five past items share item 0's content exactly, two others are half like it, one unlike.
    past = sp.csr_matrix(np.array([[1, 0]] * 5 + [[1, 1]] * 2 + [[0, 1]], dtype=float))
    factors = np.arange(16, dtype=np.float32).reshape(8, 2)
    new = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    placed = models.neighbour_factors(past, factors, new, neighbours=2)
    # Asked for 2 neighbours, the first new item gets all five tied ones (which two would be arbitrary).
    np.testing.assert_allclose(placed[0], factors[:5].mean(axis=0))
    # The second: its twin (similarity 1) and the two half-alike items tied at 0.707.
    w = np.array([1 / np.sqrt(2)] * 2 + [1.0])
    np.testing.assert_allclose(placed[1], (w[:, None] * factors[5:]).sum(axis=0) / w.sum())


def _planted(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """People × items where every item carries a big popularity offset that says nothing about who comes."""
    rng = np.random.default_rng(seed)
    taste = rng.normal(size=(400, 4))
    appeal = rng.normal(size=(60, 4))
    personal = taste @ appeal.T
    popularity = rng.normal(scale=4.0, size=60)
    truth = personal + rng.normal(scale=0.5, size=personal.shape) > 2.0
    truth[np.arange(400), personal.argmax(axis=1)] = True  # everyone comes to something
    return sp.csr_matrix(truth.astype(float)), personal, popularity


def test_debias_is_taken_where_popularity_only_misleads_and_refused_where_it_is_the_signal() -> None:
    truth, personal, popularity = _planted()
    misled = personal + popularity[None, :]
    assert models._best_debias(misled, truth) == max(models.DEBIAS_STEPS)
    # When what people attend *is* the popular items, taking popularity away costs accuracy: none is taken.
    popular_truth = sp.csr_matrix(np.tile(popularity > np.quantile(popularity, 0.8), (400, 1)).astype(float))
    assert models._best_debias(personal + 0.6 * popularity[None, :], popular_truth) == 0.0


def test_score_subtracts_the_reference_mean_when_debiased() -> None:
    rng = np.random.default_rng(3)
    history = sp.csr_matrix((rng.random((300, 40)) < 0.15).astype(float))
    features = sp.csr_matrix((rng.random((40, 6)) < 0.4).astype(float))
    items = sp.csr_matrix((rng.random((9, 6)) < 0.4).astype(float))
    model = models.CoAttendanceModel(factors=0).fit(history, features)
    model.debias = 0.0
    plain = model.score(history, features, items)
    model.debias = 0.5
    debiased = model.score(history, features, items)
    shift = plain - debiased
    # One offset per item (the same for everyone), half the items' mean over the reference people
    # (here every person with a history: fewer than the sample size).
    np.testing.assert_allclose(shift, np.tile(shift[0], (300, 1)))
    known = history.getnnz(axis=1) > 0
    assert not known.all()
    np.testing.assert_allclose(shift[0], 0.5 * plain[known].mean(axis=0), atol=1e-9)


def test_stored_model_keeps_the_neighbour_term_and_the_service_scores_with_it() -> None:
    rng = np.random.default_rng(5)
    n_items = 80
    genres = [str(g) for g in rng.choice(["jazz", "theatre", "folk", "rock"], n_items)]
    raw = {"genres": genres, "venue": [str(v) for v in rng.choice(["A", "B", "C"], n_items)]}
    encoder = fit_encoder(raw, n_items)
    features = encoder.encode(raw, n_items)
    history = sp.csr_matrix((rng.random((500, n_items)) < 0.08).astype(float))
    model = models.CoAttendanceModel(factors=8).fit(history, features)
    fitted = model._factors(models.binary(history), features)
    model.factor_map, model.item_factors = fitted.item_map, fitted.item_factors
    model.collaborative_weight, model.neighbour_weight, model.neighbours, model.debias = 0.0, 2.0, 10, 0.25
    keys = [("m", f"e{n}") for n in range(n_items)]
    trained = service.TrainedModel("id", dt.datetime(2026, 11, 30), "v", encoder, model, keys, features, {})
    back = service._unpack("id", trained.trained_at, "v", service._pack(trained))
    assert (back.model.neighbour_weight, back.model.neighbours, back.model.debias) == (2.0, 10, 0.25)
    np.testing.assert_array_equal(back.model.item_factors, model.item_factors)

    factors = back.model.people_factors(history, features)
    assert set(factors) == {"neighbours"}
    state = service.ScoringState(back, np.arange(500), np.arange(500).astype(object), history,
                                 models.profiles(history, features), factors, None)
    item = features[:1]
    with_term = service.event_scores(state, item)
    content_only = service.ScoringState(back, state.people, state.patron_keys, history, state.profile, None, None)
    without = service.event_scores(content_only, item)
    # The neighbour term moves people's order for the event: it is wired into the audience.
    assert not np.allclose(with_term, without)
    expected = factors["neighbours"] @ back.model.placements(features, item)["neighbours"].ravel()
    added = with_term - without
    assert np.corrcoef(added, expected)[0, 1] > 0.999
