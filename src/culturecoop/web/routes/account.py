"""The signed-in person's account: language, password, API tokens; and the `me` API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from culturecoop.errors import UserError
from culturecoop.governance import accounts
from culturecoop.governance.sessions import create_token, list_tokens, revoke_token
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import Principal, PrincipalDep, WarehouseDep
from culturecoop.web.i18n import Translator, _, retranslate
from culturecoop.web.render import render, request_language
from culturecoop.web.routes.inputs import ApiInput

router = APIRouter()


class MePublic(BaseModel):
    account: dict[str, Any]
    via: str = Field(description="`session` or `token`.")
    scope_member: str | None


class TokensPublic(BaseModel):
    data: list[dict[str, Any]]
    count: int


class TokenCreate(ApiInput):
    name: str = Field(default="", max_length=80, description="A label to recognise the token.")
    days: int | None = Field(default=None, ge=1, le=3650, description="Lifetime in days; none for no expiry.")


class TokenCreated(BaseModel):
    token: dict[str, Any]
    secret: str = Field(description="The token itself: shown once, store it safely.")


@router.get("/api/v1/me", response_model=MePublic, tags=["account"])
def me(principal: PrincipalDep) -> dict[str, Any]:
    """Who the caller is and which member it may read."""
    return {"account": principal.account.public(), "via": principal.via, "scope_member": principal.scope_member}


@router.get("/api/v1/tokens", response_model=TokensPublic, tags=["account"])
def api_tokens(principal: PrincipalDep, warehouse: WarehouseDep) -> dict[str, Any]:
    """The caller's API tokens (never their secrets)."""
    data = [t.public() for t in list_tokens(warehouse, account_id=principal.account.account_id)]
    return {"data": data, "count": len(data)}


@router.post("/api/v1/tokens", response_model=TokenCreated, status_code=201, tags=["account"])
def api_create_token(body: TokenCreate, principal: PrincipalDep, warehouse: WarehouseDep) -> dict[str, Any]:
    """Create an API token scoped to the caller's member."""
    token, secret = create_token(warehouse, principal.account, body.name, body.days)
    return {"token": token.public(), "secret": secret}


@router.delete("/api/v1/tokens/{token_id}", response_model=TokensPublic, tags=["account"])
def api_revoke_token(token_id: str, principal: PrincipalDep, warehouse: WarehouseDep) -> dict[str, Any]:
    """Revoke a token (yours, or any of your member's if you are its admin)."""
    token = revoke_token(warehouse, principal.account, token_id)
    return {"data": [token.public()], "count": 1}


def _account_page(request: Request, principal: Principal, warehouse: Warehouse, *,
                  secret: str | None = None, password_error: str | None = None, status: int = 200) -> Response:
    return render(request, "account.html", {
        "active": "account", "member_id": principal.account.member_id,
        "tokens": list_tokens(warehouse, account_id=principal.account.account_id),
        "secret": secret, "password_error": password_error,
    }, status_code=status)


@router.get("/account", include_in_schema=False)
def account_page(request: Request, principal: PrincipalDep, warehouse: WarehouseDep) -> Response:
    return _account_page(request, principal, warehouse)


@router.post("/account/tokens", include_in_schema=False)
def account_create_token(request: Request, principal: PrincipalDep, warehouse: WarehouseDep,
                         name: Annotated[str, Form(max_length=80)] = "") -> Response:
    _token, secret = create_token(warehouse, principal.account, name, None)
    return _account_page(request, principal, warehouse, secret=secret, status=201)


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def account_revoke_token(token_id: str, principal: PrincipalDep, warehouse: WarehouseDep) -> Response:
    revoke_token(warehouse, principal.account, token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password", include_in_schema=False)
def account_password(request: Request, principal: PrincipalDep, warehouse: WarehouseDep,
                     current: Annotated[str, Form(max_length=1024)], password: Annotated[str, Form(max_length=1024)],
                     password_again: Annotated[str, Form(max_length=1024)]) -> Response:
    # A mistake is said beside the form, which stays on the page (it was a bare error page).
    t = Translator(request_language(request))
    if accounts.authenticate(warehouse, principal.account.email, current) is None:
        return _account_page(request, principal, warehouse, password_error=t(_("The current password is wrong; type it again.")), status=403)
    if password != password_again:
        return _account_page(request, principal, warehouse, password_error=t(_("The two passwords differ; type the same password twice.")), status=400)
    try:
        accounts.set_password(warehouse, principal.account.account_id, password)
    except UserError as exc:
        return _account_page(request, principal, warehouse, password_error=retranslate(exc.message, t.language), status=400)
    return RedirectResponse("/login", status_code=303)
