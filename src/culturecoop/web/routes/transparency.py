"""The Transparency tab: the audit entries about this member's data and the privacy budget left."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from culturecoop.analytics.answers import to_jsonable
from culturecoop.campaigns.service import subjects_as_read
from culturecoop.governance.accounts import list_accounts
from culturecoop.governance.uploads import list_members, member_consent_basis
from culturecoop.privacy import audit
from culturecoop.privacy.budget import budget_status
from culturecoop.privacy.policy import current_policy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import MemberManager, WarehouseDep
from culturecoop.web.i18n import Translator
from culturecoop.web.render import about_member, render, request_language
from culturecoop.web.views.transparency import transparency_view

router = APIRouter()
PAGE_ENTRIES = 100


class TransparencyPublic(BaseModel):
    available: bool
    audit: list[dict[str, Any]]
    count: int
    total: int
    budget: dict[str, Any] | None


def transparency_payload(warehouse: Warehouse, member_id: str, limit: int) -> dict[str, Any]:
    """The latest ``limit`` audit entries that concern the member (newest first) and its budget."""
    latest, total = audit.latest_for_member(warehouse, member_id, limit)
    entries = to_jsonable(latest[::-1])
    for entry in entries:
        # Who asked is shown for the member's own requests; another member's staff stays private.
        if entry.get("member_id") != member_id and "actor" in entry:
            entry["actor"] = entry.get("member_id")
    return {"available": True, "audit": entries, "count": len(entries),
            "total": total,
            "budget": to_jsonable(budget_status(warehouse, member_id))}


@router.get("/api/v1/members/{member_id}/audit", response_model=TransparencyPublic, tags=["transparency"])
def get_audit(member_id: str, principal: MemberManager, warehouse: WarehouseDep,
              limit: Annotated[int, Query(ge=1, le=100_000, description="Latest entries to return.")] = 1000) -> dict[str, Any]:
    """Recorded uses of the member's data (who, what, when, ε spent), newest first, and the budget left."""
    return transparency_payload(warehouse, member_id, limit)


@router.get("/m/{member_id}/transparency", include_in_schema=False)
def transparency_page(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep) -> Response:
    # Who is who, remembered until the next change of data or accounts (``Warehouse.remember``).
    names = warehouse.remember(("transparency", "names"),
                               lambda: {str(m["member_id"]): str(m["name"]) for m in list_members(warehouse)})
    accounts = warehouse.remember(("transparency", "accounts", member_id),
                                  lambda: {a.account_id: a for a in list_accounts(warehouse, member_id)})
    t = Translator(request_language(request))
    view = transparency_view(transparency_payload(warehouse, member_id, PAGE_ENTRIES), member_id,
                             names.get(member_id, member_id), accounts, names, current_policy(warehouse).noise, t,
                             subjects_as_read(warehouse, member_id, t.language),
                             about_member(principal, member_id, names))
    return render(request, "transparency.html", {"member_id": member_id, "active": "transparency", "view": view,
                                                 "consent": member_consent_basis(warehouse, member_id)})
