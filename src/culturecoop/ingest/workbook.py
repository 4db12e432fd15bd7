"""Opening a spreadsheet workbook whatever program wrote it: an Excel workbook (.xlsx) through
openpyxl, an Excel 97–2003 workbook (.xls, which many ticketing back offices still export) and a
LibreOffice or OpenOffice spreadsheet (.ods, what a small association saves) through calamine.

Both come behind the one interface the readers use, openpyxl's read-only one: ``book.worksheets``,
``book.sheetnames``, ``book[name]``, ``sheet.title``, ``sheet.iter_rows(values_only=True,
max_row=…)`` (every row from the sheet's first, as Excel numbers them; an empty cell is None) and
``book.close()``. Cells keep their types: numbers, dates and times as Python values (a day as a
datetime at midnight, as openpyxl gives it), so the same ``render_cell`` reads them all.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.filekind import sniff


class _CalamineSheet:
    """One sheet of a workbook read by calamine, loaded when first read."""

    def __init__(self, book: Any, title: str) -> None:
        self._book = book
        self.title = title
        self._rows: list[list[Any]] | None = None

    def iter_rows(self, values_only: bool = True, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        if self._rows is None:
            # Every row and column from A1, empty ones included, so that row numbers are Excel's.
            self._rows = self._book.get_sheet_by_name(self.title).to_python(skip_empty_area=False)
        rows = self._rows if max_row is None else self._rows[:max_row]
        for row in rows:
            yield tuple(_as_openpyxl(v) for v in row)


def _as_openpyxl(value: Any) -> Any:
    """A cell as openpyxl gives it: an empty cell is None, and a day is a datetime at midnight."""
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


class _CalamineBook:
    """A workbook read by calamine, with the part of openpyxl's interface the readers use."""

    def __init__(self, book: Any) -> None:
        self._book = book
        visible = [m.name for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        self.sheetnames = visible or list(book.sheet_names)
        self.worksheets = [_CalamineSheet(book, name) for name in self.sheetnames]

    def __getitem__(self, name: str) -> _CalamineSheet:
        return self.worksheets[self.sheetnames.index(name)]

    def close(self) -> None:
        self._book.close()


def open_workbook(path: Path) -> Any:
    """The workbook ``path`` (.xlsx, .xls or .ods), or ``UserError`` saying why it cannot be read."""
    kind = sniff(path)
    if kind == "xlsx":
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            return load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise UserError(
                _("The file {path} is not a readable Excel workbook; open it in Excel or LibreOffice and save "
                  "it again as .xlsx or CSV.").format(path=path.name)) from None
    if kind in ("ole", "ods"):
        from python_calamine import CalamineWorkbook

        try:
            return _CalamineBook(CalamineWorkbook.from_path(str(path)))
        except Exception:
            if kind == "ole":
                raise UserError(
                    _("The file {path} is an Excel workbook protected by a password, or a damaged one; open it "
                      "in Excel and save it as .xlsx without a password (or as CSV UTF-8), then prepare that "
                      "file.").format(path=path.name)) from None
            raise UserError(
                _("The file {path} is a damaged OpenDocument spreadsheet (.ods); open it in LibreOffice and save "
                  "it again, then prepare that file.").format(path=path.name)) from None
    raise UserError(
        _("The file {path} is not a workbook (.xlsx, .xls or .ods); use a mapping with `format: csv` for a text "
          "export.").format(path=path.name))
