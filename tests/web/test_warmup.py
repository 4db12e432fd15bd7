"""The background warm-up: first visits find their queries computed, and the warm-up releases
nothing — no audit entry, no privacy budget spent — while a reader's request after it still
passes the gate and writes exactly one audit entry per cross-member release."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from culturecoop.analytics.answers import POOLED_REPORTS, Answers, answers_digest
from culturecoop.analytics.registry import REPORTS
from culturecoop.privacy import audit, budget
from culturecoop.privacy.gate import set_policy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from web.conftest import MEMBERS, Coop, build_coop, login, new_client

A, B = MEMBERS["A"], MEMBERS["B"]


@pytest.fixture(scope="module")
def noisy_coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    """A cooperative of its own, with differential privacy on: a release would spend budget."""
    coop = build_coop(tmp_path_factory.mktemp("warm"))
    with Warehouse(coop.db) as w:
        set_policy(w, "tests", noise=True, epsilon_per_release=0.5, epsilon_budget=50.0)
    return coop


@pytest.fixture
def warm_app(noisy_coop: Coop) -> Iterator[object]:
    # Each application has its own answers: another module's cooperative's are not this one's.
    application = create_app(Settings(db=noisy_coop.db, login_attempts=50))
    yield application
    application.state.pool.close()


def _ledger(db: Path) -> tuple[int, dict[str, float]]:
    with Warehouse(db) as w:
        members = [r["member_id"] for r in w.query("SELECT member_id FROM member")]
        return len(audit.entries(w)), {m: budget.budget_status(w, m).epsilon_left for m in members}


def _wait_ready(client: object, seconds: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        health = client.get("/healthz")  # type: ignore[attr-defined]
        if health.status_code == 200:
            return dict(health.json())
        assert health.status_code == 503 and health.json()["status"] == "warming"
        time.sleep(0.2)
    raise AssertionError("the warm-up did not finish")


def test_warm_up_releases_nothing_and_a_reader_still_passes_the_gate(warm_app, noisy_coop: Coop) -> None:
    entries_before, budget_before = _ledger(noisy_coop.db)
    with new_client(warm_app) as c:  # the application starts: its warm-up runs in the background
        status = _wait_ready(c)
        assert status["status"] == "ready" and status["warmed"] == status["total"] > len(REPORTS)
        # Every member's queries, cross-member ones up to the gate, are in the memo...
        memo = warm_app.state.answers.memo
        assert len(memo) > 0
        # ...and nothing was released: no audit entry, no ε spent, for any member.
        with Warehouse(noisy_coop.db) as w:
            warm_entries = [e for e in audit.entries(w) if e.actor.startswith("web:")]
        assert warm_entries == []
        assert _ledger(noisy_coop.db) == (entries_before, budget_before)
        # A member-only report was answered by the warm-up: reading it writes nothing either.
        login(c, noisy_coop.emails["A-analyst"])
        assert c.get(f"/m/{A}/overview").status_code == 200
        assert _ledger(noisy_coop.db) == (entries_before, budget_before)

        # A cross-member report asked by a reader: the gate runs now, for this request — one
        # audit entry, one charge of ε, figures with noise drawn now.
        hits = memo.hits
        answer = c.get(f"/api/v1/members/{A}/reports/overlap").json()["result"]
        assert memo.hits > hits, "the release did not use the warmed queries"
        entries_after, budget_after = _ledger(noisy_coop.db)
        assert entries_after == entries_before + 1
        assert budget_after[A] == pytest.approx(budget_before[A] - 0.5)
        assert all(budget_after[m] == budget_before[m] for m in budget_before if m != A)
        with Warehouse(noisy_coop.db) as w:
            last = audit.entries(w)[-1]
        assert (last.member_id, last.report, last.action) == (A, "overlap", "release")
        assert answer["audit_id"] == last.seq and answer["epsilon_spent"] == pytest.approx(0.5)
        assert audit_chain_ok(noisy_coop.db)

        # The same reader asking again sees the answer already released to it: no new entry.
        c.get(f"/api/v1/members/{A}/reports/overlap")
        assert _ledger(noisy_coop.db)[0] == entries_after


def test_a_tab_of_cross_member_reports_releases_once_per_report(warm_app, noisy_coop: Coop) -> None:
    with new_client(warm_app) as c:
        _wait_ready(c)
        entries_before, _budget = _ledger(noisy_coop.db)
        login(c, noisy_coop.emails["B-analyst"])
        assert c.get(f"/m/{B}/elsewhere").status_code == 200  # elsewhere + overlap
        with Warehouse(noisy_coop.db) as w:
            new = audit.entries(w)[entries_before:]
        assert sorted((e.member_id, e.report) for e in new) == [(B, "elsewhere"), (B, "overlap")]
        assert {"elsewhere", "overlap"} <= POOLED_REPORTS


def test_health_says_ready_without_warm_up(coop: Coop) -> None:
    application = create_app(Settings(db=coop.db, warmup=False))
    try:
        with new_client(application) as c:
            assert c.get("/healthz").json()["status"] == "ready"
    finally:
        application.state.pool.close()


def audit_chain_ok(db: Path) -> bool:
    with Warehouse(db) as w:
        return bool(audit.verify_chain(w).ok)


def test_a_prepared_cross_member_page_is_shown_only_as_its_release_makes_it(coop: Coop) -> None:
    """Without noise the warm-up also prepares cross-member tabs from the gate's previews:
    nothing is released or audited then; a reader's visit still releases (one entry per
    report) and gets exactly the page its released answers make."""
    from culturecoop.web import tab_pages
    from culturecoop.web.i18n import Translator
    from culturecoop.web.tabs import TABS_BY_SLUG

    entries_before, budget_before = _ledger(coop.db)
    application = create_app(Settings(db=coop.db, login_attempts=50))
    try:
        with new_client(application) as c:
            _wait_ready(c)
            assert _ledger(coop.db) == (entries_before, budget_before)  # previews write nothing
            login(c, coop.emails["B-analyst"])
            page = c.get(f"/m/{B}/elsewhere")
            assert page.status_code == 200
            with Warehouse(coop.db) as w:
                new = audit.entries(w)[entries_before:]
            assert sorted((e.member_id, e.report) for e in new) == [(B, "elsewhere"), (B, "overlap")]
            tab = TABS_BY_SLUG["elsewhere"]
            answers = application.state.answers
            with application.state.pool.connection() as w:
                released = tab_pages.tab_payloads(answers, w, "test", B, tab, {}, "fr")  # the answers just released
            assert released is not None
            fresh = tab_pages._render(tab, released, B, Translator("fr"), {})
            key = tab_pages._key(B, tab, {}, {}, answers.current_state(), "fr")
            assert answers.prepared(key, answers_digest(released)) == fresh
            assert fresh in page.text
    finally:
        application.state.pool.close()


def test_a_prepared_page_needs_the_same_answers() -> None:
    cache = Answers()
    cache.keep_prepared(("m", "tab"), "digest-of-previews", "<p>prepared</p>")
    assert cache.prepared(("m", "tab"), "digest-of-other-answers") is None
    assert cache.prepared(("m", "tab"), "digest-of-previews") == "<p>prepared</p>"
