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


def unsubscribe(warehouse: Warehouse, server_secret: bytes, campaign_id: str, recipient_id: str, sig: str,
                source: str) -> str | None:
    """Record the withdrawal of a valid link; returns the campaign's member, None for a bad link.

    The answer for a forged or unknown link is the same (None): a link reveals nobody.
    """
    if not (_TOKEN.match(campaign_id) and _TOKEN.match(recipient_id) and _TOKEN.match(sig)):
        return None
    expected = signature(link_key(server_secret), campaign_id, recipient_id)
    if not hmac.compare_digest(expected, sig):
        return None
    rows = warehouse.query(
        "SELECT r.patron_key, c.member_id FROM campaign_recipient AS r JOIN campaign AS c USING (campaign_id) "
        "WHERE r.campaign_id = ? AND r.recipient_id = ?", [campaign_id, recipient_id])
    if not rows:
        return None
    patron_key, member_id = rows[0]["patron_key"], rows[0]["member_id"]
    already = warehouse.scalar(
        "SELECT count(*) FROM consent_event WHERE patron_key = ? AND purpose = 'marketing' AND NOT granted AND campaign_id = ?",
        [patron_key, campaign_id])
    if already:
        return str(member_id)
    with warehouse.transaction() as con:
        con.execute("INSERT INTO consent_event VALUES (?, 'marketing', false, ?, ?, ?, ?)",
                    [patron_key, source if source in SOURCES else "unsubscribe_link", campaign_id, member_id, now_utc()])
    return str(member_id)
