"""Reading an Excel workbook (.xlsx) into the ``src`` table (see ``ingest.read``).

Spreadsheet rows are numbered as Excel shows them, so a reject's line number is the row a
member finds in the workbook; the raw line of a reject is the row's cells as CSV text.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.columns import field_expressions
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.source import (
    SourceInfo,
    empty_file,
    header_hint,
    header_only,
    header_positions,
    missing_columns,
    render_cell,
)


def _open_sheet(path: Path, profile: Profile) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise UserError(
            _("The file {path} is not an Excel workbook (.xlsx); save it as .xlsx or use a CSV profile.").format(
                path=path.name)
        ) from None
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


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, profile: Profile) -> SourceInfo:
    """Create the ``xlsx_rows`` table from the profile's sheet of the workbook ``path``: each
    row's cells as text columns ``c1…cn``, described by a relation like the text readers'."""
    book, sheet = _open_sheet(path, profile)
    try:
        header: list[str] | None = None
        header_line = 0
        positions: dict[str, int] = {}
        line_nos: list[int] = []
        raws: list[str] = []
        cells_by_column: list[list[str | None]] = []
        blank = 0
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        for number, row in rows:
            cells = [render_cell(v, profile.decimal) for v in row]
            if number <= profile.skip_lines:
                continue
            if all(c is None or not c.strip() for c in cells) or (
                    header is not None and [(c or "").strip() for c in cells][:len(header)] == header):
                # A blank row; or the header again, at the top of a report's next page.
                if header is not None:
                    blank += 1
                continue
            if header is None:
                candidate = [(c or "").strip() for c in cells]
                positions, missing = header_positions(candidate, profile.source_columns())
                if missing:
                    # A title block above the table, or the table on another sheet: say where.
                    following = [(n, [c or "" for c in (render_cell(v, profile.decimal) for v in r)])
                                 for n, r in itertools.islice(rows, 50)]
                    raise missing_columns(path, profile, missing, candidate,
                                           _sheet_hint(profile, book, sheet, following))
                header = candidate
                header_line = number
                cells_by_column = [[] for _c in header]
                continue
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(["" if c is None else c for c in cells])
            line_nos.append(number)
            raws.append(buffer.getvalue())
            for i, column in enumerate(cells_by_column):
                value = cells[i] if i < len(cells) else None
                column.append(value.strip() if value is not None else None)
    finally:
        book.close()
    if header is None:
        raise empty_file(path)
    if not line_nos:
        raise header_only(path)
    n = len(line_nos)
    data: dict[str, Any] = {
        "line_no": pa.array(line_nos, pa.int64()), "raw": pa.array(raws, pa.string()),
        "blank": pa.array([False] * n, pa.bool_()), "malformed": pa.array([False] * n, pa.bool_()),
    }
    for i, column in enumerate(cells_by_column, start=1):
        data[f"c{i}"] = pa.array(column, pa.string())
    con.register("xlsx_rows", pa.table(data))
    fields, params = field_expressions(profile, lambda column: f"c{positions[column]}", path)
    # Blank spreadsheet rows are not rows; they are counted for the summary only.
    relation = f"""(SELECT line_no, raw, blank, malformed, {", ".join(fields)}
                    FROM xlsx_rows WHERE true /*lines*/)"""
    return SourceInfo(path=path, text_path=None, header=header, header_line=header_line,
                      relation=relation, params=params, blank_rows=blank)
