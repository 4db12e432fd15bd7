"""The Contribution tab and API: each member's share of the value produced and its remuneration
statement; the cooperative admin sees every statement. Also a person's rights through the API:
consent changes and access requests made of tokens on the member's side."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from culturecoop.errors import UserError
from culturecoop.governance.access import access_report
from culturecoop.governance.consent import apply_consent_request
from culturecoop.governance.documents import (
    FUNCTION_NAMES,
    markdown_html,
    markdown_pdf,
    statement_markdown,
)
from culturecoop.governance.requests import read_request
from culturecoop.governance.statements import dashboard_statements, member_standing
from culturecoop.governance.uploads import member_names
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import CoopAdmin, MemberManager, MemberReader, WarehouseDep
from culturecoop.web.errors import WebError
from culturecoop.web.i18n import Translator, _
from culturecoop.web.params import FromQuery, ToQuery, check_period, iso
from culturecoop.web.render import render, request_language
from culturecoop.web.routes.reports import actor_of
from culturecoop.web.views.contribution import ROW_NAMES, contribution_view

router = APIRouter()


def _figures(warehouse: Warehouse, start: date | None, end: date | None) -> dict[str, Any]:
    # A day written otherwise than YYYY-MM-DD was refused by FastAPI (params.Day), one no report
    # covers here; a UserError (a period with no data) becomes one sentence in the reader's language.
    check_period(start, end)
    return dashboard_statements(warehouse, iso(start), iso(end))


def member_contribution(warehouse: Warehouse, member_id: str, start: date | None, end: date | None) -> dict[str, Any]:
    """The member's own figures and statement: never another member's amount."""
    data = _figures(warehouse, start, end)
    contribution = data["contribution"]
    functions = {name: {"total": f["total"], "exact": f["exact"], "member": f["shares"].get(member_id, 0.0),
                        "fraction": f["fractions"].get(member_id, 0.0),
                        "half_width": None if f["half_width"] is None else f["half_width"].get(member_id)}
                 for name, f in contribution["functions"].items()}
    statement = data["issued"]["statements"].get(member_id) if data["issued"] else None
    return {"member_id": member_id, "from": contribution["from"], "to": contribution["to"], "members": len(contribution["members"]),
            "k": contribution["k"], "functions": functions, "statement": statement,
            # Why the shares are what they are (a member whose patrons are not linked yet, or did not agree to
            # pooling, reads 0 % of everything), and whether the period is the remuneration rules'.
            "standing": {**member_standing(warehouse, member_id, contribution["from"], contribution["to"]),
                         "asked": start is not None or end is not None}}


@router.get("/api/v1/members/{member_id}/contribution", tags=["contribution"])
def get_contribution(member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                     start: FromQuery = None, end: ToQuery = None) -> dict[str, Any]:
    """The member's Shapley values for each value function and, when the admin set the period's rules, its statement."""
    return member_contribution(warehouse, member_id, start, end)


@router.get("/api/v1/members/{member_id}/contribution/statement.pdf", tags=["contribution"])
def get_statement_pdf(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                      start: FromQuery = None, end: ToQuery = None) -> Response:
    """The member's statement as a PDF in the reader's language."""
    statement = member_contribution(warehouse, member_id, start, end)["statement"]
    if statement is None:
        raise WebError(404, _("No remuneration statement for this period yet: the cooperative has not set its rules."))
    with tempfile.TemporaryDirectory(prefix="culturecoop-statement-") as tmp:
        path = markdown_pdf(statement_markdown(statement, request_language(request), member_names(warehouse).get(member_id)),
                            Path(tmp) / "statement.pdf", member_id)
        content = path.read_bytes()
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="statement-{member_id}-{statement["from"]}.pdf"'})


@router.get("/m/{member_id}/contribution", include_in_schema=False)
def contribution_page(request: Request, member_id: str, principal: MemberReader, warehouse: WarehouseDep,
                      start: FromQuery = None, end: ToQuery = None) -> Response:
    data = member_contribution(warehouse, member_id, start, end)
    body = (markdown_html(statement_markdown(data["statement"], request_language(request), member_names(warehouse).get(member_id)))
            if data["statement"] else "")
    said = contribution_view(data, Translator(request_language(request)))
    return render(request, "contribution.html", {"member_id": member_id, "active": "contribution", "view": data,
                                                 "said": said, "statement_html": body, "function_names": FUNCTION_NAMES,
                                                 "row_names": ROW_NAMES})


@router.get("/api/v1/contribution", tags=["contribution"])
def get_all_statements(principal: CoopAdmin, warehouse: WarehouseDep,
                       start: FromQuery = None, end: ToQuery = None) -> dict[str, Any]:
    """The cooperative admin: every member's figures and statement, and the sum against the pool."""
    data = _figures(warehouse, start, end)
    issued = data["issued"]
    return {"contribution": data["contribution"], "issued": issued,
            "adds_up": None if issued is None else issued["distributed_cents"] + issued["fees_cents"] == issued["pool_cents"]}


@router.get("/coop/contribution", include_in_schema=False)
def all_statements_page(request: Request, principal: CoopAdmin, warehouse: WarehouseDep,
                        start: FromQuery = None, end: ToQuery = None) -> Response:
    data = _figures(warehouse, start, end)
    return render(request, "contribution_coop.html", {"active": "contribution", "data": data})


async def _request_file(request: Request, kind: str) -> Any:
    body = await request.body()
    if len(body) > 100_000:
        raise WebError(413, _("The request is too large; send the file written by culturecoop."))
    with tempfile.TemporaryDirectory(prefix="culturecoop-request-") as tmp:
        path = Path(tmp) / "request.json"
        path.write_bytes(body)
        try:
            return read_request(path, kind)
        except UserError as exc:
            # Said without the temporary path (which would also stop it from being retranslated).
            raise UserError(exc.message.replace(str(path), "request.json"), exc.exit_code) from None


@router.post("/api/v1/members/{member_id}/consent", tags=["rights"])
async def post_consent(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep) -> dict[str, Any]:
    """Record one person's consent change: the body is the file `culturecoop consent request` writes (tokens only)."""
    subject = await _request_file(request, "consent")
    if subject.member_id != member_id:
        raise WebError(422, _("The request was made for another member; make it with --member {member}."), member=member_id)
    return apply_consent_request(warehouse, subject, who=actor_of(principal))


@router.post("/api/v1/members/{member_id}/access", tags=["rights"])
async def post_access(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep) -> dict[str, Any]:
    """Everything the cooperative holds about one person: the body is the file `culturecoop access request` writes."""
    subject = await _request_file(request, "access")
    if subject.member_id != member_id:
        raise WebError(422, _("The request was made for another member; make it with --member {member}."), member=member_id)
    return json.loads(json.dumps(access_report(warehouse, subject), default=str))  # type: ignore[no-any-return]
