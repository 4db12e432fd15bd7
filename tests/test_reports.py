"""The reports on a tiny cooperative whose every figure is known, and through the real CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli_here as run_cli
from culturecoop.analytics import REPORTS, ReportResult, refresh, run_report
from culturecoop.analytics.wording import column_label
from culturecoop.errors import UserError
from culturecoop.i18n import set_language
from culturecoop.privacy.gate import PrivacyPolicy
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import insert, patron_row, ticket_row, tiny_cooperative

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


def test_overview_month_by_month_against_the_same_days_a_year_before(tiny: Path) -> None:
    """Each month of the period with its tickets and revenue, and the same days a year before only
    where the member's data holds them all: its data starts on 3 January 2024, so January 2025 has
    no year before (not a zero), February's is 0 and March's is the eight tickets of March 2024."""
    with Warehouse(tiny) as w:
        insert(w, "event", [("jazz-a", e, f"Spectacle {e}", datetime(d.year, d.month, d.day, 20), "Salle", "H2X", ["jazz"],
                             ["Artiste"], 100, False, "fr") for e, d in (("A-1", date(2024, 1, 3)), ("A0", date(2024, 3, 5)))])
        insert(w, "ticket", [ticket_row("jazz-a", f"Y{n}", f"J{n:03d}", "A0" if n else "A-1", datetime(2024, 1, 2, 12))
                             for n in range(9)])
    result = report(tiny, "overview", "jazz-a")
    months = by(next(t for t in result.tables if t.name == "by_month").rows, "month")
    assert list(months) == ["2025-01", "2025-02", "2025-03"] and all(m["whole_month"] for m in months.values())
    assert sum(m["tickets"] for m in months.values()) == by(result.rows, "metric")["tickets"]["this_period"] == 50
    assert sum(m["revenue"] for m in months.values()) == 1500.0
    assert [m["tickets_year_before"] for m in months.values()] == [None, 0, 8]
    assert months["2025-03"]["revenue_year_before"] == 240.0
    # A period cut inside months counts their days only, and says so.
    cut = report(tiny, "overview", "jazz-a", {"from": "2025-01-15", "to": "2025-03-10"})
    rows = next(t for t in cut.tables if t.name == "by_month").rows
    assert (rows[0]["first_day"], rows[0]["whole_month"], rows[-1]["last_day"]) == ("2025-01-15", False, "2025-03-10")
    assert sum(r["tickets"] for r in rows) == by(cut.rows, "metric")["tickets"]["this_period"]


def test_retention_is_event_over_event(tiny: Path) -> None:
    result = report(tiny, "retention", "jazz-a")
    events = by(result.tables[0].rows, "event_id")
    assert (events["A1"]["attendees"], events["A1"]["came_back"]) == (30, 15)
    assert (events["A2"]["attendees"], events["A2"]["came_back"]) == (15, 5)
    # A3's patrons 0–3 already hold tickets for A9 (after the period): they came back.
    assert (events["A3"]["attendees"], events["A3"]["came_back"]) == (5, 4)
    assert result.summary["return_rate_any_time"] == pytest.approx(24 / 50, abs=1e-4)
    # The data ends on 2025-03-31: no event of the quarter is followed six months, so no headline rate.
    assert (result.summary["return_rate"], result.summary["followed_attendances"]) == (None, 0)
    everything = report(tiny, "retention", "jazz-a", {"from": "2025-01-01", "to": "2025-04-30"})
    assert everything.summary["return_rate_any_time"] == pytest.approx(1 - 30 / 54, abs=1e-4)  # 1 − records / attendances
    # A9 is jazz-a's last event: nobody could come back after it yet. Its « 0 » and « 0,0 % » read as an
    # audience that never returns; they are left empty (and the page says why).
    last = by(everything.tables[0].rows, "event_id")["A9"]
    assert (last["attendees"], last["came_back"], last["return_rate"]) == (4, None, None), last
    cohorts = {(r["cohort"], r["months_after"]): r for r in result.tables[1].rows}
    assert cohorts[("2025-01", 0)]["patrons"] == 30 and cohorts[("2025-01", 1)]["share"] == 0.5


def test_a_museums_exhibition_visitors_are_followed_to_the_next_exhibition(tmp_path: Path) -> None:
    """A museum's timed entries: every day's slots of a three-month exhibition are events of a few visitors
    each, and « do exhibition visitors come back for the next one? » had no answer but thousands of rows
    at 0 %, 50 % or 100 %. A title shown on several days is followed as one: its visitors back for another."""
    db = tiny_cooperative(tmp_path / "coop.duckdb")
    expos = {"Marées": date(2024, 3, 1), "Phares": date(2024, 6, 1), "Glaces": date(2024, 9, 1), "Hiver": date(2024, 12, 1)}
    slots = [(title, start + timedelta(days=d), h) for title, start in expos.items() for d in range(0, 80, 4) for h in (10, 14)]
    with Warehouse(db) as w:
        insert(w, "member", [("musee-m", "Musée M", "museum", "Bas-Saint-Laurent")])
        insert(w, "event", [("musee-m", f"{title} {day} {h}", title, datetime(day.year, day.month, day.day, h), "Musée", "G5L",
                             ["heritage"], ["A"], 60, False, "fr") for title, day, h in slots])
        # 30 visitors of Marées, 12 of them at Phares too (weeks later); 20 at Phares alone, 5 of them at Glaces.
        visits = [(p, "Marées", 4 * p % 80) for p in range(30)] + [(p, "Phares", 8 + p) for p in range(12)]
        visits += [(p, "Phares", p - 90) for p in range(100, 120)] + [(p, "Glaces", 40) for p in range(100, 105)]
        visits += [(300, "Hiver", 76)]  # the data's last visit: 15 February 2025
        insert(w, "patron", [patron_row("musee-m", f"V{p:03d}") for p in sorted({v[0] for v in visits})])
        day_of = {(p, title, d): expos[title] + timedelta(days=4 * (d // 4) % 80) for p, title, d in visits}
        insert(w, "ticket", [ticket_row("musee-m", f"M{n}", f"V{p:03d}", f"{title} {day_of[p, title, d]} 10",
                                        datetime.combine(day_of[p, title, d], datetime.min.time()) - timedelta(days=3))
                             for n, (p, title, d) in enumerate(visits)])
        result = run_report("retention", w, "musee-m", {"from": "2024-01-01", "to": "2024-12-31"})
    titles = {r["title"]: r for r in next(t for t in result.tables if t.name == "by_title").rows}
    assert list(titles) == ["Marées", "Phares", "Glaces"]  # Hiver's one visit is in 2025
    assert (titles["Marées"]["visitors"], titles["Marées"]["back_within"]) == (30, 12)
    assert titles["Marées"]["back_share"] == pytest.approx(12 / 30, abs=1e-4)
    assert (titles["Phares"]["visitors"], titles["Phares"]["back_within"]) == (32, 5)
    # Glaces ends in November 2024, less than six months before the data's last visit: not followed yet.
    assert titles["Glaces"]["back_within"] is None and titles["Marées"]["days"] == 20


def test_an_event_with_no_start_date_keeps_its_title(tmp_path: Path) -> None:
    """An export whose show date is blank for one show: the return-rate table dated it by its sales
    and named it « – », a row nobody could act on."""
    db = tiny_cooperative(tmp_path / "coop.duckdb")
    with Warehouse(db) as w:
        insert(w, "event", [("jazz-a", "A-nodate", "Les Trois Sœurs", None, "Salle", "H2X", ["theatre"], ["A"], 100, False, "fr")])
        insert(w, "patron", [patron_row("jazz-a", "Z001")])
        insert(w, "ticket", [ticket_row("jazz-a", "TZ1", "Z001", "A-nodate", datetime(2025, 2, 3, 12))])
    events = by(report(db, "retention", "jazz-a").tables[0].rows, "event_id")
    assert events["A-nodate"]["title"] == "Les Trois Sœurs", events["A-nodate"]
    assert events["A-nodate"]["event_day"] == "2025-02-03"


def test_a_steep_trend_never_moves_a_share_beyond_what_a_share_can_be() -> None:
    """A share at 100 %, 100 %, 70 %, 70 % then nothing for three months: the fitted line falls by
    0,20 a month, and « slope × months » announced −122 points for a share that went from 90 % to 0."""
    from culturecoop.analytics.trends import trend_of

    steep = trend_of([1.0, 1.0, 0.7, 0.7, 0.0, 0.0, 0.0])
    assert steep["first_share"] == 0.9 and steep["last_share"] == 0.0 and steep["direction"] == "falling"
    assert -1.0 <= steep["change"] <= -0.9, steep
    gentle = trend_of([0.10, 0.12, 0.14, 0.16])
    assert gentle["change"] == pytest.approx(0.06) and gentle["slope_per_month"] == pytest.approx(0.02)


def test_events_are_compared_on_returns_within_six_months(tiny: Path) -> None:
    """A show in March 2024 whose patrons came back ten months later and one in January 2025 do not
    compare « at any time »: the older one had more months to be followed. Each event's share back
    within six months is given for the events the data follows that long; the others have none."""
    from test_reports_support import insert, patron_row, ticket_row

    with Warehouse(tiny) as w:
        insert(w, "event", [("jazz-a", e, f"Spectacle {e}", datetime(d.year, d.month, d.day, 20), "Salle", "H2X",
                             ["jazz"], ["Artiste"], 100, False, "fr")
                            for e, d in (("L1", date(2024, 3, 1)), ("L2", date(2024, 5, 1)))])
        insert(w, "patron", [patron_row("jazz-a", f"J{p:03d}") for p in range(30, 40)])
        insert(w, "ticket", [ticket_row("jazz-a", f"L1-{p}", f"J{p:03d}", "L1", datetime(2024, 2, 1)) for p in range(40)]
               + [ticket_row("jazz-a", f"L2-{p}", f"J{p:03d}", "L2", datetime(2024, 4, 1)) for p in range(30, 35)])
    result = report(tiny, "retention", "jazz-a", {"from": "2024-01-01", "to": "2025-03-31"})
    events = by(result.tables[0].rows, "event_id")
    # L1: 40 patrons; 0–29 back only in January 2025 (ten months), 30–34 at L2 two months later.
    assert (events["L1"]["came_back"], events["L1"]["back_within_6_months"]) == (35, 5)
    assert events["L1"]["return_rate_6_months"] == pytest.approx(5 / 40, abs=1e-4)
    assert (events["L2"]["came_back"], events["L2"]["return_rate_6_months"]) == (0, 0.0)
    # January 2025 is less than six months before the data's last sale (2025-03-31): not compared.
    assert events["A1"]["return_rate_6_months"] is None and events["A1"]["came_back"] == 15
    assert result.summary["return_rate_6_months"] == pytest.approx(5 / 45, abs=1e-4)
    # The headline keeps the table's rule: counted « at any time » over every attendance, the quarter's
    # shows (nobody could follow its last one) pulled it to 59 / 95 beside 5 / 45 for the events followed.
    assert (result.summary["followed_attendances"], result.summary["back_within"]) == (45, 5)
    assert result.summary["return_rate"] == pytest.approx(5 / 45, abs=1e-4)
    # jazz-a held nothing from May 2024 to January 2025: the horizon covers that break (nine months), and
    # L1's patrons back ten months later are still not counted.
    assert result.summary["horizon_months"] == 9
    assert any(n.startswith("Return rate: of the attendances at your events that your data follows to your next season") for n in result.notes)


def test_a_yearly_festivals_patrons_are_counted_back_at_the_next_edition(tmp_path: Path) -> None:
    """A summer festival, three days each July: its patrons come back at next year's edition, twelve
    months later. « Back within six months » read 0 % for every edition, an audience that never returns.
    The horizon covers the calendar's longest break and a month more: thirteen months."""
    db = tiny_cooperative(tmp_path / "coop.duckdb")
    days = {"F23": date(2023, 7, 7), "F24": date(2024, 7, 12), "F25": date(2025, 7, 11)}
    with Warehouse(db) as w:
        insert(w, "member", [("fest-y", "Festival Y", "festival", "Estrie")])
        insert(w, "event", [("fest-y", f"{e}-{d}", f"Festival {e} jour {d}", datetime(day.year, day.month, day.day + d, 20),
                             "Parc", "J1H", ["rock"], ["A"], 5000, False, "fr") for e, day in days.items() for d in range(3)])
        # 40 people at the 2023 edition, 20 of them back in 2024, 10 of those in 2025; 30 new in 2024.
        people = {"F23": range(0, 40), "F24": [*range(0, 20), *range(100, 130)], "F25": range(0, 10)}
        insert(w, "patron", [patron_row("fest-y", f"P{p:03d}") for p in sorted({p for v in people.values() for p in v})])
        insert(w, "ticket", [ticket_row("fest-y", f"{e}-{p}", f"P{p:03d}", f"{e}-{p % 3}",
                                        datetime(days[e].year, 5, 1)) for e, ps in people.items() for p in ps])
        result = run_report("retention", w, "fest-y", {"from": "2023-01-01", "to": "2025-12-31"})
    assert result.summary["horizon_months"] == 13
    events = {r["event_id"]: r for r in result.tables[0].rows}
    followed = [r for r in events.values() if r["return_rate_6_months"] is not None]
    # 2023's edition (40 people, 20 back) and 2024's (50 people, 10 back at 2025's): the data ends with the 2025
    # edition, which follows 2024's though not for thirteen months; 2025's own is not followed yet.
    assert sum(r["attendees"] for r in followed) == 90 and sum(r["back_within_6_months"] for r in followed) == 30
    assert all(r["return_rate_6_months"] is None for e, r in events.items() if e.startswith("F25"))
    assert result.summary["return_rate"] == pytest.approx(30 / 90)
    assert any("within 13 months" in n for n in result.notes), result.notes


def test_a_summer_season_is_not_a_trend() -> None:
    """A festival's genre: a tenth of active patrons from December to May, half of them in June,
    July and August, the data ending in August, the same the year before. The line fitted to the
    period called it rising by forty points; against the same months a year earlier it is stable."""
    from culturecoop.analytics.trends import YEAR_OVER_YEAR, genre_moves, trend_of

    season: list[float | None] = [0.10] * 6 + [0.50] * 3 + [None] * 3
    assert trend_of(season)["direction"] == "rising"
    moves = genre_moves({"electronic": list(season), "jazz": [0.2] * 9 + [None] * 3},
                        {"electronic": list(season), "jazz": [0.25] * 9 + [None] * 3}, YEAR_OVER_YEAR)
    assert moves["electronic"]["direction"] == "stable" and moves["electronic"]["change"] == 0
    assert moves["jazz"]["direction"] == "rising" and moves["jazz"]["change"] == pytest.approx(0.05)
    assert (moves["jazz"]["first_share"], moves["jazz"]["last_share"]) == (0.2, 0.25)
    # A genre with fewer than three months to compare in both years has no move, never a guess.
    few = genre_moves({"folk": [0.3, None, None]}, {"folk": [0.1, 0.2, 0.4]}, YEAR_OVER_YEAR)
    assert few["folk"]["direction"] is None and few["folk"]["change"] is None


def test_a_member_whose_data_ends_early_reads_its_own_last_twelve_months(tiny: Path) -> None:
    """Festival C's last sale is on 8 February and its festival on the 15th; the cooperative's data
    runs to 31 March. Its default period ends on the 15th, with a note saying why and what to do;
    members whose data ends with the cooperative's, or a few days before, keep the cooperative's."""
    with Warehouse(tiny) as w:
        festival = run_report("overview", w, "festival-c", {})
        jazz = run_report("overview", w, "jazz-a", {})
        theatre = run_report("overview", w, "theatre-b", {})
        segments = run_report("segments", w, "festival-c", {})
    assert festival.params["to"] == "2025-02-15" and festival.summary["patrons"] == 15
    assert any("Your data ends on February 15, 2025" in n and "newer export" in n for n in festival.notes), festival.notes
    assert segments.params["to"] == "2025-02-28"  # whole months, up to its own data's end
    assert jazz.params["to"] == theatre.params["to"] == "2025-03-31"
    assert not any("Your data ends" in n for n in jazz.notes + theatre.notes)
    # A cooperative-wide tab keeps the cooperative's period: the festival reads why its own patrons
    # stop counting after its last day, the others read nothing of the kind.
    with Warehouse(tiny) as w:
        trends = run_report("trends", w, "festival-c", {})
        jazz_trends = run_report("trends", w, "jazz-a", {})
    assert any("Your data ends on February 15, 2025" in n and "other members' patrons only" in n for n in trends.notes), trends.notes
    assert not any("Your data ends" in n for n in jazz_trends.notes)


def test_a_month_without_any_event_is_no_month_to_come_back_in(tiny: Path) -> None:
    """Jazz A holds nothing in May and June: its cohorts show those months empty, with a note,
    where they read 0 % (the heatmap drew a season's break as the audience lost)."""
    result = report(tiny, "retention", "jazz-a", {"from": "2025-01-01", "to": "2025-06-30"})
    cohorts = {(r["cohort"], r["months_after"]): r for r in result.tables[1].rows}
    assert cohorts[("2025-01", 3)]["patrons"] == 4  # April: A9
    assert all(cohorts[("2025-01", a)]["share"] is None and cohorts[("2025-01", a)]["patrons"] is None for a in (4, 5))
    assert any("none of your events took place" in note for note in result.notes)
    assert not any("none of your events" in note for note in report(tiny, "retention", "jazz-a").notes)


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
    # The kinds of the other members only: no « < 10 » line for a record label the cooperative lacks.
    assert {r["value"] for r in result.tables[1].rows} == {"jazz_club", "festival"}


def test_affinity_lift_and_interval(tiny: Path) -> None:
    rows = {(r["from_genre"], r["to_genre"]): r for r in report(tiny, "affinity", "jazz-a").rows}
    pair = rows[("theatre", "electronic")]
    assert pair["patrons"] == 10 and pair["from_patrons"] == 30
    assert pair["lift"] == pytest.approx(10 * 55 / (30 * 15), abs=1e-3)
    assert pair["ci_low"] < pair["lift"] < pair["ci_high"]
    assert rows[("electronic", "theatre")]["lift"] == pair["lift"]
    assert rows[("jazz", "theatre")]["lift"] is None  # 9 people: suppressed
    # Every figure of a hidden pair is listed as hidden, its q-value and significance too: a reader (and
    # the CSV's empty cells) is told the gate hid them, not that the pair was not tested.
    assert {"lift", "q_value", "significant"} <= set(rows[("jazz", "theatre")]["suppressed"])
    assert all(set(r) >= {"from_genre", "to_genre", "lift", "ci_low", "ci_high", "patrons"} for r in rows.values())


def add_club_d(db: Path, months: Sequence[int]) -> None:
    """A third member with pooled patrons in the months given (of 2025): ten new people each month,
    at a classical concert."""
    with Warehouse(db) as w:
        insert(w, "member", [("club-d", "Club D", "club", "Montréal")])
        insert(w, "event", [("club-d", f"D{m}", f"Concert D{m}", datetime(2025, m, 5, 20), "Salle", "H2X", ["classical"],
                             ["A"], 100, False, "fr") for m in months])
        people = [(m, p) for m in months for p in range(200 + 10 * m, 210 + 10 * m)]
        insert(w, "patron", [patron_row("club-d", f"D{p:03d}") for _m, p in people])
        insert(w, "identity", [("club-d", f"D{p:03d}", f"K{p:04d}", 1.0) for _m, p in people])
        insert(w, "consent", [("club-d", f"D{p:03d}", "pooling", True, datetime(2025, 1, 1)) for _m, p in people])
        insert(w, "ticket", [ticket_row("club-d", f"TD{p}", f"D{p:03d}", f"D{m}", datetime(2025, m, 1, 12)) for m, p in people])


def test_trends_show_shares_and_the_members_own_genres(tiny: Path) -> None:
    add_club_d(tiny, (1, 2, 3))
    result = report(tiny, "trends", "jazz-a")
    months = {(r["month"], r["genre"]): r for r in result.tables[1].rows}
    assert months[("2025-01", "theatre")]["patrons"] == 30
    # 60 people went out in January: 50 at jazz-a and theatre-b, 10 at club-d.
    assert months[("2025-01", "theatre")]["share"] == pytest.approx(30 / 60, abs=1e-4)
    yours = {(r["month"], r["genre"]): r for r in result.tables[3].rows}
    assert yours[("2025-03", "blues")]["share"] == 1.0 and yours[("2025-01", "local")]["share"] == 1.0


def test_trends_leave_out_a_month_when_fewer_than_three_members_had_pooled_patrons(tiny: Path) -> None:
    """A venue whose data ran past everyone else's read « Chanson 100 % » as the cooperative's share in
    those months, and « Chanson progresse dans la coopérative »: one member's own mix, shown to all. With
    two members, each subtracts its own patrons from the cooperative's and reads the other's genre mix:
    January (jazz-a and theatre-b alone) gave jazz-a theatre-b's 30 theatre-goers among 50 people out.
    A month counts from three members, as the peer figures do."""
    add_club_d(tiny, (1, 3))
    with Warehouse(tiny) as w:
        w.con.execute("DELETE FROM ticket WHERE member_id = 'festival-c'")  # February: jazz-a's 15 people alone
    result = report(tiny, "trends", "jazz-a")
    months = {r["month"] for r in result.tables[1].rows}
    assert "2025-02" not in months and {"2025-01", "2025-03"} <= months, months
    assert any("1 month, between February 1, 2025 and February 28, 2025, when fewer than 3 members" in n
               for n in result.notes), result.notes
    # Without club-d, January and March have two members each: neither is counted.
    with Warehouse(tiny) as w:
        w.con.execute("DELETE FROM ticket WHERE member_id = 'club-d'")
    two = report(tiny, "trends", "jazz-a")
    assert not {r["month"] for r in two.tables[1].rows}, "a month of two members is the other's own mix"
    assert any("3 months between January 1, 2025 and March 31, 2025, when fewer than 3 members" in n
               for n in two.notes), two.notes
    # The member's own shares keep the month.
    assert ("2025-02", "jazz") in {(r["month"], r["genre"]) for r in result.tables[3].rows}


def test_segments_say_whether_the_member_held_an_event_in_the_fading_months(tiny: Path) -> None:
    """Festival C's one event is in February 2025: over September 2024 – August 2025 it held none in the
    six months the fading rule reads, and the summary says so (its « fading » share says nothing)."""
    festival = report(tiny, "segments", "festival-c", {"from": "2024-09-01", "to": "2025-08-31"})
    assert festival.summary["events_in_last_six_months"] is False
    assert report(tiny, "segments", "jazz-a").summary["events_in_last_six_months"] is True


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
    # No peer group: no figure at all, never « < 10 » peers' patrons.
    assert all(not r["suppressed"] for r in result.rows), result.rows


def test_pace_forecasts_the_next_event(tiny: Path) -> None:
    result = report(tiny, "pace", "jazz-a", {"to": "2025-03-31", "from": "2025-01-01"})
    assert result.summary["event_id"] == "A9" and result.summary["tickets_sold"] == 4
    assert result.summary["days_before"] == 20 and result.summary["comparable_events"] == 3


def test_a_replay_sets_the_forecast_against_what_the_event_sold(tmp_path: Path) -> None:
    """The pace of a past event replayed as of ten days before it: the report gave a forecast and
    never what the event sold in the end; it now does, and the forecast still never sees the sales
    after its day (the same with or without them)."""
    def cooperative(path: Path, late_sales: bool) -> Path:
        db = tiny_cooperative(path)
        with Warehouse(db) as w:
            people = [r["member_patron_id"] for r in w.query(
                "SELECT member_patron_id FROM patron WHERE member_id = 'jazz-a' ORDER BY 1 LIMIT 12")]
            w.con.execute("INSERT INTO event VALUES ('jazz-a', 'A4', 'Spectacle A4', TIMESTAMP '2025-03-25 20:00', 'Salle', "
                          "'H2X', ['jazz'], ['Artiste'], 100, true, 'fr')")
            insert(w, "ticket", [ticket_row("jazz-a", f"T4{n}", person, "A4",
                                            datetime(2025, 3, 12) if n < 4 else datetime(2025, 3, 22))
                                 for n, person in enumerate(people) if n < 4 or late_sales])
            refresh(w)
        return db

    params = {"from": "2025-01-01", "to": "2025-03-15", "event": "A4"}
    replay = report(cooperative(tmp_path / "all.duckdb", True), "pace", "jazz-a", params)
    unseen = report(cooperative(tmp_path / "early.duckdb", False), "pace", "jazz-a", params)
    s = replay.summary
    assert s["tickets_sold"] == 4 and s["final_sold"] == 12
    assert s["forecast_final"] is not None
    assert {k: s[k] for k in ("forecast_final", "forecast_low", "forecast_high", "sellout_probability")} == {
        k: unseen.summary[k] for k in ("forecast_final", "forecast_low", "forecast_high", "sellout_probability")}
    expected = "below" if s["forecast_low"] > 12 else "above" if s["forecast_high"] < 12 else "within"
    assert s["forecast_outcome"] == expected
    # Replayed before its first sale, the show had sold nothing « by that day », not « yet »: it is over.
    before = report(tmp_path / "all.duckdb", "pace", "jazz-a", {**params, "to": "2025-03-11"})
    assert before.summary["tickets_sold"] == 0 and before.summary["final_sold"] == 12, before.summary
    assert any(n.startswith("No ticket sold by that day") for n in before.notes), before.notes
    assert not any(n.startswith("No ticket sold yet") for n in before.notes)
    curve = by(replay.tables[0].rows, "days_before")
    assert curve[10]["tickets_sold"] == 4 and curve[9]["tickets_sold"] is None
    assert curve[10]["tickets_sold_later"] == 4 and curve[3]["tickets_sold_later"] == 12
    assert curve[0]["tickets_sold_later"] == 12 and curve[11]["tickets_sold_later"] is None
    # The member's data ends on 31 March with A4's last sales on the 22nd: had it ended before A4
    # took place, there would be no end to tell. The next event, A9 (20 April), has none.
    upcoming = report(tmp_path / "all.duckdb", "pace", "jazz-a", {"to": "2025-03-31"})
    assert upcoming.summary["event_id"] == "A9" and upcoming.summary["final_sold"] is None
    assert upcoming.summary["forecast_outcome"] is None
    assert all(r["tickets_sold_later"] is None for r in upcoming.tables[0].rows)


def test_the_forecasts_range_comes_from_its_misses_on_the_members_past_events(tmp_path: Path) -> None:
    """The range said « probablement de 41 à 74 » from the comparables' spread alone, which held the
    final sales 7 times in 10 on the demo for a range meant to hold 8. Replayed on the member's own
    past events, the forecast's misses set the range: a member whose every show sold half its
    tickets in the last five days is forecast exactly, with no range to speak of; an event after the
    as-of day is never read."""
    def cooperative(path: Path, *, later_oddity: bool) -> Path:
        db = tiny_cooperative(path)
        with Warehouse(db) as w:
            people = [r["member_patron_id"] for r in w.query(
                "SELECT member_patron_id FROM patron WHERE member_id = 'jazz-a' ORDER BY 1 LIMIT 20")]
            w.con.execute("DELETE FROM ticket WHERE member_id = 'jazz-a'")
            w.con.execute("DELETE FROM event WHERE member_id = 'jazz-a'")
            w.con.execute("DELETE FROM unnamed_sale WHERE member_id = 'jazz-a'")
            # Thirteen past shows, then E13 on 1 March (6 sold 20 days ahead), and maybe E14 in April.
            days = [date(2024, 6, 1) + timedelta(days=21 * n) for n in range(13)] + [date(2025, 3, 1)]
            if later_oddity:
                days.append(date(2025, 4, 15))  # after the as-of day: sells 20 tickets early, none late
            tickets = []
            for n, day in enumerate(days):
                event = f"E{n:02d}"
                w.con.execute("INSERT INTO event VALUES ('jazz-a', ?, ?, ?, 'Salle', 'H2X', ['jazz'], ['Artiste'], 100, "
                              "true, 'fr')", [event, f"Soirée {n}", datetime.combine(day, datetime.min.time())])
                early = {13: 6, 14: 20}.get(n, 10)
                late = 0 if n >= 13 else 10
                tickets += [ticket_row("jazz-a", f"T{n}-{k}", people[k], event,
                                       datetime.combine(day - timedelta(days=20 if k < early else 3), datetime.min.time()))
                            for k in range(early + late)]
            insert(w, "ticket", tickets)
            refresh(w)
        return db

    params = {"from": "2024-02-01", "to": "2025-02-19", "event": "E13"}  # 10 days to go, 6 sold
    plain = report(cooperative(tmp_path / "plain.duckdb", later_oddity=False), "pace", "jazz-a", params).summary
    odd = report(cooperative(tmp_path / "odd.duckdb", later_oddity=True), "pace", "jazz-a", params).summary
    assert plain["tickets_sold"] == 6 and plain["forecast_final"] == 12
    assert plain["range_basis"] == "track_record" and plain["track_record_error"] == 0
    assert plain["track_record_events"] >= 10
    assert (plain["forecast_low"], plain["forecast_high"]) == (12, 12)
    assert plain["final_sold"] is None and (odd["final_sold"], odd["forecast_outcome"]) == (6, "below")
    replay = ("final_sold", "forecast_outcome")
    assert {k: v for k, v in odd.items() if k not in replay} == {k: v for k, v in plain.items() if k not in replay}


def test_events_an_export_gave_no_date_are_dated_by_their_last_sale(tmp_path: Path) -> None:
    """Eventbrite's orders export names each event and no date: its events had no day, so the Sales
    pace tab listed none (« Événements passés : 0 ») and said nothing of why. Each is now dated by
    its last sale, and the tab says how many were dated so and what to do."""
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        w.con.execute("UPDATE event SET starts_at = NULL WHERE member_id = 'jazz-a' AND event_id IN ('A1', 'A2', 'A3')")
        refresh(w)
    set_language("fr")
    try:
        listed = report(db, "events", "jazz-a", {"from": "2025-01-01", "to": "2025-03-31"})
    finally:
        set_language("en")
    days = {r["event_id"]: r["event_day"] for r in listed.rows}
    # Their last sales: 3 January, 3 February and 3 March (the shows were on the 10th).
    assert (days["A1"], days["A2"], days["A3"]) == ("2025-01-03", "2025-02-03", "2025-03-03")
    assert days["A9"] == "2025-04-20"  # dated by its export: as before
    assert any(n.startswith("Événements sans date dans votre export : 3.") for n in listed.notes), listed.notes
    dated = report(tiny_cooperative(tmp_path / "dated.duckdb"), "events", "jazz-a", {"from": "2025-01-01", "to": "2025-03-31"})
    assert not any("no date" in n for n in dated.notes)


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


def test_a_sale_dated_after_today_does_not_end_the_period_in_the_future(tmp_path: Path) -> None:
    # A clock set wrong, or a simulated campaign response, dates a few tickets weeks ahead: the
    # default "last 12 months" still end today, and upcoming events stay upcoming.
    db = tiny_cooperative(tmp_path / "w.duckdb")
    today = datetime.combine(date.today(), datetime.min.time())
    with Warehouse(db) as w:
        people = [r["member_patron_id"] for r in w.query(
            "SELECT member_patron_id FROM patron WHERE member_id = 'jazz-a' ORDER BY 1 LIMIT 10")]
        w.con.execute("INSERT INTO event VALUES ('jazz-a', 'A9', 'Gala', ?, 'Salle', 'H2X', ['jazz'], ['Artiste'], 100, "
                      "true, 'fr')", [today - timedelta(days=10)])
        for n, person in enumerate(people):  # sold last month, and five "sold" weeks ahead
            bought = today - timedelta(days=30) if n < 5 else today + timedelta(days=27)
            w.con.execute("INSERT INTO ticket VALUES ('jazz-a', ?, ?, ?, 'A9', ?, 1, 30, 'CAD', 'web', 'sold')",
                          [f"T9{n}", f"O9{n}", person, bought])
        refresh(w)
        assert w.scalar("SELECT as_of FROM analytics_window") == date.today()
    assert report(db, "overview", "jazz-a", {}).params["to"] == date.today().isoformat()


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
    assert human.returncode == 0 and "< 10" in human.stdout  # the report is the command's output


def test_cli_unknown_report_suggests_the_closest(tiny: Path) -> None:
    assert "did you mean overlap?" in cli_error("report", "overlapp", "--db", str(tiny), "--member", "jazz-a")


def test_cli_unknown_member(tiny: Path) -> None:
    message = cli_error("report", "overview", "--db", str(tiny), "--member", "jazz-aa")
    assert "There is no member jazz-aa" in message and "Did you mean jazz-a?" in message


def test_cli_empty_period(tiny: Path) -> None:
    message = cli_error("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2023-01-01", "--to", "2023-06-30")
    assert "There are no tickets for member jazz-a between January 1, 2023 and June 30, 2023" in message


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


def test_cli_writes_amounts_with_their_currency_and_a_share_change_in_points(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A venue selling in euros reads euros; a change of a share is in points, not a ratio of ratios.
    monkeypatch.setenv("COLUMNS", "160")  # the whole table on one screen
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        # Data from January 2024: the period before (December and January) is wholly in it.
        insert(w, "event", [("jazz-a", "A-1", "Spectacle A-1", datetime(2024, 1, 3, 20), "Salle", "H2X", ["jazz"],
                             ["Artiste"], 100, False, "fr")])
        insert(w, "ticket", [ticket_row("jazz-a", "Y0", "J000", "A-1", datetime(2024, 1, 2, 12))])
        w.con.execute("UPDATE ticket SET currency = 'EUR' WHERE member_id = 'jazz-a'")
    result = run_cli("report", "overview", "--db", str(db), "--member", "jazz-a", "--from", "2025-02-01",
                     "--to", "2025-03-31", lang="fr")
    assert result.returncode == 0, result.stderr
    out = re.sub(r"\s", " ", result.stdout)
    assert re.search(r"Recettes \(taxes incluses\) +│ +[\d ]+,\d\d € │", out), out
    assert re.search(r"Recettes \(taxes incluses\) : [\d ]+,\d\d €", out)  # the summary line
    share = re.search(r"Part de nouveaux clients +│ +([\d,]+) % │ +([\d,]+) % │ +([−+]?[\d,]+) pts", out)
    assert share, out
    now, before, change = (float(share.group(i).replace(",", ".").replace("−", "-")) for i in (1, 2, 3))
    assert abs((now - before) - change) < 0.11
    assert "$" not in out


def test_cli_shows_no_period_before_the_data_as_if_it_were_whole(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """jazz-a's data starts in January 2025: the two months before February and March 2025 are mostly
    outside it. Its part inside (January) printed as the « previous period », every patron « new » and
    +44 % on it; the command now says so, as the dashboard does, and leaves those columns out."""
    monkeypatch.setenv("COLUMNS", "160")
    result = run_cli("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from", "2025-02-01",
                     "--to", "2025-03-31", lang="fr")
    assert result.returncode == 0, result.stderr
    out = re.sub(r"\s+", " ", result.stdout)
    assert "La période précédente n’est pas entièrement dans les données : ses chiffres et les variations ne sont " \
           "pas affichés." in out
    key_figures = out.split("Mois par mois")[0]
    assert "Période précédente" not in key_figures and "Variation" not in key_figures and "Cette période" in key_figures
    # The figures themselves stay in --json, with the data's first day to judge them by.
    payload = json.loads(run_cli("report", "overview", "--db", str(tiny), "--member", "jazz-a", "--from",
                                 "2025-02-01", "--to", "2025-03-31", "--json").stdout)
    assert payload["coverage"]["first_day"] > "2024-12-01"


def test_every_report_and_column_is_documented(tiny: Path) -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "reports.md").read_text()
    for name in REPORTS:
        assert f"### `{name}`" in docs, f"docs/reports.md does not describe the report {name}"
        result = report(tiny, name, "jazz-a", {"to": "2025-03-31"} if name == "pace" else Q1)
        for table in result.tables:
            assert f"Table `{table.name}`" in docs, (name, table.name)
            for column in table.columns:
                assert f"| `{column.name}` | {column.meaning} |" in docs, (name, table.name, column.name)


def headers(printed: str) -> list[str]:
    """The column headers of the tables in ``printed`` (the report as the CLI prints it)."""
    return [cell.strip() for line in printed.splitlines() if line.startswith("┃")
            for cell in line.strip("┃").split("┃")]


def test_cli_report_headers_are_in_the_readers_words(tiny: Path) -> None:
    args = ("report", "elsewhere", "--db", str(tiny), "--member", "jazz-a")
    codes = {c for meanings in json.loads(run_cli(*args, "--json").stdout)["column_meanings"].values() for c in meanings}
    french = run_cli("--lang", "fr", *args)
    english = run_cli(*args, lang="en")
    assert french.returncode == 0 and english.returncode == 0, french.stderr + english.stderr
    for printed in (french.stdout, english.stdout):
        shown = headers(printed)
        assert shown and not [h for h in shown if h in codes or re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", h)], shown
    # A genre's name reads « Genre », a kind of member's « Type de membre » (their codes are in --json).
    assert {"Genre", "Personnes", "Part de votre public", "Part de ceux qui vont ailleurs", "Type de membre"} <= set(headers(french.stdout))
    assert {"Genre", "People", "Share of your audience", "Share of those going elsewhere", "Kind of member"} <= set(headers(english.stdout))
    # The legend names the columns as the headers do.
    assert "  Part de votre public : Part de votre public mutualisé" in french.stdout


def test_every_report_column_has_a_header_in_both_languages(tiny: Path) -> None:
    for name in REPORTS:
        result = report(tiny, name, "jazz-a", {"to": "2025-03-31"} if name == "pace" else Q1)
        for table in result.tables:
            for language in ("fr", "en"):
                shown = [column_label(c.name, language, table.name) for c in table.columns]
                assert not [c.name for c, h in zip(table.columns, shown, strict=True) if h == c.name], (name, table.name, language)
                assert len(set(shown)) == len(shown), (name, table.name, language, shown)


def test_cli_writes_numbers_the_readers_way(tiny: Path) -> None:
    json_out = run_cli("report", "overview", "--db", str(tiny), "--member", "theatre-b", "--json")
    revenue = json.loads(json_out.stdout)["summary"]["revenue"]
    assert revenue >= 1000  # a number with a thousands separator and decimals
    french = run_cli("report", "overview", "--db", str(tiny), "--member", "theatre-b", lang="fr")
    english = run_cli("report", "overview", "--db", str(tiny), "--member", "theatre-b", lang="en")
    assert french.returncode == 0 and english.returncode == 0
    assert f"{revenue:,.2f}" in english.stdout  # 12,345.50
    assert f"{revenue:,.2f}".replace(",", "\u00a0").replace(".", ",") in french.stdout  # 12 345,50


def test_geography_places_birth_bands_in_age_bands(tiny: Path) -> None:
    result = report(tiny, "geography", "jazz-a")
    ages = by(result.tables[3].rows, "age_band")
    # Every patron of the tiny cooperative is born 1980-1984: 43 in the middle of the band, in 2025.
    assert ages["35_44"]["patrons"] == 30 and ages["35_44"]["share"] == 1.0
    assert sum(r["patrons"] for r in ages.values()) == result.summary["patrons"] == 30
    assert ages["unknown"]["patrons"] == 0


def test_age_band_of_a_birth_band() -> None:
    from culturecoop.analytics.audience import age_band

    assert age_band("1980-1984", 2025) == "35_44"  # 43 in the middle of the band
    assert age_band("2010-2014", 2025) == "under_18"
    assert age_band("1940-1944", 2025) == "65_plus"
    assert age_band(None, 2025) == age_band("", 2025) == age_band("19xx", 2025) == "unknown"


def test_elsewhere_compares_the_audience_with_the_rest_of_the_cooperative(tiny: Path) -> None:
    result = report(tiny, "elsewhere", "jazz-a", policy=PrivacyPolicy(min_patrons=2))
    genres = by(result.rows, "value")
    # jazz-a's pooled audience who went elsewhere: people 20-24 and 26-29 at theatre-b (B1, B2).
    theatre = genres["theatre"]
    assert theatre["patrons"] == 9 and theatre["rest_share"] is not None
    assert theatre["lift"] is not None and theatre["ci_low"] <= theatre["lift"] <= theatre["ci_high"]
    # With k above every count, every comparison is hidden with its cells.
    hidden = by(report(tiny, "elsewhere", "jazz-a", policy=PrivacyPolicy(min_patrons=500)).rows, "value")["theatre"]
    assert hidden["lift"] is None and {"lift", "ci_low", "ci_high", "rest_share"} <= set(hidden["suppressed"])


def test_events_lists_upcoming_then_past_events(tiny: Path) -> None:
    result = report(tiny, "events", "jazz-a", {"to": "2025-03-31", "from": "2025-01-01"})
    rows = result.rows
    assert [r["event_id"] for r in rows] == ["A9", "A3", "A2", "A1"]
    assert rows[0]["upcoming"] is True and rows[0]["tickets_sold"] == 4 and not any(r["upcoming"] for r in rows[1:])
    assert result.summary == {"as_of": "2025-03-31", "upcoming": 1, "past": 3}


def test_pace_band_and_pace_against_comparables(tiny: Path) -> None:
    result = report(tiny, "pace", "jazz-a", {"to": "2025-03-31", "from": "2025-01-01"})
    band = by(result.tables[2].rows, "days_before")
    # Comparables A1, A2, A3 (30, 15 and 5 tickets for 100 seats) bought 7 to 11 days ahead,
    # scaled to A9's 50 seats: 15, 7.5 and 2.5 at the start; nothing yet 20 days ahead.
    assert (band[0]["low"], band[0]["median"], band[0]["high"]) == (3.5, 7.5, 13.5)
    assert band[20] == {"days_before": 20, "low": 0.0, "median": 0.0, "high": 0.0}
    assert result.summary["days_before"] == 20 and result.summary["expected_by_now"] == 0
    assert result.summary["pace_vs_comparables"] is None  # nothing to compare with yet
    titles = {r["event_id"]: r["title"] for r in result.tables[1].rows}
    assert titles["A1"] == "Spectacle A1"


def test_segment_patrons_are_the_members_own_and_add_up(tiny: Path) -> None:
    from culturecoop.analytics.service import segment_patrons

    with Warehouse(tiny) as w:
        rows = run_report("segments", w, "jazz-a", Q1).rows
        exported = {r["segment"]: segment_patrons(w, "jazz-a", Q1, r["segment"]) for r in rows}
        own = {r["member_patron_id"] for r in w.query("SELECT member_patron_id FROM patron WHERE member_id = 'jazz-a'")}
        with pytest.raises(UserError):
            segment_patrons(w, "jazz-a", Q1, "whales")
    for row in rows:
        assert len(exported[row["segment"]]) == row["your_patrons"]
        assert set(exported[row["segment"]]) <= own
    assert sum(len(v) for v in exported.values()) == len({p for v in exported.values() for p in v})


@pytest.mark.parametrize("name", ["elsewhere", "affinity", "segments"])
def test_a_wide_report_prints_whole_in_an_80_column_terminal(tiny: Path, name: str) -> None:
    """Reports with a dozen columns are printed in parts that each fit (the row's name repeated),
    never with figures cut short to "0,1…"; every column is shown, and so is every printed row's lift."""
    from culturecoop.cli.report_cmd import MAX_ROWS, NAMED_BY, _is_share, column_header

    as_json = json.loads(run_cli("report", name, "--db", str(tiny), "--member", "jazz-a", "--json").stdout)
    result = run_cli("report", name, "--db", str(tiny), "--member", "jazz-a", lang="fr")
    assert result.returncode == 0, result.stderr
    table_lines = [line for line in result.stdout.splitlines() if "│" in line or "┃" in line]
    assert table_lines and not any("…" in line for line in table_lines)
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    text = "\n".join(table_lines)
    for table, meanings in as_json["column_meanings"].items():
        for column in meanings:
            if NAMED_BY.get(column) in meanings:  # a code beside its name: the name is printed, the code in --json
                continue
            # A name may take its code's header (« Genre » rather than « Nom »).
            codes = [code for code, name in NAMED_BY.items() if name == column and code in meanings]
            said = [column_header(c, "fr", table) for c in [column, *codes]]
            assert any(re.search(rf"┃\s*{re.escape(header)}\s", text) for header in said), column
    # Codes are printed in words: no « hip_hop », « jazz_club », « big_spenders » in a cell.
    cells = [cell.strip() for line in table_lines if line.startswith("│") for cell in line.strip("│").split("│")]
    assert not [c for c in cells if re.fullmatch(r"[a-z]+(_[a-z]+)+", c)], cells
    lifts = [row["lift"] for rows in as_json.values() if isinstance(rows, list)
             for row in rows[:MAX_ROWS] if isinstance(row, dict) and isinstance(row.get("lift"), float)
             and "lift" not in row.get("suppressed", [])]
    # Shares print as percentages, as a reader writes them (17,9 %), not 0,179.
    shares = [value for rows in as_json.values() if isinstance(rows, list) for row in rows[:MAX_ROWS] if isinstance(row, dict)
              for column, value in row.items() if _is_share(column) and isinstance(value, float)
              and column not in row.get("suppressed", [])]
    assert shares or name != "affinity"  # the tiny cooperative's other shares are all under the gate
    for share in shares:
        assert re.search(re.escape(f"{100 * share:.1f}".replace(".", ",")) + "[ \u00a0]%", text), share
    for lift in lifts:  # a ratio to two decimals: 2,28 ×
        assert re.search(rf"│\s+{re.escape(f'{lift:.2f}'.replace('.', ','))}\u00a0×\s+│", text), lift


def _geography_of(tiny: Path, venue: str, areas: dict[int, str], language: str) -> tuple[ReportResult, dict[int, int]]:
    """jazz-a's geography with its venue in ``venue`` and person n living in ``areas[n % 6]``, and
    the attendances at its three past events of each of the six groups."""
    from test_reports_support import TINY_ATTENDANCE

    with Warehouse(tiny) as w, w.transaction() as con:
        con.execute("UPDATE event SET venue_fsa = ? WHERE member_id = 'jazz-a'", [venue])
        for person_mod, area in areas.items():
            con.execute("UPDATE patron SET fsa = ? WHERE member_id = 'jazz-a' "
                        "AND CAST(substr(member_patron_id, 2) AS INTEGER) % 6 = ?", [area, person_mod])
    attendances: dict[int, int] = {}
    for event in ("A1", "A2", "A3"):
        for person in TINY_ATTENDANCE[event]:
            attendances[person % 6] = attendances.get(person % 6, 0) + 1
    set_language(language)
    try:
        return report(tiny, "geography", "jazz-a"), attendances
    finally:
        set_language(None)


def test_where_a_european_members_audience_lives(tiny: Path) -> None:
    # A Paris venue: its patrons' areas as prepare writes them for FR, BE and GB postcodes. Before,
    # every French area was "nearby" (same two first characters "FR"), a Belgian one "Nova Scotia"
    # and a British one "Eastern Québec".
    result, attendances = _geography_of(
        tiny, "FR-750", {0: "FR-750", 1: "FR-751", 2: "FR-690", 3: "BE-13", 4: "GB-SW4", 5: "H2X"}, "en")
    named = {r["fsa"]: r["area"] for r in result.tables[1].rows}
    assert named == {"FR-750": "Paris (75)", "FR-751": "Paris (75)", "FR-690": "Rhône (69)",
                     "BE-13": "Walloon Brabant", "GB-SW4": "United Kingdom", "H2X": "Montréal"}
    travel = {r["distance"]: r["attendances"] for r in result.tables[2].rows}
    # Brussels, London and Montréal are another country for a Paris venue (they read "outside
    # Québec" and "elsewhere in Québec").
    assert travel == {"same_fsa": attendances[0], "nearby": attendances[1], "same_country": attendances[2],
                      "abroad": attendances[3] + attendances[4] + attendances[5]}


def test_how_far_a_montreal_members_audience_travels(tiny: Path) -> None:
    # A Montréal venue (H2X): the same first letter is the venue's region, said so; a Paris patron
    # lives in another country. Before, the band read "Same region (same country, for a venue
    # outside Canada)" and the Paris patron "Outside Québec".
    result, attendances = _geography_of(
        tiny, "H2X", {0: "H2X", 1: "H2Y", 2: "H3A", 3: "G1R", 4: "K1A", 5: "FR-750"}, "fr")
    travel = {r["distance"]: r["attendances"] for r in result.tables[2].rows}
    assert travel == {"same_fsa": attendances[0], "nearby": attendances[1], "same_region": attendances[2],
                      "elsewhere_in_quebec": attendances[3], "outside_quebec": attendances[4],
                      "abroad": attendances[5]}
    labels = {r["distance"]: r["label"] for r in result.tables[2].rows}
    assert labels["same_region"].startswith("Habite ailleurs dans la région de la salle")
    assert labels["abroad"] == "Habite un autre pays que celui de la salle"


def test_area_names_in_french_and_english() -> None:
    from culturecoop.analytics.places import area_name
    from culturecoop.analytics.wording import relabel
    set_language("en")
    try:
        english = [area_name(a) for a in ("FR-974", "BE-67", "CH-12", "DE-101", "G5L", "G1R", "US-100")]
    finally:
        set_language(None)
    assert english == ["La Réunion (974)", "Province of Luxembourg", "Lake Geneva region, Fribourg and Lower Valais",
                       "Germany", "Eastern Québec", "City of Québec", "United States"]
    assert [relabel(a, "fr") for a in english] == ["La Réunion (974)", "Province de Luxembourg",
                                                   "Arc lémanique, Fribourg et Bas-Valais", "Allemagne",
                                                   "Est du Québec", "Ville de Québec", "États-Unis"]
    # Every country whose postal areas prepare reads is named (a Danish member's audience read « DK »).
    set_language("fr")
    try:
        assert [area_name(a) for a in ("DK-80", "IT-201", "NL-10", "BR-013")] == [
            "Danemark", "Italie", "Pays-Bas", "Brésil"]
    finally:
        set_language(None)


def test_a_target_audience_abroad_is_outside_quebec(tiny: Path) -> None:
    # A British area starts with G, as Eastern Québec's FSAs do: it is no Québec region.
    from culturecoop.reco.audiences import _profile_tables

    with Warehouse(tiny) as w:
        with w.transaction() as con:
            con.execute("UPDATE patron SET fsa = CASE CAST(substr(member_patron_id, 2) AS INTEGER) % 4 "
                        "WHEN 0 THEN 'GB-SW4' WHEN 1 THEN 'G1R' WHEN 2 THEN 'H2X' ELSE 'FR-750' END")
        refresh(w)
        keys = [f"K{person:04d}" for person in range(40)]
        tables = _profile_tables(w, "jazz-a", None, "event", (keys, [False] * len(keys)))
    areas = {r["area"]: r for r in next(t for t in tables if t.name == "area").rows}
    # (H2X is near the member's Montréal venue: the area of its venues, before Montréal's.)
    assert {a: r["patrons"] for a, r in areas.items() if r["patrons"]} == {
        "outside_quebec": 20, "quebec_city": 10, "near_venue": 10}


def test_a_european_members_target_audience_lives_near_its_venues_or_not(tiny: Path) -> None:
    # A Paris venue's likely audience: in Québec's regions it was all "outside Québec". Against its
    # venues: the same département, elsewhere in France, another country (a Montréal FSA too).
    from culturecoop.reco.audiences import AREAS_ABROAD, _profile_tables

    with Warehouse(tiny) as w:
        with w.transaction() as con:
            con.execute("UPDATE event SET venue_fsa = 'FR-750' WHERE member_id = 'jazz-a'")
            con.execute("UPDATE patron SET fsa = CASE CAST(substr(member_patron_id, 2) AS INTEGER) % 4 "
                        "WHEN 0 THEN 'FR-751' WHEN 1 THEN 'FR-690' WHEN 2 THEN 'BE-10' ELSE 'H2X' END")
        refresh(w)
        keys = [f"K{person:04d}" for person in range(40)]
        tables = _profile_tables(w, "jazz-a", None, "event", (keys, [False] * len(keys)))
        theirs = _profile_tables(w, "theatre-b", None, "event", (keys, [False] * len(keys)))
    area = next(t for t in tables if t.name == "area")
    assert {r["area"]: r["patrons"] for r in area.rows if r["patrons"]} == {
        "near_venue": 10, "same_country": 10, "abroad": 20}
    assert [d[0] for d in area.domain] == list(AREAS_ABROAD)
    # A Montréal member's audience keeps Québec's regions, after the area of its venues.
    assert {r["area"] for r in next(t for t in theirs if t.name == "area").rows} <= {
        "near_venue", "montreal", "quebec_city", "rest_of_quebec", "outside_quebec", "unknown"}


def test_pooled_figures_of_twelve_months_cover_twelve_months() -> None:
    """The last 12 months up to 25 Dec 2025, pooled: January to December 2025 (it was 1 Dec 2024 to
    31 Dec 2025, thirteen months, so a member's pooled counts disagreed with its own page's); a
    period no month is mostly inside keeps the months it touches."""
    from datetime import date

    from culturecoop.analytics.facts import Window
    from culturecoop.analytics.period import month_ordinal, resolve_period

    window = Window(month_ordinal(date(2021, 1, 1)), month_ordinal(date(2025, 12, 1)), date(2021, 1, 1),
                    date(2025, 12, 25), date(2025, 12, 25))
    periods = {
        "default": ({}, (date(2025, 1, 1), date(2025, 12, 31))),
        "a season": ({"from": "2024-09-01", "to": "2025-08-31"}, (date(2024, 9, 1), date(2025, 8, 31))),
        "ten weeks": ({"from": "2025-01-10", "to": "2025-03-20"}, (date(2025, 1, 1), date(2025, 3, 31))),
        "twelve days": ({"from": "2025-01-25", "to": "2025-02-05"}, (date(2025, 1, 1), date(2025, 2, 28))),
    }
    for name, (params, expected) in periods.items():
        period, _notes = resolve_period(params, window, pooled=True)
        assert (period.start, period.end) == expected, name
        own, _notes = resolve_period(params, window, pooled=False)
        assert own.days <= 366, name


def test_a_reports_summary_line_names_its_figures_in_french(tiny: Path) -> None:
    """The printed report's last line named its figures by code (`new_share: 100,0 %`, `share_nearby`,
    `came_back: 24` beside `patrons: 30`)."""
    for name, expected in (("overview", "Part de nouveaux clients : 100,0 %"), ("geography", "Du quartier : "),
                           ("retention", "Présences suivies d’un retour : ")):
        result = run_cli("report", name, "--db", str(tiny), "--member", "jazz-a", lang="fr")
        assert result.returncode == 0, result.stderr
        text = " ".join((result.stdout + result.stderr).split())
        assert expected in text and not re.search(r"\b[a-z_]+: \d", text), text[-600:]
        # Its notes' days as French writes them (« du 2 avr. 2023 au 31 mars 2024 »), not ISO.
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), text[-600:]
        if name == "overview":
            assert re.search(r"Période précédente : du \d{1,2}(er)? [a-zéû]+\.? \d{4} au \d{1,2}(er)? [a-zéû]+\.? \d{4}\.", text), text[-300:]


def test_every_reports_summary_is_printed_in_words(tiny: Path) -> None:
    """The printed report's last line named two dozen figures by their code, in French as in English
    (`forecast_final : 15`, `pooled_patrons : 11 631`, `sellout_probability : 0`), and gave codes as
    values (`basis : year_over_year`, `rising : theatre, family`, `strongest : classical → opera ×8.27`)."""
    from culturecoop.analytics.wording import summary_label

    for name in REPORTS:
        result = report(tiny, name, "jazz-a", {"to": "2025-03-31"} if name == "pace" else Q1)
        for code in result.summary:
            for language in ("fr", "en"):
                assert summary_label(code, language) != code, (name, code, language)
    from culturecoop.cli.report_cmd import _summary_cell

    set_language("fr")
    try:  # a share whose code ends in a horizon, not in "_rate"
        assert _summary_cell("return_rate_6_months", 0.5558, "CAD") == "55,6 %"
    finally:
        set_language("en")
    for name, extra, languages in (("trends", (), ("fr",)), ("affinity", (), ("en",)), ("pace", ("--to", "2025-03-31"), ("fr", "en"))):
        summary = report(tiny, name, "jazz-a", {"to": "2025-03-31"} if name == "pace" else {}).summary
        for language in languages:
            printed = run_cli("report", name, "--db", str(tiny), "--member", "jazz-a", *extra, lang=language)
            assert printed.returncode == 0, printed.stderr
            text = " ".join((printed.stdout + printed.stderr).split())
            named = [code for code in summary if "_" in code and re.search(rf"\b{code} ?:", text)]
            assert not named and "year_over_year" not in text and "within_period" not in text, (name, language, named)
            if name == "pace":
                assert ("Probabilité de complet : 0,0 %" if language == "fr" else "Chance of selling out: 0.0%") in text
            if name == "trends":
                assert ("Tendances de la coopérative, comparées : " if language == "fr" else "The cooperative's trends, compared: ") in text


def test_the_cooperative_admin_is_told_whose_data_ends_early(tiny: Path) -> None:
    """Festival C's package may be fresh, its data ends on 15 February, six weeks before the
    cooperative's: the admin's home said « nothing to report »; it now names it and asks for a
    recent export, and the members' table shows where each member's data ends."""
    from culturecoop.governance.coop_health import coop_health
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.admin_home import admin_home_view

    with Warehouse(tiny) as w:
        view = admin_home_view(coop_health(w), Translator("fr"))
    behind = [s for s in view.warnings if "s’arrêtent au" in s]
    assert len(behind) == 1 and "Festival C" in behind[0] and "15 févr. 2025" in behind[0] and "31 mars 2025" in behind[0], view.warnings
    until = [c.label for c in view.members.columns].index("Données jusqu’au")
    shown = {row[0].text: row[until].text for row in view.members.rows}
    assert shown["Festival C"] == "15 févr. 2025" and shown["Jazz A"] == "31 mars 2025"


def test_the_period_before_is_the_same_calendar_months_or_as_many_days(tiny: Path) -> None:
    """Last season was compared with « du 2 septembre 2023 au 31 août 2024 » (the 365 days before it,
    across a leap day) and January–March 2026 with « 3 oct. 2025 au 31 déc. 2025 »: a period of whole
    months is compared with the same calendar months just before it; any other with as many days."""
    from culturecoop.analytics.period import Period

    assert Period(date(2024, 9, 1), date(2025, 8, 31)).previous() == Period(date(2023, 9, 1), date(2024, 8, 31))
    assert Period(date(2026, 1, 1), date(2026, 3, 31)).previous() == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert Period(date(2024, 3, 1), date(2024, 3, 31)).previous() == Period(date(2024, 2, 1), date(2024, 2, 29))
    # Twelve months to the data's last sale are no calendar months: as many days before.
    assert Period(date(2025, 12, 6), date(2026, 12, 5)).previous() == Period(date(2024, 12, 6), date(2025, 12, 5))
    assert Period(date(2026, 1, 10), date(2026, 1, 19)).previous() == Period(date(2025, 12, 31), date(2026, 1, 9))
    # The overview counts that period, and says it.
    set_language("en")
    result = report(tiny, "overview", "jazz-a", Q1)
    assert "Previous period: October 1, 2024 to December 31, 2024." in result.notes, result.notes


def test_an_event_after_the_data_s_date_is_forecast_never_replayed(tmp_path: Path) -> None:
    """A show six days after the data's date (the day the cooperative's data stops: its last sale, never
    after today) read « Finalement, … a vendu 101 billets », a key figure « Vendus finalement » and a dotted
    line of what it sold next: its export already held sales dated up to the show, and the replay was
    decided on the member's last sale. A show after the data's date has not happened: a forecast only."""
    today = date.today()
    db = tiny_cooperative(tmp_path / "w.duckdb")
    with Warehouse(db) as w:
        people = [r["member_patron_id"] for r in w.query(
            "SELECT member_patron_id FROM patron WHERE member_id = 'jazz-a' ORDER BY 1 LIMIT 12")]
        w.con.execute("INSERT INTO event VALUES ('jazz-a', 'F1', 'Spectacle F1', ?, 'Salle', 'H2X', ['jazz'], ['Artiste'], "
                      "100, true, 'fr')", [datetime.combine(today + timedelta(days=6), datetime.min.time()) + timedelta(hours=20)])
        insert(w, "ticket", [ticket_row("jazz-a", f"TF{n}", person, "F1",
                                        datetime.combine(today - timedelta(days=10) if n < 4 else today + timedelta(days=6),
                                                         datetime.min.time()))
                             for n, person in enumerate(people)])
        refresh(w)
    params = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat(), "event": "F1"}
    result = report(db, "pace", "jazz-a", params)
    s = result.summary
    assert s["event_id"] == "F1" and s["tickets_sold"] == 4 and s["days_before"] == 6
    assert s["final_sold"] is None and s["forecast_outcome"] is None, s
    assert all(r["tickets_sold_later"] is None for r in result.tables[0].rows)


def test_shares_keep_more_decimals_than_a_page_shows() -> None:
    """6 patrons in 11 were 0.5455 (four decimals), read « 54,6 % »; 5 in 11, 0.4545, read « 45,4 % »
    (Babel rounds a half to even). A share keeps six decimals, and a half is rounded away from zero."""
    from culturecoop.analytics.audience import ratio
    from culturecoop.analytics.wording import percent, times

    assert (percent(ratio(5, 11), "fr"), percent(ratio(6, 11), "fr")) == ("45,5\u00a0%", "54,5\u00a0%")
    assert (percent(0.0005, "en"), percent(0.4545, "en"), times(1.25, "en")) == ("0.1%", "45.5%", "1.3")


@pytest.fixture(scope="module")
def summer_festival(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny cooperative and a summer festival, four days each July: 13–16 July 2023 (30 people)
    and 11–14 July 2024 (20 others); its last sale at the door on 14 July 2024."""
    db = tiny_cooperative(tmp_path_factory.mktemp("festival") / "coop.duckdb")
    editions = {"E23": date(2023, 7, 13), "E24": date(2024, 7, 11)}
    people = {"E23": range(0, 30), "E24": range(100, 120)}
    with Warehouse(db) as w:
        insert(w, "member", [("fest-s", "Festival S", "festival", "Estrie")])
        insert(w, "event", [("fest-s", f"{e}-{d}", f"Festival S {e} jour {d}", datetime(day.year, day.month, day.day + d, 20),
                             "Parc", "J1H", ["rock"], ["A"], 5000, False, "fr") for e, day in editions.items() for d in range(4)])
        insert(w, "patron", [patron_row("fest-s", f"S{p:03d}") for ps in people.values() for p in ps])
        # Each person on one day of its edition, among them the last day: 2023's last day is 16 July.
        insert(w, "ticket", [ticket_row("fest-s", f"{e}-{p}", f"S{p:03d}", f"{e}-{p % 4}",
                                        datetime(editions[e].year, 5, 1) if p != 119 else datetime(2024, 7, 14, 19))
                             for e, ps in people.items() for p in ps])
    return db


def test_a_festivals_default_period_holds_its_editions_whole(summer_festival: Path) -> None:
    """« 12 derniers mois » up to 14 July 2024 started on 16 July 2023, the 2023 edition's last day:
    its 8 patrons of that day counted with the 2024 edition's 20. The period starts after it, says so,
    and the period before holds the 2023 edition whole."""
    with Warehouse(summer_festival) as w:
        result = run_report("overview", w, "fest-s", {})
    assert (result.params["from"], result.params["to"]) == ("2023-07-17", "2024-07-14"), result.params
    assert result.summary["patrons"] == 20
    # The period form names the same days for « 12 derniers mois ».
    from culturecoop.analytics.service import data_coverage, default_period
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.period import read_period

    with Warehouse(summer_festival) as w:
        form = read_period({}, data_coverage(w, "fest-s"), Translator("fr"), default_period(w, "fest-s"))
    assert dict(form.choices)["last_12_months"] == "12 derniers mois (17 juill. 2023 – 14 juill. 2024)", form.choices
    assert any("after your edition from July 13, 2023 to July 16, 2023" in n for n in result.notes), result.notes
    set_language("fr")
    try:
        french = report(summer_festival, "overview", "fest-s", {})
    finally:
        set_language("en")
    assert any(n.startswith("La période commence le 17 juillet 2023, après votre édition du 13 juillet 2023 au 16 juillet 2023")
               for n in french.notes), french.notes
    # A run of days longer than an edition (a museum every day) is cut as before; an edition under way on
    # the last day is held to its end.
    from culturecoop.analytics.facts import Window
    from culturecoop.analytics.period import editions, resolve_period

    every_day = [date(2024, 1, 1) + timedelta(days=i) for i in range(400)]
    assert editions(every_day) == []
    window = Window(None, None, None, None, date(2024, 7, 12))
    period, notes = resolve_period({}, window, pooled=False, event_days=[date(2024, 7, 11) + timedelta(days=i) for i in range(4)])
    assert (period.start, period.end) == (date(2023, 7, 16), date(2024, 7, 14)) and len(notes) == 1


def test_cross_member_months_keep_an_edition_the_period_holds() -> None:
    """17 July 2025 – 15 July 2026 holds the whole 12–15 July 2026 edition, yet the cross-member tabs
    rounded it to August–June (July has only 15 of its 31 days inside) and dropped the edition without
    a word. The edition's month is kept and said; an edition the period barely touches is left out,
    said as well. Either way the figures stay whole months (the gate's question)."""
    from culturecoop.analytics.facts import Window
    from culturecoop.analytics.period import resolve_period

    held = [date(2025, 7, 13) + timedelta(days=i) for i in range(4)] + [date(2026, 7, 12) + timedelta(days=i) for i in range(4)]
    window = Window(None, None, None, None, date(2026, 7, 15))
    period, notes = resolve_period({"from": "2025-07-17", "to": "2026-07-15"}, window, pooled=True, event_days=held)
    assert (period.start, period.end) == (date(2025, 8, 1), date(2026, 7, 31))
    assert any(n.startswith("Your edition from July 12, 2026 to July 15, 2026 is counted") for n in notes), notes
    period, notes = resolve_period({"from": "2025-08-01", "to": "2026-07-12"}, window, pooled=True, event_days=held)
    assert (period.start, period.end) == (date(2025, 8, 1), date(2026, 6, 30))
    assert any(n.startswith("Your edition from July 12, 2026 to July 15, 2026 is left out") for n in notes), notes
    # A venue with events every day (a museum) is rounded as before.
    daily = [date(2025, 1, 1) + timedelta(days=i) for i in range(600)]
    period, notes = resolve_period({"from": "2025-07-17", "to": "2026-07-15"}, window, pooled=True, event_days=daily)
    assert (period.start, period.end) == (date(2025, 8, 1), date(2026, 6, 30)) and len(notes) == 1


def test_a_museums_timed_entries_are_one_exhibition_with_its_sales_per_week(tmp_path: Path) -> None:
    """A museum sells « Le fleuve la nuit » in timed entries, four a day for ten days: the Sales pace tab
    listed its 40 slots (« 28 août 2026 à 15 h 00 · Le fleuve la nuit ») among its two concerts. The
    exhibition is listed once, with its tickets sold per week; the concerts stay one line each."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.tabs import TABS
    from culturecoop.web.views import tab_view

    db = tiny_cooperative(tmp_path / "museum.duckdb")
    slots = [(f"S{d}-{h}", datetime(2025, 3, 20 + d, 10 + 2 * h)) for d in range(10) for h in range(4)]
    with Warehouse(db) as w:
        insert(w, "member", [("musee-m", "Musée M", "museum", "Québec")])
        insert(w, "event", [("musee-m", e, "Le fleuve la nuit", at, "Salle", "G1R", ["visual_arts"], [], 20, True, "fr")
                            for e, at in slots] + [("musee-m", f"C{i}", f"Concert {i}", datetime(2025, 3, 25 + i, 20), "Salle",
                                                    "G1R", ["classical"], [], 100, True, "fr") for i in range(2)])
        insert(w, "patron", [patron_row("musee-m", f"M{p:03d}") for p in range(60)])
        # 40 tickets the week of 3 March, 20 the week of 10 March; one ticket per concert.
        insert(w, "ticket", [ticket_row("musee-m", f"T{p}", f"M{p:03d}", slots[p % 40][0], datetime(2025, 3, 4 if p < 40 else 12))
                             for p in range(60)] + [ticket_row("musee-m", f"K{i}", "M000", f"C{i}", datetime(2025, 3, 5)) for i in range(2)])
        answer = run_report("events", w, "musee-m", {"from": "2025-01-01", "to": "2025-03-15"}).to_json()
        slot = run_report("pace", w, "musee-m", {"from": "2025-01-01", "to": "2025-03-15"}).to_json()
    assert sorted(r["title"] for r in answer["rows"]) == ["Concert 0", "Concert 1"]
    assert answer["exhibitions"] == [{"title": "Le fleuve la nuit", "first_day": "2025-03-20", "last_day": "2025-03-29",
                                      "slots": 40, "tickets_sold": 60}]
    assert [(r["week"], r["tickets_sold"]) for r in answer["exhibition_weeks"]] == [("2025-03-03", 40), ("2025-03-10", 20)]
    view = tab_view(next(tab for tab in TABS if tab.slug == "pace"), {"events": {**answer, "available": True}},
                    Translator("fr"), "musee-m")
    assert view.picker is not None and len(view.picker["upcoming"]) == 2
    section = next(s for s in view.sections if s.id == "exhibitions")
    assert section.chart is not None and section.table is not None and section.title == "Vos expositions"
    # The next slot, the pace's default event, is still ahead: not « a replay » because it is not listed.
    assert slot["summary"]["event_id"] == "S0-0"
    view = tab_view(next(tab for tab in TABS if tab.slug == "pace"), {"events": {**answer, "available": True},
                    "pace": {**slot, "available": True}}, Translator("en"), "musee-m")
    assert not any("A replay" in n for n in view.notes), view.notes


def test_a_theatres_evenings_are_no_editions_and_a_festivals_weekends_are() -> None:
    # A theatre's single show day (29 June 2025, its next show a week later) was taken for an edition:
    # its cross-member months kept June, thirteen months, and its Segments tab disagreed with the audience
    # saved from it (200 fading patrons counted, 164 saved).
    from datetime import date, timedelta

    from culturecoop.analytics.period import Period, editions

    theatre = [date(2025, 6, 29) + timedelta(days=7 * week + d) for week in range(40) for d in (0, 2)]
    assert editions(theatre) == []
    festival = [date(2023, 7, 13) + timedelta(days=d) for d in range(4)] + [date(2024, 7, 11) + timedelta(days=d) for d in range(4)]
    assert editions(festival) == [Period(date(2023, 7, 13), date(2023, 7, 16)), Period(date(2024, 7, 11), date(2024, 7, 14))]
