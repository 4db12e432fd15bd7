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
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
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
from culturecoop.i18n import LANGUAGES, _, format_regex, gettext_in, plural_in, set_language
from culturecoop.ingest.consent import POOLING_UNSET
from culturecoop.ingest.draft import ATTENDEE_LIST, POOLING_UNDECIDED
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.profile import MappingIncompleteError, MappingInvalidError
from culturecoop.ingest.quarantine import DEFAULT_MAX_REJECT_SHARE
from culturecoop.ingest.words import QUARANTINE_ANYWAY, REJECT_REASONS, TICKET_STATUSES, say
from culturecoop.memberapp import form as mapping_form
from culturecoop.memberapp.coop import CoopClient
from culturecoop.memberapp.lists import PREVIEW_ROWS, add_list_routes, with_own_ids
from culturecoop.memberapp.workspace import EXPORT_SUFFIXES, Export, Workspace
from culturecoop.privacy.keys import load_member_keys
from culturecoop.reco.ids import own_ids
from culturecoop.reco.insights import lists_in_words

HERE = Path(__file__).parent
log = logging.getLogger("culturecoop.memberapp")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
# The longest text a form field takes: the mapping's YAML box (a mapping is a few kB), any other
# field (a column's name, a setting, the consent's basis).
LONGEST_YAML = 256 * 1024
LONGEST_FIELD = 2000
_CONTROL = {chr(c) for c in (*range(0x20), 0x7F)} - set("\t\r\n")


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
            **context, lang=lang, _=lambda m: gettext_in(m, lang), csrf=request.app.state.csrf,
            path=request.url.path, rules=REJECT_REASONS, number=lambda n: wording.number(n, lang),
            plural=lambda n, one, other: counted(n, one, other, lang), moment=lambda v: wording.moment(v, lang))
        return HTMLResponse(html, status_code=status)


def counted(n: int, one: str, other: str, lang: str) -> str:
    """``n`` things in the reader's words: « 0 événement », « 1 200 billets »
    (``culturecoop.i18n.plural_in``); other fields are left to ``.replace``."""
    return plural_in(int(n or 0), one, other, lang).replace("{n}", wording.number(n, lang))


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
            "recommended": recommended, "has_recommendations": workspace.recommendations.is_file(),
            "listed": listed, "has_found_patrons": workspace.found_patrons.is_file(),
        }, status)

    def export_page(request: Request, export: Export, error: str | None = None, status: int = 200,
                    notice: str | None = None, typed: dict[str, Any] | None = None,
                    typed_yaml: str | None = None) -> HTMLResponse:
        """The export's page; ``typed`` (the form as sent) or ``typed_yaml`` (the YAML box as sent) fill
        the form when what was sent was refused, so that nothing typed is lost to the error."""
        mapping = export.mapping()
        check, check_error, preview, incomplete = None, None, [], None
        fields = mapping_form.field_rows(mapping)
        shown = typed if typed is not None else mapping
        try:
            preview = mapping_form.preview_cells(workspace.preview(export), [f.name for f in fields if f.read],
                                                 language(request))
            # Once a package was prepared with the box ticked, the check reads the export as it was
            # prepared: not a red « nothing was written » above the package that was.
            check = workspace.check(export, float(export.state.get("max_reject_share") or DEFAULT_MAX_REJECT_SHARE)
                                    if export.package_is_current else DEFAULT_MAX_REJECT_SHARE)
        except MappingIncompleteError as exc:
            # Nothing can be prepared: the sentence says what to choose or what to export instead.
            check_error, incomplete = exc.message, exc
        except UserError as exc:
            check_error = said(exc) if isinstance(exc, MappingInvalidError) else (
                _settings_misread(export, mapping) or said(exc))
        warnings, undecided = _said_for_the_form(mapping, check.warnings if check else [],
                                                 export.state.get("undecided") or [])
        if incomplete is not None and incomplete.kind == "attendee_list":
            # The check's sentence already says what to export instead: not twice.
            undecided = [u for u in undecided if u not in {gettext_in(ATTENDEE_LIST, each) for each in LANGUAGES}]
        # A guess an open question above already asks about (it names the same field) is not said twice.
        header, sample_rows = _sample(export)
        guessed = [g for g in mapping_form.guesses(export.state.get("decisions") or [], mapping)
                   if not any(_("“{label}”").format(label=g.about) in u for u in undecided)]
        if error == check_error:  # the check below already says it, where the reader looks for it
            error = None
        return page(request, "export.html", {
            "export": export, "mapping": shown, "error": error,
            "mapping_text": typed_yaml if typed_yaml is not None else export.mapping_text(), "yaml_open": typed_yaml is not None,
            "notice": notice, "check": check, "check_error": check_error, "preview": preview,
            "warnings": warnings, "undecided": undecided,
            "fields": fields, "form_fields": mapping_form.field_rows(shown), "columns": [c for c in header if c],
            "statuses": mapping_form.status_rows(shown, header, sample_rows),
            "status_words": {k: gettext_in(v, language(request)) for k, v in TICKET_STATUSES.items()},
            "settings": mapping_form.settings_of(shown), "consent": mapping_form.consent_of(shown),
            "choices": mapping_form.CHOICES, "one_value_fields": mapping_form.ONE_VALUE_FIELDS, "choice_labels": mapping_form.choice_labels(),
            "setting_labels": mapping_form.setting_labels(), "keep": mapping_form.KEEP, "summary": export.state.get("summary"),
            "sent": export.state.get("sent"), "coop_url": settings.coop_url,
            "package": export.package, "package_is_current": export.package_is_current, "member_id": settings.member_id,
            "can_prepare": incomplete is None, "quarantine_anyway": QUARANTINE_ANYWAY,
            "settings_shown": mapping_form.settings_for(export.source),
            "guesses": guessed, "guessed_fields": {g.field for g in guessed if g.field},
        }, status)

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

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        status = 404 if exc.exit_code == 5 else 400
        return home(request, exc.message, status)

    @app.exception_handler(StarletteHTTPException)
    async def no_such_page(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # a form or a file the server could not read (cut, malformed)
            return home(request, gettext_in(
                "The form could not be read (it was cut or malformed); reload the page and send it again.",
                language(request)), 400)
        # A mistyped or stale address (or a page reloaded after its form): the app's home, in words.
        return home(request, gettext_in(
            "This page does not exist in the app: here is its home page.",
            language(request)), exc.status_code if exc.status_code in (404, 405) else 400)

    @app.exception_handler(_FormExpiredError)
    async def forbidden(request: Request, exc: _FormExpiredError) -> Response:
        return home(request, gettext_in("This form has expired; reload the page and try again.", language(request)), 403)

    @app.get("/")
    def index(request: Request) -> HTMLResponse:
        return home(request)

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
            return home(request, gettext_in("Choose your export file first.", language(request)), 400)
        try:
            if not upload.filename:
                return home(request, gettext_in("Choose your export file first.", language(request)), 400)
            export = workspace.add(upload.filename, upload.file, dt.datetime.now().isoformat(timespec="seconds"))
        except UserError as exc:
            return home(request, exc.message, 400)
        finally:
            await upload.close()
        return RedirectResponse(f"/exports/{export.export_id}", status_code=303)

    @app.get("/exports/{export_id}")
    def show(request: Request, export_id: str) -> HTMLResponse:
        return export_page(request, workspace.get(export_id))

    @app.post("/exports/{export_id}/mapping")
    async def fix(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        data = await posted(request)
        if data.get("yaml") is not None and data.get("action") == "yaml":
            try:
                workspace.set_mapping_text(export, str(data["yaml"]))
            except UserError as exc:
                return export_page(request, export, said(exc), 400, typed_yaml=str(data["yaml"]))
            return RedirectResponse(f"/exports/{export_id}#check", status_code=303)
        typed = mapping_form.apply_form(export.mapping(), {k: str(v) for k, v in data.items() if isinstance(v, str)})
        try:
            mapping_form.form_problem(typed, *_sample(export))
            workspace.set_mapping(export, typed)
        except MappingInvalidError as exc:
            if isinstance(exc, MappingIncompleteError):
                return export_page(request, export, exc.message, 400, typed=typed)
            return export_page(request, export, _("This mapping cannot be used: {problem}; correct it and apply it "
                                                  "again.").format(problem=mapping_form.in_form_words(exc.problem)),
                               400, typed=typed)
        except UserError as exc:
            return export_page(request, export, said(exc), 400, typed=typed)
        return RedirectResponse(f"/exports/{export_id}#check", status_code=303)

    @app.post("/exports/{export_id}/prepare")
    async def prepare_package(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        data = await posted(request)
        share = 1.0 if data.get("quarantine_anyway") == "on" else DEFAULT_MAX_REJECT_SHARE
        try:
            workspace.prepare(export, member(), settings.keys, share)
        except UserError as exc:
            return export_page(request, export, said(exc), 400)
        return RedirectResponse(f"/exports/{export_id}#package", status_code=303)

    @app.post("/exports/{export_id}/send")
    async def send(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        await posted(request)
        if coop is None:
            return export_page(request, export, gettext_in(
                "No cooperative is set: start the app with --coop URL --token-file FILE, or upload the package on "
                "your Data page.", language(request)), 400)
        try:
            outcome = coop.send(member().member_id, workspace.archive(export))
        except UserError as exc:
            return export_page(request, export, in_the_apps_words(exc.message), 400)
        workspace.record_sent(export, outcome)
        return RedirectResponse(f"/exports/{export_id}#package", status_code=303)

    @app.post("/exports/{export_id}/delete")
    async def delete(request: Request, export_id: str) -> Response:
        export = workspace.get(export_id)
        await posted(request)
        workspace.remove(export)
        return home(request, notice=gettext_in(
            "The export {name}, its mapping and its packages are deleted from this computer; what was sent stays at "
            "the cooperative.", language(request)).format(name=export.file_name))

    @app.post("/recommendations")
    async def recommendations(request: Request) -> Response:
        """Fetch the member's patron → events list from the cooperative (tokens) and put the member's
        own customer ids back, from the exports kept on this computer; the list stays here."""
        await posted(request)
        lang = language(request)
        if coop is None:
            return home(request, gettext_in("No cooperative is set: start the app with --coop URL --token-file FILE to fetch your recommendations.", lang), 400)
        try:
            member_id = member().member_id
            rows, lists = coop.recommendations(member_id)
        except UserError as exc:
            return home(request, in_the_apps_words(exc.message), 400)
        tokens = {str(r["member_patron_id"]) for r in rows}
        file_of = {e.source: e.file_name for e in workspace.exports()}
        found = own_ids(tokens, list(file_of), member_id, load_member_keys(settings.keys).linkage_secret)
        if rows and not found.ids:
            return home(request, gettext_in("None of the exports on this computer holds the ids of these patrons: drop the export you prepared and sent, then try again.", lang), 400)
        header, table = with_own_ids(rows, found.ids, lang)
        workspace.save_recommendations([header, *table])
        in_words = lists_in_words(lists)
        summary = {"rows": len(rows), "patrons": len(tokens), "unmatched": len(tokens - set(found.ids)),
                   "file": file_of.get(found.export) if found.export else None,
                   "column": found.column, "header": header,
                   "preview": [[*row[:-1], _start_said(row[-1], lang)] for row in table[:PREVIEW_ROWS]],
                   "lists": in_words[0].text(lang) if in_words is not None else None,
                   "lists_measures": in_words[1].text(lang) if in_words is not None else None}
        return home(request, recommended=summary)

    @app.get("/recommendations.csv")
    def recommendations_csv() -> Response:
        if not workspace.recommendations.is_file():
            raise UserError(gettext_in("There is no recommendation list yet: fetch it first.", language_now()), exit_code=5)
        return FileResponse(workspace.recommendations, media_type="text/csv",
                            filename=gettext_in("recommendations.csv", language_now()))

    add_list_routes(app, workspace, settings.keys, lambda: member().member_id, home, posted)

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


def said(exc: UserError) -> str:
    """A service's error as this app says it. A mapping that cannot be used is the form's (or the
    YAML box's) to correct here: no file name, no « run prepare again » of the command line."""
    if isinstance(exc, MappingInvalidError) and not isinstance(exc, MappingIncompleteError):
        return _("This mapping cannot be used: {problem}; correct it and apply it again.").format(problem=exc.problem)
    return in_the_apps_words(exc.message)


def _rewordings(t: Callable[[str], str]) -> list[tuple[str, str]]:
    """Advice the services give for the command line or the mapping's YAML, and what this page says
    instead: its box, its form's sections (the reader of this page has neither a terminal nor YAML);
    each in the language of ``t``."""
    return [
        (t("No column gives the events' dates: the cooperative will date each event by its last sale, so no event "
           "will be upcoming and sales paces end on that day. If a column gives the show's date, choose it for "
           "{field}; if your ticketing can add the event's date to this export, add it."),
         t("No column gives the events' dates: the cooperative will date each event by its last sale, so no event "
           "will be upcoming and sales paces end on that day. If a column gives the show's date, choose it for "
           "{field}; for an export of one event, write its date once in the form, beside {field}.")),
        (t("or, to set them aside anyway, tick “{box}” (or run prepare again with --max-reject-share 1)"),
         t("or, to set them aside anyway, tick “{box}” above the button “Prepare the package”")),
        (t("say what «{value}» means in the mapping's YAML: add `status_values: {{{value}: sold}}` (or "
           "refunded, cancelled, exchanged)"),
         t("choose what «{value}» means under “What the ticket statuses mean” in the form below")),
        (t("No recommendation model is trained yet: run `culturecoop reco train --db FILE` first."),
         t("the cooperative has not computed recommendations yet (it does so once its members' packages are "
           "loaded); try again later, or ask the cooperative when they will be ready.")),
        (t("The ticket statuses {labels} are not words the draft knows: in the mapping's YAML, add each under "
           "`status_values` as sold, refunded, cancelled or exchanged."),
         t("The ticket statuses {labels} are not words the draft knows: choose what each means under “What the "
           "ticket statuses mean” in the form below.")),
    ]


def in_the_apps_words(message: str) -> str:
    """``message`` with each piece of command-line or YAML advice (``_rewordings``) said as this page
    says it, its figures and words kept; the advice is recognised in any language (the cooperative
    may answer in its own) and said in the reader's."""
    ours_now = [ours for _theirs, ours in _rewordings(_)]
    for pattern, which in _advice_patterns():
        message = pattern.sub(_said_as(ours_now[which]), message)
    return message


@cache
def _advice_patterns() -> list[tuple[re.Pattern[str], int]]:
    """Each piece of advice ``_rewordings`` rewords, as every language writes it: its regex, and
    which rewording it is (made once: every page says its warnings through them)."""
    return [(re.compile(format_regex(theirs)[0]), which) for lang in LANGUAGES
            for which, (theirs, _ours) in enumerate(_rewordings(partial(gettext_in, language=lang)))]


def _said_as(ours: str) -> Callable[[re.Match[str]], str]:
    """The replacement of a match by ``ours``, its fields filled with what the match found."""
    return lambda found: ours.format(**found.groupdict())


def _said_for_the_form(mapping: dict[str, Any], warnings: list[str], undecided: list[str]) -> tuple[list[str], list[str]]:
    """The check's warnings and the draft's open questions as this app should say them. The draft
    and the check tell a mapping file's author to write ``consent_defaults`` in YAML; here the form
    has a section for it. And the draft's questions were asked when the export was added: pooling
    consent set in the form since is no longer an open question."""
    in_yaml = {gettext_in(m, each) for m in (POOLING_UNDECIDED, POOLING_UNSET) for each in LANGUAGES}
    decided = "pooling" in (mapping.get("consent_defaults") or {}) or "consent_pooling" in (mapping.get("columns") or {})
    in_form = _("Nothing in this export says whether your patrons agreed to pooling: until you choose "
                "\"given\" for pooling in the consent section below, with its basis (if your terms of "
                "sale say so), none of them counts in the cooperative's pooled figures.")
    said = [in_form if w in in_yaml else in_the_apps_words(w) for w in warnings]
    asked = [in_form if u in in_yaml else in_the_apps_words(u) for u in undecided if not (decided and u in in_yaml)]
    return said, [u for u in asked if u not in said]


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

    from culturecoop.ingest.rejects import read_rejects, rejects_header

    rows = read_rejects(path)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rejects_header(lang, ("line", "explanation", "raw_line")))
    for row in rows:
        codes = [code for code in row.get("reasons", "").split(";") if code]
        said = "; ".join(say(REJECT_REASONS, code, lang) for code in codes) if codes else row.get("explanation", "")
        writer.writerow([row.get("line", ""), said, row.get("raw_line", "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _settings_misread(export: Export, mapping: dict[str, Any]) -> str | None:
    """Why the export cannot be read, when a setting of the form is not what the file is written with
    (its encoding, its column separator, the lines above its column names): said with the form's
    words and the value to choose, instead of the reader's advice to edit a mapping file."""
    from culturecoop.ingest.sniff import sniff

    try:
        found = sniff(export.source).settings
    except UserError:
        return None
    names = mapping_form.setting_labels()
    encodings = mapping_form.choice_labels()["encoding"]
    separators = {",": _("a comma (,)"), ";": _("a semicolon (;)"), "\t": _("a tab"), "|": _("a vertical bar (|)")}

    def worded(key: str, value: Any) -> str:
        if key == "encoding":
            return encodings.get(str(value), str(value))
        if key == "delimiter":
            return separators.get(str(value), f"« {value} »" if language_now() == "fr" else f"“{value}”")
        return wording.number(int(value), language_now())

    said_wrong = []
    for key in ("encoding", "delimiter", "skip_lines"):
        if key not in found:
            continue
        chosen, written = mapping.get(key, 0 if key == "skip_lines" else None), found[key]
        if key == "encoding" and {str(chosen), str(written)} <= {"utf-8", "utf-8-sig"}:
            continue  # the same text, with or without its signature
        if key == "skip_lines" and str(chosen).isdigit():
            chosen = int(str(chosen))
        if chosen is None or chosen == written:
            continue
        if key == "skip_lines":
            said_wrong.append(_("“{setting}” is {chosen}, but this file has {found}: write {found}.").format(
                setting=names[key][0], chosen=worded(key, chosen) if isinstance(chosen, int) else str(chosen),
                found=worded(key, written)))
        else:
            said_wrong.append(_("“{setting}” is {chosen}, but this file is written with {found}: choose {found}.").format(
                setting=names[key][0], chosen=worded(key, chosen), found=worded(key, written)))
    if not said_wrong:
        return None
    return " ".join([_("This export cannot be read with the settings of the form below."), *said_wrong,
                     _("Then apply and check again.")])


def _sample(export: Export) -> tuple[list[str], list[list[str | None]]]:
    """The export's column names and first rows, as the draft found them (none for JSON lines)."""
    from culturecoop.ingest.sniff import sniff

    try:
        found = sniff(export.source)
    except UserError:
        return [], []
    return found.header, found.rows
