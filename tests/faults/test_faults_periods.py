"""Default report periods never derive from outliers: a purchase typed as 2099, or an event decades
away, leaves the default period and the months of the cross-member figures where the data is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from culturecoop.warehouse.engine import Warehouse
from test_reports_support import insert, patron_row, ticket_row, tiny_cooperative

# tiny_cooperative's last sale is on 2025-03-31.
LAST_SALE = date(2025, 3, 31)


def _report(db: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "culturecoop.cli.main", "report", name, "--db", str(db),
                           "--member", "jazz-a", "--json"], capture_output=True, text=True,
                          env={**os.environ, "CULTURECOOP_LANG": "en"}, timeout=600, check=False)


def _with_outliers(path: Path, *, purchases: int, events: int) -> Path:
    tiny_cooperative(path)
    with Warehouse(path) as w:
        insert(w, "patron", [patron_row("jazz-a", f"X{i}") for i in range(purchases + events)])
        insert(w, "ticket", [ticket_row("jazz-a", f"OUT{i}", f"X{i}", "E1", datetime(2099, 1, 1 + i, 12))
                             for i in range(purchases)])
        for i in range(events):
            insert(w, "event", [("jazz-a", f"FAR{i}", "Far away", datetime(2087, 6, 1, 20), "Salle", "H2X",
                                 ["jazz"], ["Artiste"], 100, True, "fr")])
            insert(w, "ticket", [ticket_row("jazz-a", f"FART{i}", f"X{purchases + i}", f"FAR{i}",
                                            datetime(2087, 5, 1, 12))])
    return path


@pytest.mark.parametrize(("purchases", "events"), [(1, 0), (3, 0), (0, 2), (2, 1)])
def test_outliers_move_neither_the_default_period_nor_the_window(tmp_path: Path, purchases: int,
                                                                 events: int) -> None:
    db = _with_outliers(tmp_path / "w.duckdb", purchases=purchases, events=events)
    own = _report(db, "overview")
    assert own.returncode == 0, own.stderr
    period = json.loads(own.stdout)["params"]
    assert period["to"] == LAST_SALE.isoformat(), period
    pooled = _report(db, "overlap")
    assert pooled.returncode == 0, pooled.stderr
    assert json.loads(pooled.stdout)["params"]["to"].startswith("2025-03"), pooled.stdout[:300]


def test_a_real_last_sale_still_ends_the_default_period(tmp_path: Path) -> None:
    """Four sales a year later are data, not outliers (more than three, close together)."""
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        insert(w, "patron", [patron_row("jazz-a", f"N{i}") for i in range(4)])
        insert(w, "ticket", [ticket_row("jazz-a", f"NEW{i}", f"N{i}", "E1", datetime(2026, 4, 1 + i, 12))
                             for i in range(4)])
    result = _report(db, "overview")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["params"]["to"] == "2026-04-04"


@pytest.mark.parametrize(("option", "day"), [("--from", "0001-01-01"), ("--to", "9999-12-31"), ("--from", "1000-01-01")])
def test_a_day_no_report_can_cover_is_one_sentence_on_the_command_line(tmp_path: Path, option: str,
                                                                        day: str) -> None:
    """A typo'd century overflowed the reports' month arithmetic into an internal error."""
    db = tiny_cooperative(tmp_path / "w.duckdb")
    for command in (["report", "overview", "--member", "jazz-a"], ["contribution", "shapley"]):
        result = subprocess.run([sys.executable, "-m", "culturecoop.cli.main", *command, "--db", str(db), option, day],
                                capture_output=True, text=True, env={**os.environ, "CULTURECOOP_LANG": "fr"},
                                timeout=600, check=False)
        assert result.returncode == 2, (command, result.stderr)
        message = result.stderr.strip()
        assert message.count("\n") == 0 and "Traceback" not in message, message
        assert f"{option} {day} est hors des jours que couvrent les rapports" in message, message
        assert "1900-01-01" in message and "2099-12-31" in message, message


@pytest.mark.parametrize("command", [("privacy", "show"), ("audit", "show")])
def test_a_mistyped_member_is_named_not_answered_with_nothing(tmp_path: Path, command: tuple[str, ...]) -> None:
    """`privacy show --member jazz-b` showed the policy and no budget, `audit show --member jazz-b`
    no entry, both exit 0: a typo read as a member with nothing to show."""
    db = tiny_cooperative(tmp_path / "w.duckdb")
    result = subprocess.run([sys.executable, "-m", "culturecoop.cli.main", *command, "--db", str(db), "--member", "jazz-b"],
                            capture_output=True, text=True, env={**os.environ, "CULTURECOOP_LANG": "fr"},
                            timeout=600, check=False)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert "Il n’y a pas de membre jazz-b" in message and "jazz-a" in message, message
