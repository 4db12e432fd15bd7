"""The Contribution tab and API: a member sees its own figures and statement, never another
member's amount; the cooperative admin sees every statement and that they add up to the pool."""

from __future__ import annotations

import html
import json
import re

from culturecoop.governance.contribution import resolve_period
from culturecoop.governance.remuneration import Rules, save_rules
from culturecoop.i18n import day_in
from culturecoop.web.i18n import Translator
from web.conftest import MEMBERS, Coop, login, new_client

A, B = MEMBERS["A"], MEMBERS["B"]


def _set_rules(app: object) -> None:
    with app.state.pool.connection() as warehouse:  # type: ignore[attr-defined]
        first, last = resolve_period(warehouse, None, None)
        save_rules(warehouse, f"remuneration:{first.isoformat()}:{last.isoformat()}",
                   Rules(pool_cents=2_500_000, fees_cents=125_000, floor_cents=10_000, cap=0.6), "test")


def test_member_tab_shows_its_own_share_and_statement(app: object, coop: Coop) -> None:
    with new_client(app) as client:
        login(client, coop.emails["A-analyst"])
        before = client.get(f"/m/{A}/contribution")
        assert before.status_code == 200 and "Contribution" in before.text
        assert "La coopérative n’a pas encore fixé les règles de rémunération de cette période" in before.text
        # What the data brought, in sentences first, each with what its figure counts and the
        # member's share; the same figures as the API's, and a chart of the shares.
        figures = client.get(f"/api/v1/members/{A}/contribution").json()
        said = html.unescape(re.findall(r'id="contribution-said">(.*?)</section>', before.text, re.S)[0])
        linkage = figures["functions"]["linkage"]
        assert "Vos données ont apporté" in said and "des personnes reconnues chez plusieurs membres" in said, said
        french = Translator("fr")
        assert f"environ {french.number(linkage['member'])} sur {french.number(linkage['total'])}" in said, said
        assert "valeur de Shapley" not in said
        # The folded « how it is counted » says what the figure answers; the term stays in its « ? »
        # link's tooltip and the glossary.
        folded = re.findall(r"<details><summary>Comment votre part est comptée</summary>(.*?)</details>", before.text, re.S)[0]
        words = html.unescape(re.sub(r"<[^>]+>", " ", folded))
        assert "Shapley" not in words and "ce que vos données mises en commun ajoutent, en moyenne" in words, words
        assert 'href="/glossary#shapley"' in folded and "Valeur de Shapley" in html.unescape(folded), folded
        chart = json.loads(html.unescape(re.findall(r'<script type="application/json" id="chart-contribution-shares">(.*?)</script>',
                                                    before.text, re.S)[0]))
        yours = chart["data"][0]["x"]
        assert len(yours) == sum(1 for f in figures["functions"].values() if f["total"] > 0)
        assert abs(yours[0] - 100 * next(f["fraction"] for f in figures["functions"].values() if f["total"] > 0)) < 0.05
        _set_rules(app)
        page = client.get(f"/m/{A}/contribution")
        assert page.status_code == 200
        assert "Relevé de rémunération" in page.text or "Votre part" in page.text
        assert "Comment contester" in page.text
        # The four value functions, the recommendation quality among them (points of nDCG@10).
        assert "Recommandations : combien mieux le modèle trouve le public des événements des membres" in page.text
        data = client.get(f"/api/v1/members/{A}/contribution").json()
        assert data["statement"]["member_id"] == A and data["statement"]["amount_cents"] > 0
        assert set(data["functions"]) == {"insight", "linkage", "recommendation", "conversions"}
        # Another member's amount never reaches this member.
        text = json.dumps(data)
        assert B not in text
        pdf = client.get(f"/api/v1/members/{A}/contribution/statement.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert client.get(f"/api/v1/members/{B}/contribution").status_code == 404
        assert client.get("/api/v1/contribution").status_code == 403


def test_coop_admin_sees_every_statement_adding_up_to_the_pool(app: object, coop: Coop) -> None:
    _set_rules(app)
    with new_client(app) as client:
        login(client, coop.emails["coop"])
        data = client.get("/api/v1/contribution").json()
        assert data["adds_up"] is True
        issued = data["issued"]
        assert sum(s["amount_cents"] for s in issued["statements"].values()) + issued["fees_cents"] == 2_500_000
        page = client.get("/coop/contribution")
        with app.state.pool.connection() as w:  # type: ignore[attr-defined]
            names = {str(r["member_id"]): str(r["name"]) for r in w.query("SELECT member_id, name FROM member")}
        # Each statement's line names its member as people know it, the amounts in the reader's money.
        text = html.unescape(page.text)
        assert page.status_code == 200 and f"<td>{names[A]}</td>" in text and f"<td>{names[B]}</td>" in text
        amount = issued["statements"][A]["amount_cents"] / 100
        assert f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0$" in text


def test_consent_api_takes_a_request_of_tokens_and_refuses_bad_ones(app: object, coop: Coop) -> None:
    body = {"format": "culturecoop-subject-request", "version": 1, "kind": "consent", "member_id": A,
            "created_at": "2026-11-30T10:00:00", "tokens": {"email": [], "phone": [], "records": ["a" * 32]},
            "consents": {"marketing": False}}
    from culturecoop.governance.requests import _seal

    sealed = {**body, "seal": _seal(body)}
    with new_client(app) as client:
        client.headers["Authorization"] = f"Bearer {coop.tokens['A-admin']}"
        nobody = client.post(f"/api/v1/members/{A}/consent", content=json.dumps(sealed))
        assert (nobody.status_code == 400 and "Nobody" in nobody.json()["error"]["message"]) or "Personne" in nobody.text
        tampered = client.post(f"/api/v1/members/{A}/consent", content=json.dumps({**sealed, "consents": {"marketing": True}}))
        assert tampered.status_code == 422 and "request.json" in tampered.text and "/tmp" not in tampered.text
        assert client.post(f"/api/v1/members/{B}/consent", content=json.dumps(sealed)).status_code == 404
        # JSON nested past what Python follows, or a number too long to read, was an incident (500).
        for odd in (b"[" * 3_000 + b"]" * 3_000, b'{"version": ' + b"9" * 5_000 + b"}"):
            for route in ("consent", "access"):
                refused = client.post(f"/api/v1/members/{A}/{route}", content=odd)
                assert refused.status_code == 400 and "request.json" in refused.json()["error"]["message"], refused.text


def test_transparency_says_an_erasure_as_a_count_without_other_members() -> None:
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.transparency import audit_line

    entry = {"seq": 7, "recorded_at": "2026-11-30T10:00:00", "actor": "cli:root", "member_id": B, "action": "erasure",
             "report": None, "parameters": {"records_removed": {B: 2}, "requested_here": False}, "epsilon": 0.0,
             "members_touched": [B]}
    line = audit_line(entry, B, {}, {A: "Le Dièse", B: "Théâtre du Nord"}, Translator("fr"))
    assert "effacée de toute la coopérative à sa propre demande" in line.sentence and "2 de vos fiches" in line.sentence
    assert "Dièse" not in line.sentence and A not in line.sentence


def test_a_first_day_after_the_periods_last_is_said_without_the_command_lines_options(app: object, coop: Coop) -> None:
    """The Contribution tab with only a first day, later than the last event held (the default last
    day), read « inversez --from et --to »: options of the command line, and swapping was no fix."""
    with app.state.pool.connection() as warehouse:  # type: ignore[attr-defined]
        last = resolve_period(warehouse, None, None)[1]
    # The days in words, as the page's other sentences write them (« 1er janvier 2098 », was 2098-01-01).
    expected = (f"Le premier jour de la période (1er janvier 2098) tombe après son dernier jour ({day_in(last, 'fr')}) ; "
                "donnez un premier jour qui ne vient pas après le dernier.")
    with new_client(app) as client:
        login(client, coop.emails["A-analyst"])
        page = client.get(f"/m/{A}/contribution", params={"from": "2098-01-01"})
        api = client.get(f"/api/v1/members/{A}/contribution", params={"from": "2098-01-01"})
    assert page.status_code == 400 and expected in html.unescape(page.text)
    assert api.status_code == 400 and api.json()["error"]["message"] == expected
    assert "--" not in html.unescape(page.text).split("<main", 1)[-1]


def test_the_figures_table_writes_each_total_as_its_sentence_does(app: object, coop: Coop) -> None:
    """« 3,9 points de nDCG@10 sur 17,9 » above a table whose cooperative column read 18, and a share
    of conversions written « 0,0 % » when the cooperative had none (0 of 0): each total is written with
    its sentence's decimals, and the share of nothing is « – »."""
    with new_client(app) as client:
        login(client, coop.emails["A-analyst"])
        page = client.get(f"/m/{A}/contribution").text
        functions = client.get(f"/api/v1/members/{A}/contribution").json()["functions"]
    said = " ".join(html.unescape(re.findall(r'id="contribution-said">(.*?)</section>', page, re.S)[0]).split())
    body = re.findall(r'<section class="block" id="figures">.*?<tbody>(.*?)</tbody>', page, re.S)[0]
    rows = [[" ".join(html.unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert len(rows) == len(functions)
    french = Translator("fr")
    for (name, f), (_label, _yours, total, share) in zip(functions.items(), rows, strict=True):
        if f["total"] > 0:
            written = " ".join(french.number(f["total"], 1 if name == "recommendation" else 0).split())
            assert total == written and f"sur {written}." in said, (name, total, written, said)
            assert share == " ".join(french.percent(f["fraction"], 1).split()), (name, share)
        else:
            assert (total, share) == ("0", "–"), (name, total, share)
    assert any(f["total"] <= 0 for f in functions.values()), "no kind of value without figures to check « – » on"
    assert functions["recommendation"]["total"] % 1, "a whole total checks no decimal"
