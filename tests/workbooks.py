"""Writing one table as a workbook of each format venues send: Excel's .xlsx (openpyxl), Excel
97–2003's .xls (xlwt) and LibreOffice's .ods (its XML written here, as LibreOffice lays it out),
with typed cells: numbers as numbers, dates and times as dates, text as text; and the two files web
back offices call an Excel export: a web page of tables named .xls (in Windows-1252, its cells as
French screens write them: `12/03/2026 20:00`, `32,00`) and an Excel 2003 XML spreadsheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

Sheets = dict[str, list[list[Any]]]  # sheet name → its rows (None: an empty cell)


def write_xlsx(path: Path, sheets: Sheets) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, sheets: Sheets) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    when = xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM")
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write(r, c, value, when)
                elif isinstance(value, dt.date):
                    sheet.write(r, c, value, day)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        raise TypeError("no booleans in these tables")
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, dt.datetime):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f'<text:p>{value:%d/%m/%Y %H:%M}</text:p></table:table-cell>')
    if isinstance(value, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f'<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: Sheets) -> Path:
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        # The media type first and uncompressed, as the format asks (and as file kinds are told).
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _as_screen_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def write_html(path: Path, sheets: Sheets) -> Path:
    """Each sheet a table of the page; a row of one cell spans the table, as a title does."""
    width = max(len(row) for rows in sheets.values() for row in rows)
    tables = []
    for rows in sheets.values():
        lines, header_written = [], False
        for row in rows:
            filled = [c for c in row if c is not None]
            if len(filled) == 1 and row[0] is not None:
                lines.append(f'<tr><td colspan="{width}"><b>{escape(_as_screen_text(row[0]))}</b></td></tr>')
                continue
            tag = "td" if header_written or not filled else "th"
            header_written = header_written or bool(filled)
            lines.append("<tr>" + "".join(f"<{tag}>{escape(_as_screen_text(c))}</{tag}>" for c in row) + "</tr>")
        tables.append('<table border="1">\n' + "\n".join(lines) + "\n</table>")
    page = ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            "<style>td { mso-number-format: '\\@'; }</style></head><body>\n"
            + "\n<br>\n".join(tables) + "\n</body></html>\n")
    path.write_bytes(page.encode("cp1252"))
    return path


def _ss_cell(value: Any) -> str:
    if value is None:
        return "<Cell/>"
    if isinstance(value, int | float):
        return f'<Cell><Data ss:Type="Number">{value}</Data></Cell>'
    if isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return f'<Cell ss:StyleID="d"><Data ss:Type="DateTime">{moment:%Y-%m-%dT%H:%M:%S}.000</Data></Cell>'
    return f'<Cell><Data ss:Type="String">{escape(str(value))}</Data></Cell>'


def write_spreadsheet_ml(path: Path, sheets: Sheets) -> Path:
    """An Excel 2003 XML spreadsheet, as report tools write one (empty rows left out, the next row
    saying its index)."""
    parts = []
    for name, rows in sheets.items():
        lines, skipped = [], False
        for n, row in enumerate(rows, start=1):
            if all(c is None for c in row):
                skipped = True
                continue
            index = f' ss:Index="{n}"' if skipped else ""
            skipped = False
            lines.append(f"<Row{index}>" + "".join(_ss_cell(c) for c in row) + "</Row>")
        parts.append(f'<Worksheet ss:Name="{escape(name)}"><Table>' + "".join(lines) + "</Table></Worksheet>")
    document = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">' + "".join(parts) + "</Workbook>\n")
    path.write_text(document, encoding="utf-8")
    return path


WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}
