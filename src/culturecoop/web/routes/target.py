"""The "Target audience" tab, saved audiences, cross offers and the discoverability settings —
pages and REST API. Thin: read the question, call ``reco``, lay the answer out, respond.

An audience, an event or a cross-offer proposal of another member answers 404 like any other
member's resource; nothing here ever returns a patron key or another member's patron id.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from culturecoop.analytics.segments import SEGMENTS
from culturecoop.analytics.service import member_currency
from culturecoop.analytics.wording import choices
from culturecoop.errors import UserError
from culturecoop.governance.uploads import member_names
from culturecoop.reco import audiences, cross, gains, service
from culturecoop.reco import target as target_service
from culturecoop.reco.programme import load_programme
from culturecoop.reco.tradeoff import tradeoff
from culturecoop.schema.taxonomy import GENRES
from culturecoop.web.deps import (
    AnswersDep,
    CoopAdmin,
    MemberManager,
    MemberReader,
    Principal,
    PrincipalDep,
    SettingsDep,
    WarehouseDep,
)
from culturecoop.web.errors import USER_ERROR_STATUS, WebError
from culturecoop.web.i18n import Translator, _, readable, retranslate
from culturecoop.web.render import render, request_language
from culturecoop.web.routes.inputs import ApiInput
from culturecoop.web.routes.reports import actor_of
from culturecoop.web.tabs import TARGET_TAB
from culturecoop.web.views.target import programme_loaded, target_view

router = APIRouter()
TAGS: list[str | Any] = ["audiences"]


class ProfileRow(BaseModel):
    patrons: int | None = Field(description="People in the group; null when the privacy gate hid it.")
    shown: str = Field(description="What to show: the count; “hidden” for a group the privacy gate hid (under k, or hidden "
                                   "so that one under k cannot be deduced from the audience's size: it may be large); "
                                   "“< k” when the whole audience is under k.")
    model_config = {"extra": "allow"}


class AudiencePublic(BaseModel):
    audience_id: str | None = Field(default=None, description="The saved audience (absent for a preview).")
    member_id: str
    name: str | None = None
    kind: str
    definition: dict[str, Any]
    k: int
    size: int | None = Field(description="People in the audience as the privacy gate released it; null under k.")
    size_shown: str
    profile: dict[str, list[ProfileRow]] = Field(description="Ownership (own vs new), age bands, areas, segments: gated counts.")
    audit_id: int | None = None
    created_at: str | None = None


class AudienceListItem(BaseModel):
    audience_id: str
    name: str
    kind: str
    definition: dict[str, Any]
    created_at: str
    size: int | None
    size_shown: str


class AudiencesPublic(BaseModel):
    data: list[AudienceListItem]
    count: int


class AudienceCreate(ApiInput):
    kind: Literal["event", "segment", "genre", "lapsed"]
    name: str = Field(min_length=1, max_length=200)
    event: str | None = Field(default=None, max_length=200, description="kind=event: one of your upcoming events.")
    size: int | None = Field(default=None, ge=1, le=10_000_000, description="kind=event: people (default 3 per seat, at least 500).")
    newcomers: bool = Field(default=False, description="kind=event: only people who never bought a ticket from you.")
    segment: str | None = Field(default=None, max_length=40, description="kind=segment: regulars, explorers, …")
    genre: str | None = Field(default=None, max_length=40, description="kind=genre: a genre of the taxonomy.")
    months: int | None = Field(default=None, ge=1, le=240, description="kind=lapsed: months without a visit.")


class UpcomingEvent(BaseModel):
    event_id: str
    title: str
    starts_at: str
    capacity: int | None
    venue: str | None = Field(default=None, description="The hall, as the programme names it.")
    genres: list[str]
    is_local: bool
    language: str | None


class UpcomingEventsPublic(BaseModel):
    data: list[UpcomingEvent]
    count: int


class ProgrammeLoaded(BaseModel):
    member_id: str
    events: int = Field(description="Events in the programme as loaded (it replaces the previous one).")
    first: str
    last: str
    columns: dict[str, str] = Field(description="Each column read → the file's own header.")
    past: int = Field(description="Events already past: kept, but only upcoming events get an audience.")
    other_languages: int = Field(description="Events in a language other than French or English, kept without one.")
    merged: int = Field(description="Rows that repeated an event already listed (a ticket type, a price level), merged into it.")
    cancelled: int = Field(0, description="Rows whose status says the event is cancelled: left out.")
    sample: list[dict[str, Any]] = Field(description="The first events as read (title, start, genres, language, local, price).")


class Agreement(BaseModel):
    agreement_id: str
    proposer: str
    partner: str
    status: Literal["proposed", "accepted", "declined"]
    proposed_at: str
    decided_at: str | None


class PartnerEvent(BaseModel):
    partner: str
    event_id: str
    title: str | None
    starts_at: str
    your_patrons: int | None = Field(description="Your patrons in the event's likely audience; null when the gate hid it.")
    shown: str
    fit_patrons: int | None = Field(None, description="Your patrons among the event's most likely people (the same share of the "
                                                      "cooperative for every event, `fit_share`); null when the gate hid it.")
    fit_patrons_shown: str | None = None
    fit: float | None = Field(None, description="`fit_patrons` against chance: fit_patrons / (fit_share × counted); 1 = as chance, "
                                                "2 = twice as many of your patrons. The list is ranked by it. Null when a count is hidden.")


Direction = Literal["your_patrons_for_their_events", "their_patrons_for_your_events"]


class PartnerGain(BaseModel):
    partner: str
    your_patrons_for_their_events: int | None = None
    your_patrons_for_their_events_shown: str | None = None
    their_patrons_for_your_events: int | None = None
    their_patrons_for_your_events_shown: str | None = None
    counted: int | None = Field(None, description="The partner's patrons the model can count (gated): chance's base for `their_patrons_for_your_events`.")
    counted_shown: str | None = None
    fit_patrons: dict[Direction, int | None] = Field(
        default_factory=dict, description="Per direction, the patrons among the most likely people for the partner's shows as a whole "
                                          "(yours) or for yours (its); gated, absent when none.")
    fit_patrons_shown: dict[Direction, str] = Field(default_factory=dict)
    fit: dict[Direction, float | None] = Field(default_factory=dict, description="Per direction, `fit_patrons` against chance (1 = as chance); partners are ranked by yours.")


class CrossOffersPublic(BaseModel):
    member_id: str
    k: int
    events: list[PartnerEvent] = Field(description="Partners' upcoming events, the best fit for your audience first (gated counts).")
    partners: list[PartnerGain] = Field(description="Per partner, likely patrons both ways and the fit both ways (gated; absent when none).")
    counted: int | None = Field(None, description="Your patrons the model can count (gated): chance's base for `fit`.")
    fit_share: float | None = Field(None, description="The share of the cooperative's people, the most likely to come, every fit is measured on.")
    agreements: list[Agreement]
    audit_id: int | None


class CrossOfferCreate(ApiInput):
    partner: str = Field(min_length=1, max_length=64)


class CrossOfferDecision(ApiInput):
    accept: bool


class DiscoverabilitySettings(ApiInput):
    diversity: float = Field(ge=0, le=1, description="0 = the model's order, 1 = the most varied lists.")
    boost: float = Field(ge=0, le=100, description="Local and francophone floor, in points above the programme's share.")


class DiscoverabilityPublic(BaseModel):
    settings: DiscoverabilitySettings
    tradeoff: dict[str, Any] = Field(description="Accuracy and shares per knob setting, measured on the cooperative's data.")


class GainsPoint(BaseModel):
    share: float = Field(description="Share of the cooperative's people on the list (the most likely first).")
    found: float = Field(description="Share of those who came that the list held.")


class AudienceQualityPublic(BaseModel):
    available: bool
    reason: str | None = Field(None, description="Why it cannot be measured on the cooperative's data.")
    events: int | None = Field(None, description="Recent past events set aside as if upcoming.")
    attendances: int | None = Field(None, description="People who came to them (counted once per event).")
    curve: list[GainsPoint] = Field(default_factory=list, description="The gains curve; a random list finds its own share.")
    headline: dict[str, float | None] | None = Field(None, description="The most likely 5 %: share found, lift over random, newcomers found.")
    own_list: dict[str, float | None] | None = Field(
        None, description="Everyone who came to the same member before (reach, share found) against the model's list of the same length.")


def _require_event(warehouse: Any, member_id: str, event_id: str) -> None:
    if not target_service.has_upcoming_event(warehouse, member_id, event_id):
        raise WebError(404, _("You have no upcoming event {event}; pick one from your programme."), event=event_id)


def _require_audience(warehouse: Any, member_id: str, audience_id: str) -> None:
    if not target_service.has_audience(warehouse, member_id, audience_id):
        raise WebError(404, _("You have no saved audience {audience}."), audience=audience_id)


def _require_proposal_to(warehouse: Any, member_id: str, agreement_id: str) -> None:
    if not any(a["agreement_id"] == agreement_id and a["partner"] == member_id for a in cross.agreements(warehouse, member_id)):
        raise WebError(404, _("No cross-offer proposal {agreement} was sent to you."), agreement=agreement_id)


def _require_admin(principal: Principal) -> None:
    """A cross offer commits the organisation: its admins propose, accept and decline."""
    if not principal.account.is_member_admin:
        raise WebError(403, _("Only your member's admins may propose, accept or decline a cross offer; ask them."))


def _require_definition(body: AudienceCreate, language: str) -> None:
    """The field its kind needs, asked in the API's words (the service's messages name CLI options
    and read « Segment inconnu None » when the field is missing), the values by their names too in
    ``language``."""
    if body.kind == "event" and not body.event:
        raise WebError(422, _("An event audience needs its event: give event, the identifier of one of your upcoming events."))
    if body.kind == "segment" and not body.segment:
        raise WebError(422, _("A segment audience needs its segment: give segment, one of {choices}."), choices=choices("segment", SEGMENTS, language))
    if body.kind == "genre" and not body.genre:
        raise WebError(422, _("A genre audience needs its genre: give genre, one of {choices}."), choices=choices("genre", GENRES, language))
    if body.kind == "segment" and body.segment not in SEGMENTS:
        raise WebError(422, _("There is no segment “{segment}”: give segment, one of {choices}."), segment=body.segment,
                       choices=choices("segment", SEGMENTS, language))
    if body.kind == "genre" and body.genre not in GENRES:
        raise WebError(422, _("There is no genre “{genre}”: give genre, one of {choices}."), genre=body.genre,
                       choices=choices("genre", GENRES, language))
    if body.newcomers and body.kind != "event":
        raise WebError(422, _("newcomers keeps the people new to you in an event audience (kind event); leave it out for a {kind} audience."),
                       kind=body.kind)


def _create(warehouse: Any, member_id: str, body: AudienceCreate, actor: str, language: str) -> dict[str, Any]:
    _require_definition(body, language)
    if body.kind == "event" and body.event:
        _require_event(warehouse, member_id, body.event)
    params = {"event": body.event, "size": body.size, "segment": body.segment, "genre": body.genre, "newcomers": body.newcomers}
    if body.months is not None:
        params["months"] = body.months
    return audiences.build_audience(warehouse, member_id=member_id, kind=body.kind, params=params, name=body.name, actor=actor)


def _load_programme(upload: UploadFile, warehouse: Any, member_id: str, max_bytes: int, language: str) -> dict[str, Any]:
    """The uploaded programme loaded for the member; a bad file raises a WebError naming it as uploaded."""
    name = Path(upload.filename or "").name or "programme.csv"
    with tempfile.TemporaryDirectory(prefix="culturecoop-programme-") as tmp:
        path = Path(tmp) / (re.sub(r"[^\w.\-]+", "_", name).lstrip(".") or "programme.csv")
        size = 0
        with path.open("wb") as out:
            while chunk := upload.file.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise WebError(413, _("The file is too large; send a programme of at most {mb} MB."), mb=max_bytes >> 20)
                out.write(chunk)
        if size == 0:
            raise WebError(400, _("The file is empty; choose your programme file again."))
        try:
            return load_programme(warehouse, member_id, path)
        except UserError as exc:
            message = retranslate(exc.message, language).replace(str(path), name)
            raise WebError(USER_ERROR_STATUS.get(exc.exit_code, 400), message) from None


# -- pages ------------------------------------------------------------------------------------

def _target_page(request: Request, member_id: str, principal: Principal, warehouse: Any, event: str | None = None,
                 saved: str | None = None, programme: dict[str, Any] | None = None, error: str | None = None,
                 status: int = 200) -> Response:
    t = Translator(request_language(request), member_currency(warehouse, member_id))
    if event:
        _require_event(warehouse, member_id, event[:200])
    summary = None
    if saved:
        _require_audience(warehouse, member_id, saved[:40])
        summary = audiences.audience_summary(warehouse, member_id, saved[:40], actor=actor_of(principal))
    answer = target_service.target_answer(warehouse, member_id, event[:200] if event else None, actor=actor_of(principal))
    view = target_view(answer, t, summary)
    return render(request, "target.html", {"tab": TARGET_TAB, "view": view, "member_id": member_id, "active": TARGET_TAB.slug,
                                           "query": {"event": view.event.event_id} if view.event else {},
                                           "may_decide": principal.account.is_member_admin,
                                           "may_load": principal.may_manage(member_id),
                                           "programme": programme, "programme_error": readable(error) if error else None},
                  status_code=status)


@router.get("/m/{member_id}/target", include_in_schema=False)
def target_page(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                event: str | None = None, saved: str | None = None) -> Response:
    return _target_page(request, member_id, principal, warehouse, event, saved)


@router.post("/m/{member_id}/programme", include_in_schema=False)
def programme_form(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep,
                   settings: SettingsDep, file: Annotated[UploadFile, File()]) -> Response:
    """From the Target audience tab: load the member's programme, then show its events to pick from."""
    language = request_language(request)
    try:
        loaded = _load_programme(file, warehouse, member_id, settings.max_upload_bytes, language)
    except WebError as exc:  # said next to the form, not on an error page
        return _target_page(request, member_id, principal, warehouse, error=exc.said(language), status=exc.status)
    return _target_page(request, member_id, principal, warehouse, programme=programme_loaded(loaded, Translator(language)),
                        status=201)


@router.get("/m/{member_id}/target.json", include_in_schema=False)
def target_json(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                event: str | None = None) -> Response:
    t = Translator(request_language(request))
    if event:
        _require_event(warehouse, member_id, event[:200])
    answer = target_service.target_answer(warehouse, member_id, event[:200] if event else None, actor=actor_of(principal))
    view = target_view(answer, t)
    return JSONResponse({"tab": TARGET_TAB.slug, "insights": view.insights, "silence": view.silence, "answer": answer})


@router.post("/m/{member_id}/audiences", include_in_schema=False)
def save_audience_form(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                       kind: Annotated[Literal["event", "segment", "genre", "lapsed"], Form()],
                       name: Annotated[str, Form(max_length=200)] = "",
                       event: Annotated[str, Form(max_length=200)] = "",
                       segment: Annotated[str, Form(max_length=40)] = "",
                       genre: Annotated[str, Form(max_length=40)] = "",
                       months: Annotated[int | None, Form(ge=1, le=240)] = None,
                       newcomers: Annotated[bool, Form()] = False) -> Response:
    """From the Target audience tab (an event) or the Segments and Affinities tabs (a segment,
    a genre): save the audience, then show its gated size and profile."""
    t = Translator(request_language(request))
    # The Segments and Affinities tabs send a segment's or a genre's code: one that is none (a form
    # edited by hand, a page older than the taxonomy) is said among the choices by their names.
    if kind == "segment" and segment and segment not in SEGMENTS:
        raise WebError(400, _("There is no segment “{segment}”: build an audience from one of your segments ({names}) on the "
                              "Segments tab."), segment=segment, names=t.any_of("segment", SEGMENTS))
    if kind == "genre" and genre and genre not in GENRES:
        raise WebError(400, _("There is no genre “{genre}”: build an audience from a genre ({names}) on the Affinities tab."),
                       genre=genre, names=t.any_of("genre", GENRES))
    whole = t("Audience of {event}", event=target_service.event_title(warehouse, member_id, event)) if kind == "event" else ""
    if kind == "event" and newcomers and name.strip() in ("", whole):
        # The name field holds the whole audience's default name: the newcomers' button gets its own.
        name = t("New audiences for {event}", event=target_service.event_title(warehouse, member_id, event))
    elif not name.strip():
        name = {"event": whole,
                "segment": t("Segment: {segment}", segment=t.label("segment", segment)),
                "genre": t("Fans of {genre} elsewhere", genre=t.label("genre", genre)),
                "lapsed": t("Lapsed patrons")}[kind]
    body = AudienceCreate(kind=kind, name=name.strip()[:200], event=event or None, segment=segment or None,
                          genre=genre or None, months=months, newcomers=newcomers)
    summary = _create(warehouse, member_id, body, actor_of(principal), t.language)
    back = f"&event={event}" if kind == "event" and event else ""
    return RedirectResponse(f"/m/{member_id}/target?saved={summary['audience_id']}{back}#saved", status_code=303)


@router.post("/m/{member_id}/cross-offers", include_in_schema=False)
def propose_form(member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                 partner: Annotated[str, Form(max_length=64)]) -> Response:
    _require_admin(principal)
    cross.propose(warehouse, member_id, partner, actor=actor_of(principal))
    return RedirectResponse(f"/m/{member_id}/target#cross", status_code=303)


@router.post("/m/{member_id}/cross-offers/{agreement_id}/{decision}", include_in_schema=False)
def decide_form(member_id: str, agreement_id: str, decision: Literal["accept", "decline"], principal: MemberReader,
                warehouse: WarehouseDep) -> Response:
    _require_proposal_to(warehouse, member_id, agreement_id)
    _require_admin(principal)
    cross.decide(warehouse, member_id, agreement_id, decision == "accept", actor=actor_of(principal))
    return RedirectResponse(f"/m/{member_id}/target#cross", status_code=303)


@router.post("/admin/discoverability", include_in_schema=False)
def admin_discoverability(principal: CoopAdmin, warehouse: WarehouseDep, answers: AnswersDep,
                          diversity: Annotated[float, Form(ge=0, le=1)], boost: Annotated[float, Form(ge=0, le=100)]) -> Response:
    service.set_settings(warehouse, principal.account.account_id, diversity, boost)
    return RedirectResponse("/admin#discoverability", status_code=303)


# -- API --------------------------------------------------------------------------------------

@router.get("/api/v1/members/{member_id}/upcoming-events", response_model=UpcomingEventsPublic, tags=TAGS)
def api_upcoming(member_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """The member's upcoming events (its programme), soonest first."""
    rows = target_service.upcoming_events(warehouse, member_id)
    return {"data": rows, "count": len(rows)}


@router.post("/api/v1/members/{member_id}/upcoming-events", response_model=ProgrammeLoaded, status_code=201, tags=TAGS)
def api_load_programme(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep,
                       settings: SettingsDep,
                       file: Annotated[UploadFile, File(description="The programme: CSV, Excel sheet or JSON, French or English headers.")]) -> dict[str, Any]:
    """Load the member's programme (its upcoming events, public information); it replaces the previous one."""
    return _load_programme(file, warehouse, member_id, settings.max_upload_bytes, request_language(request))


class PatronRecommendation(BaseModel):
    member_patron_id: str = Field(description="The member's own patron, as the token its package carried (map it back on the member's machine).")
    rank: int
    member_id: str = Field(description="The member whose event it is: this member, or a partner with an accepted cross offer.")
    member_name: str = Field(description="That member's name, as the cooperative's pages show it.")
    event_id: str
    title: str | None
    starts_at: str


class PatronRecommendations(BaseModel):
    data: list[PatronRecommendation]
    count: int
    patrons: int
    lists: dict[str, Any] = Field(description=(
        "What the lists are like: local and francophone shares against the programme's, coverage of the programme, "
        "Gini of exposure across events and members, novelty, intra-list diversity, share in a genre the patron never came to."))


@router.get("/api/v1/members/{member_id}/recommendations", response_model=PatronRecommendations, tags=TAGS)
def api_recommendations(member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                        k: Annotated[int, Query(ge=1, le=20)] = 5) -> dict[str, Any]:
    """The member's own patrons who consented to personalization → their likely next events, as the
    member's own tokens (the member app or `culturecoop reco ids` puts its own ids back)."""
    rows, lists = cross.recommendations_download(warehouse, member_id, k=k, actor=actor_of(principal))
    names = member_names(warehouse)
    data = [{**r, "member_name": names.get(r["member_id"], r["member_id"]),
             "starts_at": r["starts_at"].isoformat() if hasattr(r["starts_at"], "isoformat") else str(r["starts_at"])}
            for r in rows]
    return {"data": data, "count": len(data), "patrons": len({r["member_patron_id"] for r in rows}), "lists": lists}


@router.get("/api/v1/members/{member_id}/upcoming-events/{event_id}/audience", response_model=AudiencePublic, tags=TAGS)
def api_event_audience(member_id: str, event_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """The likely audience of one of the member's upcoming events, not saved: gated size and profile."""
    _require_event(warehouse, member_id, event_id)
    return audiences.preview_event_audience(warehouse, member_id, event_id, actor=actor_of(principal))


@router.get("/api/v1/members/{member_id}/audiences", response_model=AudiencesPublic, tags=TAGS)
def api_audiences(member_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """The member's saved audiences with their gated sizes."""
    rows = audiences.list_audiences(warehouse, member_id)
    return {"data": rows, "count": len(rows)}


@router.post("/api/v1/members/{member_id}/audiences", response_model=AudiencePublic, status_code=201, tags=TAGS)
def api_create_audience(request: Request, member_id: str, body: AudienceCreate, principal: MemberReader,
                        warehouse: WarehouseDep) -> dict[str, Any]:
    """Build and save an audience (event, segment, genre or lapsed); returns its gated size and profile."""
    return _create(warehouse, member_id, body, actor_of(principal), request_language(request))


@router.get("/api/v1/members/{member_id}/audiences/{audience_id}", response_model=AudiencePublic, tags=TAGS)
def api_audience(member_id: str, audience_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """One saved audience's gated size and profile (an audited release)."""
    _require_audience(warehouse, member_id, audience_id)
    return audiences.audience_summary(warehouse, member_id, audience_id, actor=actor_of(principal))


@router.get("/api/v1/members/{member_id}/cross-offers", response_model=CrossOffersPublic, tags=TAGS)
def api_cross_offers(member_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """Partners' upcoming events that fit the member's audience, the gain per partner (gated), and agreements."""
    return cross.cross_offers(warehouse, member_id, actor=actor_of(principal))


@router.post("/api/v1/members/{member_id}/cross-offers", response_model=Agreement, status_code=201, tags=TAGS)
def api_propose(member_id: str, body: CrossOfferCreate, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """Propose a cross offer to another member (member admins)."""
    _require_admin(principal)
    return cross.propose(warehouse, member_id, body.partner, actor=actor_of(principal))


@router.post("/api/v1/members/{member_id}/cross-offers/{agreement_id}/decision", response_model=Agreement, tags=TAGS)
def api_decide(member_id: str, agreement_id: str, body: CrossOfferDecision, principal: MemberReader,
               warehouse: WarehouseDep) -> dict[str, Any]:
    """Accept or decline a cross offer proposed to the member (member admins)."""
    _require_proposal_to(warehouse, member_id, agreement_id)
    _require_admin(principal)
    return cross.decide(warehouse, member_id, agreement_id, body.accept, actor=actor_of(principal))


@router.get("/api/v1/members/{member_id}/discoverability", response_model=DiscoverabilityPublic, tags=TAGS)
def api_member_discoverability(member_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """The cooperative's discoverability setting and its accuracy–diversity trade-off."""
    return {"settings": service.current_settings(warehouse).to_json(), "tradeoff": tradeoff(warehouse)}


@router.get("/api/v1/members/{member_id}/audience-quality", response_model=AudienceQualityPublic, tags=TAGS)
def api_audience_quality(member_id: str, principal: MemberReader, warehouse: WarehouseDep) -> dict[str, Any]:
    """How well an audience list finds the people who come: the cooperative's recent events set
    aside as if upcoming, ranked by the model (cooperative-wide, no member's figure)."""
    return gains.audience_gains(warehouse)


@router.get("/api/v1/discoverability", response_model=DiscoverabilitySettings, tags=TAGS)
def api_discoverability(principal: PrincipalDep, warehouse: WarehouseDep) -> dict[str, Any]:
    """The cooperative's discoverability defaults."""
    return service.current_settings(warehouse).to_json()


@router.put("/api/v1/discoverability", response_model=DiscoverabilitySettings, tags=TAGS)
def api_set_discoverability(body: DiscoverabilitySettings, principal: CoopAdmin, warehouse: WarehouseDep) -> dict[str, Any]:
    """Set the cooperative's discoverability defaults (cooperative admin)."""
    return service.set_settings(warehouse, principal.account.account_id, body.diversity, body.boost).to_json()
