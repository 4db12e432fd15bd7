"""The measures of diversity of the patron lists read the same on the Target tab, in the member app and
on the command line: each as the question it answers, « Gini » and « bits » kept for the glossary
(the member app and `reco patrons` read « Gini de l’exposition 0,42 … nouveauté 3,1 bits »)."""

from __future__ import annotations

import re

import pytest

from culturecoop.reco.insights import lists_finding, lists_in_words
from culturecoop.web.i18n import Translator
from culturecoop.web.views.target import diversity_measures

LISTS = {"available": True, "patrons": 40, "local_share": 0.4, "local_catalogue_share": 0.5, "francophone_share": 0.6,
         "francophone_catalogue_share": 0.7, "coverage": 0.8, "gini_events": 0.42, "gini_members": 0.3, "novelty": 3.1,
         "diversity": 0.55, "new_genre_share": 0.2}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_member_app_and_the_cli_say_the_measures_as_the_target_tab_does(language: str) -> None:
    said = lists_in_words(LISTS)
    assert said is not None
    measures = said[1].text(language)
    tab = [m.text for m in diversity_measures(LISTS, Translator(language))]
    assert measures == " ".join(tab) and len(tab) == 4, (measures, tab)
    assert not re.search(r"Gini|\bbits?\b", measures), measures
    cli = lists_finding(LISTS)
    assert cli is not None and cli.text(language) == said[0].text(language) + " " + measures
    assert not re.search(r"Gini|\bbits?\b", cli.text(language)), cli.text(language)


def test_the_measures_in_french() -> None:
    said = lists_in_words({**LISTS, "gini_members": None, "novelty": 0.2})
    assert said is not None
    measures = said[1].text("fr")
    assert measures.startswith("À quel point les suggestions se répartissent entre les spectacles : 0,42 sur une échelle de 0"), measures
    # 2 ** 0.2 rounds to one show: « parmi 1 », not « parmi 1 également probables ».
    assert "aussi inattendue qu’un spectacle tiré parmi 1 (plus ce nombre" in measures, measures
    assert "entre les membres" not in measures
    many = lists_in_words(LISTS)
    assert many is not None and "qu’un spectacle tiré parmi 9 également probables" in many[1].text("fr")
