"""The member app: a list of patrons from the cooperative, back to the member's own customers.

The cooperative knows a member's patrons only by the tokens their packages carried: the dashboard's
Segments tab downloads a segment's patrons as those tokens (« Jeton du client »), and `reco patrons`
and the API's recommendations list them the same way. Dropped on the home page, such a list is read
in a folder removed once answered (nothing of it is kept); the member's own ids are found in the
exports kept on this computer (``reco.ids.own_ids``), with the e-mail and the name those exports
hold for them (``reco.ids.own_contacts``, on the columns each export's mapping names); and the list
with them is written in the work folder (owner-only) for the member to download. Nothing is sent.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.datastructures import UploadFile

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language, gettext_in
from culturecoop.memberapp.workspace import Export, Workspace, safe_file_name
from culturecoop.privacy.keys import load_member_keys
from culturecoop.reco.ids import own_contacts, own_ids, read_patron_list, recommendation_table
from culturecoop.reco.logs import copies_removed_after

PREVIEW_ROWS = 10  # rows of a list shown on the page (the CSV has them all)
# What the member's export says of a patron, by the mapping's fields that hold it.
CONTACT_FIELDS = ("email", "first_name", "last_name", "full_name")


@dataclass
class FoundPatrons:
    """A list from the cooperative with the member's own ids (and contacts) in place of its tokens."""

    header: list[str]
    rows: list[list[Any]]
    patrons: int  # distinct tokens of the list
    found: int  # of which found in the exports kept here
    files: list[str]  # the exports they were found in, most first
    name: str  # the list's file name, as dropped

    @property
    def not_found(self) -> int:
        return self.patrons - self.found


def not_a_list(name: str, lang: str) -> str:
    """What to say of a dropped file that is no list of patrons' tokens."""
    return gettext_in(
        "The file {name} is not a list of patrons from the cooperative (it has no column “{column}”): drop here a "
        "list downloaded from the cooperative's dashboard, such as a segment's patrons on the Segments tab; your "
        "sales export goes in the box above.", lang).format(name=name, column=gettext_in("Patron token", lang))


def find_patrons(name: str, stream: BinaryIO, exports: list[Export], member_id: str, secret: bytes,
                 lang: str) -> FoundPatrons:
    """The list in ``stream`` with each token replaced by the member's own id (and the e-mail and
    name its export holds), from ``exports``; a ``UserError`` (one sentence) when it is no such list
    or none of its patrons is found here. The list is read from a copy removed before returning."""
    with copies_removed_after() as scratch:
        copy = scratch / "list.csv"
        with copy.open("wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        try:
            rows = read_patron_list(copy)
        except UserError:
            raise UserError(not_a_list(name, lang)) from None
    tokens = {str(r["member_patron_id"]).strip() for r in rows} - {""}
    if not tokens:
        raise UserError(gettext_in("The list {name} holds no patron: download it again from the cooperative's "
                                   "dashboard.", lang).format(name=name))
    if not exports:
        raise UserError(gettext_in("No export is kept on this computer: drop first the sales export you prepared "
                                   "and sent to the cooperative, then this list.", lang))
    by_source = {e.source: e for e in exports}
    found = own_ids(tokens, list(by_source), member_id, secret)
    if not found.ids:
        raise UserError(gettext_in(
            "None of the patrons of the list {name} is found in the exports kept on this computer: drop the sales "
            "export you prepared and sent (the same file), then this list again. A list downloaded for another "
            "member holds none of your patrons.", lang).format(name=name))
    contacts: dict[str, dict[str, str]] = {}  # the member's own id → what its export says of the patron
    for source, column, part in found.found_in:
        fields = contact_columns(by_source[source].mapping())
        if fields:
            contacts |= own_contacts(source, column, {found.ids[t] for t in part}, fields)
    header, table = with_own_ids(rows, found.ids, lang)
    if contacts:
        header = [header[0], gettext_in("E-mail", lang), gettext_in("Name", lang), *header[1:]]
        table = [[row[0], *said_of(contacts.get(row[0]) or {}), *row[1:]] for row in table]
    return FoundPatrons(header, table, len(tokens), len(found.ids),
                        [by_source[source].file_name for source, _column, _part in found.found_in], name)


def with_own_ids(rows: list[dict[str, Any]], ids: dict[str, str], lang: str) -> tuple[list[str], list[list[Any]]]:
    """A list's header and rows (``reco.ids.recommendation_table``) with each token replaced by the
    member's own id from ``ids`` (empty when it was not found here)."""
    return recommendation_table([{**r, "member_patron_id": ids.get(str(r["member_patron_id"]).strip(), "")}
                                 for r in rows], lang)


def contact_columns(mapping: dict[str, Any]) -> dict[str, list[str]]:
    """The export's columns that hold each patron's e-mail and name, as its mapping names them (one
    column, or several read first non-empty first)."""
    columns = mapping.get("columns") or {}
    named: dict[str, list[str]] = {}
    for field in CONTACT_FIELDS:
        spec = columns.get(field) if isinstance(columns, dict) else None
        names = [spec] if isinstance(spec, str) else [c for c in spec if isinstance(c, str)] if isinstance(spec, list) else []
        if names:
            named[field] = names
    return named


def said_of(contact: dict[str, str]) -> tuple[str, str]:
    """A patron's e-mail and name, as the export holds them."""
    name = contact.get("full_name") or " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)
    return contact.get("email", ""), name


def add_list_routes(app: FastAPI, workspace: Workspace, keys: Path, member_id: Callable[[], str],
                    home: Callable[..., HTMLResponse], posted: Callable[..., Awaitable[dict[str, Any]]]) -> None:
    """``POST /patron-list`` (drop a list, see what was found) and ``GET /patron-list.csv`` (the list
    with the member's own ids) on the member app ``app``."""

    @app.post("/patron-list")
    async def drop_list(request: Request) -> Response:
        lang = current_language()
        data = await posted(request, keep="file")
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            if isinstance(upload, UploadFile):
                await upload.close()
            return home(request, gettext_in("Choose the list downloaded from the cooperative first.", lang), 400)
        name = safe_file_name(upload.filename)
        try:
            found = find_patrons(name, upload.file, workspace.exports(), member_id(),
                                 load_member_keys(keys).linkage_secret, lang)
        except UserError as exc:
            return home(request, exc.message, 400)
        finally:
            await upload.close()
        workspace.save_found_patrons([found.header, *found.rows])
        return home(request, listed={
            "name": found.name, "patrons": found.patrons, "found": found.found, "not_found": found.not_found,
            "files": ", ".join(found.files), "header": found.header, "preview": found.rows[:PREVIEW_ROWS]})

    @app.get("/patron-list.csv")
    def found_list() -> Response:
        if not workspace.found_patrons.is_file():
            raise UserError(_("There is no list of your patrons yet: drop a list from the cooperative first."),
                            exit_code=5)
        return FileResponse(workspace.found_patrons, media_type="text/csv",
                            filename=gettext_in("your-patrons.csv", current_language()))
