"""Report tabs and the report API: thin — read the question, ask the answers, lay them out, respond
as a page, JSON, CSV or a printable summary."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field

from culturecoop.analytics.registry import REPORTS, report_choices
from culturecoop.analytics.segments import SEGMENTS
from culturecoop.analytics.service import COOPERATIVE_WIDE, segment_patrons
from culturecoop.governance.uploads import member_names
from culturecoop.spreadsheet import spreadsheet_text
from culturecoop.web.deps import AnswersDep, MemberReader, Principal, WarehouseDep
from culturecoop.web.errors import WebError
from culturecoop.web.i18n import Translator, _, retranslate, translate_exact
from culturecoop.web.params import FromQuery, ToQuery, check_period
from culturecoop.web.render import csv_response, csv_text, render, request_language
from culturecoop.web.tab_pages import (
    REPLAY_DAYS,
    clean_query,
    payload,
    tab_body,
    tab_payloads,
    view_of,
)
from culturecoop.web.tabs import TABS, Tab
from culturecoop.web.views.period import read_period

router = APIRouter()

EventQuery = Annotated[str | None, Query(max_length=200, description="Event of the sales-pace report.")]


class ReportPublic(BaseModel):
    report: str = Field(description="Name of the report.")
    member_id: str
    params: dict[str, Any]
    aggregate: bool = Field(description="True when the figures cross members: aggregates released by the privacy gate.")
    result: dict[str, Any] = Field(description="The analytics service's answer (see the report's documentation).")


class ReportsPublic(BaseModel):
    data: list[str]
    count: int


def actor_of(principal: Principal) -> str:
    """Who the audit log records as asking: the account's random identifier, never its e-mail."""
    return f"web:{principal.account.account_id}"


@router.get("/api/v1/members/{member_id}/reports", response_model=ReportsPublic, tags=["reports"])
def list_reports(member_id: str, principal: MemberReader) -> dict[str, Any]:
    """The reports a member can run."""
    return {"data": list(REPORTS), "count": len(REPORTS)}


@router.get("/api/v1/members/{member_id}/reports/{name}", response_model=ReportPublic, tags=["reports"])
def get_report(request: Request, member_id: str, name: str, principal: MemberReader, warehouse: WarehouseDep,
               answers: AnswersDep, from_: FromQuery = None, to: ToQuery = None,
               event: EventQuery = None) -> dict[str, Any]:
    """One report for the member; cross-member figures are aggregates released by the privacy gate."""
    if name not in REPORTS:
        raise WebError(404, _("Unknown report {name}; use one of {names}."), name=name,
                       names=report_choices(request_language(request)))
    if event is not None and "event" not in REPORTS[name].extra_params:
        # Answered as if it were not there, the caller read an overview as that event's figures.
        raise WebError(400, _("The parameter event chooses the show of the sales pace (report pace); the report "
                              "{name} takes none: leave event out."), name=name)
    check_period(from_, to)
    params = {"from": from_, "to": to, "event": event}
    result = answers.answer(warehouse, member_id, name, params, actor=actor_of(principal))
    return payload(member_id, name, params, words_in(result, request_language(request)))


def words_in(result: dict[str, Any], language: str) -> dict[str, Any]:
    """A report's answer with its sentences — title, notes, tables' titles, columns' meanings, which
    the service wrote in the server's language — in ``language``; its figures and codes as they are
    (a copy: the answer cache keeps the service's)."""
    said = dict(result)
    if isinstance(said.get("title"), str):
        said["title"] = translate_exact(said["title"], language)
    if isinstance(said.get("notes"), list):
        said["notes"] = [retranslate(str(note), language) for note in said["notes"]]
    if isinstance(said.get("titles"), dict):
        said["titles"] = {k: translate_exact(str(v), language) for k, v in said["titles"].items()}
    if isinstance(said.get("column_meanings"), dict):
        said["column_meanings"] = {table: {k: translate_exact(str(v), language) for k, v in columns.items()}
                                   for table, columns in said["column_meanings"].items() if isinstance(columns, dict)}
    return said


def _question(request: Request, answers: AnswersDep, warehouse: WarehouseDep, member_id: str,
              tab: Tab | None = None) -> tuple[dict[str, str], Any, Translator]:
    t = Translator(request_language(request))
    query = clean_query(request.query_params)
    # The periods offered end on the member's own last sale, as its reports do (not on a
    # cooperative-wide tab's, whose figures run to the cooperative's).
    whole_cooperative = tab is not None and all(r in COOPERATIVE_WIDE for r in tab.reports)
    form = read_period(query, answers.coverage(warehouse, None if whole_cooperative else member_id), t,
                       None if whole_cooperative else answers.default_period(warehouse, member_id))
    return {**form.query(), **{k: v for k, v in query.items() if k in ("event", "days")}}, form, t


def _period_stands(form: Any) -> None:
    """A download (the tab's JSON, a table's CSV) answers the period asked for or none: a date it
    cannot read is refused (422) with the sentence the page shows beside its field, never the default
    period's figures under the asked period's name. The page itself shows the default period meanwhile."""
    if form.errors:
        message = next(iter(form.errors.values()))
        raise WebError(422, _("The period cannot be read: {reason}"), reason=message)


def _tab_routes(tab: Tab) -> None:
    def page(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
             answers: AnswersDep) -> Response:
        query, form, t = _question(request, answers, warehouse, member_id, tab)
        body = tab_body(answers, warehouse, actor_of(principal), member_id, tab, form.params, t.language, query)
        return render(request, "report.html", {"tab": tab, "body": Markup(body), "member_id": member_id,
                                               "form": form, "query": query, "active": tab.slug,
                                               "replay_days": REPLAY_DAYS})

    def page_json(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                  answers: AnswersDep) -> Response:
        query, form, t = _question(request, answers, warehouse, member_id, tab)
        _period_stands(form)
        payloads = tab_payloads(answers, warehouse, actor_of(principal), member_id, tab, form.params, t.language, query)
        assert payloads is not None
        view = view_of(tab, payloads, member_id, t, query)
        said = {name: {**p, "result": words_in(p["result"], t.language)} for name, p in payloads.items()}
        return JSONResponse({"tab": tab.slug, "period": form.params, "insights": view.insights,
                             "silence": view.silence, "reports": said})

    def page_csv(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                 answers: AnswersDep, table: Annotated[str, Query(max_length=80)]) -> Response:
        query, form, t = _question(request, answers, warehouse, member_id, tab)
        _period_stands(form)
        payloads = tab_payloads(answers, warehouse, actor_of(principal), member_id, tab, form.params, t.language, query)
        assert payloads is not None
        found = view_of(tab, payloads, member_id, t, query).table(table)
        if found is None:
            raise WebError(404, _("This tab has no table {table} for this period; download it from the page."), table=table)
        return csv_response(csv_text(found, t), f"{member_id}-{table}.csv")

    def page_print(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                   answers: AnswersDep) -> Response:
        query, form, t = _question(request, answers, warehouse, member_id, tab)
        payloads = tab_payloads(answers, warehouse, actor_of(principal), member_id, tab, form.params, t.language, query)
        assert payloads is not None
        view = view_of(tab, payloads, member_id, t, query, member_names(warehouse).get(member_id))
        return render(request, "print.html", {"tab": tab, "view": view,
                                              "member_id": member_id, "query": query, "printable": True})

    for handler, suffix in ((page_json, ".json"), (page_csv, ".csv"), (page_print, "/print"), (page, "")):
        handler.__name__ = f"tab_{tab.slug}_{suffix.strip('./') or 'page'}"
        router.add_api_route(f"/m/{{member_id}}/{tab.slug}{suffix}", handler, methods=["GET"], include_in_schema=False)


for _tab in TABS:
    _tab_routes(_tab)


@router.get("/m/{member_id}/segments/{segment}/patrons.csv", include_in_schema=False)
def segment_patrons_csv(request: Request, member_id: str, segment: str, principal: MemberReader,
                        warehouse: WarehouseDep, answers: AnswersDep) -> Response:
    """The member's own patrons of one segment, as the tokens its packages carried (own data only):
    the member app puts the member's own customer ids back on its machine. A segment that is none
    (an address typed by hand) is named among the segments in words; a period it cannot read is
    refused, never answered with the default period's patrons."""
    _query, form, t = _question(request, answers, warehouse, member_id)
    if segment not in SEGMENTS:
        raise WebError(404, _("There is no segment “{segment}”: download the list of one of your segments ({names}) "
                              "from the Segments tab."), segment=segment, names=t.any_of("segment", SEGMENTS))
    _period_stands(form)
    answers.state(warehouse)  # derived tables fresh before the read
    ids = segment_patrons(warehouse, member_id, form.params, segment)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[t("Patron token")], *([spreadsheet_text(i)] for i in ids)])
    return csv_response("\ufeff" + out.getvalue(), f"{member_id}-{segment}-patrons.csv")
