"""Campaigns end to end against a real SMTP server on loopback (aiosmtpd), through the real CLI.

What a member, a patron or the cooperative would notice: the mails arrive in the person's
language with both unsubscribe headers; the holdout, the unsubscribed, the erased, the bounced
and whoever reached the frequency cap receive nothing; a send that stops resumes without
sending anyone a second message; no address is ever written anywhere.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.campaign_coop import (
    PASSWORD,
    MailServer,
    SinkHandler,
    addresses_by_key,
    build,
    cc,
    language,
    login,
    marketing,
)
from tests.conftest import run_cli_here as run_cli

from culturecoop.campaigns.sender import SmtpServer, send_campaign
from culturecoop.campaigns.service import create_campaign
from culturecoop.campaigns.settings import set_settings
from culturecoop.campaigns.simulate import simulate_response
from culturecoop.errors import UserError
from culturecoop.governance.accounts import create_account
from culturecoop.ingest.load import ingest
from culturecoop.privacy.audit import verify_chain
from culturecoop.privacy.gate import set_policy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web import Settings, create_app
from culturecoop.web.i18n import Translator
from culturecoop.web.views.campaigns import results_view

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's test client warns about its own future at import
    from fastapi.testclient import TestClient

JAZZ, LILAS = "jazz-dieze", "theatre-lilas"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    coop = build(tmp_path_factory.mktemp("campaigns"))
    coop["addresses"] = addresses_by_key(coop["db"], coop["keys"])
    coop["index"] = {a: int(a.split(".")[1].split("@")[0]) for a in coop["addresses"].values()}
    return coop


@pytest.fixture
def coop(base: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """A copy of the cooperative's warehouse for one test (tests change it)."""
    db = tmp_path / "coop.duckdb"
    shutil.copy(base["db"], db)
    return {**base, "db": db, "tmp": tmp_path}


def create(coop: dict[str, Any], member: str = JAZZ, holdout: float | None = None, seed: int | None = None) -> dict[str, Any]:
    """A campaign created in-process (the CLI's `campaigns create` calls the same function)."""
    with Warehouse(coop["db"]) as w:
        return create_campaign(
            w, member_id=member, audience_id=coop["audiences"][member], subject_fr="Ce soir : {event_title}",
            subject_en="Tonight: {event_title}", body_fr=(coop["out"] / "fr.txt").read_text(),
            body_en=(coop["out"] / "en.txt").read_text(), event_id="JA0" if member == JAZZ else "TH0",
            link="https://billets.example.org/e", holdout=holdout, seed=seed)


def send_here(coop: dict[str, Any], campaign: str, server: MailServer) -> dict[str, Any]:
    """A send in-process (the CLI's `campaigns send` calls the same function)."""
    host, port = server.where.split(":")
    with Warehouse(coop["db"]) as w:
        return send_campaign(w, campaign, keys_dir=coop["keys"], server=SmtpServer(host, int(port)), rate=0).as_json()


def send(coop: dict[str, Any], campaign: str, server: MailServer, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("campaigns", "send", campaign, "--db", str(coop["db"]), "--keys", str(coop["keys"]),
                   "--smtp", server.where, "--rate", "0", "--json", *extra)


def test_a_french_venue_need_not_write_an_english_message(coop: dict[str, Any]) -> None:
    """Without an English subject and message, the people who read English get the French message
    (their footer still in English); giving one of the two alone is refused in one sentence."""
    created = cc("campaigns", "create", "--db", str(coop["db"]), "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                 "--subject-fr", "Ce soir : {titre}", "--body-fr", str(coop["out"] / "fr.txt"),
                 "--event", "JA0", "--link", "https://billets.example.org/e", "--json")
    with Warehouse(coop["db"]) as w:
        row = w.query("SELECT subject_fr, subject_en, body_fr, body_en FROM campaign WHERE campaign_id = ?", [created["campaign_id"]])[0]
    assert row["subject_en"] == row["subject_fr"] == "Ce soir : {titre}" and row["body_en"] == row["body_fr"]
    half = run_cli("campaigns", "create", "--db", str(coop["db"]), "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                   "--subject-fr", "a", "--subject-en", "b", "--body-fr", str(coop["out"] / "fr.txt"), "--link", "https://x.example.org")
    assert half.returncode == 2 and "--subject-en and --body-en" in half.stderr and "Traceback" not in half.stderr


def arms(db: Path, campaign: str) -> dict[str, str]:
    with Warehouse(db) as w:
        return {r["patron_key"]: r["arm"] for r in w.query(
            "SELECT patron_key, arm FROM campaign_recipient WHERE campaign_id = ?", [campaign])}


def test_mails_arrive_in_the_persons_language_with_unsubscribe_headers_and_the_holdout_gets_nothing(coop: dict[str, Any]) -> None:
    created = cc("campaigns", "create", "--db", str(coop["db"]), "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                 "--subject-fr", "Ce soir : {event_title}", "--subject-en", "Tonight: {event_title}",
                 "--body-fr", str(coop["out"] / "fr.txt"), "--body-en", str(coop["out"] / "en.txt"),
                 "--event", "JA0", "--link", "https://billets.example.org/e", "--json")
    assert created["recipients"] and created["holdout"] and created["holdout"] >= 10
    with MailServer() as server:
        result = send(coop, created["campaign_id"], server)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    drawn = arms(coop["db"], created["campaign_id"])
    treatment = {coop["addresses"][k] for k, a in drawn.items() if a == "treatment"}
    holdout = {coop["addresses"][k] for k, a in drawn.items() if a == "holdout"}
    got = [r.recipient for r in server.handler.received]
    assert report["sent"] == len(got) == len(treatment) == created["recipients"]
    assert set(got) == treatment and not holdout & set(got)
    assert len(holdout) == created["holdout"]
    for r in server.handler.received:
        i = coop["index"][r.recipient]
        assert marketing(i), "a person who refused marketing received a mail"
        assert r.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert r.message["List-Unsubscribe"].startswith("<http") and "/unsubscribe/" in r.message["List-Unsubscribe"]
        assert r.message["Content-Language"] == language(i)
        text = r.message.get_body(("plain",)).get_content()
        if language(i) == "fr":
            assert "Bonjour" in text and "un clic suffit" in text and ",00\xa0$" in text and " à 20 h 00" in text
        else:
            assert "Hello" in text and "one click is enough" in text and ".00." in text and "at 8:00" in text
        assert r.message["List-Unsubscribe"].strip("<>") in text


def test_a_campaign_created_in_french_says_its_status_in_words(coop: dict[str, Any]) -> None:
    result = run_cli("campaigns", "create", "--db", str(coop["db"]), "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                     "--subject-fr", "Ce soir : {event_title}", "--subject-en", "Tonight: {event_title}",
                     "--body-fr", str(coop["out"] / "fr.txt"), "--body-en", str(coop["out"] / "en.txt"),
                     "--event", "JA0", "--link", "https://billets.example.org/e", lang="fr")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stderr.split())
    with Warehouse(coop["db"]) as w:
        counts = {r["arm"]: r["n"] for r in w.query("SELECT arm, count(*) AS n FROM campaign_recipient GROUP BY arm")}
    assert (f"(prête à envoyer) : {counts['treatment']} destinataires, {counts['holdout']} gardés à l’écart "
            "comme groupe témoin.") in text, text
    listed = run_cli("campaigns", "list", "--db", str(coop["db"]), "--member", JAZZ, lang="fr")
    assert "prête à envoyer" in listed.stderr and " ready " not in listed.stderr, listed.stderr
    campaign = next(line.split()[0] for line in listed.stderr.splitlines() if line.strip().startswith("cmp_"))
    # « --in FR » as a manager types it: the French preview, not a refusal.
    shown = run_cli("campaigns", "preview", campaign, "--db", str(coop["db"]), "--member", JAZZ, "--in", "FR", "--json")
    assert shown.returncode == 0, shown.stderr
    assert "Ce soir : Spectacle JA0" in shown.stdout, shown.stdout


def test_unsubscribed_person_gets_nothing_from_any_later_campaign(coop: dict[str, Any]) -> None:
    first = create(coop)
    with MailServer() as server:
        send_here(coop, first["campaign_id"], server)
        # People who are in both members' lapsed audiences (150-279).
        shared = [r for r in server.handler.received if 150 <= coop["index"][r.recipient] < 280]
        assert len(shared) >= 4
        app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
        try:
            with TestClient(app) as client:
                links = [r.message["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "") for r in shared[:4]]
                clicked = client.get(links[0])
                assert clicked.status_code == 200 and "no-store" in clicked.headers["cache-control"]
                expected = "Vous êtes désabonné" if language(coop["index"][shared[0].recipient]) == "fr" else "You are unsubscribed"
                assert expected in clicked.text and "Le Dièse" in clicked.text
                # RFC 8058: the mail client's POST, without cookie or CSRF token.
                for link in links[1:3]:
                    assert client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
                assert client.get(links[0]).status_code == 200  # a second click changes nothing
                forged = links[3][:-4] + "0000"
                assert client.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 404
        finally:
            app.state.pool.close()
        gone = {r.recipient for r in shared[:3]}
        with Warehouse(coop["db"]) as w:
            assert w.scalar("SELECT count(*) FROM consent_event WHERE NOT granted AND purpose = 'marketing'") == 3
        started = time.monotonic()
        later = create(coop, LILAS, 0.15)
        server.handler.received.clear()
        send_here(coop, later["campaign_id"], server)
        assert time.monotonic() - started < 60
        got = {r.recipient for r in server.handler.received}
    assert got and not got & gone
    assert shared[3].recipient not in gone
    assert not {coop["addresses"][k] for k in arms(coop["db"], later["campaign_id"])} & gone


def test_frequency_cap_holds_across_two_members_campaigns(coop: dict[str, Any]) -> None:
    cc("campaigns", "settings", "--db", str(coop["db"]), "--cap", "1", "--days", "7", "--json")
    jazz, lilas = create(coop), create(coop, LILAS, 0.15)
    with MailServer() as server:
        send_here(coop, jazz["campaign_id"], server)
        report = send_here(coop, lilas["campaign_id"], server)
    per_address: dict[str, int] = {}
    for r in server.handler.received:
        per_address[r.recipient] = per_address.get(r.recipient, 0) + 1
    assert max(per_address.values()) == 1
    both = {k for k, a in arms(coop["db"], jazz["campaign_id"]).items() if a == "treatment"} & {
        k for k, a in arms(coop["db"], lilas["campaign_id"]).items() if a == "treatment"}
    assert both and report["capped"] == len(both)


def test_erased_person_receives_nothing_afterwards(coop: dict[str, Any]) -> None:
    created = create(coop)
    drawn = arms(coop["db"], created["campaign_id"])
    erased = sorted(k for k, a in drawn.items() if a == "treatment")[:5]
    # What erasure does to a person's records (issue 14): their rows are gone from every table.
    with Warehouse(coop["db"]) as w, w.transaction() as con:
        for key in erased:
            for table in ("consent", "ticket", "patron"):
                con.execute(f"DELETE FROM {table} t USING identity i WHERE i.patron_key = ? AND t.member_id = i.member_id "
                            "AND t.member_patron_id = i.member_patron_id", [key])
            con.execute("DELETE FROM identity WHERE patron_key = ?", [key])
    with MailServer() as server:
        report = send_here(coop, created["campaign_id"], server)
    assert report["opted_out"] == len(erased)
    assert not {coop["addresses"][k] for k in erased} & {r.recipient for r in server.handler.received}


def test_permanent_refusal_suppresses_the_contact_and_temporary_ones_are_retried(coop: dict[str, Any]) -> None:
    created = create(coop)
    treatment = sorted(coop["addresses"][k] for k, a in arms(coop["db"], created["campaign_id"]).items() if a == "treatment")
    handler = SinkHandler(refuse={treatment[0]: 550, treatment[1]: 451})
    with MailServer(handler) as server:
        report = send_here(coop, created["campaign_id"], server)
        assert report["bounced"] == 1 and report["failed_for_now"] == 1 and report["status"] == "sending"
        # The temporary refusal is tried again by the next run; the bounced address never again.
        handler.refuse.clear()
        again = send_here(coop, created["campaign_id"], server)
        assert again["sent"] == 1 and again["status"] == "sent"
        later = create(coop)
    assert [r.recipient for r in handler.received].count(treatment[1]) == 1
    assert treatment[0] not in {r.recipient for r in handler.received}
    assert treatment[0] not in {coop["addresses"][k] for k in arms(coop["db"], later["campaign_id"])}


def test_server_that_disappears_mid_send_is_resumed_without_sending_twice(coop: dict[str, Any]) -> None:
    created = create(coop)
    handler = SinkHandler()
    server = MailServer(handler).start()
    process = subprocess.Popen(
        [sys.executable, "-m", "culturecoop.cli.main", "campaigns", "send", created["campaign_id"], "--db", str(coop["db"]),
         "--keys", str(coop["keys"]), "--smtp", server.where, "--rate", "40", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "CULTURECOOP_LANG": "en"})
    deadline = time.monotonic() + 60
    while handler.count() < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.stop()
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 5, err
    assert "stopped answering" in err and "Traceback" not in err
    first = handler.count()
    assert 20 <= first < created["recipients"]
    server.start()
    try:
        result = send(coop, created["campaign_id"], server)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    got = [r.recipient for r in handler.received]
    assert len(got) == len(set(got)) == created["recipients"]
    assert json.loads(result.stdout)["already_done"] == first


def test_killed_sender_resumes_without_sending_twice(coop: dict[str, Any]) -> None:
    created = create(coop)
    with MailServer() as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "culturecoop.cli.main", "campaigns", "send", created["campaign_id"], "--db", str(coop["db"]),
             "--keys", str(coop["keys"]), "--smtp", server.where, "--rate", "40"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while server.handler.count() < 15 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        first = server.handler.count()
        assert first < created["recipients"]
        result = send(coop, created["campaign_id"], server)
    assert result.returncode == 0, result.stderr
    got = [r.recipient for r in server.handler.received]
    # Nobody twice; a message the server held when the process died is "uncertain", never resent.
    assert len(got) == len(set(got))
    with Warehouse(coop["db"]) as w:
        uncertain = w.scalar("SELECT count(*) FROM campaign_send WHERE status = 'uncertain'")
    assert created["recipients"] - uncertain <= len(got) <= created["recipients"]


@pytest.mark.parametrize("case, words", [
    ("missing_key", "campaign.private"),
    ("no_server", "cannot be reached"),
    ("small_audience", "too few people"),
    ("unknown_placeholder", "not a placeholder"),
    ("bad_holdout", "--holdout is the share of the audience kept out"),
    ("approval", "approval"),
])
def test_bad_input_is_one_sentence_and_sends_nothing(coop: dict[str, Any], case: str, words: str) -> None:
    db = str(coop["db"])
    if case == "small_audience":
        small = cc("audiences", "create", "--db", db, "--member", JAZZ, "--lapsed", "240", "--name", "nobody", "--json")
        result = run_cli("campaigns", "create", "--db", db, "--member", JAZZ, "--audience", small["audience_id"], "--subject-fr", "a",
                         "--subject-en", "b", "--body-fr", str(coop["out"] / "fr.txt"), "--body-en", str(coop["out"] / "en.txt"),
                         "--link", "https://x.example.org")
        words = "Nobody in the audience “nobody”" if "Nobody" in result.stderr else "The audience “nobody” has too few people"
    elif case == "unknown_placeholder":
        result = run_cli("campaigns", "create", "--db", db, "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                         "--subject-fr", "Salut {prenom}", "--subject-en", "b", "--body-fr", str(coop["out"] / "fr.txt"),
                         "--body-en", str(coop["out"] / "en.txt"), "--link", "https://x.example.org")
    elif case == "bad_holdout":
        result = run_cli("campaigns", "create", "--db", db, "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                         "--subject-fr", "a", "--subject-en", "b", "--body-fr", str(coop["out"] / "fr.txt"),
                         "--body-en", str(coop["out"] / "en.txt"), "--link", "https://x.example.org", "--holdout", "0.01")
    else:
        if case == "approval":
            with Warehouse(coop["db"]) as w:
                set_settings(w, "test", require_approval=True)
        created = create(coop)
        keys = coop["tmp"] / "keys-without-private"
        shutil.copytree(coop["keys"], keys)
        if case == "missing_key":
            (keys / "campaign.private").unlink()
        with MailServer() as server:
            where = "127.0.0.1:1" if case == "no_server" else server.where
            result = run_cli("campaigns", "send", created["campaign_id"], "--db", db, "--keys", str(keys), "--smtp", where)
            assert not server.handler.received
        with Warehouse(coop["db"]) as w:
            assert not w.scalar("SELECT count(*) FROM campaign_send")
    assert result.returncode != 0
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.strip().splitlines() if line.strip()]) <= 3


def test_no_recipient_address_is_written_anywhere(coop: dict[str, Any]) -> None:
    created = create(coop)
    outputs = []
    with MailServer() as server:
        result = send(coop, created["campaign_id"], server)
        outputs += [result.stdout, result.stderr]
        assert server.handler.received
    results = run_cli("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--json")
    outputs += [results.stdout, results.stderr]
    addresses = set(coop["addresses"].values())
    with Warehouse(coop["db"]) as w:
        w.con.execute("CHECKPOINT")
        for table in [r["table_name"] for r in w.query("SELECT table_name FROM information_schema.tables")]:
            text = "\n".join(str(v) for row in w.con.execute(f"SELECT * FROM {table}").fetchall() for v in row)
            assert not [a for a in addresses if a in text], table
    raw = coop["db"].read_bytes()
    assert not [a for a in addresses if a.encode() in raw]
    assert not [a for a in addresses if any(a in o for o in outputs)]
    assert not list(coop["db"].parent.glob("*.campaign-sends/*.journal"))


def test_planted_lift_is_measured_with_both_intervals_and_nothing_below_k(coop: dict[str, Any]) -> None:
    # Seeded holdout and response: the intervals are random, the test must not be.
    created = create(coop, holdout=0.5, seed=7)
    with MailServer() as server:
        send_here(coop, created["campaign_id"], server)
    before = cc("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--json")
    assert not before["lift"]["available"]
    holdout_conversions = next(m for a in before["arms"] if a["arm"] == "holdout" for m in a["measures"] if m["measure"] == "converted")
    assert holdout_conversions["value"] is None and holdout_conversions["shown"] == "< 10"
    later = coop["tmp"] / "later"
    with Warehouse(coop["db"]) as w:
        planted = simulate_response(w, created["campaign_id"], later, base=0.05, lift=0.2, slope=0.6, seed=3)
    ingest(later, coop["db"])
    result = cc("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--json")
    lift, truth = result["lift"], planted["true_lift"]
    assert lift["available"], lift
    simple, adjusted = lift["two_proportion"], lift["cuped"]
    assert simple["low"] <= truth <= simple["high"]
    assert adjusted["low"] <= truth <= adjusted["high"]
    # Past spending explains part of who buys: the adjusted interval is narrower.
    assert adjusted["high"] - adjusted["low"] < simple["high"] - simple["low"]
    treatment = {m["measure"]: m["value"] for m in result["arms"][0]["measures"]}
    assert treatment["converted"] == planted["buyers_treatment"] and treatment["delivered"] == created["recipients"]
    assert result["arms"][0]["revenue"] > 0
    with Warehouse(coop["db"]) as w:
        views = w.scalar("SELECT count(*) FROM audit WHERE report = 'campaign_results' AND member_id = ?", [JAZZ])
    assert views == 2
    # Another member cannot read the results: the same sentence as for a campaign that does not exist.
    other = run_cli("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--member", LILAS)
    assert other.returncode == 2 and "has no campaign" in other.stderr


def test_with_noise_on_the_revenue_is_noisy_too_and_cuped_is_not_shown(coop: dict[str, Any]) -> None:
    # With differential privacy on, counts carry noise: an exact revenue beside them would tell a
    # member whether a buyer it knows (a unique price) was in the campaign, and in which arm.
    created = create(coop, holdout=0.5, seed=7)
    with MailServer() as server:
        send_here(coop, created["campaign_id"], server)
    with Warehouse(coop["db"]) as w:
        simulate_response(w, created["campaign_id"], coop["tmp"] / "later", base=0.05, lift=0.2, slope=0.6, seed=3)
    ingest(coop["tmp"] / "later", coop["db"])
    exact = cc("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--json")
    assert exact["lift"]["cuped"] is not None
    with Warehouse(coop["db"]) as w:
        # The largest ε a release may spend: noise on, and a holdout of 24 conversions never drawn
        # under k (at ε = 1 over the release's cells it was, one run in five, and the lift was hidden).
        set_policy(w, "test", noise=True, epsilon_per_release=10.0, epsilon_budget=100.0)
    noisy = cc("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--json")
    assert [a["revenue"] for a in noisy["arms"]] != [a["revenue"] for a in exact["arms"]]
    assert all(a["revenue"] is None or a["revenue"] >= 0 for a in noisy["arms"])
    lift = noisy["lift"]
    assert lift["available"] and lift["cuped"] is None and "noise" in lift["sentence"], lift
    # Asked again on the same data: the same noisy answer, no new ε spent.
    assert cc("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), "--json")["arms"] == noisy["arms"]
    with Warehouse(coop["db"]) as w:
        spent = [r["epsilon"] for r in w.query(
            "SELECT epsilon FROM audit WHERE report = 'campaign_results' AND member_id = ? ORDER BY seq", [JAZZ])]
    assert spent[-2:] == [10.0, 0.0]
    french = run_cli("campaigns", "results", created["campaign_id"], "--db", str(coop["db"]), lang="fr")
    said = " ".join((french.stdout + french.stderr).split())
    assert french.returncode == 0 and "comptes bruités" in said and "ce que chacun dépensait avant n’est pas montrée" in said
    # The dashboard draws the one estimate there is.
    shown = results_view(noisy, {}, Translator("fr"))
    assert "comptes bruités" in " ".join(shown.lift_sentence.split())
    assert shown.chart is not None and [list(bar["x"]) for bar in shown.chart["data"]] == [["Comparaison directe"]]


def test_a_simulated_response_books_the_shows_to_come(coop: dict[str, Any]) -> None:
    # "Our new season begins: book now" sent to lapsed patrons: the response buys the member's
    # announced programme, after the send and before each show; never last season's shows.
    programme = coop["tmp"] / "programme.csv"
    programme.write_text("event_id,event_title,event_starts_at,venue,genres,capacity,price\n"
                         + "".join(f"N{i},Soirée {i},{(date.today() + timedelta(days=6 + 9 * i)).isoformat()} 20:00,"
                                   f"Le Dièse,jazz,200,30\n" for i in range(4)), encoding="utf-8")
    cc("reco", "programme", str(programme), "--db", str(coop["db"]), "--member", JAZZ)
    with Warehouse(coop["db"]) as w:
        created = create_campaign(
            w, member_id=JAZZ, audience_id=coop["audiences"][JAZZ], subject_fr="La saison de {member_name}",
            subject_en="The season of {member_name}", body_fr="Réservez : {link}\n", body_en="Book: {link}\n",
            link="https://billets.example.org/saison", conversion="member", holdout=0.3, seed=5)
    with MailServer() as server:
        send_here(coop, created["campaign_id"], server)
    later = coop["tmp"] / "later"
    with Warehouse(coop["db"]) as w:
        sent = w.scalar("SELECT first_sent_at FROM campaign WHERE campaign_id = ?", [created["campaign_id"]])
        planted = simulate_response(w, created["campaign_id"], later, base=0.3, lift=0.2, seed=3)
    assert planted["tickets"] > 0
    tickets = pq.read_table(later / "ticket.parquet").to_pylist()
    events = {e["event_id"]: e["starts_at"] for e in pq.read_table(later / "event.parquet").to_pylist()}
    assert {t["event_id"] for t in tickets} <= {"N0", "N1", "N2", "N3"} and set(events) >= {t["event_id"] for t in tickets}
    assert all(sent - timedelta(days=1) < t["purchased_at"] < events[t["event_id"]] for t in tickets)


def test_campaigns_tab_and_api_show_gated_figures_to_the_member_only(coop: dict[str, Any]) -> None:
    with Warehouse(coop["db"]) as w:
        for member in (JAZZ, LILAS):
            create_account(w, email=f"admin@{member}.test", password=PASSWORD, role="member_admin", member_id=member,
                           display_name=f"Admin {member}", language="fr")
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
    texts = []
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            login(client, f"admin@{JAZZ}.test")
            page = client.get(f"/m/{JAZZ}/campaigns")
            assert page.status_code == 200 and "Nouvelle campagne" in page.text and coop["audiences"][JAZZ] in page.text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token is not None
            # A French reader is given the placeholders by their French names, and may write them so; a
            # suggested message uses them too.
            editor = html.unescape(client.get(f"/m/{JAZZ}/campaigns?audience={coop['audiences'][JAZZ]}&suggest=true").text)
            assert "Variables : {titre}, {date}, {prix}, {salle}, {lien}, {membre}" in editor, editor[-3000:]
            french = editor.split('name="subject_en"')[0]
            assert "{lien}" in french and "{membre}" in french and "{link}" not in french and "{member_name}" not in french
            form = {"csrf_token": token.group(1), "audience_id": coop["audiences"][JAZZ], "subject_fr": "Ce soir : {titre}",
                    "subject_en": "Tonight: {event_title}", "body_fr": "Bonjour {prenom}", "body_en": "Hello", "event_id": "JA0",
                    "link": "https://billets.example.org/e", "holdout": "20"}
            refused = client.post(f"/m/{JAZZ}/campaigns", data=form)
            assert refused.status_code == 400 and "n’est pas une variable" in refused.text
            # An accented name in braces is refused too, never sent to people as « {prénom} ».
            accented = client.post(f"/m/{JAZZ}/campaigns", data={**form, "body_fr": "Bonjour {prénom}"})
            assert accented.status_code == 400 and "{prénom}" in html.unescape(accented.text) and "{titre}" in html.unescape(accented.text)
            created = client.post(f"/m/{JAZZ}/campaigns", data={**form, "body_fr": "Bonjour, {titre} le {date}. {lien}"})
            assert created.status_code == 303
            campaign = created.headers["location"].rsplit("=", 1)[1]
            shown = client.get(created.headers["location"])
            assert shown.status_code == 200 and "Groupe témoin" in shown.text and "Pas encore envoyée" in shown.text
            # Said once: « Pas encore envoyée : … » and no « La campagne n’a pas encore été envoyée » after it.
            assert "pas encore été envoyée" not in shown.text
            # The campaign is named by its subject as recipients read it, in the list and its heading.
            assert "<h2>Ce soir : Spectacle JA0 · prête à envoyer</h2>" in shown.text
            assert ">Ce soir : Spectacle JA0</a>" in shown.text and "{event_title}" not in shown.text.split('id="new"')[0]
            listed = client.get(f"/api/v1/members/{JAZZ}/campaigns").json()
            assert listed["count"] == 1 and listed["data"][0]["campaign_id"] == campaign
            detail = client.get(f"/api/v1/members/{JAZZ}/campaigns/{campaign}").json()
            assert "Spectacle JA0" in detail["preview"]["fr"]["subject"] and "Tonight" in detail["preview"]["en"]["subject"]
            results = client.get(f"/api/v1/members/{JAZZ}/campaigns/{campaign}/results").json()
            assert results["arms"][1]["measures"][0]["value"] >= 10 and not results["lift"]["available"]
            texts += [page.text, shown.text, json.dumps(listed), json.dumps(detail), json.dumps(results)]
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as other:
            login(other, f"admin@{LILAS}.test")
            for path in (f"/m/{JAZZ}/campaigns", f"/api/v1/members/{JAZZ}/campaigns", f"/api/v1/members/{JAZZ}/campaigns/{campaign}/results"):
                assert other.get(path).status_code == 404, path
            own_path = other.get(f"/api/v1/members/{LILAS}/campaigns/{campaign}/results")
            assert own_path.status_code == 404 and campaign in own_path.text
            texts.append(own_path.text)
    finally:
        app.state.pool.close()
    addresses = set(coop["addresses"].values())
    assert not [a for a in addresses if any(a in text for text in texts)]


def test_transparency_page_tells_campaign_steps_in_plain_words(coop: dict[str, Any]) -> None:
    created = create(coop)
    with Warehouse(coop["db"]) as w:
        create_account(w, email=f"admin@{JAZZ}.test", password=PASSWORD, role="member_admin", member_id=JAZZ,
                       display_name="Admin", language="fr")
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            login(client, f"admin@{JAZZ}.test")
            page = client.get(f"/m/{JAZZ}/transparency").text
    finally:
        app.state.pool.close()
    # The member's own campaign is named by its subject as its recipients read it, not by its identifier.
    assert "a créé la campagne « Ce soir : Spectacle JA0 »" in html.unescape(page) and "Taille de la campagne" in page
    assert created["campaign_id"] not in page


def test_approval_when_required_and_every_step_is_audited(coop: dict[str, Any]) -> None:
    with Warehouse(coop["db"]) as w:
        set_settings(w, "test", require_approval=True)
    created = create(coop)
    assert created["status"] == "awaiting_approval"
    with MailServer() as server:
        with pytest.raises(UserError, match="approval"):
            send_here(coop, created["campaign_id"], server)
        assert not server.handler.received
        approved = cc("campaigns", "approve", created["campaign_id"], "--db", str(coop["db"]), "--json")
        assert approved["status"] == "ready" and approved["approved_by"]
        assert send_here(coop, created["campaign_id"], server)["sent"] == created["recipients"]
    with Warehouse(coop["db"]) as w:
        steps = {r["report"] for r in w.query("SELECT report FROM audit WHERE parameters LIKE ?", [f'%{created["campaign_id"]}%'])}
        assert verify_chain(w).ok
    assert {"campaign_created", "campaign", "campaign_approved", "campaign_send_started", "campaign_sent"} <= steps


def _no_command_line(text: str) -> bool:
    """A sentence a dashboard reader can act on: no option (--link) and no command (`culturecoop …`)."""
    return "--" not in text and "culturecoop " not in text


def test_a_refused_campaign_on_the_dashboard_names_the_field_in_french_never_an_option(coop: dict[str, Any]) -> None:
    """The marketing manager read « ajoutez --link URL » or « (par exemple --holdout 0.1) ; reçu 0.7 »
    for a holdout typed as 70 in the form: the service named the command line's options."""
    from culturecoop.governance.sessions import create_token

    with Warehouse(coop["db"]) as w:
        account = create_account(w, email=f"admin@{JAZZ}.test", password=PASSWORD, role="member_admin", member_id=JAZZ,
                                 display_name="Admin", language="fr")
        token = create_token(w, account, "tests")[1]
        create_account(w, email="admin@coop.test", password=PASSWORD, role="coop_admin", display_name="Coop", language="fr")
    app = create_app(Settings(db=coop["db"], keys=coop["keys"], warmup=False))
    audience = coop["audiences"][JAZZ]
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            login(client, f"admin@{JAZZ}.test")
            page = client.get(f"/m/{JAZZ}/campaigns")
            token_field = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token_field is not None
            form = {"csrf_token": token_field.group(1), "audience_id": audience, "subject_fr": "Ce soir : {event_title}",
                    "subject_en": "Tonight: {event_title}", "body_fr": "Bonjour. Billets : {link}", "body_en": "Hello. Tickets: {link}",
                    "event_id": "JA0", "link": "https://billets.example.org/e"}
            said = {}
            for case, change in {
                "no link": {"link": ""},
                "not a web address": {"link": "billets.example.org/e"},
                "holdout 70 %": {"holdout": "70"},
                "holdout in words": {"holdout": "dix"},
            }.items():
                refused = client.post(f"/m/{JAZZ}/campaigns", data={**form, **change})
                assert refused.status_code == 400, (case, refused.status_code)
                error = re.search(r'<p class="error"[^>]*>(.*?)</p>', refused.text, re.S)
                said[case] = html.unescape(error.group(1) if error else refused.text).strip()
            wrong_campaign = client.get(f"/m/{JAZZ}/campaigns", params={"campaign": "cmp_nope"})
            said["no such campaign"] = json.dumps(wrong_campaign.text, ensure_ascii=False)
            api = {"Authorization": f"Bearer {token}"}
            body = {"audience_id": audience, "subject_fr": "a", "subject_en": "b", "body_fr": "c", "body_en": "d"}
            for case, change in {
                "conversion window": {"conversion_days": 0},
                "conversion on no event": {"conversion": "event"},
                "holdout share 0.7": {"holdout": 0.7},
                "no such audience": {"audience_id": "aud_nope"},
                "no such event": {"event_id": "nope"},
            }.items():
                answer = client.post(f"/api/v1/members/{JAZZ}/campaigns", json={**body, **change}, headers=api)
                assert answer.status_code == 400, (case, answer.status_code, answer.text[:300])
                said[case] = answer.json()["error"]["message"]
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as admin:
            login(admin, "admin@coop.test")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', admin.get("/account").text)
            assert csrf is not None
            approve = admin.post("/api/v1/campaigns/cmp_nope/approve", headers={"X-CSRF-Token": csrf.group(1)})
            said["approve no such campaign"] = approve.json()["error"]["message"]
    finally:
        app.state.pool.close()
    assert [case for case, text in said.items() if not _no_command_line(text)] == [], said
    expected = {
        "no link": "Le message utilise {link} mais aucune page de billetterie n’a été donnée ; donnez l’adresse de votre page "
                   "de billetterie, ou retirez {link} du message.",
        "not a web address": "La page de billetterie doit être une adresse web sans espace, commençant par http:// ou "
                             "https:// puis un site, par exemple https://billets.example.org/concert.",
        "holdout 70 %": "La part du groupe témoin doit aller de 5\u00a0% à 50\u00a0% du public, par exemple 10\u00a0% ; reçu 70\u00a0%.",
        "holdout in words": "Le groupe témoin est un pourcentage du public de 5 à 50, par exemple 10 ; reçu dix.",
        "conversion window": "La période de conversion doit compter de 1 à 365 jours, par exemple 30 ; reçu 0.",
        "conversion on no event": "Une conversion sur l’événement demande l’événement : choisissez l’événement dont la campagne "
                                  "fait la promotion, ou comptez comme conversion tout billet pris chez vous.",
        "holdout share 0.7": "La part du groupe témoin doit aller de 5\u00a0% à 50\u00a0% du public, par exemple 10\u00a0% ; reçu 70\u00a0%.",
        "no such audience": f"Le membre {JAZZ} n’a pas de public aud_nope ; choisissez un de ses publics enregistrés.",
        "no such event": f"Le membre {JAZZ} n’a pas d’événement nope ; choisissez un de ses événements passés ou à venir.",
        "approve no such campaign": "Il n’y a pas de campagne cmp_nope ; vérifiez l’identifiant de la campagne.",
    }
    assert {case: said[case] for case in expected} == expected
    assert f"Le membre {JAZZ} n’a pas de campagne cmp_nope ; choisissez une de ses campagnes." in said["no such campaign"]


@pytest.mark.parametrize("case, words", [
    ("no_link", "add --link URL"),
    ("bad_link", "e.g. --link https://"),
    ("conversion_days", "--conversion-days must be from 1 to 365, e.g. --conversion-days 30; got 0."),
    ("holdout_as_percent", "--holdout is the share of the audience kept out, from 0.05 to 0.5, e.g. --holdout 0.1; got 10."),
])
def test_the_command_line_names_its_own_option_when_a_campaign_is_refused(coop: dict[str, Any], case: str, words: str) -> None:
    """The services now name the ticketing page and the holdout share as the dashboard does; `campaigns
    create` still says which of its options to change (its --holdout is a fraction, the form's a percentage)."""
    extra = {"no_link": [], "bad_link": ["--link", "billets.example.org"],
             "conversion_days": ["--link", "https://x.example.org", "--conversion-days", "0"],
             "holdout_as_percent": ["--link", "https://x.example.org", "--holdout", "10"]}[case]
    result = run_cli("campaigns", "create", "--db", str(coop["db"]), "--member", JAZZ, "--audience", coop["audiences"][JAZZ],
                     "--subject-fr", "a", "--subject-en", "b", "--body-fr", str(coop["out"] / "fr.txt"),
                     "--body-en", str(coop["out"] / "en.txt"), *extra)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert words in " ".join(result.stderr.split()), result.stderr
    with Warehouse(coop["db"]) as w:
        assert not w.scalar("SELECT count(*) FROM campaign")


def test_campaign_settings_name_the_holdout_option_in_french(coop: dict[str, Any]) -> None:
    result = run_cli("campaigns", "settings", "--db", str(coop["db"]), "--holdout", "0.7", lang="fr")
    assert result.returncode == 2
    assert "--holdout est la part du public gardée à l’écart, de 0,05 à 0,5, par exemple --holdout 0,1 ; reçu 0,7." in " ".join(
        result.stderr.split()), result.stderr


def test_a_subject_on_two_lines_is_refused_and_french_spaces_are_not() -> None:
    """A subject with a line break (pasted from a document) was accepted and sent cut in two."""
    from culturecoop.campaigns.content import MAX_SUBJECT, check_template

    for text in ("La saison\nBcc: x@example.org", "Soirée\x1b[31m jazz", "Soirée\x00"):
        with pytest.raises(UserError) as refused:
            check_template(text, "French subject", MAX_SUBJECT, one_line=True)
        assert refused.value.message == "The French subject holds a line break or a control character; write it on one line."
    # The no-break spaces of French typography are spaces: « Réservez\u202f! », « 20\u00a0h ».
    assert check_template("Réservez\u202f! Ce soir à 20\u00a0h", "French subject", MAX_SUBJECT, one_line=True)
    assert check_template("Bonjour,\n\nà bientôt", "French body", 50_000) == "Bonjour,\n\nà bientôt"


def test_braces_that_are_no_placeholder_are_refused_not_sent() -> None:
    """« {member_name:>50} » and « { titre } » passed the check and reached recipients with their braces."""
    from culturecoop.campaigns.content import MAX_SUBJECT, check_template

    for text, shown in (("Chez {member_name:>50}", "{member_name:>50}"), ("Bientôt { titre }", "{ titre }"),
                        ("Offre {0}", "{0}"), ("Rien {}", "{}")):
        with pytest.raises(UserError) as refused:
            check_template(text, "French subject", MAX_SUBJECT, one_line=True)
        assert refused.value.message.startswith(f"The French subject uses {shown}, which is not a placeholder; use ")
    assert check_template("{titre} le {date} chez {member_name}", "French subject", MAX_SUBJECT, one_line=True)


def test_a_ticketing_link_that_opens_nothing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """« https://x y » and « https:// » started with https:// and were sent as links that open nothing."""
    from culturecoop.cli import main as cli_main

    body = tmp_path / "body.txt"
    body.write_text("Bonjour {link}\n", encoding="utf-8")
    monkeypatch.setenv("CULTURECOOP_LANG", "fr")
    for link in ("https://billets.example.org/la soirée", "https://", "http://[::1", "https://a\nb.org"):
        monkeypatch.setattr(sys, "argv", ["culturecoop", "campaigns", "create", "--db", str(tmp_path / "coop.duckdb"),
                                          "--member", "m", "--audience", "a", "--subject-fr", "s", "--subject-en", "s",
                                          "--body-fr", str(body), "--body-en", str(body), "--link", link])
        assert cli_main._run() == 2
        assert " ".join(capsys.readouterr().err.split()) == (
            "Erreur : Le lien de billetterie doit être une adresse web sans espace, commençant par http:// ou https:// "
            "puis un site, par exemple --link https://billets.example.org/concert.")


def test_a_campaign_is_cancelled_from_the_command_line_and_then_never_sent(coop: dict[str, Any]) -> None:
    # The cancel existed for the dashboard and the API only: a member working from the command line
    # could not stop a campaign it had created by mistake.
    created = create(coop)
    elsewhere = run_cli("campaigns", "cancel", created["campaign_id"], "--db", str(coop["db"]), "--member", LILAS,
                        lang="fr")
    assert elsewhere.returncode != 0 and "Traceback" not in elsewhere.stderr
    said = run_cli("campaigns", "cancel", created["campaign_id"], "--db", str(coop["db"]), "--member", JAZZ, lang="fr")
    assert said.returncode == 0, said.stderr
    assert f"Campagne {created['campaign_id']} annulée : personne ne la recevra." in " ".join(said.stderr.split())
    with MailServer() as server:
        refused = send(coop, created["campaign_id"], server)
        assert refused.returncode == 4 and not server.handler.received
    again = run_cli("campaigns", "cancel", created["campaign_id"], "--db", str(coop["db"]), "--member", JAZZ, lang="fr")
    assert again.returncode == 4 and "seule une campagne" in again.stderr.lower(), again.stderr
