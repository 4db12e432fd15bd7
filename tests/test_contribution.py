"""Shapley values over members: the axioms as property tests, exact against sampled, duplication,
and remuneration that adds up to the cent."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from culturecoop.errors import UserError
from culturecoop.governance.contribution import Contribution, FunctionResult
from culturecoop.governance.remuneration import Rules, allocate, cents, check_rules, parse_weights
from culturecoop.governance.shapley import (
    MaskCounts,
    cell_values,
    coverage_values,
    exact_shapley,
    several_values,
    shapley,
)

KINDS = ("coverage", "several", "cells")


@st.composite
def people(draw: st.DrawFn, max_members: int = 7) -> tuple[MaskCounts, int]:
    n = draw(st.integers(2, max_members))
    rows = draw(st.integers(1, 60))
    masks = draw(st.lists(st.integers(1, (1 << n) - 1), min_size=rows, max_size=rows))
    counts = draw(st.lists(st.integers(1, 9), min_size=rows, max_size=rows))
    cells = draw(st.lists(st.integers(0, 4), min_size=rows, max_size=rows))
    return MaskCounts(np.array(masks, np.int64), np.array(counts, np.float64), np.array(cells, np.int64), 5), n


def _brute(data: MaskCounts, n: int, kind: str, k: int) -> np.ndarray:
    """v(S) straight from the definition, coalition by coalition."""
    values = np.zeros(1 << n)
    for s in range(1 << n):
        met = (data.masks & s) != 0
        if kind == "coverage":
            values[s] = data.counts[met].sum()
        elif kind == "several":
            values[s] = data.counts[np.array([bin(int(m) & s).count("1") >= 2 for m in data.masks])].sum()
        else:
            assert data.cells is not None
            per_cell = np.bincount(data.cells[met], weights=data.counts[met], minlength=data.n_cells)
            values[s] = (per_cell >= k).sum()
    return values


@settings(max_examples=40, deadline=None)
@given(people(), st.sampled_from(KINDS))
def test_coalition_values_match_the_definition(sample: tuple[MaskCounts, int], kind: str) -> None:
    data, n = sample
    fast = {"coverage": lambda: coverage_values(data, n), "several": lambda: several_values(data, n),
            "cells": lambda: cell_values(data, n, 6)}[kind]()
    assert np.allclose(fast, _brute(data, n, kind, 6))


@settings(max_examples=40, deadline=None)
@given(people(), st.sampled_from(KINDS))
def test_efficiency_shares_add_up_to_the_total(sample: tuple[MaskCounts, int], kind: str) -> None:
    data, n = sample
    shares = shapley(data, n, kind, k=6)
    assert shares.values.sum() == pytest.approx(shares.total)
    assert shares.total == pytest.approx(_brute(data, n, kind, 6)[-1])


def _with_twin(data: MaskCounts, n: int) -> tuple[MaskCounts, int]:
    """Add member n as an exact twin of member 0: whoever member 0 knows, member n knows."""
    twin = ((data.masks & 1) << n) | data.masks
    return MaskCounts(twin, data.counts, data.cells, data.n_cells), n + 1


@settings(max_examples=30, deadline=None)
@given(people(max_members=6), st.sampled_from(KINDS))
def test_symmetry_identical_members_get_the_same(sample: tuple[MaskCounts, int], kind: str) -> None:
    data, n = _with_twin(*sample)
    shares = shapley(data, n, kind, k=6)
    assert shares.values[0] == pytest.approx(shares.values[n - 1])


@settings(max_examples=30, deadline=None)
@given(people(max_members=6), st.sampled_from(KINDS))
def test_null_player_a_member_whose_data_changes_nothing_gets_zero(sample: tuple[MaskCounts, int], kind: str) -> None:
    data, n = sample
    # Member n joins the cooperative with data that shows nobody new to any coalition.
    shares = shapley(data, n + 1, kind, k=6)
    assert shares.values[n] == pytest.approx(0.0)
    assert shares.values[:n] == pytest.approx(shapley(data, n, kind, k=6).values)


@settings(max_examples=30, deadline=None)
@given(people(max_members=6), st.sampled_from(KINDS), st.integers(0, 5))
def test_duplication_does_not_pay(sample: tuple[MaskCounts, int], kind: str, who: int) -> None:
    data, n = sample
    who = who % n
    before = shapley(data, n, kind, k=6).values
    # The member sends every one of its people a second time (other record ids, same people):
    # people are counted once, so every mask and every count is what it was.
    again = np.concatenate([data.masks, data.masks[(data.masks >> who) & 1 == 1]])
    extra = np.concatenate([data.counts, np.zeros(int(((data.masks >> who) & 1).sum()))])
    assert data.cells is not None
    cells = np.concatenate([data.cells, data.cells[(data.masks >> who) & 1 == 1]])
    after = shapley(MaskCounts(again, extra, cells, data.n_cells), n, kind, k=6).values
    assert np.allclose(before, after)


def test_exact_and_sampled_agree_within_the_interval_on_ten_members() -> None:
    rng = np.random.default_rng(7)
    n = 10
    rows = 4000
    # Members of unequal size: member i knows people with probability growing with i.
    member_of = rng.random((rows, n)) < np.linspace(0.05, 0.5, n)
    masks = (member_of * (1 << np.arange(n))).sum(axis=1).astype(np.int64)
    keep = masks > 0
    data = MaskCounts(masks[keep], rng.integers(1, 5, keep.sum()).astype(np.float64),
                      rng.integers(0, 40, keep.sum()).astype(np.int64), 40)
    for kind in KINDS:
        exact = shapley(data, n, kind, k=25)
        sampled = shapley(data, n, kind, k=25, exact=False, permutations=1500, seed=3)
        assert sampled.half_width is not None
        outside = np.abs(exact.values - sampled.values) > sampled.half_width
        # A 95 % interval per member: at most one of ten may miss, by a little.
        assert outside.sum() <= 1, (kind, exact.values, sampled.values, sampled.half_width)
        assert np.all(np.abs(exact.values - sampled.values) <= 2 * sampled.half_width + 1e-9)


def test_exact_shapley_on_a_known_game() -> None:
    # Glove game: v = 1 when the coalition holds member 0 and one of members 1, 2.
    values = np.array([0, 0, 0, 1, 0, 1, 0, 1], dtype=float)
    shares = exact_shapley(values, 3)
    assert np.allclose(shares.values, [2 / 3, 1 / 6, 1 / 6])


def _contribution(fractions: dict[str, float]) -> Contribution:
    result = Contribution(date(2026, 1, 1), date(2026, 12, 31), list(fractions), 10)
    for name in ("insight", "linkage", "conversions"):
        result.functions[name] = FunctionResult(name, 1000.0, True, {m: 1000.0 * f for m, f in fractions.items()})
    return result


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=15), st.integers(100, 10_000_000),
       st.floats(0.0, 0.3), st.floats(0.25, 1.0))
def test_statements_add_up_to_the_pool_to_the_cent(raw: list[float], pool: int, fee_share: float, cap: float) -> None:
    total = sum(raw) or 1.0
    contribution = _contribution({f"m{i:02d}": v / total for i, v in enumerate(raw)})
    n = len(raw)
    rules = Rules(pool_cents=pool, fees_cents=int(pool * fee_share), cap=max(cap, 1 / n + 0.01),
                  floor_cents=int(pool * 0.01) if n < 50 else 0, preferential_rate=1.2, preferential_threshold=0.2)
    amounts = allocate(contribution, rules)
    assert sum(amounts.values()) + rules.fees_cents == pool
    assert all(a >= rules.floor_cents for a in amounts.values())
    assert max(amounts.values()) <= rules.cap * (pool - rules.fees_cents) + 1


def test_a_bigger_contribution_never_gets_less() -> None:
    amounts = allocate(_contribution({"a": 0.6, "b": 0.3, "c": 0.1}), Rules(pool_cents=1_000_000, fees_cents=50_000))
    assert amounts["a"] > amounts["b"] > amounts["c"]
    capped = allocate(_contribution({"a": 0.8, "b": 0.15, "c": 0.05}), Rules(pool_cents=1_000_000, cap=0.5))
    assert capped["a"] == 500_000 and capped["b"] > capped["c"]


@pytest.mark.parametrize("rules, message", [
    (Rules(pool_cents=0), "The pool is empty"),
    (Rules(pool_cents=1000, fees_cents=2000), "larger than the pool"),
    (Rules(pool_cents=1000, weights={"insight": 0.5, "linkage": 0.3}), "add up to 0.8, not 1"),
    (Rules(pool_cents=1000, floor_cents=400), "is more than the"),
    (Rules(pool_cents=1000, cap=0.2), "cannot share the whole amount"),
])
def test_rules_that_do_not_add_up_are_refused(rules: Rules, message: str) -> None:
    with pytest.raises(UserError, match=message):
        check_rules(rules, 3)


def test_amounts_and_weights_are_read_as_people_write_them() -> None:
    assert cents("12 500,50 $", "--pool") == 1_250_050
    assert parse_weights("insight=0.5, linkage=0.5") == {"insight": 0.5, "linkage": 0.5}
    with pytest.raises(UserError, match="not an amount"):
        cents("douze", "--pool")
    with pytest.raises(UserError, match="is not a value function"):
        parse_weights("fame=1")


def test_the_default_period_ends_with_the_last_event_held_not_an_upcoming_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A reseller sells tickets for next week's show: the contribution period ended on that show's
    day, in the future (the demo read « du 10 déc. 2025 au 9 déc. 2026 » on 3 December)."""
    from datetime import datetime, timedelta

    from culturecoop.governance.contribution import resolve_period
    from culturecoop.warehouse.engine import Warehouse
    from test_reports_support import tiny_cooperative

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    with Warehouse(db) as w:
        assert resolve_period(w, None, None) == (date(2024, 4, 21), date(2025, 4, 20))  # A9, the last show
        with w.transaction() as con:
            con.execute("INSERT INTO event (member_id, event_id, title, starts_at) VALUES ('jazz-a', 'NEXT', 'Bientôt', ?)",
                        [datetime.now() + timedelta(days=6)])
        assert resolve_period(w, None, None) == (date(2024, 4, 21), date(2025, 4, 20))
        assert resolve_period(w, None, "2025-03-31")[1] == date(2025, 3, 31)


@pytest.mark.parametrize(("language", "fees", "pool"), [("fr", "1\u00a0500,00\u00a0CAD", "1\u00a0000,00\u00a0CAD"),
                                                      ("en", "CAD 1,500.00", "CAD 1,000.00")])
def test_amounts_in_a_refusal_are_written_as_the_reader_writes_them(language: str, fees: str, pool: str) -> None:
    """The French admin read « Les frais (1,500.00) … (1,000.00) »: an English amount in a French sentence;
    with its currency now, as the statements write it."""
    from culturecoop.i18n import current_language, set_language

    before = current_language()
    set_language(language)
    try:
        with pytest.raises(UserError) as caught:
            check_rules(Rules(cents("1000", "--pool"), cents("1500", "--fees"), parse_weights("insight=1")), 3)
    finally:
        set_language(before)
    assert f"({fees})" in caught.value.message and f"({pool})" in caught.value.message, caught.value.message


def test_the_command_line_says_from_after_to_with_its_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The service names the period's first and last days (the dashboard has no --from); the
    command line still tells which of its options to swap."""
    from tests.conftest import run_cli

    for command in (["shapley"], ["rules", "--pool", "1000"], ["statements", "--out", str(tmp_path / "out")]):
        result = run_cli("contribution", *command, "--db", str(tmp_path / "coop.duckdb"), "--from", "2025-06-01",
                         "--to", "2025-01-01", lang="fr")
        assert result.returncode == 2, result.stderr
        assert "--from 2025-06-01 vient après --to 2025-01-01 ; inversez les deux jours." in " ".join(result.stderr.split())


def test_a_first_day_after_the_default_last_day_names_the_periods_days(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from culturecoop.governance.contribution import resolve_period
    from culturecoop.warehouse.engine import Warehouse
    from test_reports_support import tiny_cooperative

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    with Warehouse(db) as w, pytest.raises(UserError) as caught:
        resolve_period(w, "2025-06-01", None)
    assert caught.value.message == ("The period's first day (June 1, 2025) is after its last day (April 20, 2025); "
                                    "give a first day on or before the last.")
