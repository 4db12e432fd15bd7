"""Errors a reader sees: a page for the browser, a JSON document for the API, never a traceback."""

from __future__ import annotations

import logging
import secrets
import traceback
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from culturecoop.boundary import explain
from culturecoop.errors import EXIT_ENVIRONMENT, EXIT_INTEGRITY, NotFoundError, UserError
from culturecoop.web.i18n import Translator, _, retranslate
from culturecoop.web.render import render, request_language

log = logging.getLogger("culturecoop.web")

# Exit codes of UserError → HTTP status.
USER_ERROR_STATUS = {2: 400, 3: 422, 4: 409}


class WebError(Exception):
    """An error with an HTTP status and a message id translated for the reader."""

    def __init__(self, status: int, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields


class LoginRequiredError(Exception):
    """No valid session or token; ``expired`` when a session cookie was there but is no longer valid."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("login required")
        self.expired = expired


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.endswith(".json") or path == "/openapi.json"


def error_response(request: Request, status: int, message: str, *, code: str) -> Response:
    """The error as JSON for the API, else as a page in the reader's language."""
    if wants_json(request):
        return JSONResponse({"error": {"code": code, "status": status, "message": message}}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message, "code": code}, status_code=status)


def _language(request: Request) -> str:
    return request_language(request)


async def handle_web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    message = Translator(_language(request))(exc.message, **exc.fields)
    return error_response(request, exc.status, message, code="http_" + str(exc.status))


async def handle_user_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UserError)
    # Not found and not yours answer alike: one 404 for every cross-tenant resource.
    status = 404 if isinstance(exc, NotFoundError) else USER_ERROR_STATUS.get(exc.exit_code, 400)
    return error_response(request, status, retranslate(exc.message, _language(request)), code="user_error")


async def handle_login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequiredError)
    t = Translator(_language(request))
    if wants_json(request):
        message = t(_("Your session has expired; sign in again.")) if exc.expired else t(
            _("Sign in first: send a session cookie or an API token (Authorization: Bearer ...)."))
        response: Response = JSONResponse({"error": {"code": "login_required", "status": 401, "message": message}},
                                          status_code=401, headers={"WWW-Authenticate": "Bearer"})
    else:
        target = request.url.path
        response = RedirectResponse(f"/login?next={target}" + ("&expired=1" if exc.expired else ""), status_code=303)
    if exc.expired:
        response.delete_cookie("cc_session", path="/")
    return response


_STATUS_MESSAGES = {
    404: _("This page does not exist; check the address or go back to the overview."),
    405: _("This address does not accept that kind of request."),
    413: _("The file is too large; send a package of at most {mb} MB."),
}


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    t = Translator(_language(request))
    template = _STATUS_MESSAGES.get(exc.status_code)
    if template is not None:
        message = t(template, mb=int(request.app.state.settings.max_upload_mb)) if "{mb}" in template else t(template)
    else:
        message = t(_("The request could not be handled (HTTP {status}).")).format(status=exc.status_code)
    response = error_response(request, exc.status_code, message, code="http_" + str(exc.status_code))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    t = Translator(_language(request))
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or str(e.get("loc", ("?",))[0]) for e in exc.errors()})
    message = t(_("Some values are missing or invalid ({fields}); correct them and try again.")).format(fields=", ".join(fields))
    return error_response(request, 422, message, code="invalid_request")


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    incident = secrets.token_hex(4)
    # Code locations only: the exception's text may quote data, so it is not logged.
    log.error("incident %s: %s in %s %s\n%s", incident, type(exc).__name__, request.method,
              getattr(request.scope.get("route"), "path", "(no route)"),
              "".join(traceback.format_tb(exc.__traceback__)))
    t = Translator(_language(request))
    explained = explain(exc)
    if explained is not None and explained.exit_code in (EXIT_ENVIRONMENT, EXIT_INTEGRITY):
        # The server's disk, memory or files: a 503 the reader may retry, never a server path.
        message = t(_("The server could not read or write its files just now (incident {incident}); try again in "
                      "a moment, and tell the cooperative if it persists.")).format(incident=incident)
        return error_response(request, 503, message, code="unavailable")
    message = t(_("Something went wrong on our side (incident {incident}); try again, and tell the cooperative if it persists.")).format(incident=incident)
    return error_response(request, 500, message, code="internal_error")
