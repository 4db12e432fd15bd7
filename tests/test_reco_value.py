"""The recommendation value function (nDCG@10 gained on the members' events) and its Shapley values.

The coalition values computed from per-member score blocks are checked against the definition
itself — a co-attendance recommender trained on each coalition's visits, evaluated on held-out
visits — computed naively in Python from the raw visits of small random cooperatives; then the
Shapley properties (efficiency, symmetry, null player, duplication does not pay) and exact
against sampled.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import numpy as np
import pytest

from culturecoop.governance.reco_value import (
    TOP,
    WINDOW_DAYS,
    RecoCases,
    reco_cases,
    reco_shapley,
    values_for,
)

START = date(2026, 1, 1)


def _coop(seed: int, members: int = 4, people: int = 40, events: int = 14) -> list[tuple[str, str, int, str, date]]:
    """(member, record, person, event, day) visits of a small random cooperative with tastes:
    people of a taste group mostly go to that group's events."""
    rng = np.random.default_rng(seed)
    catalogue = [(f"m{rng.integers(members)}", f"E{i}", START + timedelta(days=int(rng.integers(0, 40))), i % 3)
                 for i in range(events)]
    visits = []
    for person in range(people):
        taste = person % 3
        for member, event, day, group in catalogue:
            if rng.random() < (0.45 if group == taste else 0.08):
                visits.append((member, f"{member}-{person}", person, event, day))
    return visits


def _con(visits: list[tuple[str, str, int, str, date]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE analytics_visit (member_id VARCHAR, member_patron_id VARCHAR, person INTEGER, "
                "pooled BOOLEAN, event_id VARCHAR, event_day DATE)")
    con.executemany("INSERT INTO analytics_visit VALUES (?, ?, ?, true, ?, ?)", visits)
    return con


def _definition(visits: list[tuple[str, str, int, str, date]], members: list[str]) -> np.ndarray:
    """v(S) for every coalition, straight from the module's definition (no blocks, no pruning)."""
    bit = {m: i for i, m in enumerate(members)}
    events = sorted({(bit[m], e) for m, _r, _p, e, _d in visits})
    eid = {ev: i for i, ev in enumerate(events)}
    day = {eid[(bit[m], e)]: d for m, _r, _p, e, d in visits}
    seen = {(p, eid[(bit[m], e)]) for m, _r, p, e, _d in visits}
    by_person: dict[int, set[int]] = {}
    for p, x in seen:
        by_person.setdefault(p, set()).add(x)
    cases = []
    for p, mine in by_person.items():
        target = max(mine, key=lambda x: (day[x], x))
        history = {x for x in mine if day[x] < day[target]}
        if history:
            cases.append((p, target, history))
    hidden = {(p, t) for p, t, _h in cases}
    train = {pair for pair in seen if pair not in hidden}
    n = len(members)
    values = np.zeros(1 << n)
    for mask in range(1 << n):
        inside = {x for x in range(len(events)) if mask >> events[x][0] & 1}
        total = 0.0
        for p, target, history in cases:
            candidates = [x for x in range(len(events)) if abs((day[x] - day[target]).days) <= WINDOW_DAYS
                          and x not in history]

            def score(c: int, p: int = p, history: set[int] = history, inside: set[int] = inside) -> int:
                if c not in inside:
                    return 0
                return sum(1 for q, x in train if q != p and x in history and x in inside and (q, c) in train and c != x)

            t_score = score(target)
            rank = sum(1 for c in candidates if score(c) >= t_score)
            if t_score > 0 and rank <= TOP:
                total += 1 / math.log2(1 + rank)
        values[mask] = 100 * total / len(cases) if cases else 0.0
    return values


def _cases(visits: list[tuple[str, str, int, str, date]], members: list[str]) -> RecoCases:
    """The recommendation cases of a 60-day period of ``visits`` (what every test here scores)."""
    return reco_cases(_con(visits), members, START, START + timedelta(days=60), cases=10_000)


@pytest.mark.parametrize("seed", range(4))
def test_coalition_values_match_the_definition(seed: int) -> None:
    visits = _coop(seed)
    members = sorted({v[0] for v in visits})
    cases = _cases(visits, members)
    n = len(members)
    computed = values_for(cases, np.arange(1 << n, dtype=np.int64), n)
    assert computed[-1] > 0, "the random cooperative should let the recommender find something"
    np.testing.assert_allclose(computed, _definition(visits, members), atol=1e-9)


def _shares(visits: list[tuple[str, str, int, str, date]], members: list[str], **kw: object) -> np.ndarray:
    cases = _cases(visits, members)
    result = reco_shapley(cases, len(members), **kw)  # type: ignore[arg-type]
    values: np.ndarray = result.values
    return values


@pytest.mark.parametrize("seed", range(3))
def test_efficiency_null_player_and_duplication(seed: int) -> None:
    visits = _coop(seed)
    members = sorted({v[0] for v in visits})
    cases = _cases(visits, members)
    shares = reco_shapley(cases, len(members))
    assert shares.values.sum() == pytest.approx(shares.total)
    # A member with no pooled visit changes nothing: it gets 0, the others keep their shares.
    with_null = _shares(visits, [*members, "mzz"])
    assert with_null[-1] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(with_null[:-1], shares.values, atol=1e-9)
    # A member that sends its people again under other record ids gains nothing.
    twice = visits + [(m, r + "-bis", p, e, d) for m, r, p, e, d in visits if m == members[0]]
    np.testing.assert_allclose(_shares(twice, members), shares.values, atol=1e-9)


def test_symmetry_identical_members_get_the_same() -> None:
    """Two members with mirror-image data (each the other's events and visitors) get equal shares."""
    base = [v for v in _coop(7, members=2) if v[0] == "m0"]
    mirror = [("m1", r.replace("m0", "m1"), p + 1000, e, d) for _m, r, p, e, d in base]
    shares = _shares(base + mirror, ["m0", "m1"])
    assert shares[0] == pytest.approx(shares[1])
    assert shares[0] > 0


def test_exact_and_sampled_agree_within_the_interval() -> None:
    visits = _coop(3, members=6, people=60, events=20)
    members = sorted({v[0] for v in visits})
    cases = _cases(visits, members)
    exact = reco_shapley(cases, len(members))
    sampled = reco_shapley(cases, len(members), exact=False, permutations=3000, seed=1)
    assert sampled.half_width is not None
    assert sampled.total == pytest.approx(exact.total)
    inside = np.abs(sampled.values - exact.values) <= sampled.half_width + 1e-9
    assert inside.sum() >= len(members) - 1, (sampled.values, exact.values, sampled.half_width)


def test_a_known_small_case() -> None:
    """Five people went to A then B; five others to A, B, then C. Hidden: B for the first five,
    learnt from the five others (who keep B in training): rank 1. C for the others, but every
    visit to C is hidden, so nobody teaches it: 0. And nothing without data."""
    day = [START + timedelta(days=d) for d in range(3)]
    visits = [("m0", f"r{p}", p, e, day[i]) for p in range(5) for i, e in enumerate("AB")]
    visits += [("m0", f"r{p}", p, e, day[i]) for p in range(5, 10) for i, e in enumerate("ABC")]
    cases = reco_cases(_con(visits), ["m0"], START, START + timedelta(days=60), cases=100)
    expected = 100 * (5 * 1.0 + 5 * 0.0) / 10
    assert values_for(cases, np.array([0, 1]), 1) == pytest.approx([0.0, expected])
