"""On the member's machine: its recommendation list back to its own customer ids.

The cooperative holds a member's patrons as keyed tokens (``prepare`` turns every customer id, or
the e-mail standing in for it, into an HMAC under a key only members can derive), so ``reco
patrons`` lists tokens. The member recomputes the tokens of the ids in its own export with its
linkage secret and swaps them back; nothing leaves the member's machine.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import LANGUAGES, _, gettext_in
from culturecoop.ingest.jsondoc import as_json_lines, is_document
from culturecoop.privacy.encodings import PHONE_DIGITS, member_id_tokens
from culturecoop.privacy.keys import load_member_keys
from culturecoop.reco.table_files import as_delimited_text, copies_removed_after, sql_name

DETECTION_SAMPLE = 5_000  # distinct values per column tried when finding the id column


def _export_columns(export: Path, encoding: str) -> dict[str, list[str]]:
    """The export's columns (as headed) and their distinct non-empty values, read as ``reco`` reads
    any table: CSV in any separator and encoding, Excel, JSON, compressed."""
    if not export.is_file():
        raise UserError(_("Export file {path} does not exist; check the path.").format(path=export))
    with copies_removed_after() as scratch:
        return _columns_of(_readable(export, encoding, scratch), export)


def _readable(export: Path, encoding: str, scratch: Path) -> Path:
    """``export``, or a copy of it in ``scratch`` that ``as_delimited_text`` reads: one JSON document
    (an API's answer saved to a file) as its records, as ``prepare`` read them; a legacy encoding as UTF-8."""
    source = as_json_lines(export, scratch / "export.jsonl") if is_document(export) else export
    return _recoded(export, encoding, scratch / "export.csv") if source == export else source


# The first bytes of a workbook or of a compressed file: no text encoding applies to those.
_NOT_TEXT = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def _recoded(export: Path, encoding: str, copy: Path) -> Path:
    """``export`` itself, or a UTF-8 copy of it read in ``encoding`` (--encoding): DuckDB reads
    UTF-8 alone, and a Shift-JIS or Mac Roman file would otherwise be read as Windows-1252."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise UserError(_("--encoding {encoding} is not a known text encoding; give the export's encoding, e.g. "
                          "--encoding cp1252 or --encoding mac_roman.").format(encoding=encoding)) from None
    with export.open("rb") as handle:
        head = handle.read(8)
    if name in ("utf-8", "utf-8-sig") or head.startswith(_NOT_TEXT):
        return export
    try:
        with export.open(encoding=name, newline="") as source, copy.open("w", encoding="utf-8", newline="") as out:
            shutil.copyfileobj(source, out, 1 << 20)
    except UnicodeError:  # bytes the encoding does not read, or read as lone surrogates UTF-8 cannot write
        raise UserError(_("{path} cannot be read as {encoding}; give the encoding it was saved in with --encoding, or "
                          "leave --encoding out (UTF-8, UTF-16 and Windows-1252 are recognized).").format(
            path=export, encoding=encoding)) from None
    return copy


def _columns_of(source: Path, export: Path) -> dict[str, list[str]]:
    """The columns of ``source`` (``export`` itself, or its records as JSON lines)."""
    # Rows that ``prepare`` refused (a truncated record, a ragged line) hold no patron of the list:
    # skipped here, their tokens are counted as unmatched.
    text = as_delimited_text(source, lenient=True)
    con = duckdb.connect()
    try:
        rel = con.read_csv(str(text), header=True, all_varchar=True, ignore_errors=True, encoding="utf-8")
        columns: dict[str, list[str]] = {}
        for name in rel.columns:
            quoted = sql_name(name)
            rows = con.sql(f"SELECT DISTINCT {quoted} FROM rel WHERE nullif(trim({quoted}), '') IS NOT NULL").fetchall()
            columns[name] = [str(r[0]) for r in rows]
    except duckdb.Error:
        raise UserError(_("{path} cannot be read as CSV; give a comma-separated file with a header row.").format(
            path=export)) from None
    finally:
        con.close()
    return columns


def _id_column(columns: dict[str, list[str]], wanted: set[str], member_id: str, secret: bytes) -> str | None:
    """The column whose values ``prepare`` tokenized into the list's tokens: the one whose values
    match most of ``wanted`` (a customer number, or the e-mail standing in for it when the vendor
    has none; a sample of each column's values is tried). None when no column matches one."""
    best, matched = None, 0
    for name, values in columns.items():
        hits = sum(t in wanted for t in member_id_tokens(values[:DETECTION_SAMPLE], member_id, secret))
        if hits > matched:
            best, matched = name, hits
    return best


def _token_map(values: list[str], member_id: str, secret: bytes) -> dict[str, str]:
    """Each of the member's own ids by the token ``prepare`` gave it."""
    return {t: v for t, v in zip(member_id_tokens(values, member_id, secret), values, strict=True) if t is not None}


def _ids_from(columns: dict[str, list[str]], first: str, wanted: set[str], member_id: str, secret: bytes) -> dict[str, str]:
    """The member's own ids of ``wanted`` tokens: from the column ``first`` (the customer numbers, or
    the e-mails standing in for them), then, for tokens it lacks, from any other column — a patron
    identified by their phone where the e-mail was blank (``prepare``'s fallback) is found there."""
    found = {t: v for t, v in _token_map(columns.get(first, []), member_id, secret).items() if t in wanted}
    for name, values in columns.items():
        missing = wanted - found.keys()
        if not missing:
            break
        if name != first and _may_stand_in(values):
            found |= {t: v for t, v in _token_map(values, member_id, secret).items() if t in missing}
    return found


def _may_stand_in(values: list[str]) -> bool:
    """Whether a column holds e-mails or phone numbers (what stands in for a customer number): only
    those are tokenized in full, so a wide export is not hashed column by column."""
    sample = [v for v in values[:DETECTION_SAMPLE] if v]
    return any("@" in v or sum(ch.isdigit() for ch in v) >= PHONE_DIGITS for v in sample)


@dataclass
class OwnIds:
    """The member's own ids of a list's tokens, and where they were found."""

    ids: dict[str, str]  # token → the member's own id
    export: Path | None  # the export (and its column) that holds most of them
    column: str | None
    # Every export that holds some, most first: (export, its id column, the tokens whose ids it gave).
    found_in: list[tuple[Path, str, set[str]]] = field(default_factory=list)


def own_ids(tokens: set[str], exports: list[Path], member_id: str, secret: bytes) -> OwnIds:
    """The member's own ids for ``tokens``, from whichever of its ``exports`` (and column) holds
    them — the member app keeps every export it prepared, and a season's patrons may be spread over
    several (one export a month): the one holding most of them first, then each other for the tokens
    still without an id. An export that cannot be read is passed over."""
    each: list[tuple[Path, str, dict[str, str]]] = []
    for export in exports:
        try:
            columns = _export_columns(export, "utf-8")
        except UserError:
            continue
        column = _id_column(columns, tokens, member_id, secret)
        if column is not None:
            each.append((export, column, _ids_from(columns, column, tokens, member_id, secret)))
    each.sort(key=lambda found: len(found[2]), reverse=True)
    best = OwnIds({}, each[0][0] if each else None, each[0][1] if each else None)
    for export, column, found in each:
        new = {t: v for t, v in found.items() if t not in best.ids}
        if new:
            best.ids |= new
            best.found_in.append((export, column, set(new)))
    return best


def own_contacts(export: Path, column: str, ids: Iterable[str], fields: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
    """What the member's own ``export`` says of each of its patrons ``ids`` (values of its ``column``):
    for each of ``fields`` (e.g. ``email`` → the export's columns that hold it, first non-empty
    first, as the export's mapping names them), the patron's first non-empty value. Read on the
    member's machine from the member's own file; a column the export does not have is passed over."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with copies_removed_after() as scratch:
        text = as_delimited_text(_readable(export, "utf-8", scratch), lenient=True)
        con = duckdb.connect()
        try:
            rel = con.read_csv(str(text), header=True, all_varchar=True, ignore_errors=True, encoding="utf-8")
            named = {c.strip().lower(): c for c in rel.columns}
            if column.strip().lower() not in named:
                return {}
            said = {}
            for name, columns in fields.items():
                present = [sql_name(named[c.strip().lower()]) for c in columns if c.strip().lower() in named]
                if present:
                    said[name] = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in present) + ")"
            if not said:
                return {}
            rel.create_view("export_rows")
            key = sql_name(named[column.strip().lower()])
            picks = ", ".join(f"first({expr} ORDER BY {expr} IS NULL)" for expr in said.values())
            rows = con.execute(f"SELECT {key}, {picks} FROM export_rows WHERE {key} IN (SELECT unnest(?::VARCHAR[])) "
                               f"GROUP BY {key}", [wanted]).fetchall()
        except duckdb.Error:
            return {}
        finally:
            con.close()
    return {str(r[0]): {name: str(v) for name, v in zip(said, r[1:], strict=True) if v is not None} for r in rows}


def map_back(recommendations: Path, export: Path, member_id: str, keys: Path, *, id_column: str | None = None,
             encoding: str = "utf-8") -> tuple[list[dict[str, Any]], int, str]:
    """The rows of ``reco patrons`` with each token replaced by the member's own id, the number of
    rows whose token matched no id of the export (kept, with an empty id), and the export's column
    the ids came from (``id_column``, else the one whose ids match the list's tokens)."""
    if not recommendations.is_file():
        raise UserError(_("Recommendations file {path} does not exist; write it with `culturecoop reco patrons --out FILE`.").format(path=recommendations))
    rows = read_patron_list(recommendations)
    columns = _export_columns(export, encoding)
    secret = load_member_keys(keys).linkage_secret
    if id_column is not None:
        named = {c.strip().lower(): c for c in columns}
        if id_column.strip().lower() not in named:
            raise UserError(_("{path} has no column {column}; give the column that holds your customer ids with --id-column (columns: {columns}).").format(
                path=export, column=id_column, columns=", ".join(columns)))
        chosen = named[id_column.strip().lower()]
    else:
        found = _id_column(columns, {r["member_patron_id"] for r in rows}, member_id, secret) if rows else next(iter(columns), None)
        if found is None:
            raise UserError(_("No column of {path} holds the ids of this list's patrons; give the export that was prepared for {member} (the same file), with the keys used then, or name the column with --id-column.").format(
                path=export, member=member_id))
        chosen = found
    wanted = {r["member_patron_id"] for r in rows}
    own = (_ids_from(columns, chosen, wanted, member_id, secret) if id_column is None
           else _token_map(columns.get(chosen, []), member_id, secret))
    unmatched = 0
    for row in rows:
        mine = own.get(row["member_patron_id"])
        unmatched += mine is None
        row["member_patron_id"] = mine or ""
    return rows, unmatched, chosen


# The list as the member reads it (``reco ids``, the member app): one row per patron and event.
TABLE_HEADER = ("Your customer id", "Rank", "Member", "Event", "Title", "Starts")


def _when(value: Any) -> str:
    """A start as the list gives it: ``2026-01-07 20:00``, or the day alone when no time is known
    (a programme gives some shows by their day only; midnight is how they are stored)."""
    text = str(value or "").replace("T", " ")[:16]
    return text[:10] if text.endswith(" 00:00") else text


def recommendation_table(rows: list[dict[str, Any]], language: str) -> tuple[list[str], list[list[Any]]]:
    """The header (in ``language``) and rows of a member's list whose ``member_patron_id`` already
    holds the member's own customer id (empty when none matched)."""
    header = [gettext_in(h, language) for h in TABLE_HEADER]
    if rows and "rank" not in rows[0]:
        # A list of tokens alone (a segment's patrons, downloaded from the Segments tab): its ids alone.
        return header[:1], [[r.get("member_patron_id") or ""] for r in rows]
    table = [[r.get("member_patron_id") or "", int(r["rank"]), r.get("member_name") or r["member_id"], r["event_id"],
              r.get("title") or "", _when(r.get("starts_at"))] for r in rows]
    return header, table


# The columns of ``reco patrons``' list (tokens, not yet the member's ids): each code with the
# header it is written under, in the reader's language.
PATRON_LIST = (("member_patron_id", "Patron token"), ("rank", "Rank"), ("member_id", "Member"),
               ("event_id", "Event"), ("title", "Title"), ("starts_at", "Starts"))


def patron_list_header(language: str) -> list[str]:
    return [gettext_in(label, language) for _code, label in PATRON_LIST]


def patron_list_row(row: dict[str, Any]) -> list[Any]:
    return [row["member_patron_id"], row["rank"], row["member_id"], row["event_id"], row.get("title") or "",
            _when(row.get("starts_at"))]


def read_patron_list(path: Path) -> list[dict[str, Any]]:
    """The rows of a ``reco patrons`` list by their codes, whichever language its header is in
    (or its codes, as lists written before the header was translated); a segment's list of tokens
    alone (the Segments tab's download) reads as rows with a token only. Such a list saved again by
    a spreadsheet (Windows-1252, semicolons) reads the same, and so does the API's answer saved to a
    file (``GET /api/v1/members/{member}/recommendations``: JSON whose ``data`` are the rows)."""
    code_of = {name.lower(): code for code, label in PATRON_LIST
               for name in (code, *(gettext_in(label, lang) for lang in LANGUAGES))}
    not_a_list = UserError(_("{path} is not a `reco patrons` file (no column of patron tokens).").format(path=path))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise not_a_list from None
    if text.lstrip().startswith("{"):
        return _api_rows(text, not_a_list)
    first = text.split("\n", 1)[0]
    separator = max(",;\t", key=first.count) if any(s in first for s in ",;\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = next(reader, [])
    codes = [code_of.get(h.strip().lower(), h.strip()) for h in header]
    if "member_patron_id" not in codes:
        raise not_a_list
    return [dict(zip(codes, row, strict=False)) for row in reader if any(cell.strip() for cell in row)]


def _api_rows(text: str, not_a_list: UserError) -> list[dict[str, Any]]:
    """The rows of the API's recommendations saved to a file (``{"data": [{"member_patron_id": …}]}``)."""
    try:
        data = json.loads(text).get("data")
    except (ValueError, AttributeError, RecursionError):  # RecursionError: thousands of nested brackets
        raise not_a_list from None
    if not isinstance(data, list) or not all(isinstance(r, dict) and r.get("member_patron_id") for r in data):
        raise not_a_list
    return [{k: "" if v is None else v for k, v in r.items()} for r in data]
