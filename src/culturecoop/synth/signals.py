"""The planted signals as realized in the generated data, with their exact definitions.

Every measure is taken on the valid ticket rows of the exports (any status; bad rows
excluded) and on true identities, so a reader of the files and ``truth.json`` can recompute
each value exactly. The definitions are written into ``truth.json`` beside the values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from culturecoop.synth import catalog as cat
from culturecoop.synth.tickets import MemberData

DEFINITIONS = {
    "bad_rows": "Each bad row is an extra row (the valid rows are complete without them); lines "
                "count from 1 with the header as line 1 (CSV/TSV, and sheet rows of XLSX) or "
                "from the first object (JSON lines). unparseable_date names the field.",
    "rows": "Signals are measured on the valid ticket rows of the exports (every status; the "
            "bad rows listed under bad_rows excluded), with people identified by truth.json's "
            "identity map.",
    "affinity": "lift = P(person has a ticket at to_member | has one at from_member) / "
                "P(person has a ticket at to_member | has none at from_member), over every "
                "person with at least one ticket anywhere in the cooperative.",
    "retention": "For each member: the share of a person's attendances (distinct events with "
                 "a ticket) that are followed by another, later event of the same person at "
                 "the same member = 1 - people / attendances. realized_by_record counts "
                 "customer records instead of people.",
    "seasonal_trend": "At member: for each calendar month of the event start, the share of "
                      "ticket rows whose event carries a genre label that the taxonomy maps to "
                      "genre; slope: ordinary least squares of that share on the month index "
                      "(0 = first month with tickets), per month.",
    "local_artists": "For each member: the share of distinct events (with at least one valid "
                     "row) whose is_local flag is true; realized_tickets weighs events by rows.",
}


def affinity(data: dict[str, MemberData], n_people: int) -> dict[str, Any]:
    """Realized lift of ``AFFINITY_TO`` among ``AFFINITY_FROM``'s patrons (see DEFINITIONS)."""
    def people_of(member_id: str) -> np.ndarray:
        d = data[member_id]
        mask = np.zeros(n_people, dtype=bool)
        mask[d.records.person[d.tickets.record]] = True
        return mask

    everyone = np.zeros(n_people, dtype=bool)
    for member_id in data:
        everyone |= people_of(member_id)
    a, b = people_of(cat.AFFINITY_FROM), people_of(cat.AFFINITY_TO)
    n_a, n_not_a = int(a.sum()), int((everyone & ~a).sum())
    both, b_only = int((a & b).sum()), int((b & ~a).sum())
    p_given_a = both / n_a if n_a else 0.0
    p_given_not_a = b_only / n_not_a if n_not_a else 0.0
    p_b = int(b.sum()) / int(everyone.sum())
    return {
        "from_member": cat.AFFINITY_FROM, "to_member": cat.AFFINITY_TO,
        "planted_lift": cat.AFFINITY_LIFT,
        "realized_lift": p_given_a / p_given_not_a if p_given_not_a else None,
        "realized_lift_vs_everyone": p_given_a / p_b if p_b else None,
        "people": int(everyone.sum()), "people_from": n_a, "people_to": int(b.sum()),
        "people_both": both, "p_to_given_from": p_given_a, "p_to_given_not_from": p_given_not_a,
    }


def _retention_of(owner: np.ndarray, event: np.ndarray, n_events: int) -> tuple[float, int, int]:
    pairs = np.unique(owner.astype(np.int64) * n_events + event)
    owners = len(np.unique(pairs // n_events))
    return 1.0 - owners / len(pairs), owners, len(pairs)


def retention(d: MemberData) -> dict[str, Any]:
    """Realized event-over-event retention of one member (see DEFINITIONS)."""
    t = d.tickets
    by_person, people, attendances = _retention_of(d.records.person[t.record], t.event, d.events.n)
    by_record, records, _ = _retention_of(t.record, t.event, d.events.n)
    return {"planted": d.spec.retention, "realized": by_person,
            "realized_by_record": by_record, "people": people, "records": records,
            "attendances": attendances}


def seasonal_trend(d: MemberData) -> dict[str, Any]:
    """Monthly share of ``TREND_GENRE`` tickets at ``TREND_MEMBER`` and its OLS slope."""
    t = d.tickets
    month = d.events.starts_at[t.event].astype("datetime64[M]")
    with_genre = d.events.has_genre(cat.TREND_GENRE)[t.event]
    months, inverse = np.unique(month, return_inverse=True)
    rows = np.bincount(inverse, minlength=len(months))
    hits = np.bincount(inverse, weights=with_genre, minlength=len(months)).astype(np.int64)
    share = hits / rows
    index = (months - months[0]).astype(int).astype(float)
    slope = float(np.polyfit(index, share, 1)[0]) if len(months) > 1 else 0.0
    return {
        "member": cat.TREND_MEMBER, "genre": cat.TREND_GENRE,
        "planted_share_start": cat.TREND_START, "planted_share_end": cat.TREND_END,
        "planted_slope_per_month": (cat.TREND_END - cat.TREND_START) / 24,
        "realized_slope_per_month": slope,
        "monthly": [{"month": str(m), "tickets": int(n), "with_genre": int(h), "share": float(s)}
                    for m, n, h, s in zip(months, rows, hits, share, strict=True)],
    }


def local_artists(d: MemberData) -> dict[str, Any]:
    """Realized share of events with a local headliner at one member (see DEFINITIONS)."""
    seen = np.unique(d.tickets.event)
    local = d.events.is_local
    return {"planted": d.spec.local_share, "realized_events": float(local[seen].mean()),
            "realized_tickets": float(local[d.tickets.event].mean()), "events": len(seen)}


def realized_signals(data: dict[str, MemberData], n_people: int) -> dict[str, Any]:
    """Every planted signal with its planted parameter and its value in the generated data."""
    return {
        "affinity": affinity(data, n_people),
        "retention": {m: retention(d) for m, d in data.items()},
        "seasonal_trend": seasonal_trend(data[cat.TREND_MEMBER]),
        "local_artists": {m: local_artists(d) for m, d in data.items()},
    }
