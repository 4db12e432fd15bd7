"""Hostile and clumsy input on every route class: each answer is one sentence in the reader's
language with a 4xx, never a 500 (the adversarial sweep of the dashboard and the API)."""

from __future__ import annotations

import html

import pytest

from culturecoop.web.tabs import TABS
from web.conftest import MEMBERS, Coop, login, new_client, page_csrf

A = MEMBERS["A"]
EXTREME_DAYS = ("0001-01-01", "9999-12-31", "1000-01-01")


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_a_day_no_report_can_cover_is_one_sentence_on_the_api(app, coop: Coop, day: str) -> None:
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as c:
        for name in ("overview", "elsewhere", "events", "pace"):
            for key in ("from", "to"):
                response = c.get(f"/api/v1/members/{A}/reports/{name}", params={key: day}, headers=auth)
                assert response.status_code == 400, (name, key, response.text[:300])
                message = response.json()["error"]["message"]
                assert f"« {day} » est hors des jours que couvrent les rapports" in message, message


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_a_day_no_report_can_cover_is_said_next_to_the_period_form(app, coop: Coop, day: str) -> None:
    with new_client(app) as c:
        login(c, coop.emails["A-analyst"])
        for tab in TABS:
            for key in ("from", "to"):
                query = {"period": "custom", key: day}
                for suffix in ("", "/print"):
                    response = c.get(f"/m/{A}/{tab.slug}{suffix}", params=query)
                    assert response.status_code == 200, (tab.slug, suffix, key, response.text[:300])
                page = c.get(f"/m/{A}/{tab.slug}", params=query)
                assert f"« {day} » est hors des jours que couvrent les rapports" in html.unescape(page.text), tab.slug
                # A download answers the period asked for or none: the same sentence, a 422.
                for download in (c.get(f"/m/{A}/{tab.slug}.json", params=query),
                                 c.get(f"/m/{A}/{tab.slug}.csv", params={**query, "table": "none"})):
                    assert download.status_code == 422, (tab.slug, download.text[:300])
                    assert f"« {day} » est hors des jours que couvrent les rapports" in html.unescape(download.text)
        patrons = c.get(f"/m/{A}/segments/regulars/patrons.csv", params={"period": "custom", "from": day})
        assert patrons.status_code < 500, patrons.text[:300]


@pytest.mark.parametrize("kind", ["event", "segment", "genre"])
def test_an_audience_without_its_definition_asks_for_the_field_in_the_apis_words(app, coop: Coop, kind: str) -> None:
    auth = {"Authorization": f"Bearer {coop.tokens['A-analyst']}"}
    with new_client(app) as c:
        api = c.post(f"/api/v1/members/{A}/audiences", json={"kind": kind, "name": "x"}, headers=auth)
        login(c, coop.emails["A-analyst"])
        form = c.post(f"/m/{A}/audiences", data={"kind": kind, "csrf_token": page_csrf(c, f"/m/{A}/target")})
    message = api.json()["error"]["message"]
    assert api.status_code == 422, api.text[:300]
    assert f"a besoin de son {'événement' if kind == 'event' else kind} : donnez {kind}" in message, message
    assert "None" not in message and "--" not in message, message
    assert form.status_code == 422 and message in html.unescape(form.text), form.text[:500]
