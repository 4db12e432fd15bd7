"""A small two-member cooperative for campaign tests, built through the real CLI, and a real
SMTP server on loopback (aiosmtpd) that the tests start and stop.

People 0-299 buy at jazz-dieze, 150-399 at theatre-lilas (150-299 at both, linked by e-mail).
Jazz tickets of people 0-279 and Lilas tickets of people 150-279 are old (lapsed audiences, from
December 2025 to March 2026); the others are recent (autumn 2026). One person in five refused marketing; one in three reads English.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
import random
import re
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from tests.conftest import run_cli_here as run_cli

from culturecoop.ingest.load import ingest
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import load_profile
from culturecoop.linkage.resolve import link_warehouse
from culturecoop.privacy.keys import init_keys, load_campaign_private
from culturecoop.privacy.vault import ContactOpener
from culturecoop.reco.audiences import build_audience
from culturecoop.warehouse.engine import Warehouse

COLUMNS = ["ticket_id", "order_id", "purchased_at", "status", "quantity", "unit_price", "currency", "channel", "event_id", "event_title", "event_starts_at", "venue", "venue_postal_code", "genres", "artists", "capacity", "is_local", "event_language", "patron_id", "email", "phone", "first_name", "last_name", "birth_date", "postal_code", "patron_language", "consent_pooling", "consent_marketing", "consent_personalization"]
SYLLABLES = ("ba", "lé", "mo", "ri", "ka", "zo", "pé", "lu", "na", "vi", "dro", "sté", "gan", "mir", "tho", "quel",
             "bro", "fai", "jou", "xan", "wil", "cé", "dup", "ory", "vak", "sen", "tuli", "hép")
MEMBERS = {
    "jazz-dieze": {"name": "Club de jazz Le Dièse", "kind": "jazz_club", "people": range(0, 300), "old": range(0, 280)},
    "theatre-lilas": {"name": "Théâtre des Lilas", "kind": "theatre", "people": range(150, 400), "old": range(150, 280)},
}


def address(i: int) -> str:
    return f"personne.{i:04d}@exemple.org"


def language(i: int) -> str:
    return "en" if i % 3 == 0 else "fr"


def name(i: int, syllables: int) -> str:
    """A distinct made-up name per person (linkage must not join two people)."""
    rng = random.Random(i)
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def postcode(i: int) -> str:
    return f"H{2 + i % 7}{chr(65 + i % 26)} {i % 10}{chr(65 + (i // 10) % 26)}{(i // 3) % 10}"


def marketing(i: int) -> bool:
    return i % 5 != 4


def write_export(path: Path, member_id: str) -> None:
    spec = MEMBERS[member_id]
    prefix = member_id[:2].upper()
    rows = []
    for i in spec["people"]:
        old = i in spec["old"]
        for n in range(2):
            event = f"{prefix}{(i + n) % 6 if old else 10 + (i + n) % 4}"
            # Old tickets: December 2025 to March 2026 (lapsed by autumn 2026, yet within a year: a
            # pre-period spend); recent ones: September and October 2026.
            year, month = ((2025, 12) if (i + n) % 4 == 0 else (2026, (i + n) % 4)) if old else (2026, 9 + n)
            starts = f"{year + month // 12}-{month % 12 + 1:02d}-15T20:00:00"
            rows.append({
                "ticket_id": f"T{prefix}{i}-{n}", "order_id": f"O{prefix}{i}-{n}",
                "purchased_at": f"{year}-{month:02d}-{1 + i % 27:02d}T12:00:00",
                "status": "sold", "quantity": 1 + (i % 2) + (i % 7 == 0), "unit_price": f"{20 + (i * 13) % 60}.00", "currency": "CAD", "channel": "web",
                "event_id": event, "event_title": f"Spectacle {event}", "event_starts_at": starts, "venue": spec["name"],
                "venue_postal_code": "H2X 1Y4", "genres": "jazz" if member_id == "jazz-dieze" else "théâtre", "artists": f"Artiste {event}",
                "capacity": 300, "is_local": "true", "event_language": "fr", "patron_id": f"C{prefix}{i}", "email": address(i),
                "phone": "", "first_name": name(i, 2), "last_name": name(i + 1000, 3),
                "birth_date": f"{1940 + (i * 37) % 60}-{1 + (i * 5) % 12:02d}-{1 + (i * 11) % 28:02d}", "postal_code": postcode(i),
                "patron_language": language(i), "consent_pooling": "true", "consent_marketing": str(marketing(i)).lower(),
                "consent_personalization": "true"})
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def cc(*args: str) -> Any:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result


def build(out: Path) -> dict[str, Any]:
    """Keys, two members' packages, the warehouse, linkage and one lapsed audience per member.

    In-process (the same functions the CLI calls) to keep the fixture fast; the campaign
    commands under test run through the real CLI.
    """
    init_keys(out / "keys")
    db = out / "coop.duckdb"
    for member_id, spec in MEMBERS.items():
        write_export(out / f"{member_id}.csv", member_id)
        prepare(out / f"{member_id}.csv", member=MemberInfo(member_id, spec["name"], spec["kind"], "Montréal"),
                profile=load_profile("canonical"), keys_dir=out / "keys", out=out / "packages" / member_id,
                rejects=out / f"{member_id}.rejects.csv")
        ingest(out / "packages" / member_id, db)
    with Warehouse(db) as w:
        link_warehouse(w)
        audiences = {m: build_audience(w, member_id=m, kind="lapsed", params={"months": 6}, name=f"lapsed {m}")["audience_id"]
                     for m in MEMBERS}
    (out / "fr.txt").write_text("Bonjour,\n\n{event_title} le {event_date}, dès {event_price}.\nBillets : {link}\n\n{member_name}\n", encoding="utf-8")
    (out / "en.txt").write_text("Hello,\n\n{event_title} on {event_date}, from {event_price}.\nTickets: {link}\n\n{member_name}\n", encoding="utf-8")
    return {"db": db, "keys": out / "keys", "audiences": audiences, "out": out}


def addresses_by_key(db: Path, keys: Path) -> dict[str, str]:
    """patron_key → clear address, opened with the private key (what only the sender can do)."""
    opener = ContactOpener(load_campaign_private(keys))
    with Warehouse(db) as w:
        rows = w.query("SELECT i.patron_key, p.contact_sealed FROM patron AS p JOIN identity AS i USING (member_id, member_patron_id) "
                       "WHERE p.contact_sealed IS NOT NULL")
    return {r["patron_key"]: opener.open(r["contact_sealed"]) for r in rows}


@dataclass
class Received:
    recipient: str
    message: EmailMessage


@dataclass
class SinkHandler:
    """Keeps every message; refuses the addresses in ``refuse`` with their code."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]) -> str:
        code = self.refuse.get(address)
        if code:
            return f"{code} {'Mailbox unavailable' if code >= 500 else 'Try again later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append(Received(rcpt, message))  # type: ignore[arg-type]
        return "250 Message accepted"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MailServer:
    """aiosmtpd on loopback, started and stopped by the test (and restartable on the same port)."""

    def __init__(self, handler: SinkHandler | None = None, port: int | None = None) -> None:
        self.handler = handler or SinkHandler()
        self.port = port or free_port()
        self.controller: Controller | None = None

    def start(self) -> MailServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def where(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


PASSWORD = "correct horse battery"


def login(client: Any, email: str, password: str = PASSWORD) -> None:
    """Sign ``client`` (a TestClient) in through the login form, its CSRF token included."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})
    assert response.status_code == 303, response.text[:300]
