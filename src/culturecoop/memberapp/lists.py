"""The member app: a list of patrons from the cooperative, back to the member's own customers.

The cooperative knows a member's patrons only by the tokens their packages carried: the dashboard's
Segments tab downloads a segment's patrons as those tokens (« Jeton du client »), and `reco patrons`
and the API's recommendations list them the same way. Dropped on the home page, such a list is read
in a folder removed once answered (nothing of it is kept); the member's own ids are found in the
exports kept on this computer, with the e-mail and the name those exports hold for them; and the
list with them is written in the work folder (owner-only) for the member to download. Nothing is sent.

Each export is read as its mapping reads it (``patrons_of``: the lines above its column names, its
sheet, its encoding), and each patron's id taken as ``prepare`` takes it: the customer number, else
the e-mail or the phone standing in for it (an Eventbrite export has no customer number; a cinema's
loyalty card is on some rows only), so that every patron of a package is found with their own
e-mail and name. A patron the mapping no longer finds (the mapping changed since the package was
sent) is looked for in every column as ``reco ids`` does (``reco.ids.own_ids``).
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from dataclasses import field as listed
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language, gettext_in
from culturecoop.ingest.prepare_io import connect
from culturecoop.ingest.read import read_source
from culturecoop.memberapp.workspace import Export, Workspace, safe_file_name
from culturecoop.privacy.encodings import member_id_tokens
from culturecoop.privacy.keys import load_member_keys
from culturecoop.reco.ids import own_contacts, own_ids, read_patron_list, recommendation_table
from culturecoop.reco.table_files import copies_removed_after

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


@dataclass
class OwnPatrons:
    """The member's own ids of a list's tokens, what the exports say of each, and where they were found."""

    ids: dict[str, str] = listed(default_factory=dict)  # token → the member's own id
    contacts: dict[str, dict[str, str]] = listed(default_factory=dict)  # own id → e-mail and names
    found_in: list[tuple[Export, str]] = listed(default_factory=list)  # each export (most first), its id column
    counts: list[int] = listed(default_factory=list)  # how many patrons each of them gave


def patrons_of(export: Export, member_id: str, secret: bytes) -> tuple[str, dict[str, tuple[str, dict[str, str]]]] | None:
    """The patrons of ``export`` by the token its package gives them, each with their own id and what
    the export says of them (``CONTACT_FIELDS``, their first row that says it), and the column(s) the
    ids come from: the export read as its mapping reads it, the id as ``prepare`` takes it (the
    customer number, else the e-mail or the phone standing in). None when the mapping cannot read it."""
    try:
        profile = export.profile()
        spec = profile.columns.get("patron_id")
    except UserError:
        return None
    if spec is None:
        return None
    with copies_removed_after() as scratch:
        try:
            con = connect(scratch, profile.country)
        except UserError:
            return None
        try:
            info = read_source(export.source, profile, scratch, con)
            info.load(con)
            rows = con.execute(f"SELECT patron_id, {', '.join(CONTACT_FIELDS)} FROM {info.relation} "
                               "WHERE NOT blank AND nullif(trim(patron_id), '') IS NOT NULL ORDER BY line_no",
                               info.params).fetchall()
        except (UserError, duckdb.Error):
            return None
        finally:
            con.close()
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for token, row in zip(member_id_tokens([str(r[0]) for r in rows], member_id, secret), rows, strict=True):
        if token is None:
            continue
        own, said = found.get(token) or (str(row[0]).strip(), {})
        for name, value in zip(CONTACT_FIELDS, row[1:], strict=True):
            if name not in said and value is not None and str(value).strip():
                said[name] = str(value).strip()
        found[token] = (own, said)
    column = ", ".join(spec.sources) if spec.form in ("column", "first") else spec.describe()
    return column, found


def own_patrons(tokens: set[str], exports: list[Export], member_id: str, secret: bytes) -> OwnPatrons:
    """The member's own ids of ``tokens`` and what ``exports`` say of them: from each export read as
    its mapping reads it (``patrons_of``), the one holding most of them first; then, for tokens none
    of them gives (a package prepared with an earlier mapping), from any column of any export
    (``reco.ids.own_ids``), with the e-mail and name of that column's row."""
    each = [(export, read) for export in exports if (read := patrons_of(export, member_id, secret)) is not None]
    each.sort(key=lambda found: len(tokens & found[1][1].keys()), reverse=True)
    out = OwnPatrons()
    for export, (column, patrons) in each:
        new = (tokens & patrons.keys()) - out.ids.keys()
        if new:
            out.ids |= {t: patrons[t][0] for t in new}
            out.contacts |= {patrons[t][0]: patrons[t][1] for t in new}
            out.found_in.append((export, column))
            out.counts.append(len(new))
    missing = tokens - out.ids.keys()
    if not missing:
        return out
    by_source = {e.source: e for e in exports}
    found = own_ids(missing, list(by_source), member_id, secret)
    for source, column, part in found.found_in:
        fields = contact_columns(by_source[source].mapping())
        if fields:
            out.contacts |= own_contacts(source, column, {found.ids[t] for t in part}, fields)
        out.ids |= {t: found.ids[t] for t in part}
        out.found_in.append((by_source[source], column))
        out.counts.append(len(part))
    return out


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
    found = own_patrons(tokens, exports, member_id, secret)
    if not found.ids:
        raise UserError(gettext_in(
            "None of the patrons of the list {name} is found in the exports kept on this computer: drop the sales "
            "export you prepared and sent (the same file), then this list again. A list downloaded for another "
            "member holds none of your patrons.", lang).format(name=name))
    header, table = with_own_ids(rows, found.ids, lang)
    if any(found.contacts.values()):
        header = [header[0], gettext_in("E-mail", lang), gettext_in("Name", lang), *header[1:]]
        table = [[row[0], *said_of(found.contacts.get(row[0]) or {}), *row[1:]] for row in table]
    return FoundPatrons(header, table, len(tokens), len(found.ids),
                        list(dict.fromkeys(export.file_name for export, _column in found.found_in)), name)


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
                    answered: Callable[..., Response], posted: Callable[..., Awaitable[dict[str, Any]]]) -> None:
    """``POST /patron-list`` (drop a list, see what was found) and ``GET /patron-list.csv`` (the list
    with the member's own ids) on the member app ``app``; ``answered`` redirects to the home page
    showing what it is given (the app's post/redirect/get)."""

    @app.post("/patron-list")
    async def drop_list(request: Request) -> Response:
        lang = current_language()
        data = await posted(request, keep="file")
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            if isinstance(upload, UploadFile):
                await upload.close()
            return answered("patron-list", error=gettext_in("Choose the list downloaded from the cooperative first.",
                                                            lang), status=400)
        name = safe_file_name(upload.filename)
        try:
            found = find_patrons(name, upload.file, workspace.exports(), member_id(),
                                 load_member_keys(keys).linkage_secret, lang)
        except UserError as exc:
            return answered("patron-list", error=exc.message, status=400)
        finally:
            await upload.close()
        workspace.save_found_patrons([found.header, *found.rows])
        return answered("patron-list", listed={
            "name": found.name, "patrons": found.patrons, "found": found.found, "not_found": found.not_found,
            "files": ", ".join(found.files), "header": found.header, "preview": found.rows[:PREVIEW_ROWS]})

    @app.get("/patron-list.csv")
    def found_list() -> Response:
        if not workspace.found_patrons.is_file():
            raise UserError(_("There is no list of your patrons yet: drop a list from the cooperative first."),
                            exit_code=5)
        return FileResponse(workspace.found_patrons, media_type="text/csv",
                            filename=gettext_in("your-patrons.csv", current_language()))
