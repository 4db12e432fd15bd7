"""Who may receive a campaign: consent, a sealed contact, no opt-out, no bounce, the frequency cap.

A person may receive an e-mail when one of their records (at any member) holds a sealed contact
and a marketing grant, no member holds a marketing refusal for them (a withdrawal anywhere
counts everywhere), their newest marketing decision at the cooperative (``consent_event``: an
unsubscribe) is not a withdrawal, and no send ever bounced for good (``campaign_suppression``).
An erased person has no record left, so they drop out by the first rule. The contact used is
the sending member's record when it has one, else the first other member's.

The cooperation-wide frequency cap counts messages accepted by the SMTP server for the person
in the last ``cap_days`` days, across every member's campaigns.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from culturecoop.warehouse.engine import Warehouse

# One row per eligible person of the given people (``people``: a query yielding patron_key).
ELIGIBLE = """
WITH people AS ({people}),
records AS (
  SELECT i.patron_key, i.member_id, i.member_patron_id, p.language, p.contact_sealed
  FROM identity AS i
  JOIN people USING (patron_key)
  JOIN patron AS p ON p.member_id = i.member_id AND p.member_patron_id = i.member_patron_id
),
decisions AS (
  SELECT r.patron_key, bool_or(c.granted) AS any_grant, bool_and(c.granted) AS every_grant
  FROM records AS r
  JOIN consent AS c ON c.member_id = r.member_id AND c.member_patron_id = r.member_patron_id
  WHERE c.purpose = 'marketing'
  GROUP BY r.patron_key
),
withdrawn AS (
  SELECT patron_key FROM (
    SELECT patron_key, granted, row_number() OVER (PARTITION BY patron_key ORDER BY recorded_at DESC) AS newest
    FROM consent_event WHERE purpose = 'marketing'
  ) WHERE newest = 1 AND NOT granted
),
contacts AS (
  SELECT r.*, row_number() OVER (
           PARTITION BY r.patron_key ORDER BY (r.member_id = $member) DESC, r.member_id, r.member_patron_id) AS pick
  FROM records AS r
  JOIN consent AS c ON c.member_id = r.member_id AND c.member_patron_id = r.member_patron_id
  WHERE c.purpose = 'marketing' AND c.granted AND r.contact_sealed IS NOT NULL
)
SELECT k.patron_key, k.member_id, k.member_patron_id,
       CASE WHEN k.language = 'en' THEN 'en' ELSE 'fr' END AS language{contact}
FROM contacts AS k
JOIN decisions AS d ON d.patron_key = k.patron_key AND d.any_grant AND d.every_grant
WHERE k.pick = 1
  AND k.patron_key NOT IN (SELECT patron_key FROM withdrawn)
  AND k.patron_key NOT IN (SELECT patron_key FROM campaign_suppression)
ORDER BY k.patron_key
"""

AUDIENCE_PEOPLE = "SELECT DISTINCT patron_key FROM audience_member WHERE audience_id = $audience"
TREATMENT_PEOPLE = "SELECT patron_key FROM campaign_recipient WHERE campaign_id = $campaign AND arm = 'treatment'"

# Messages accepted for each person in the cap window, across every member's campaigns.
RECENT_SENDS = """
SELECT s.patron_key, count(*) AS sends
FROM campaign_send AS s
WHERE s.status IN ('sent', 'uncertain') AND s.sent_at >= $since
  AND s.patron_key IN (SELECT patron_key FROM campaign_recipient WHERE campaign_id = $campaign AND arm = 'treatment')
GROUP BY s.patron_key
"""


def eligible_in_audience(warehouse: Warehouse, audience_id: str, member_id: str) -> list[dict[str, Any]]:
    """The audience's people who may receive an e-mail now (no contact is read)."""
    sql = ELIGIBLE.format(people=AUDIENCE_PEOPLE, contact="")
    return warehouse.query(sql, {"audience": audience_id, "member": member_id})


def sendable(warehouse: Warehouse, campaign_id: str, member_id: str) -> list[dict[str, Any]]:
    """The campaign's treatment people who may still receive it, with their sealed contact.

    Only the sender calls this: the sealed contact is opened in its memory, never written.
    """
    sql = ELIGIBLE.format(people=TREATMENT_PEOPLE, contact=", k.contact_sealed")
    return warehouse.query(sql, {"campaign": campaign_id, "member": member_id})



def recent_sends(warehouse: Warehouse, campaign_id: str, now: datetime, cap_days: int) -> dict[str, int]:
    """Messages each treatment person received in the cap window, across all campaigns."""
    rows = warehouse.query(RECENT_SENDS, {"campaign": campaign_id, "since": now - timedelta(days=cap_days)})
    return {r["patron_key"]: int(r["sends"]) for r in rows}
