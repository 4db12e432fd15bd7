"""Campaigns: create (eligibility, random holdout), approve, list, show, preview, suggest.

A member sees only gated sizes (treatment and holdout, "< k" under the cooperative's k), never
who is in them; the people stay as patron keys in ``campaign_recipient`` for the sender.
Every creation, approval and send is an audit entry; every size shown is a gate release.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from culturecoop.analytics.service import default_actor
from culturecoop.campaigns import content, eligibility
from culturecoop.campaigns.settings import check_holdout, current_settings
from culturecoop.errors import NotFoundError, UserError
from culturecoop.i18n import _
from culturecoop.privacy import audit
from culturecoop.privacy.gate import COUNT, CountTable, PrivacyGate
from culturecoop.privacy.policy import current_policy
from culturecoop.reco import audiences
from culturecoop.warehouse.engine import Warehouse

STATUSES = ("awaiting_approval", "ready", "sending", "sent", "cancelled")
CONVERSIONS = ("event", "member")
DEFAULT_WINDOW_DAYS = 7
# The last moment a send window may reach: the days reports and conversions cover end with 2099.
LAST_SEND = datetime(2099, 12, 1)
DEFAULT_CONVERSION_DAYS = 30
MAX_CONVERSION_DAYS = 365
PRE_PERIOD_DAYS = 365
ARMS = ("treatment", "holdout")

# What each person spent at the member in the pre-period (the CUPED covariate).
PRE_SPEND = """
SELECT i.patron_key, sum(t.quantity * CAST(t.unit_price AS DOUBLE)) AS spend
FROM ticket AS t
JOIN identity AS i ON i.member_id = t.member_id AND i.member_patron_id = t.member_patron_id
WHERE t.member_id = $member AND t.status = 'sold' AND t.purchased_at >= $since AND t.purchased_at < $until
  AND i.patron_key IN (SELECT patron_key FROM audience_member WHERE audience_id = $audience)
GROUP BY i.patron_key
"""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record(con: Any, actor: str, member_id: str, what: str, params: dict[str, Any],
           touched: tuple[str, ...] = ()) -> audit.AuditEntry:
    """An audit entry for a campaign step (inside the caller's transaction)."""
    return audit.append(con, audit.AuditRecord(actor, member_id, "campaign", what, params, 0.0, touched or (member_id,)))


def member_name(warehouse: Warehouse, member_id: str) -> str:
    return str(warehouse.scalar("SELECT name FROM member WHERE member_id = ?", [member_id]) or member_id)


def campaign_row(warehouse: Warehouse, campaign_id: str, member_id: str | None = None) -> dict[str, Any]:
    """The campaign; ``member_id`` given: refused with the same sentence when it is another member's."""
    rows = warehouse.query("SELECT * FROM campaign WHERE campaign_id = ?", [campaign_id])
    if not rows or (member_id is not None and rows[0]["member_id"] != member_id):
        if member_id is None:
            raise NotFoundError(_("There is no campaign {campaign}; check the campaign's identifier.").format(campaign=campaign_id))
        raise NotFoundError(_("Member {member} has no campaign {campaign}; choose one of its campaigns.").format(
            member=member_id, campaign=campaign_id))
    return rows[0]


def _members_touched(warehouse: Warehouse, audience_id: str) -> tuple[str, ...]:
    return tuple(r["member_id"] for r in warehouse.query(
        "SELECT DISTINCT i.member_id FROM audience_member AS a JOIN identity AS i USING (patron_key) "
        "WHERE a.audience_id = ? ORDER BY 1", [audience_id]))


def _arm_sizes(warehouse: Warehouse, member_id: str, campaign_id: str, actor: str, touched: tuple[str, ...]) -> dict[str, Any]:
    """Treatment and holdout sizes as the privacy gate releases them (an audited release)."""
    counts = {r["arm"]: int(r["n"]) for r in warehouse.query(
        "SELECT arm, count(*) AS n FROM campaign_recipient WHERE campaign_id = ? GROUP BY arm", [campaign_id])}
    table = CountTable("arms", ("arm",), [{"arm": a, COUNT: counts.get(a, 0)} for a in ARMS], 1,
                       [(a,) for a in ARMS], partition_total=sum(counts.values()))
    release = PrivacyGate(warehouse).release(
        member_id=member_id, report="campaign", actor=actor, params={"campaign": campaign_id}, tables=[table],
        members_touched=touched, data_version=campaign_id)
    k = release.k
    shown = {r["arm"]: r[COUNT] for r in release.tables["arms"].rows}
    return {"k": k, "recipients": shown["treatment"], "holdout": shown["holdout"],
            "recipients_shown": f"< {k}" if shown["treatment"] is None else str(shown["treatment"]),
            "holdout_shown": f"< {k}" if shown["holdout"] is None else str(shown["holdout"]),
            "audit_id": release.audit_seq}


def is_web_address(link: str) -> bool:
    """Whether ``link`` can be a ticketing page in an e-mail: an http or https address naming a site, with
    no space or control character (« https://x y » and « https:// » were sent as links that open nothing)."""
    from urllib.parse import urlsplit

    if not link.startswith(("http://", "https://")) or not link.isprintable() or " " in link:
        return False
    try:
        return bool(urlsplit(link).hostname)
    except ValueError:  # a malformed port or bracketed host
        return False


def uses_link(*templates: str | None) -> bool:
    """Whether any of a campaign's texts asks for the ticketing page (the ``{link}`` placeholder)."""
    return any("{link}" in (text or "") for text in templates)


def create_campaign(warehouse: Warehouse, *, member_id: str, audience_id: str, subject_fr: str, subject_en: str,
                    body_fr: str, body_en: str, preheader_fr: str | None = None, preheader_en: str | None = None,
                    event_id: str | None = None, link: str | None = None, holdout: float | None = None,
                    window_start: datetime | None = None, window_end: datetime | None = None,
                    conversion: str | None = None, conversion_days: int = DEFAULT_CONVERSION_DAYS,
                    actor: str | None = None, seed: int | None = None) -> dict[str, Any]:
    """Create a campaign: eligible people of the audience, a random holdout recorded, gated sizes."""
    who = actor or default_actor()
    audiences._check_member(warehouse, member_id)
    audience = audiences._audience_row(warehouse, member_id, audience_id)
    settings = current_settings(warehouse)
    share = check_holdout(settings.default_holdout if holdout is None else float(holdout))
    if not (subject_en or "").strip() and not (body_en or "").strip():
        # No English message: the people who read English receive the French one (their footer, in
        # English, still says who wrote and how to unsubscribe). A French venue need not translate.
        subject_en, body_en, preheader_en = subject_fr, body_fr, preheader_en or preheader_fr
    texts = {
        "subject_fr": content.check_template(subject_fr, _("French subject"), content.MAX_SUBJECT, one_line=True),
        "subject_en": content.check_template(subject_en, _("English subject"), content.MAX_SUBJECT, one_line=True),
        "body_fr": content.check_template(body_fr, _("French body"), content.MAX_BODY),
        "body_en": content.check_template(body_en, _("English body"), content.MAX_BODY),
        "preheader_fr": content.check_template(preheader_fr, _("French preheader"), content.MAX_SUBJECT, one_line=True) if preheader_fr else None,
        "preheader_en": content.check_template(preheader_en, _("English preheader"), content.MAX_SUBJECT, one_line=True) if preheader_en else None,
    }
    if link is not None and not is_web_address(link):
        raise UserError(_("The ticketing page must be a web address with no space, starting with http:// or https:// and a site, e.g. https://billets.example.org/concert."))
    if uses_link(*texts.values()) and not link:
        raise UserError(_("The message uses {link} but no ticketing page was given; give the address of your ticketing page, or take {link} out of the message."))
    if event_id is None and audience["kind"] == "event":
        event_id = json.loads(audience["definition"]).get("event")
    event = content.find_event(warehouse, member_id, event_id) if event_id else None
    conversion = conversion or ("event" if event else "member")
    if conversion not in CONVERSIONS:
        raise UserError(_("Unknown conversion {conversion}; use event (a ticket for the event) or member (any ticket of yours).").format(
            conversion=conversion))
    if conversion == "event" and event is None:
        raise UserError(_("A conversion on the event needs the event: choose the event the campaign promotes, or count any ticket of yours as a conversion."))
    if not 1 <= conversion_days <= MAX_CONVERSION_DAYS:
        raise UserError(_("The conversion window must be from 1 to {most} days, e.g. 30; got {days}.").format(
            most=MAX_CONVERSION_DAYS, days=conversion_days))
    if any(when is not None and when > LAST_SEND for when in (window_start, window_end)):
        raise UserError(_("A send window ends by {last} at the latest; give --window-start and --window-end before it, e.g. 2026-12-01T09:00 (UTC).").format(
            last=LAST_SEND.date().isoformat()))
    start = window_start or now_utc()
    end = window_end or start + timedelta(days=DEFAULT_WINDOW_DAYS)
    if end <= start:
        raise UserError(_("The send window ends before it starts; give --window-end after --window-start."))
    if end <= now_utc():
        raise UserError(_("The send window is already over; give a --window-end in the future."))

    k = current_policy(warehouse).min_patrons
    eligible = eligibility.eligible_in_audience(warehouse, audience_id, member_id)
    if not eligible:
        raise UserError(_("Nobody in the audience “{audience}” may receive e-mail (marketing consent and a contact are needed); choose another audience.").format(
            audience=audience["name"]))
    n = len(eligible)
    n_holdout = round(n * share)
    if n < k or n_holdout < k or n - n_holdout < k:
        raise UserError(_("The audience “{audience}” has too few people who may receive e-mail to keep a holdout of at least {k} and send to at least {k}; choose a larger audience or a larger holdout.").format(
            audience=audience["name"], k=k))
    # After the audience's checks: a message to fix is worth fixing only for an audience that can receive it.
    empty = content.unfillable(list(texts.values()), event)
    if empty is not None:
        name, missing = empty
        if missing == "event":
            raise UserError(_("The message uses {name} but no event is promoted: choose the event the campaign promotes, or take {name} out of the message.").format(name=name))
        raise UserError(_("The event “{event}” has no {detail}, so {name} would reach people empty; take {name} out of the message.").format(
            event=event.title if event and event.title else event_id, name=name,
            detail={"event_date": _("date"), "event_price": _("price"), "venue": _("venue")}[missing]))
    rng = np.random.default_rng(seed if seed is not None else secrets.randbits(64))
    order = rng.permutation(n)
    held = set(order[:n_holdout].tolist())
    created = now_utc()
    spend = {r["patron_key"]: float(r["spend"] or 0.0) for r in warehouse.query(PRE_SPEND, {
        "member": member_id, "audience": audience_id, "since": created - timedelta(days=PRE_PERIOD_DAYS), "until": created})}
    campaign_id = "cmp_" + uuid.uuid4().hex[:12]
    status = "awaiting_approval" if settings.require_approval else "ready"
    rows = [[campaign_id, r["patron_key"], secrets.token_hex(12), "holdout" if i in held else "treatment",
             spend.get(r["patron_key"], 0.0)] for i, r in enumerate(eligible)]
    touched = _members_touched(warehouse, audience_id) or (member_id,)
    with warehouse.transaction() as con:
        con.execute("INSERT INTO campaign VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL)",
                    [campaign_id, member_id, audience_id, event_id, status, texts["subject_fr"], texts["subject_en"],
                     texts["preheader_fr"], texts["preheader_en"], texts["body_fr"], texts["body_en"], link, start, end,
                     share, conversion, conversion_days, created, who])
        con.executemany("INSERT INTO campaign_recipient VALUES (?, ?, ?, ?, ?)", rows)
        record(con, who, member_id, "campaign_created", {"campaign": campaign_id, "audience": audience_id,
                                                         "holdout": share, "status": status}, touched)
    sizes = _arm_sizes(warehouse, member_id, campaign_id, who, touched)
    return {"campaign_id": campaign_id, "member_id": member_id, "audience_id": audience_id, "status": status,
            "holdout_share": share, "event_id": event_id, "conversion": conversion, "conversion_days": conversion_days,
            "window_start": start.isoformat(timespec="seconds"), "window_end": end.isoformat(timespec="seconds"), **sizes}


def _status_word(status: str) -> str:
    """A campaign's status in the reader's words (« envoyée », not ``sent``)."""
    from culturecoop.analytics.wording import label
    from culturecoop.i18n import current_language

    return label("campaign_status", status, current_language())


def _awaiting_approval(warehouse: Warehouse, campaign_id: str, refusal: str) -> dict[str, Any]:
    """The campaign's row, refused with ``refusal`` (its {campaign} and {status} filled) unless it awaits
    the cooperative admin's approval."""
    row = campaign_row(warehouse, campaign_id)
    if row["status"] != "awaiting_approval":
        raise UserError(refusal.format(campaign=campaign_id, status=_status_word(row["status"])), exit_code=4)
    return row


def approve_campaign(warehouse: Warehouse, campaign_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """The cooperative admin's approval: the campaign becomes ready to send (an audit entry)."""
    who = actor or default_actor()
    row = _awaiting_approval(warehouse, campaign_id, _(
        "Campaign {campaign} is {status}, not awaiting approval; there is nothing to approve."))
    with warehouse.transaction() as con:
        con.execute("UPDATE campaign SET status = 'ready', approved_at = ?, approved_by = ? WHERE campaign_id = ?",
                    [now_utc(), who, campaign_id])
        record(con, who, row["member_id"], "campaign_approved", {"campaign": campaign_id})
    return describe(warehouse, campaign_id)


MAX_REASON = 1000


def refuse_campaign(warehouse: Warehouse, campaign_id: str, reason: str, *, actor: str | None = None) -> dict[str, Any]:
    """The cooperative admin's refusal of a campaign awaiting approval: it is cancelled, nobody receives
    it, and its member reads ``reason`` on its campaign page (an audit entry that keeps the reason)."""
    who = actor or default_actor()
    reason = " ".join(reason.split())
    if not reason:
        raise UserError(_("Say why the campaign is refused: its member reads the reason on its campaign page."))
    if len(reason) > MAX_REASON:
        raise UserError(_("The reason is longer than {n} characters; shorten it.").format(n=MAX_REASON))
    row = _awaiting_approval(warehouse, campaign_id, _(
        "Campaign {campaign} is {status}, not awaiting approval; there is nothing to refuse."))
    with warehouse.transaction() as con:
        con.execute("UPDATE campaign SET status = 'cancelled' WHERE campaign_id = ? AND status = 'awaiting_approval'",
                    [campaign_id])
        record(con, who, row["member_id"], "campaign_refused", {"campaign": campaign_id, "reason": reason})
    return describe(warehouse, campaign_id)


def refusal_reason(warehouse: Warehouse, campaign_id: str) -> str | None:
    """Why the cooperative refused the campaign, as its admin wrote it; None when it was not refused."""
    rows = warehouse.query(
        "SELECT parameters FROM audit WHERE action = 'campaign' AND report = 'campaign_refused' "
        "AND json_extract_string(parameters, '$.campaign') = ? ORDER BY seq DESC LIMIT 1", [campaign_id])
    return str(json.loads(rows[0]["parameters"]).get("reason") or "") or None if rows else None


def awaiting_approval(warehouse: Warehouse, *, actor: str | None = None) -> list[dict[str, Any]]:
    """The campaigns awaiting the cooperative admin's approval, oldest first: each with its member's name,
    its audience's sizes as the privacy gate releases them, its message in French and English as people
    would read it, and its send window."""
    who = actor or default_actor()
    out = []
    for row in warehouse.query("SELECT campaign_id, member_id, audience_id, window_start, window_end, created_at "
                               "FROM campaign WHERE status = 'awaiting_approval' ORDER BY created_at, campaign_id"):
        member_id, campaign_id = row["member_id"], row["campaign_id"]
        touched = _members_touched(warehouse, row["audience_id"]) or (member_id,)
        try:
            previews = {lang: preview(warehouse, member_id, campaign_id, lang) for lang in ("fr", "en")}
        except UserError:  # its event is gone (erased, retention): the message cannot be filled
            previews = {}
        out.append({**row, "member_name": member_name(warehouse, member_id), "previews": previews,
                    **_arm_sizes(warehouse, member_id, campaign_id, who, touched)})
    return out


def cancel_campaign(warehouse: Warehouse, campaign_id: str, member_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """The member's cancellation of a campaign nobody has received yet (a mistake seen in the preview):
    the sender refuses it from then on. Once a message is out, nothing can call it back: refused in one
    sentence. An audit entry."""
    who = actor or default_actor()
    row = campaign_row(warehouse, campaign_id, member_id)
    if row["status"] not in ("awaiting_approval", "ready") or row["first_sent_at"] is not None:
        raise UserError(_("This campaign is {status}: only a campaign not sent yet can be cancelled.").format(
            status=_status_word(row["status"])), exit_code=4)
    with warehouse.transaction() as con:
        con.execute("UPDATE campaign SET status = 'cancelled' WHERE campaign_id = ? AND status IN ('awaiting_approval', 'ready') "
                    "AND first_sent_at IS NULL", [campaign_id])
        record(con, who, member_id, "campaign_cancelled", {"campaign": campaign_id})
    return describe(warehouse, campaign_id, member_id)


def describe(warehouse: Warehouse, campaign_id: str, member_id: str | None = None) -> dict[str, Any]:
    """The campaign's definition and progress counts of its own sends (no person)."""
    row = campaign_row(warehouse, campaign_id, member_id)
    out = {k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v) for k, v in row.items()}
    out["refusal"] = refusal_reason(warehouse, campaign_id) if row["status"] == "cancelled" else None
    return out


def list_campaigns(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    """The member's campaigns, newest first (definitions only: sizes come from `results`)."""
    audiences._check_member(warehouse, member_id)
    rows = warehouse.query(
        "SELECT campaign_id, audience_id, event_id, status, subject_fr, subject_en, created_at, first_sent_at, finished_at "
        "FROM campaign WHERE member_id = ? ORDER BY created_at DESC, campaign_id", [member_id])
    return [{k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v) for k, v in r.items()} for r in rows]


def preview(warehouse: Warehouse, member_id: str, campaign_id: str, language: str) -> dict[str, str]:
    """The message as a recipient in ``language`` would read it (the unsubscribe link is a sample)."""
    language = language.strip().lower()  # « FR » is French too
    if language not in content.LANGUAGES:
        raise UserError(_("Preview in fr or en; got {language}.").format(language=language))
    row = campaign_row(warehouse, campaign_id, member_id)
    event = content.find_event(warehouse, member_id, row["event_id"]) if row["event_id"] else None
    url = current_settings(warehouse).public_url + "/unsubscribe/" + campaign_id + "/sample"
    return content.render(row, event, member_name(warehouse, member_id), language, url)


def subjects_as_read(warehouse: Warehouse, member_id: str, language: str) -> dict[str, str]:
    """Each of the member's campaigns by its subject as recipients read it in ``language``
    (placeholders filled): how people name a campaign, rather than by its identifier."""
    subjects = {}
    for c in list_campaigns(warehouse, member_id):
        try:
            subjects[c["campaign_id"]] = preview(warehouse, member_id, c["campaign_id"], language)["subject"]
        except UserError:  # its event is gone (erased, retention): the subject as written
            subjects[c["campaign_id"]] = c[f"subject_{language}"]
    return subjects


def suggest(warehouse: Warehouse, member_id: str, audience_id: str, event_id: str | None = None,
            actor: str | None = None) -> dict[str, Any]:
    """Subject and body suggestions in French and English from the event and the audience's gated profile."""
    summary = audiences.audience_summary(warehouse, member_id, audience_id, actor=actor)
    if event_id is None and summary["kind"] == "event":
        event_id = summary["definition"].get("event")
    event = content.find_event(warehouse, member_id, event_id) if event_id else None
    return {"audience_id": audience_id, "event_id": event_id,
            "fr": content.suggest(event, summary, "fr"), "en": content.suggest(event, summary, "en")}
