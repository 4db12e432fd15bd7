"""What a francophone reader sees in sentences and charts built without the app: the audit lines
of the Transparency tab, the charts' scales, the tabs' words (issue QA s34). Pure functions only:
no cooperative is built here."""

from __future__ import annotations

from typing import Any

import pytest

from culturecoop.web.i18n import Translator
from culturecoop.web.views.transparency import audit_line
from web.leaks import raw_codes

A, B = "jazz-dieze", "billets-boreal"
NAMES = {A: "Club de jazz Le Dièse", B: "Billets Boréal"}


def _entry(**fields: Any) -> dict[str, Any]:
    return {"seq": 3, "recorded_at": "2026-12-06T17:12:00", "actor": "web:someone", "member_id": A,
            "action": "release", "report": "elsewhere", "parameters": {"from": "2025-09-01", "to": "2026-08-31"},
            "epsilon": 0.0, "cells_released": 38, "cells_suppressed": 9, "members_touched": [A, B]} | fields


def test_the_command_line_is_followed_by_a_comma_before_the_verb() -> None:
    """« la coopérative, en ligne de commande a consulté » read as if the command line consulted."""
    fr = audit_line(_entry(actor="cli:root"), A, {}, NAMES, Translator("fr")).sentence
    assert "la coopérative, en ligne de commande, a consulté « Ailleurs »" in fr, fr
    en = audit_line(_entry(actor="cli:root"), A, {}, NAMES, Translator("en")).sentence
    assert "the cooperative, from the command line, consulted" in en, en


def test_another_members_campaign_is_a_campaign_not_its_identifier() -> None:
    """Billets Boréal's campaign showed on Le Dièse's Transparency tab as « a créé la campagne
    cmp_7dfe108e62e8 »: an identifier the reader cannot use (and its subject is not theirs to read)."""
    t = Translator("fr")
    for step, words in (("campaign_created", "a créé une campagne."), ("campaign_approved", "a approuvé une campagne."),
                        ("campaign_send_started", "a commencé l’envoi d’une campagne."),
                        ("campaign_sent", "a terminé un envoi d’une campagne."),
                        ("campaign_send_interrupted", "l’envoi d’une campagne s’est interrompu")):
        entry = _entry(member_id=B, action="campaign", report=step, parameters={"campaign": "cmp_7dfe108e62e8"},
                       members_touched=[B])
        sentence = audit_line(entry, A, {}, NAMES, t).sentence
        assert words in sentence and "cmp_" not in sentence and not raw_codes(sentence), sentence
        if step != "campaign_send_interrupted":
            assert ", Billets Boréal, un autre membre, a " in sentence, sentence
    # The member's own campaign is still named by its subject.
    own = _entry(action="campaign", report="campaign_created", parameters={"campaign": "cmp_1"})
    sentence = audit_line(own, A, {}, NAMES, t, {"cmp_1": "La nouvelle saison"}).sentence
    assert "a créé la campagne « La nouvelle saison »" in sentence, sentence


def test_a_lift_map_colours_twice_and_half_as_often_equally_far_from_1() -> None:
    """Affinités: on a linear scale from 0 to the strongest pair (classical × opera, 8.3), a pair at
    2.8 was near white (« neither more nor less ») while 0.5 was mid-blue. Twice and half as often
    now sit as far from 1 on either side, and the colour bar reads in French ratios."""
    from culturecoop.web import charts

    genres = ["Jazz", "Blues", "Opéra", "Musique classique"]
    z = [[None, 2.8, 0.5, 2.0], [2.8, None, 1.0, None], [0.5, 1.0, None, 8.3], [2.0, None, 8.3, None]]
    figure = charts.heatmap("Lift", genres, genres, z, Translator("fr"), x_title="Genre B", y_title="Genre A",
                            value_title="Lift", unit="times", midpoint=1.0)
    trace = figure["data"][0]

    def position(row: int, col: int) -> float:  # where a cell falls on the colour scale, 0 to 1
        value = trace["z"][row][col]
        return float((value - trace["zmin"]) / (trace["zmax"] - trace["zmin"]))

    assert 0.5 - position(0, 2) == pytest.approx(position(0, 3) - 0.5) and position(0, 3) > 0.6  # 0.5 and 2
    assert position(1, 2) == 0.5  # 1: white
    assert position(0, 1) > 0.7  # 2.8: well into the red half, not near white
    assert trace["customdata"][0][1] == 2.8 and "customdata" in trace["hovertemplate"]  # the hover tells 2,80 ×
    ticks = dict(zip(trace["colorbar"]["tickvals"], trace["colorbar"]["ticktext"], strict=True))
    assert ticks[-1] == "0,5\u00a0×" and ticks[0] == "1\u00a0×" and ticks[1] == "2\u00a0×" and ticks[3] == "8\u00a0×", ticks


def test_the_main_area_is_named_as_the_tables_sector() -> None:
    """Public: « 89 % de vos clients habitent la région Montréal » (no « de »), and « la région Hors
    Canada », « la région Ville de Québec » for other members: the area is the table's « Secteur »."""
    from culturecoop.analytics.insights import Insight, Value

    for area, said in (("Montréal", "habitent le secteur Montréal."), ("City of Québec", "habitent le secteur Ville de Québec."),
                       ("Outside Canada", "habitent le secteur Hors du Canada.")):
        insight = Insight("audience.main_area", "{share} of your patrons live in {area}.",
                          {"share": Value("percent", 0.89), "area": Value("label", area)})
        assert insight.text("fr") == f"89 % de vos clients {said}".replace(" %", "\u00a0%"), insight.text("fr")


def test_the_contribution_says_the_recommendations_share_without_their_metrics_name() -> None:
    """Contribution: « 4,5 points de nDCG@10 sur 19,4 »: the name of a ranking metric, in a sentence
    for a marketing manager (the table beneath says what is measured, in words)."""
    from culturecoop.web.views.contribution import contribution_view

    data = {"members": 6, "functions": {"recommendation": {"total": 19.4, "member": 4.48, "fraction": 0.231}}}
    for language in ("fr", "en"):
        (point,) = contribution_view(data, Translator(language)).points
        assert "nDCG" not in point and "@" not in point, point
    (point,) = contribution_view(data, Translator("fr")).points
    assert point == "23,1\u00a0% de la précision gagnée par les recommandations sur les événements des membres : 4,5 points sur 19,4.", point


def test_a_campaigns_lift_is_drawn_in_points_with_plain_names() -> None:
    """Campagnes: the lift (+7,0 points, as the sentence says) was drawn on an axis ticked « 10 % »
    (a relative change, to a reader), its bars named « Deux proportions » under « Estimation »."""
    from culturecoop.web.views.campaigns import results_view

    lift = {"difference": 0.07, "low": 0.041, "high": 0.099}
    results = {"k": 10, "campaign_id": "cmp_1", "status": "sent", "arms": [], "first_sent_at": "2026-12-06",
               "lift": {"available": True, "rate_treatment": 0.154, "rate_holdout": 0.084, "two_proportion": lift,
                        "cuped": lift}}
    chart = results_view(results, {}, Translator("fr")).chart
    assert chart is not None
    axis, bars = chart["layout"]["yaxis"], chart["data"][0]
    assert axis["ticksuffix"] == "\u00a0pts" and bars["y"] == [7.0, 7.0], (axis, bars["y"])
    assert "pts" in bars["hovertemplate"] and "%" not in bars["hovertemplate"].replace("%{", "")
    assert bars["x"] == ["Comparaison directe", "En tenant compte des dépenses passées"]
    assert chart["layout"]["xaxis"]["title"]["text"] == "Mode de calcul"


def test_a_campaigns_table_says_nothing_sent_yet_and_never_writes_an_amount_as_under_k() -> None:
    """A campaign ready to send read « Envoyé < 10 · Remis < 10 · Recettes < 10 »: as if a few had been
    sent, and as if it had brought less than 10 $. Before the first send its counts read « – » (the
    sentence above says it is not sent); after it, a revenue the gate hides reads « masqué », said why."""
    from culturecoop.campaigns.results import HOLDOUT_MEASURES, TREATMENT_MEASURES
    from culturecoop.web.views.campaigns import results_view

    def answer(sent: bool) -> dict[str, object]:
        """What ``campaign_results`` releases for 202 people drawn and 22 held out, nobody bought."""
        def arm(name: str, measures: tuple[str, ...], people: int) -> dict[str, object]:
            return {"arm": name, "measures": [{"measure": m, "value": people if m == "recipients" else None} for m in measures],
                    "revenue": None}
        return {"k": 10, "campaign_id": "cmp_1", "status": "sent" if sent else "ready",
                "first_sent_at": "2026-12-06T20:00:00" if sent else None, "lift": {"available": False},
                "arms": [arm("treatment", TREATMENT_MEASURES, 202), arm("holdout", HOLDOUT_MEASURES, 22)]}

    t = Translator("fr")
    ready = results_view(answer(False), {}, t)
    assert [row["cells"] + [row["revenue"]] for row in ready.rows] == [["202", "–", "–", "–", "–", "–", "–"],
                                                                      ["22", "–", "–", "–", "–", "–", "–"]]
    assert "pas encore été envoyée" in ready.lift_sentence and not ready.revenue_hidden
    sent = results_view(answer(True), {}, t)
    assert [row["revenue"] for row in sent.rows] == ["masqué", "masqué"] and sent.revenue_hidden
    assert sent.rows[0]["cells"][:2] == ["202", "< 10"]


def test_a_campaigns_lift_is_also_said_in_buyers() -> None:
    """« +19,6 points (intervalle à 95 % de +7,9 à +31,4) »: a venue counts buyers. With the interval
    clear of zero, the sentence adds how many more bought among the people drawn for the campaign; with
    an interval that reaches zero it claims no buyer."""
    from culturecoop.campaigns.results import HOLDOUT_MEASURES, TREATMENT_MEASURES
    from culturecoop.web.views.campaigns import results_view

    def answer(low: float) -> dict[str, object]:
        lift = {"difference": 0.196, "low": low, "high": 0.314}
        arms = [{"arm": arm, "revenue": 5688.0, "measures": [{"measure": m, "value": {"recipients": 112, "converted": 45}.get(m, 112)}
                                                             for m in measures]}
                for arm, measures in (("treatment", TREATMENT_MEASURES), ("holdout", HOLDOUT_MEASURES))]
        return {"k": 10, "campaign_id": "cmp_1", "status": "sent", "first_sent_at": "2026-12-06T20:00:00", "arms": arms,
                "lift": {"available": True, "rate_treatment": 0.402, "rate_holdout": 0.205, "two_proportion": lift, "cuped": lift}}

    clear = results_view(answer(0.079), {}, Translator("fr")).lift_sentence
    assert clear.endswith("Soit environ 22 acheteurs de plus que sans elle, parmi les 112 personnes tirées pour la campagne."), clear
    english = results_view(answer(0.079), {}, Translator("en")).lift_sentence
    assert english.endswith("That is about 22 more buyers than without it, among the 112 people drawn for the campaign."), english
    unclear = results_view(answer(-0.01), {}, Translator("fr")).lift_sentence
    assert "acheteur" not in unclear, unclear


def test_a_venues_few_genres_are_all_named_in_the_legend_and_many_are_not() -> None:
    """« Parts des genres chez vous »: the rising genre was named and the venue's two other genres
    were unnamed grey lines. A few grey lines are now named, each with its own stroke; a
    cooperative's dozen stay out of the legend."""
    from culturecoop.web import charts

    t = Translator("fr")
    x = ["2026-01-01", "2026-02-01"]
    few = charts.lines("Parts", x, [("Jazz", [0.5, 0.6]), ("Théâtre", [0.3, 0.2]), ("Danse", [0.2, 0.2])], t,
                       value_title="Part", x_title="Mois", unit="percent", highlight={"Jazz": charts.RISING})
    named = [(trace["name"], trace["line"]["dash"]) for trace in few["data"] if trace["showlegend"]]
    assert [name for name, _dash in named] == ["Jazz", "Théâtre", "Danse"]
    assert len({dash for name, dash in named if name != "Jazz"}) == 2  # two grey lines, two strokes
    assert few["layout"]["showlegend"] is True
    many = charts.lines("Parts", x, [(f"Genre {i}", [0.1, 0.1]) for i in range(12)], t, value_title="Part",
                        x_title="Mois", unit="percent", highlight={"Genre 0": charts.RISING})
    assert [trace["name"] for trace in many["data"] if trace["showlegend"]] == ["Genre 0"]


def test_a_services_command_line_advice_is_said_in_the_dashboards_words() -> None:
    """The Target tab of a cooperative without a model said « lancez d’abord `culturecoop reco train --db
    FICHIER` », a cross-member tab before linking « lancez d’abord `culturecoop link --db …` », and a
    missing programme « (onglet Public cible, ou `culturecoop reco programme`) »: commands a venue's
    staff cannot run. The dashboard says what happens instead, or keeps only the page's way."""
    import re
    import string

    from culturecoop.i18n import catalog
    from culturecoop.web.i18n import COMMAND_ADVICE, retranslate

    shown = [theirs for theirs, _ours in COMMAND_ADVICE]
    shown += [msgid for msgid in catalog("fr") if re.search(r"(?:, or|\(above, or with) `culturecoop ", msgid)]
    assert len(shown) >= 8, shown
    for msgid in shown:
        fields = {f: "x" for _l, f, _s, _c in string.Formatter().parse(msgid) if f}
        for language in ("fr", "en"):
            said = retranslate(msgid.format(**fields), language)
            assert "culturecoop" not in said and ("Target audience tab" in said or "onglet Public cible" in said
                                                  or "above" in said or "ci-dessus" in said or "coop" in said), said
