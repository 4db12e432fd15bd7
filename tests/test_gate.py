"""The privacy gate on hand-made cells: k, complementary suppression, stable cells, noise and
budget, scope, policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from culturecoop.errors import UserError
from culturecoop.privacy import audit
from culturecoop.privacy.budget import budget_status, period_bounds
from culturecoop.privacy.gate import (
    CountTable,
    PrivacyGate,
    PrivacyPolicy,
    current_policy,
    peer_group_allowed,
    set_policy,
    suppress,
)
from culturecoop.warehouse.engine import Warehouse

GENRES = [("jazz",), ("theatre",), ("circus",), ("opera",)]


def table(counts: dict[str, int], *, total: int | None = None, sensitivity: int = 4) -> CountTable:
    return CountTable("genre", ("genre",), [{"genre": g, "patrons": n} for g, n in counts.items()],
                      sensitivity, GENRES, partition_total=total)


def release(w: Warehouse, counts: dict[str, int], policy: PrivacyPolicy | None = None, *, version: str = "v1",
            total: int | None = None, params: dict[str, Any] | None = None, day: date | None = None) -> dict[str, Any]:
    gate = PrivacyGate(w, policy)
    out = gate.release(member_id="m1", report="elsewhere", actor="test", params=params or {"from": "2025-01-01"},
                       tables=[table(counts, total=total)], members_touched=("m1", "m2"), data_version=version, day=day)
    gated = out.tables["genre"]
    return {"cells": {r["genre"]: r["patrons"] for r in gated.rows}, "total": gated.total, "release": out}


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "w.duckdb", create=True)


def test_small_cells_are_suppressed_and_empty_ones_shown_like_them() -> None:
    hidden, total_hidden = suppress({"a": 50, "b": 9, "c": 0}, 10, None)
    assert hidden == {"b", "c"} and not total_hidden


def test_complementary_suppression_protects_a_partition() -> None:
    # One hidden cell in a released total: the smallest other cell is hidden with it.
    hidden, _ = suppress({"a": 50, "b": 3, "c": 12, "d": 40}, 10, 105)
    assert hidden == {"b", "c"}
    # Two hidden cells summing under k: keep hiding until they count at least k people.
    hidden, _ = suppress({"a": 50, "b": 3, "c": 4, "d": 12, "e": 40}, 10, 109)
    assert hidden == {"b", "c", "d"}
    # A total under k hides everything.
    assert suppress({"a": 5, "b": 3}, 10, 8) == ({"a", "b"}, True)
    # Nothing hidden: nothing more to do.
    assert suppress({"a": 50, "b": 30}, 10, 80) == (set(), False)


def test_release_applies_k_and_audits(warehouse: Warehouse) -> None:
    out = release(warehouse, {"jazz": 40, "theatre": 7})
    assert out["cells"] == {"jazz": 40, "theatre": None, "circus": None, "opera": None}
    entry = audit.entries(warehouse)[-1]
    assert (entry.action, entry.member_id, entry.report, entry.cells_released, entry.cells_suppressed) == (
        "release", "m1", "elsewhere", 1, 3)
    assert audit.verify_chain(warehouse).ok


def test_cells_move_only_when_k_people_changed(warehouse: Warehouse) -> None:
    first = release(warehouse, {"jazz": 40, "theatre": 25})
    assert first["cells"]["jazz"] == 40
    # One person fewer (all patrons, then all but one): nothing moves, nothing is learnt.
    second = release(warehouse, {"jazz": 39, "theatre": 24}, version="v2")
    assert second["cells"] == first["cells"] and second["release"].action == "re-release"
    # Nine fewer than first released: still the same; ten: the cell moves.
    assert release(warehouse, {"jazz": 31, "theatre": 25}, version="v3")["cells"]["jazz"] == 40
    moved = release(warehouse, {"jazz": 30, "theatre": 25}, version="v4")
    assert moved["cells"]["jazz"] == 30 and moved["release"].action == "release"
    # Other parameters are another question with its own memory.
    assert release(warehouse, {"jazz": 39}, params={"from": "2024-01-01"})["cells"]["jazz"] == 39


def test_scope_refuses_patron_level_rows(warehouse: Warehouse) -> None:
    gate = PrivacyGate(warehouse)
    leaking = CountTable("x", ("person",), [{"person": 1, "patrons": 1}], 1, [(1,)])
    with pytest.raises(ValueError, match="counts only"):
        gate.release(member_id="m1", report="overlap", actor="t", params={}, tables=[leaking],
                     members_touched=(), data_version="v")
    extra = CountTable("x", ("genre",), [{"genre": "jazz", "patrons": 12, "member_patron_id": "P1"}], 1, [("jazz",)])
    with pytest.raises(ValueError):
        gate.release(member_id="m1", report="overlap", actor="t", params={}, tables=[extra],
                     members_touched=(), data_version="v")


def test_noise_charges_the_budget_and_refuses_beyond_it(warehouse: Warehouse) -> None:
    policy = PrivacyPolicy(min_patrons=10, noise=True, epsilon_per_release=1.0, epsilon_budget=2.0, budget_period="month")
    day = date(2026, 5, 10)
    counts = {"jazz": 500, "theatre": 300, "circus": 2}
    first = release(warehouse, counts, policy, day=day)
    assert first["release"].epsilon == 1.0
    assert abs(first["cells"]["jazz"] - 500) < 60  # scale 4: noise, not nonsense
    # The same question on the same data: the same noisy answer, free (no averaging away the noise).
    again = release(warehouse, counts, policy, day=day)
    assert again["cells"] == first["cells"] and again["release"].epsilon == 0.0
    release(warehouse, counts, policy, version="v2", day=day)
    status = budget_status(warehouse, "m1", policy, day)
    assert (status.epsilon_spent, status.epsilon_left, status.releases) == (2.0, 0.0, 2)
    with pytest.raises(UserError) as refused:
        release(warehouse, counts, policy, version="v3", day=day)
    assert refused.value.exit_code == 4 and "has only ε = 0 left" in refused.value.message
    assert audit.entries(warehouse)[-1].action == "refused"
    assert budget_status(warehouse, "m1", policy, day).epsilon_spent == 2.0
    # A new month, a new budget.
    assert release(warehouse, counts, policy, version="v3", day=date(2026, 6, 1))["release"].epsilon == 1.0


def test_noise_is_added_to_every_cell_of_the_domain(warehouse: Warehouse) -> None:
    policy = PrivacyPolicy(min_patrons=2, noise=True, epsilon_per_release=0.5, epsilon_budget=1000.0)
    exact = 0
    for i in range(30):
        cells = release(warehouse, {"jazz": 1000, "theatre": 1000}, policy, version=f"v{i}")["cells"]
        assert set(cells) == {"jazz", "theatre", "circus", "opera"}
        exact += cells["jazz"] == 1000
    assert exact < 10  # scale 8: an exact count is rare


def test_policy_is_validated_and_audited(warehouse: Warehouse) -> None:
    assert current_policy(warehouse).min_patrons == 10
    policy = set_policy(warehouse, "operator", min_patrons=15, noise=True)
    assert current_policy(warehouse) == policy and policy.min_patrons == 15 and policy.noise
    assert audit.entries(warehouse)[-1].action == "policy"
    with pytest.raises(UserError, match="at least 2"):
        set_policy(warehouse, "operator", min_patrons=1)
    with pytest.raises(UserError, match="larger than the budget"):
        set_policy(warehouse, "operator", epsilon_per_release=5.0, epsilon_budget=1.0)
    with pytest.raises(UserError, match="Unknown budget period"):
        set_policy(warehouse, "operator", budget_period="week")


def test_budget_periods() -> None:
    assert period_bounds(date(2026, 5, 10), "month") == (date(2026, 5, 1), date(2026, 5, 31))
    assert period_bounds(date(2026, 11, 30), "quarter") == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds(date(2026, 2, 1), "year") == (date(2026, 1, 1), date(2026, 12, 31))


def test_peer_groups_need_three_peers_none_readable_by_another() -> None:
    even = {m: {"patrons": 100, "revenue": 1000.0} for m in ("a", "b", "c", "d")}
    assert peer_group_allowed(even, ("patrons", "revenue"), 10)
    assert not peer_group_allowed(dict(list(even.items())[:2]), ("patrons",), 10)
    small = {**even, "d": {"patrons": 5, "revenue": 10.0}}
    assert not peer_group_allowed(small, ("patrons",), 10)
    # A cooperative as members are: a reseller and a festival many times a museum's size. The
    # largest holds 39 % of the revenue, yet what the two largest do not hold (1.4 M) leaves the
    # festival no way to read the reseller's revenue within 20 %: the peers compare.
    skewed = {"reseller": {"patrons": 4081, "revenue": 1_487_587.0}, "festival": {"patrons": 4715, "revenue": 1_091_454.0},
              "theatre": {"patrons": 4558, "revenue": 612_814.0}, "orchestra": {"patrons": 2473, "revenue": 564_588.0},
              "museum": {"patrons": 1003, "revenue": 39_771.0}}
    assert peer_group_allowed(skewed, ("patrons", "revenue"), 10)
    # One peer with nine tenths of the revenue: the others' sum says what it made.
    dominant = {**even, "d": {"patrons": 100, "revenue": 30_000.0}}
    assert not peer_group_allowed(dominant, ("patrons", "revenue"), 10)
    # Two peers with nearly all of it: either, knowing its own, reads the other's.
    pair = {**even, "c": {"patrons": 100, "revenue": 20_000.0}, "d": {"patrons": 100, "revenue": 20_000.0}}
    assert not peer_group_allowed(pair, ("revenue",), 10)
    assert peer_group_allowed(pair, ("patrons",), 10)


def test_cli_privacy_policy_and_budget(tmp_path: Path) -> None:
    from conftest import run_cli_here as run_cli
    from test_reports_support import tiny_cooperative

    db = tmp_path / "w.duckdb"
    Warehouse(db, create=True).close()
    result = run_cli("privacy", "set", "--db", str(db), "--k", "12", "--noise", "--epsilon", "0.5", "--budget", "3", "--json")
    assert result.returncode == 0, result.stderr
    shown = run_cli("privacy", "show", "--db", str(db), "--json")
    assert '"k": 12' in shown.stdout, shown.stderr
    # A member's budget is a member's: none before any package is loaded, then its own.
    nobody = run_cli("privacy", "show", "--db", str(db), "--member", "jazz-a", "--json")
    assert nobody.returncode == 2 and "holds no member yet" in nobody.stderr, nobody.stderr
    tiny_cooperative(db)
    shown = run_cli("privacy", "show", "--db", str(db), "--member", "jazz-a", "--json")
    assert '"k": 12' in shown.stdout and '"epsilon_left": 3.0' in shown.stdout, shown.stderr
    bad = run_cli("privacy", "set", "--db", str(db), "--k", "1")
    assert bad.returncode == 2 and "at least 2" in bad.stderr and "Traceback" not in bad.stderr


def test_an_epsilon_that_protects_nobody_is_refused(tmp_path: Path) -> None:
    """`privacy set --budget 1e308` (or --epsilon 50) was saved: the noise then hides nobody, and the
    policy read as differential privacy all the same."""
    from conftest import run_cli_here as run_cli

    db = tmp_path / "w.duckdb"
    Warehouse(db, create=True).close()
    huge = run_cli("privacy", "set", "--db", str(db), "--noise", "--budget", "1e308", lang="fr")
    assert huge.returncode == 2 and "Traceback" not in huge.stderr
    assert "Un budget ε de 1e+308 par période ne protège personne ; donnez 100 ou moins" in " ".join(huge.stderr.split())
    loose = run_cli("privacy", "set", "--db", str(db), "--epsilon", "50", "--budget", "100")
    assert loose.returncode == 2 and "the noise would protect nobody; give 10 or less" in " ".join(loose.stderr.split())
    with Warehouse(db) as w:
        kept = current_policy(w)
    assert (kept.epsilon_per_release, kept.epsilon_budget, kept.noise) == (1.0, 10.0, False)
    fine = run_cli("privacy", "set", "--db", str(db), "--epsilon", "10", "--budget", "100")
    assert fine.returncode == 0, fine.stderr
