"""Admin: members, accounts, invitations (member admins for their member), privacy settings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from culturecoop.analytics.answers import to_jsonable
from culturecoop.campaigns import service as campaigns
from culturecoop.campaigns.settings import current_settings as campaign_settings
from culturecoop.errors import NotFoundError, UserError
from culturecoop.governance import accounts
from culturecoop.governance.coop_health import coop_health
from culturecoop.governance.sessions import list_tokens
from culturecoop.governance.uploads import add_member, list_members
from culturecoop.privacy.gate import set_policy
from culturecoop.privacy.policy import current_policy
from culturecoop.reco.service import current_settings
from culturecoop.schema.model import MEMBER_KINDS
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import (
    AdminDep,
    AnswersDep,
    CoopAdmin,
    MemberManager,
    Principal,
    PrincipalDep,
    WarehouseDep,
)
from culturecoop.web.errors import WebError
from culturecoop.web.i18n import Translator, _, retranslate
from culturecoop.web.render import render, request_language
from culturecoop.web.routes.inputs import ApiInput
from culturecoop.web.views.admin_home import admin_home_view

router = APIRouter()


class MembersPublic(BaseModel):
    data: list[dict[str, Any]]
    count: int


class AccountsPublic(BaseModel):
    data: list[dict[str, Any]]
    count: int


class InvitationCreate(ApiInput):
    email: str = Field(max_length=320, description="Address of the person invited.")
    role: Literal["member_admin", "member_analyst"] = "member_analyst"


class InvitationPublic(BaseModel):
    invitation: dict[str, Any]
    link: str = Field(description="One-time link to give the invited person (shown once).")


class PrivacyPublic(BaseModel):
    available: bool
    k: int | None = Field(default=None, description="Minimum cell size: smaller cross-member cells show as “< k”.")
    noise: bool | None = Field(default=None, description="Differential-privacy noise on cross-member counts.")
    epsilon_per_release: float | None = None
    epsilon_budget: float | None = Field(default=None, description="ε each member may spend per period.")
    budget_period: str | None = None


def privacy_settings(warehouse: Warehouse) -> dict[str, Any]:
    """The privacy policy in force, from the privacy gate."""
    return {"available": True, **to_jsonable(current_policy(warehouse))}


@router.get("/api/v1/privacy", response_model=PrivacyPublic, tags=["members"])
def api_privacy(principal: PrincipalDep, warehouse: WarehouseDep) -> dict[str, Any]:
    """The cooperative's privacy policy: k, noise, ε per release and budget."""
    return privacy_settings(warehouse)


@router.post("/admin/privacy", include_in_schema=False)
def admin_privacy(principal: CoopAdmin, warehouse: WarehouseDep, answers: AnswersDep,
                  k: Annotated[int, Form(ge=2, le=1000)],
                  epsilon_per_release: Annotated[float, Form(gt=0, le=100)],
                  epsilon_budget: Annotated[float, Form(gt=0, le=10_000)],
                  budget_period: Annotated[Literal["month", "quarter", "year"], Form()],
                  noise: Annotated[str, Form(max_length=5)] = "") -> Response:
    set_policy(warehouse, principal.account.account_id, min_patrons=k, noise=noise == "on",
               epsilon_per_release=epsilon_per_release, epsilon_budget=epsilon_budget, budget_period=budget_period)
    answers.invalidate()
    return RedirectResponse("/admin#privacy", status_code=303)


def _invite(warehouse: Warehouse, principal: Principal, email: str, role: str, member_id: str | None) -> dict[str, Any]:
    invitation, link = accounts.create_invitation(warehouse, principal.account, email=email, role=role,
                                                  member_id=member_id)
    return {"invitation": invitation.public(), "link": f"/invite/{link}"}


@router.get("/api/v1/members", response_model=MembersPublic, tags=["members"])
def api_members(principal: PrincipalDep, warehouse: WarehouseDep) -> dict[str, Any]:
    """The members the caller may see: every member for the cooperative admin, else its own."""
    members = list_members(warehouse)
    if not (principal.account.is_coop_admin and principal.via == "session"):
        members = [m for m in members if m["member_id"] == principal.scope_member]
    return {"data": members, "count": len(members)}


@router.get("/api/v1/members/{member_id}/accounts", response_model=AccountsPublic, tags=["members"])
def api_accounts(member_id: str, principal: MemberManager, warehouse: WarehouseDep) -> dict[str, Any]:
    """The member's accounts (admins only)."""
    if not (principal.account.is_coop_admin or principal.account.is_member_admin):
        raise WebError(403, _("This page is for admins; ask your member admin."))
    data = [a.public() for a in accounts.list_accounts(warehouse, member_id)]
    return {"data": data, "count": len(data)}


@router.post("/api/v1/members/{member_id}/invitations", response_model=InvitationPublic, status_code=201,
             tags=["members"])
def api_invite(member_id: str, body: InvitationCreate, principal: MemberManager, warehouse: WarehouseDep) -> dict[str, Any]:
    """Invite a person to the member (its admins, or the cooperative admin)."""
    if not (principal.account.is_coop_admin or principal.account.is_member_admin):
        raise WebError(403, _("This page is for admins; ask your member admin."))
    return _invite(warehouse, principal, body.email, body.role, member_id)


@router.delete("/api/v1/members/{member_id}/invitations/{invitation_id}", tags=["members"])
def api_withdraw_invitation(member_id: str, invitation_id: str, principal: MemberManager,
                            warehouse: WarehouseDep) -> dict[str, Any]:
    """Withdraw an invitation not yet accepted: its link stops working (its admins, or the cooperative admin)."""
    if not (principal.account.is_coop_admin or principal.account.is_member_admin):
        raise WebError(403, _("This page is for admins; ask your member admin."))
    withdrawn = accounts.withdraw_invitation(warehouse, principal.account, invitation_id, member_id)
    return {"withdrawn": withdrawn.public()}


def _admin_page(request: Request, principal: Principal, warehouse: Warehouse, *,
                new_link: str | None = None, status: int = 200, error: str | None = None) -> Response:
    account = principal.account
    scope = None if account.is_coop_admin else account.member_id
    context = {
        "active": "admin",
        "member_id": scope,
        "members": list_members(warehouse) if account.is_coop_admin else [],
        "accounts": accounts.list_accounts(warehouse, scope),
        "invitations": accounts.list_invitations(warehouse, scope),
        "tokens": list_tokens(warehouse, member_id=scope) if scope else [],
        "privacy": privacy_settings(warehouse),
        "discoverability": current_settings(warehouse).to_json(),
        "new_link": new_link,
        "kinds": MEMBER_KINDS,
        "error": error,
        **(_approvals(request, warehouse, principal) if account.is_coop_admin else {}),
    }
    return render(request, "admin.html", context, status_code=status)


def _approvals(request: Request, warehouse: Warehouse, principal: Principal) -> dict[str, Any]:
    """The campaigns awaiting the cooperative admin's approval, as the page shows them."""
    t = Translator(request_language(request))
    awaiting = []
    for c in campaigns.awaiting_approval(warehouse, actor=f"web:{principal.account.account_id}"):
        audience = (t("{n} people will receive it, {held} are kept aside to measure its effect.",
                      n=t.number(c["recipients"]) if c["recipients"] is not None else t("fewer than {k}", k=t.number(c["k"])),
                      held=t.number(c["holdout"]) if c["holdout"] is not None else t("fewer than {k}", k=t.number(c["k"]))))
        window = t("Sent between {start} and {end}.", start=t.day(str(c["window_start"])[:10]),
                   end=t.day(str(c["window_end"])[:10]))
        awaiting.append({"campaign_id": c["campaign_id"], "member": c["member_name"], "audience": audience,
                         "window": window, "previews": c["previews"]})
    return {"awaiting": awaiting, "approval_required": campaign_settings(warehouse).require_approval}


@router.post("/admin/campaigns/{campaign_id}/approve", include_in_schema=False)
def admin_approve_campaign(request: Request, campaign_id: Annotated[str, Path(max_length=64)], principal: CoopAdmin,
                           warehouse: WarehouseDep) -> Response:
    """« Approve »: the campaign may be sent in its window."""
    try:
        campaigns.approve_campaign(warehouse, campaign_id, actor=f"web:{principal.account.account_id}")
    except UserError as exc:
        if exc.exit_code != 4:
            raise
        return _admin_page(request, principal, warehouse, status=409, error=retranslate(exc.message, request_language(request)))
    return RedirectResponse("/admin#campaigns", status_code=303)


@router.post("/admin/campaigns/{campaign_id}/refuse", include_in_schema=False)
def admin_refuse_campaign(request: Request, campaign_id: Annotated[str, Path(max_length=64)], principal: CoopAdmin,
                          warehouse: WarehouseDep, reason: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """« Refuse »: the campaign is cancelled; its member reads the reason on its campaign page."""
    try:
        campaigns.refuse_campaign(warehouse, campaign_id, reason, actor=f"web:{principal.account.account_id}")
    except UserError as exc:
        if isinstance(exc, NotFoundError):
            raise
        return _admin_page(request, principal, warehouse, status=409 if exc.exit_code == 4 else 400,
                           error=retranslate(exc.message, request_language(request)))
    return RedirectResponse("/admin#campaigns", status_code=303)


@router.get("/admin", include_in_schema=False)
def admin_page(request: Request, principal: AdminDep, warehouse: WarehouseDep) -> Response:
    return _admin_page(request, principal, warehouse)


@router.post("/admin/invitations", include_in_schema=False)
def admin_invite(request: Request, principal: AdminDep, warehouse: WarehouseDep,
                 email: Annotated[str, Form(max_length=320)], role: Annotated[str, Form(max_length=40)],
                 member_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    target = member_id or None
    if not principal.account.is_coop_admin:
        target = principal.account.member_id
    created = _invite(warehouse, principal, email, role, target)
    link = str(request.base_url).rstrip("/") + created["link"]
    return _admin_page(request, principal, warehouse, new_link=link, status=201)


@router.post("/admin/invitations/{invitation_id}/withdraw", include_in_schema=False)
def admin_withdraw_invitation(invitation_id: str, principal: AdminDep, warehouse: WarehouseDep) -> Response:
    accounts.withdraw_invitation(warehouse, principal.account, invitation_id)
    return RedirectResponse("/admin#invitations", status_code=303)


@router.post("/admin/members", include_in_schema=False)
def admin_add_member(principal: CoopAdmin, warehouse: WarehouseDep,
                     member_id: Annotated[str, Form(max_length=64)], name: Annotated[str, Form(max_length=200)],
                     kind: Annotated[str, Form(max_length=40)], region: Annotated[str, Form(max_length=100)] = "") -> Response:
    add_member(warehouse, member_id, name, kind, region)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/accounts/{account_id}/{action}", include_in_schema=False)
def admin_account_state(account_id: str, action: Literal["disable", "enable"], principal: AdminDep,
                        warehouse: WarehouseDep) -> Response:
    target = accounts.get_account(warehouse, account_id)
    allowed = target is not None and (principal.account.is_coop_admin
                                      or target.member_id == principal.account.member_id)
    if target is None or not allowed:
        raise WebError(404, _("No such account among those you manage."))
    if target.account_id == principal.account.account_id:
        raise WebError(409, _("You cannot disable your own account; ask another admin."))
    accounts.set_disabled(warehouse, account_id, action == "disable")
    return RedirectResponse("/admin", status_code=303)


@router.get("/coop", include_in_schema=False)
def coop_home(request: Request, principal: CoopAdmin, warehouse: WarehouseDep) -> Response:
    """The cooperative admin's home: the cooperative's health and what needs attention."""
    view = admin_home_view(coop_health(warehouse), Translator(request_language(request)))
    return render(request, "coop.html", {"active": "coop", "view": view, "privacy": privacy_settings(warehouse)})
