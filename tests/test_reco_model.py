"""The hybrid's collaborative placements, their popularity discount and shrinking, on planted data (seconds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from culturecoop.reco import attendance, blend, placement, service
from culturecoop.reco import model as models
from culturecoop.reco.committee import (
    COMMITTEE_BREADTH,
    RANDOM_FOLD_SEEDS,
    RANKING_SHARE,
    HybridCommittee,
)
from culturecoop.reco.diversity import standardize
from culturecoop.reco.features import fit_encoder
from culturecoop.reco.taste import Taste


def test_neighbour_placement_is_the_weighted_mean_of_the_nearest_items_ties_included() -> None:
    # Five past items share item 0's content exactly, two others are half like it, one unlike.
    past = sp.csr_matrix(np.array([[1, 0]] * 5 + [[1, 1]] * 2 + [[0, 1]], dtype=float))
    factors = np.arange(16, dtype=np.float32).reshape(8, 2)
    new = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    placed = placement.neighbour_factors(past, factors, new, neighbours=2)
    # Asked for 2 neighbours, the first new item gets all five tied ones (which two would be arbitrary).
    np.testing.assert_allclose(placed[0], factors[:5].mean(axis=0))
    # The second: its twin (similarity 1) and the two half-alike items tied at 0.707.
    w = np.array([1 / np.sqrt(2)] * 2 + [1.0])
    np.testing.assert_allclose(placed[1], (w[:, None] * factors[5:]).sum(axis=0) / w.sum())


def test_new_items_are_placed_the_same_a_block_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large catalogue is placed a block of new items at a time (bounded memory): every block
    size gives the placements of all at once (to the last digits a product rounds)."""
    rng = np.random.default_rng(4)
    past = sp.random(300, 12, density=0.3, random_state=5, format="csr")
    new = sp.random(41, 12, density=0.3, random_state=6, format="csr")
    factors = rng.normal(size=(300, 8)).astype(np.float32)
    whole = placement.neighbour_factors(past, factors, new, neighbours=10)
    for cells in (1, 300 * 7, 300 * 40):
        monkeypatch.setattr(placement, "NEIGHBOUR_CELLS", cells)
        np.testing.assert_allclose(placement.neighbour_factors(past, factors, new, neighbours=10), whole, rtol=1e-12, atol=1e-14)


def test_shrinking_keeps_directions_and_spreads_exposure_over_items() -> None:
    rng = np.random.default_rng(1)
    people = rng.normal(size=(300, 4))
    # Forty items pointing every way; the first five are long (they inherited popular neighbours).
    placed = rng.normal(size=(40, 4))
    placed[:5] *= 8.0
    np.testing.assert_array_equal(placement.shrink_norms(placed, 0.0), placed)
    unit = placement.shrink_norms(placed, 1.0)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0)
    np.testing.assert_allclose(unit * np.linalg.norm(placed, axis=1, keepdims=True), placed)

    def shown(items: np.ndarray) -> int:
        return len(np.unique(np.argsort(-(people @ items.T), axis=1)[:, :5]))

    assert shown(placement.shrink_norms(placed, 0.5)) > shown(placed)


def test_popularity_discount_weighs_niche_attendances_more_and_the_fold_picks_the_best() -> None:
    """An attendance weighs (its item's attendance / the mean item's) ** -power; the model
    keeps the discount whose choice scored best on its newest fold, and scores with it."""
    r = sp.csr_matrix(np.array([[1, 1, 0, 0, 0], [1, 0, 0, 0, 0], [1, 0, 1, 0, 0], [1, 0, 0, 1, 1]], dtype=float))
    np.testing.assert_array_equal(attendance.popularity_discount(r, 0.0), np.ones(5))
    # Attendances 4, 1, 1, 1, 1: the mean item has 1.6.
    np.testing.assert_allclose(attendance.popularity_discount(r, 0.5), (np.array([4, 1, 1, 1, 1]) / 1.6) ** -0.5)
    rng = np.random.default_rng(3)
    n_people, n_items = 600, 120
    taste, genre = rng.integers(0, 4, n_people), rng.integers(0, 4, n_items)
    blockbuster = rng.random(n_items) < 0.25
    chance = np.where(blockbuster[None, :], 0.35, np.where(taste[:, None] == genre[None, :], 0.12, 0.01))
    history = sp.csr_matrix((rng.random((n_people, n_items)) < chance).astype(float))
    raw = {"genres": [f"g{g}" for g in genre], "kind": ["big" if b else "small" for b in blockbuster]}
    features = fit_encoder(raw, n_items).encode(raw, n_items)
    model = models.CoAttendanceModel(factors=8)
    balances: list[float] = []
    choose = model._choose

    def recorded(*args: object) -> object:
        choice = choose(*args)  # type: ignore[arg-type]
        balances.append(choice.balance)
        return choice

    model._choose = recorded  # type: ignore[method-assign]
    model.fit(history, features, np.arange(n_items))
    assert len(balances) == len(models.DISCOUNT_CHOICES)
    assert model.discount == models.DISCOUNT_CHOICES[int(np.argmax(balances))]
    assert model.item_confidence is not None
    np.testing.assert_allclose(model.item_confidence, attendance.popularity_discount(attendance.binary(history), model.discount))


def test_stored_model_keeps_the_neighbour_term_and_the_service_scores_with_it() -> None:
    rng = np.random.default_rng(5)
    n_items = 80
    genres = [str(g) for g in rng.choice(["jazz", "theatre", "folk", "rock"], n_items)]
    raw = {"genres": genres, "venue": [str(v) for v in rng.choice(["A", "B", "C"], n_items)]}
    encoder = fit_encoder(raw, n_items)
    features = encoder.encode(raw, n_items)
    history = sp.csr_matrix((rng.random((500, n_items)) < 0.08).astype(float))
    model = models.CoAttendanceModel(factors=8).fit(history, features)
    fitted = model._factors(attendance.binary(history), features)
    model.factor_map, model.item_factors = fitted.item_map, fitted.item_factors
    model.collaborative_weight, model.neighbour_weight, model.neighbours, model.shrink = 0.0, 2.0, 10, 0.3
    model.taste_weight, model.taste = 0.0, None  # the neighbour term alone (the taste term has its own test)
    model.discount, model.item_confidence = 0.5, attendance.popularity_discount(attendance.binary(history), 0.5)
    keys = [("m", f"e{n}") for n in range(n_items)]
    trained = service.TrainedModel("id", dt.datetime(2026, 11, 30), "v", encoder, model, keys, features, {})
    back = service._unpack("id", trained.trained_at, "v", service._pack(trained))
    assert (back.model.neighbour_weight, back.model.neighbours, back.model.shrink) == (2.0, 10, 0.3)
    np.testing.assert_array_equal(back.model.item_factors, model.item_factors)
    # The popularity discount travels with the model: scoring weighs attendances as training did.
    assert back.model.item_confidence is not None and back.model.discount == 0.5
    np.testing.assert_array_equal(back.model.item_confidence, model.item_confidence)
    counts = np.asarray(history.sum(axis=0)).ravel()
    assert back.model.item_confidence[np.argmax(counts)] < 1 < back.model.item_confidence[np.argmin(counts)]
    undiscounted = models.CoAttendanceModel(factors=8, item_factors=model.item_factors, neighbour_weight=2.0)
    assert not np.allclose(back.model.people_factors(history, features)["neighbours"],
                           undiscounted.people_factors(history, features)["neighbours"])

    factors = back.model.people_factors(history, features)
    assert set(factors) == {"neighbours"}
    state = service.ScoringState(back, np.arange(500), np.arange(500).astype(object), history,
                                 attendance.profiles(history, features), factors, None)
    item = features[:1]
    with_term = service.event_scores(state, item)
    content_only = service.ScoringState(back, state.people, state.patron_keys, history, state.profile, None, None)
    without = service.event_scores(content_only, item)
    # The neighbour term moves people's order for the event: it is wired into the audience.
    assert not np.allclose(with_term, without)
    expected = factors["neighbours"] @ back.model.placements(features, item)["neighbours"].ravel()
    added = with_term - without
    assert np.corrcoef(added, expected)[0, 1] > 0.999


@pytest.mark.parametrize("term", ["co-attendance", "taste"])
def test_the_draw_every_person_shares_is_weighed_down_when_it_crowds_lists(term: str) -> None:
    """Ten items draw everyone (the constant's row of W, or the taste term's population part),
    taste decides the rest: at full weight every list is those ten; the fold's nDCG × coverage
    keeps less of the draw. Without a shared draw nothing changes (ties keep full weight)."""
    rng = np.random.default_rng(4)
    n_people, n_items = 300, 60
    own = rng.normal(size=(n_people, n_items))
    truth = sp.csr_matrix((own >= np.sort(own, axis=1)[:, -3:-2]).astype(float))
    target = sp.identity(n_items, format="csr")
    lowest = min(models.DRAW_WEIGHTS if term == "co-attendance" else models.TASTE_DRAW_WEIGHTS)
    for draw, expected in ((np.where(np.arange(n_items) < 10, 3.0, 0.0), lowest), (np.zeros(n_items), 1.0)):
        model = models.CoAttendanceModel(taste_weight=0.0 if term == "co-attendance" else 4.0)
        if term == "co-attendance":
            model.weight = np.vstack([np.zeros((n_items, n_items)), draw])
            model._choose_draw(own + draw, target, [np.zeros_like(own)], [0.0], truth, (np.zeros_like(own), np.zeros(n_items)))
            assert model.draw_weight == expected
        else:
            model.weight = np.zeros((n_items + 1, n_items))
            scores = own + draw
            model._choose_draw(np.zeros_like(own), target, [standardize(scores)], [4.0], truth, (scores, draw))
            assert model.taste_draw == expected


def test_the_committee_s_members_choose_the_draw_by_accuracy_alone() -> None:
    """Ten of 200 items draw everyone, and people do go to them, a little less than the draw says.
    The full draw ranks best but fills 40 people's lists with the same items: the cooperative's
    hybrid (coverage weighs as much as nDCG) keeps less of it; a committee member (nDCG alone:
    averaging five blends already spreads the lists) keeps it whole."""
    from culturecoop.reco.metrics import top_k

    rng = np.random.default_rng(4)
    n_people, n_items = 40, 200
    own, noise = rng.normal(size=(n_people, n_items)), rng.normal(size=(n_people, n_items))
    draw = np.where(np.arange(n_items) < 10, 2.5, 0.0)
    real = own + 0.8 * draw
    truth = sp.csr_matrix((real >= np.sort(real, axis=1)[:, -5:-4]).astype(float))
    target = sp.identity(n_items, format="csr")
    scores = own + 0.5 * noise
    chosen = {}
    for breadth in (1.0, COMMITTEE_BREADTH):
        model = models.CoAttendanceModel(breadth=breadth)
        model.weight = np.vstack([np.zeros((n_items, n_items)), draw])
        model._choose_draw(scores + draw, target, [np.zeros_like(own)], [0.0], truth, (np.zeros_like(own), np.zeros(n_items)))
        chosen[breadth] = model.draw_weight
    assert chosen[COMMITTEE_BREADTH] == 1.0 and chosen[1.0] < 1.0
    full, less = scores + draw, scores + chosen[1.0] * draw
    assert blend.fold_ndcg(full, truth) > blend.fold_ndcg(less, truth)
    assert len(np.unique(top_k(full, 10))) < len(np.unique(top_k(less, 10)))


def test_the_committee_averages_five_blends_chosen_on_different_quarters() -> None:
    """The item protocol's committee: its first member is the hybrid chosen on the newest quarter,
    the others on random quarters; its scores are the mean of the members' standardized scores."""
    rng = np.random.default_rng(8)
    n_people, n_items = 400, 90
    taste, genre = rng.integers(0, 3, n_people), rng.integers(0, 3, n_items)
    chance = np.where(taste[:, None] == genre[None, :], 0.15, 0.02)
    history = sp.csr_matrix((rng.random((n_people, n_items)) < chance).astype(float))
    raw = {"genres": [f"g{g}" for g in genre], "band": [f"b{n % 5}" for n in range(n_items)]}
    features = fit_encoder(raw, n_items).encode(raw, n_items)
    train, new = features[:70], features[70:]
    committee = HybridCommittee().fit(history[:, :70], train, np.arange(70))
    alone = models.CoAttendanceModel(breadth=COMMITTEE_BREADTH).fit(history[:, :70], train, np.arange(70))
    assert len(committee.members) == 1 + len(RANDOM_FOLD_SEEDS)
    assert all(member.breadth == COMMITTEE_BREADTH for member in committee.members)
    np.testing.assert_allclose(committee.members[0].weight, alone.weight)
    scores = committee.score(history[:, :70], train, new)
    # Its score: the members' standardized scores averaged, and the ranking factorization's beside them.
    members = np.mean([standardize(m.score(history[:, :70], train, new)) for m in committee.members], axis=0)
    assert committee.ranking is not None
    ranking = committee.ranking.scores(committee.ranking.people(history[:, :70], train), new)
    np.testing.assert_allclose(scores, (1 - RANKING_SHARE) * members + RANKING_SHARE * standardize(ranking))
    # Each member chose a list diversity on its fold; the committee serves its lists at their median.
    assert all(m.diversity in blend.DIVERSITY_CHOICES for m in committee.members)
    assert committee.diversity == float(np.median([m.diversity for m in committee.members]))
    # The random quarters are other draws than the newest one: their co-attendance terms differ.
    assert not np.allclose(committee.members[1].weight, committee.members[0].weight)


def test_the_exposure_floor_brings_every_item_to_the_people_it_suits_best() -> None:
    """Scores where everyone prefers the same four items: plain top-3 lists show 4 of 12 items.
    The floor gives the last place of up to one list in ten to an item in no list — for the person
    whose last item it nearly matches — without pulling an item out of its only list, and keeps a
    local floor."""
    from culturecoop.reco.metrics import top_k
    from culturecoop.reco.rerank import FloorCandidates, exposure_floor, last_values

    rng = np.random.default_rng(3)
    people, items, k = 200, 12, 3
    scores = np.tile(np.r_[np.full(4, 5.0), np.zeros(items - 4)], (people, 1)) + rng.normal(0, 0.05, (people, items))
    # Person n likes niche item 4 + n % 8 almost as much as the popular ones.
    scores[np.arange(people), 4 + np.arange(people) % 8] += 4.5
    ranked = top_k(scores, k)
    z = standardize(scores)
    assert len(np.unique(ranked)) == 4
    floored, changed = exposure_floor(ranked, last_values(z, ranked), FloorCandidates.of(z), items, share=0.1)
    assert len(np.unique(floored)) == items and changed == items - 4 <= 0.1 * people
    moved = np.flatnonzero((floored != ranked).any(axis=1))
    assert len(moved) == changed and (floored[moved, :-1] == ranked[moved, :-1]).all()
    # Each niche item went to a person who likes it (not to anyone).
    assert all(floored[p, -1] == 4 + p % 8 for p in moved)
    # A budget of no list changes nothing; a local floor is kept: the local items are 0-3, and a
    # boost that asks for one local item per list forbids giving a local last place away for a
    # non-local item when the list holds just one.
    assert exposure_floor(ranked, last_values(z, ranked), FloorCandidates.of(z), items, share=0.0)[1] == 0
    local = np.arange(items) < 1
    one_local = ranked.copy()
    one_local[:, -1] = 0
    one_local[:, :-1] = np.where(one_local[:, :-1] == 0, 1, one_local[:, :-1])
    kept, _n = exposure_floor(one_local, last_values(z, one_local), FloorCandidates.of(z), items, share=1.0,
                              flags={"local": local}, boost=100 / k - 100 * local.mean() + 1e-6)
    assert (kept[:, -1] == 0).all()


def test_a_new_genre_selling_faster_is_not_taken_for_a_weaker_one_because_it_is_young() -> None:
    """Old jazz items were open for 100 days and drew 40 % of people; new electro items, open for 25
    days, already drew 20 %: twice the rate. Counted as they are, electro looks half as popular;
    weighed by how long each item was open (``exposure``), its draw passes jazz's."""
    rng = np.random.default_rng(4)
    n_people, genres = 600, ["jazz"] * 20 + ["electro"] * 20
    share = np.array([0.4 if g == "jazz" else 0.2 for g in genres])
    attended = sp.csr_matrix((rng.random((n_people, len(genres))) < share).astype(float))
    days = np.array([100.0 if g == "jazz" else 25.0 for g in genres])
    item_time = (100 - days).astype(np.int64) * 86_400
    raw = {"genres": genres}
    encoder = fit_encoder(raw, len(genres))
    x = encoder.encode(raw, len(genres))
    new = encoder.encode({"genres": ["jazz", "electro"]}, 2)
    counted = models.CoAttendanceModel(factors=0).fit(attended, x, item_time).popularity(new)
    by_rate = models.CoAttendanceModel(factors=0).fit(attended, x, item_time, days * 86_400).popularity(new)
    assert counted[1] < counted[0]
    assert by_rate[1] > by_rate[0]
    # Every item open as long: nothing to weigh.
    assert attendance.exposure_weights(np.full(5, 86_400.0)) is None


def _folk_and_rock() -> tuple[sp.csr_matrix, sp.csr_matrix, Any, np.ndarray]:
    """Rock draws most per show; each person also has a favourite among folk, jazz and theatre."""
    rng = np.random.default_rng(3)
    genres = np.array(["rock"] * 20 + ["folk"] * 60 + ["jazz"] * 20 + ["theatre"] * 20)
    raw = {"genres": genres.tolist()}
    encoder = fit_encoder(raw, len(genres))
    rows = []
    for person in range(300):
        favourite = ["folk", "jazz", "theatre"][person % 3]
        row = np.zeros(len(genres))
        row[rng.choice(np.flatnonzero(genres == favourite), 6, replace=False)] = 1
        row[rng.choice(np.flatnonzero(genres == "rock"), 6, replace=False)] = 1
        rows.append(row)
    return sp.csr_matrix(np.array(rows)), encoder.encode(raw, len(genres)), encoder, genres


def test_the_taste_term_follows_each_person_s_own_history() -> None:
    history, features, encoder, genres = _folk_and_rock()
    taste = Taste.fit(history, features, 0.03)
    new = encoder.encode({"genres": ["rock", "folk"]}, 2)
    folk = np.flatnonzero(genres == "folk")
    people = np.zeros((3, len(genres)))
    people[1, folk[:8]] = 1  # eight folk concerts
    people[2, folk[:1]] = 1  # one
    scores = taste.people(sp.csr_matrix(people), features) @ new.T.toarray()
    # Nobody's history: the cooperative's draw, rock first. Eight folk concerts: folk first.
    assert scores[0, 0] > scores[0, 1] and scores[1, 1] > scores[1, 0]
    # One folk concert moves the person part of the way: rock's lead shrinks, less than eight's.
    lead = scores[:, 0] - scores[:, 1]
    assert lead[0] > lead[2] > lead[1]


def test_stored_model_keeps_the_taste_term_and_the_service_scores_with_it() -> None:
    history, features, encoder, genres = _folk_and_rock()
    model = models.CoAttendanceModel(factors=0)
    model.weight = np.zeros((features.shape[1] + 1, features.shape[1]))  # the taste term alone
    model.taste_weight, model.taste = 2.0, Taste.fit(history, features, 0.03, draw=0.5)
    keys = [("m", f"e{n}") for n in range(len(genres))]
    trained = service.TrainedModel("id", dt.datetime(2026, 11, 30), "v", encoder, model, keys, features, {})
    back = service._unpack("id", trained.trained_at, "v", service._pack(trained))
    assert back.model.taste_weight == 2.0 and back.model.taste is not None and back.model.taste.draw == 0.5
    factors = back.model.people_factors(history, features)
    np.testing.assert_allclose(factors["taste"], model.people_factors(history, features)["taste"])
    # A patron's list uses it: the jazz lovers (every third person from the second) get the jazz
    # concert above the folk one, the folk lovers the other way round.
    items = encoder.encode({"genres": ["jazz", "folk"]}, 2)
    own = back.model.score(history, features, items)
    jazz_lovers, folk_lovers = np.arange(300) % 3 == 1, np.arange(300) % 3 == 0
    assert (own[jazz_lovers, 0] > own[jazz_lovers, 1]).all() and (own[folk_lovers, 1] > own[folk_lovers, 0]).all()
    # An event's audience leaves it out (``service.event_scores``): the scoring state holds none.
    assert "taste" not in back.model.people_factors(history, features, taste=False)


def test_an_event_s_audience_counts_the_own_history_similarity_the_model_chose() -> None:
    """The service's audience scoring blends the terms the fold chose, the own-history similarity
    included: with it alone, the people whose history is the event's genre come first."""
    history, features, encoder, genres = _folk_and_rock()
    model = models.CoAttendanceModel(factors=0)
    model.weight = np.zeros((features.shape[1] + 1, features.shape[1]))
    keys = [("m", f"e{n}") for n in range(len(genres))]
    trained = service.TrainedModel("id", dt.datetime(2026, 11, 30), "v", encoder, model, keys, features, {})
    state = service.ScoringState(trained, np.arange(300), np.arange(300).astype(object), history,
                                 attendance.profiles(history, features), None, None)
    item = encoder.encode({"genres": ["theatre"]}, 1)
    assert np.ptp(service.event_scores(state, item)) == 0  # no term: nobody stands out
    model.similarity_weight = 0.6
    scores = service.event_scores(state, item)
    theatre_lovers = np.arange(300) % 3 == 2
    assert scores[theatre_lovers].min() > scores[~theatre_lovers].max()


def test_a_committee_member_chooses_a_diverse_list_only_where_its_fold_rewards_it() -> None:
    """Twenty new items in four groups of near twins: a model's order fills the top 10 with two
    groups. Where people attended one item of each group, the fold chooses MMR lists that reach the
    other groups; where they attended the twins the model ranks first, it keeps the model's order."""
    people, groups, size = 60, 4, 5
    features = sp.csr_matrix(np.kron(np.eye(groups), np.ones((size, 1))))
    rng = np.random.default_rng(2)
    scores = np.tile(-np.arange(groups * size, dtype=float), (people, 1)) + rng.normal(0, 0.01, (people, groups * size))
    spread = sp.csr_matrix(np.tile(np.kron(np.eye(groups), np.eye(size)[0]).sum(axis=0), (people, 1)))
    twins = sp.csr_matrix(np.tile(np.r_[np.ones(size), np.zeros((groups - 1) * size)], (people, 1)))
    assert blend.choose_diversity(scores, features, spread) > 0
    assert blend.choose_diversity(scores, features, twins) == 0.0


def _naive_blend(terms: list[np.ndarray], truth: sp.csr_matrix, grids: list[tuple[float, ...]]) -> list[float]:
    """Coordinate ascent as first written: every weight of every grid tried in both rounds."""
    weights = [grid[0] for grid in grids]
    best = blend.fold_ndcg(blend.combine(weights, terms), truth)
    for _round in range(2):
        for n in range(1, len(terms)):
            for value in grids[n]:
                trial = [*weights[:n], value, *weights[n + 1:]]
                score = blend.fold_ndcg(blend.combine(trial, terms), truth)
                if score > best + 1e-4:
                    weights, best = trial, score
    return weights


@pytest.mark.parametrize("seed", range(12))
def test_the_blend_search_skipping_repeated_trials_chooses_what_trying_them_all_chooses(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fold's blend is the same whether the search tries every weight or skips the trials whose
    scores it already knows, and whether people are ranked in one block or on several cores."""
    from culturecoop.reco import metrics

    rng = np.random.default_rng(seed)
    people, items = 300, 80
    signal = rng.standard_normal((people, items))
    # Terms that see the signal through different amounts of noise, and a few ties.
    terms = [standardize(np.round(signal + rng.standard_normal((people, items)) * s, 1)) for s in (1.5, 1.0, 2.0, 0.7)]
    truth = sp.csr_matrix((signal > np.quantile(signal, 0.95, axis=1, keepdims=True)).astype(float))
    grids = [(1.0,), blend.SIMILARITY_WEIGHTS, blend.COLLABORATIVE_WEIGHTS, blend.COLLABORATIVE_WEIGHTS]
    expected = _naive_blend(terms, truth, grids)
    assert blend.best_blend(terms, truth, grids) == expected
    monkeypatch.setattr(metrics, "PARALLEL_CELLS", 1)  # every ranking split among the cores
    assert blend.best_blend(terms, truth, grids) == expected
    ranked = metrics.top_k(terms[0], 10)
    monkeypatch.setattr(metrics, "PARALLEL_CELLS", 10**12)
    assert np.array_equal(ranked, metrics.top_k(terms[0], 10))


def test_the_fold_draws_each_person_s_order_of_tied_items_as_the_evaluation_does() -> None:
    """Films alike in every feature score alike. The fold that chooses the blend must see what the
    evaluation sees: each person's own draw among them, not the same ten for everyone."""
    rng = np.random.default_rng(3)
    people, items = 400, 60
    chosen = rng.random((people, items)) < 0.05
    chosen[np.arange(people), rng.integers(0, items, people)] = True  # each person came to one at least
    truth = sp.csr_matrix(chosen.astype(np.float64))
    tied = np.zeros((people, items))  # every item ties for every person
    ranked_coverage = blend.ndcg_times_coverage(tied, truth, breadth=1.0) / blend.fold_ndcg(tied, truth)
    assert ranked_coverage > 0.95  # every item reaches some list (was 10 of 60: 0.17)
    # The same draw in one piece and a block of people at a time.
    whole = blend.fold_ndcg(tied, truth)
    blocks = blend.ndcg_in_blocks(lambda rows: tied[rows], people, items, truth)
    assert whole == pytest.approx(blocks)
    # A real difference of score still wins over any draw.
    favoured = tied.copy()
    favoured[:, :10] = 1.0
    assert blend.fold_ndcg(favoured, sp.csr_matrix(np.pad(np.ones((people, 10)), ((0, 0), (0, items - 10))))) == pytest.approx(1.0)
