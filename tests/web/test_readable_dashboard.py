"""The dashboard as a francophone marketing manager of a small theatre reads it (issue s37): jargon said
as the question it answers (the term kept in a tooltip and the glossary), series told apart without
their colours, wide tables that say there is more on a phone, every « Période » line that can be
changed or says why not, and what the walk of the member tabs found worst. Pure functions first, then
a few pages of the module's cooperative."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from culturecoop.web import charts
from culturecoop.web.i18n import Translator
from culturecoop.web.tabs import TABS
from culturecoop.web.views.campaigns import results_view
from web.conftest import MEMBERS, Coop, login, new_client
from web.test_reports import figures, visible_text

A = MEMBERS["A"]
STATIC = Path(charts.__file__).parent / "static"
# Words a venue employee does not read, written bare (outside a tooltip or the glossary).
JARGON = re.compile(r"\b(lift|CUPED|nDCG(@\d+)?|AUC|Gini|p-value|q-value|valeurs? [pq]|IC 95|95 ?% CI|"
                    r"intervalle (de confiance|à 95)|95% interval|centile|percentile)\b", re.I)


# -- the campaign's effect in words --------------------------------------------------------------------

def _results(*, cuped: bool = True, available: bool = True) -> dict[str, Any]:
    simple = {"difference": 0.07, "low": 0.041, "high": 0.099}
    arms = [{"arm": "treatment", "measures": [{"measure": "recipients", "value": 200}], "revenue": 500.0},
            {"arm": "holdout", "measures": [{"measure": "recipients", "value": 22}], "revenue": 40.0}]
    lift: dict[str, Any] = {"available": False}
    if available:
        lift = {"available": True, "rate_treatment": 0.154, "rate_holdout": 0.084, "two_proportion": simple,
                "cuped": {"difference": 0.065, "low": 0.04, "high": 0.09} if cuped else None}
    return {"k": 10, "campaign_id": "cmp_1", "status": "sent", "first_sent_at": "2026-12-06T20:00:00",
            "arms": arms, "lift": lift}


def test_a_campaigns_effect_is_said_as_who_bought_with_and_without_it() -> None:
    """« Conversion 15,4 % avec la campagne contre 8,4 % sans : une différence de +7,0 points (intervalle
    à 95 % de +4,1 à +9,9) ; en tenant compte des dépenses passées (CUPED)… »: three words of a
    statistician. It now says who bought, what was expected without the campaign, and the range as
    « très probablement entre »; « sous k » (what to do?) says how many people and when to look again."""
    fr, en = Translator("fr"), Translator("en")
    said = results_view(_results(), {}, fr).lift_sentence
    assert said.startswith("15,4\u00a0% des personnes tirées pour la campagne ont acheté, contre 8,4\u00a0% des personnes "
                           "mises de côté sans le courriel : sans la campagne, on attendait 8,4\u00a0%."), said
    assert "très probablement entre +4,1 et +9,9" in said and "ce que chacun dépensait avant, +6,5 points" in said, said
    assert not JARGON.search(said), JARGON.search(said)
    english = results_view(_results(), {}, en).lift_sentence
    assert "without the campaign, 8.4% was to be expected" in english and not JARGON.search(english), english
    noisy = results_view(_results(cuped=False), {}, fr).lift_sentence
    assert "légèrement brouillés pour protéger la vie privée" in noisy and not JARGON.search(noisy), noisy
    for t in (fr, en):
        waiting = results_view(_results(available=False), {}, t).lift_sentence
        assert not re.search(r"\bk\b", waiting), waiting
        assert ("moins de 10 personnes" in waiting and "Revenez voir" in waiting) if t is fr else \
            ("fewer than 10 people" in waiting and "Look again" in waiting), waiting
    # The chart's bars say the same: no « (CUPED) » under the second one.
    chart = results_view(_results(), {}, fr).chart
    assert chart is not None and not any(JARGON.search(str(x)) for x in chart["data"][0]["x"]), chart["data"][0]["x"]


# -- colour never alone --------------------------------------------------------------------------------

def _lab(colour: str, deuteranope: bool = False) -> tuple[float, float, float]:
    """CIELAB of a colour, as a reader with deuteranopia sees it when asked (Machado et al. 2009)."""
    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    rgb = [linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5)]
    if deuteranope:
        m = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
        rgb = [max(0.0, min(1.0, sum(m[i][j] * rgb[j] for j in range(3)))) for i in range(3)]
    r, g, b = rgb
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize(("first", "second"), [(charts.PALETTE[0], charts.PALETTE[1]), (charts.RISING, charts.FALLING)])
def test_the_colour_pairs_differ_in_grey_and_to_a_deuteranope(first: str, second: str) -> None:
    """« Vous / la coopérative » was blue and red, « monte / baisse » green and red of one lightness: one
    grey on a black-and-white print, one brown to a reader with deuteranopia."""
    assert abs(_lab(first)[0] - _lab(second)[0]) >= 15, (first, second)  # two greys in print
    assert math.dist(_lab(first, True), _lab(second, True)) >= 40, (first, second)


def test_series_are_told_apart_by_more_than_their_colour() -> None:
    """Two series side by side (« ciblés / témoins », « cette année / l'an dernier ») differed only by
    colour: now hatching for bars, a stroke and a marker for lines, ▲/▼ for rising and falling lines."""
    t = Translator("fr")
    bars = charts.bars("Segments", ["Habitués", "Occasionnels"], [("Vous", [0.1, 0.3]), ("La coopérative", [0.2, 0.2])],
                       t, value_title="Part (%)", category_title="Segment", unit="percent")
    shapes = [trace["marker"].get("pattern", {}).get("shape", "") for trace in bars["data"]]
    assert len(set(shapes)) == 2, shapes
    # The hatching lies over the bar's colour: Plotly's default (« replace ») drew white lines on a
    # transparent bar, the cooperative's bars gone from the Segments chart.
    hatched = bars["data"][1]["marker"]
    assert hatched["pattern"]["fillmode"] == "overlay" and hatched["color"] == charts.PALETTE[1], hatched
    alone = charts.bars("Seule", ["a"], [("Vous", [1])], t, value_title="v", category_title="c")
    assert "pattern" not in alone["data"][0]["marker"]  # a lone series needs no hatching
    lines = charts.lines("Billets", ["2025-01", "2025-02"], [("Cette année", [3, 4]), ("L'an dernier", [2, 5]),
                                                             ("Il y a deux ans", [1, 1])], t, value_title="Billets", x_title="Mois")
    looks = [(trace["line"]["dash"], trace["marker"].get("symbol")) for trace in lines["data"]]
    assert len(set(looks)) == 3 and all(dash and symbol for dash, symbol in looks), looks
    moving = charts.lines("Genres", ["2025-01", "2025-02"], [("Jazz", [1, 2]), ("Opéra", [2, 1]), ("Blues", [1, 3]),
                                                             ("Rock", [1, 1])], t, value_title="Part", x_title="Mois",
                          highlight={"Jazz": charts.RISING, "Opéra": charts.FALLING, "Blues": charts.RISING})
    marks = {trace["name"]: (trace["marker"].get("symbol"), trace["line"]["dash"]) for trace in moving["data"]}
    assert marks["Jazz"][0] == marks["Blues"][0] == "triangle-up" and marks["Opéra"][0] == "triangle-down", marks
    assert marks["Jazz"][1] != marks["Blues"][1], marks  # two rising genres: a stroke each


# -- pages ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(app: object, coop: Coop) -> dict[str, str]:
    """Every member tab and the contribution page, in French, as the analyst of member A reads them."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        found = {tab.slug: c.get(f"/m/{A}/{tab.slug}").text for tab in TABS}
        found["contribution"] = c.get(f"/m/{A}/contribution").text
    return found


def test_no_jargon_is_written_bare_on_a_member_tab(pages: dict[str, str]) -> None:
    """Affinités showed columns « Lift · IC 95 % bas · IC 95 % haut · valeur q · Significatif », its map
    « Lift entre genres », the pace band « 10e–90e centile », Contribution « nDCG@10 gagné »: words of a
    statistician. Each is said as its question; the term stays in the column's « ? » tooltip."""
    for slug, page in pages.items():
        bare = visible_text(page, tooltips=False)
        found = JARGON.search(bare)
        assert found is None, (slug, bare[max(0, found.start() - 80):found.end() + 80])
        for figure in figures(page):
            texts = [figure["layout"]["title"]["text"]] + [str(trace.get("name", "")) for trace in figure["data"]]
            texts += [str(figure["layout"].get(axis, {}).get("title", {}).get("text", "")) for axis in ("xaxis", "yaxis")]
            assert not any(JARGON.search(text) for text in texts), (slug, texts)
    affinities = visible_text(pages["affinities"], tooltips=False)
    assert "Fois plus souvent que la moyenne" in affinities and "Très probablement au moins" in affinities, affinities
    # The curious still find the terms: the column's tooltip and its glossary link.
    assert 'href="/glossary#lift"' in pages["affinities"] and 'href="/glossary#ci"' in pages["affinities"]
    assert re.search(r'<td title="[^"]*nDCG@10', pages["contribution"]), "the contribution row lost its technical name"


def test_an_index_says_what_100_is(pages: dict[str, str]) -> None:
    """Segments and Benchmark read « Indice 47 · 155 · 182 »: a number without its unit, 100 explained
    only in a tooltip."""
    for slug, reference in (("segments", "Indice (100 = comme dans la coopérative)"), ("benchmark", "Indice (100 = comme vos pairs)")):
        headers = re.findall(r'<th scope="col"[^>]*><button[^>]*>([^<]*)</button>', pages[slug])
        assert reference in headers, (slug, headers)


def test_every_period_line_can_be_changed_or_says_why_not(pages: dict[str, str]) -> None:
    """Rythme des ventes showed « Période : du 26 déc. 2024 au 25 déc. 2025 » and no form to change it
    (nor any use of it); the cross-member tabs showed « du 1er janv. au 31 déc. 2025 » under a form set
    to « 26 déc. 2024 – 25 déc. 2025 », the why at the foot of the page."""
    for tab in TABS:
        page = pages[tab.slug]
        line = re.search(r'<p class="period-line">(.*?)</p>', page, re.S)
        assert line, tab.slug
        said = visible_text(line.group(1), tooltips=False)
        form = re.search(r'<form method="get" class="period".*?</form>', page, re.S)
        if form is None:
            assert "aucune à choisir sur cet onglet" in said and "choisissez l’événement" in said, (tab.slug, said)
            assert not re.search(r"\d{4}", said), (tab.slug, said)  # no year a reader cannot change
            continue
        chosen = re.search(r'<option value="[^"]*" selected>[^(]*\((.*?) – (.*?)\)</option>', form.group(0))
        assert chosen, tab.slug
        covered = re.search(r"Du (.*?) au (.*?)(?: ·|$)", " ".join(said.split()))
        assert covered, (tab.slug, said)
        if (covered.group(1), covered.group(2).strip()) != (chosen.group(1), chosen.group(2)):
            assert "mois civils entiers" in said, (tab.slug, said, chosen.groups())
            assert "mois civils entiers" not in visible_text(page.split("period-line", 1)[1].split("</p>", 1)[1], tooltips=False)


def test_a_wide_table_on_a_phone_says_there_is_more_and_keeps_its_first_column(pages: dict[str, str]) -> None:
    """At 390 px a table of six columns showed three, nothing saying the rest were a swipe away."""
    page = pages["segments"]
    cue = re.search(r'<p class="scroll-cue"[^>]*>([^<]*)</p>\s*<div class="table-wrap"', page)
    assert cue and "faites glisser le tableau" in cue.group(1) and cue.group(1).endswith("→"), cue
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    phone = css[css.index("@media (max-width: 720px)"):css.index("@media print")]
    assert ".scroll-cue { display: none; }" in css.split("@media")[0]  # not on a wide screen
    assert re.search(r"\.scroll-cue \{ display: block;", phone) and re.search(r"tr > :first-child \{ position: sticky; left: 0;", phone)
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert 'cue.classList.toggle("fits", wrap.scrollWidth <= wrap.clientWidth' in script  # said only when needed
    assert ".scroll-cue.fits { display: none; }" in phone
