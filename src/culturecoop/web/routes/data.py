"""The Data tab and the package API: send a contribution package, see ingests and rejects."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from culturecoop.analytics.answers import Answers
from culturecoop.errors import UserError
from culturecoop.governance.uploads import (
    member_ingests,
    member_table_rows,
    member_uploads,
    receive_package,
)
from culturecoop.ingest.profile import builtin_profiles, load_profile
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.deps import AnswersDep, MemberManager, Principal, SettingsDep, WarehouseDep
from culturecoop.web.errors import USER_ERROR_STATUS, WebError
from culturecoop.web.i18n import Translator, _, readable, retranslate
from culturecoop.web.render import render, request_language
from culturecoop.web.settings import Settings

router = APIRouter()
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
# What vendors export: raw files with personal data, which never leave the member's machine.
RAW_EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".xml", ".htm", ".html", ".json", ".jsonl", ".ndjson")


class IngestsPublic(BaseModel):
    data: list[dict[str, Any]]
    count: int
    table_rows: dict[str, int]


class UploadPublic(BaseModel):
    upload_id: str
    member_id: str
    outcome: str
    package_sha256: str | None
    rows_loaded: dict[str, int]
    rejects: dict[str, int]


def ingests_payload(warehouse: Warehouse, member_id: str) -> dict[str, Any]:
    """What the API returns about a member's data; the Data tab renders exactly this."""
    data = member_ingests(warehouse, member_id)
    return {"data": data, "count": len(data), "table_rows": member_table_rows(warehouse, member_id)}


def _receive(upload: UploadFile, warehouse: Warehouse, principal: Principal, member_id: str,
             settings: Settings, answers: Answers) -> dict[str, Any]:
    name = (upload.filename or "").lower()
    if name.endswith(RAW_EXPORT_SUFFIXES):
        raise WebError(415, _("This is a raw export from your ticketing system, and raw exports never leave your computer: "
                              "open the member app on that computer, drop the export there and click Send (it needs an API "
                              "token from your Account page); or upload here the package archive it writes (.tar.gz or .zip)."))
    if not name.endswith(ARCHIVE_SUFFIXES):
        raise WebError(415, _("Send the package as a .zip or .tar.gz archive of its folder."))
    with tempfile.TemporaryDirectory(prefix="culturecoop-archive-") as tmp:
        archive = Path(tmp) / "package.bin"
        size = 0
        with archive.open("wb") as out:
            while chunk := upload.file.read(1 << 20):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise WebError(413, _("The file is too large; send a package of at most {mb} MB."),
                                   mb=int(settings.max_upload_mb))
                out.write(chunk)
        if size == 0:
            raise WebError(400, _("The file is empty; choose the package archive again."))
        result = receive_package(warehouse, principal.account, member_id, archive,
                                 max_bytes=settings.max_upload_bytes, name=upload.filename).public()
    if result["outcome"] == "loaded":
        answers.invalidate()
    return result


@router.get("/api/v1/members/{member_id}/ingests", response_model=IngestsPublic, tags=["data"])
def list_ingests(member_id: str, principal: MemberManager, warehouse: WarehouseDep) -> dict[str, Any]:
    """The member's loaded packages with row conservation and rejected rows per reason."""
    return ingests_payload(warehouse, member_id)


@router.post("/api/v1/members/{member_id}/packages", response_model=UploadPublic, status_code=201, tags=["data"])
def upload_package(member_id: str, principal: MemberManager, warehouse: WarehouseDep, settings: SettingsDep,
                   answers: AnswersDep,
                   file: Annotated[UploadFile, File(description="A .zip or .tar.gz of the package folder.")]) -> dict[str, Any]:
    """Send a contribution package: it is unpacked, verified, then loaded in one transaction."""
    return _receive(file, warehouse, principal, member_id, settings, answers)


@cache
def _builtin_descriptions(name: str) -> dict[str, str]:
    """A built-in profile's description by language (empty for a name no built-in profile has)."""
    if name not in builtin_profiles():
        return {}
    try:
        return dict(load_profile(name).description)
    except UserError:
        return {}


def profile_words(name: str | None, t: Translator) -> str:
    """How a package's export was read, in the reader's words: a built-in profile by its description
    (« CSV à la française façon Excel… », not ``billetterie-fr``), the member's own mapping as such."""
    if not name:
        return "–"
    if name == "canonical":
        return t("The cooperative's own columns")
    described = _builtin_descriptions(name)
    if described:
        return described.get(t.language) or described.get("en") or next(iter(described.values()))
    return t("A mapping of your own, named “{name}”", name=name)


def _data_page(request: Request, warehouse: Warehouse, member_id: str, *, status: int = 200,
               error: str | None = None, result: dict[str, Any] | None = None) -> Response:
    payload = ingests_payload(warehouse, member_id)
    t = Translator(request_language(request))
    profiles = {row.get("profile"): profile_words(row.get("profile"), t) for row in payload["data"]}
    return render(request, "data.html", {
        "member_id": member_id, "active": "data", "payload": payload, "profiles": profiles,
        "uploads": member_uploads(warehouse, member_id), "error": readable(error) if error else None, "result": result,
    }, status_code=status)


@router.get("/m/{member_id}/data", include_in_schema=False)
def data_page(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep) -> Response:
    return _data_page(request, warehouse, member_id)


@router.post("/m/{member_id}/data", include_in_schema=False)
def data_upload(request: Request, member_id: str, principal: MemberManager, warehouse: WarehouseDep,
                settings: SettingsDep, answers: AnswersDep, file: Annotated[UploadFile, File()]) -> Response:
    try:
        result = _receive(file, warehouse, principal, member_id, settings, answers)
    except UserError as exc:
        return _data_page(request, warehouse, member_id, status=USER_ERROR_STATUS.get(exc.exit_code, 400),
                          error=retranslate(exc.message, request_language(request)))
    except WebError as exc:  # said on the page, next to the form, rather than on an error page
        return _data_page(request, warehouse, member_id, status=exc.status, error=exc.said(request_language(request)))
    return _data_page(request, warehouse, member_id, status=201 if result["outcome"] == "loaded" else 200,
                      result=result)


@router.get("/m/{member_id}", include_in_schema=False)
def member_home(member_id: str, principal: MemberManager) -> Response:
    target = "overview" if principal.may_read(member_id) else "data"
    return RedirectResponse(f"/m/{member_id}/{target}", status_code=303)


