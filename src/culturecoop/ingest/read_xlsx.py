"""Reading a workbook (.xlsx, .xls or .ods: ``ingest.workbook``) into the ``src`` table (see ``ingest.read``).

Spreadsheet rows are numbered as Excel shows them, so a reject's line number is the row a
member finds in the workbook; the raw line of a reject is the row's cells as CSV text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.i18n import _, count, plural
from culturecoop.ingest.attendees import Spread, checked_plan, spread_table, unnumbered
from culturecoop.ingest.columns import field_expressions
from culturecoop.ingest.profile import SECTION_COLUMN, SHEET_COLUMN, SHEET_TITLE_COLUMN, Profile
from culturecoop.ingest.source import (
    SourceInfo,
    empty_file,
    first_cell_alone,
    header_hint,
    header_only,
    header_positions,
    missing_columns,
    ranked_names,
    refuse_ambiguous_columns,
    render_cell,
)
from culturecoop.ingest.workbook import open_workbook


def _open_sheet(path: Path, profile: Profile) -> Any:
    book = open_workbook(path)
    if profile.sheet is None:
        return book, book.worksheets[0]
    if profile.sheet not in book.sheetnames:
        raise UserError(
            _("The workbook {path} has no sheet named {sheet}; its sheets are {sheets}.").format(
                path=path.name, sheet=profile.sheet, sheets=", ".join(book.sheetnames))
        )
    return book, book[profile.sheet]


def _sheet_hint(profile: Profile, book: Any, sheet: Any, rows: list[tuple[int, list[str]]]) -> str:
    """Advice when the header is not where the profile looks: lower on the sheet, or on another."""
    hint = header_hint(profile, rows)
    if hint:
        return hint
    for other in book.worksheets:
        if other.title == sheet.title:
            continue
        found = header_hint(profile, [
            (n, [c or "" for c in (render_cell(v, profile.decimal) for v in row)])
            for n, row in enumerate(other.iter_rows(values_only=True, max_row=50), start=1)])
        if found:
            return _("the sheet {sheet} holds them all: add `sheet: {sheet}` to the mapping").format(sheet=other.title)
    return ""


_VIRTUAL = (SHEET_COLUMN, SHEET_TITLE_COLUMN, SECTION_COLUMN)
# How far down another sheet its header is looked for (a title block above it).
_HEADER_SEARCH_ROWS = 50


@dataclass
class _Sheet:
    """One sheet's table: its header, the title above it, and its rows as Excel numbers them."""

    name: str
    header: list[str] = field(default_factory=list)
    header_line: int = 0
    title: str = ""
    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    blank: int = 0
    last_row: int = 0
    # With ``(section)`` mapped: the text of the line naming the show above each row, and how many
    # such lines there were (no rows).
    row_sections: list[str | None] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    header_again: list[int] = field(default_factory=list)  # rows writing the header again


def _read_sheet(sheet: Any, profile: Profile, wanted: list[str],
                max_row: int | None = None) -> tuple[_Sheet, list[str], list[str]] | None:
    """The table of ``sheet`` (its first ``max_row`` rows) under the first row holding every ``wanted``
    column, or None when the sheet is blank. Also returns the first candidate header's missing
    columns and cells (a sheet whose header is not found has no rows)."""
    table = _Sheet(sheet.title)
    first_candidate: list[str] | None = None
    missing: list[str] = []
    above: list[str] = []
    header: list[str] | None = None
    titles: set[str] = set()  # the lines above the header: a report's title, written again on each page
    sections = SECTION_COLUMN in wanted
    for number, row in enumerate(sheet.iter_rows(values_only=True, max_row=max_row), start=1):
        table.last_row = number
        cells = [render_cell(v, profile.decimal) for v in row]
        if number <= profile.skip_lines:
            if any(c is not None and c.strip() for c in cells):
                above.append(" ".join(c.strip() for c in cells if c is not None and c.strip()))
            continue
        again = header is not None and [(c or "").strip() for c in cells][:len(header)] == header
        if all(c is None or not c.strip() for c in cells) or again or (
                header is not None and " ".join(c.strip() for c in cells if c is not None and c.strip()) in titles):
            # A blank row; or the header again, at the top of a report's next page (or of the same export
            # twice in one sheet: ``source.refuse_rows_twice``), or the title block above it, on that page too.
            if header is not None:
                table.blank += 1
                if again:
                    table.header_again.append(number)
            continue
        if header is None:
            written = [(c or "").strip() for c in cells]
            candidate = ranked_names(written)
            _positions, absent = header_positions([*candidate, *_VIRTUAL], wanted)
            if absent:
                if first_candidate is None:
                    first_candidate, missing = candidate, absent
                if not profile.every_sheet:
                    return table, missing, first_candidate  # the caller says where the header is
                above.append(" ".join(c for c in candidate if c))
                continue
            header = written  # as the header again at the top of a report's next page writes it
            titles = set(above)
            table.header, table.header_line = candidate, number
            table.title = above[0] if above else ""
            continue
        if sections and (show := first_cell_alone(cells)) is not None:
            table.sections.append(show)  # a line naming the show of the rows below
            continue
        table.rows.append((number, cells))
        table.row_sections.append(table.sections[-1] if table.sections else None)
    if header is None and first_candidate is None and not above:
        return None
    return table, missing if header is None else [], first_candidate or []


def _same_layout(book: Any, read: _Sheet, profile: Profile, wanted: list[str]) -> list[tuple[str, int]]:
    """The other sheets of ``book`` with the very header of the sheet ``read`` (one sheet per
    performance or per month), and their rows; a sheet of other columns holding the mapped ones too
    (pretix's orders beside their positions) is another table, not more of the same."""
    others = []
    every = replace(profile, every_sheet=True)
    for other in book.worksheets:
        if other.title == read.name:
            continue
        # The header is looked for in the sheet's first rows; only a sheet laid out alike is read whole.
        head = _read_sheet(other, every, wanted, max_row=profile.skip_lines + _HEADER_SEARCH_ROWS)
        if head is not None and head[0].header == read.header and (found := _read_sheet(other, every, wanted)):
            others.append((other.title, len(found[0].rows)))
    return others


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, profile: Profile) -> SourceInfo:
    """Create the ``xlsx_rows`` table from the profile's sheet of the workbook ``path`` (or every
    sheet laid out with its columns, ``sheets: all``): each row's mapped cells as text columns
    ``c1…cn``, described by a relation like the text readers'."""
    book, sheet = _open_sheet(path, profile)
    serial_base = book.serial_base
    read = profile.source_columns()
    wanted = read
    if profile.attendees is not None:  # the attendees' columns are found once the header is (``_spread``)
        names = {unnumbered(stem) for stem in profile.attendees.numbered}
        wanted = [c for c in read if c not in names and c.removesuffix(" (n)") not in names]
    tables: list[_Sheet] = []
    notes: list[str] = []
    try:
        sheets = book.worksheets if profile.every_sheet else [sheet]
        unread: list[str] = []
        for each in sheets:
            found = _read_sheet(each, profile, wanted)
            if found is None:
                continue  # a blank sheet
            table, missing, candidate = found
            if table.header:
                tables.append(table)
            elif not profile.every_sheet:
                if not candidate:  # nothing below the lines skipped
                    raise empty_file(path)
                # A title block above the table, or the table on another sheet: say where.
                following = [(n, [c or "" for c in (render_cell(v, profile.decimal) for v in r)])
                             for n, r in enumerate(each.iter_rows(values_only=True, max_row=50), start=1)]
                raise missing_columns(path, profile, [m for m in missing if m not in _VIRTUAL], candidate,
                                      _sheet_hint(profile, book, each, following))
            else:
                unread.append(each.title)
        if profile.every_sheet and not tables:
            first = _read_sheet(book.worksheets[0], replace(profile, every_sheet=False), wanted)
            if first is None:
                raise empty_file(path)
            raise missing_columns(path, profile, [m for m in first[1] if m not in _VIRTUAL], first[2],
                                  _("no sheet of the workbook has a row with these columns"))
        if unread:
            notes.append(plural(len(unread),
                                "The sheet {sheets} has no row with the mapping's columns: it was not read.",
                                "The sheets {sheets} have no row with the mapping's columns: they were not read.").format(
                sheets=", ".join(f"«{name}»" for name in unread)))
        if not profile.every_sheet and tables:
            others = _same_layout(book, tables[0], profile, wanted)
            rows = sum(n for _name, n in others)
            if rows:
                notes.append(plural(len(others),
                                    "The sheet {sheets} is laid out like «{read}» (rows: {rows}): only «{read}» was "
                                    "read. Add `sheets: all` to the mapping to read every sheet.",
                                    "The sheets {sheets} are laid out like «{read}» (rows: {rows}): only «{read}» was "
                                    "read. Add `sheets: all` to the mapping to read every sheet.").format(
                    sheets=", ".join(f"«{name}»" for name, _n in others), read=sheet.title, rows=count(rows)))
    finally:
        book.close()
    if not tables:
        raise empty_file(path)
    if not any(t.rows for t in tables):
        raise header_only(path)
    spread = _spread(tables, profile, path) if profile.attendees is not None else None
    columns = [c for c in read if c not in _VIRTUAL] + [c for c in _VIRTUAL if c in read]
    line_nos: list[int] = []
    raws: list[str] = []
    cells_by_column: list[list[str | None]] = [[] for _c in columns]
    offset = 0
    header_again: list[int] = []
    for table in tables:
        positions, _missing = header_positions(table.header, [c for c in columns if c not in _VIRTUAL])
        refuse_ambiguous_columns(path, table.header, positions)
        for k, (number, cells) in enumerate(table.rows):
            buffer = io.StringIO()
            written = ["" if c is None else c for c in cells]
            # Rows of several sheets are numbered one after the other; the rejects file says each
            # row's sheet and its number there, as Excel writes a reference ('Sam 10 oct'!14).
            csv.writer(buffer, lineterminator="").writerow(
                [f"'{table.name}'!{number}", *written] if profile.every_sheet else written)
            line_nos.append(offset + number)
            raws.append(buffer.getvalue())
            for i, column in enumerate(columns):
                if column == SHEET_COLUMN:
                    value: str | None = table.name
                elif column == SHEET_TITLE_COLUMN:
                    value = table.title or None
                elif column == SECTION_COLUMN:
                    value = table.row_sections[k]
                else:
                    at = positions[column] - 1
                    value = cells[at] if at < len(cells) else None
                cells_by_column[i].append(value.strip() if value is not None else None)
        header_again += [offset + number for number in table.header_again]
        offset += table.last_row if profile.every_sheet and spread is None else 0
    n = len(line_nos)
    data: dict[str, Any] = {
        "line_no": pa.array(line_nos, pa.int64()), "raw": pa.array(raws, pa.string()),
        "blank": pa.array([False] * n, pa.bool_()), "malformed": pa.array([False] * n, pa.bool_()),
    }
    for i, column_values in enumerate(cells_by_column, start=1):
        data[f"c{i}"] = pa.array(column_values, pa.string())
    con.register("xlsx_rows", pa.table(data))
    index = {column: i for i, column in enumerate(columns, start=1)}
    fields, params = field_expressions(profile, lambda column: f"c{index[column]}", path)
    # Blank spreadsheet rows are not rows; they are counted for the summary only.
    relation = f"""(SELECT line_no, raw, blank, malformed, {", ".join(fields)}
                    FROM xlsx_rows WHERE true /*lines*/)"""
    sections = [text for t in tables for text in t.sections]
    # Lines naming a show are counted apart from blank ones (``prepare``); both are no rows.
    return SourceInfo(path=path, text_path=None, header=tables[0].header, header_line=tables[0].header_line,
                      relation=relation, params=params, blank_rows=sum(t.blank for t in tables) + len(sections),
                      notes=notes, section_lines=len(sections), first_section=sections[0] if sections else None,
                      serial_base=serial_base, header_again=header_again, attendees=spread)


def _spread(tables: list[_Sheet], profile: Profile, path: Path) -> Spread:
    """Each table's rows one line per attendee (``attendees``), numbered one after the other across sheets: the
    ``Spread`` names each line's row of its sheet and attendee."""
    assert profile.attendees is not None
    spread = Spread([])
    for table in tables:
        p = checked_plan(table.header, profile.attendees, path.name)
        lines = spread_table(p, table.rows, profile.decimal, 2 if profile.amount_scale == 1 else 0, spread)
        if profile.every_sheet:
            spread.sheets.extend([table.name] * len(lines))
        table.header, table.header_again = p.header, []
        table.row_sections = [table.row_sections[k] for k, _n, _cells in lines]
        table.rows = [(number, cells) for _k, number, cells in lines]
    return spread
