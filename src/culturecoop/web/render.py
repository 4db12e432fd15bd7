"""One context → HTML, or CSV: the Jinja environment, the reader's language, common context.

Pages are Jinja templates over the view models of ``views``; a table's CSV is written here in
the reader's conventions (French: ``;`` between fields and a decimal comma, so that a French
spreadsheet reads numbers as numbers; shares as percentages; a cell the privacy gate hid is
empty, with a flag column saying which; a cell empty for another known reason says why).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from culturecoop.analytics import wording
from culturecoop.analytics.wording import ROLES, half_away
from culturecoop.ingest.words import PACKAGE_TABLES, REJECT_REASONS
from culturecoop.spreadsheet import spreadsheet_text
from culturecoop.web.i18n import Translator, _, language_asked, language_from_header, pick_language
from culturecoop.web.security import csrf_token
from culturecoop.web.tabs import ACTION_TABS, TABS
from culturecoop.web.views.base import Cell, TableView
from culturecoop.web.views.glossary import TERMS_BY_SLUG, tooltip

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


OUTCOME_LABELS = {
    "loaded": _("loaded"),
    "already_ingested": _("already loaded"),
    "refused": _("refused"),
}

# The package's tables and why ``prepare`` rejected rows: the words the CLI uses too.
TABLE_LABELS = PACKAGE_TABLES

PERIOD_LABELS = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}


def _table_body(rows: list[list[Cell]], hidden_title: str) -> Markup:
    """A table's rows as HTML (every text escaped).

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
            elif cell.why:
                parts.append(f'<td class="why" data-v="" title="{escape(cell.why)}">{escape(cell.text)}</td>')
            elif cell.numeric:
                parts.append(f'<td class="num" data-v="{escape(cell.value)}">{escape(cell.text)}</td>')
            else:
                parts.append(f"<td>{escape(cell.text)}</td>")
        parts.append("</tr>\n")
    return Markup("".join(parts))


# The roles' names are analytics.wording's: a refusal of an unknown role says them too.
env.globals.update(role_labels=ROLES, outcome_labels=OUTCOME_LABELS, table_labels=TABLE_LABELS,
                   period_labels=PERIOD_LABELS, reject_reasons=REJECT_REASONS, table_body=_table_body,
                   terms=TERMS_BY_SLUG, tooltip=tooltip)

def compile_templates() -> None:
    """Every page's template compiled once (the warm-up does it before the first reader)."""
    for template in env.list_templates(extensions=["html"]):
        env.get_template(template)


def request_language(request: Request) -> str:
    """The language a request is answered in.

    A program calling with an API token is answered in the language its Accept-Language prefers
    (fr or en, q-values weighed), else in its account's: it states per request what it reads,
    whoever's token it holds. The dashboard's reader (the session cookie: pages, their downloads,
    the API links a page offers such as the statement's PDF) reads the language chosen on the
    dashboard: a browser's Accept-Language is the browser's setting, not its reader's choice.
    Before sign-in: the language cookie, else for the API Accept-Language, else French."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        if principal.via == "token" and (asked := language_asked(request.headers.get("accept-language"))):
            return asked
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


def about_member(principal: Any, member_id: Any, names: Any) -> str | None:
    """The member's name when its page is read by an account that is not one of its own (the
    cooperative's admin opening its Data or Transparency page), else None: the page speaks to its reader."""
    if principal is None or not member_id or getattr(principal.account, "member_id", None) == member_id:
        return None
    return str(names.get(member_id, member_id)) if hasattr(names, "get") else str(member_id)


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    language = request_language(request)
    t = Translator(language)
    principal = getattr(request.state, "principal", None)
    base = {
        "request": request,
        "_": t,
        "t": t,
        "plural": t.plural,
        "lang": language,
        "principal": principal,
        "account": principal.account if principal else None,
        "csrf": getattr(request.state, "csrf", ""),
        "path": request.url.path,
        "tabs": TABS,
        "action_tabs": ACTION_TABS,
        "member_names": getattr(request.state, "member_names", {}),
    }
    new_nonce = None
    if principal is None and not base["csrf"]:
        # A first visit: bind the forms of this page (sign-in, language) to a fresh cookie nonce.
        new_nonce = request.cookies.get(ANON_COOKIE) or secrets.token_urlsafe(16)
        base["csrf"] = csrf_token(request.app.state.settings.server_secret, new_nonce)
    # A member's page read by an account not of that member (the cooperative's admin): its sentences
    # name the member (« les données de Jazz Dièse ») instead of speaking to the reader (« vos données »).
    base["about"] = about_member(principal, context.get("member_id"), base["member_names"])
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
    return env.get_template(template).render({"_": t, "t": t, "plural": t.plural, "lang": t.language, **context})


# -- CSV ---------------------------------------------------------------------------------------

CSV_UNITS = {"percent": "%", "money": "$"}
# A unit column also names a change in percentage points (a share's change).
ROW_UNITS = {**CSV_UNITS, "points": "pts"}


def _units(units: dict[str, str], t: Translator) -> dict[str, str]:
    """The units of a CSV, amounts in the translator's currency (€ for a member selling in euros)."""
    return {**units, "money": t.currency_symbol}


CSV_DIGITS = {"percent": 2, "points": 2, "money": 2, "times": 2, "float2": 2, "float1": 1}


def _csv_number(cell: Cell, decimal: str) -> str:
    """A number as a spreadsheet reads it: no thousands separator, the reader's decimal mark."""
    value = cell.value
    if isinstance(value, int) and not isinstance(value, bool) and cell.kind not in ("percent", "points"):
        return str(value)
    # Rounded as the page rounds (half away from zero): a lift of 1.185 is 1,19 on both.
    number = half_away(value, CSV_DIGITS.get(cell.kind, 4), percent=cell.kind in ("percent", "points"))
    text = f"{number:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return ("0" if text in ("-0", "") else text).replace(".", decimal)


def csv_month(value: Any, t: Translator) -> str:
    """A month as a spreadsheet keeps it: « 2024-12 (déc.) », "2024-12 (Dec)". Excel, in French as in
    English, reads « 2024-12 » and « déc. 2024 » as the date 1 December 2024 (shown « déc-24 », a day
    of the month or a year?) and « 2024-12-01 » as that day; the name after the ISO month keeps the
    cell as text, read as the page reads it and sorted in time order (the year and month come first)."""
    text = str(value.isoformat() if isinstance(value, date) else value)[:7]
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        return spreadsheet_text(str(value))
    return f"{text} ({wording.month(text, t.language, 'MMM')})"


def csv_text(table: TableView, t: Translator) -> str:
    """A table as CSV in the reader's conventions: French ``;`` and decimal comma, English ``,``
    and decimal point; numbers without thousands separators; shares as percentages (the unit in
    the header); suppressed cells empty, named in a last flag column."""
    french = t.language == "fr"
    delimiter, decimal = (";", ",") if french else (",", ".")
    # A column of mixed kinds (a figure's value: people, dollars, a share) says each row's unit in a
    # unit column. Mixed columns whose units agree on every row share one ("Unit"); one whose units
    # differ (a change: % for an amount, points for a share) has its own ("Unit (Change)").
    mixed = [i for i, c in enumerate(table.columns) if c.kind == "mixed"]
    t = t.in_currency(table.currency)
    csv_units, row_units = _units(CSV_UNITS, t), _units(ROW_UNITS, t)

    def unit_of(row: list[Cell], i: int) -> str:
        cell = row[i]
        return row_units.get(cell.kind, "") if cell.numeric and not cell.suppressed and cell.value is not None else ""

    groups: list[list[int]] = []
    for i in mixed:
        if groups and all(unit_of(row, i) in ("", unit_of(row, groups[-1][0])) for row in table.rows):
            groups[-1].append(i)
        else:
            groups.append([i])
    header = []
    for column in table.columns:
        unit = csv_units.get(column.kind)
        header.append(f"{column.label} ({unit})" if unit else column.label)
    header += [t("Unit") if n == 0 else f"{t('Unit')} ({table.columns[group[0]].label})" for n, group in enumerate(groups)]
    flag = t("Hidden by the privacy gate")
    if table.pooled:
        header.append(flag)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in table.rows:
        fields, hidden = [], []
        for column, cell in zip(table.columns, row, strict=True):
            if cell.suppressed:
                fields.append("")
                hidden.append(column.label)
            elif cell.value is None:
                # Why it is empty, when known (« Aucun billet vendu à ce moment : pas de multiplicateur »):
                # an empty cell read as a figure lost on the way.
                fields.append(spreadsheet_text(cell.why) if cell.why else "")
            elif cell.numeric:
                fields.append(_csv_number(cell, decimal))
            elif cell.kind == "month":
                fields.append(csv_month(cell.value, t))
            elif cell.kind == "day":
                fields.append(str(cell.value))
            else:
                fields.append(spreadsheet_text(cell.text))
        fields += [next((u for i in group if (u := unit_of(row, i))), "") for group in groups]
        if table.pooled:
            fields.append(", ".join(hidden))
        writer.writerow(fields)
    return "\ufeff" + out.getvalue()  # the BOM tells spreadsheets the file is UTF-8


def csv_response(text: str, filename: str) -> Response:
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
