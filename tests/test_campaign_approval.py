"""The cooperative admin approves or refuses campaigns from the Admin page, not only from the command line:
each campaign awaiting approval with its member by name, who gets it as the gate releases it, the message
in both languages and the send window; a refusal cancels it with a reason its member reads on its page.
A member admin reaches none of it. Then the e-mail's last headers: a `Date` in UTC written `+0000`, and
the member's own box office address in `Reply-To`, never another member's.

One small cooperative per module (tests/campaign_coop.py), the real web app over HTTP.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from tests.campaign_coop import MailServer, build

from culturecoop.campaigns.sender import SmtpServer, send_campaign
from culturecoop.campaigns.service import create_campaign, describe
from culturecoop.campaigns.settings import set_settings
from culturecoop.governance.accounts import create_account
from culturecoop.privacy import audit
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

JAZZ, LILAS = "jazz-dieze", "theatre-lilas"
PASSWORD = "correct horse battery"
ADMIN = "admin@coop.test"


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    coop = build(tmp_path_factory.mktemp("approval"))
    with Warehouse(coop["db"]) as w:
        set_settings(w, "test", require_approval=True)
        made = {m: str(create_campaign(
            w, member_id=m, audience_id=coop["audiences"][m], subject_fr=f"Revenez nous voir, {m}",
            subject_en=f"Come back, {m}", body_fr="Bonjour, la saison reprend. {lien}", body_en="Hello, the season is back. {link}",
            link="https://billets.example.org/e", holdout=0.5, seed=7)["campaign_id"]) for m in (JAZZ, LILAS)}
        create_account(w, email=ADMIN, password=PASSWORD, role="coop_admin", member_id=None, display_name="Coop", language="fr")
        create_account(w, email=f"admin@{JAZZ}.test", password=PASSWORD, role="member_admin", member_id=JAZZ,
                       display_name="Jazz", language="fr")
    return {**coop, "campaigns": made}


@pytest.fixture(scope="module")
def app(coop: dict[str, Any]) -> Iterator[Any]:
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
    yield app
    app.state.pool.close()


def _client(app: Any, email: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}).status_code == 303
    return client


def _csrf(page: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return token.group(1)


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(page)))


def test_the_admin_approves_one_campaign_and_refuses_the_other_with_a_reason_its_member_reads(app, coop) -> None:
    jazz, lilas = coop["campaigns"][JAZZ], coop["campaigns"][LILAS]
    with _client(app, ADMIN) as client:
        page = client.get("/admin")
        assert page.status_code == 200
        words = _words(page.text)
        assert "Campagnes en attente de votre approbation" in words
        for campaign, name in ((jazz, "Club de jazz Le Dièse"), (lilas, "Théâtre des Lilas")):
            block = _words(page.text.split(f'id="approval-{campaign}"')[1].split("</article>")[0])
            assert name in block, block  # the member by its name, not its identifier
            assert "Revenez nous voir" in block and "Come back" in block  # both languages
            assert re.search(r"[\d  ]+ personnes la recevront", block), block  # sizes as the gate releases them
            assert re.search(r"Envoyée entre le \d+ \w+\.? \d{4} et le", block), block  # the send window
        csrf = _csrf(page.text)
        # No CSRF token: refused, nothing approved.
        assert client.post(f"/admin/campaigns/{jazz}/approve", data={}).status_code == 403
        assert client.post(f"/admin/campaigns/{jazz}/approve", data={"csrf_token": csrf}).status_code == 303
        empty = client.post(f"/admin/campaigns/{lilas}/refuse", data={"csrf_token": csrf, "reason": "  "})
        assert empty.status_code == 400 and "Dites pourquoi" in _words(empty.text)
        reason = "Le lien de billetterie mène à une page vide ; corrigez-le."
        assert client.post(f"/admin/campaigns/{lilas}/refuse", data={"csrf_token": csrf, "reason": reason}).status_code == 303
        again = client.post(f"/admin/campaigns/{lilas}/approve", data={"csrf_token": csrf})
        assert again.status_code == 409 and "annulée" in _words(again.text)
        after = _words(client.get("/admin").text)
        assert "Aucune campagne n’attend votre approbation" in after or "Aucune campagne n'attend votre approbation" in after
    with Warehouse(coop["db"]) as w:
        assert describe(w, jazz)["status"] == "ready" and describe(w, jazz)["approved_by"].startswith("web:")
        assert describe(w, lilas)["status"] == "cancelled"
        steps = [(e.report, e.member_id) for e in audit.entries(w) if e.action == "campaign"]
        assert ("campaign_approved", JAZZ) in steps and ("campaign_refused", LILAS) in steps
    with Warehouse(coop["db"]) as w:
        create_account(w, email=f"admin@{LILAS}.test", password=PASSWORD, role="member_admin", member_id=LILAS,
                       display_name="Lilas", language="fr")
    with _client(app, f"admin@{LILAS}.test") as client:
        page = _words(client.get(f"/m/{LILAS}/campaigns?campaign={lilas}").text)
        assert "La coopérative a refusé cette campagne" in page and reason in page, page[:2000]
        api = client.get(f"/api/v1/members/{LILAS}/campaigns/{lilas}").json()
        assert api["refusal"] == reason


def test_a_member_admin_sees_no_approval_and_cannot_approve_or_refuse(app, coop) -> None:
    with Warehouse(coop["db"]) as w:
        waiting = str(create_campaign(
            w, member_id=JAZZ, audience_id=coop["audiences"][JAZZ], subject_fr="Encore", subject_en="", body_fr="Bonjour. {lien}",
            body_en="", link="https://billets.example.org/e", holdout=0.5, seed=8)["campaign_id"])
    with _client(app, f"admin@{JAZZ}.test") as client:
        page = client.get("/admin")
        assert page.status_code == 200 and 'id="campaigns"' not in page.text and waiting not in page.text
        csrf = _csrf(page.text)
        for action, data in (("approve", {}), ("refuse", {"reason": "non"})):
            response = client.post(f"/admin/campaigns/{waiting}/{action}", data={"csrf_token": csrf, **data})
            assert response.status_code in (403, 404), (action, response.status_code)
    with Warehouse(coop["db"]) as w:
        assert describe(w, waiting)["status"] == "awaiting_approval"
    with _client(app, ADMIN) as client:  # the API refuses it as the page does
        csrf = _csrf(client.get("/admin").text)
        refused = client.post(f"/api/v1/campaigns/{waiting}/refuse", json={"reason": "Trop tôt après la précédente."},
                              headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 200 and refused.json()["refusal"] == "Trop tôt après la précédente.", refused.text


def test_replies_go_to_the_members_box_office_and_the_date_says_utc(app, coop) -> None:
    with _client(app, f"admin@{JAZZ}.test") as client:
        page = client.get(f"/m/{JAZZ}/campaigns")
        csrf = _csrf(page.text)
        wrong = client.post(f"/m/{JAZZ}/campaigns/reply-to", data={"csrf_token": csrf, "reply_to": "billetterie, autre@x.org"})
        assert wrong.status_code == 400 and "n’est pas une adresse courriel" in _words(wrong.text)
        saved = client.post(f"/m/{JAZZ}/campaigns/reply-to", data={"csrf_token": csrf, "reply_to": " billetterie@dieze.example "})
        assert saved.status_code == 303
        assert "billetterie@dieze.example" in _words(client.get(f"/m/{JAZZ}/campaigns").text)
        assert "a changé l’adresse qui reçoit les réponses" in _words(client.get(f"/m/{JAZZ}/transparency").text)
    with Warehouse(coop["db"]) as w:
        set_settings(w, "test", require_approval=False)
        made = {m: str(create_campaign(
            w, member_id=m, audience_id=coop["audiences"][m], subject_fr="Nouvelle saison", subject_en="", body_fr="Bonjour. {lien}",
            body_en="", link="https://billets.example.org/e", holdout=0.5, seed=9)["campaign_id"]) for m in (JAZZ, LILAS)}
        with MailServer() as server:
            for campaign in made.values():
                send_campaign(w, campaign, keys_dir=coop["keys"], server=SmtpServer("127.0.0.1", server.port), rate=0)
        received = server.handler.received
    by_member = {m: [r.message for r in received if r.message["Message-ID"].startswith(f"<{c}.")] for m, c in made.items()}
    assert by_member[JAZZ] and by_member[LILAS]
    for message in by_member[JAZZ] + by_member[LILAS]:
        assert str(message["Date"]).endswith("+0000"), message["Date"]
    assert {str(m["Reply-To"]) for m in by_member[JAZZ]} == {"billetterie@dieze.example"}
    assert all(m["Reply-To"] is None for m in by_member[LILAS])  # Lilas set none: never the jazz club's
