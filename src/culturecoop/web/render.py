"""Rendering pages: the Jinja environment, the reader's language, common context."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from culturecoop.web.i18n import Translator, _, language_from_header, pick_language
from culturecoop.web.reports import TABS
from culturecoop.web.security import csrf_token

ANON_COOKIE = "cc_anon"
TEMPLATES = Path(__file__).parent / "templates"
env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the package: no stat of every template file on every render.
    auto_reload=False,
)


ROLE_LABELS = {
    "coop_admin": _("Cooperative admin"),
    "member_admin": _("Member admin"),
    "member_analyst": _("Member analyst"),
}
OUTCOME_LABELS = {
    "loaded": _("loaded"),
    "already_ingested": _("already loaded"),
    "refused": _("refused"),
}

TABLE_LABELS = {
    "event": _("Events"),
    "patron": _("Patrons"),
    "ticket": _("Tickets"),
    "consent": _("Consents"),
}

PERIOD_LABELS = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}


def _table_rows(table: Any) -> list[list[Any]]:
    return [[c.text if c.suppressed else c.value for c in row] for row in table.rows]


def _table_body(rows: list[list[Any]], hidden_title: str) -> Markup:
    """A table's rows as HTML (``layout.Cell`` values; every text escaped).

    Built here, not cell by cell in the template: a cross-member tab of several hundred rows
    renders several times faster, and a first visit under load waits less.
    """
    title = escape(hidden_title)
    parts: list[str] = []
    for row in rows:
        parts.append("<tr>")
        for cell in row:
            if cell.suppressed:
                parts.append(f'<td class="suppressed" data-v="" title="{title}">{escape(cell.text)}</td>')
            elif cell.numeric:
                parts.append(f'<td class="num" data-v="{escape(cell.value)}">{escape(cell.text)}</td>')
            else:
                parts.append(f"<td>{escape(cell.text)}</td>")
        parts.append("</tr>\n")
    return Markup("".join(parts))


def _rows_of(dicts: list[dict[str, Any]], keys: list[str]) -> list[list[Any]]:
    return [[d.get(k) for k in keys] for d in dicts]


env.globals.update(role_labels=ROLE_LABELS, outcome_labels=OUTCOME_LABELS, table_labels=TABLE_LABELS,
                   period_labels=PERIOD_LABELS, table_rows=_table_rows,
                   rows_of=_rows_of, table_body=_table_body)


def request_language(request: Request) -> str:
    """The signed-in account's language, else the language cookie, else the browser's, else French."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return pick_language(principal.account.language)
    default: str = request.app.state.settings.default_language
    cookie = request.cookies.get("cc_lang")
    if cookie:
        return pick_language(cookie, default)
    if wants_json_path(request.url.path):
        # API clients say their language in Accept-Language; pages default to French.
        return language_from_header(request.headers.get("accept-language"), default)
    return default


def wants_json_path(path: str) -> bool:
    return path.startswith("/api/") or path.endswith(".json")


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    language = request_language(request)
    t = Translator(language)
    principal = getattr(request.state, "principal", None)
    base = {
        "request": request,
        "_": t,
        "t": t,
        "lang": language,
        "principal": principal,
        "account": principal.account if principal else None,
        "csrf": getattr(request.state, "csrf", ""),
        "path": request.url.path,
        "tabs": TABS,
    }
    new_nonce = None
    if principal is None and not base["csrf"]:
        # A first visit: bind the forms of this page (sign-in, language) to a fresh cookie nonce.
        new_nonce = request.cookies.get(ANON_COOKIE) or secrets.token_urlsafe(16)
        base["csrf"] = csrf_token(request.app.state.settings.server_secret, new_nonce)
    html = env.get_template(template).render({**base, **context})
    response = HTMLResponse(html, status_code=status_code)
    if new_nonce is not None:
        set_cookie(request, response, ANON_COOKIE, new_nonce, max_age=86400)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """Cookies are HTTP-only, same-site (Lax) and, unless configured off, Secure."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=request.app.state.settings.cookie_secure)


def render_fragment(language: str, template: str, context: dict[str, Any]) -> str:
    """A part of a page that holds no per-request data (no CSRF token, no account): cacheable."""
    t = Translator(language)
    return env.get_template(template).render({"_": t, "t": t, "lang": t.language, **context})
