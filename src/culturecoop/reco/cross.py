"""Cross offers: which partners' upcoming events fit my audience, and agreements to promote them.

For every other member's upcoming event, the model's likely audience (the same size rule as an
event audience) is drawn over the cooperative; how many of *my* patrons are in it, and, per
partner, how many of my patrons are likely for its events and of its patrons for mine (the
gain of a joint offer) are counts of distinct people released through the privacy gate.

Those counts follow the partner's size: a large hall's audience (three people per seat, up to half
the cooperative) holds nearly every patron of a small member, for every show. How well a show fits
*my* audience is therefore measured on an audience of one size for every show: the tenth of the
cooperative's people most likely to come (``FIT_SHARE``). Chance would put a tenth of my countable
patrons in it; the fit is how many times that many are there (``fit_patrons / (FIT_SHARE ×
counted)``), a ratio of two released counts. A partner's fit is the same over the tenth most likely
to come to its shows as a whole (each person's scores for its shows, standardized per show and
averaged); the other direction is the partner's patrons in the tenth most likely for mine. On the
demo cooperative (docs/reco.md) this ranking follows the synthetic truth, the count does not.

A member proposes a cross offer to a partner; the partner accepts or declines. Only an accepted
agreement lets the partner's events appear in the proposer's patron → events lists (and the
proposer's in the partner's). Every proposal and decision is an audit entry.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np

from culturecoop.analytics.service import default_actor
from culturecoop.errors import NotFoundError, UserError
from culturecoop.i18n import _
from culturecoop.privacy import audit
from culturecoop.privacy.gate import COUNT, CountTable, PrivacyGate
from culturecoop.reco import data, service
from culturecoop.reco.audiences import _check_member, event_audience_size
from culturecoop.warehouse.engine import Warehouse

STATUSES = ("proposed", "accepted", "declined")
# The audience every show's fit is measured on: this share of the people the model can score, the
# most likely to come. Measured on the demo cooperative against its planted truth (docs/reco.md):
# 2 % to 10 % rank the shows alike, 20 % worse; a tenth leaves a small member's counts above k.
FIT_SHARE = 0.1
DIRECTIONS = ("your_patrons_for_their_events", "their_patrons_for_your_events")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _top(scores: np.ndarray, size: int) -> np.ndarray:
    """Boolean mask of the ``size`` highest scores."""
    mask = np.zeros(len(scores), dtype=bool)
    if size:
        mask[np.argpartition(-scores, size - 1)[:size]] = True
    return mask


def _likely(scores: np.ndarray, capacity: int | None) -> np.ndarray:
    """Boolean mask of the event's likely audience (the top of the scores)."""
    return _top(scores, event_audience_size(capacity, len(scores))[0])


def fit_size(pool: int) -> int:
    """The size of the audience every show's fit is measured on (``FIT_SHARE`` of the pool)."""
    return min(pool, max(1, round(FIT_SHARE * pool)))


def fit_of(patrons: int | None, counted: int | None) -> float | None:
    """How many times chance: ``patrons`` of a member's ``counted`` patrons in an audience of
    ``FIT_SHARE`` of the cooperative, where chance puts ``FIT_SHARE × counted``. Two released
    counts in, a ratio out; None when either was hidden."""
    if patrons is None or not counted:
        return None
    return round(patrons / (FIT_SHARE * counted), 2)


def _standardized(scores: np.ndarray) -> np.ndarray:
    spread = float(scores.std())
    return (scores - float(scores.mean())) / spread if spread > 0 else np.zeros_like(scores)


def cross_offers(warehouse: Warehouse, member_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """Partners' upcoming events and the partners themselves ranked by how well they fit my audience
    (``fit``: my patrons among the most likely tenth against chance), with the counts in their likely
    audiences and the two-way gain per partner; every count released through the gate (audited)."""
    members = _check_member(warehouse, member_id)
    state = service.scoring_state(warehouse)
    catalogue = service.upcoming(warehouse)
    if catalogue.n == 0:
        raise UserError(_("No member has an upcoming event yet; load programmes (the Target audience tab, or `culturecoop reco programme`)."))
    items = state.model.encoder.encode(catalogue.columns, catalogue.n)
    person_row = {int(p): n for n, p in enumerate(state.people.tolist())}

    def rows_of(member: str) -> np.ndarray:
        people = warehouse.query(data.MEMBER_PEOPLE, {"member": member})
        return np.array(sorted(person_row[int(r["person"])] for r in people if int(r["person"]) in person_row), dtype=np.int64)

    mine = np.zeros(len(state.people), dtype=bool)
    mine[rows_of(member_id)] = True
    partners = sorted({key[0] for key in catalogue.keys} - {member_id})
    theirs = {p: rows_of(p) for p in partners}
    size = fit_size(len(state.people))
    event_cells: list[dict[str, Any]] = []
    fit_cells: list[dict[str, Any]] = []
    gain: dict[tuple[str, str], set[int]] = {}
    # Each owner's shows as a whole: every person's standardized scores for them, summed.
    summed: dict[str, np.ndarray] = {}
    for n, (owner, event_id) in enumerate(catalogue.keys):
        scores = service.event_scores(state, items[n])
        likely = _likely(scores, catalogue.extra[n].get("capacity"))
        if owner in summed:
            summed[owner] += _standardized(scores)
        else:
            summed[owner] = _standardized(scores)
        if owner != member_id:
            hit = likely & mine
            event_cells.append({"partner": owner, "event_id": event_id, COUNT: int(hit.sum())})
            fit_cells.append({"partner": owner, "event_id": event_id, COUNT: int((_top(scores, size) & mine).sum())})
            gain.setdefault((owner, "your_patrons_for_their_events"), set()).update(np.flatnonzero(hit).tolist())
        else:
            for partner, rows in theirs.items():
                hit = rows[likely[rows]]
                gain.setdefault((partner, "their_patrons_for_your_events"), set()).update(hit.tolist())
    # A partner's most likely people over its shows as a whole, and mine over my shows (none when I
    # have no upcoming show: its patrons then count for none of mine).
    most_likely_mine = _top(summed[member_id], size) if member_id in summed else np.zeros(len(state.people), dtype=bool)
    partner_fit: list[dict[str, Any]] = []
    for p in partners:
        partner_fit.append({"partner": p, "direction": DIRECTIONS[0], COUNT: int((_top(summed[p], size) & mine).sum())})
        partner_fit.append({"partner": p, "direction": DIRECTIONS[1], COUNT: int(most_likely_mine[theirs[p]].sum())})
    # How many of my patrons the model can count at all (linked, with personalization consent
    # everywhere, a past visit): it bounds every cell of mine, and says why they all read "< k".
    # It depends on other members' data (a withdrawal there), so it goes through the gate too; each
    # partner's is what chance is measured against in the other direction.
    counted = int(mine.sum())
    tables = [
        CountTable("reach", ("scope",), [{"scope": "your_patrons", COUNT: counted}] if counted else [], 1,
                   [("your_patrons",)]),
        CountTable("events", ("partner", "event_id"), [r for r in event_cells if r[COUNT] > 0], max(1, len(event_cells)),
                   [(r["partner"], r["event_id"]) for r in event_cells]),
        CountTable("gain", ("partner", "direction"), [{"partner": p, "direction": d, COUNT: len(s)} for (p, d), s in gain.items() if s],
                   2 * max(1, len(partners)), [(p, d) for p in partners for d in DIRECTIONS]),
        CountTable("event_fit", ("partner", "event_id"), [r for r in fit_cells if r[COUNT] > 0], max(1, len(fit_cells)),
                   [(r["partner"], r["event_id"]) for r in fit_cells]),
        CountTable("partner_fit", ("partner", "direction"), [r for r in partner_fit if r[COUNT] > 0], 2 * max(1, len(partners)),
                   [(p, d) for p in partners for d in DIRECTIONS]),
        CountTable("partner_reach", ("partner",), [{"partner": p, COUNT: len(theirs[p])} for p in partners if len(theirs[p])],
                   max(1, len(partners)), [(p,) for p in partners]),
    ]
    # The programme is audited but is no part of the gate's question: were it, adding a show to
    # one's own programme would make every cell a first release, and a record planted in between
    # (linked to someone known) showed by one more patron which partner shows the model deems
    # that person likely to attend. The gate keeps each event's cell; shows no longer on sale are
    # not listed.
    programme = hashlib.sha256("\n".join(f"{owner}\t{event}" for owner, event in catalogue.keys).encode()).hexdigest()[:16]
    release = PrivacyGate(warehouse).release(
        member_id=member_id, report="cross_offers", actor=actor or default_actor(),
        params={"model_id": state.model.model_id, "programme": programme}, question={"model_id": state.model.model_id},
        tables=tables, members_touched=members, data_version=service.data_version_of(warehouse))
    k = release.k

    def shown(row: dict[str, Any] | None) -> str:
        return f"< {k}" if row is None or row["suppressed"] else str(row[COUNT])

    reach = release.tables["reach"].rows[0][COUNT]
    fits = {(r["partner"], r["event_id"]): r for r in release.tables["event_fit"].rows}
    extra = {key: catalogue.extra[n] for n, key in enumerate(catalogue.keys)}
    events = []
    for row in release.tables["events"].rows:
        info = extra.get((row["partner"], row["event_id"]))
        if info is None:
            continue
        fit = fits.get((row["partner"], row["event_id"]))
        events.append({"partner": row["partner"], "event_id": row["event_id"], "title": info.get("title"),
                       "starts_at": str(info.get("starts_at")), "your_patrons": row[COUNT], "shown": shown(row),
                       "fit_patrons": fit[COUNT] if fit else None, "fit_patrons_shown": shown(fit),
                       "fit": fit_of(fit[COUNT] if fit else None, reach)})
    events.sort(key=_by_fit)
    per_partner: dict[str, dict[str, Any]] = {p: {"partner": p} for p in partners}
    for row in release.tables["gain"].rows:
        if row["partner"] not in per_partner:
            continue
        per_partner[row["partner"]][row["direction"]] = row[COUNT]
        per_partner[row["partner"]][row["direction"] + "_shown"] = shown(row)
    for row in release.tables["partner_reach"].rows:
        if row["partner"] in per_partner:
            per_partner[row["partner"]].update({"counted": row[COUNT], "counted_shown": shown(row)})
    for row in release.tables["partner_fit"].rows:
        if row["partner"] not in per_partner:
            continue
        entry = per_partner[row["partner"]]
        base = reach if row["direction"] == "your_patrons_for_their_events" else entry.get("counted")
        entry.setdefault("fit_patrons", {})[row["direction"]] = row[COUNT]
        entry.setdefault("fit_patrons_shown", {})[row["direction"]] = shown(row)
        entry.setdefault("fit", {})[row["direction"]] = fit_of(row[COUNT], base)
    ranked = sorted(per_partner.values(), key=_partner_order)
    # The member's own data, not gated: its patrons, those who agreed to personalized suggestions
    # there, and its upcoming events (what it can change when its cells are all hidden).
    own = warehouse.query(data.OWN_REACH, {"member": member_id})[0]
    return {"member_id": member_id, "k": k, "events": events, "partners": ranked, "counted": reach, "fit_share": FIT_SHARE,
            "own": {"patrons": int(own["patrons"]), "consenting": int(own["consenting"]),
                    "upcoming": sum(1 for owner, _event in catalogue.keys if owner == member_id)},
            "agreements": agreements(warehouse, member_id), "audit_id": release.audit_seq}


def _partner_order(partner: dict[str, Any]) -> tuple[Any, ...]:
    """My patrons' fit for its shows first (the tab's question: whose shows fit my audience), then
    its patrons' for mine; a hidden fit after every shown one."""
    fits = partner.get("fit") or {}
    mine, theirs = (fits.get(d) for d in DIRECTIONS)
    return (mine is None, -(mine or 0.0), theirs is None, -(theirs or 0.0), -sum(partner.get(d) or 0 for d in DIRECTIONS),
            partner["partner"])


def _by_fit(event: dict[str, Any]) -> tuple[Any, ...]:
    """A partner's event's place: the best fit first (a hidden one last), then by the number of
    the member's patrons likely to come."""
    fit = event.get("fit")
    return (fit is None, -(fit or 0.0), -(event.get("your_patrons") or 0), event["partner"], event["event_id"])


def leading_events(events: list[dict[str, Any]], limit: int = 15) -> list[dict[str, Any]]:
    """The events a member reads first: every partner's best, then every partner's second, … until
    `limit` (a partner's shows before their repeat performances), best fit first (``fit``: the
    member's patrons among the show's most likely people against chance). Ranked by the number of
    the member's patrons likely to come, one large hall's programme filled the whole list and the
    other partners were never seen; by that number at all, the largest halls came first for every
    member. `events` comes from `cross_offers`, each partner's events in that order already."""
    by_partner: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_partner.setdefault(event["partner"], []).append(event)
    # Within a partner, each show's best performance before any show's second one: three dates of
    # « Bord de mer » took three of fifteen lines while the partner's other shows waited.
    for partner, rows in by_partner.items():
        turn: Counter[Any] = Counter()
        ranked = []
        for n, event in enumerate(rows):
            show = event.get("title") or event["event_id"]
            ranked.append((turn[show], n, event))
            turn[show] += 1
        by_partner[partner] = [event for *_order, event in sorted(ranked, key=lambda r: r[:2])]
    chosen: list[dict[str, Any]] = []
    depth = 0
    while len(chosen) < limit and any(len(rows) > depth for rows in by_partner.values()):
        rank = sorted((rows[depth] for rows in by_partner.values() if len(rows) > depth), key=_by_fit)
        chosen.extend(rank[:limit - len(chosen)])
        depth += 1
    return sorted(chosen, key=_by_fit)


def _record(con: Any, actor: str, member_id: str, action: str, params: dict[str, Any], touched: tuple[str, ...]) -> None:
    audit.append(con, audit.AuditRecord(actor, member_id, "release", action, params, 0.0, touched))


def propose(warehouse: Warehouse, member_id: str, partner: str, *, actor: str | None = None) -> dict[str, Any]:
    """Propose a cross offer to ``partner``; returns the agreement."""
    _check_member(warehouse, member_id)
    _check_member(warehouse, partner)
    if partner == member_id:
        raise UserError(_("A cross offer is between two members: choose a partner other than {member}.").format(member=member_id))
    open_rows = warehouse.query(
        "SELECT agreement_id, status FROM reco_agreement WHERE status IN ('proposed', 'accepted') AND "
        "((proposer = ? AND partner = ?) OR (proposer = ? AND partner = ?))", [member_id, partner, partner, member_id])
    if open_rows:
        raise UserError(_("A cross offer between {member} and {partner} is already {status} ({agreement}); there is nothing to propose.").format(
            member=member_id, partner=partner, status=_status_word(open_rows[0]["status"]), agreement=open_rows[0]["agreement_id"]), exit_code=4)
    agreement_id = "xo_" + uuid.uuid4().hex[:10]
    who = actor or default_actor()
    with warehouse.transaction() as con:
        con.execute("INSERT INTO reco_agreement VALUES (?, ?, ?, 'proposed', ?, ?, NULL, NULL)",
                    [agreement_id, member_id, partner, _now(), who])
        _record(con, who, member_id, "cross_offer_proposed", {"agreement": agreement_id, "partner": partner}, (member_id, partner))
    return agreement(warehouse, member_id, agreement_id)


def _status_word(status: str) -> str:
    """An agreement's status in the reader's words (« proposée », not ``proposed``)."""
    from culturecoop.analytics.wording import label
    from culturecoop.i18n import current_language

    return label("agreement", status, current_language())


def decide(warehouse: Warehouse, member_id: str, agreement_id: str, accept: bool, *, actor: str | None = None) -> dict[str, Any]:
    """The partner accepts or declines a proposal addressed to it."""
    rows = warehouse.query("SELECT * FROM reco_agreement WHERE agreement_id = ? AND partner = ?", [agreement_id, member_id])
    if not rows:
        raise NotFoundError(_("Member {member} has no cross-offer proposal {agreement}; see yours with `culturecoop reco cross-offers`.").format(
            member=member_id, agreement=agreement_id))
    if rows[0]["status"] != "proposed":
        raise UserError(_("The cross offer {agreement} is already {status}; a decision cannot be changed, propose a new one instead.").format(
            agreement=agreement_id, status=_status_word(rows[0]["status"])), exit_code=4)
    status = "accepted" if accept else "declined"
    who = actor or default_actor()
    with warehouse.transaction() as con:
        con.execute("UPDATE reco_agreement SET status = ?, decided_at = ?, decided_by = ? WHERE agreement_id = ?",
                    [status, _now(), who, agreement_id])
        _record(con, who, member_id, f"cross_offer_{status}", {"agreement": agreement_id, "proposer": rows[0]["proposer"]},
                (rows[0]["proposer"], member_id))
    return agreement(warehouse, member_id, agreement_id)


def agreement(warehouse: Warehouse, member_id: str, agreement_id: str) -> dict[str, Any]:
    rows = [a for a in agreements(warehouse, member_id) if a["agreement_id"] == agreement_id]
    if not rows:
        raise NotFoundError(_("Member {member} has no cross-offer proposal {agreement}; see yours with `culturecoop reco cross-offers`.").format(
            member=member_id, agreement=agreement_id))
    return rows[0]


def agreements(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    """The member's proposals, sent and received."""
    rows = warehouse.query("SELECT * FROM reco_agreement WHERE proposer = ? OR partner = ? ORDER BY proposed_at", [member_id, member_id])
    return [{"agreement_id": r["agreement_id"], "proposer": r["proposer"], "partner": r["partner"], "status": r["status"],
             "proposed_at": r["proposed_at"].isoformat(timespec="seconds"),
             "decided_at": r["decided_at"].isoformat(timespec="seconds") if r["decided_at"] else None} for r in rows]


def accepted_partners(warehouse: Warehouse, member_id: str) -> tuple[str, ...]:
    rows = warehouse.query("SELECT proposer, partner FROM reco_agreement WHERE status = 'accepted' AND (proposer = ? OR partner = ?)",
                           [member_id, member_id])
    return tuple(sorted({r["partner"] if r["proposer"] == member_id else r["proposer"] for r in rows}))


def recommendations_download(warehouse: Warehouse, member_id: str, *, k: int = 5,
                             actor: str | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The member's patron → events list (its own consenting patrons as its own tokens; its events and
    its accepted partners'), recorded in the audit log as a release to the member, and what the
    lists are like (``service.served_lists``: shares, coverage, Gini, novelty, diversity)."""
    _check_member(warehouse, member_id)
    partners = accepted_partners(warehouse, member_id)
    rows, lists = service.patron_lists(warehouse, member_id, k=k, partners=partners)
    with warehouse.transaction() as con:
        _record(con, actor or default_actor(), member_id, "patron_recommendations",
                {"k": k, "rows": len(rows), "partners": list(partners)}, (member_id, *partners))
    return rows, lists
