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
from culturecoop.web.i18n import Translator, _, readable, retranslate
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

    def said(self, language: str) -> str:
        """The sentence in ``language``, as a page or the API shows it (``readable``)."""
        return readable(Translator(language)(self.message, **self.fields))


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
    message = readable(message)
    if wants_json(request):
        return JSONResponse({"error": {"code": code, "status": status, "message": message}}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message, "code": code}, status_code=status)


def _language(request: Request) -> str:
    return request_language(request)


async def handle_web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return error_response(request, exc.status, exc.said(_language(request)), code="http_" + str(exc.status))


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
    # Starlette's own refusal of a form or upload it cannot parse (no boundary, a cut part).
    400: _("The request could not be read (its form, file or body is malformed); send it again from the page, "
           "or check its format."),
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


# The error type of a true or false given where the field is no yes-or-no (``routes.inputs``).
NOT_A_FLAG = "bool_for_value"
_NUMBER_ERRORS = {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type", "finite_number",
                  "decimal_parsing", "decimal_type"}
_BODY_SHAPE_ERRORS = {"model_attributes_type", "model_type", "dict_type", "missing"}


def _quoted(value: Any) -> str:
    return readable(str(value))[:40] if isinstance(value, str | int | float) and not isinstance(value, bool) else "…"


def _choices(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" as a plain list: a, b, c."""
    return ", ".join(part.strip().strip("'\"") for part in expected.replace(" or ", ", ").split(","))


def validation_message(errors: list[Any], t: Translator) -> str:
    """One sentence for a request FastAPI refused before the route ran: what was wrong with the
    first field that was, and what to send instead; several fields wrong are named together."""
    def name_of(error: Any) -> str:
        loc = tuple(error.get("loc", ()))
        return ".".join(str(p) for p in loc[1:]) or str(loc[0] if loc else "?")

    names = sorted({name_of(e) for e in errors})
    first = errors[0] if errors else {}
    kind, loc, ctx = first.get("type", ""), tuple(first.get("loc", ())), first.get("ctx") or {}
    if kind == "json_invalid":
        return t(_("The request's body is not valid JSON (it breaks at character {position}); send a JSON object "
                   "with Content-Type: application/json."), position=str(loc[1] if len(loc) > 1 else 0))
    if loc == ("body",) and kind in _BODY_SHAPE_ERRORS:
        return t(_("The request's body must be a JSON object of the fields the API documentation (/docs) names; "
                   "send one with Content-Type: application/json."))
    if len(names) > 1:
        return t(_("Some values are missing or invalid ({fields}); correct them and try again."), fields=", ".join(names))
    field, value = names[0] if names else "?", first.get("input")
    if kind == "missing":
        return t(_("The field {field} is missing; give it and try again."), field=field)
    if kind == "string_too_long":
        return t(_("The field {field} is too long: give at most {n} characters."), field=field,
                 n=t.number(ctx["max_length"]) if isinstance(ctx.get("max_length"), int) else "?")
    if kind == "string_too_short":
        return t(_("The field {field} is empty; give a value."), field=field)
    if kind.startswith(("date_", "datetime_")):
        return t(_("“{value}” is not a day for the field {field}: write it as 2026-01-31."), value=_quoted(value), field=field)
    if kind in _NUMBER_ERRORS:
        return t(_("“{value}” is not a number for the field {field}: give a finite number such as 12."), value=_quoted(value), field=field)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bounds = {"greater_than": _("The field {field} must be more than {limit}."),
                  "greater_than_equal": _("The field {field} must be at least {limit}."),
                  "less_than": _("The field {field} must be less than {limit}."),
                  "less_than_equal": _("The field {field} must be at most {limit}.")}
        limit = next((ctx[k] for k in ("gt", "ge", "lt", "le") if k in ctx), "?")
        return t(bounds[kind], field=field, limit=_limit(limit, t))
    if kind in ("literal_error", "enum"):
        return t(_("“{value}” is not a choice for the field {field}: give one of {choices}."), value=_quoted(value), field=field,
                 choices=_choices(str(ctx.get("expected", ""))))
    if kind == "extra_forbidden":
        return t(_("This request takes no field {field}; check its name against the API documentation (/docs)."),
                 field=field)
    if kind == NOT_A_FLAG:
        return t(_("The field {field} is no yes-or-no: give it the value the API documentation (/docs) describes, "
                   "not true or false."), field=field)
    if kind in ("bool_parsing", "bool_type"):
        return t(_("The field {field} is true or false, not “{value}”."), field=field, value=_quoted(value))
    return t(_("Some values are missing or invalid ({fields}); correct them and try again."), fields=field)


def _limit(limit: Any, t: Translator) -> str:
    """A bound as the reader writes numbers: « 1 000 000 », « 0,05 » (``:g`` wrote 1e+06)."""
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        return str(limit)
    if isinstance(limit, int) or float(limit).is_integer():
        return t.number(int(limit))
    return t.number(limit, min(6, len(repr(float(limit)).partition(".")[2])))


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = validation_message(list(exc.errors()), Translator(_language(request)))
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
