"""A synthetic later package with a planted lift: how the campaign's people responded.

For demos and for checking the lift estimate against a known truth. Each person of the campaign
who is a patron of its member buys (for the campaign's event, or any event of the member) with
probability ``base + slope × spend share + lift × treated``, where the spend share is their
pre-period spend over the largest one: past spending predicts buying, as in real audiences, so
the variance-reduced (CUPED) estimate has something to remove. The package is what the member
would send after the campaign (tickets, and the event when it was only announced), loaded with
``culturecoop ingest``. The true lift by assignment is ``lift`` times the share of the campaign's
people who can buy at the member (1 for a segment or lapsed audience of its own patrons).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa

from culturecoop.campaigns.results import MEMBER_TIMEZONE
from culturecoop.campaigns.service import campaign_row
from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.package import MemberInfo, write_package
from culturecoop.schema.model import CONTRIBUTED_TABLES, create_statements
from culturecoop.warehouse.engine import Warehouse

PEOPLE = """
SELECT r.patron_key, r.arm, r.pre_spend, min(i.member_patron_id) AS member_patron_id
FROM campaign_recipient AS r
LEFT JOIN identity AS i ON i.patron_key = r.patron_key AND i.member_id = $member
WHERE r.campaign_id = $campaign
GROUP BY ALL ORDER BY r.patron_key
"""


def simulate_response(warehouse: Warehouse, campaign_id: str, out: Path, *, base: float, lift: float,
                      slope: float = 0.0, seed: int = 0) -> dict[str, Any]:
    """Write the package ``out``; returns the planted truth and what was drawn."""
    for name, value in (("--base", base), ("--lift", lift), ("--slope", slope)):
        if not 0 <= value <= 1:
            raise UserError(_("{option} must be a probability between 0 and 1; got {value}.").format(option=name, value=value))
    if base + slope + lift > 1:
        raise UserError(_("--base, --slope and --lift add up to more than 1: lower one of them."))
    campaign = campaign_row(warehouse, campaign_id)
    if campaign["first_sent_at"] is None:
        raise UserError(_("Campaign {campaign} has not been sent yet; send it before simulating how people responded.").format(
            campaign=campaign_id), exit_code=4)
    member_id = campaign["member_id"]
    people = warehouse.query(PEOPLE, {"campaign": campaign_id, "member": member_id})
    rng = np.random.default_rng(seed)
    spend = np.array([float(p["pre_spend"] or 0.0) for p in people])
    share = spend / spend.max() if len(spend) and spend.max() > 0 else np.zeros(len(people))
    treated = np.array([p["arm"] == "treatment" for p in people])
    can_buy = np.array([p["member_patron_id"] is not None for p in people])
    probability = (base + slope * share + lift * treated) * can_buy
    bought = rng.random(len(people)) < probability
    events = _events(warehouse, member_id, campaign)
    start = campaign["first_sent_at"].replace(tzinfo=ZoneInfo("UTC")).astimezone(MEMBER_TIMEZONE).replace(tzinfo=None)
    window = max(1.0, 0.9 * int(campaign["conversion_days"]))
    con = duckdb.connect()
    for statement in create_statements():
        con.execute(statement)
    tag = secrets.token_hex(4)
    tickets = []
    for n, index in enumerate(np.flatnonzero(bought).tolist()):
        event = events[int(rng.integers(len(events)))]
        # Bought after the send, within the conversion window, and before the show starts.
        days = window
        if event["starts_at"] is not None and event["starts_at"] > start:
            days = min(window, (event["starts_at"] - start) / timedelta(days=1) * 0.9)
        when = start + timedelta(days=float(rng.uniform(0, days)))
        # Ids shaped as prepare's keyed tokens (ingest refuses anything else): the tag, 0 for a ticket, 1 for its order.
        tickets.append([member_id, f"{tag}0{n:023x}", f"{tag}1{n:023x}", people[index]["member_patron_id"], event["event_id"],
                        when, int(rng.integers(1, 3)), round(float(event["price"] or 30.0), 2), "CAD", "web", "sold"])
    if tickets:
        con.executemany("INSERT INTO ticket VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
    # A later export repeats the buyers' records and the events they bought for: the package
    # carries them again, as the member's warehouse rows (an upsert that changes nothing).
    buyers = sorted({str(t[3]) for t in tickets})
    bought_events = sorted({str(t[4]) for t in tickets}) or [str(events[0]["event_id"])]
    for table, column, keys in (("event", "event_id", bought_events), ("patron", "member_patron_id", buyers),
                                ("consent", "member_patron_id", buyers)):
        if keys:
            rows = warehouse.arrow(f"SELECT * FROM {table} WHERE member_id = ? AND list_contains(?, {column})", [member_id, keys])
            con.register("known_rows", rows)
            con.execute(f"INSERT INTO {table} SELECT * FROM known_rows")
            con.unregister("known_rows")
    announced = [e for e in events if not e["known"] and e["event_id"] in bought_events]
    if announced:
        con.executemany("INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            [member_id, e["event_id"], e["title"], e["starts_at"], e["venue"], e["venue_fsa"], e["genres"], e["artists"],
             e["capacity"], e["is_local"], e["language"]] for e in announced])
    tables: dict[str, pa.Table] = {t.name: con.sql(f"SELECT * FROM {t.name}").to_arrow_table() for t in CONTRIBUTED_TABLES}
    con.close()
    member = warehouse.query("SELECT name, kind, region FROM member WHERE member_id = ?", [member_id])[0]
    write_package(out, tables, member=MemberInfo(member_id, member["name"], member["kind"], member["region"]),
                  profile="synthetic-response", rows={"in": len(tickets), "accepted": len(tickets), "rejected": 0},
                  source_name=f"synthetic response to {campaign_id}")
    truth = lift * float(can_buy.mean()) if len(people) else 0.0
    return {"campaign_id": campaign_id, "package": str(out), "tickets": len(tickets), "people": len(people),
            "planted_lift": lift, "true_lift": truth, "base": base, "slope": slope, "seed": seed,
            "buyers_treatment": int((bought & treated).sum()), "buyers_holdout": int((bought & ~treated).sum())}


def _events(warehouse: Warehouse, member_id: str, campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """The events a response may buy: the campaign's event, or the member's next announced ones (its
    programme), else its most recent ones. A person answering a campaign books a show to come: a
    response bought for last summer's shows would be dated after them."""
    upcoming = """SELECT member_id, event_id, title, starts_at, venue, venue_fsa, genres, artists, capacity, is_local,
        language, price, false AS known FROM reco_upcoming_event WHERE member_id = $member"""
    if campaign["conversion"] == "member" and campaign["first_sent_at"] is not None:
        rows = warehouse.query(upcoming + " AND starts_at > $sent ORDER BY starts_at, event_id LIMIT 5",
                               {"member": member_id, "sent": campaign["first_sent_at"]})
        if rows:
            return rows
    rows = warehouse.query(
        "SELECT *, true AS known, (SELECT max(CAST(t.unit_price AS DOUBLE)) FROM ticket AS t WHERE t.member_id = e.member_id "
        "AND t.event_id = e.event_id) AS price FROM event AS e WHERE member_id = $member AND ($any_event OR event_id = $event) "
        "ORDER BY starts_at DESC NULLS LAST LIMIT 5",
        {"member": member_id, "event": campaign["event_id"] or "", "any_event": campaign["conversion"] == "member"})
    if not rows and campaign["event_id"]:
        rows = warehouse.query(upcoming + " AND event_id = $event", {"member": member_id, "event": campaign["event_id"]})
    if not rows:
        raise UserError(_("Member {member} has no event to buy tickets for; load its programme or a package first.").format(member=member_id))
    return rows
