"""The "Target audience" tab's sentences: each rule fires on planted answers, stays silent when
the answer does not support it, and never states a number the privacy gate hid."""

from __future__ import annotations

import copy
from typing import Any

from culturecoop.reco.insights import target_findings

K = 10
MINE, THEIRS = "your_patrons_for_their_events", "their_patrons_for_your_events"


def shown(code_key: str, code: str, n: int | None) -> dict[str, Any]:
    return {code_key: code, "patrons": n, "shown": f"< {K}" if n is None else str(n)}


def planted() -> dict[str, Any]:
    return {
        "member_id": "jazz-dieze", "k": K, "available": True,
        "member_names": {"theatre-nord": "Théâtre du Nord", "club-bass": "Club Bass"},
        "events": [{"event_id": "jz-1", "title": "Soirée Coltrane"}],
        "event": {"event_id": "jz-1", "title": "Soirée Coltrane"},
        "audience": {"available": True, "size": 1800, "size_shown": "1800", "profile": {
            "ownership": [shown("ownership", "new", 1101), shown("ownership", "own", 699)],
            "age_band": [shown("age_band", "18-34", None), shown("age_band", "35-54", 700), shown("age_band", "55+", 880),
                         shown("age_band", "unknown", 212)],
            "area": [shown("area", "montreal", 1500), shown("area", "quebec_city", None), shown("area", "unknown", 290)],
        }},
        # The club's large hall holds nearly all the member's countable patrons, as the theatre's does: the
        # counts cannot tell them apart; the theatre's most likely people hold three times chance's share.
        "cross_offers": {"available": True, "counted": 131, "fit_share": 0.1, "partners": [
            {"partner": "club-bass", "your_patrons_for_their_events": 131, "their_patrons_for_your_events": 632,
             "fit_patrons": {MINE: 14, THEIRS: 70}, "fit": {MINE: 1.07, THEIRS: 0.6}},
            {"partner": "theatre-nord", "your_patrons_for_their_events": 130, "their_patrons_for_your_events": 120,
             "fit_patrons": {MINE: 41, THEIRS: 90}, "fit": {MINE: 3.13, THEIRS: 1.84}}]},
        "agreements": [{"agreement_id": "xo_1", "proposer": "club-bass", "partner": "jazz-dieze", "status": "proposed"}],
        "tradeoff": {"available": True, "summary": {"local_share": 0.56, "local_catalogue_share": 0.33, "local_gain_points": 23.0,
                                                     "ndcg_loss": 0.02}},
    }


def texts(answer: dict[str, Any], language: str = "fr") -> list[str]:
    return target_findings(answer).texts(language)


def rules(answer: dict[str, Any]) -> list[str]:
    return [i.rule for i in target_findings(answer).insights]


def test_rules_fire_on_planted_answers_in_french_and_english() -> None:
    answer = planted()
    assert rules(answer) == ["audience_new", "proposals", "partner_both", "profile_age_band"]
    french = texts(answer)
    assert "Soirée Coltrane" in french[0] and "1\u00a0800" in french[0] and "1\u00a0101" in french[0] and "61\u00a0%" in french[0]
    assert "Club Bass" in french[1]
    assert french[2] == ("Votre meilleur partenaire d’offre croisée est Théâtre du Nord\u00a0: les personnes les plus susceptibles de venir "
                         "à ses spectacles comptent 3,1 fois plus de vos clients que le hasard (41 personnes), et celles les plus "
                         "susceptibles de venir aux vôtres 1,8 fois plus des siens\u00a0; proposez-lui une offre croisée dans le "
                         "tableau ci-dessous."), french[2]
    english = texts(answer, "en")
    assert english[0].startswith("The likely audience of Soirée Coltrane is 1,800 people")
    assert "55 and over" in english[3]


def test_area_and_discoverability_rules_fire_when_there_is_room() -> None:
    answer = planted()
    answer["agreements"] = []
    answer["cross_offers"] = {"available": False, "reason": "x"}
    assert rules(answer) == ["audience_new", "profile_age_band", "profile_area", "discoverability"]
    said = texts(answer, "en")
    assert "Montréal (1,500 people, 83%)" in said[2]
    assert "56%" in said[3] and "33%" in said[3] and "2.0% less accuracy" in said[3]
    answer["tradeoff"]["summary"]["ndcg_loss"] = -0.02  # re-ranking helped here: no "−2 % less accuracy"
    assert "at no measurable cost in accuracy" in texts(answer, "en")[3]


def test_a_european_members_audience_is_said_against_its_venues() -> None:
    # A Paris venue's audience: "lives in the rest of your country", "habite le reste de votre pays".
    answer = planted()
    answer["agreements"] = []
    answer["cross_offers"] = {"available": False, "reason": "x"}
    answer["audience"]["profile"]["area"] = [shown("area", "near_venue", 400), shown("area", "same_country", 1300),
                                             shown("area", "abroad", None), shown("area", "unknown", 90)]
    assert "the rest of your country (1,300 people, 72%)" in texts(answer, "en")[2]
    assert "habite le reste de votre pays (1\u00a0300 personnes, 72\u00a0%)" in texts(answer, "fr")[2]


def test_rules_stay_silent_when_the_answer_does_not_support_them() -> None:
    answer = planted()
    answer["agreements"][0]["status"] = "accepted"  # nothing waits for an answer
    answer["cross_offers"]["partners"] = [{"partner": "club-bass", "your_patrons_for_their_events": None}]
    answer["tradeoff"]["summary"]["local_gain_points"] = 2.0  # below the noise
    answer["audience"]["profile"]["age_band"] = [shown("age_band", "35-54", 400), shown("age_band", "55+", 420)]  # no group ≥ 30 %
    answer["audience"]["profile"]["area"] = [shown("area", "unknown", 1800)]  # unknown is not a place
    assert rules(answer) == ["audience_new"]
    answer["audience"] = {"available": False, "reason": "no model"}
    assert rules(answer) == []
    assert "too small" in (target_findings(answer).silence or "")
    assert "programme" in (target_findings({**answer, "events": [], "event": None}).silence or "")


def test_a_suppressed_figure_is_never_stated() -> None:
    answer = planted()
    answer["audience"]["profile"]["ownership"] = [shown("ownership", "new", None), shown("ownership", "own", 1795)]
    answer["audience"]["profile"]["area"] = [shown("area", "montreal", None), shown("area", "quebec_city", 600)]
    said = " ".join(texts(answer, "en"))
    assert "never bought" not in said  # the new-to-you count is hidden: the sentence gives the size only
    assert "The likely audience of Soirée Coltrane is 1,800 people across the cooperative." in said
    assert "Montréal" not in said and "< 10" not in said
    hidden = copy.deepcopy(planted())
    hidden["audience"]["size"] = None  # the whole audience under k
    assert not any(r.startswith("audience") or r.startswith("profile") for r in rules(hidden))


def test_one_proposal_or_two_are_said_each_its_way() -> None:
    # « 1 proposition(s) d'offre croisée … attendent » read as a form left for the reader to fill in.
    answer = planted()
    assert texts(answer)[1] == "1 proposition d’offre croisée de Club Bass attend votre réponse ci-dessous."
    assert texts(answer, "en")[1] == "1 cross-offer proposal from Club Bass awaits your answer below."
    answer["agreements"].append({"agreement_id": "xo_2", "proposer": "theatre-nord", "partner": "jazz-dieze",
                                 "status": "proposed"})
    assert texts(answer)[1] == ("2 propositions d’offre croisée de Club Bass, Théâtre du Nord attendent votre réponse "
                                "ci-dessous.")


def test_an_audience_mostly_of_the_members_own_patrons_points_to_the_newcomers_list() -> None:
    """When most of the likely audience already bought from the member, the sentence says so and
    gives the action: the member writes to its own patrons itself, and saves only the people new to
    it to reach others. A hidden « own » group says nothing of the kind."""
    answer = planted()
    answer["audience"]["profile"]["ownership"] = [shown("ownership", "new", 50), shown("ownership", "own", 450)]
    answer["audience"]["size"] = 500
    assert rules(answer)[0] == "audience_mostly_own"
    french = texts(answer)[0]
    assert "450 d’entre elles (90\u00a0%) ont déjà acheté un billet chez vous" in french, french
    assert "enregistrez seulement les personnes nouvelles pour vous" in french
    assert "already bought a ticket from you" in texts(answer, "en")[0]
    answer["audience"]["profile"]["ownership"] = [shown("ownership", "new", 50), shown("ownership", "own", None)]
    assert rules(answer)[0] == "audience_new"


def test_the_best_partner_is_the_one_whose_shows_fit_the_audience_not_the_largest() -> None:
    """A small venue read « 131, 131, 130… » of its patrons likely for every partner: the largest hall
    was named its best partner. The sentence names the partner whose most likely people hold the most
    of its patrons against chance, and says so in those words."""
    answer = planted()
    answer["cross_offers"]["partners"][0]["your_patrons_for_their_events"] = 900  # the largest, by far
    said = texts(answer, "en")
    assert said[2].startswith("Your best cross-offer partner is Théâtre du Nord: the people most likely to come to its shows hold "
                              "3.1 times as many of your patrons as chance (41 people)"), said
    assert "Club Bass" not in said[2]
    # An agreement already proposed to that partner: no action to ask for.
    answer["agreements"].append({"agreement_id": "xo_2", "proposer": "jazz-dieze", "partner": "theatre-nord", "status": "proposed"})
    assert "propose" not in texts(answer, "en")[2] and texts(answer, "en")[2].endswith("1.8 times as many of its patrons.")


def test_no_partner_above_chance_is_said_as_such_and_a_hidden_fit_never_stated() -> None:
    answer = planted()
    answer["agreements"] = []
    partners = answer["cross_offers"]["partners"]
    partners[1]["fit"] = {MINE: None, THEIRS: 1.84}  # the theatre's count of my patrons is under k
    partners[1]["fit_patrons"] = {THEIRS: 90}
    partners[0]["fit"][MINE] = 0.84
    said = texts(answer)
    assert said[1] == ("Aucun partenaire n’attire plus de vos clients que le hasard\u00a0: le plus proche est Club Bass, dont le public "
                       "le plus probable en compte 0,8 fois autant (14 de vos clients)."), said
    assert rules(answer)[1] == "partner_none" and "Théâtre du Nord" not in " ".join(said)
