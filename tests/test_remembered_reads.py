"""What a process keeps between reports — the data version, members, policy, the audit head —
never outlives a change: every commit that changes data, through any connection to the file,
is seen by the next report, and the gate recovers when the log moved under it."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturecoop.analytics import run_report
from culturecoop.privacy import audit
from culturecoop.privacy.gate import current_policy, set_policy
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import tiny_cooperative

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}


def tickets(result: object) -> int:
    rows = {r["metric"]: r for r in result.rows}  # type: ignore[attr-defined]
    return int(rows["tickets"]["this_period"])


def test_remember_keeps_until_a_data_commit_on_any_connection(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return int(a.scalar("SELECT count(*) FROM ticket"))

    with Warehouse(db) as a, Warehouse(db) as b:
        first = a.remember("tickets", count)
        assert a.remember("tickets", count) == first and b.remember("tickets", count) == first
        assert len(calls) == 1  # shared by both connections to the file
        with b.transaction(bookkeeping=True) as con:  # bookkeeping: the kept read stays
            con.execute("UPDATE member SET name = name")
        assert b.remember("tickets", count) == first and len(calls) == 1
        with b.transaction() as con:  # a data commit on the *other* connection
            con.execute("DELETE FROM ticket WHERE ticket_id = (SELECT min(ticket_id) FROM ticket)")
        assert a.remember("tickets", count) == first - 1 and len(calls) == 2
    with Warehouse(db) as c:  # once every connection closed, nothing kept survives
        assert c.remember("tickets", lambda: -1) == -1


def test_a_failed_transaction_keeps_nothing_stale(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        before = w.remember("members", lambda: w.scalar("SELECT count(*) FROM member"))
        with pytest.raises(RuntimeError), w.transaction() as con:
            con.execute("DELETE FROM member")
            raise RuntimeError("stop")
        assert w.remember("members", lambda: w.scalar("SELECT count(*) FROM member")) == before == 3


def test_reports_follow_new_data_written_through_another_connection(tmp_path: Path) -> None:
    """The dashboard's pool: an upload commits on one connection, a reader uses another."""
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as reader, Warehouse(db) as writer:
        assert tickets(run_report("overview", reader, "jazz-a", Q1)) == 50
        assert tickets(run_report("overview", reader, "jazz-a", Q1)) == 50
        with writer.transaction() as con:
            con.execute("INSERT INTO ticket VALUES ('jazz-a', 'T999', 'O999', 'J000', 'A2', "
                        "TIMESTAMP '2025-02-01', 2, 30, 'CAD', 'web', 'sold')")
        assert tickets(run_report("overview", reader, "jazz-a", Q1)) == 52


def test_a_policy_change_on_another_connection_reaches_the_gate(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as reader, Warehouse(db) as admin:
        assert run_report("overlap", reader, "theatre-b", Q1).k == 10
        set_policy(admin, "admin", min_patrons=20)
        assert current_policy(reader).min_patrons == 20
        assert run_report("overlap", reader, "theatre-b", Q1).k == 20


def test_the_gate_recovers_when_the_log_moved_under_it(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w, Warehouse(db) as other:
        run_report("overlap", w, "theatre-b", Q1, actor="a")  # the gate now keeps the head
        # Another writer appends behind the gate's back (same process: a bare append, no gate).
        with other.transaction() as con:
            audit.append(con, audit.AuditRecord("cli:test", "jazz-a", "policy", None, {}, 0.0, ()))
        result = run_report("overlap", w, "theatre-b", Q1, actor="a")
        assert result.audit_id == 3
        check = audit.verify_chain(w)
        assert check.ok and check.entries == 3


def test_append_refuses_a_stale_head_and_writes_nothing(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        run_report("overlap", w, "theatre-b", Q1)
        run_report("affinity", w, "jazz-a", Q1)
        stale = (1, audit.entries(w)[0].hash)
        with pytest.raises(audit.StaleHeadError), w.transaction() as con:
            audit.append(con, audit.AuditRecord("cli:test", "jazz-a", "policy", None, {}, 0.0, ()), stale)
        assert len(audit.entries(w)) == 2 and audit.verify_chain(w).ok


def test_the_recorded_head_lags_releases_at_most_until_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate records the audit head at most every HEAD_EVERY_SECONDS and when the warehouse
    closes: in between, the log may run past it (fine); once closed, cutting the newest entry
    is caught without a head published elsewhere."""
    from culturecoop.privacy import gate

    monkeypatch.setattr(gate, "HEAD_EVERY_SECONDS", 3600.0)
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        for _ in range(3):
            run_report("overlap", w, "theatre-b", Q1)
        assert w.query(audit.HEAD_SQL)[0]["seq"] == 1  # recorded with the first release only
        assert audit.verify_chain(w).ok and audit.verify_chain(w).head_seq == 3
    with Warehouse(db) as w:
        assert w.query(audit.HEAD_SQL)[0]["seq"] == 3  # recorded when the warehouse closed
        with w.transaction() as con:
            con.execute("DELETE FROM audit WHERE seq = 3")
        check = audit.verify_chain(w)
        assert not check.ok and check.first_bad_seq == 3
        assert check.head_seq == 2  # the log's own newest entry, below the recorded head
