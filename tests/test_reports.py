"""The reports on a tiny cooperative whose every figure is known, and through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from culturecoop.analytics import REPORTS, ReportResult, refresh, run_report
from culturecoop.errors import UserError
from culturecoop.privacy.gate import PrivacyPolicy
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import tiny_cooperative

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return tiny_cooperative(tmp_path / "tiny.duckdb")


def report(db: Path, name: str, member: str, params: dict[str, Any] | None = None,
           policy: PrivacyPolicy | None = None) -> ReportResult:
    with Warehouse(db) as w:
        return run_report(name, w, member, params if params is not None else Q1, policy)


def by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows}


def test_every_report_runs_and_serializes(tiny: Path) -> None:
    for name in REPORTS:
        params = {"to": "2025-03-31"} if name == "pace" else Q1
        result = report(tiny, name, "jazz-a", params)
        payload = json.loads(json.dumps(result.to_json(), default=str))
        assert payload["report"] == name and isinstance(payload["rows"], list)
        assert payload["column_meanings"], name
        for table in result.tables:
            assert all(len(c.meaning) > 5 for c in table.columns), (name, table.name)


def test_overview_counts_patrons_new_and_basket(tiny: Path) -> None:
    rows = by(report(tiny, "overview", "jazz-a").rows, "metric")
    assert rows["patrons"]["this_period"] == 30
    assert rows["tickets"]["this_period"] == 50
    assert rows["revenue"]["this_period"] == 1500.0
    assert rows["new_patrons"]["this_period"] == 30  # nobody came before 2025
    assert rows["average_basket"]["this_period"] == 30.0  # one ticket per order
    assert rows["patrons"]["previous_period"] == 0


def test_retention_is_event_over_event(tiny: Path) -> None:
    result = report(tiny, "retention", "jazz-a")
    events = by(result.tables[0].rows, "event_id")
    assert (events["A1"]["attendees"], events["A1"]["came_back"]) == (30, 15)
    assert (events["A2"]["attendees"], events["A2"]["came_back"]) == (15, 5)
    # A3's patrons 0–3 already hold tickets for A9 (after the period): they came back.
    assert (events["A3"]["attendees"], events["A3"]["came_back"]) == (5, 4)
    assert result.summary["return_rate"] == pytest.approx(24 / 50, abs=1e-4)
    everything = report(tiny, "retention", "jazz-a", {"from": "2025-01-01", "to": "2025-04-30"})
    assert everything.summary["return_rate"] == pytest.approx(1 - 30 / 54, abs=1e-4)  # 1 − records / attendances
    cohorts = {(r["cohort"], r["months_after"]): r for r in result.tables[1].rows}
    assert cohorts[("2025-01", 0)]["patrons"] == 30 and cohorts[("2025-01", 1)]["share"] == 0.5


def test_overlap_is_suppressed_under_k_and_exact_above(tiny: Path) -> None:
    mine = by(report(tiny, "overlap", "theatre-b").rows, "other_member")
    # Theatre B shares 10 people with Festival C (out of its 30 and C's 15; 55 pooled people).
    c = mine["festival-c"]
    assert c["shared"] == 10 and c["their_audience"] == 15
    assert c["share_of_yours"] == pytest.approx(10 / 30, abs=1e-4)
    assert c["jaccard"] == pytest.approx(10 / 35, abs=1e-4)
    assert c["lift"] == pytest.approx((10 / 30) / (15 / 55), abs=1e-3)
    assert c["lift_vs_rest"] == pytest.approx((10 / 30) / (5 / 25), abs=1e-3)
    # With Jazz A it shares 9 pooled people (person 25 refused pooling at Jazz A): "< 10".
    a = mine["jazz-a"]
    assert a["shared"] is None and "shared" in a["suppressed"] and a["jaccard"] is None
    loose = by(report(tiny, "overlap", "theatre-b", policy=PrivacyPolicy(min_patrons=5)).rows, "other_member")
    assert loose["jazz-a"]["shared"] == 9


def test_elsewhere_counts_the_audience_at_other_members(tiny: Path) -> None:
    result = report(tiny, "elsewhere", "theatre-b")
    genres = by(result.tables[0].rows, "value")
    assert genres["electronic"]["patrons"] == 10
    assert genres["jazz"]["patrons"] is None and genres["jazz"]["suppressed"]
    assert genres["opera"]["patrons"] is None  # empty cells look like small ones
    assert result.summary["audience"] == 30 and result.summary["going_elsewhere"] == 19
    regions = by(result.tables[2].rows, "value")
    assert regions["Estrie"]["patrons"] == 10


def test_affinity_lift_and_interval(tiny: Path) -> None:
    rows = {(r["from_genre"], r["to_genre"]): r for r in report(tiny, "affinity", "jazz-a").rows}
    pair = rows[("theatre", "electronic")]
    assert pair["patrons"] == 10 and pair["from_patrons"] == 30
    assert pair["lift"] == pytest.approx(10 * 55 / (30 * 15), abs=1e-3)
    assert pair["ci_low"] < pair["lift"] < pair["ci_high"]
    assert rows[("electronic", "theatre")]["lift"] == pair["lift"]
    assert rows[("jazz", "theatre")]["lift"] is None  # 9 people: suppressed
    assert all(set(r) >= {"from_genre", "to_genre", "lift", "ci_low", "ci_high", "patrons"} for r in rows.values())


def test_trends_show_shares_and_the_members_own_genres(tiny: Path) -> None:
    result = report(tiny, "trends", "jazz-a")
    months = {(r["month"], r["genre"]): r for r in result.tables[1].rows}
    assert months[("2025-01", "theatre")]["patrons"] == 30
    assert months[("2025-01", "theatre")]["share"] == pytest.approx(30 / 50, abs=1e-4)  # 50 people went out in January
    yours = {(r["month"], r["genre"]): r for r in result.tables[3].rows}
    assert yours[("2025-03", "blues")]["share"] == 1.0 and yours[("2025-01", "local")]["share"] == 1.0


def test_segments_partition_with_complementary_suppression(tiny: Path) -> None:
    result = report(tiny, "segments", "jazz-a")
    rows = result.rows
    assert sum(r["your_patrons"] for r in rows) == 30
    hidden = [r for r in rows if "cooperative_patrons" in r["suppressed"]]
    shown = [r["cooperative_patrons"] for r in rows if r["cooperative_patrons"] is not None]
    assert all(n >= 10 for n in shown)
    # Never exactly one hidden segment: the total would give it away.
    assert len(hidden) != 1
    if hidden:
        assert result.summary["cooperative_patrons"] - sum(shown) >= 10


def test_benchmark_needs_three_peers(tiny: Path) -> None:
    result = report(tiny, "benchmark", "jazz-a")
    assert all(r["peers"] is None for r in result.rows)
    assert any("Not enough peers" in n for n in result.notes)


def test_pace_forecasts_the_next_event(tiny: Path) -> None:
    result = report(tiny, "pace", "jazz-a", {"to": "2025-03-31", "from": "2025-01-01"})
    assert result.summary["event_id"] == "A9" and result.summary["tickets_sold"] == 4
    assert result.summary["days_before"] == 20 and result.summary["comparable_events"] == 3


def test_member_reports_read_only_the_members_data(tmp_path: Path) -> None:
    """Scope: a member-only report is the same whether or not other members' rows exist."""
    full = tiny_cooperative(tmp_path / "full.duckdb")
    alone = tiny_cooperative(tmp_path / "alone.duckdb")
    with Warehouse(alone) as w, w.transaction() as con:
        for table in ("ticket", "patron", "consent", "identity", "event", "member"):
            con.execute(f"DELETE FROM {table} WHERE member_id <> 'jazz-a'")
    for name in ("overview", "geography", "frequency", "retention", "pace"):
        params = {"to": "2025-03-31"} if name == "pace" else Q1
        a, b = report(full, name, "jazz-a", params), report(alone, name, "jazz-a", params)
        assert [t.rows for t in a.tables] == [t.rows for t in b.tables], name


def test_cross_member_reports_only_use_pooled_rows(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    before = by(report(db, "overlap", "theatre-b").rows, "other_member")["festival-c"]["shared"]
    with Warehouse(db) as w, w.transaction() as con:
        con.execute("UPDATE consent SET granted = false, recorded_at = TIMESTAMP '2025-04-01' "
                    "WHERE member_id = 'festival-c' AND member_patron_id IN ('F040', 'F041', 'F042', 'F043', 'F044', "
                    "'F045', 'F046', 'F047', 'F048', 'F049')")
    after = by(report(db, "overlap", "theatre-b").rows, "other_member")["festival-c"]
    assert before == 10 and after["shared"] is None  # withdrawn: 0 shared, shown as "< 10"


def test_unlinked_warehouse_asks_for_link(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb", linked=False)
    with pytest.raises(UserError, match="run `culturecoop link"):
        report(db, "overlap", "jazz-a")
    assert report(db, "overview", "jazz-a").rows  # member-only reports do not need it


def test_refresh_follows_new_data(tmp_path: Path) -> None:
    db = tiny_cooperative(tmp_path / "w.duckdb")
    assert by(report(db, "overview", "jazz-a").rows, "metric")["tickets"]["this_period"] == 50
    with Warehouse(db) as w:
        w.con.execute("INSERT INTO ticket VALUES ('jazz-a', 'T999', 'O999', 'J000', 'A2', TIMESTAMP '2025-02-01', "
                      "2, 30, 'CAD', 'web', 'sold')")
        assert refresh(w) is None or True
    assert by(report(db, "overview", "jazz-a").rows, "metric")["tickets"]["this_period"] == 52


# --- the real command line --------------------------------------------------------------------

def cli_error(*args: str) -> str:
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    message = " ".join(result.stderr.split())
    assert message.startswith("Error:")
    return message


def test_cli_report_json(tiny: Path) -> None:
    result = run_cli("report", "overlap", "--db", str(tiny), "--member", "theatre-b", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["pooled"] and payload["k"] == 10 and payload["audit_id"] >= 1
    assert payload["params"] == {"from": "2024-04-01", "to": "2025-03-31"}
    human = run_cli("report", "overlap", "--db", str(tiny), "--member", "theatre-b")
    assert human.returncode == 0 and "< 10" in human.stderr


def test_cli_unknown_report_suggests_the_closest(tiny: Path) -> None:
    assert "did you mean overlap?" in cli_error("report", "overlapp", "--db", str(tiny), "--member", "jazz-a")


def test_cli_unknown_member(tiny: Path) -> None:
    message = cli_error("report", "overview", "--db", str(tiny), "--member", "jazz-aa")
    assert "There is no member jazz-aa" in message and "Did you mean jazz-a?" in message


def test_cli_empty_period(tiny: Path) -> None:
    message = cli_error("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2023-01-01", "--to", "2023-06-30")
    assert "There are no tickets for member jazz-a between 2023-01-01 and 2023-06-30" in message


def test_cli_dates_in_the_wrong_order(tiny: Path) -> None:
    message = cli_error("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2025-03-01", "--to", "2025-01-01")
    assert "swap --from and --to" in message


def test_cli_date_not_a_date(tiny: Path) -> None:
    assert "is not a date" in cli_error("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2025-02-30")


def test_cli_missing_warehouse(tmp_path: Path) -> None:
    assert "does not exist" in cli_error("report", "overview", "--db", str(tmp_path / "none.duckdb"), "--member", "x")


def test_cli_messages_in_french(tiny: Path) -> None:
    result = run_cli("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2025-03-01",
                     "--to", "2025-01-01", lang="fr")
    assert result.returncode == 2 and "inversez --from et --to" in result.stderr


def test_every_report_and_column_is_documented(tiny: Path) -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "reports.md").read_text()
    for name in REPORTS:
        assert f"### `{name}`" in docs, f"docs/reports.md does not describe the report {name}"
        result = report(tiny, name, "jazz-a", {"to": "2025-03-31"} if name == "pace" else Q1)
        for table in result.tables:
            assert f"Table `{table.name}`" in docs, (name, table.name)
            for column in table.columns:
                assert f"| `{column.name}` | {column.meaning} |" in docs, (name, table.name, column.name)


def test_cli_writes_numbers_the_readers_way(tiny: Path) -> None:
    json_out = run_cli("report", "overview", "--db", str(tiny), "--member", "theatre-b", "--json")
    revenue = json.loads(json_out.stdout)["summary"]["revenue"]
    assert revenue >= 1000  # a number with a thousands separator and decimals
    french = run_cli("report", "overview", "--db", str(tiny), "--member", "theatre-b", lang="fr")
    english = run_cli("report", "overview", "--db", str(tiny), "--member", "theatre-b", lang="en")
    assert french.returncode == 0 and english.returncode == 0
    assert f"{revenue:,.2f}" in english.stderr  # 12,345.50
    assert f"{revenue:,.2f}".replace(",", "\u00a0").replace(".", ",") in french.stderr  # 12 345,50
