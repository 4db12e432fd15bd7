"""Consent changes after the first package, for one person (a request of tokens only).

The member records the person's new decision for one or more purposes; the cooperative writes
it into ``consent`` for the member's records of that person, dated now. That is a data change,
so every service honours it without being told: pooled analytics at their next refresh (the
data version includes the consents' latest date), recommendations at their next scoring (the
scoring state is kept only until the data changes), and campaigns at once, since a send reads
the consent table when it is made. A withdrawal at one member counts everywhere the service's
rule says so (``docs/reco.md``: every personalization decision of the person must say yes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from culturecoop.errors import UserError
from culturecoop.governance.erasure import actor, drop_subject_tables, find_records
from culturecoop.governance.requests import SubjectRequest
from culturecoop.i18n import _
from culturecoop.privacy import audit
from culturecoop.schema.model import CONSENT_PURPOSES
from culturecoop.warehouse.engine import Warehouse


def parse_changes(grant: list[str], withdraw: list[str]) -> dict[str, bool]:
    """Purposes granted and withdrawn as one mapping (one sentence when they make no sense)."""
    changes: dict[str, bool] = {}
    for purposes, granted in ((grant, True), (withdraw, False)):
        for purpose in purposes:
            if purpose not in CONSENT_PURPOSES:
                raise UserError(_("{purpose} is not a consent purpose; use pooling, marketing or personalization.").format(purpose=purpose))
            if changes.get(purpose, granted) != granted:
                raise UserError(_("{purpose} is both granted and withdrawn; give it once, with --grant or --withdraw.").format(purpose=purpose))
            changes[purpose] = granted
    if not changes:
        raise UserError(_("Say what changes: give --grant PURPOSE or --withdraw PURPOSE (pooling, marketing, personalization)."))
    return changes


def apply_consent_request(warehouse: Warehouse, request: SubjectRequest, *, who: str | None = None) -> dict[str, Any]:
    """Record the request's decisions for the member's records of the person; returns a summary."""
    if not request.consents:
        raise UserError(_("The request says no consent change; make it again with --grant or --withdraw."))
    parse_changes([p for p, g in request.consents.items() if g], [p for p, g in request.consents.items() if not g])
    if not warehouse.scalar("SELECT count(*) FROM member WHERE member_id = ?", [request.member_id]):
        raise UserError(_("{member} is not a member of this cooperative; check --member when the request was made.").format(member=request.member_id))
    now = datetime.now(UTC).replace(tzinfo=None)
    with warehouse.transaction() as con:
        find_records(con, request)
        # A member decides for its own records only; the person's other members keep theirs.
        records = [str(r[0]) for r in con.execute(
            "SELECT member_patron_id FROM subject_direct WHERE member_id = ? ORDER BY 1", [request.member_id]).fetchall()]
        drop_subject_tables(con)
        if not records:
            raise UserError(_("Nobody in the cooperative matches this request (no record of member {member} has these tokens); check the e-mail or the patron id it was made from. Nothing was changed.").format(member=request.member_id))
        rows = [[request.member_id, record, purpose, granted, now]
                for record in records for purpose, granted in sorted(request.consents.items())]
        con.executemany(
            "DELETE FROM consent WHERE member_id = ? AND member_patron_id = ? AND purpose = ?",
            [row[:3] for row in rows])
        con.executemany("INSERT INTO consent VALUES (?, ?, ?, ?, ?)", rows)
        entry = audit.append(con, audit.AuditRecord(
            actor=who or actor(), member_id=request.member_id, action="consent", report=None,
            parameters={"records": len(records), "changes": dict(sorted(request.consents.items()))},
            epsilon=0.0, members_touched=(request.member_id,)))
    return {"member_id": request.member_id, "records": len(records), "decisions": len(rows),
            "changes": request.consents, "audit_seq": entry.seq}


# Whom a cross-member use for a purpose may reach: linked people every one of whose decisions for
# that purpose says yes (a withdrawal at any member counts everywhere); for marketing, also a
# sealed contact to write to. Read at the moment of use, never remembered: campaigns honour a
# withdrawal immediately.
_REACHABLE = """
SELECT i.patron_key FROM identity AS i
JOIN consent AS c ON c.member_id = i.member_id AND c.member_patron_id = i.member_patron_id AND c.purpose = $purpose
LEFT JOIN patron AS p ON p.member_id = i.member_id AND p.member_patron_id = i.member_patron_id
GROUP BY i.patron_key
HAVING bool_and(c.granted) AND ($purpose <> 'marketing' OR count(p.contact_sealed) > 0)
"""


# Decisions taken at the cooperative itself (an unsubscribe link, issue 13): the newest wins.
_WITHDRAWN_AT_COOP = """
SELECT patron_key FROM consent_event WHERE purpose = $purpose
QUALIFY row_number() OVER (PARTITION BY patron_key ORDER BY recorded_at DESC) = 1 AND NOT granted
"""


def reachable(warehouse: Warehouse, purpose: str) -> set[str]:
    """The cooperative keys of the people a cross-member use for ``purpose`` may reach now."""
    if purpose not in CONSENT_PURPOSES:
        raise ValueError(purpose)
    warehouse.con.complete()
    people = {str(r[0]) for r in warehouse.con.execute(_REACHABLE, {"purpose": purpose}).fetchall()}
    if warehouse.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'consent_event'"):
        people -= {str(r[0]) for r in warehouse.con.execute(_WITHDRAWN_AT_COOP, {"purpose": purpose}).fetchall()}
    return people
