"""The dashboard as a francophone marketing manager of a small theatre reads it (issue s37): jargon said
as the question it answers (the term kept in a tooltip and the glossary), series told apart without
their colours. Pure functions only: the pages' checks (no bare jargon on any member tab, an index says
what 100 is, every « Période » line changeable or says why not, a wide table's cue on a phone) are in
test_reports.py, whose module has opened those pages already (no page is computed twice)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from culturecoop.web import charts
from culturecoop.web.i18n import Translator
from culturecoop.web.views.campaigns import results_view

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
