"""Signing in and out, the language switch, invitations."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from culturecoop.errors import UserError
from culturecoop.governance import accounts, sessions
from culturecoop.web.deps import (
    ANON_COOKIE,
    SESSION_COOKIE,
    AnonymousCsrf,
    OptionalPrincipalDep,
    SettingsDep,
    WarehouseDep,
)
from culturecoop.web.errors import WebError
from culturecoop.web.i18n import _, pick_language
from culturecoop.web.render import render, request_language, set_cookie
from culturecoop.web.security import csrf_valid

router = APIRouter(include_in_schema=False)


def home_of(account: accounts.Account) -> str:
    if account.member_id:
        return f"/m/{account.member_id}/overview"
    return "/coop" if account.is_coop_admin else "/admin"


def safe_next(target: str | None) -> str | None:
    """Only a path of this site (no //host, no scheme) is followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/")
def home(principal: OptionalPrincipalDep) -> Response:
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(home_of(principal.account), status_code=303)


@router.get("/login")
def login_page(request: Request, principal: OptionalPrincipalDep, next: str | None = None,
               expired: int = 0) -> Response:
    if principal is not None:
        return RedirectResponse(home_of(principal.account), status_code=303)
    notice = _("Your session has expired; sign in again.") if expired else None
    return render(request, "login.html", {"next": safe_next(next) or "", "notice": notice, "error": None})


@router.post("/login", dependencies=[AnonymousCsrf])
def login(
    request: Request,
    warehouse: WarehouseDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    limit = request.app.state.login_limit
    ip = request.client.host if request.client else "?"
    wait = limit.retry_after(email, ip)
    if wait:
        raise WebError(429, _("Too many failed sign-ins; wait {minutes} minutes and try again."),
                       minutes=max(1, round(wait / 60)))
    account = accounts.authenticate(warehouse, email, password)
    if account is None:
        limit.failed(email, ip)
        return render(request, "login.html",
                      {"next": safe_next(next) or "", "notice": None,
                       "error": _("Wrong e-mail or password; check both and try again."), "email": email},
                      status_code=401)
    limit.succeeded(email, ip)
    value = sessions.open_session(warehouse, account, timedelta(hours=settings.session_hours))
    response = RedirectResponse(safe_next(next) or home_of(account), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, value, max_age=int(settings.session_hours * 3600))
    set_cookie(request, response, "cc_lang", account.language, max_age=365 * 86400)
    return response


@router.post("/logout")
async def logout(request: Request, principal: OptionalPrincipalDep, settings: SettingsDep,
                 warehouse: WarehouseDep) -> Response:
    if principal is not None and principal.session_value:
        form = await request.form()
        if not csrf_valid(settings.server_secret, principal.session_value, form.get("csrf_token")):
            raise WebError(403, _("The form has expired or did not come from this site; reload the page and try again."))
        sessions.close_session(warehouse, principal.session_value)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
async def switch_language(request: Request, principal: OptionalPrincipalDep, settings: SettingsDep,
                          warehouse: WarehouseDep) -> Response:
    form = await request.form()
    binding = principal.session_value if principal else request.cookies.get(ANON_COOKIE)
    if not csrf_valid(settings.server_secret, binding, form.get("csrf_token")):
        raise WebError(403, _("The form has expired or did not come from this site; reload the page and try again."))
    language = pick_language(str(form.get("language", "")), request_language(request))
    if principal is not None:
        accounts.set_language(warehouse, principal.account.account_id, language)
    back = safe_next(str(form.get("next", ""))) or "/"
    response = RedirectResponse(back, status_code=303)
    set_cookie(request, response, "cc_lang", language, max_age=365 * 86400)
    return response


@router.get("/invite/{link}")
def invitation_page(request: Request, link: str, warehouse: WarehouseDep,
                    principal: OptionalPrincipalDep) -> Response:
    invitation = accounts.open_invitation(warehouse, link)
    return render(request, "invite.html", {"invitation": invitation, "link": link, "error": None})


@router.post("/invite/{link}", dependencies=[AnonymousCsrf])
def accept_invitation(
    request: Request,
    link: str,
    warehouse: WarehouseDep,
    settings: SettingsDep,
    principal: OptionalPrincipalDep,
    password: Annotated[str, Form(max_length=1024)],
    password_again: Annotated[str, Form(max_length=1024)],
    display_name: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    invitation = accounts.open_invitation(warehouse, link)
    if password != password_again:
        return render(request, "invite.html", {"invitation": invitation, "link": link,
                                               "error": _("The two passwords differ; type the same password twice.")},
                      status_code=400)
    try:
        account = accounts.accept_invitation(warehouse, link, password=password, display_name=display_name,
                                             language=request_language(request))
    except UserError as exc:
        from culturecoop.web.i18n import readable, retranslate

        return render(request, "invite.html", {"invitation": invitation, "link": link,
                                               "error_text": readable(retranslate(exc.message, request_language(request))),
                                               "error": None}, status_code=400)
    value = sessions.open_session(warehouse, account, timedelta(hours=settings.session_hours))
    response = RedirectResponse(home_of(account), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, value, max_age=int(settings.session_hours * 3600))
    return response
