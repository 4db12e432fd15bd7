"""A count and what it counts agree on the web pages, the API's messages and the governance rules:
« Paquet chargé : 35 billets, 1 événement », « en 1 publication », « 1 jour avant », not « 1 événements »,
« 1 publications », « 1 jours avant ».

No cooperative is built: each view, chart or template is given the figures a small member's page
holds and read as its reader reads it (the real functions and the real templates)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from culturecoop.errors import UserError
from culturecoop.governance.coop_health import CoopHealth
from culturecoop.governance.remuneration import Rules, check_rules
from culturecoop.i18n import current_language, set_language
from culturecoop.web import charts
from culturecoop.web.i18n import Translator
from culturecoop.web.render import env
from culturecoop.web.tabs import TABS
from culturecoop.web.views.admin_home import admin_home_view
from culturecoop.web.views.base import TabView
from culturecoop.web.views.next_steps import next_steps
from culturecoop.web.views.target import _why_hidden
from culturecoop.web.views.transparency import budget_sentences


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def content_of(template: str, language: str, **context: Any) -> str:
    """The words of a page's content block as the real template writes them."""
    t = Translator(language)
    page = env.get_template(template)
    given = {"_": t, "t": t, "plural": t.plural, "lang": language, "member_names": {}, **context}
    macros = env.get_template("macros.html").make_module(given)  # what the page imports at its top
    given.update({name: getattr(macros, name) for name in ("file_pick", "scroll_cue")})
    block = page.blocks["content"](page.new_context(given))
    return text_of("".join(block))


def hovers(trace: dict[str, Any]) -> list[str]:
    """What a reader sees on hovering each point of a trace: its template with the point's values."""
    said = []
    for i, x in enumerate(trace["x"]):
        text = trace["hovertemplate"].split("<extra>")[0].replace("%{x}", str(x))
        text = text.replace("%{text}", str(trace["text"][i])) if "text" in trace else text
        said.append(re.sub(r"%\{y[^}]*\}", str(trace["y"][i]), text).replace("<br>", " · "))
    return said


def test_the_sales_pace_hover_says_one_day_before_and_the_day_itself() -> None:
    t = Translator("fr")
    figure = charts.band("Rythme", [14, 7, 1, 0], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6], [2, 3, 5, 9], t,
                         band_name="b", middle_name="m", line_name="Cet événement", value_title="Billets vendus (cumul)",
                         x_title="Jours avant", estimate=(0, 12.0, 10.0, 14.0), estimate_name="Prévision")
    (line,) = [trace for trace in figure["data"] if trace.get("name") == "Cet événement"]
    said = hovers(line)
    assert said[0].startswith("14 jours avant · ") and said[1].startswith("7 jours avant · "), said
    assert said[2].startswith("1 jour avant · ") and said[3].startswith("le jour même · "), said
    (estimate,) = [trace for trace in figure["data"] if trace.get("name") == "Prévision"]
    assert hovers(estimate)[0].startswith("le jour même · "), hovers(estimate)
    english = charts.band("Pace", [1, 2], [1, 1], [1, 1], [1, 1], [1, 1], Translator("en"), band_name="b", middle_name="m",
                          line_name="l", value_title="Tickets", x_title="Days")
    assert [h.split(" · ")[0] for h in hovers(english["data"][2])] == ["1 day before", "2 days before"]


@pytest.mark.parametrize(("language", "releases", "said"), [
    ("fr", 0, "en 0 publication."), ("fr", 1, "en 1 publication."), ("fr", 2, "en 2 publications."),
    ("en", 0, "over 0 releases."), ("en", 1, "over 1 release."),
])
def test_the_privacy_budget_counts_its_releases(language: str, releases: int, said: str) -> None:
    (sentence,) = budget_sentences({"period_start": "2026-01-01", "period_end": "2026-12-31", "epsilon_spent": 0.5,
                                    "epsilon_budget": 10, "epsilon_left": 9.5, "releases": releases}, True, Translator(language))
    assert sentence.endswith(said), sentence


def test_the_admin_home_counts_each_members_releases() -> None:
    member = {"member_id": "salle", "name": "Salle", "kind": "theatre", "last_ingest": None, "data_until": None, "packages": 1,
              "tickets": 35, "patrons": 12, "found_elsewhere": 0, "linkage_rate": 0.0, "pooled_rate": 0.0,
              "budget": {"spent": 0.1, "budget": 10.0, "releases": 1}}
    health = CoopHealth(members=[member], pooled_people=0, chain_ok=True, chain_entries=1, first_bad_entry=None, noise=True,
                        warnings=[], checked_at=datetime.now(UTC).replace(tzinfo=None))
    view = admin_home_view(health, Translator("fr"))
    assert "0,10 sur 10,00 (1 publication)" in repr(view), repr(view)[:2000]


def test_a_show_on_course_for_one_ticket_says_one_ticket() -> None:
    (pace,) = [tab for tab in TABS if tab.slug == "pace"]
    view = TabView(tab=pace, member_id="salle", pooled=False, picker={"upcoming": [{"event_id": "E1"}]})
    summary = {"event_id": "E1", "title": "Pièce", "forecast_final": 1.2, "capacity": 200, "pace_vs_comparables": 0.0}
    (step,) = next_steps(view, {"pace": {"summary": summary}}, Translator("fr"))
    assert "environ 1 billet pour 200 places" in repr(step), step


def test_why_a_small_members_cross_offers_are_hidden_counts_its_one_patron() -> None:
    offers = {"partners": [{"your_patrons_for_their_events": None, "their_patrons_for_your_events": 12}],
              "own": {"consenting": 0, "patrons": 1}, "counted": None}
    said = " ".join(_why_hidden(offers, Translator("fr"), 10))
    assert "0 sur 1 client)" in said and "1 clients" not in said, said


def test_a_package_loaded_on_the_data_page_counts_each_table() -> None:
    result = {"outcome": "loaded", "rows_loaded": {"ticket": 35, "patron": 1, "event": 1}}
    said = content_of("data.html", "fr", result=result, member_id="salle", payload={"table_rows": {}, "data": []})
    assert "Paquet chargé : 35 billets, 1 client, 1 événement." in said, said
    said = content_of("data.html", "en", result={**result, "rows_loaded": {"ticket": 1, "patron": 0, "event": 2}},
                      member_id="salle", payload={"table_rows": {}, "data": []})
    assert "Package loaded: 1 ticket, 0 patrons, 2 events." in said, said


def test_the_transparency_page_shows_its_latest_entry_in_the_singular() -> None:
    line = {"action": "report", "seq": 5, "sentence": "Un rapport.", "data_from": None, "label": "n° 5"}
    view = SimpleNamespace(member_name="Salle", budget=[], lines=[line], total=5)
    said = content_of("transparency.html", "fr", view=view, member_id="salle", tooltip=lambda *a: "")
    assert "L’entrée la plus récente sur 5 ;" in said, said


@pytest.mark.parametrize("setting", ["floor", "cap"])
def test_remuneration_rules_for_one_member_say_one_member(setting: str) -> None:
    rules = Rules(pool_cents=100_000, floor_cents=200_000) if setting == "floor" else Rules(pool_cents=100_000, cap=0.5)
    before = current_language()
    set_language("fr")
    try:
        with pytest.raises(UserError) as refused:
            check_rules(rules, 1)
    finally:
        set_language(before)
    assert "seul membre (1)" in str(refused.value) and "1 membres" not in str(refused.value), refused.value


@pytest.mark.parametrize(("language", "difference", "said"), [
    ("fr", 0.005, "L’écart dû à la campagne est de +0,5 point (très probablement"),
    ("fr", 0.196, "L’écart dû à la campagne est de +19,6 points (très probablement"),
    ("en", 0.005, "The gap due to the campaign is +0.5 points (very probably"),
])
def test_a_campaigns_gap_in_points_agrees_with_its_figure(language: str, difference: float, said: str) -> None:
    from culturecoop.campaigns.results import HOLDOUT_MEASURES, TREATMENT_MEASURES
    from culturecoop.web.views.campaigns import results_view

    lift = {"difference": difference, "low": -0.01, "high": 0.314}
    arms = [{"arm": arm, "revenue": 5688.0, "measures": [{"measure": m, "value": 112} for m in measures]}
            for arm, measures in (("treatment", TREATMENT_MEASURES), ("holdout", HOLDOUT_MEASURES))]
    results = {"k": 10, "campaign_id": "cmp_1", "status": "sent", "first_sent_at": "2026-12-06T20:00:00", "arms": arms,
               "lift": {"available": True, "rate_treatment": 0.21, "rate_holdout": 0.205, "two_proportion": lift, "cuped": lift}}
    sentence = results_view(results, {}, Translator(language)).lift_sentence
    assert said in sentence, sentence


@pytest.mark.parametrize(("language", "boost", "said"), [
    ("fr", 0, "au moins 0 point au-dessus"), ("fr", 1, "au moins 1 point au-dessus"), ("fr", 12, "au moins 12 points au-dessus"),
    ("en", 1, "at least 1 point above"), ("en", 0, "at least 0 points above"),
])
def test_the_discoverability_setting_agrees_with_its_points(language: str, boost: float, said: str) -> None:
    from culturecoop.web.views.target import TargetView, _discoverability

    view = TargetView(member_id="salle", k=10)
    _discoverability(view, {"settings": {"diversity": 0.1, "boost": boost}}, Translator(language))
    assert said in str(view.settings), view.settings
