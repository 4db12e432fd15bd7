"""One-click unsubscribe: signed per-recipient links and the withdrawal they record.

A link names the campaign and the recipient's random reference (``campaign_recipient.
recipient_id``) and carries an HMAC of both under a key derived from the server secret, so
nobody can forge a link for someone else. Using it (the link or the RFC 8058 one-click POST)
records a marketing withdrawal at the cooperative (``consent_event``) at once: no later campaign
of any member reaches the person (``eligibility`` reads it). Repeating it changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from culturecoop.campaigns.service import now_utc
from culturecoop.warehouse.engine import Warehouse

_TOKEN = re.compile(r"^[A-Za-z0-9_]{1,64}$")
SOURCES = ("unsubscribe_link", "one_click")


def link_key(server_secret: bytes) -> bytes:
    """The key that signs unsubscribe links (never the server secret itself)."""
    return hmac.new(server_secret, b"culturecoop unsubscribe links", hashlib.sha256).digest()


def signature(key: bytes, campaign_id: str, recipient_id: str) -> str:
    return hmac.new(key, f"{campaign_id}:{recipient_id}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(public_url: str, key: bytes, campaign_id: str, recipient_id: str) -> str:
    return f"{public_url}/unsubscribe/{campaign_id}/{recipient_id}/{signature(key, campaign_id, recipient_id)}"


@dataclass(frozen=True)
class Unsubscribed:
    """What the confirmation page may say: whose campaign it was, in the person's language."""

    member_id: str
    member_name: str
    language: str


def unsubscribe(warehouse: Warehouse, server_secret: bytes, campaign_id: str, recipient_id: str, sig: str,
                source: str) -> Unsubscribed | None:
    """Record the withdrawal of a valid link; None for a forged or unknown link (one answer for
    both: a link reveals nobody). Using a link again records nothing more."""
    if not (_TOKEN.match(campaign_id) and _TOKEN.match(recipient_id) and _TOKEN.match(sig)):
        return None
    expected = signature(link_key(server_secret), campaign_id, recipient_id)
    if not hmac.compare_digest(expected, sig):
        return None
    rows = warehouse.query(
        "SELECT r.patron_key, c.member_id, coalesce(m.name, c.member_id) AS member_name, coalesce(s.variant, 'fr') AS language "
        "FROM campaign_recipient AS r JOIN campaign AS c USING (campaign_id) LEFT JOIN member AS m ON m.member_id = c.member_id "
        "LEFT JOIN campaign_send AS s ON s.campaign_id = r.campaign_id AND s.patron_key = r.patron_key "
        "WHERE r.campaign_id = ? AND r.recipient_id = ?", [campaign_id, recipient_id])
    if not rows:
        return None
    row = rows[0]
    done = Unsubscribed(str(row["member_id"]), str(row["member_name"]), str(row["language"]))
    already = warehouse.scalar(
        "SELECT count(*) FROM consent_event WHERE patron_key = ? AND purpose = 'marketing' AND NOT granted AND campaign_id = ?",
        [row["patron_key"], campaign_id])
    if not already:
        with warehouse.transaction() as con:
            con.execute("INSERT INTO consent_event VALUES (?, 'marketing', false, ?, ?, ?, ?)",
                        [row["patron_key"], source if source in SOURCES else "unsubscribe_link", campaign_id, done.member_id, now_utc()])
    return done
