"""The "Target audience" tab's question, answered by the reco service: one JSON-ready dict.

For a member and one of its upcoming events: the events to pick from, the event's likely
audience (size and profile as the privacy gate releases them, not saved), the member's saved
audiences, cross-offer partners and agreements, how well an audience list finds the people who
come, the discoverability settings and their trade-off (both measured on the cooperative's data). The web page and the API render exactly this; nothing in
it names a person (no patron key, no other member's patron id).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from culturecoop.errors import UserError
from culturecoop.privacy.policy import current_policy
from culturecoop.reco import audiences, cross, gains, service, tradeoff
from culturecoop.warehouse.engine import Warehouse


def upcoming_events(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    """The member's upcoming events, soonest first (title, date, venue, genres, local, language)."""
    table = service.upcoming(warehouse, member_id)
    rows = []
    for n, (_member, event_id) in enumerate(table.keys):
        extra = table.extra[n]
        starts: Any = extra.get("starts_at")
        rows.append({"event_id": event_id, "title": extra.get("title") or event_id,
                     "starts_at": starts.isoformat(timespec="minutes") if isinstance(starts, datetime) else str(starts or ""),
                     "capacity": extra.get("capacity"), "venue": table.columns["venue"][n] or None,
                     "genres": [g for g in str(table.columns["genres"][n] or "").split("|") if g],
                     "is_local": table.columns["is_local"][n] == "true",
                     "language": table.columns["language"][n]})
    rows.sort(key=lambda r: (r["starts_at"], r["event_id"]))
    return rows


def event_title(warehouse: Warehouse, member_id: str, event_id: str) -> str:
    """An upcoming event's title (what an audience is named after by default), else its id."""
    try:
        return next((e["title"] for e in upcoming_events(warehouse, member_id) if e["event_id"] == event_id), event_id)
    except UserError:
        return event_id


def has_upcoming_event(warehouse: Warehouse, member_id: str, event_id: str) -> bool:
    try:
        return any(e["event_id"] == event_id for e in upcoming_events(warehouse, member_id))
    except UserError:
        return False


def has_audience(warehouse: Warehouse, member_id: str, audience_id: str) -> bool:
    return any(a["audience_id"] == audience_id for a in audiences.list_audiences(warehouse, member_id))


def has_proposal(warehouse: Warehouse, member_id: str, agreement_id: str) -> bool:
    """True when ``agreement_id`` is a proposal sent to or by the member."""
    return any(a["agreement_id"] == agreement_id for a in cross.agreements(warehouse, member_id))


def patron_lists_summary(warehouse: Warehouse, member_id: str) -> dict[str, Any]:
    """What the member's patron → events lists are like (``service.served_lists``: its own
    consenting patrons, its events and its accepted partners'), kept per model, data version and
    partners (``service.kept_per_model``): the lists take seconds for a large member, and the tab is
    read more often than the data changes. Its own patrons' lists, no row of them: nothing to gate or audit."""
    partners = cross.accepted_partners(warehouse, member_id)
    catalogue = service.upcoming(warehouse)
    # The programmes are part of the key (a programme is loaded without any data version changing),
    # and so is the discoverability setting the lists are re-ranked with.
    programme = hashlib.sha256(repr((catalogue.keys, catalogue.columns, [e.get("starts_at") for e in catalogue.extra])).encode()).hexdigest()
    settings = service.current_settings(warehouse)
    summary: dict[str, Any] = service.kept_per_model(
        warehouse, "reco_patron_lists", lambda: service.patron_lists(warehouse, member_id, partners=partners, settings=settings)[1],
        member_id, partners, programme, settings.diversity, settings.boost)
    return summary


def warm_measures(warehouse: Warehouse) -> None:
    """The tab's two measures on the cooperative's own data (the trade-off, the gains), made ahead
    of the first reader (the server's warm-up) and kept in the warehouse for the next start;
    nothing when no model is trained yet. Releases nothing."""
    try:
        tradeoff.tradeoff(warehouse)
        gains.audience_gains(warehouse)
    except UserError:
        return


def _attempt(compute: Any) -> dict[str, Any]:
    """A part of the answer, or why it cannot be given (one sentence)."""
    try:
        result: dict[str, Any] = compute()
        return result
    except UserError as exc:
        return {"available": False, "reason": exc.message}


def target_answer(warehouse: Warehouse, member_id: str, event_id: str | None, *, actor: str) -> dict[str, Any]:
    """Everything the tab shows for ``event_id`` (default: the member's next upcoming event).
    Every figure about people is a gated release (audited with ``actor``)."""
    k = current_policy(warehouse).min_patrons
    answer: dict[str, Any] = {"member_id": member_id, "k": k, "available": True}
    try:
        service.latest_model(warehouse)
        events = upcoming_events(warehouse, member_id)
    except UserError as exc:
        events = []
        answer.update(available=False, reason=exc.message)
    answer["events"] = events
    picked = next((e for e in events if e["event_id"] == event_id), None) if event_id else (events[0] if events else None)
    answer["event"] = picked
    answer["audience"] = (_attempt(lambda: {"available": True, **audiences.preview_event_audience(
        warehouse, member_id, picked["event_id"], actor=actor)}) if picked else None)
    answer["audiences"] = audiences.list_audiences(warehouse, member_id)
    answer["cross_offers"] = (_attempt(lambda: {"available": True, **cross.cross_offers(warehouse, member_id, actor=actor)})
                              if answer["available"] else {"available": False, "reason": answer.get("reason")})
    answer["agreements"] = cross.agreements(warehouse, member_id)
    # Members are named by their public names (a member's name is not personal data).
    answer["member_names"] = {r["member_id"]: r["name"] or r["member_id"]
                              for r in warehouse.query("SELECT member_id, name FROM member ORDER BY member_id")}
    answer["settings"] = service.current_settings(warehouse).to_json()
    answer["tradeoff"] = _attempt(lambda: tradeoff.tradeoff(warehouse)) if answer["available"] else None
    answer["gains"] = _attempt(lambda: gains.audience_gains(warehouse)) if answer["available"] else None
    answer["lists"] = _attempt(lambda: {"available": True, **patron_lists_summary(warehouse, member_id)}) if events else None
    return answer
