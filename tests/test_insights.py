"""Every insight rule: it speaks on data planted to support it, stays silent on data that does not,
and never states a number the privacy gate suppressed. Answers are built in the JSON shape of
``ReportResult.to_json`` (what the gate released); a last test runs the real reports on a real
cooperative and finds its planted affinity in a sentence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from culturecoop.analytics import insights, run_report
from culturecoop.analytics.answers import to_jsonable
from culturecoop.analytics.insights import Insight, findings
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import tiny_cooperative

PERIOD = {"from": "2025-09-01", "to": "2026-08-31"}
LONG_HISTORY = {"first_day": "2023-09-01", "last_day": "2026-08-31", "as_of": "2026-08-31"}
SHORT_HISTORY = {"first_day": "2024-09-02", "last_day": "2026-08-31", "as_of": "2026-08-31"}


def answer(rows: list[dict[str, Any]] | None = None, *, summary: dict[str, Any] | None = None,
           coverage: dict[str, Any] | None = None, **tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"available": True, "params": dict(PERIOD), "coverage": coverage or LONG_HISTORY, "summary": summary or {},
            "rows": rows or [], "k": 10, **tables}


def rules(found: list[Insight]) -> set[str]:
    return {i.rule for i in found}


def texts(found: list[Insight]) -> str:
    return " ".join(i.text("fr") + " " + i.text("en") for i in found)


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d[\d\u202f\u00a0,.]*", text))


# -- overview --------------------------------------------------------------------------------------

def overview_rows(patrons: int, previous: int, revenue: float = 30_000.0, previous_revenue: float = 30_000.0) -> list[dict[str, Any]]:
    def row(metric: str, now: Any, before: Any) -> dict[str, Any]:
        return {"metric": metric, "label": metric, "this_period": now, "previous_period": before,
                "change": None if not before else (now - before) / before}
    return [row("patrons", patrons, previous), row("new_patrons", patrons // 3, previous // 3),
            row("returning_patrons", patrons - patrons // 3, previous - previous // 3), row("tickets", 3 * patrons, 3 * previous),
            row("revenue", revenue, previous_revenue), row("average_basket", 60.0, 58.0)]


def test_overview_change_fires_on_a_real_change_and_is_silent_on_a_first_season() -> None:
    grown = insights.overview_rules({"overview": answer(overview_rows(1200, 1000, 40_000, 30_000))})
    assert {"overview.patrons_change", "overview.revenue_change", "overview.returning", "overview.basket"} <= rules(grown)
    said = {i.rule: i for i in grown}
    assert said["overview.patrons_change"].text("fr") == "Vous avez accueilli 1\u00a0200 clients sur la période : 20\u00a0% de plus que sur la période précédente."
    assert "33" in said["overview.revenue_change"].text("en")
    # The period before is the data's first season: no comparison, no "had come before".
    first = insights.overview_rules({"overview": answer(overview_rows(1200, 1000, 40_000, 30_000),
                                                        coverage={**SHORT_HISTORY, "first_day": "2025-09-01"})})
    assert rules(first) == {"overview.basket"}
    steady = insights.overview_rules({"overview": answer(overview_rows(1010, 1000))})
    assert "overview.patrons_stable" in rules(steady) and "overview.revenue_change" not in rules(steady)


def test_a_museums_walk_ins_are_said_beside_its_named_tickets() -> None:
    """Marc's museum: 9 070 tickets naming a patron, and 10 928 admissions sold at the desk naming nobody.
    « Vos 9 070 billets ont rapporté 184 514 $ » read as his whole public; the walk-ins were in a note at the
    page's foot. The sentence now says both."""
    found = insights.overview_rules({"overview": answer(overview_rows(2250, 2240, 184_514, 183_000),
                                                        summary={"unnamed_admissions": 10928})})
    basket = next(i for i in found if i.rule == "overview.basket")
    assert basket.text("fr").startswith("Vos 6\u00a0750 billets nominatifs ont rapporté"), basket.text("fr")
    assert "Les entrées vendues à la porte ou au comptant sans nom (10\u00a0928) ne figurent pas dans ces chiffres." in basket.text("fr")
    plain = insights.overview_rules({"overview": answer(overview_rows(2250, 2240, 184_514, 183_000))})
    assert next(i for i in plain if i.rule == "overview.basket").text("en").startswith("Your 6,750 tickets brought in")


def test_fewer_newcomers_is_said_with_where_to_find_them() -> None:
    """439 patrons as before, but 105 first-timers against 240: the page's largest swing, and the
    one a programmer acts on."""
    rows = overview_rows(439, 443)
    for row in rows:
        if row["metric"] == "new_patrons":
            row.update(this_period=105, previous_period=240, change=(105 - 240) / 240)
    found = {i.rule: i for i in insights.overview_rules({"overview": answer(rows)})}
    assert found["overview.newcomers_change"].text("fr") == (
        "Moins de nouveaux venus : 105 personnes venues pour la première fois sur la période, 56\u00a0% de moins "
        "que sur la période précédente (240). L’onglet Public cible trouve les personnes susceptibles de venir pour la "
        "première fois.")
    # Nearly none came for a first time: « 1 personne venue », never « 1 personnes sont venues ».
    for row in rows:
        if row["metric"] == "new_patrons":
            row.update(this_period=1, change=(1 - 240) / 240)
    alone = {i.rule: i for i in insights.overview_rules({"overview": answer(rows)})}["overview.newcomers_change"]
    assert alone.text("fr").startswith("Moins de nouveaux venus : 1 personne venue pour la première fois sur la période, 100\u00a0% de moins"), alone.text("fr")
    assert alone.text("en").startswith("Fewer newcomers: 1 person new to you over the period"), alone.text("en")
    assert list(found)[:2] == ["overview.patrons_stable", "overview.newcomers_change"]
    # A small swing is weather; a period before without history of its own compares with an artefact.
    assert "overview.newcomers_change" not in rules(insights.overview_rules({"overview": answer(overview_rows(1010, 1000))}))
    short = insights.overview_rules({"overview": answer(rows, coverage=SHORT_HISTORY)})
    assert "overview.newcomers_change" not in rules(short)


def test_overview_is_silent_on_too_few_patrons() -> None:
    few = insights.overview_rules({"overview": answer(overview_rows(12, 10))})
    assert not {"overview.patrons_change", "overview.returning"} & rules(few)


def test_the_months_also_held_a_year_before_are_compared_like_for_like() -> None:
    """The period before starts before the data (a member's second season): the key figures show no
    change, but the months whose same days a year before are in the data compare all the same."""
    months = [{"month": f"2025-{m:02d}", "tickets": 100, "tickets_year_before": None} for m in (9, 10)]
    months += [{"month": f"2025-{m:02d}", "tickets": 150, "tickets_year_before": 100} for m in (11, 12)]
    months += [{"month": "2026-01", "tickets": 150, "tickets_year_before": 100}]
    partial = {**SHORT_HISTORY, "first_day": "2024-10-15"}
    found = {i.rule: i for i in insights.overview_rules({"overview": answer(overview_rows(1200, 0), coverage=partial,
                                                                             by_month=months)})}
    assert found["overview.year_before_change"].text("fr") == (
        "Entre novembre 2025 et janvier 2026, les mois que vos données couvrent aussi un an plus tôt, vos billets sont "
        "en hausse de 50\u00a0% : 450 contre 300 un an avant.")
    assert found["overview.year_before_change"].text("en").startswith("From November 2025 to January 2026,")
    # Two months are too few to say a trend; a comparable period before says it already.
    two = insights.overview_rules({"overview": answer(overview_rows(1200, 0), coverage=partial, by_month=months[:4])})
    assert not {"overview.year_before_change", "overview.year_before_stable"} & rules(two)
    whole = insights.overview_rules({"overview": answer(overview_rows(1200, 1000), by_month=months)})
    assert "overview.year_before_change" not in rules(whole)


# -- audience --------------------------------------------------------------------------------------

def test_audience_rules_fire_on_a_concentrated_audience_and_not_on_a_spread_one() -> None:
    areas = [{"area": "Montréal", "patrons": 800, "share": 0.8, "tickets": 2000},
             {"area": "Western Québec", "patrons": 200, "share": 0.2, "tickets": 400}]
    ages = [{"age_band": "25_34", "patrons": 500, "share": 0.5}, {"age_band": "35_44", "patrons": 300, "share": 0.3},
            {"age_band": "unknown", "patrons": 200, "share": 0.2}]
    bands = [{"dimension": "frequency", "band": "1", "patrons": 600, "share": 0.6, "revenue": 6000, "revenue_share": 0.3},
             {"dimension": "frequency", "band": "3-4", "patrons": 100, "share": 0.1, "revenue": 8000, "revenue_share": 0.4}]
    found = insights.audience_rules({"geography": answer(areas, summary={"share_nearby": 0.4}, ages=ages),
                                     "frequency": answer(bands)})
    assert rules(found) == {"audience.main_area", "audience.nearby", "audience.age", "audience.once", "audience.loyal_revenue"}
    assert len(findings({"geography": answer(areas, summary={"share_nearby": 0.4}, ages=ages),
                         "frequency": answer(bands)}).insights) == insights.MAX_INSIGHTS
    assert "Montréal" in texts(found) and "25 à 34 ans" in " ".join(i.text("fr") for i in insights.audience_rules(
        {"geography": answer(areas, summary={"share_nearby": 0.4}, ages=ages)}))
    spread = [{"area": f"Area {i}", "patrons": 100, "share": 0.1, "tickets": 100} for i in range(10)]
    even = [{"dimension": "frequency", "band": "1", "patrons": 300, "share": 0.3, "revenue": 3000, "revenue_share": 0.3},
            {"dimension": "frequency", "band": "3-4", "patrons": 300, "share": 0.3, "revenue": 3000, "revenue_share": 0.3}]
    quiet = insights.audience_rules({"geography": answer(spread, summary={"share_nearby": 0.05}), "frequency": answer(even)})
    assert quiet == []


# -- retention -------------------------------------------------------------------------------------

def test_the_return_rate_is_said_of_visits_not_of_people() -> None:
    """616 visits, 216 of them followed by a return, by 439 people: 35 % is of the visits (of the
    people, 49 % or fewer came back). The sentence said "35 % of your spectators came back"."""
    found = insights.retention_rules({"retention": answer([], summary={"return_rate": 0.351, "followed_attendances": 616,
                                                                       "patrons": 439, "back_within": 216,
                                                                       "horizon_months": 6})})
    assert [i.text("fr") for i in found if i.rule == "retention.rate"] == [
        "35\u00a0% des visites que vos données suivent sur six mois ont été suivies, dans les six mois, d’un retour de la "
        "même personne à un autre de vos événements."]
    # A yearly festival's horizon (thirteen months) is said with its rate.
    festival = insights.retention_rules({"retention": answer([], summary={"return_rate": 0.42, "followed_attendances": 900,
                                                                          "horizon_months": 13})})
    assert [i.text("en") for i in festival if i.rule == "retention.rate"] == [
        "Within 13 months, 42% of the visits your data follows that long were followed by a return of the same person "
        "to another of your events."]


def test_retention_rules() -> None:
    events = [{"event_id": f"E{i}", "title": f"Concert {i}", "event_day": f"2025-{10 + i}-15", "attendees": 100,
               "came_back": 20 + 20 * i, "return_rate": 0.2 + 0.2 * i, "return_rate_6_months": 0.1 + 0.2 * i}
              for i in range(3)]
    cohorts = [{"cohort": m, "months_after": a, "patrons": n, "share": n / 100}
               for m in ("2025-09", "2025-10") for a, n in ((0, 100), (1, 15))]
    found = insights.retention_rules({"retention": answer(events, summary={"return_rate": 0.4, "attendances": 300},
                                                          cohorts=cohorts)})
    assert rules(found) == {"retention.rate", "retention.events", "retention.next_month"}
    assert "Concert 0" in texts(found) and "Concert 2" in texts(found) and "15" in texts(found)
    assert "Parmi vos événements d’au moins 30 spectateurs, revenus à un autre de vos événements dans les six mois : 50\u00a0% des clients de Concert 2" in texts(found)
    assert "10\u00a0% de ceux de Concert 0" in texts(found) and "le plus faible" in texts(found)
    # Events the data does not follow six months (the report gives them no six-month rate; « at
    # any time » would favour the oldest) are not compared.
    late = [{**e, "return_rate_6_months": None} for e in events]
    assert "retention.events" not in rules(insights.retention_rules({"retention": answer(late, summary={"return_rate": 0.4, "attendances": 300})}))
    assert insights.retention_rules({"retention": answer([], summary={"return_rate": 0.5, "attendances": 8})}) == []


def test_the_best_return_rate_says_which_events_it_ranks() -> None:
    """« 58 % des clients de Bord de mer (19 sept. 2025), votre meilleur taux » beside a chart and a
    table where Bord de mer of 5 September, 22 spectators, came back at 72,7 %: the rule ranks events of
    at least MIN_PATRONS attendees, and said nothing of it. The sentence now says the events it ranks."""
    events = [{"event_id": f"E{i}", "title": "Bord de mer", "event_day": f"2025-09-{5 + 7 * i:02d}",
               "attendees": attendees, "return_rate_6_months": rate}
              for i, (attendees, rate) in enumerate(((22, 0.727), (40, 0.58), (35, 0.2), (60, 0.4)))]
    found = [i for i in insights.retention_rules({"retention": answer(events, summary={"return_rate": 0.4, "attendances": 157})})
             if i.rule == "retention.events"]
    assert len(found) == 1
    french, english = found[0].text("fr"), found[0].text("en")
    assert french.startswith(f"Parmi vos événements d’au moins {insights.MIN_PATRONS} spectateurs, ") and "72,7" not in french
    assert "58\u00a0% des clients de Bord de mer (12 sept. 2025), votre meilleur taux" in french, french
    assert english.startswith(f"Among your events of at least {insights.MIN_PATRONS} attendees, "), english


# -- trends ----------------------------------------------------------------------------------------

def trend(genre: str, first: float | None, last: float | None, direction: str, hidden: bool = False) -> dict[str, Any]:
    change = None if first is None or last is None else last - first
    return {"genre": genre, "label": genre, "first_share": first, "last_share": last, "slope_per_month": change,
            "change": change, "direction": direction, "suppressed": ["first_share", "last_share"] if hidden else []}


def test_trends_name_rising_and_falling_genres_and_never_a_hidden_share() -> None:
    found = insights.trends_rules({"trends": answer([trend("electronic", 0.10, 0.58, "rising"), trend("classical", 0.21, 0.087, "falling"),
                                                     trend("jazz", 0.2, 0.2, "stable")],
                                                    yours=[trend("blues", 0.1, 0.3, "rising")])})
    assert rules(found) == {"trends.cooperative_rising", "trends.cooperative_falling", "trends.yours"}
    assert "Musique électronique" in texts(found) and "Electronic" in texts(found)
    hidden = insights.trends_rules({"trends": answer([{**trend("electronic", None, None, "rising", hidden=True), "change": 0.4}])})
    assert hidden == []
    assert insights.trends_rules({"trends": answer([trend("jazz", 0.2, 0.21, "stable")])}) == []
    # A slope of two points whose first and last months moved by one: "rising from 16 % to 17 %" is
    # not said; the next genre, whose numbers show it, is.
    weak = {**trend("world", 0.16, 0.17, "rising"), "change": 0.05}
    found = insights.trends_rules({"trends": answer([weak, trend("electronic", 0.10, 0.13, "rising")])})
    assert [i.values["genre"].value for i in found] == ["electronic"]


# -- elsewhere and overlap -------------------------------------------------------------------------

def genre_row(value: str, lift: float | None, low: float | None, high: float | None, significant: bool | None,
              suppressed: list[str] | None = None) -> dict[str, Any]:
    return {"value": value, "label": value, "patrons": 120, "share_of_audience": 0.1, "lift": lift, "ci_low": low,
            "ci_high": high, "q_value": 0.001 if significant else 0.4, "significant": significant,
            "suppressed": suppressed or []}


def test_elsewhere_states_a_significant_lift_with_its_interval_only() -> None:
    rows = [genre_row("blues", 3.7, 2.9, 4.6, True), genre_row("rock", 1.5, 0.8, 2.6, False)]
    overlap = [{"other_member": "theatre", "name": "Théâtre des Lilas", "shared": 700, "share_of_yours": 0.41, "suppressed": []}]
    found = findings({"elsewhere": answer(rows, summary={"share_going_elsewhere": 0.69, "audience": 1839}),
                      "overlap": answer(overlap)}).insights
    assert rules(found) == {"elsewhere.going", "elsewhere.lift", "overlap.largest"}
    french = " ".join(i.text("fr") for i in found)
    assert "blues 3,7 fois plus souvent" in french.lower() and "Rock" not in french
    # Its range as the page and the command line both say it (« IC 95 % 2,9–4,6 » before, which the
    # web rewrote for its pages alone).
    assert "(très probablement entre 2,9 et 4,6)" in french and "IC 95" not in french, french
    assert "(very probably between 2.9 and 4.6)" in " ".join(i.text("en") for i in found)
    assert "Théâtre des Lilas" in french
    # The audience is the share's whole, not the people it counts: « 69 % de votre public mutualisé (1 839
    # personnes) est aussi allé… » read as 1 839 people going elsewhere.
    assert "69\u00a0% des 1\u00a0839 personnes de votre public mutualisé sont aussi allées chez d’autres membres" in french, french
    # Not significant, an interval across 1, or a hidden cell: nothing said about genres.
    quiet = insights.elsewhere_rules({"elsewhere": answer([genre_row("blues", 3.7, 0.9, 5.0, True),
                                                           genre_row("rock", None, None, None, None, ["lift", "ci_low", "ci_high"])],
                                                          summary={"share_going_elsewhere": None, "audience": 1839})})
    assert quiet == []


def test_overlap_never_states_a_suppressed_share() -> None:
    hidden = [{"other_member": "x", "name": "Petit lieu", "shared": None, "share_of_yours": None,
               "suppressed": ["shared", "share_of_yours"]}]
    assert insights.elsewhere_rules({"overlap": answer(hidden)}) == []


# -- affinities ------------------------------------------------------------------------------------

def pair(a: str, b: str, lift: float | None, low: float | None = None, high: float | None = None, significant: bool = True,
         suppressed: list[str] | None = None) -> dict[str, Any]:
    return {"from_genre": a, "to_genre": b, "lift": lift, "ci_low": low, "ci_high": high, "significant": significant,
            "suppressed": suppressed or []}


def test_affinity_starts_from_the_members_own_genre() -> None:
    rows = [pair("jazz", "blues", 3.7, 3.5, 3.9), pair("blues", "jazz", 3.7, 3.4, 4.0), pair("classical", "opera", 5.2, 4.8, 5.6),
            pair("jazz", "rock", 0.5, 0.4, 0.6)]
    own = [{"genre": "jazz", "share": 0.84}, {"genre": "blues", "share": 0.31}]
    found = insights.affinity_rules({"affinity": answer(rows, your_genres=own)})
    assert [i.rule for i in found] == ["affinity.your_genre", "affinity.strongest"]  # blues → jazz is the same pair
    assert "Blues 3,7 fois plus" in found[0].text("fr") and "(très probablement entre 3,5 et 3,9)" in found[0].text("fr")
    assert "Opera" in found[1].text("en")


def test_a_genre_only_its_audience_attends_is_said_though_it_has_no_interval() -> None:
    """Every dance-goer also goes to the theatre (the theatre alone stages dance): theatre → dance
    has the chart's highest lift and no interval. The sentence said « théâtre → jeune public 1,4 »
    under a chart whose first bar was Danse at 4,4."""
    rows = [{**pair("theatre", "dance", 4.3631), "share": 0.2832}, {**pair("dance", "theatre", 4.3631, 4.24, 4.49), "share": 1.0},
            {**pair("theatre", "family", 1.42, 1.3, 1.5), "share": 0.4}]
    found = insights.affinity_rules({"affinity": answer(rows, your_genres=[{"genre": "theatre", "share": 0.75}])})
    assert found[0].rule == "affinity.nested"
    assert "qui fréquentent le genre Danse fréquentent aussi le genre Théâtre" in found[0].text("fr")
    assert "4,4 fois plus" in found[0].text("fr")
    # Where some dance-goers never go to the theatre, the interval exists and the usual sentence speaks.
    rows[1]["share"] = 0.97
    assert "affinity.nested" not in {i.rule for i in insights.affinity_rules({"affinity": answer(rows, your_genres=[{"genre": "theatre", "share": 0.75}])})}


def test_affinity_is_silent_when_nothing_is_significant_and_says_why() -> None:
    rows = [pair("jazz", "blues", 3.7, 0.8, 9.0, significant=False), pair("jazz", "rock", None, suppressed=["lift", "ci_low", "ci_high"])]
    result = findings({"affinity": answer(rows, your_genres=[{"genre": "jazz", "share": 0.9}])})
    assert result.insights == [] and result.silence is not None and "q < 0.05" in result.silence


# -- segments --------------------------------------------------------------------------------------

def segment(name: str, yours: int, your_share: float, coop_share: float | None, index: int | None) -> dict[str, Any]:
    hidden = [] if coop_share is not None else ["cooperative_patrons", "cooperative_share", "index"]
    return {"segment": name, "your_patrons": yours, "your_share": your_share, "cooperative_share": coop_share,
            "index": index, "suppressed": hidden}


def test_segments_over_and_under_represented() -> None:
    rows = [segment("regulars", 180, 0.18, 0.09, 200), segment("explorers", 30, 0.03, 0.14, 21),
            segment("fading", 360, 0.36, 0.22, 163), segment("occasional", 430, 0.43, 0.55, 78)]
    found = insights.segments_rules({"segments": answer(rows)})
    assert rules(found) == {"segments.over", "segments.under", "segments.fading"}
    said = {i.rule: i.text("fr") for i in found}
    assert said["segments.over"].startswith("Habitués (venus au moins 4 mois différents de la période) : 18"), said
    assert said["segments.under"].startswith("Occasionnels (tous les autres) : seulement"), said


def test_a_festival_between_editions_is_not_told_its_whole_public_is_fading() -> None:
    """Inès's festival over July 2025 – June 2026 (the cross-member months stop before this July's edition):
    « En perte de vitesse : 100 % de vos clients, contre 32 % dans la coopérative » and « 4 448 clients
    (100 %) ne sont pas revenus … : un public à reconquérir », of people who had no event to come to."""
    rows = [segment("fading", 4448, 1.0, 0.32, 313), segment("occasional", 0, 0.0, 0.40, 0)]
    found = insights.segments_rules({"segments": answer(rows, summary={"events_in_last_six_months": False})})
    assert rules(found) == {"segments.no_late_events"}, [i.text("fr") for i in found]
    assert found[0].text("fr").startswith("Vous n’avez tenu aucun événement dans les six derniers mois de la période")
    held = insights.segments_rules({"segments": answer(rows, summary={"events_in_last_six_months": True})})
    assert {"segments.over", "segments.fading"} <= rules(held)


def test_segments_never_compare_with_a_hidden_cooperative_share() -> None:
    rows = [segment("regulars", 180, 0.18, None, None), segment("occasional", 820, 0.82, None, None)]
    assert insights.segments_rules({"segments": answer(rows)}) == []


# -- benchmark -------------------------------------------------------------------------------------

def figure(name: str, yours: float, peers: float | None, hidden: bool = False) -> dict[str, Any]:
    index = None if peers is None or hidden else round(100 * yours / peers)
    return {"figure": name, "label": name, "yours": yours, "peers": None if hidden else peers, "index": index,
            "suppressed": ["peers", "index"] if hidden else []}


def test_benchmark_compares_with_peers_only_when_there_are_peers() -> None:
    rows = [figure("patrons", 1800, 2000), figure("returning_share", 0.326, 0.28), figure("revenue_per_patron", 95.0, 80.0),
            figure("tickets_per_patron", 2.9, 2.8)]
    found = insights.benchmark_rules({"benchmark": answer(rows, summary={"peers": 4})})
    assert rules(found) == {"benchmark.returning", "benchmark.gap"}
    assert found[0].text("fr").startswith("32,6\u00a0% de vos clients") and "28,0\u00a0%" in found[0].text("fr")
    assert "19 %" in found[1].text("fr") or "19\u00a0%" in found[1].text("fr")
    none = findings({"benchmark": answer([figure("returning_share", 0.3, None, hidden=True)], summary={"peers": 0})})
    assert none.insights == [] and none.silence is not None


def test_benchmark_never_states_a_hidden_peer_figure() -> None:
    rows = [figure("returning_share", 0.326, 0.41, hidden=True), figure("revenue_per_patron", 95.0, 61.0, hidden=True)]
    assert insights.benchmark_rules({"benchmark": answer(rows, summary={"peers": 3})}) == []


# -- sales pace ------------------------------------------------------------------------------------

def test_pace_says_behind_ahead_or_on_pace() -> None:
    base = {"title": "Soirée Coltrane", "event_id": "E9", "days_before": 14, "tickets_sold": 80, "expected_by_now": 100,
            "forecast_final": 180, "forecast_low": 150, "forecast_high": 210, "capacity": 220, "sellout_probability": 0.1}
    behind = insights.pace_rules({"pace": answer(summary={**base, "pace_vs_comparables": -0.2})})
    assert [i.rule for i in behind] == ["pace.vs_comparables", "pace.forecast"]
    assert behind[0].text("fr") == ("Les ventes de « Soirée Coltrane » sont 20\u00a0% en retard sur des événements comparables à "
                                    "14 jours de l’événement (80 billets, 100 attendus).")
    # The eve of a show that has barely sold: « 1 day », « 1 billet », « 0 billet » (were « 1 days », « 0 billets »).
    eve = insights.pace_rules({"pace": answer(summary={**base, "days_before": 1, "tickets_sold": 1,
                                                       "pace_vs_comparables": -0.9})})
    assert eve[0].text("en") == "Sales of Soirée Coltrane are 90% behind comparable events at 1 day to go (1 ticket, 100 expected)."
    none_yet = insights.pace_rules({"pace": answer(summary={**base, "tickets_sold": 0, "pace_vs_comparables": -1.0})})
    assert "à 14 jours de l’événement (0 billet, 100 attendus)." in none_yet[0].text("fr"), none_yet[0].text("fr")
    ahead = insights.pace_rules({"pace": answer(summary={**base, "pace_vs_comparables": 0.3, "tickets_sold": 130})})
    assert "ahead" in ahead[0].text("en")
    level = insights.pace_rules({"pace": answer(summary={**base, "pace_vs_comparables": 0.05})})
    assert "on the pace" in level[0].text("en")
    # A range whose ends meet once rounded is no range: « probablement de 5 à 5 » said nothing.
    small = {**base, "pace_vs_comparables": None, "forecast_final": 5, "forecast_low": 4.8, "forecast_high": 5.2}
    assert [i.text("fr") for i in insights.pace_rules({"pace": answer(summary=small)})] == [
        "Prévision : 5 billets pour 220 places ; probabilité de complet : 10\u00a0%."]
    assert [i.text("en") for i in insights.pace_rules({"pace": answer(summary={**small, "capacity": None})})] == ["Forecast: 5 tickets."]
    nothing = insights.pace_rules({"pace": answer(summary={"title": "X", "days_before": 14, "pace_vs_comparables": None,
                                                          "forecast_final": None, "forecast_low": None, "forecast_high": None})})
    assert nothing == []


def test_a_replayed_forecast_is_judged_by_what_the_event_sold() -> None:
    """A past event replayed as of two weeks before: the Sales pace tab gave the forecast and
    never said what the event had really sold, though the member's own data holds it."""
    base = {"title": "Le Bal", "event_id": "E4", "days_before": 14, "tickets_sold": 26, "expected_by_now": 9,
            "forecast_final": 55, "forecast_low": 41, "forecast_high": 74, "capacity": 180, "sellout_probability": 0.0,
            "pace_vs_comparables": None}
    said = {outcome: insights.pace_rules({"pace": answer(summary={**base, "final_sold": final, "forecast_outcome": outcome})})
            for outcome, final in (("within", 43), ("above", 96), ("below", 30))}
    assert [i.rule for i in said["within"]] == ["pace.forecast", "pace.outcome"]
    assert said["within"][1].text("fr") == "Finalement, « Le Bal » a vendu 43 billets : dans la fourchette prévue."
    assert said["above"][1].text("fr").endswith("96 billets : plus que la fourchette prévue, qui s’arrêtait à 74.")
    assert said["below"][1].text("en").endswith("30 tickets: fewer than the forecast's range, which started at 41.")
    # An event still to come has no outcome to state.
    upcoming = insights.pace_rules({"pace": answer(summary={**base, "final_sold": None, "forecast_outcome": None})})
    assert [i.rule for i in upcoming] == ["pace.forecast"]
    # With a track record, how far the same forecast fell on the member's past events.
    judged = insights.pace_rules({"pace": answer(summary={**base, "range_basis": "track_record", "track_record_events": 40,
                                                          "track_record_error": 0.106})})
    assert judged[1].rule == "pace.track_record"
    assert judged[1].text("fr") == ("Faite 14 jours avant sur vos 40 derniers événements, cette prévision s’est écartée de "
                                    "leurs ventes finales de 11 % en médiane ; sa fourchette vient de ces écarts.")


# -- across the rules ------------------------------------------------------------------------------

def test_no_rule_ever_states_a_suppressed_number() -> None:
    """A hidden cell carries a value in the payload here (it never does from the gate): if a rule
    read it, its digits would appear in a sentence."""
    secret = 7_777
    leaky = {
        "elsewhere": answer([{**genre_row("blues", 3.7, 2.9, 4.6, True), "patrons": secret, "lift": 77.77,
                              "suppressed": ["patrons", "lift", "ci_low", "ci_high", "significant"]}],
                            summary={"share_going_elsewhere": None, "audience": 1839}),
        "overlap": answer([{"other_member": "x", "name": "Y", "shared": secret, "share_of_yours": 0.7777,
                            "suppressed": ["shared", "share_of_yours"]}]),
        "segments": answer([{**segment("regulars", 180, 0.18, 0.7777, 777), "suppressed": ["cooperative_share", "index"]}]),
        "benchmark": answer([{**figure("returning_share", 0.3, 0.7777), "suppressed": ["peers", "index"]}], summary={"peers": 3}),
        "affinity": answer([{**pair("jazz", "blues", 77.77, 70.0, 80.0), "suppressed": ["lift", "ci_low", "ci_high"]}],
                           your_genres=[{"genre": "jazz", "share": 0.9}]),
    }
    for name, result in leaky.items():
        said = " ".join(i.text(lang) for i in findings({name: result}).insights for lang in ("fr", "en"))
        assert not re.search(r"7[\s\u202f\u00a0,.]?777|77[,.]7|77[,.]8", said), (name, said)


def test_findings_are_at_most_four_and_translated_whatever_the_process_language() -> None:
    rows = [figure("patrons", 1800, 2000), figure("returning_share", 0.326, 0.28), figure("revenue_per_patron", 95.0, 80.0),
            figure("tickets_per_patron", 2.1, 2.8), figure("average_price", 20.0, 30.0)]
    found = findings({"benchmark": answer(rows, summary={"peers": 4})})
    assert 1 <= len(found.insights) <= insights.MAX_INSIGHTS
    french, english = found.texts("fr"), found.texts("en")
    assert french != english and all("{" not in s for s in french + english)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_cooperative(tmp_path_factory.mktemp("insights") / "tiny.duckdb")


def test_real_reports_make_sentences_in_both_languages(tiny: Path) -> None:
    """The rules read real answers (the gate's releases included) without failing, and what
    they say is consistent with the figures released."""
    params = {"from": "2025-01-01", "to": "2025-03-31"}
    with Warehouse(tiny) as w:
        results = {name: to_jsonable(run_report(name, w, "jazz-a", params)) for name in
                   ("overview", "geography", "frequency", "retention", "elsewhere", "overlap", "segments", "benchmark")}
    for name, result in results.items():
        for insight in findings({name: result}).insights:
            for language in ("fr", "en"):
                assert "{" not in insight.text(language)
    retention = findings({"retention": results["retention"]}).insights
    summary = results["retention"]["summary"]
    said = [i.text("en") for i in retention if i.rule == "retention.rate"]
    # The data ends on 2025-03-31: it follows no event of the quarter six months, so there is no rate to say.
    assert summary["return_rate"] is None and summary["followed_attendances"] == 0 and not said, (summary, said)


def test_a_share_of_nothing_reads_as_a_whole_number() -> None:
    """« est passé de 90 % à 0,0 % de vos billets »: a share under 10 % gets a decimal so that 4,2 %
    does not read 4 %, but nothing is « 0 % »."""
    from culturecoop.analytics.insights import Value

    assert Value("percent", 0.0).text("fr") == "0\u00a0%"
    assert Value("percent", 0.042).text("fr") == "4,2\u00a0%"
    assert Value("percent", 0.9).text("en") == "90%"
