"""Reading an Excel workbook (.xlsx) into the ``src`` table (see ``ingest.read``).

Spreadsheet rows are numbered as Excel shows them, so a reject's line number is the row a
member finds in the workbook; the raw line of a reject is the row's cells as CSV text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.profile import CANONICAL_FIELDS, Profile
from culturecoop.ingest.read import (
    SourceInfo,
    arrow_src,
    empty_file,
    header_only,
    match_columns,
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


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, profile: Profile) -> SourceInfo:
    """Create ``src`` from the profile's sheet of the workbook ``path``."""
    book, sheet = _open_sheet(path, profile)
    try:
        header: list[str] | None = None
        header_line = 0
        positions: dict[str, int] = {}
        line_nos: list[int] = []
        raws: list[str] = []
        columns: dict[str, list[str | None]] = {f: [] for f in CANONICAL_FIELDS}
        blank = 0
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [render_cell(v, profile.decimal) for v in row]
            if number <= profile.skip_lines:
                continue
            if all(c is None or not c.strip() for c in cells):
                if header is not None:
                    blank += 1
                continue
            if header is None:
                header = [(c or "").strip() for c in cells]
                header_line = number
                positions = match_columns(path, profile, header)
                continue
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(["" if c is None else c for c in cells])
            line_nos.append(number)
            raws.append(buffer.getvalue())
            for field in CANONICAL_FIELDS:
                pos = positions.get(field)
                value = cells[pos - 1] if pos is not None and pos <= len(cells) else None
                value = value.strip() if value is not None else None
                columns[field].append(value or None)
    finally:
        book.close()
    if header is None:
        raise empty_file(path)
    if not line_nos:
        raise header_only(path)
    con.register("xlsx_rows", arrow_src(line_nos, raws, columns))
    # Blank spreadsheet rows are not rows; they are counted for the summary only.
    return SourceInfo(path=path, text_path=None, header=header, header_line=header_line,
                      relation="(SELECT * FROM xlsx_rows WHERE true /*lines*/)", params={}, blank_rows=blank)
