"""The cooperative's health at a glance, for its admins: who sent data and when, how much of it
links across members and may be pooled, how much privacy budget is spent, whether the audit
log's chain holds, and what needs attention (a member that never uploaded, stale data).

Counts of records per member only — nothing about any person; only the cooperative's admins
read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from culturecoop.analytics.service import data_coverage
from culturecoop.privacy import audit
from culturecoop.privacy.budget import budget_status
from culturecoop.privacy.policy import current_policy
from culturecoop.warehouse.engine import Warehouse

# Data older than this is stale: the members' figures no longer describe this season.
STALE_AFTER = timedelta(days=90)
BUDGET_WARNING = 0.8  # share of a member's ε budget spent that deserves a word

MEMBER_FIGURES = """
WITH latest_consent AS (
  SELECT member_id, member_patron_id, arg_max(granted, recorded_at) AS granted
  FROM consent WHERE purpose = 'pooling'
  GROUP BY member_id, member_patron_id
), people AS (
  SELECT patron_key, count(DISTINCT member_id) AS members FROM identity GROUP BY patron_key
), records AS (
  SELECT p.member_id, count(*) AS patrons,
         count(i.patron_key) AS linked,
         count_if(pe.members >= 2) AS found_elsewhere,
         count_if(i.patron_key IS NOT NULL AND coalesce(c.granted, false)) AS pooled
  FROM patron AS p
  LEFT JOIN identity AS i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
  LEFT JOIN people AS pe ON pe.patron_key = i.patron_key
  LEFT JOIN latest_consent AS c ON c.member_id = p.member_id AND c.member_patron_id = p.member_patron_id
  GROUP BY p.member_id
), loads AS (
  SELECT member_id, count(*) AS packages, max(ingested_at) AS last_ingest FROM ingest_log GROUP BY member_id
), sales AS (
  -- A door sale naming nobody is a sale too: a club's last night may be its latest.
  SELECT member_id, CAST(sum(tickets) AS BIGINT) AS tickets, max(last_sale) AS last_sale FROM (
    SELECT member_id, count(*) AS tickets, max(purchased_at) AS last_sale FROM ticket GROUP BY member_id
    UNION ALL SELECT member_id, 0, CAST(max(sold_on) AS TIMESTAMP) FROM unnamed_sale GROUP BY member_id)
  GROUP BY member_id
), shows AS (
  SELECT member_id, count(*) AS events FROM event GROUP BY member_id
)
SELECT m.member_id, m.name, m.kind, m.region,
       coalesce(l.packages, 0) AS packages, l.last_ingest, coalesce(s.tickets, 0) AS tickets, s.last_sale,
       coalesce(sh.events, 0) AS events, coalesce(r.patrons, 0) AS patrons, coalesce(r.linked, 0) AS linked,
       coalesce(r.found_elsewhere, 0) AS found_elsewhere, coalesce(r.pooled, 0) AS pooled
FROM member AS m
LEFT JOIN loads AS l ON l.member_id = m.member_id
LEFT JOIN sales AS s ON s.member_id = m.member_id
LEFT JOIN shows AS sh ON sh.member_id = m.member_id
LEFT JOIN records AS r ON r.member_id = m.member_id
ORDER BY m.member_id
"""

POOLED_PEOPLE = """
WITH latest_consent AS (
  SELECT member_id, member_patron_id, arg_max(granted, recorded_at) AS granted
  FROM consent WHERE purpose = 'pooling'
  GROUP BY member_id, member_patron_id
)
SELECT count(DISTINCT i.patron_key) AS people
FROM identity AS i JOIN latest_consent AS c ON c.member_id = i.member_id AND c.member_patron_id = i.member_patron_id
WHERE c.granted
"""


@dataclass
class Warning:
    """Something that needs the admin's attention: a code and the member it is about."""

    code: str  # "never_uploaded", "stale", "behind", "not_linked", "budget"
    member_id: str | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class CoopHealth:
    members: list[dict[str, Any]]
    pooled_people: int
    chain_ok: bool
    chain_entries: int
    first_bad_entry: int | None
    noise: bool
    warnings: list[Warning]
    checked_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def coop_health(warehouse: Warehouse) -> CoopHealth:
    """The figures of the admin home (one read of each table, and the audit chain verified)."""
    members = warehouse.query(MEMBER_FIGURES)
    policy = current_policy(warehouse)
    now = _now()
    warnings: list[Warning] = []
    for m in members:
        m["linkage_rate"] = m["found_elsewhere"] / m["patrons"] if m["patrons"] else None
        m["pooled_rate"] = m["pooled"] / m["patrons"] if m["patrons"] else None
        status = budget_status(warehouse, m["member_id"], policy)
        m["budget"] = {"spent": status.epsilon_spent, "budget": status.epsilon_budget, "left": status.epsilon_left,
                       "releases": status.releases, "period_start": status.period_start, "period_end": status.period_end}
        if not m["packages"] and not m["tickets"]:
            warnings.append(Warning("never_uploaded", m["member_id"]))
        elif m["last_ingest"] is not None and now - m["last_ingest"] > STALE_AFTER:
            warnings.append(Warning("stale", m["member_id"], {"since": m["last_ingest"]}))
        if policy.noise and status.epsilon_budget and status.epsilon_spent >= BUDGET_WARNING * status.epsilon_budget:
            warnings.append(Warning("budget", m["member_id"], {"spent": status.epsilon_spent, "budget": status.epsilon_budget}))
    if any(m["tickets"] for m in members):
        # A package loaded yesterday may hold an export of June: what its member's reports read is
        # where its data ends, by the reports' own rule (more than a month before the cooperative's).
        cooperative = data_coverage(warehouse).as_of
        for m in members:
            own = data_coverage(warehouse, m["member_id"]).as_of if m["tickets"] else None
            m["data_until"] = own
            if own is not None and own != cooperative:
                warnings.append(Warning("behind", m["member_id"], {"until": own, "cooperative": cooperative}))
    with_data = [m for m in members if m["patrons"]]
    if len(with_data) >= 2 and not any(m["linked"] for m in with_data):
        warnings.append(Warning("not_linked", None))
    chain = audit.verify_chain(warehouse)
    pooled = int(warehouse.query(POOLED_PEOPLE)[0]["people"] or 0)
    return CoopHealth(members, pooled, chain.ok, chain.entries, chain.first_bad_seq, policy.noise, warnings, now)
