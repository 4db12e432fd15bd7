"""The Campaigns tab and API: create a campaign for a saved audience, preview it, read its gated results.

Thin: every answer comes from ``culturecoop.campaigns``; the web app never opens a sealed contact
(sending is ``culturecoop campaigns send``, where the campaign private key is).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from culturecoop.analytics.service import member_currency
from culturecoop.campaigns import service
from culturecoop.campaigns.content import placeholder_names
from culturecoop.campaigns.results import campaign_results
from culturecoop.campaigns.settings import MAX_HOLDOUT, MIN_HOLDOUT, reply_to, set_reply_to
from culturecoop.errors import NotFoundError, UserError
from culturecoop.privacy.policy import current_policy
from culturecoop.reco.audiences import list_audiences
from culturecoop.reco.target import has_audience, upcoming_events
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import CoopAdmin, MemberReader, Principal, SettingsDep, WarehouseDep
from culturecoop.web.i18n import Translator, _, readable, retranslate
from culturecoop.web.render import render, request_language
from culturecoop.web.routes.inputs import ApiInput
from culturecoop.web.views.campaigns import (
    audience_choices,
    campaign_rows,
    event_choices,
    measure_labels,
    results_view,
)

router = APIRouter()


class CampaignCreate(ApiInput):
    audience_id: str = Field(max_length=64)
    subject_fr: str = Field(max_length=400)
    subject_en: str = Field(default="", max_length=400, description="Empty with body_en: English readers get the French message.")
    body_fr: str = Field(max_length=50_000)
    body_en: str = Field(default="", max_length=50_000)
    preheader_fr: str | None = Field(default=None, max_length=400)
    preheader_en: str | None = Field(default=None, max_length=400)
    event_id: str | None = Field(default=None, max_length=128)
    link: str | None = Field(default=None, max_length=2000)
    holdout: float | None = None
    conversion: str | None = None
    conversion_days: int = 30


class CampaignCreated(BaseModel):
    campaign_id: str
    member_id: str
    audience_id: str
    status: str
    k: int
    recipients: int | None
    holdout: int | None
    recipients_shown: str
    holdout_shown: str
    holdout_share: float
    event_id: str | None
    conversion: str
    conversion_days: int
    window_start: str
    window_end: str
    audit_id: int


class CampaignsPublic(BaseModel):
    data: list[dict[str, Any]]
    count: int


def _actor(principal: Principal) -> str:
    return f"web:{principal.account.account_id}"


def _create(warehouse: Warehouse, member_id: str, body: CampaignCreate, principal: Principal) -> dict[str, Any]:
    return service.create_campaign(warehouse, member_id=member_id, actor=_actor(principal), **body.model_dump())


@router.get("/api/v1/members/{member_id}/campaigns", response_model=CampaignsPublic, tags=["campaigns"])
def get_campaigns(member_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """The member's campaigns, newest first (definitions and status; figures come from results)."""
    rows = service.list_campaigns(warehouse, member_id)
    return {"data": rows, "count": len(rows)}


@router.post("/api/v1/members/{member_id}/campaigns", response_model=CampaignCreated, status_code=201, tags=["campaigns"])
def post_campaign(member_id: str, body: CampaignCreate, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """Create a campaign for one of the member's saved audiences: eligible people, a random holdout, gated sizes."""
    return _create(warehouse, member_id, body, principal)


@router.get("/api/v1/members/{member_id}/campaigns/{campaign_id}", tags=["campaigns"])
def get_campaign(member_id: str, campaign_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """The campaign's definition and its message in French and English as recipients read it."""
    return {**service.describe(warehouse, campaign_id, member_id),
            "preview": {lang: service.preview(warehouse, member_id, campaign_id, lang) for lang in ("fr", "en")}}


@router.get("/api/v1/members/{member_id}/campaigns/{campaign_id}/results", tags=["campaigns"])
def get_results(member_id: str, campaign_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """Sent, delivered, bounced, unsubscribed, conversions and revenue per arm and the lift (gated, audited)."""
    return campaign_results(warehouse, campaign_id, member_id=member_id, actor=_actor(principal))


@router.post("/api/v1/members/{member_id}/campaigns/{campaign_id}/cancel", tags=["campaigns"])
def cancel(member_id: str, campaign_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """Cancel a campaign not sent yet (409 once sending has begun): the sender refuses it from then on."""
    return service.cancel_campaign(warehouse, campaign_id, member_id, actor=_actor(principal))


@router.post("/m/{member_id}/campaigns/{campaign_id}/cancel", include_in_schema=False)
def cancel_form(request: Request, member_id: str, campaign_id: str, principal: MemberReader,
                warehouse: WarehouseDep) -> Response:
    """The page's « Cancel this campaign » button: back to the campaign, now cancelled."""
    try:
        service.cancel_campaign(warehouse, campaign_id, member_id, actor=_actor(principal))
    except UserError as exc:
        if exc.exit_code != 4:
            raise
        return _page(request, warehouse, member_id, principal, campaign=campaign_id, status_code=409,
                     error=retranslate(exc.message, request_language(request)))
    return RedirectResponse(f"/m/{member_id}/campaigns?campaign={campaign_id}", status_code=303)


@router.post("/m/{member_id}/campaigns/reply-to", include_in_schema=False)
def reply_to_form(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                  address: Annotated[str, Form(alias="reply_to", max_length=400)] = "") -> Response:
    """Where people's replies to the member's campaigns go (``Reply-To``): its box office; empty removes it."""
    try:
        set_reply_to(warehouse, member_id, address, _actor(principal))
    except UserError as exc:
        return _page(request, warehouse, member_id, principal, campaign=None, status_code=400,
                     error=retranslate(exc.message, request_language(request)))
    return RedirectResponse(f"/m/{member_id}/campaigns#reply-to", status_code=303)


@router.post("/m/{member_id}/campaigns/{campaign_id}/test", include_in_schema=False)
def test_form(request: Request, member_id: str, campaign_id: str, principal: MemberReader, warehouse: WarehouseDep,
              settings: SettingsDep) -> Response:
    """« Send me a test »: the message as people will receive it, to the signed-in account's own address
    (never an address typed in: the button cannot mail anyone else), through the server's mail server."""
    # The sender's module where it is used: the web app imports no code that opens sealed contacts
    # (a test message reads none) until someone asks for a test.
    from culturecoop.campaigns.sender import SmtpServer, parse_server, send_test

    service.campaign_row(warehouse, campaign_id, member_id)  # another member's, or none: 404 as everywhere
    t = Translator(request_language(request))
    if not settings.smtp:
        return _page(request, warehouse, member_id, principal, campaign=campaign_id, status_code=409,
                     error=t(_("Test messages are not set up on this dashboard; ask the cooperative.")))
    try:
        host, port = parse_server(settings.smtp)
        languages = send_test(warehouse, campaign_id, member_id, to_address=principal.account.email,
                              server=SmtpServer(host, port), server_secret=settings.server_secret)
    except UserError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _page(request, warehouse, member_id, principal, campaign=campaign_id, status_code=409 if exc.exit_code == 4 else 503,
                     error=retranslate(exc.message, request_language(request)))
    notice = t(_("A test message was sent to {address}: look in your inbox (and its spam folder).") if len(languages) == 1
               else _("Two test messages, in French and in English, were sent to {address}: look in your inbox (and its spam folder)."),
               address=principal.account.email)
    return _page(request, warehouse, member_id, principal, campaign=campaign_id, notice=notice)


@router.get("/api/v1/members/{member_id}/audiences/{audience_id}/suggestions", tags=["campaigns"])
def get_suggestions(member_id: str, audience_id: str, principal: MemberReader, warehouse: WarehouseDep,
                    event: Annotated[str | None, Query(max_length=128)] = None) -> dict[str, Any]:
    """Subject and body suggestions from the event's metadata and the audience's gated profile (offline rules)."""
    return service.suggest(warehouse, member_id, audience_id, event, actor=_actor(principal))


@router.post("/api/v1/campaigns/{campaign_id}/approve", tags=["campaigns"])
def approve(campaign_id: str, principal: CoopAdmin, warehouse: WarehouseDep) -> dict[str, Any]:
    """The cooperative admin's approval of a campaign awaiting it."""
    return service.approve_campaign(warehouse, campaign_id, actor=_actor(principal))


class Refusal(ApiInput):
    reason: str = Field(max_length=service.MAX_REASON, description="Why, as the member will read it on its campaign page.")


@router.post("/api/v1/campaigns/{campaign_id}/refuse", tags=["campaigns"])
def refuse(campaign_id: str, body: Refusal, principal: CoopAdmin, warehouse: WarehouseDep) -> dict[str, Any]:
    """The cooperative admin's refusal of a campaign awaiting approval: it is cancelled, its member reads the reason."""
    return service.refuse_campaign(warehouse, campaign_id, body.reason, actor=_actor(principal))


def _upcoming(warehouse: Warehouse, member_id: str) -> list[dict[str, Any]]:
    """The member's upcoming events to promote (none before a programme or the first model)."""
    try:
        return upcoming_events(warehouse, member_id)
    except UserError:
        return []


def _page(request: Request, warehouse: Warehouse, member_id: str, principal: Principal, *, campaign: str | None,
          error: str | None = None, form: dict[str, Any] | None = None, others: dict[str, list[str]] | None = None,
          events: list[dict[str, Any]] | None = None, status_code: int = 200, notice: str | None = None) -> Response:
    """The tab (``events``: the member's upcoming events, when the caller has read them already)."""
    t = Translator(request_language(request), member_currency(warehouse, member_id))
    campaigns = service.list_campaigns(warehouse, member_id)
    shown = None
    if campaign:
        previews = {lang: service.preview(warehouse, member_id, campaign, lang) for lang in ("fr", "en")}
        shown = results_view(campaign_results(warehouse, campaign, member_id=member_id, actor=_actor(principal)), previews, t,
                             service.describe(warehouse, campaign, member_id))
    events = _upcoming(warehouse, member_id) if events is None else events
    titles = {e["event_id"]: e["title"] for e in events}
    audiences = audience_choices(list_audiences(warehouse, member_id), titles, t)
    form = form or {}
    chosen = next((a for a in audiences if a.value == form.get("audience_id")), None)
    return render(request, "campaigns.html", {
        "member_id": member_id, "active": "campaigns",
        "campaigns": campaign_rows(campaigns, service.subjects_as_read(warehouse, member_id, t.language), t),
        "audiences": audiences, "events": event_choices(events, t), "chosen": chosen,
        "chosen_event": titles.get(form.get("event_id") or ""), "k": current_policy(warehouse).min_patrons,
        "placeholders": placeholder_names(t.language), "other_placeholders": placeholder_names("en" if t.language == "fr" else "fr"),
        "shown": shown, "measures": measure_labels(t), "error": readable(error) if error else None, "form": form,
        "others": others or {}, "notice": notice, "test_send": bool(request.app.state.settings.smtp),
        "reply_to": reply_to(warehouse, member_id)},
        status_code=status_code)


@router.get("/m/{member_id}/campaigns", include_in_schema=False)
def campaigns_page(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                   campaign: Annotated[str | None, Query(max_length=64)] = None,
                   audience: Annotated[str | None, Query(max_length=64)] = None,
                   event: Annotated[str | None, Query(max_length=128)] = None,
                   suggest: Annotated[bool, Query()] = False) -> Response:
    """The tab; with ``audience`` (and ``event``) chosen, the message form, filled from the
    cooperative's suggestion when ``suggest`` is set."""
    if not audience:
        return _page(request, warehouse, member_id, principal, campaign=campaign)
    form: dict[str, Any] = {"audience_id": audience, "event_id": event or ""}
    others: dict[str, list[str]] = {}
    events = _upcoming(warehouse, member_id)
    try:
        if not has_audience(warehouse, member_id, audience):
            raise UserError(_("This audience is not one of yours (any more); pick one of the list."))
        if event and event not in {e["event_id"] for e in events}:
            raise UserError(_("This event is not among your upcoming events (any more); pick one of the list."))
        if suggest:
            suggestion = service.suggest(warehouse, member_id, audience, event or None, actor=_actor(principal))
            form["event_id"] = suggestion["event_id"] or ""
            for lang in ("fr", "en"):
                subjects = suggestion[lang]["subjects"]
                form |= {f"subject_{lang}": subjects[0] if subjects else "", f"preheader_{lang}": suggestion[lang]["preheader"],
                         f"body_{lang}": suggestion[lang]["body"]}
                others[lang] = subjects[1:]
    except UserError as exc:
        return _page(request, warehouse, member_id, principal, campaign=None, status_code=400, events=events,
                     error=retranslate(exc.message, request_language(request)))
    return _page(request, warehouse, member_id, principal, campaign=campaign, form=form, others=others, events=events)


def _holdout_share(holdout: str) -> float | None:
    """The form's holdout as a share: a percentage (10), or a share (0.1) when at most 1; NaN when
    it is no number at all; None when left blank (the cooperative's default)."""
    if not holdout.strip():
        return None
    try:
        value = float(holdout.replace(",", ".").strip())
    except ValueError:
        return math.nan
    return value / 100 if value > 1 else value


@router.post("/m/{member_id}/campaigns", include_in_schema=False)
def campaigns_form(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                   audience_id: Annotated[str, Form(max_length=64)], subject_fr: Annotated[str, Form(max_length=400)],
                   body_fr: Annotated[str, Form(max_length=50_000)],
                   subject_en: Annotated[str, Form(max_length=400)] = "", body_en: Annotated[str, Form(max_length=50_000)] = "",
                   link: Annotated[str, Form(max_length=2000)] = "",
                   event_id: Annotated[str, Form(max_length=128)] = "", holdout: Annotated[str, Form(max_length=10)] = "",
                   preheader_fr: Annotated[str, Form(max_length=400)] = "", preheader_en: Annotated[str, Form(max_length=400)] = "") -> Response:
    form = {"audience_id": audience_id, "subject_fr": subject_fr, "subject_en": subject_en, "body_fr": body_fr,
            "body_en": body_en, "link": link, "event_id": event_id, "holdout": holdout,
            "preheader_fr": preheader_fr, "preheader_en": preheader_en}
    share = _holdout_share(holdout)
    if share is not None and not math.isfinite(share):
        return _page(request, warehouse, member_id, principal, campaign=None, form=form, status_code=400,
                     error=Translator(request_language(request))(
                         _("The holdout is a percentage of the audience from {low} to {high}, e.g. 10; got {value}."),
                         low=round(100 * MIN_HOLDOUT), high=round(100 * MAX_HOLDOUT), value=holdout))
    try:
        created = _create(warehouse, member_id, CampaignCreate(
            audience_id=audience_id, subject_fr=subject_fr, subject_en=subject_en, body_fr=body_fr, body_en=body_en,
            link=link or None, event_id=event_id or None, holdout=share,
            preheader_fr=preheader_fr or None, preheader_en=preheader_en or None), principal)
    except UserError as exc:
        return _page(request, warehouse, member_id, principal, campaign=None, form=form, status_code=400,
                     error=retranslate(exc.message, request_language(request)))
    return RedirectResponse(f"/m/{member_id}/campaigns?campaign={created['campaign_id']}", status_code=303)
