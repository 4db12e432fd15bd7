"""The hybrid's collaborative placements and their popularity shrinking, on planted data (seconds)."""

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


def test_shrinking_keeps_directions_and_spreads_exposure_over_items() -> None:
    rng = np.random.default_rng(1)
    people = rng.normal(size=(300, 4))
    # Forty items pointing every way; the first five are long (they inherited popular neighbours).
    placed = rng.normal(size=(40, 4))
    placed[:5] *= 8.0
    np.testing.assert_array_equal(models.shrink_norms(placed, 0.0), placed)
    unit = models.shrink_norms(placed, 1.0)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0)
    np.testing.assert_allclose(unit * np.linalg.norm(placed, axis=1, keepdims=True), placed)

    def shown(items: np.ndarray) -> int:
        return len(np.unique(np.argsort(-(people @ items.T), axis=1)[:, :5]))

    assert shown(models.shrink_norms(placed, 0.5)) > shown(placed)


def test_shrink_is_chosen_on_the_fold_by_accuracy_times_coverage() -> None:
    """People's taste is a direction; half the items carry a long factor that says nothing about
    who comes: the fold rewards shrinking (more items shown, better hits) and the model takes it."""
    rng = np.random.default_rng(2)
    n_people, n_items = 600, 120
    taste = rng.normal(size=(n_people, 3))
    direction = rng.normal(size=(n_items, 3))
    truth = (taste @ direction.T + rng.normal(scale=0.3, size=(n_people, n_items))) > 2.2
    truth[np.arange(n_people), (taste @ direction.T).argmax(axis=1)] = True
    length = np.where(np.arange(n_items) < n_items // 2, 6.0, 1.0)
    scores = {step: (taste @ models.shrink_norms(direction * length[:, None], step).T) for step in models.SHRINK_STEPS}
    relevant = sp.csr_matrix(truth.astype(float))
    balance = [models._ndcg_times_coverage(scores[step], relevant) for step in models.SHRINK_STEPS]
    assert int(np.argmax(balance)) > 0 and balance[0] < max(balance)


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
    model.collaborative_weight, model.neighbour_weight, model.neighbours, model.shrink = 0.0, 2.0, 10, 0.3
    keys = [("m", f"e{n}") for n in range(n_items)]
    trained = service.TrainedModel("id", dt.datetime(2026, 11, 30), "v", encoder, model, keys, features, {})
    back = service._unpack("id", trained.trained_at, "v", service._pack(trained))
    assert (back.model.neighbour_weight, back.model.neighbours, back.model.shrink) == (2.0, 10, 0.3)
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
