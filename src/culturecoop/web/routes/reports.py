"""Report tabs (pages) and the report API: one service call, rendered as a page or returned as JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field

from culturecoop.errors import UserError
from culturecoop.i18n import LANGUAGES
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import MemberReader, Principal, WarehouseDep
from culturecoop.web.errors import WebError
from culturecoop.web.i18n import Translator, _, retranslate
from culturecoop.web.layout import build_tab_view
from culturecoop.web.render import render, render_fragment, request_language
from culturecoop.web.reports import (
    POOLED_REPORTS,
    REPORTS,
    TABS,
    Tab,
    answers_digest,
    preview_report,
    run_report,
    to_jsonable,
)
from culturecoop.web.reports import cache as report_cache

router = APIRouter()

FromQuery = Annotated[date | None, Query(alias="from", description="First day of the period (YYYY-MM-DD).")]
ToQuery = Annotated[date | None, Query(description="Last day of the period (YYYY-MM-DD).")]
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


def _params(from_: date | None, to: date | None, event: str | None) -> dict[str, Any]:
    if from_ and to and from_ > to:
        raise WebError(400, _("The period starts after it ends ({start} > {end}); swap the dates."),
                       start=from_.isoformat(), end=to.isoformat())
    return {"from": from_, "to": to, "event": event}


def report_payload(warehouse: Warehouse, principal: Principal | str, member_id: str, name: str,
                   params: dict[str, Any]) -> dict[str, Any]:
    """What the API returns for one report; pages render exactly this. ``principal`` may be
    the audit actor itself (the warm-up, which asks only member-only reports)."""
    actor = principal if isinstance(principal, str) else f"web:{principal.account.account_id}"
    return _payload(member_id, name, params, run_report(warehouse, member_id, name, params, actor=actor))


def _payload(member_id: str, name: str, params: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    return {"report": name, "member_id": member_id, "params": to_jsonable(params),
            "aggregate": name in POOLED_REPORTS, "result": result}


@router.get("/api/v1/members/{member_id}/reports", response_model=ReportsPublic, tags=["reports"])
def list_reports(member_id: str, principal: MemberReader) -> dict[str, Any]:
    """The reports a member can run."""
    return {"data": list(REPORTS), "count": len(REPORTS)}


@router.get("/api/v1/members/{member_id}/reports/{name}", response_model=ReportPublic, tags=["reports"])
def get_report(member_id: str, name: str, principal: MemberReader, warehouse: WarehouseDep,
               from_: FromQuery = None, to: ToQuery = None, event: EventQuery = None) -> dict[str, Any]:
    """One report for the member; cross-member figures are aggregates released by the privacy gate."""
    if name not in REPORTS:
        raise WebError(404, _("Unknown report {name}; use one of {names}."), name=name, names=", ".join(REPORTS))
    return report_payload(warehouse, principal, member_id, name, _params(from_, to, event))


def tab_payloads(warehouse: Warehouse, principal: Principal | str, member_id: str, tab: Tab,
                 params: dict[str, Any], language: str, *, preview_state: str | None = None) -> dict[str, Any] | None:
    """Every report of a tab; a report that cannot answer (empty period...) says why instead.

    With ``preview_state`` (the warm-up, default period only), cross-member reports are the
    gate's previews, never released: None when there is no preview (noise on)."""
    payloads: dict[str, Any] = {}
    for name in tab.reports:
        try:
            if preview_state is not None and name in POOLED_REPORTS:
                result = preview_report(warehouse, member_id, name, preview_state)
                if result is None:
                    return None
                payloads[name] = _payload(member_id, name, params, result)
            else:
                payloads[name] = report_payload(warehouse, principal, member_id, name, params)
        except UserError as exc:
            payloads[name] = {"report": name, "member_id": member_id, "error": retranslate(exc.message, language),
                              "result": {"available": True, "error": retranslate(exc.message, language)}}
    return payloads


def _body_key(member_id: str, tab: Tab, params: dict[str, Any], state: str, language: str) -> tuple[str, ...]:
    """A tab body's key: the same answers (member, parameters, data and policy) in one language."""
    return (member_id, tab.slug, json.dumps(to_jsonable(params), sort_keys=True), state, language)


def _render_body(tab: Tab, payloads: dict[str, Any], member_id: str, t: Translator) -> str:
    view = build_tab_view(tab, {n: p["result"] for n, p in payloads.items()}, t)
    return render_fragment(t.language, "report_body.html", {"tab": tab, "view": view, "member_id": member_id})


def tab_body(warehouse: Warehouse, principal: Principal | str, member_id: str, tab: Tab,
             params: dict[str, Any], language: str) -> str:
    """A tab's body (tables, charts): it depends only on the answers and the language, so it is
    rendered once per data version and policy and kept. A cross-member tab's first visit uses
    the body the warm-up prepared from the gate's previews when the answers just released are
    exactly those (same digest); otherwise it is rendered now."""
    t = Translator(language)
    before = report_cache.current_state()
    payloads = tab_payloads(warehouse, principal, member_id, tab, params, t.language)
    assert payloads is not None
    key = _body_key(member_id, tab, params, before, t.language)
    body = report_cache.fragment(key)
    if body is None:
        body = report_cache.prepared(key, answers_digest(payloads)) if tab.pooled else None
        if body is None:
            body = _render_body(tab, payloads, member_id, t)
        if before and report_cache.current_state() == before:
            report_cache.store_fragment(key, body)
    return body


def warm_tab_bodies(warehouse: Warehouse, member_id: str) -> None:
    """The warm-up of a member's tabs at the default period, in every language
    (``warmup.Warmer``): member-only tabs rendered from their answers (no release needed);
    cross-member tabs prepared from the gate's previews, shown only if a reader's release gives
    the same answers (``ReportCache.prepared``)."""
    params = _params(None, None, None)
    state = report_cache.current_state()
    for tab in TABS:
        pooled = tab.pooled or any(name in POOLED_REPORTS for name in tab.reports)
        for language in LANGUAGES:
            if not pooled:
                tab_body(warehouse, "web:warm-up", member_id, tab, params, language)
                continue
            t = Translator(language)
            payloads = tab_payloads(warehouse, "web:warm-up", member_id, tab, params, t.language, preview_state=state)
            if payloads is None:
                break  # no preview with noise on: the reader's request renders it
            key = _body_key(member_id, tab, params, state, t.language)
            report_cache.store_prepared(key, answers_digest(payloads), _render_body(tab, payloads, member_id, t))


def _tab_page(tab: Tab) -> Any:
    def page(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
             from_: FromQuery = None, to: ToQuery = None, event: EventQuery = None) -> Response:
        params = _params(from_, to, event)
        body = tab_body(warehouse, principal, member_id, tab, params, request_language(request))
        return render(request, "report.html", {"tab": tab, "body": Markup(body), "member_id": member_id,
                                               "params": params, "active": tab.slug})

    def page_json(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                  from_: FromQuery = None, to: ToQuery = None, event: EventQuery = None) -> Response:
        payloads = tab_payloads(warehouse, principal, member_id, tab, _params(from_, to, event),
                                request_language(request))
        return JSONResponse({"tab": tab.slug, "reports": payloads})

    page.__name__ = f"tab_{tab.slug}"
    page_json.__name__ = f"tab_{tab.slug}_json"
    return page, page_json


for _tab in TABS:
    _html, _json = _tab_page(_tab)
    router.add_api_route(f"/m/{{member_id}}/{_tab.slug}.json", _json, methods=["GET"], include_in_schema=False)
    router.add_api_route(f"/m/{{member_id}}/{_tab.slug}", _html, methods=["GET"], include_in_schema=False)
