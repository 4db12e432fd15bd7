"""Opening a spreadsheet workbook whatever program wrote it: an Excel workbook (.xlsx) through
openpyxl, an Excel 97–2003 workbook (.xls, which many ticketing back offices still export) and a
LibreOffice or OpenOffice spreadsheet (.ods, what a small association saves) through calamine;
and the two files web back offices call an Excel export: a web page holding the table (often named
.xls), each of its tables a sheet, and an Excel 2003 XML spreadsheet.

Both come behind the one interface the readers use, openpyxl's read-only one: ``book.worksheets``,
``book.sheetnames``, ``book[name]``, ``sheet.title``, ``sheet.iter_rows(values_only=True,
max_row=…)`` (every row from the sheet's first, as Excel numbers them; an empty cell is None) and
``book.close()``. Cells keep their types: numbers, dates and times as Python values (a day as a
datetime at midnight, as openpyxl gives it), so the same ``render_cell`` reads them all.

A cell merged down over several rows (an order's number, buyer and e-mail written once beside its
tickets) is read on every row it spans, as the sheet shows it; a cell merged across columns keeps
its text in its first column, the others empty (a group's name over the columns it heads).
``book.serial_base`` is the day a number in a date column counts from: 30 December 1899, or 1
January 1904 in a workbook of Excel for Mac's 1904 date system.
"""

from __future__ import annotations

import codecs
import functools
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest.filekind import sniff
from culturecoop.ingest.shapes import EXCEL_EPOCH

# A merged range: first row, first column, last row, last column (1-based, as Excel numbers them).
Merge = tuple[int, int, int, int]
# Day 0 of Excel's serial dates in Excel for Mac's 1904 date system (``shapes.EXCEL_EPOCH``: the 1900 one).
EXCEL_1904 = datetime(1904, 1, 1)


def fill_merged_down(rows: Iterable[tuple[Any, ...]], merges: list[Merge]) -> Iterator[tuple[Any, ...]]:
    """``rows`` (the sheet's from its first) with each range merged over several rows read on every
    row it spans: its first row's cells, written where the sheet leaves the row empty. Ranges of one
    row (a group's name over several columns) are left as they are."""
    tall = sorted((m for m in merges if m[2] > m[0]), key=lambda m: m[0])
    if not tall:
        yield from rows
        return
    waiting = 0  # the next range of ``tall`` whose first row is still to come
    open_ranges: list[tuple[Merge, tuple[Any, ...]]] = []  # ranges under way, with their first row's cells
    for number, row in enumerate(rows, start=1):
        open_ranges = [(m, cells) for m, cells in open_ranges if m[2] >= number]
        starting = []
        while waiting < len(tall) and tall[waiting][0] <= number:
            if tall[waiting][0] == number:
                starting.append(tall[waiting])
            waiting += 1
        if open_ranges:
            filled = list(row)
            for (_top, left, _bottom, right), cells in open_ranges:
                if len(filled) < right:
                    filled.extend([None] * (right - len(filled)))
                for column, value in zip(range(left, right + 1), cells, strict=True):
                    if filled[column - 1] is None:
                        filled[column - 1] = value
            row = tuple(filled)
        for merge in starting:
            _top, left, _bottom, right = merge
            open_ranges.append((merge, tuple(row[c - 1] if c <= len(row) else None for c in range(left, right + 1))))
        yield row


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?\"")


@functools.lru_cache(maxsize=4096)
def _column_number(letters: bytes) -> int:
    """The column ``AB`` as Excel numbers it (28)."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _xlsx_merges(sheet: Any) -> list[Merge]:
    """The merged ranges of an .xlsx sheet that openpyxl reads in read-only mode (which does not say
    them): the ``mergeCell`` elements after the sheet's cells, found in its XML without parsing the
    cells again (a pass of decompression and a byte search over a large sheet)."""
    try:
        source = sheet.parent._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError, OSError):
        return []
    after: list[bytes] = []
    tail = b""
    with source:
        while chunk := source.read(1 << 20):
            if after:
                after.append(chunk)
                continue
            data = tail + chunk
            # A byte search, quick over the cells before (their text may hold the word, never the tag).
            at = data.find(b"mergeCell")
            if at < 0:
                tail = data[-16:]
            else:
                after.append(data[max(0, at - 16):])
    merges = []
    for left, top, right, bottom in _MERGE_CELL.findall(b"".join(after)):
        first_row, first_column = int(top), _column_number(left)
        last_row, last_column = (int(bottom), _column_number(right)) if right else (first_row, first_column)
        merges.append((min(first_row, last_row), min(first_column, last_column),
                       max(first_row, last_row), max(first_column, last_column)))
    return merges


class _XlsxSheet:
    """One sheet of an .xlsx read by openpyxl's read-only reader, merged cells read as the sheet shows them."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet
        self.title = sheet.title
        self._merges: list[Merge] | None = None

    def iter_rows(self, values_only: bool = True, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        if self._merges is None:
            self._merges = _xlsx_merges(self._sheet)
        yield from fill_merged_down(self._sheet.iter_rows(values_only=True, max_row=max_row), self._merges)


class _CalamineSheet:
    """One sheet of a workbook read by calamine, loaded when first read."""

    def __init__(self, book: Any, title: str, damaged: UserError) -> None:
        self._book = book
        self.title = title
        self._damaged = damaged  # what to say when the sheet's cells cannot be read
        self._rows: list[list[Any]] | None = None
        self._merges: list[Merge] = []

    def iter_rows(self, values_only: bool = True, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        if self._rows is None:
            try:
                sheet = self._book.get_sheet_by_name(self.title)
                # Every row and column from A1, empty ones included, so that row numbers are Excel's.
                self._rows = sheet.to_python(skip_empty_area=False)
                # Merged ranges, counted from 0 (an .xls says them; calamine reads none in an .ods).
                self._merges = [(top + 1, left + 1, bottom + 1, right + 1)
                                for (top, left), (bottom, right) in sheet.merged_cell_ranges or []]
            except Exception:  # calamine raises its own errors for every unreadable sheet
                raise self._damaged from None
        rows = self._rows if max_row is None else self._rows[:max_row]
        yield from fill_merged_down((tuple(_as_openpyxl(v) for v in row) for row in rows), self._merges)


def _as_openpyxl(value: Any) -> Any:
    """A cell as openpyxl gives it: an empty cell is None, and a day is a datetime at midnight."""
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


class _RowsSheet:
    """A sheet already read whole: a web page's table, an XML spreadsheet's worksheet."""

    def __init__(self, title: str, rows: list[list[Any]], merges: list[Merge] | None = None) -> None:
        self.title = title
        width = max((len(r) for r in rows), default=0)
        padded = [tuple(row) + (None,) * (width - len(row)) for row in rows]  # every row as wide
        self._rows = list(fill_merged_down(padded, merges or []))

    def iter_rows(self, values_only: bool = True, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        yield from self._rows if max_row is None else self._rows[:max_row]


class _Book:
    """The sheets of a workbook, with the part of openpyxl's interface the readers use."""

    def __init__(self, sheets: list[Any], on_close: Any = None, serial_base: datetime = EXCEL_EPOCH) -> None:
        self.worksheets = sheets
        self.sheetnames = [sheet.title for sheet in sheets]
        self._on_close = on_close
        self.serial_base = serial_base

    def __getitem__(self, name: str) -> Any:
        return self.worksheets[self.sheetnames.index(name)]

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()


_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "br", "li", "section", "header", "hr", "center", "body"}


class _Tables(HTMLParser):
    """The tables of a web page, each as its rows of cell texts (a cell spanning columns fills them:
    the first with its text, the others empty; a cell spanning rows is read on each, as a cell merged
    down in a workbook, and the cells beside it keep their columns), with the last line of text written above it outside
    any table (a report's « Tartuffe – samedi 12 mars, 20 h » heading each performance's table).
    A table inside a cell is a table of its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str | None]]] = []
        self.titles: list[str] = []
        self._titles_open: list[str] = []
        self._block: list[str] = []  # text outside any table, since the last block boundary
        self._title = ""  # the last line of such text
        self._open: list[list[list[str | None]]] = []
        self._cells: list[list[str] | None] = []  # per open table: the text of its cell being read
        self._spans: list[int] = []
        self._row_spans: list[int] = []
        # Per open table: column -> (rows still to fill, text) of the cells spanning rows above.
        self._carried: list[dict[int, tuple[int, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS or tag == "table":
            self._end_block()
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._titles_open.append("" if self._open else self._title)
            if not self._open:
                self._title = ""
            self._open.append([])
            self._cells.append(None)
            self._spans.append(1)
            self._row_spans.append(1)
            self._carried.append({})
        elif not self._open:
            return
        elif tag == "tr":
            self._end_cell()
            self._end_row()
            self._open[-1].append([])
        elif tag in ("td", "th"):
            self._end_cell()
            if not self._open[-1]:
                self._open[-1].append([])
            self._cells[-1] = []
            self._spans[-1] = _span(dict(attrs).get("colspan"), 100)
            self._row_spans[-1] = _span(dict(attrs).get("rowspan"), 100_000)
        elif tag == "br" and self._cells[-1] is not None:
            self._cells[-1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._end_block()
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table" and self._open:
            self._end_cell()
            self._end_row()
            self.tables.append(self._open.pop())
            self.titles.append(self._titles_open.pop())
            self._cells.pop()
            self._spans.pop()
            self._row_spans.pop()
            self._carried.pop()
        elif tag in ("td", "th", "tr") and self._open:
            self._end_cell()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cells and self._cells[-1] is not None:
            self._cells[-1].append(data)
        elif not self._open:
            self._block.append(data)

    def _end_block(self) -> None:
        if self._open:
            return
        text = " ".join("".join(self._block).split())
        if text:
            self._title = text[:300]
        self._block = []

    def _end_cell(self) -> None:
        if not self._open or self._cells[-1] is None:
            return
        text = " ".join("".join(self._cells[-1]).split())
        row = self._open[-1][-1]
        self._fill_carried(row)
        start = len(row)
        row.extend([text or None] + [None] * (self._spans[-1] - 1))
        if self._row_spans[-1] > 1:
            for column in range(start, len(row)):
                self._carried[-1][column] = (self._row_spans[-1] - 1, row[column])
        self._cells[-1] = None

    def _fill_carried(self, row: list[str | None]) -> None:
        """Put in ``row``, from its end, the cells spanning down into it from the rows above."""
        carried = self._carried[-1]
        while len(row) in carried:
            left, text = carried.pop(len(row))
            row.append(text)
            if left > 1:
                carried[len(row) - 1] = (left - 1, text)

    def _end_row(self) -> None:
        """The open table's last row ends: the cells spanning down into it after its own are put in."""
        if self._open and self._open[-1] and self._carried[-1]:
            self._fill_carried(self._open[-1][-1])


def _span(value: str | None, most: int) -> int:
    """A cell's colspan or rowspan: a whole number from 1 to ``most``, else 1."""
    text = (value or "").strip()
    return min(int(text), most) if text.isdigit() and int(text) > 0 else 1


def _page_text(data: bytes) -> str:
    """A web page's text: in its byte-order mark's encoding, or its declared charset, or UTF-8, or
    Windows-1252 (what French back offices write when UTF-8 fails)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _page_book(path: Path) -> _Book:
    """The tables of a web page that hold data (two rows of two filled cells at least), each a sheet
    under the line written above it."""
    parser = _Tables()
    parser.feed(_page_text(path.read_bytes()))
    parser.close()
    tables = [([[title]] if title else []) + table for table, title in zip(parser.tables, parser.titles, strict=True)
              if sum(1 for row in table if sum(1 for c in row if c) >= 2) >= 2]
    if not tables:
        raise UserError(
            _("The file {path} is a web page (HTML) with no table of data; download the export file itself, or "
              "open this page in Excel and save it as CSV UTF-8.").format(path=path.name))
    # Sheet names are the mapping's words (`sheet: Table 2`), the same in every language.
    return _Book([_RowsSheet(f"Table {n}", [list(row) for row in rows]) for n, rows in enumerate(tables, start=1)])


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _ss_value(data: ElementTree.Element | None) -> Any:
    if data is None:
        return None
    text = "".join(data.itertext())
    kind = data.get(f"{_SS}Type", "String")
    try:
        if kind == "Number":
            number = float(text)
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
        if kind == "DateTime":
            return datetime.fromisoformat(text[:19])
        if kind == "Boolean":
            return text.strip() == "1"
    except ValueError:
        pass
    return text if text.strip() else None


def _xml_book(path: Path) -> _Book:
    """An Excel 2003 XML spreadsheet (SpreadsheetML): its worksheets, cells typed as written."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        raise UserError(
            _("The file {path} is a damaged Excel 2003 XML spreadsheet; export it again, or open it in Excel and "
              "save it as .xlsx.").format(path=path.name)) from None
    sheets = []
    for number, worksheet in enumerate(root.iter(f"{_SS}Worksheet"), start=1):
        rows: list[list[Any]] = []
        merges: list[Merge] = []
        for row in worksheet.iter(f"{_SS}Row"):
            at = row.get(f"{_SS}Index")
            while at and at.isdigit() and len(rows) < min(int(at), 1_048_576) - 1:
                rows.append([])  # rows skipped by an index are empty
            cells: list[Any] = []
            for cell in row.iter(f"{_SS}Cell"):
                index = cell.get(f"{_SS}Index")
                while index and index.isdigit() and len(cells) < min(int(index), 16_384) - 1:
                    cells.append(None)
                cells.append(_ss_value(cell.find(f"{_SS}Data")))
                across, down = cell.get(f"{_SS}MergeAcross"), cell.get(f"{_SS}MergeDown")
                wide = min(int(across), 100) if across and across.isdigit() else 0
                if down and down.isdigit() and int(down) > 0:
                    merges.append((len(rows) + 1, len(cells), len(rows) + 1 + min(int(down), 100_000), len(cells) + wide))
                cells.extend([None] * wide)
            rows.append(cells)
        sheets.append(_RowsSheet(worksheet.get(f"{_SS}Name") or f"Table {number}", rows, merges))
    if not sheets:
        raise UserError(_("The file {path} is an Excel 2003 XML spreadsheet with no sheet; export it again.").format(
            path=path.name))
    return _Book(sheets)


def open_workbook(path: Path, kind: str | None = None) -> Any:
    """The workbook ``path`` (.xlsx, .xls, .ods, a web page of tables or an Excel 2003 XML
    spreadsheet), or ``UserError`` saying why it cannot be read (``kind``: its ``filekind.sniff``,
    when the caller has it)."""
    kind = kind or sniff(path)
    if kind == "xlsx":
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        # Given an open file, not its name: openpyxl refuses a name that does not end in .xlsx, and a
        # workbook renamed ventes.csv, or sent as .xls, is a workbook all the same.
        handle = path.open("rb")
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            handle.close()
            raise UserError(
                _("The file {path} is an Excel workbook (.xlsx), but a damaged one; open it in Excel or LibreOffice "
                  "and save it again as .xlsx or CSV, then prepare that file.").format(path=path.name)) from None

        def close() -> None:
            try:
                workbook.close()
            finally:
                handle.close()

        return _Book([_XlsxSheet(sheet) for sheet in workbook.worksheets], close,
                     EXCEL_1904 if workbook.epoch == EXCEL_1904 else EXCEL_EPOCH)
    if kind in ("ole", "ods"):
        from python_calamine import CalamineWorkbook

        damaged = UserError(
            _("The file {path} is an Excel workbook protected by a password, or a damaged one; open it in Excel and "
              "save it as .xlsx without a password (or as CSV UTF-8), then prepare that file.").format(path=path.name)
            if kind == "ole" else
            _("The file {path} is a damaged OpenDocument spreadsheet (.ods); open it in LibreOffice and save it "
              "again, then prepare that file.").format(path=path.name))
        try:
            if path.suffix.lower() == (".xls" if kind == "ole" else ".ods"):
                book = CalamineWorkbook.from_path(str(path))
            else:  # calamine reads a path by its extension: a workbook renamed is read by its content
                with path.open("rb") as handle:
                    book = CalamineWorkbook.from_filelike(handle)
            metadata = book.sheets_metadata
        except Exception:  # calamine raises its own errors for every unreadable file
            raise damaged from None
        # Worksheets only: a chart sheet holds no cells.
        names = [m.name for m in metadata if str(m.typ).endswith("WorkSheet")] or list(book.sheet_names)
        return _Book([_CalamineSheet(book, name, damaged) for name in names], book.close)
    if kind == "html":
        return _page_book(path)
    if kind == "xml-spreadsheet":
        return _xml_book(path)
    if kind == "xlsb":
        raise UserError(
            _("The file {path} is a binary Excel workbook (.xlsb); open it in Excel and save it as .xlsx "
              "(or as CSV UTF-8), then prepare that file.").format(path=path.name))
    raise UserError(
        _("The file {path} is not a workbook (.xlsx, .xls or .ods); use a mapping with `format: csv` for a text "
          "export.").format(path=path.name))
