"""The "Target audience" tab, saved audiences, cross offers and discoverability, on a real
cooperative with a programme and a trained model: sentences, gated figures only, French
everywhere, the actions of the Segments and Affinities tabs, the API and who may do what."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli_here
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.i18n import Translator
from culturecoop.web.tabs import TABS_BY_SLUG
from culturecoop.web.views.base import TabView
from culturecoop.web.views.next_steps import next_steps as steps_of
from web.conftest import MEMBERS, Coop, login, new_client, page_csrf, shared_coop
from web.leaks import leaks, raw_codes
from web.test_reports import chart_text, figures, visible_text

A, B, C = MEMBERS["A"], MEMBERS["B"], MEMBERS["C"]
RECO: dict[str, str] = {}


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    built, reco = shared_coop(tmp_path_factory, reco=True)
    RECO.update(reco)
    return built


def leaked_ids(app: object, text: str) -> list[str]:
    """Patron keys and other members' patron ids found in ``text`` as whole tokens (the
    generator's ids are short: "K12", "P102")."""
    with app.state.pool.connection() as w:  # type: ignore[attr-defined]
        secrets = {str(r["k"]) for r in w.query(
            "SELECT patron_key AS k FROM identity UNION SELECT member_patron_id FROM patron WHERE member_id <> ?", [A])}
    return sorted(set(re.findall(r"(?<![\w-])[\w-]+(?![\w-])", text)) & secrets)


def test_the_tab_in_french_states_the_likely_audience_in_words_and_gated_figures(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/target?event=jz-1")
        assert page.status_code == 200, page.text[:500]
        text = visible_text(page.text)
        assert "Public cible" in text and "Soirée Coltrane" in text
        sentences = re.findall(r'<section class="insights".*?</section>', page.text, re.S)[0]
        assert "Le public probable de « Soirée Coltrane » compte" in sentences
        assert "Enregistrer ce public" in text and "Offres croisées" in text and "Découvrabilité" in text
        # The size says how it comes about: three people to reach per seat of the hall (200 seats),
        # unless the cooperative holds too few people for that, which a sentence says then.
        assert "Public probable" in text
        assert ("personnes à toucher dans la coopérative : 3 par place des 200 de la salle" in text) != ("trois par place" in sentences), text
        charts = figures(page.text)
        titles = {f["layout"]["title"]["text"] for f in charts}  # type: ignore[index]
        assert {"Leur âge", "Compromis précision–diversité"} <= titles and "Où ils habitent" in text, titles
        for figure in charts:
            layout = figure["layout"]
            assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]  # type: ignore[index]
            assert not leaks(chart_text(figure)), leaks(chart_text(figure))
        # The profile's bars: each group's name starts with a capital, and a group the gate hides says
        # "(< 10)" on its line instead of an empty bar that would read as nobody.
        profile = [trace for f in charts if f["layout"]["title"]["text"] in ("Leur âge", "Où ils habitent", "Leurs habitudes (segments dans la coopérative)")  # type: ignore[index]
                   for trace in f["data"]]  # type: ignore[attr-defined]
        assert profile
        for trace in profile:
            for name, value in zip(trace["y"], trace["x"], strict=True):
                assert name[:1] == name[:1].upper() and (value is None) == name.endswith("(masqué)"), (name, value)
        assert not leaks(text), leaks(text)
        assert not raw_codes(text), raw_codes(text)
        # A hidden group reads "masqué", never its value.
        assert re.search(r'<td class="suppressed"[^>]*>masqué</td>', page.text)
        assert not leaked_ids(app, page.text)


def test_a_large_group_the_gate_hides_never_reads_as_under_k(app, coop: Coop) -> None:
    """The profile's groups add up to the audience's size, so the gate also hides groups of any size
    that would let a small one be deduced by difference: such a group (here the 18–34s, 30-odd
    people, hidden beside an empty "age unknown") must not read "< 10", nor "every group counts fewer
    than 10" when all are hidden. Saved without a name, the audience is named after the event."""
    from culturecoop.reco.audiences import _profile_tables

    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        saved = c.post(f"/m/{A}/audiences", data={"csrf_token": page_csrf(c, f"/m/{A}/target"), "kind": "event", "event": "jz-1"})
        assert saved.status_code == 303
        audience_id = re.search(r"saved=(aud_\w+)", saved.headers["location"]).group(1)  # type: ignore[union-attr]
        one = c.get(f"/api/v1/members/{A}/audiences/{audience_id}").json()
        assert one["name"] == "Public : Soirée Coltrane"
        page = c.get(f"/m/{A}/target?event=jz-1")
    with app.state.pool.connection() as w:  # type: ignore[attr-defined]
        truth = {t.name: {r[t.name]: r["patrons"] for r in t.rows} for t in _profile_tables(w, A, audience_id, "event")}
    k = one["k"]
    large_hidden = [(d, r[d]) for d, rows in one["profile"].items() for r in rows
                    if r["patrons"] is None and truth[d].get(r[d], 0) >= k]
    assert large_hidden, "the fixture no longer has a large group hidden beside a small one"
    for rows in one["profile"].values():
        assert all(r["shown"] == "hidden" for r in rows if r["patrons"] is None)
    text = visible_text(page.text)
    ages = next(f["data"][0]["y"] for f in figures(page.text) if f["layout"]["title"]["text"] == "Leur âge")  # type: ignore[index]
    assert "18 à 34 ans (masqué)" in ages and not any("< 10" in name for name in ages), ages
    rows = re.findall(r'<tr><td[^>]*>([^<]*)</td><td class="suppressed"[^>]*>([^<]*)</td></tr>', page.text)
    assert rows and all(shown == "masqué" for _name, shown in rows), rows
    assert all(name[:1] == name[:1].upper() for name, _shown in rows), rows  # « La ville de Québec » starts a line
    assert "Chaque groupe compte moins de 10 personnes" not in text


def test_the_tab_in_english(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c)})
        page = c.get(f"/m/{A}/target?event=jz-2")
        c.post("/language", data={"language": "fr", "csrf_token": page_csrf(c)})
    text = visible_text(page.text)
    assert "Target audience" in text and "Save this audience" in text and "Blues du dimanche" in text
    assert "The likely audience of Blues du dimanche is" in text


def test_save_an_audience_shows_its_gated_size_and_lists_it(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        csrf = page_csrf(c, f"/m/{A}/target")
        saved = c.post(f"/m/{A}/audiences", data={"csrf_token": csrf, "kind": "event", "event": "jz-1", "name": "Coltrane mars"})
        assert saved.status_code == 303
        page = c.get(saved.headers["location"])
        assert "Public enregistré : Coltrane mars" in page.text
        listed = c.get(f"/api/v1/members/{A}/audiences").json()
        mine = [a for a in listed["data"] if a["name"] == "Coltrane mars"]
        assert len(mine) == 1 and mine[0]["size"] >= 500 and mine[0]["kind"] == "event"
        assert "Coltrane mars" in re.findall(r'<section class="block" id="audiences">.*?</section>', page.text, re.S)[0]
        assert "patron_key" not in page.text and "patron_key" not in str(listed)


def test_a_saved_audience_named_after_its_show_is_not_followed_by_it_again() -> None:
    """The Target tab names an audience « Public : Les Sœurs Boulay (supplémentaire) »: the Campaigns tab's
    list read « Public : Les Sœurs Boulay (supplémentaire) · Les Sœurs Boulay (supplémentaire) (750 personnes) »."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.campaigns import audience_choices

    saved = [{"audience_id": "a1", "name": "Public : Les Sœurs Boulay (supplémentaire)", "kind": "event", "size": 750,
              "definition": {"event": "e1"}},
             {"audience_id": "a2", "name": "Relance de l’hiver", "kind": "event", "size": 40, "definition": {"event": "e1"}}]
    labels = [c.label for c in audience_choices(saved, {"e1": "Les Sœurs Boulay (supplémentaire)"}, Translator("fr"))]
    assert labels == ["Public : Les Sœurs Boulay (supplémentaire) (750 personnes)",
                      "Relance de l’hiver · Les Sœurs Boulay (supplémentaire) (40 personnes)"], labels


def test_the_campaigns_tab_suggests_a_message_for_a_saved_audience_in_words(app, coop: Coop) -> None:
    """Venue staff pick the audience they saved and the event it was built for, by name and day,
    ask for a suggested message (both languages, the show's artist in a subject), and create the
    campaign: the page names the member and the campaign as recipients read it, never their codes."""
    with new_client(app) as c:
        login(c, coop.emails["B-admin"])
        page = c.get(f"/m/{B}/campaigns")
        assert page.status_code == 200
        with app.state.pool.connection() as w:  # type: ignore[attr-defined]
            name = w.scalar("SELECT name FROM member WHERE member_id = ?", [B])
        assert re.findall(r"<h1>(.*?)</h1>", html.unescape(page.text)) == [f"Campagnes · {name}"]
        assert not raw_codes(visible_text(page.text)), raw_codes(visible_text(page.text))
        start = re.findall(r'<form method="get"[^>]*id="campaign-start">.*?</form>', page.text, re.S)[0]
        assert "B's audience · Les Belles-sœurs" in html.unescape(start) and "personnes" in start
        assert re.search(r"2 avr\. 2026 à 20\xa0h\xa000 · Les Belles-sœurs", html.unescape(start))
        suggested = c.get(f"/m/{B}/campaigns", params={"audience": RECO["audience"], "suggest": "true"})
        assert suggested.status_code == 200, suggested.text[:300]
        shown = html.unescape(suggested.text)
        assert "Événement mis en avant : Les Belles-sœurs." in shown
        assert "Compagnie Nord" in shown and "Fait au Québec" in shown  # the artist and the local show, in subjects
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', suggested.text))
        fields |= {name: html.unescape(value) for name, value in re.findall(r'<input name="(\w+)"[^>]*value="([^"]*)"', suggested.text)}
        fields |= {name: html.unescape(value) for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', suggested.text, re.S)}
        assert fields["event_id"] == RECO["event"] and fields["subject_fr"] and fields["subject_en"] != fields["subject_fr"]
        assert "Bonjour" in fields["body_fr"] and "Hello" in fields["body_en"]
        # Nobody in this cooperative agreed to marketing: the refusal names the audience as saved.
        refused = c.post(f"/m/{B}/campaigns", data={**fields, "link": "https://billets.example.org/nord"})
        assert refused.status_code == 400
        assert "Personne dans le public « B's audience » ne peut recevoir de courriel" in html.unescape(refused.text)
        assert "aud_" not in visible_text(refused.text)
        wrong = c.get(f"/m/{B}/campaigns", params={"audience": "aud_nope", "suggest": "true"})
        assert wrong.status_code == 400 and "choisissez-en un dans la liste" in html.unescape(wrong.text)


def test_a_suggestion_without_an_event_never_leaves_an_event_placeholder_empty() -> None:
    """A lapsed audience with no show chosen: the suggested texts speak of the programme, never of
    {event_title} (it would be empty in every message); with a show, its artist and genre are in."""
    from culturecoop.campaigns.content import EventInfo, suggest

    for language in ("fr", "en"):
        texts = suggest(None, {"kind": "lapsed", "profile": {}}, language)
        assert texts["subjects"] and "{event_" not in " ".join([*texts["subjects"], texts["preheader"], texts["body"]]), texts
        show = EventInfo("e1", "Soirée Coltrane", None, "Le Dièse", None, ("jazz",), ("Trio Lune",), True)
        with_show = suggest(show, {"kind": "genre", "profile": {}}, language)
        assert any("Trio Lune" in s for s in with_show["subjects"]) and "{event_price}" not in with_show["body"]


def test_segment_and_genre_actions_save_audiences(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        segments = c.get(f"/m/{A}/segments")
        forms = re.findall(r'<form method="post" action="/m/[^"]+/audiences".*?</form>', segments.text, re.S)
        assert forms and all("disabled" not in f for f in forms)  # the tab's buttons post here, enabled
        csrf = page_csrf(c, f"/m/{A}/segments")
        for form in ({"kind": "segment", "segment": "explorers"}, {"kind": "genre", "genre": "blues"}):
            response = c.post(f"/m/{A}/audiences", data={"csrf_token": csrf, **form})
            assert response.status_code == 303, response.text[:300]
            page = c.get(response.headers["location"])
            assert "Public enregistré" in page.text
        names = [a["name"] for a in c.get(f"/api/v1/members/{A}/audiences").json()["data"]]
        assert "Segment : Explorateurs" in names and "Amateurs de Blues ailleurs" in names
        bad = c.post(f"/m/{A}/audiences", data={"csrf_token": csrf, "kind": "segment", "segment": "nobody"})
        assert bad.status_code == 400 and "segment" in bad.text.lower()


def test_a_saved_audience_too_small_for_a_campaign_says_so(app, coop: Coop) -> None:
    """An audience the gate shows as « < 10 » read « prêt pour une campagne », yet a campaign writes to
    at least k people and keeps as many aside: it now says it is too few, and offers no « Écrire »."""
    with new_client(app) as c:
        login(c, coop.emails["B-analyst"])
        csrf = page_csrf(c, f"/m/{B}/segments")
        seen = set()
        for form in ({"kind": "segment", "segment": s} for s in ("regulars", "newcomers", "fading", "explorers", "occasional", "big_spenders")):
            response = c.post(f"/m/{B}/audiences", data={"csrf_token": csrf, **form})
            assert response.status_code == 303, response.text[:300]
            page = html.unescape(c.get(response.headers["location"]).text)
            saved = re.findall(r'<section class="block saved".*?</section>', page, re.S)[0]
            small = "&lt; 10" in saved or "< 10" in saved
            seen.add(small)
            assert ("trop peu pour une campagne" in saved) == small and ("prêt pour une campagne" in saved) != small, saved
            assert ("Écrire à ce public" in saved) != small
    assert True in seen, "no audience under the threshold was saved: the test says nothing"


def test_an_audience_missing_its_segment_or_genre_in_french_offers_them_by_their_names(app, coop: Coop) -> None:
    """« donnez segment, l’un de regulars, explorers… »: a French reader got the codes alone."""
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}  # the account reads French
    with new_client(app) as c:
        segment = c.post(f"/api/v1/members/{A}/audiences", headers=auth, json={"kind": "segment", "name": "x"})
        said = segment.json()["error"]["message"]
        assert segment.status_code == 422 and "Un public de segment a besoin de son segment" in said, said
        assert "regulars (Habitués), explorers (Explorateurs), big_spenders (Gros acheteurs)" in said, said
        genre = c.post(f"/api/v1/members/{A}/audiences", headers=auth, json={"kind": "genre", "name": "x"})
        said = genre.json()["error"]["message"]
        assert genre.status_code == 422 and "jazz (Jazz), blues (Blues), classical (Musique classique)" in said, said


STEP_TABS = ("overview", "audience", "retention", "trends", "elsewhere", "benchmark", "pace")


def next_steps(page: str) -> str:
    found = re.findall(r'<section class="next-steps".*?</section>', page, re.S)
    return found[0] if found else ""


def test_every_report_tab_ends_its_findings_with_what_to_do_and_each_step_works(app, coop: Coop) -> None:
    # A venue's staff read a tab to decide something: each tab says what to do, why (with its own
    # figure), and the button does it — an audience saved for a campaign, or the page where it is decided.
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        saved = written = 0
        for slug in STEP_TABS:
            block = next_steps(c.get(f"/m/{A}/{slug}").text)
            assert "Que faire maintenant ?" in block, slug
            text = visible_text(block)
            assert not leaks(text) and not raw_codes(text), (slug, leaks(text), raw_codes(text))
            reasons = re.findall(r"<li><p>(.*?)</p>", block, re.S)
            assert reasons and all(len(r) > 40 for r in reasons), slug
            for form in re.findall(r'<form method="post" action="([^"]+)".*?</form>', block, re.S):
                assert form == f"/m/{A}/audiences"
            for fields in re.findall(r'<form method="post".*?</form>', block, re.S):
                data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', fields))
                data.pop("csrf_token", None)
                response = c.post(f"/m/{A}/audiences", data={"csrf_token": page_csrf(c, f"/m/{A}/{slug}"), **data})
                assert response.status_code == 303, (slug, data, response.text[:300])
                landing = c.get(response.headers["location"])
                assert "Public enregistré" in landing.text
                saved += 1
                write = re.search(r'href="(/m/[^"]+/campaigns\?audience=[^"]+)"', landing.text)
                if write:  # an audience with people in it: "write to this audience" opens the message form
                    form_page = c.get(html.unescape(write.group(1)))
                    assert form_page.status_code == 200 and 'name="audience_id"' in form_page.text
                    written += 1
            for href in re.findall(r'<a class="button" href="([^"]+)"', block):
                assert c.get(html.unescape(href).split("#")[0]).status_code == 200, (slug, href)
        assert saved >= 3 and written >= 1  # the newcomers, the occasional and the lapsed at least
        # The retention tab's step names its figure and saves the member's own lapsed patrons.
        retention = visible_text(next_steps(c.get(f"/m/{A}/retention").text))
        assert re.search(r"\d+\s% des présences", retention) and "sans visite depuis 6 mois" in retention
        kinds = {a["kind"] for a in c.get(f"/api/v1/members/{A}/audiences").json()["data"]}
        assert {"segment", "lapsed"} <= kinds
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c, f"/m/{A}/retention"), "next": "/"})
        block = next_steps(c.get(f"/m/{A}/retention").text)
        c.post("/language", data={"language": "fr", "csrf_token": page_csrf(c, f"/m/{A}/retention"), "next": "/"})
        assert "What to do next" in block and "patrons without a visit for 6 months" in block


@pytest.mark.parametrize(("summary", "said"), [
    ({"pace_vs_comparables": -0.4, "forecast_final": 150, "capacity": 200}, "40 % de billets de moins"),
    ({"pace_vs_comparables": 0.1, "forecast_final": 14, "capacity": 1000}, "environ 14 billets pour 1 000 places"),
    ({"pace_vs_comparables": 0.1, "forecast_final": 180, "capacity": 200}, None),
])
def test_a_show_that_will_not_fill_is_said_on_the_sales_pace_tab(summary: dict[str, float], said: str | None) -> None:
    # On pace with comparable shows that sold little, a 1,000-seat hall still ends with 14 tickets:
    # the step says so and sends to the people likely to come; a show that fills gets the general link.
    view = TabView(TABS_BY_SLUG["pace"], A, False)
    view.picker = {"upcoming": [{"event_id": "E1"}], "past": [], "current": "E1"}
    steps = steps_of(view, {"pace": {"summary": {"event_id": "E1", "title": "Gala", **summary}}}, Translator("fr"))
    reason = re.sub(r"\s", " ", steps[0].reason or "")
    if said is None:
        assert steps[0].label == "Voir qui viendrait à vos prochains événements"
    else:
        assert steps[0].label == "Trouver les personnes susceptibles de venir" and said in reason and "Gala" in reason
        # Not in the programme loaded on the Target audience tab: the tab opens on its next event;
        # listed there: on this very show.
        assert steps[0].url == f"/m/{A}/target"
        view.picker = {"upcoming": [{"event_id": "E 1/b"}], "past": [], "current": "E 1/b"}
        listed = steps_of(view, {"pace": {"summary": {"event_id": "E 1/b", "title": "Gala", "in_programme": True, **summary}}},
                          Translator("fr"))
        assert listed[0].url == f"/m/{A}/target?event=E%201%2Fb"


def test_a_step_that_saves_a_segment_counts_the_people_it_saves(app, coop: Coop) -> None:
    """The Overview said « 3 505 clients sont venus pour la première fois » and its button saved the 377
    people of the newcomers segment; Audience said « 68 % de vos clients ne sont venus qu’une fois » and
    saved the 2 042 occasional patrons, another group. Each step now counts the people its button saves,
    names them as the Segments tab does, and the saved audience shows that very size."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for slug, segment, named in (("overview", "newcomers", "votre segment des nouveaux venus"),
                                     ("audience", "occasional", "votre segment des occasionnels")):
            block = next_steps(c.get(f"/m/{A}/{slug}").text)
            step = next(((reason, form) for reason, form in re.findall(r"<li><p>(.*?)</p>(.*?)</li>", block, re.S)
                         if f'name="segment" value="{segment}"' in form), None)
            assert step is not None, (slug, visible_text(block))
            reason = " ".join(html.unescape(step[0]).split())
            counted = re.match(r"([\d\u202f\u00a0 ]+) clients? (?:fait|font) partie de " + named, reason)
            assert counted, reason
            said = int(re.sub(r"\D", "", counted.group(1)))
            data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', step[1]))
            data.pop("csrf_token", None)
            response = c.post(f"/m/{A}/audiences", data={"csrf_token": page_csrf(c, f"/m/{A}/{slug}"), **data})
            assert response.status_code == 303, response.text[:300]
            landing = c.get(response.headers["location"]).text
            size = re.search(r'<p class="kpi-line"><strong[^>]*>(.*?)</strong>', landing, re.S)
            assert size and int(re.sub(r"\D", "", html.unescape(size.group(1)))) == said, (slug, said, size and size.group(1))
            audience_id = re.search(r"saved=(aud_\w+)", response.headers["location"]).group(1)  # type: ignore[union-attr]
            listed = {a["audience_id"]: a for a in c.get(f"/api/v1/members/{A}/audiences").json()["data"]}
            assert listed[audience_id]["size"] == said and listed[audience_id]["definition"] == {"segment": segment}


@pytest.mark.parametrize(("patrons", "first_day", "said"), [
    ((2134, 2495), "2024-09-02", "361 clients de moins que sur la période précédente (−14 %)"),
    ((2134, 2150), "2024-09-02", None),  # steady: no call to win patrons back
    ((2134, 2495), "2025-06-01", None),  # the period before lies before the data: its fall is no fall
])
def test_a_fall_of_patrons_on_the_overview_calls_for_winning_them_back(patrons: tuple[int, int], first_day: str,
                                                                       said: str | None) -> None:
    # The Overview said « 14 % de moins » of patrons and « recettes en recul de 21 % » and offered only the newcomers.
    view = TabView(TABS_BY_SLUG["overview"], A, False)
    result = {"params": {"from": "2025-08-30", "to": "2026-08-29"}, "coverage": {"first_day": first_day},
              "rows": [{"metric": "patrons", "this_period": patrons[0], "previous_period": patrons[1]},
                       {"metric": "new_patrons", "this_period": 945, "previous_period": 2495}],
              "segment_audiences": {"people": {"newcomers": 312, "occasional": 800}, "recent_from": "2026-06-01",
                                    "late_from": "2026-03-01", "from": "2025-09-01", "to": "2026-08-29"}}
    steps = steps_of(view, {"overview": result}, Translator("fr"))
    reasons = [re.sub(r"\s", " ", s.reason or "") for s in steps]
    # The newcomers' step counts the people its button saves (the newcomers segment), not the period's
    # 945 first-timers; with under six months of data before the period, everyone is new: no such step.
    newcomers = "312 clients font partie de votre segment des nouveaux venus (une première visite depuis le 1er juin 2026)"
    assert (newcomers in " ".join(reasons)) == (first_day == "2024-09-02") and "945" not in " ".join(reasons), reasons
    assert len(steps) == (2 if first_day == "2024-09-02" else 1), reasons
    if said is None:
        assert not any("de moins" in r for r in reasons) and steps[-1].label == "Voir qui viendrait à vos prochains événements"
    else:
        assert said.replace("\u202f", " ") in reasons[0] and "depuis 6 mois" in reasons[0], reasons
        assert steps[0].params == {"kind": "lapsed", "months": "6"}


def test_cross_offer_proposed_by_an_admin_and_accepted_by_the_partner_admin(app, coop: Coop) -> None:
    with new_client(app) as a_analyst:
        login(a_analyst, coop.emails["A-analyst"])
        refused = a_analyst.post(f"/m/{A}/cross-offers", data={"csrf_token": page_csrf(a_analyst), "partner": B})
        assert refused.status_code == 403
    with new_client(app) as a:
        login(a, coop.emails["A-admin"])
        proposed = a.post(f"/m/{A}/cross-offers", data={"csrf_token": page_csrf(a), "partner": B})
        assert proposed.status_code == 303
    with new_client(app) as b_analyst:
        login(b_analyst, coop.emails["B-analyst"])
        agreement = next(x for x in b_analyst.get(f"/api/v1/members/{B}/cross-offers").json()["agreements"]
                         if x["proposer"] == A and x["status"] == "proposed")
        assert b_analyst.post(f"/m/{B}/cross-offers/{agreement['agreement_id']}/accept",
                              data={"csrf_token": page_csrf(b_analyst)}).status_code == 403
    with new_client(app) as b:
        login(b, coop.emails["B-admin"])
        page = b.get(f"/m/{B}/target")
        assert "Propositions en attente de votre réponse" in page.text and agreement["agreement_id"] in page.text
        # The proposer cannot accept its own proposal.
        with new_client(app) as a:
            login(a, coop.emails["A-admin"])
            assert a.post(f"/m/{A}/cross-offers/{agreement['agreement_id']}/accept",
                          data={"csrf_token": page_csrf(a)}).status_code == 404
        accepted = b.post(f"/m/{B}/cross-offers/{agreement['agreement_id']}/accept", data={"csrf_token": page_csrf(b)})
        assert accepted.status_code == 303
    with new_client(app) as a:
        login(a, coop.emails["A-admin"])
        offers = a.get(f"/api/v1/members/{A}/cross-offers").json()
        assert any(x["agreement_id"] == agreement["agreement_id"] and x["status"] == "accepted" for x in offers["agreements"])
        assert "accepted" in [x["status"] for x in offers["agreements"]]
        again = a.post(f"/api/v1/members/{A}/cross-offers", json={"partner": B}, headers={"X-CSRF-Token": page_csrf(a)})
        assert again.status_code == 409 and "déjà acceptée" in again.json()["error"]["message"]  # the status in words
        # An offer to oneself is refused in the page's words, not the command line's (« --propose »).
        alone = a.post(f"/api/v1/members/{A}/cross-offers", json={"partner": A}, headers={"X-CSRF-Token": page_csrf(a)})
        said = alone.json()["error"]["message"]
        assert 400 <= alone.status_code < 500 and "--propose" not in said and "autre membre" in said, said


def test_api_routes_answer_typed_gated_json(app, coop: Coop) -> None:
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as c:
        events = c.get(f"/api/v1/members/{A}/upcoming-events", headers=auth).json()
        assert [e["event_id"] for e in events["data"]][:0] == [] and {"jz-1", "jz-2"} <= {e["event_id"] for e in events["data"]}
        assert {e["venue"] for e in events["data"] if e["event_id"] in ("jz-1", "jz-2")} == {"Le Dièse"}
        preview = c.get(f"/api/v1/members/{A}/upcoming-events/jz-2/audience", headers=auth)
        assert preview.status_code == 200 and preview.json()["size"] >= 500
        assert all(r["shown"] == "hidden" for rows in preview.json()["profile"].values() for r in rows if r["patrons"] is None)
        created = c.post(f"/api/v1/members/{A}/audiences", headers=auth, json={"kind": "lapsed", "months": 6, "name": "Perdus"})
        assert created.status_code == 201, created.text
        one = c.get(f"/api/v1/members/{A}/audiences/{created.json()['audience_id']}", headers=auth).json()
        assert one["name"] == "Perdus" and "ownership" not in one["profile"]  # own patrons only: own vs new says nothing
        assert c.post(f"/api/v1/members/{A}/audiences", headers=auth, json={"kind": "everyone", "name": "x"}).status_code == 422
        assert c.get(f"/api/v1/members/{A}/upcoming-events/nope/audience", headers=auth).status_code == 404
        settings = c.get(f"/api/v1/members/{A}/discoverability", headers=auth).json()
        assert settings["tradeoff"]["available"] and len(settings["tradeoff"]["curve"]) >= 5
        assert c.put("/api/v1/discoverability", headers=auth, json={"diversity": 0.5, "boost": 5}).status_code == 403
        spec = c.get("/openapi.json").json()["paths"]
        for path in ("/api/v1/members/{member_id}/audiences", "/api/v1/members/{member_id}/cross-offers",
                     "/api/v1/members/{member_id}/upcoming-events/{event_id}/audience", "/api/v1/discoverability"):
            assert path in spec, path
        assert not leaked_ids(app, preview.text + created.text)


def test_the_cooperative_admin_sets_the_discoverability_defaults(app, coop: Coop) -> None:
    with new_client(app) as c:
        login(c, coop.emails["coop"])
        admin = c.get("/admin")
        assert 'id="discoverability"' in admin.text
        bad = c.post("/admin/discoverability", data={"csrf_token": page_csrf(c, "/admin"), "diversity": "2", "boost": "12"})
        assert bad.status_code == 422
        done = c.post("/admin/discoverability", data={"csrf_token": page_csrf(c, "/admin"), "diversity": "0.3", "boost": "15"})
        assert done.status_code == 303
        assert c.get("/api/v1/discoverability").json() == {"diversity": 0.3, "boost": 15.0}
        admin_page = c.get("/admin").text
        # Whole numbers without a trailing « .0 » (« 15 », not « 15.0 », in a French form).
        assert 'value="0.3"' in admin_page and 'name="boost" min="0" max="100" step="1" value="15"' in admin_page
        put = c.put("/api/v1/discoverability", json={"diversity": 0.1, "boost": 12}, headers={"X-CSRF-Token": page_csrf(c, "/admin")})
        assert put.status_code == 200 and put.json() == {"diversity": 0.1, "boost": 12.0}


def test_a_member_loads_its_programme_from_the_tab_as_its_ticketing_tool_exports_it(app, coop: Coop, tmp_path) -> None:
    """Venue staff upload the season as kept in a spreadsheet (French headers, day-first dates, "20h",
    "35,00 $"): the tab says what was read, the new event can be picked at once (no retraining),
    and a bad file is one sentence next to the form, naming the file as uploaded."""
    from openpyxl import Workbook

    book = Workbook()
    for row in (["Identifiant", "Titre", "Date", "Heure", "Salle", "Genre", "Artistes", "Prix", "Langue", "Statut"],
                ["jz-1", "Soirée Coltrane", "12/03/2026", "20h", "Le Dièse", "Jazz", "Trio Lune", "35,00 $", "Français", "En vente"],
                ["jz-2", "Blues du dimanche", "29/03/2026", "19h30", "Le Dièse", "Blues, Jazz", "Mona Blues", "28,00 $", "Anglais", "Complet"],
                ["jz-3", "Nuit manouche", "18/04/2026", "21h", "Le Dièse", "Jazz manouche", "Les Roulottes", "30,00 $", "Instrumental", ""],
                ["jz-4", "Swing au parc", "25/04/2026", "14h", "Parc", "Jazz", "Big Band", "Gratuit", "Français", "Annulé"]):
        book.active.append(row)
    book.save(tmp_path / "Saison printemps.xlsx")
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        csrf = page_csrf(c, f"/m/{A}/target")
        assert 'action="/m/jazz-dieze/programme"' in c.get(f"/m/{A}/target").text
        with (tmp_path / "Saison printemps.xlsx").open("rb") as handle:
            loaded = c.post(f"/m/{A}/programme", data={"csrf_token": csrf},
                            files={"file": ("Saison printemps.xlsx", handle, "application/octet-stream")})
        assert loaded.status_code == 201, loaded.text[:500]
        text = visible_text(loaded.text)
        assert "3 événements à venir chargés (du 12 mars 2026 au 18 avr. 2026)" in text, text[:2000]
        assert "Titre → titre" in text and "Heure → heure" in text and "Prix → prix" in text and "Statut → statut" in text
        # A cancelled show gets no audience: left out, and said.
        assert "Événements annulés laissés de côté (leur statut l’indique) : 1." in text
        assert '<option value="jz-4"' not in loaded.text
        # The first events as read, in French: the reader checks at a glance that the file was understood.
        read = visible_text(re.findall(r'<table class="data compact" id="programme-read">.*?</table>', loaded.text, re.S)[0])
        assert "Nuit manouche" in read and "Français" in read and "Sans paroles (instrumental)" in read
        assert "Blues, Jazz" in read and "35,00\xa0$" in read and "18 avr. 2026" in read
        assert '<option value="jz-3"' in loaded.text
        page = c.get(f"/m/{A}/target?event=jz-3")
        assert page.status_code == 200 and "Le public probable de « Nuit manouche » compte" in page.text
        bad = c.post(f"/m/{A}/programme", data={"csrf_token": csrf},
                     files={"file": ("ma saison.csv", b"Titre,Date\nHamlet,bientot\n", "text/csv")})
        assert bad.status_code == 400
        error = re.findall(r'id="programme-error">(.*?)</p>', bad.text, re.S)[0]
        assert "ma saison.csv ligne 2" in error and "bientot" in error and "/tmp" not in error
        assert "Traceback" not in bad.text
        # The programme was left as it was.
        assert '<option value="jz-3"' in c.get(f"/m/{A}/target").text


def test_the_programme_api_loads_for_the_member_only(app, coop: Coop) -> None:
    mine = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    other = {"Authorization": f"Bearer {coop.tokens['B-analyst']}"}
    rows = ("event_id,event_title,event_starts_at,genres\njz-1,Soirée Coltrane,2026-03-12 20:00,jazz\n"
            "jz-2,Blues du dimanche,2026-03-29 19:30,blues|jazz\n").encode()
    with new_client(app) as c:
        refused = c.post(f"/api/v1/members/{A}/upcoming-events", headers=other, files={"file": ("p.csv", rows, "text/csv")})
        assert refused.status_code in (403, 404)
        done = c.post(f"/api/v1/members/{A}/upcoming-events", headers=mine, files={"file": ("p.csv", rows, "text/csv")})
        assert done.status_code == 201, done.text
        assert done.json()["events"] == 2 and done.json()["columns"]["event_starts_at"] == "event_starts_at"
        assert {e["event_id"] for e in c.get(f"/api/v1/members/{A}/upcoming-events", headers=mine).json()["data"]} >= {"jz-1", "jz-2"}
        empty = c.post(f"/api/v1/members/{A}/upcoming-events", headers=mine, files={"file": ("p.csv", b"", "text/csv")})
        assert empty.status_code == 400 and "vide" in empty.json()["error"]["message"]


def test_a_programme_of_days_only_reads_as_days_not_midnight() -> None:
    """Many programmes give the day without a time: the events as read show the day, as the event
    picker does, never "à 0 h 00"; a show with its time keeps it."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.target import programme_loaded

    sample = [{"event_id": "a", "title": "Conte de Noël", "starts_at": "2027-12-20T00:00", "genres": ["theatre"],
               "language": None, "is_local": None, "price": 25.0},
              {"event_id": "b", "title": "Jazz brunch", "starts_at": "2027-04-11T11:30", "genres": [],
               "language": "fr", "is_local": True, "price": None}]
    shown = programme_loaded({"first": "2027-04-11T11:30", "last": "2027-12-20T00:00", "sample": sample}, Translator("fr"))
    assert shown["read"][0]["when"] == "20 déc. 2027"
    assert "11" in shown["read"][1]["when"] and "30" in shown["read"][1]["when"]


def test_two_events_that_read_alike_in_the_picker_are_told_apart() -> None:
    """A show given in two rooms at the same hour, or entered twice, read as two identical lines in
    the event picker: they now name their room, or the member's own event id when the room is the
    same too; every other event keeps its plain « date · title »."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.target import target_view

    def event(event_id: str, title: str, starts: str, venue: str | None) -> dict[str, object]:
        return {"event_id": event_id, "title": title, "starts_at": starts, "venue": venue, "capacity": None,
                "genres": ["jazz"], "is_local": True, "language": "fr"}

    events = [event("JD224", "Copper Lake", "2026-12-23T19:30", "Mezzanine"),
              event("JD225", "Copper Lake", "2026-12-23T19:30", "Mezzanine"),
              event("JD226", "Copper Lake", "2026-12-23T19:30", "Grande salle"),
              event("JD227", "Copper Lake", "2026-12-24T19:30", "Mezzanine")]
    view = target_view({"member_id": "jazz-dieze", "k": 10, "available": True, "events": events}, Translator("fr"))
    labels = [choice.label for choice in view.events]
    assert len(set(labels)) == len(labels), labels
    assert labels == ["23 déc. 2026 à 19\xa0h\xa030 · Copper Lake (JD224)", "23 déc. 2026 à 19\xa0h\xa030 · Copper Lake (JD225)",
                      "23 déc. 2026 à 19\xa0h\xa030 · Copper Lake (Grande salle)", "24 déc. 2026 à 19\xa0h\xa030 · Copper Lake"], labels


def test_two_past_shows_of_one_day_and_title_are_told_apart_on_the_sales_pace_tab() -> None:
    """An early and a late show of one concert read as two identical lines in the sales pace tab's
    picker: they now name their start time; two whose export gave the day alone carry the member's
    own event ids; a show alone on its day keeps its plain line."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.tabs import TABS
    from culturecoop.web.views.base import TabView
    from culturecoop.web.views.own import pace

    rows = [{"event_id": "DF-1", "title": "Danielle Fillion Quartet", "event_day": "2025-10-23", "starts_at": "2025-10-23T19:30",
             "tickets_sold": 40, "upcoming": False},
            {"event_id": "DF-2", "title": "Danielle Fillion Quartet", "event_day": "2025-10-23", "starts_at": "2025-10-23T21:30",
             "tickets_sold": 35, "upcoming": False},
            {"event_id": "RM-1", "title": "Rafael Mensah Big Band", "event_day": "2025-10-31", "starts_at": None,
             "tickets_sold": 20, "upcoming": False},
            {"event_id": "RM-2", "title": "Rafael Mensah Big Band", "event_day": "2025-10-31", "starts_at": None,
             "tickets_sold": 22, "upcoming": False},
            {"event_id": "JS-1", "title": "Jam session", "event_day": "2025-11-01", "starts_at": "2025-11-01T20:00",
             "tickets_sold": 12, "upcoming": False}]
    view = TabView(next(tab for tab in TABS if tab.slug == "pace"), "jazz-dieze", False)
    pace(view, {"events": {"rows": rows, "summary": {"as_of": "2026-08-29"}}}, Translator("fr"))
    assert view.picker is not None
    assert [e["label"] for e in view.picker["past"]] == [
        "23 oct. 2025 à 19\xa0h\xa030 · Danielle Fillion Quartet", "23 oct. 2025 à 21\xa0h\xa030 · Danielle Fillion Quartet",
        "31 oct. 2025 · Rafael Mensah Big Band (RM-1)", "31 oct. 2025 · Rafael Mensah Big Band (RM-2)", "1er nov. 2025 · Jam session"]
    assert "label" not in rows[0]  # the report's own rows are left as they were


def test_the_sales_pace_step_opens_the_target_tab_on_the_show_being_read(app, coop: Coop) -> None:
    # A venue reads the pace of one show, then clicks through to the people likely to come: the
    # Target audience tab opens on that show, not on the venue's next event.
    with new_client(app) as c:
        login(c, coop.emails["B-admin"])
        events = c.get(f"/api/v1/members/{B}/reports/events").json()["result"]["rows"]
        upcoming = [str(e["event_id"]) for e in events if e.get("upcoming")]
        assert len(upcoming) >= 2, "the cooperative has shows of B still on sale"
        for show in (upcoming[-1], upcoming[0]):
            block = re.search(r'class="next-steps".*?</section>', c.get(f"/m/{B}/pace?event={show}").text, re.S)
            assert block is not None
            links = [html.unescape(h) for h in re.findall(r'<a class="button" href="([^"]+)"', block.group(0))
                     if h.startswith(f"/m/{B}/target")]
            assert links == [f"/m/{B}/target?event={show}"], links
            page = c.get(links[0])
            assert page.status_code == 200 and f'value="{show}" selected' in page.text


def test_the_sales_pace_tab_names_the_programme_when_no_upcoming_show_has_a_sale(app, coop: Coop) -> None:
    """A venue whose export stops before its next season goes on sale, but which loaded that
    season's programme: the pace tab said « Aucun événement à venir » although the Target audience
    tab lists its shows. It now names them, says what to send, and leads to who would come."""
    period = "period=custom&from=2025-03-01&to=2026-03-01"  # A's programme: 12 and 29 March 2026
    with new_client(app) as c:
        login(c, coop.emails["A-admin"])
        page = c.get(f"/m/{A}/pace?{period}")
        assert page.status_code == 200
        hint = re.search(r'class="hint programme-without-sales">(.*?)</p>', page.text, re.S)
        assert hint is not None, visible_text(page.text)[:3000]
        said = " ".join(html.unescape(hint.group(1)).split())
        assert "annonce 2 événements, du 12 mars 2026 au 29 mars 2026" in said and "au 1er mars 2026" in said, said
        assert f'href="/m/{A}/target">Qui viendrait</a>' in page.text
        assert c.get(f"/m/{A}/target").status_code == 200
        # After the programme's last show, nothing is announced: the page says so as before.
        later = html.unescape(c.get(f"/m/{A}/pace?period=custom&from=2025-05-01&to=2026-05-01").text)
        assert "programme-without-sales" not in later and "Aucun événement à venir après le 1er mai 2026" in later
        c.post("/language", data={"language": "en", "csrf_token": page_csrf(c)})
        english = visible_text(c.get(f"/m/{A}/pace?{period}").text)
        c.post("/language", data={"language": "fr", "csrf_token": page_csrf(c)})
    assert "Your programme announces 2 events from Mar 12, 2026 to Mar 29, 2026" in " ".join(english.split()), english[:3000]


def test_a_cooperative_too_small_to_measure_its_lists_says_so_in_french(app, coop: Coop) -> None:
    """The tab's "does the list find the people who come?" needs recent events that drew ten people
    or more: this small cooperative's do not, and the section says so in one French sentence (the
    API gives the reason); no empty chart. The measured case: ``tests/test_reco.py``."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/target?event=jz-1")
        assert page.status_code == 200, page.text[:500]
        section = re.findall(r'<section class="block" id="gains">.*?</section>', page.text, re.S)[0]
        text = visible_text(section)
        assert "Cette liste trouve-t-elle ceux qui viennent ?" in text
        assert "Trop peu d’événements récents ont attiré assez de monde pour mesurer" in text, text
        assert "<figure" not in section and "chart" not in section
        api = c.get(f"/api/v1/members/{A}/audience-quality")
        assert api.status_code == 200 and api.json()["available"] is False and api.json()["reason"]


def test_the_tab_saves_an_audience_of_people_new_to_the_member(app, coop: Coop) -> None:
    """The second button of the likely audience: as many people, all new to the member,
    named for it; the API takes ``newcomers`` for an event audience only, and says so in one sentence."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/target?event=jz-1")
        assert "Enregistrer seulement les personnes nouvelles pour vous" in page.text
        done = c.post(f"/m/{A}/audiences", data={"csrf_token": page_csrf(c, f"/m/{A}/target?event=jz-1"), "kind": "event",
                                                 "event": "jz-1", "name": "Public : Soirée Coltrane", "newcomers": "true"})
        assert done.status_code == 303, done.text[:300]
        audience_id = re.search(r"saved=(aud_\w+)", done.headers["location"]).group(1)  # type: ignore[union-attr]
        saved = c.get(f"/api/v1/members/{A}/audiences/{audience_id}").json()
        assert saved["name"] == "Nouveaux publics : Soirée Coltrane" and saved["definition"]["newcomers"] is True
        assert "ownership" not in saved["profile"]
        with app.state.pool.connection() as w:  # type: ignore[attr-defined]
            own = {r["patron_key"] for r in w.query("SELECT patron_key FROM identity WHERE member_id = ?", [A])}
            listed = {r["patron_key"] for r in w.query("SELECT patron_key FROM audience_member WHERE audience_id = ?", [audience_id])}
        assert listed and not listed & own
        refused = c.post(f"/api/v1/members/{A}/audiences", json={"kind": "segment", "segment": "regulars", "name": "x", "newcomers": True},
                         headers={"Accept-Language": "fr", "X-CSRF-Token": page_csrf(c, f"/m/{A}/target")})
        assert refused.status_code == 422, refused.text
        assert "newcomers garde les personnes nouvelles pour vous" in refused.text


def test_the_recommendations_api_states_what_the_lists_are_like(app, coop: Coop) -> None:
    """`GET /api/v1/members/{m}/recommendations`: beside the rows, what the served lists are like,
    counted from those rows (coverage, events per member) with the discoverability figures."""
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as c:
        answer = c.get(f"/api/v1/members/{A}/recommendations?k=3", headers=auth)
    assert answer.status_code == 200, answer.text[:300]
    body = answer.json()
    lists, rows = body["lists"], body["data"]
    assert rows and lists["patrons"] == body["patrons"] and lists["k"] == 3
    assert sum(lists["by_member"].values()) == len(rows) == body["count"]
    assert lists["coverage"] == pytest.approx(len({(r["member_id"], r["event_id"]) for r in rows}) / lists["events"], abs=1e-6)
    for field in ("local_share", "local_catalogue_share", "francophone_share", "francophone_catalogue_share",
                  "gini_events", "diversity", "new_genre_share"):
        assert 0 <= lists[field] <= 1, (field, lists)
    assert lists["novelty"] > 0


def test_the_tab_says_what_the_members_patron_lists_are_like(app, coop: Coop) -> None:
    """Under "Suggestions for each of your patrons", one French sentence on the member's own lists:
    the same figures as the API's ``lists`` for those lists."""
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as c:
        lists = c.get(f"/api/v1/members/{A}/recommendations", headers=auth).json()["lists"]
        login(c, coop.emails["A-analyst"])
        page = c.get(f"/m/{A}/target?event=jz-1")
    section = re.findall(r'<section class="block" id="patron-lists">.*?</section>', page.text, re.S)[0]
    said = visible_text(re.findall(r'<p id="patron-lists-said">(.*?)</p>', section, re.S)[0])
    # Plain words first; the measures of diversity by their names, folded beneath.
    assert said.startswith("Ce qui est suggéré à vos clients : les spectacles d’ici font"), said
    assert f"{round(lists['local_share'] * 100)}\u00a0% des suggestions" in html.unescape(said), (said, lists)
    assert f"{round(lists['coverage'] * 100)}\u00a0% de la programmation est suggérée à quelqu’un" in html.unescape(said)
    assert "Gini" not in said
    # The measures of diversity, folded, each as the question it answers; Gini and bits stay in the
    # « ? » links' tooltips and the glossary.
    folded = re.findall(r'<details id="patron-lists-measures">(.*?)</details>', section, re.S)[0]
    measures = visible_text(folded, tooltips=False)
    assert "Mesures de diversité" in measures and not re.search(r"Gini|bits", measures), measures
    assert "À quel point les suggestions se répartissent entre les spectacles : " \
        f"{Translator('fr').number(lists['gini_events'], 2)} sur une échelle de 0" in measures, (measures, lists)
    assert f"aussi inattendue qu’un spectacle tiré parmi {round(2 ** lists['novelty'])}" in measures, (measures, lists)
    assert {"gini", "novelty", "diversity"} <= set(re.findall(r'href="/glossary#(\w+)"', folded))
    assert "Coefficient de Gini de l’exposition" in visible_text(folded) and "Nouveauté (bits)" in visible_text(folded)


def test_the_lists_sentence_follows_the_discoverability_setting(app, coop: Coop) -> None:
    """The tab's lists summary is kept between page views, but never past a change of what the
    lists are made from: here the cooperative's diversity knob, turned to its most varied."""
    from culturecoop.reco import service
    from culturecoop.reco.target import patron_lists_summary

    with app.state.pool.connection() as w:  # type: ignore[attr-defined]
        before = service.current_settings(w)
        first = patron_lists_summary(w, A)
        try:
            service.set_settings(w, "test", 1.0, before.boost)
            varied = patron_lists_summary(w, A)
        finally:
            service.set_settings(w, "test", before.diversity, before.boost)
        again = patron_lists_summary(w, A)
    assert varied["diversity"] > first["diversity"], (first, varied)
    assert again == first


def test_a_list_quality_too_early_to_measure_says_what_it_waits_for() -> None:
    """« Cette liste trouve-t-elle ceux qui viennent ? » of a small or young cooperative read « Trop peu
    d’événements récents ont attiré assez de monde pour mesurer… » and nothing else: how many events,
    and whether the reader had anything to do, were left unsaid."""
    from culturecoop.web.views.target import target_view

    reason = "Too few recent events drew enough people to measure how well an audience list finds the people who come."
    for language, said in (("fr", "dès qu’au moins 10 événements récents de la coopérative auront chacun attiré 10 personnes ou plus"),
                           ("en", "once at least 10 recent events of the cooperative have each drawn 10 people or more")):
        view = target_view({"member_id": A, "k": 10, "available": True, "gains": {"available": False, "reason": reason}},
                           Translator(language))
        assert view.gains is not None and view.gains.note is not None and said in view.gains.note, view.gains
        assert ("sans rien à faire de votre part" if language == "fr" else "with nothing for you to do") in view.gains.note


def test_a_restarted_dashboard_and_the_command_line_answer_from_the_measures_kept(coop: Coop, tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The accuracy–diversity curve and the audience lists' gains take seconds to measure: made once
    per model and data version (here by the warm-up of the cooperative these tests share) and kept
    in the warehouse, they are read back by a dashboard started afresh and by `reco quality`, never
    measured again."""
    from culturecoop.reco import gains, tradeoff
    from culturecoop.web import Settings, create_app

    def measured_again(*_: object) -> dict[str, object]:
        raise AssertionError("measured again")

    db = tmp_path / "coop.duckdb"
    shutil.copy(coop.db, db)
    with Warehouse(db) as w:
        kept = {r["name"]: json.loads(r["value"]) for r in w.query("SELECT name, value FROM reco_measure")}
    assert set(kept) == {"reco_tradeoff", "reco_gains"} and kept["reco_tradeoff"]["available"], kept
    monkeypatch.setattr(tradeoff, "_measure", measured_again)
    monkeypatch.setattr(gains, "_measure", measured_again)
    app = create_app(Settings(db=db, warmup=False))
    try:
        with new_client(app) as c:
            login(c, coop.emails["A-analyst"])
            quality = c.get(f"/api/v1/members/{A}/audience-quality")
            curve = c.get(f"/api/v1/members/{A}/discoverability")
            page = c.get(f"/m/{A}/target")
    finally:
        app.state.pool.close()
    assert quality.status_code == curve.status_code == page.status_code == 200, (quality.text[:300], page.text[:300])
    assert {k: v for k, v in quality.json().items() if v not in (None, [])} == kept["reco_gains"]
    assert curve.json()["tradeoff"]["curve"] == kept["reco_tradeoff"]["curve"]
    assert "Compromis précision–diversité" in page.text
    said = run_cli_here("reco", "quality", "--db", str(db), "--json")
    assert said.returncode == 0, said.stderr
    assert json.loads(said.stdout) == kept["reco_gains"]


def test_cross_offers_say_how_each_partner_fits_against_chance_in_the_page_and_the_api(app, coop: Coop) -> None:
    """The partners' table read the member's patrons likely for each partner's events, which for a
    small member was nearly all of them for every large hall. It now reads, per partner and per show,
    the member's patrons among the most likely tenth of the cooperative and that figure against
    chance; a line says what chance gives, from the released count of the member's patrons. The API
    keeps its fields and adds the same figures."""
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        offers = c.get(f"/api/v1/members/{A}/cross-offers").json()
        page = c.get(f"/m/{A}/target")
    counted, partners = offers["counted"], offers["partners"]
    assert offers["fit_share"] == 0.1 and isinstance(counted, int) and counted >= 10, offers
    assert {"your_patrons", "shown", "fit_patrons", "fit_patrons_shown", "fit"} <= set(offers["events"][0])
    mine = "your_patrons_for_their_events"
    assert all({mine, f"{mine}_shown", "fit", "fit_patrons"} <= set(p) for p in partners if p.get(mine) is not None), partners
    section = re.findall(r'<section class="block" id="cross">.*?</section>', page.text, re.S)[0]
    meaning = html.unescape(re.findall(r'<p class="hint" id="cross-fit-meaning">(.*?)</p>', section, re.S)[0])
    chance = f"{counted / 10:.1f}".replace(".", ",")
    assert (f"le hasard y mettrait 10\u00a0% de vos {counted} clients comptés, soit {chance}." in meaning
            and "«\u00a03\u00a0×\u00a0»\u00a0: trois fois plus de vos clients que le hasard" in meaning), meaning
    table = re.findall(r'<table id="table-partners">.*?</table>', section, re.S)[0]
    assert table.count("Par rapport au hasard") == 2, table
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="num">([^<]*)</td><td class="num">([^<]*)</td>', table)
    assert len(rows) == len(partners)
    for (name, patrons, fit), partner in zip(rows, partners, strict=True):  # in the API's order: the best fit first
        value = (partner.get("fit") or {}).get(mine)
        assert html.unescape(fit) == ("–" if value is None else f"{value:.2f}".replace(".", ",") + "\u00a0×"), (name, fit, partner)
        assert html.unescape(patrons) == (partner["fit_patrons_shown"][mine] if value is not None else "< 10"), (name, patrons)
    events = re.findall(r'<table[^>]*id="table-partner-events".*?</table>', page.text, re.S)
    assert events and "Vos clients parmi son public le plus probable" in events[0] and "Par rapport au hasard" in events[0], events
