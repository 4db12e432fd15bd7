"""The audit log: every gated release recorded, hash-chained, and tampering detected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli_here as run_cli
from culturecoop.analytics import run_report
from culturecoop.privacy import audit
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import tiny_cooperative

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}


@pytest.fixture
def audited(tmp_path: Path) -> Path:
    """A cooperative where three cross-member releases and one member-only report were made."""
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        run_report("overlap", w, "theatre-b", Q1, actor="alice@theatre-b")
        run_report("affinity", w, "jazz-a", Q1, actor="bob@jazz-a")
        run_report("overview", w, "jazz-a", Q1, actor="bob@jazz-a")
        run_report("overlap", w, "theatre-b", Q1, actor="alice@theatre-b")
    return db


def test_every_gated_release_is_recorded(audited: Path) -> None:
    with Warehouse(audited) as w:
        entries = audit.entries(w)
    # The member-only overview is not a use of pooled data: three entries, not four.
    assert [(e.seq, e.actor, e.member_id, e.report, e.action) for e in entries] == [
        (1, "alice@theatre-b", "theatre-b", "overlap", "release"),
        (2, "bob@jazz-a", "jazz-a", "affinity", "release"),
        (3, "alice@theatre-b", "theatre-b", "overlap", "re-release"),
    ]
    first = entries[0]
    assert json.loads(first.parameters) == Q1
    assert json.loads(first.members_touched) == ["festival-c", "jazz-a", "theatre-b"]
    assert first.epsilon == 0.0 and first.cells_released and first.cells_suppressed
    assert entries[0].result_sha256 == entries[2].result_sha256  # the same figures shown again
    assert entries[1].prev_hash == entries[0].hash


def test_members_read_the_entries_about_their_data(audited: Path) -> None:
    with Warehouse(audited) as w:
        about_c = audit.entries_for_member(w, "festival-c")
        assert len(about_c) == 3 and {e.member_id for e in about_c} == {"theatre-b", "jazz-a"}
        assert audit.entries_for_member(w, "nobody") == []


def test_chain_verifies_and_detects_edits(audited: Path) -> None:
    with Warehouse(audited) as w:
        check = audit.verify_chain(w)
        assert check.ok and check.entries == 3 and check.head_seq == 3
        w.con.execute("UPDATE audit SET epsilon = 0.5 WHERE seq = 2")  # someone hides a cost
        broken = audit.verify_chain(w)
        assert not broken.ok and broken.first_bad_seq == 2


def test_chain_detects_a_deleted_entry(audited: Path) -> None:
    with Warehouse(audited) as w:
        w.con.execute("DELETE FROM audit WHERE seq = 2")
        check = audit.verify_chain(w)
        assert not check.ok and check.first_bad_seq == 2


def test_chain_detects_a_rewritten_entry_with_a_fresh_hash(audited: Path) -> None:
    with Warehouse(audited) as w:
        entry = audit.entries(w)[1]
        fields = {**entry.__dict__, "actor": "someone-else"}
        w.con.execute("UPDATE audit SET actor = ?, hash = ? WHERE seq = 2", ["someone-else", audit.entry_hash(fields)])
        check = audit.verify_chain(w)
        assert not check.ok and check.first_bad_seq == 3  # entry 3 no longer links to entry 2


def test_cli_verify_and_show(audited: Path) -> None:
    ok = run_cli("audit", "verify", "--db", str(audited), "--json")
    assert ok.returncode == 0
    head = json.loads(ok.stdout)["head"]
    assert run_cli("audit", "verify", "--db", str(audited), "--expect-head", head).returncode == 0
    shown = run_cli("audit", "show", "--db", str(audited), "--member", "festival-c", "--json")
    assert shown.returncode == 0 and len(json.loads(shown.stdout)) == 3
    with Warehouse(audited) as w:
        # Truncating the end and rewriting the recorded head to match keeps a valid chain...
        w.con.execute("DELETE FROM audit WHERE seq = 3")
        w.con.execute("UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit WHERE seq = 2)")
    truncated = run_cli("audit", "verify", "--db", str(audited), "--expect-head", head)
    assert truncated.returncode == 3 and "removed from its end" in truncated.stderr  # ...but not the head
    with Warehouse(audited) as w:
        w.con.execute("UPDATE audit SET report = 'trends' WHERE seq = 1")
    broken = run_cli("audit", "verify", "--db", str(audited))
    assert broken.returncode == 3 and "broken at entry 1" in broken.stderr and "Traceback" not in broken.stderr


def test_chain_detects_entries_cut_from_the_end(audited: Path) -> None:
    with Warehouse(audited) as w:
        w.con.execute("DELETE FROM audit WHERE seq = 3")  # what remains is a valid chain...
        check = audit.verify_chain(w)
        assert not check.ok and check.first_bad_seq == 3  # ...but the recorded head names entry 3


def test_append_reads_the_head_without_scanning_the_log(audited: Path) -> None:
    with Warehouse(audited) as w:
        assert w.query(audit.HEAD_SQL) == [{"seq": 3, "hash": audit.entries(w)[-1].hash}]
        with w.transaction() as con:
            entry = audit.append(con, audit.AuditRecord("cli:test", "festival-c", "policy", None, {}, 0.0, ()))
        assert entry.seq == 4 and audit.verify_chain(w).ok


@pytest.mark.parametrize(("lang", "expected"), [("fr", ["Entrée", "Inscrit le", "Par", "Membre", "Action", "Rapport", "ε"]),
                                                ("en", ["Entry", "Recorded at", "By", "Member", "Action", "Report", "ε"])])
def test_cli_show_names_its_columns_in_the_readers_language(audited: Path, lang: str, expected: list[str]) -> None:
    shown = run_cli("audit", "show", "--db", str(audited), lang=lang)
    assert shown.returncode == 0, shown.stderr
    # An 80-column terminal prints the table in parts, each repeating the entry's number.
    cells = [cell.strip() for line in shown.stderr.splitlines() if line.startswith("┃")
             for cell in line.strip("┃").split("┃")]
    assert list(dict.fromkeys(cells)) == expected
