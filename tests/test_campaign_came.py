"""« Did my campaign bring people to the show? »: the Campaigns tab answers it in words, before any
rate or interval: who bought since the send in each group (the counts the gate releases), until
when purchases count, and whether the show is still to come or over, in French.

One small cooperative per module (tests/campaign_coop.py), campaigns sent to aiosmtpd on loopback,
the page read through the real web app.
"""

from __future__ import annotations

import html
import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.campaign_coop import PASSWORD, MailServer, build, login
from tests.conftest import run_cli_here as run_cli

from culturecoop.campaigns.sender import SmtpServer, send_campaign
from culturecoop.campaigns.service import create_campaign
from culturecoop.campaigns.simulate import simulate_response
from culturecoop.governance.accounts import create_account
from culturecoop.ingest.load import ingest
from culturecoop.reco.programme import load_programme
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

JAZZ, LILAS = "jazz-dieze", "theatre-lilas"


def _campaign(w: Warehouse, coop: dict[str, Any], member: str, event: str | None, conversion: str | None = None) -> str:
    return str(create_campaign(
        w, member_id=member, audience_id=coop["audiences"][member], subject_fr="Ce soir : {titre}" if event else "Cette saison",
        subject_en="",
        body_fr="Bonjour, {titre}. {lien}" if event else "Bonjour. {lien}", body_en="", event_id=event,
        link="https://billets.example.org/e", holdout=0.5, seed=7, conversion=conversion)["campaign_id"])


@pytest.fixture(scope="module")
def coop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("came")
    coop = build(out)
    show = (datetime.now(UTC) + timedelta(days=12)).replace(hour=20, minute=0, second=0, microsecond=0)
    (out / "programme.csv").write_text(f"event_id,title,start\nJA99,Nuit blanche au Dièse,{show:%Y-%m-%d %H:%M}\n", encoding="utf-8")
    with Warehouse(coop["db"]) as w:
        load_programme(w, JAZZ, out / "programme.csv")
        past = _campaign(w, coop, JAZZ, "JA0")  # a show of last winter, over
        coming = _campaign(w, coop, LILAS, None, "member")  # any ticket of the theatre, 30 days
        with MailServer() as server:
            for campaign in (past, coming):
                send_campaign(w, campaign, keys_dir=coop["keys"], server=SmtpServer("127.0.0.1", server.port), rate=0)
        for member in (JAZZ, LILAS):
            create_account(w, email=f"admin@{member}.test", password=PASSWORD, role="member_admin", member_id=member,
                           display_name=f"Admin {member}", language="fr")
    return {**coop, "past": past, "coming": coming, "show": show}


def _page(coop: dict[str, Any], member: str, campaign: str) -> tuple[str, dict[str, Any]]:
    """The campaign's page as the member's admin reads it (French), and its JSON results."""
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            login(client, f"admin@{member}.test")
            page = client.get(f"/m/{member}/campaigns?campaign={campaign}")
            assert page.status_code == 200, page.text[:300]
            results = client.get(f"/api/v1/members/{member}/campaigns/{campaign}/results").json()
    finally:
        app.state.pool.close()
    text = re.sub(r"<[^>]+>", " ", html.unescape(page.text.split('id="list"')[0]))
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split()), results


def test_a_campaign_for_a_show_that_is_over_says_who_bought_and_sends_her_back_for_nothing(coop: dict[str, Any]) -> None:
    text, results = _page(coop, JAZZ, coop["past"])
    drawn = next(m["value"] for m in results["arms"][0]["measures"] if m["measure"] == "recipients")
    # Who bought, in each group, said before any rate: nobody yet, under k, said « moins de 10 ».
    assert "Ont acheté un billet pour « Spectacle JA0 » depuis l’envoi du" in text, text
    assert f": moins de 10 des {drawn} personnes tirées pour la campagne, et moins de 10 des" in text, text
    # The show is over: these figures will not move; « revenez voir » would send her back for nothing.
    assert "Le spectacle a eu lieu le" in text and "ce sont les chiffres définitifs" in text, text
    assert "Revenez voir" not in text and "plus aucun achat ne comptera" in text, text
    assert results["counting_over"] and results["event_over"]

    # People buy (a later package with a planted effect): the same sentence gives the counts of the table.
    with Warehouse(coop["db"]) as w:
        simulate_response(w, coop["past"], coop["out"] / "later", base=0.05, lift=0.3, slope=0.6, seed=3)
    ingest(coop["out"] / "later", coop["db"])
    text, results = _page(coop, JAZZ, coop["past"])
    bought = {a["arm"]: next(m["value"] for m in a["measures"] if m["measure"] == "converted") for a in results["arms"]}
    assert bought["treatment"] is not None and bought["treatment"] >= 10
    assert f": {bought['treatment']} des {drawn} personnes tirées pour la campagne, et " in text, text
    assert "Ont acheté Recettes" in text and "Conversions" not in text  # the table says what the sentence says


def test_a_campaign_still_counting_says_until_when(coop: dict[str, Any]) -> None:
    text, results = _page(coop, LILAS, coop["coming"])
    until = datetime.fromisoformat(results["counted_until"])
    assert not results["counting_over"] and until > datetime.now()
    assert "Ont acheté un de vos billets depuis l’envoi du" in text, text
    months = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
    assert f"Les achats sont comptés jusqu’au {until.day} {months[until.month - 1]} {until.year}." in text, text  # a day, not « à 11 h 03 »
    assert "Revenez voir" in text  # nobody bought yet, and they still may


def test_a_campaign_for_a_show_to_come_names_the_show_and_its_date(coop: dict[str, Any], tmp_path: Path) -> None:
    with Warehouse(coop["db"]) as w:
        upcoming = _campaign(w, coop, JAZZ, "JA99")
        with MailServer() as server:
            send_campaign(w, upcoming, keys_dir=coop["keys"], server=SmtpServer("127.0.0.1", server.port), rate=0)
    text, results = _page(coop, JAZZ, upcoming)
    assert not results["event_over"] and results["event_title"] == "Nuit blanche au Dièse"
    assert "Ont acheté un billet pour « Nuit blanche au Dièse » depuis l’envoi du" in text, text
    assert re.search(r"Le spectacle a lieu le \d+ \S+ \d{4} à 20 h 00 : les achats sont comptés jusque-là\.", text), text


def test_a_campaign_not_sent_yet_says_when_it_goes_and_can_be_cancelled_and_then_nobody_receives_it(coop: dict[str, Any]) -> None:
    with Warehouse(coop["db"]) as w:
        mistake = _campaign(w, coop, LILAS, None, "member")
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            login(client, f"admin@{LILAS}.test")
            page = client.get(f"/m/{LILAS}/campaigns?campaign={mistake}")
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).replace("\u202f", " ").replace("\u00a0", " ").split())
            # When it goes out, and that a mistake seen in the message can still be undone.
            assert re.search(r"Pas encore envoyée : le service d’envoi de la coopérative l’expédie entre le \d+ \S+ \d{4} et le", text), text
            assert "Annuler cette campagne" in text and '<details class="rows" id="message" open>' in page.text
            # Who gets it, said once: the table's « Personnes » is not the audience's size on the list.
            assert re.search(r"seules comptent les personnes qui ont accepté de recevoir des courriels et laissé une adresse : "
                             r"\d+ le recevront, et \d+, tirées au hasard, sont gardées à part", text), text
            assert "M’envoyer un message d’essai" not in text  # no mail server set for the dashboard: no button
            csrf = re.search(r'id="campaign-cancel">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page.text)
            assert csrf is not None
            cancelled = client.post(f"/m/{LILAS}/campaigns/{mistake}/cancel", data={"csrf_token": csrf.group(1)})
            assert cancelled.status_code == 303
            after = html.unescape(client.get(cancelled.headers["location"]).text)
            assert "annulée" in after and "personne ne l’a reçue" in after and 'id="campaign-cancel"' not in after
            transparency = " ".join(html.unescape(client.get(f"/m/{LILAS}/transparency").text).split())
            assert "Admin theatre-lilas (administrateur, votre organisme) a annulé la campagne « Cette saison » avant son envoi." in transparency, re.findall(r"Le [^<]*annul[^<]*", transparency) or transparency[:3000]
            # A campaign already sent cannot be called back (one sentence, 409); another member's is not found.
            sent = client.post(f"/api/v1/members/{LILAS}/campaigns/{coop['coming']}/cancel", data={"csrf_token": csrf.group(1)})
            assert sent.status_code == 409 and "seule une campagne pas encore envoyée" in sent.text, sent.text
            other = client.post(f"/api/v1/members/{JAZZ}/campaigns/{coop['past']}/cancel", data={"csrf_token": csrf.group(1)})
            assert other.status_code in (403, 404)
            # A message that names the show with no show promoted would reach people as « Ce soir : »: refused.
            empty = client.post(f"/m/{LILAS}/campaigns", data={
                "csrf_token": csrf.group(1), "audience_id": coop["audiences"][LILAS], "subject_fr": "Ce soir : {titre}",
                "body_fr": "Bonjour. {lien}", "link": "https://billets.example.org/e", "event_id": ""})
            assert empty.status_code == 400 and "Le message utilise {titre}, mais aucun événement n’est mis en avant" in html.unescape(empty.text)
    finally:
        app.state.pool.close()
    # The sender refuses it: nobody receives the cancelled message.
    with MailServer() as server:
        refused = run_cli("campaigns", "send", mistake, "--db", str(coop["db"]), "--keys", str(coop["keys"]),
                          "--smtp", server.where, "--rate", "0", "--lang", "fr")
        assert refused.returncode == 4 and "annulée" in refused.stderr, refused.stderr
        assert server.handler.count() == 0


def test_a_test_message_reaches_the_members_own_inbox_as_people_will_read_it(coop: dict[str, Any]) -> None:
    with Warehouse(coop["db"]) as w:
        draft = str(create_campaign(
            w, member_id=JAZZ, audience_id=coop["audiences"][JAZZ], subject_fr="Ce soir : {titre}", subject_en="Tonight: {event_title}",
            body_fr="Bonjour,\n\n{titre}, le {date}.\nBillets : {lien}", body_en="Hello,\n\n{event_title} on {event_date}.\nTickets: {link}",
            event_id="JA99", link="https://billets.example.org/e", holdout=0.5, seed=7)["campaign_id"])
        before = w.scalar("SELECT count(*) FROM consent_event")
    with MailServer() as server:
        app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False, smtp=server.where))
        try:
            with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
                login(client, f"admin@{JAZZ}.test")
                page = client.get(f"/m/{JAZZ}/campaigns?campaign={draft}")
                assert "M’envoyer un message d’essai" in html.unescape(page.text)
                csrf = re.search(r'id="campaign-test">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page.text)
                assert csrf is not None
                answer = client.post(f"/m/{JAZZ}/campaigns/{draft}/test", data={"csrf_token": csrf.group(1)})
                said = html.unescape(answer.text)
                assert answer.status_code == 200 and f"Deux messages d’essai, en français et en anglais, ont été envoyés à admin@{JAZZ}.test" in said
                received = {r.message["Content-Language"]: r for r in server.handler.received}
                assert sorted(received) == ["en", "fr"] and {r.recipient for r in received.values()} == {f"admin@{JAZZ}.test"}
                french = received["fr"].message
                assert french["Subject"] == "[Essai] Ce soir : Nuit blanche au Dièse" and "Club de jazz Le Dièse" in french["From"]
                assert received["en"].message["Subject"] == "[Test] Tonight: Nuit blanche au Dièse"
                parts = {p.get_content_type(): p.get_content() for p in french.iter_parts()}
                assert sorted(parts) == ["text/html", "text/plain"] and "à 20 h 00" in parts["text/plain"]
                # Its HTML part says its language (a screen reader's voice) and fits a phone's mail app.
                assert parts["text/html"].startswith('<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport"')
                assert "Nuit blanche au Dièse" in parts["text/html"]
                # Why they receive it, as the cooperative decides it: a marketing consent given at any of its members
                # (« accepté de recevoir ses nouvelles » told a patron of another member a consent they never gave).
                assert ("parce que vous avez accepté, chez ce membre ou chez un autre membre de la coopérative, de "
                        "recevoir leurs nouvelles") in " ".join(parts["text/plain"].split())
                link = french["List-Unsubscribe"].strip("<>")
                assert "/unsubscribe/" in link and link.split("/unsubscribe/")[1].split("/")[1] == "test"
                # Its unsubscribe link says what it does in the real e-mail, and unsubscribes nobody.
                clicked = client.get("/unsubscribe/" + link.split("/unsubscribe/")[1])
                assert clicked.status_code == 200 and "C’était un message d’essai" in html.unescape(clicked.text)
        finally:
            app.state.pool.close()
    with Warehouse(coop["db"]) as w:
        assert w.scalar("SELECT status FROM campaign WHERE campaign_id = ?", [draft]) == "ready"
        assert w.scalar("SELECT count(*) FROM campaign_send WHERE campaign_id = ?", [draft]) == 0
        assert w.scalar("SELECT count(*) FROM consent_event") == before


def test_the_message_to_reread_fits_a_phone_screen(coop: dict[str, Any]) -> None:
    """In a real Chromium at 390 px: the message opened for rereading before the send wraps its long
    lines (the footer's unsubscribe link) instead of pushing the whole page sideways."""
    playwright = pytest.importorskip("playwright.sync_api")
    from tests.web.live import LiveServer

    with Warehouse(coop["db"]) as w:
        draft = _campaign(w, coop, JAZZ, "JA99")
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False, cookie_secure=False))
    try:
        with LiveServer(app) as live, playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
            page.goto(live.url + "/login")
            page.fill("input[name=email]", f"admin@{JAZZ}.test")
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():  # « load », not « networkidle »: half a second of silence per page (DEVELOPING)
                page.click("button.primary")
            page.goto(f"{live.url}/m/{JAZZ}/campaigns?campaign={draft}")
            assert page.locator("#message pre.message").first.is_visible()
            wide = page.evaluate("document.documentElement.scrollWidth")
            browser.close()
    finally:
        app.state.pool.close()
    assert wide <= 390, f"the campaign's page scrolls sideways on a phone: {wide} px"


def test_a_send_to_a_real_mail_server_with_dead_unsubscribe_links_is_refused_before_anything_leaves(coop: dict[str, Any]) -> None:
    """The default public address (« http://127.0.0.1:8000 ») put an unsubscribe link nobody can open in
    every message sent to people's mailboxes; the default sender (….invalid) is refused by them."""
    from culturecoop.campaigns.settings import set_settings

    with Warehouse(coop["db"]) as w:
        campaign = _campaign(w, coop, LILAS, None, "member")

    def send() -> Any:
        return run_cli("campaigns", "send", campaign, "--db", str(coop["db"]), "--keys", str(coop["keys"]),
                       "--smtp", "smtp.example.org:587", "--rate", "0", "--lang", "fr")

    dead = send()
    said = " ".join(dead.stderr.split())
    assert dead.returncode == 4 and "Les liens de désabonnement pointeraient vers http://127.0.0.1:8000" in said, said
    assert "Rien n’a été envoyé" in said and "Traceback" not in said
    with Warehouse(coop["db"]) as w:
        set_settings(w, "test", public_url="https://coop.example.org")
    placeholder = send()
    said = " ".join(placeholder.stderr.split())
    assert placeholder.returncode == 4 and "L’adresse d’envoi campagnes@culturecoop.invalid est un exemple" in said, said
    with Warehouse(coop["db"]) as w:
        set_settings(w, "test", public_url="http://127.0.0.1:8000")  # the module's other tests read the default
        assert w.scalar("SELECT status FROM campaign WHERE campaign_id = ?", [campaign]) == "ready"
        assert w.scalar("SELECT count(*) FROM campaign_send WHERE campaign_id = ?", [campaign]) == 0


def test_a_show_after_the_counting_window_is_not_said_to_end_the_counting() -> None:
    """A show in three months with purchases counted for 30 days: « les achats sont comptés jusque-là »
    promised purchases counted until the show; they stop at the window's end, and the page says that day."""
    from culturecoop.web.i18n import Translator
    from culturecoop.web.views.campaigns import bought_sentence

    arms = [{"arm": arm, "measures": [{"measure": "recipients", "value": size}, {"measure": "converted", "value": None}]}
            for arm, size in (("treatment", 500), ("holdout", 60))]
    results = {"k": 10, "arms": arms, "first_sent_at": "2026-12-07T10:00:00", "conversion": "event", "event_title": "Gala",
               "event_starts_at": "2027-03-01T20:00", "event_over": False, "counting_over": False, "counted_until": "2027-01-06T05:00"}
    said = bought_sentence(results, Translator("fr")) or ""
    assert said.endswith("Les achats sont comptés jusqu’au 6 janv. 2027."), said
    assert "jusque-là" not in said
