"""Dependencies of the routes, as ``Annotated`` aliases: ``WarehouseDep``, ``AnswersDep``, ``PrincipalDep``...

Authentication: an ``Authorization: Bearer`` API token (scoped to one member) or the session
cookie. Every state-changing request made with the session cookie carries the CSRF token (form
field ``csrf_token`` or header ``X-CSRF-Token``); token-authenticated API calls need none since
no browser sends the token by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from culturecoop.analytics.answers import Answers
from culturecoop.governance.accounts import Account
from culturecoop.governance.sessions import session_account, token_account
from culturecoop.governance.uploads import member_names
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.errors import LoginRequiredError, WebError
from culturecoop.web.i18n import _
from culturecoop.web.security import csrf_token, csrf_valid
from culturecoop.web.settings import Settings

SESSION_COOKIE = "cc_session"
ANON_COOKIE = "cc_anon"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Principal:
    """Who is asking: the account, how they proved it, and which member they may read."""

    account: Account
    via: str  # "session" or "token"
    scope_member: str | None  # the member an API token is limited to
    session_value: str | None = None

    def may_read(self, member_id: str) -> bool:
        """Member pages and reports: only the account's own member (a token: its scope)."""
        if self.via == "token":
            return member_id == self.scope_member
        return self.account.member_id == member_id

    def may_manage(self, member_id: str) -> bool:
        """Member data and accounts: its member admin and analysts, or the cooperative admin."""
        if self.account.is_coop_admin and self.via == "session":
            return True
        return self.may_read(member_id)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_warehouse(request: Request) -> Iterator[Warehouse]:
    with request.app.state.pool.connection() as warehouse:
        yield warehouse


def get_answers(request: Request) -> Answers:
    answers: Answers = request.app.state.answers
    return answers


SettingsDep = Annotated[Settings, Depends(get_settings)]
WarehouseDep = Annotated[Warehouse, Depends(get_warehouse)]
AnswersDep = Annotated[Answers, Depends(get_answers)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def _csrf_from_request(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def optional_principal(request: Request, warehouse: WarehouseDep, settings: SettingsDep) -> Principal | None:
    """The caller if authenticated, else None; also prepares the CSRF token pages embed."""
    principal: Principal | None = None
    bearer = _bearer(request)
    if bearer is not None:
        found = token_account(warehouse, bearer)
        if found is None:
            raise WebError(401, _("The API token is not valid (unknown, revoked or expired); create a new one on your account page."))
        principal = Principal(found[0], "token", found[1])
    else:
        value = request.cookies.get(SESSION_COOKIE)
        if value:
            account = session_account(warehouse, value)
            if account is None:
                request.state.session_expired = True
            else:
                principal = Principal(account, "session", account.member_id, value)
    request.state.principal = principal
    if principal is not None:
        request.state.member_names = member_names(warehouse)  # pages name members, not their identifiers
    binding = principal.session_value if principal else request.cookies.get(ANON_COOKIE)
    request.state.csrf = csrf_token(settings.server_secret, binding) if binding else ""
    return principal


OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]


def require_principal(request: Request, principal: OptionalPrincipalDep) -> Principal:
    if principal is None:
        raise LoginRequiredError(expired=bool(getattr(request.state, "session_expired", False)))
    return principal


async def check_csrf(request: Request, principal: Annotated[Principal, Depends(require_principal)],
                     settings: SettingsDep) -> Principal:
    """Refuse a state-changing request made with the session cookie but without its CSRF token."""
    if request.method in UNSAFE_METHODS and principal.via == "session":
        token = await _csrf_from_request(request)
        if not csrf_valid(settings.server_secret, principal.session_value, token):
            raise WebError(403, _("The form has expired or did not come from this site; reload the page and try again."))
    return principal


PrincipalDep = Annotated[Principal, Depends(check_csrf)]


async def check_anonymous_csrf(request: Request, settings: SettingsDep) -> None:
    """CSRF for forms sent before sign-in (sign-in, invitation, language): bound to a cookie nonce."""
    token = await _csrf_from_request(request)
    if not csrf_valid(settings.server_secret, request.cookies.get(ANON_COOKIE), token):
        raise WebError(403, _("The form has expired or did not come from this site; reload the page and try again."))


AnonymousCsrf = Depends(check_anonymous_csrf)


def member_reader(principal: PrincipalDep, member_id: Annotated[str, Path(max_length=64)]) -> Principal:
    if principal.account.is_coop_admin and principal.via == "session":
        raise WebError(403, _("Member reports are for the member's own accounts; the cooperative admin sees the Data and Admin pages."))
    if not principal.may_read(member_id):
        # 404, not 403: a member does not learn which other members exist from the answer.
        raise WebError(404, _("No member {member} among those your account can see."), member=member_id)
    return principal


def member_manager(principal: PrincipalDep, member_id: Annotated[str, Path(max_length=64)]) -> Principal:
    if not principal.may_manage(member_id):
        raise WebError(404, _("No member {member} among those your account can see."), member=member_id)
    return principal


def coop_admin(principal: PrincipalDep) -> Principal:
    if not (principal.account.is_coop_admin and principal.via == "session"):
        raise WebError(403, _("This page is for the cooperative's admins."))
    return principal


def member_admin_or_coop(principal: PrincipalDep) -> Principal:
    if not (principal.account.is_coop_admin or principal.account.is_member_admin):
        raise WebError(403, _("This page is for admins; ask your member admin."))
    return principal


MemberReader = Annotated[Principal, Depends(member_reader)]
MemberManager = Annotated[Principal, Depends(member_manager)]
CoopAdmin = Annotated[Principal, Depends(coop_admin)]
AdminDep = Annotated[Principal, Depends(member_admin_or_coop)]
