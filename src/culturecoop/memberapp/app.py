"""The member app: a local page for people who do not use a terminal.

``culturecoop member serve`` runs it on the member's own machine, on the loopback address only:
drop an export, see the drafted mapping and a preview, fix the mapping in a form, prepare the
package locally, see the rows accepted and rejected with their reasons, and send the package
(and only the package) to the cooperative's API with the member's token. The raw export never
leaves the machine.

Guards, since any web page the member visits could try to talk to a local server: the app
answers only requests addressed to its own loopback host and port (no DNS rebinding), and every
form carries a per-run secret (no cross-site form posts).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from culturecoop.analytics import wording
from culturecoop.errors import UserError
from culturecoop.i18n import LANGUAGES, _, gettext_in, plural_in, set_language
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.profile import MappingIncompleteError, MappingInvalidError
from culturecoop.ingest.quarantine import DEFAULT_MAX_REJECT_SHARE
from culturecoop.ingest.words import REJECT_REASONS, say
from culturecoop.memberapp import form as mapping_form
from culturecoop.memberapp.advice import in_the_apps_words, said, spaced
from culturecoop.memberapp.coop import CoopClient
from culturecoop.memberapp.export_view import export_context
from culturecoop.memberapp.lists import PREVIEW_ROWS, add_list_routes, own_patrons, with_own_ids
from culturecoop.memberapp.outcomes import PARAMETER, Outcomes
from culturecoop.memberapp.value_words import REASONS_IN_FORM
from culturecoop.memberapp.workspace import EXPORT_SUFFIXES, Export, Workspace
from culturecoop.privacy.keys import load_member_keys
from culturecoop.reco.insights import lists_in_words

HERE = Path(__file__).parent
log = logging.getLogger("culturecoop.memberapp")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
# The longest text a form field takes: the mapping's YAML box (a mapping is a few kB), any other
# field (a column's name, a setting, the consent's basis).
LONGEST_YAML = 256 * 1024
LONGEST_FIELD = 2000
_CONTROL = {chr(c) for c in (*range(0x20), 0x7F)} - set("\t\r\n")

# Said to a member who has no terminal: who can connect the app, and with what (the cooperative's address
# and an API token created on the dashboard's Account page), not the command line's options.
NOT_CONNECTED = ("This app is not connected to the cooperative: ask whoever installed it to start it with the "
                 "cooperative's address and your token (created on your Account page of the cooperative's "
                 "dashboard).")


@dataclass
class MemberSettings:
    """What the app runs with (from `culturecoop member serve`)."""

    keys: Path
    work: Path
    port: int
    coop_url: str | None = None
    token: str | None = None
    member_id: str | None = None
    member_name: str | None = None
    kind: str = "other"
    region: str | None = None


class _Page:
    """Renders the app's templates in the reader's language."""

    def __init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))

    def __call__(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        lang = language(request)
        html = self.env.get_template(name).render(
            **context, lang=lang, _=lambda m: spaced(gettext_in(m, lang), lang), csrf=request.app.state.csrf,
            path=request.url.path, rules=REJECT_REASONS, number=lambda n: wording.number(n, lang),
            plural=lambda n, one, other: spaced(counted(n, one, other, lang), lang), moment=lambda v: wording.moment(v, lang),
            amounts=lambda by_currency: amounts(by_currency, lang), typo=lambda text: spaced(text, lang))
        return HTMLResponse(html, status_code=status)


def counted(n: int, one: str, other: str, lang: str) -> str:
    """``n`` things in the reader's words: « 0 événement », « 1 200 billets »
    (``culturecoop.i18n.plural_in``); other fields are left to ``.replace``."""
    return plural_in(int(n or 0), one, other, lang).replace("{n}", wording.number(n, lang))


def amounts(by_currency: dict[str, str] | None, lang: str) -> str:
    """Sums in several currencies (a package's ``{"EUR": "16.00"}``) in the reader's words:
    « 16,00 € », « 16,00 € + 12,00 $ CA »."""
    return " + ".join(wording.money(Decimal(value), lang, currency) for currency, value in (by_currency or {}).items())


def language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get("cc_lang") or ""
    if chosen in LANGUAGES:
        return chosen
    accepted = request.headers.get("accept-language", "")
    return "en" if accepted.lower().startswith("en") else "fr"


def create_member_app(settings: MemberSettings) -> FastAPI:
    """The member app for ``settings`` (keys checked at once: a missing key is one sentence)."""
    load_member_keys(settings.keys)
    workspace = Workspace(settings.work)
    coop = CoopClient(settings.coop_url, settings.token) if settings.coop_url and settings.token else None
    app = FastAPI(title="culturecoop member app", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.csrf = secrets.token_urlsafe(24)
    page = _Page()
    kept = Outcomes()
    hosts = {f"{h}:{settings.port}" for h in LOOPBACK}

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if request.headers.get("host", "") not in hosts:
            return Response("This app answers on its loopback address only.", status_code=400)
        set_language(language(request))
        try:
            response: Response = await call_next(request)
        except Exception as exc:  # the last guard: one sentence on the app's page, never a traceback
            response = unexpected(request, exc)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; form-action 'self'"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie("cc_lang", request.query_params["lang"], samesite="strict")
        return response

    def member() -> MemberInfo:
        member_id = settings.member_id
        if not member_id and coop is not None and settings.coop_url:
            try:
                member_id = coop.member()
                workspace.remember_member(settings.coop_url, member_id)
            except UserError:
                # Preparing is done on this computer: the member the cooperative named last time does,
                # when it cannot be reached now (sending will say so).
                member_id = workspace.remembered_member(settings.coop_url)
                if not member_id:
                    raise
        if not member_id:
            raise UserError(gettext_in(
                "Start the app with --member YOUR-ID (or with --coop and --token-file, which name your member).",
                language_now()))
        settings.member_id = member_id
        return MemberInfo(member_id, settings.member_name or member_id, settings.kind, settings.region)

    def home(request: Request, error: str | None = None, status: int = 200,
             recommended: dict[str, Any] | None = None, notice: str | None = None,
             listed: dict[str, Any] | None = None) -> HTMLResponse:
        return page(request, "home.html", {
            "exports": workspace.exports(), "error": error, "notice": notice, "suffixes": ", ".join(EXPORT_SUFFIXES),
            "coop_url": settings.coop_url, "member_id": settings.member_id, "work": settings.work,
            "connected": coop is not None, "not_connected": NOT_CONNECTED, "recommended": recommended, "has_recommendations": workspace.recommendations.is_file(),
            "listed": listed, "has_found_patrons": workspace.found_patrons.is_file(),
        }, status)

    def export_page(request: Request, export: Export, status: int = 200, **shown: Any) -> HTMLResponse:
        """The export's page (``export_view.export_context``: ``shown`` is what a refused form left)."""
        return page(request, "export.html", {
            **export_context(workspace, export, language(request), **shown),
            "coop_url": settings.coop_url, "member_id": settings.member_id}, status)

    def answered_home(fragment: str = "", **outcome: Any) -> RedirectResponse:
        """The home page showing ``outcome`` (``home``'s arguments), by a redirect (``outcomes``)."""
        return RedirectResponse(kept.address("/", {"home": outcome}, fragment), status_code=303)

    def refused(export: Export, status: int = 400, **outcome: Any) -> RedirectResponse:
        """The export's page showing ``outcome`` (``export_page``'s arguments: the sentence, what was
        typed), by a redirect (``outcomes``): reloading it does not send the form again."""
        return RedirectResponse(kept.address(f"/exports/{export.export_id}", {
            "export": export.export_id, "status": status, "shown": outcome}), status_code=303)

    async def posted(request: Request, keep: str | None = None) -> dict[str, Any]:
        """The form's fields, once its token and its texts are checked (every form goes through here);
        the file of the field ``keep`` stays open for the route, any other file is closed."""
        data = await request.form()
        try:
            if data.get("csrf") != app.state.csrf:
                raise _FormExpiredError
            for key, value in data.multi_items():
                if isinstance(value, str):
                    form_text_problem(key, value)
                elif key != keep:  # a file in a field that takes none: not kept (nor left open)
                    await value.close()
        except BaseException:
            await data.close()
            raise
        return dict(data)

    def unexpected(request: Request, exc: Exception) -> Response:
        incident = secrets.token_hex(4)
        # The exception's type and where, not its text: it may quote the export's personal data.
        log.error("incident %s: %s in %s %s", incident, type(exc).__name__, request.method, request.url.path)
        sentence = gettext_in("Something went wrong in the app (incident {incident}); go back to the home page and "
                              "try again, and tell the cooperative if it happens again.", language(request)
                              ).format(incident=incident)
        try:
            return home(request, sentence, 500)
        except Exception:  # the home page itself cannot be shown: the sentence alone
            return Response(sentence, status_code=500, media_type="text/plain; charset=utf-8")

    def answered_back(request: Request, sentence: str, status: int) -> Response:
        """``sentence`` for a request refused before its route answered: a form is answered by a
        redirect to the page it was sent from (its export's page, else the home page), whose own form
        carries this run's secret, so that reloading it does not send the refused form again; any
        other request by the home page."""
        parts = request.url.path.strip("/").split("/")
        if request.method != "POST":
            return home(request, sentence, status)
        if len(parts) == 3 and parts[0] == "exports":
            try:
                return refused(workspace.get(parts[1]), status, error=sentence)
            except UserError:
                pass  # no such export (deleted meanwhile): the home page says it
        return answered_home(error=sentence, status=status)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        return answered_back(request, exc.message, 404 if exc.exit_code == 5 else 400)

    @app.exception_handler(StarletteHTTPException)
    async def no_such_page(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # a form or a file the server could not read (cut, malformed)
            return answered_back(request, gettext_in(
                "The form could not be read (it was cut or malformed): send it again from this page.",
                language(request)), 400)
        # A mistyped or stale address (or a page reloaded after its form): the app's home, in words.
        return home(request, gettext_in(
            "This page does not exist in the app: here is its home page.",
            language(request)), exc.status_code if exc.status_code in (404, 405) else 400)

    @app.exception_handler(_FormExpiredError)
    async def forbidden(request: Request, exc: _FormExpiredError) -> Response:
        # The app was started again since the page was opened (a new secret): reloading the refused
        # answer would send the same stale form again; the page the redirect shows has a fresh one.
        return answered_back(request, gettext_in(
            "This form had expired (the app was started again since the page was opened): send it again from "
            "this page.", language(request)), 403)

    @app.get("/")
    def index(request: Request) -> HTMLResponse:
        outcome = kept.get(request.query_params.get(PARAMETER))
        return home(request, **outcome["home"]) if outcome and "home" in outcome else home(request)

    @app.get("/member.css")
    def stylesheet() -> FileResponse:
        return FileResponse(HERE / "static" / "member.css", media_type="text/css")

    @app.get("/member.js")
    def script() -> FileResponse:
        return FileResponse(HERE / "static" / "member.js", media_type="text/javascript")

    @app.get("/favicon.svg")
    @app.get("/favicon.ico")  # asked by browsers on every page whatever the page links
    def favicon() -> FileResponse:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.post("/exports")
    async def drop(request: Request) -> Response:
        data = await posted(request, keep="file")
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            return answered_home(error=gettext_in("Choose your export file first.", language(request)), status=400)
        try:
            if not upload.filename:
                return answered_home(error=gettext_in("Choose your export file first.", language(request)), status=400)
            export = workspace.add(upload.filename, upload.file, dt.datetime.now().isoformat(timespec="seconds"))
        except UserError as exc:
            return answered_home(error=exc.message, status=400)
        finally:
            await upload.close()
        return RedirectResponse(f"/exports/{export.export_id}", status_code=303)

    @app.get("/exports/{export_id}")
    def show(request: Request, export_id: str) -> HTMLResponse:
        export = workspace.get(export_id)
        outcome = kept.get(request.query_params.get(PARAMETER))
        if outcome and outcome.get("export") == export_id:
            return export_page(request, export, outcome["status"], **outcome["shown"])
        return export_page(request, export)

    @app.post("/exports/{export_id}/mapping")
    async def fix(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        data = await posted(request)
        if data.get("yaml") is not None and data.get("action") == "yaml":
            try:
                workspace.set_mapping_text(export, str(data["yaml"]))
            except UserError as exc:
                return refused(export, error=said(exc), typed_yaml=str(data["yaml"]))
            return RedirectResponse(f"/exports/{export_id}#check", status_code=303)
        typed = mapping_form.apply_form(export.mapping(), {k: str(v) for k, v in data.items() if isinstance(v, str)})
        sample = workspace.sample(export)
        try:
            mapping_form.form_problem(typed, *((sample.header, sample.rows) if sample is not None else ()))
            workspace.set_mapping(export, typed)
        except MappingInvalidError as exc:
            if isinstance(exc, MappingIncompleteError):
                return refused(export, error=exc.message, typed=typed)
            return refused(export, error=_("This mapping cannot be used: {problem}; correct it and apply it again."
                                           ).format(problem=mapping_form.in_form_words(exc.problem)), typed=typed)
        except UserError as exc:
            return refused(export, error=said(exc), typed=typed)
        return RedirectResponse(f"/exports/{export_id}#check", status_code=303)

    @app.post("/exports/{export_id}/prepare")
    async def prepare_package(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        data = await posted(request)
        share = 1.0 if data.get("quarantine_anyway") == "on" else DEFAULT_MAX_REJECT_SHARE
        try:
            workspace.prepare(export, member(), settings.keys, share)
        except UserError as exc:
            return refused(export, error=said(exc), ticked=share == 1.0)
        return RedirectResponse(f"/exports/{export_id}#package", status_code=303)

    @app.post("/exports/{export_id}/send")
    async def send(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        await posted(request)
        if coop is None:
            return refused(export, error=gettext_in(NOT_CONNECTED, language(request)))
        try:
            outcome = coop.send(member().member_id, workspace.archive(export))
        except UserError as exc:
            return refused(export, error=in_the_apps_words(exc.message))
        workspace.record_sent(export, outcome)
        return RedirectResponse(f"/exports/{export_id}#package", status_code=303)

    @app.post("/exports/{export_id}/delete")
    async def delete(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        await posted(request)
        workspace.remove(export)
        kept.forget()  # what was shown of it (typed values, patrons found in it) with it
        return answered_home(notice=gettext_in(
            "The export {name}, its mapping and its packages are deleted from this computer; what was sent stays at "
            "the cooperative.", language(request)).format(name=export.file_name))

    @app.post("/recommendations")
    async def recommendations(request: Request) -> Response:
        """Fetch the member's patron → events list from the cooperative (tokens) and put the member's
        own customer ids back, from the exports kept on this computer; the list stays here."""
        await posted(request)
        lang = language(request)
        if coop is None:
            return answered_home("recommendations", status=400, error=gettext_in(NOT_CONNECTED, lang))
        try:
            member_id = member().member_id
            rows, lists = coop.recommendations(member_id)
        except UserError as exc:
            return answered_home("recommendations", error=in_the_apps_words(exc.message), status=400)
        tokens = {str(r["member_patron_id"]).strip() for r in rows} - {""}
        found = own_patrons(tokens, workspace.exports(), member_id, load_member_keys(settings.keys).linkage_secret)
        if rows and not found.ids:
            return answered_home("recommendations", status=400, error=gettext_in(
                "None of the exports on this computer holds the ids of these patrons: drop the export you prepared "
                "and sent, then try again.", lang))
        header, table = with_own_ids(rows, found.ids, lang)
        workspace.save_recommendations([header, *table])
        in_words = lists_in_words(lists)
        summary = {"rows": len(rows), "patrons": len(tokens), "unmatched": len(tokens - set(found.ids)),
                   "file": found.found_in[0][0].file_name if found.found_in else None,
                   "column": found.found_in[0][1] if found.found_in else None, "header": header,
                   "preview": [[*row[:-1], _start_said(row[-1], lang)] for row in table[:PREVIEW_ROWS]],
                   "lists": in_words[0].text(lang) if in_words is not None else None,
                   "lists_measures": in_words[1].text(lang) if in_words is not None else None}
        return answered_home("recommendations", recommended=summary)

    @app.get("/recommendations.csv")
    def recommendations_csv() -> Response:
        if not workspace.recommendations.is_file():
            raise UserError(gettext_in("There is no recommendation list yet: fetch it first.", language_now()), exit_code=5)
        return FileResponse(workspace.recommendations, media_type="text/csv",
                            filename=gettext_in("recommendations.csv", language_now()))

    add_list_routes(app, workspace, settings.keys, lambda: member().member_id, answered_home, posted)

    @app.get("/exports/{export_id}/package.zip")
    def package_zip(export_id: str) -> Response:
        """The last package, zipped, for the member who drops it on the dashboard's Data page."""
        export = workspace.get(export_id)
        zipped = workspace.archive(export, ".zip")  # refuses in one sentence: none prepared, or an old one
        name = gettext_in("{name}-package.zip", language_now()).format(name=Path(export.file_name).stem)
        return FileResponse(zipped, media_type="application/zip", headers={
            "Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"})

    @app.get("/exports/{export_id}/rejects.csv")
    def rejects(export_id: str) -> Response:
        export = workspace.get(export_id)
        path = export.rejects
        if path is None or not path.is_file():
            raise UserError(gettext_in("There are no rejected rows to download.", language_now()), exit_code=5)
        lang = language_now()
        name = gettext_in("{name}-rejected-rows.csv", lang).format(name=Path(export.file_name).stem)
        return Response(_rejects_for_a_spreadsheet(path, lang), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"})

    return app


def form_text_problem(key: str, value: str) -> None:
    """Refuse (``UserError``, one sentence) a form's text no field takes: longer than the field's
    limit, or holding a control character (a NUL, an escape), which no column name, setting or
    mapping has and which the services downstream would stumble on."""
    limit = LONGEST_YAML if key == "yaml" else LONGEST_FIELD
    if len(value) > limit:
        raise UserError(_("A field of the form is too long (more than {n} characters); shorten it and send the form "
                          "again.").format(n=wording.number(limit, language_now())))
    if not value.isprintable() and any(c in _CONTROL for c in value):
        raise UserError(_("A field of the form holds a control character (such as NUL) that no mapping or setting "
                          "takes; remove it and send the form again."))


class _FormExpiredError(Exception):
    """A form posted without this run's secret."""


def language_now() -> str:
    from culturecoop.i18n import current_language

    return current_language()


def _start_said(start: str, lang: str) -> str:
    """A recommended event's start as the page writes times (« 4 déc. 2026 à 20 h 00 »), its day
    alone when the list knows no time; the CSV keeps ``2026-12-04 20:00`` for spreadsheets."""
    if not start:
        return ""
    return wording.day(start, lang) if len(start) == 10 else wording.moment(start, lang)


def _rejects_for_a_spreadsheet(path: Path, lang: str) -> bytes:
    """The rejected rows as the member opens them in a spreadsheet: the columns named in their
    language, as ``prepare`` names them (``ingest.rejects``), the reasons in words only (the rules'
    codes are for programs), said again in the page's language (the file may have been prepared in
    the other), and the signature that makes Excel read the accents. The raw lines are kept as
    ``prepare`` wrote them (made inert there)."""
    import csv
    import io

    from culturecoop.ingest.rejects import names_records, read_rejects, rejects_header

    rows = read_rejects(path)
    reasons = {**REJECT_REASONS, **REASONS_IN_FORM}  # a reason that names a YAML key: the form's list that settles it
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rejects_header(lang, ("line", "explanation", "raw_line"), records=names_records(path)))
    for row in rows:
        codes = [code for code in row.get("reasons", "").split(";") if code]
        said = "; ".join(say(reasons, code, lang) for code in codes) if codes else row.get("explanation", "")
        writer.writerow([row.get("line", ""), said, row.get("raw_line", "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
