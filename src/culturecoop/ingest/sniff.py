"""Looking at an unknown export: its format, encoding, separator, header row or sheet.

``sniff(path)`` reads the head of the file (the whole file only for the UTF-8 check, in
streaming chunks) and returns a ``Sample``: the settings a mapping needs to read the file, the
evidence for each, the header and the first rows as text, as ``prepare`` will see them.
Anything that is not a table (empty, binary, a PDF, a web page, an old ``.xls``, one column,
no header) is one ``UserError`` sentence that says what to export instead.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import _, plural
from culturecoop.i18n import count as count_text
from culturecoop.i18n import share as share_text
from culturecoop.ingest import filekind
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.encodings import FALLBACK, mac_roman_rather, mostly_utf8, utf8_letters
from culturecoop.ingest.filekind import holds_binary
from culturecoop.ingest.jsondoc import is_document, records, too_deep
from culturecoop.ingest.profile import SECTION_COLUMN, SHEET_COLUMN, SHEET_TITLE_COLUMN
from culturecoop.ingest.quoting import single_quoted
from culturecoop.ingest.read import empty_file, header_only, render_cell, wrapped_header
from culturecoop.ingest.source import (
    cut_in_a_character,
    first_cell_alone,
    header_across_lines,
    header_again,
    is_header_again,
    open_quote_start,
    ranked_names,
)
from culturecoop.ingest.total_lines import is_count_row, is_subtotal_row
from culturecoop.ingest.workbook import open_workbook

SAMPLE_ROWS = 2000
# One cell may be long (a pasted note, a seat map): Python's CSV reader refuses fields over 128 KB,
# which would refuse the whole draft where prepare quarantines the row. The head read is 4 MB.
csv.field_size_limit(max(csv.field_size_limit(), 8 << 20))
XLSX_SAMPLE_ROWS = 1000  # openpyxl reads a cell a tenth of a millisecond: a smaller sample
_HEAD_BYTES = 4 << 20
_CHUNK = 8 << 20
DELIMITERS = (",", ";", "\t", "|")
# Bytes that Windows-1252 leaves undefined: a file holding them is Latin-1.
_UNDEFINED_IN_CP1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass
class Evidence:
    """One setting the draft chose, what it chose, and why (a sentence for the member)."""

    key: str
    value: Any
    why: str
    check: bool = False  # a guess the member should confirm


@dataclass
class Sample:
    path: Path
    format: str
    header: list[str]
    rows: list[list[str | None]]
    settings: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    total_rows: int | None = None  # rows counted or estimated, for the summary
    # The non-blank lines above the header (a report's title block: « Manifestation : … »), each as
    # its non-blank cells.
    above: list[list[str]] = field(default_factory=list)
    tickets: str | None = None  # a JSON document's orders read a row per ticket: their list (``jsondoc.Records``)

    def note(self, key: str, value: Any, why: str, check: bool = False) -> None:
        self.settings[key] = value
        self.evidence.append(Evidence(key, value, why, check))


def sniff(path: Path) -> Sample:
    """Describe the export ``path`` (see the module docstring); raises ``UserError`` for a file
    that is not a table a mapping can read."""
    if not path.exists():
        raise UserError(_("The file {path} does not exist; check the path.").format(path=path))
    if path.is_dir():
        raise UserError(_("The path {path} is a folder; give the export file itself.").format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise empty_file(path)
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    kind = _kind(path, head)
    if kind != "text":
        sample = _sniff_workbook(path, kind)
        if not sample.rows:
            raise header_only(path)
        sample.settings = {"format": "xlsx", **sample.settings}
        sample.total_rows = len(sample.rows) if len(sample.rows) < XLSX_SAMPLE_ROWS else None
        return _with_sections(sample)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") and is_document(path):
        try:
            return _sniff_document(path)
        except RecursionError:
            raise too_deep(path) from None
    encoding, why = detect_encoding(path, head)
    text = _decode_head(head, encoding, complete=size <= len(head))
    if not text.strip("\ufeff \t\r\n"):
        if head.strip(b"\xef\xbb\xbf \t\r\n\x00"):
            raise _line_too_long(path)  # the head holds no line break: one line of megabytes
        raise empty_file(path)
    _refuse_single_value(path, text)
    try:
        sample = _sniff_jsonl(path, text) if _is_jsonl(path, text) else _sniff_delimited(path, text)
    except RecursionError:
        raise too_deep(path) from None
    if not sample.rows:
        raise header_only(path)
    sample.settings = {"format": sample.format, **sample.settings}
    sample.evidence.insert(0, Evidence("encoding", encoding, why))
    sample.settings["encoding"] = encoding
    if size > len(head) and sample.rows:
        per_row = len(head) / max(1, len(sample.rows) + 1)
        sample.total_rows = int(size / per_row) if len(sample.rows) >= SAMPLE_ROWS else None
    elif sample.total_rows is None:
        sample.total_rows = len(sample.rows)
    return _with_sections(sample) if sample.format == "csv" else sample


def _is_section(row: list[str | None], width: int) -> bool:
    """A line of its first cell alone (of the export's ``width`` columns: a workbook read sheet by sheet
    adds its own) that reads like a show's name: words, not an address nor a code (a list whose rows
    often fill only an e-mail is no list of shows)."""
    text = first_cell_alone(row[:width])
    return text is not None and "@" not in text and len(text.split()) >= 2 and any(ch.isalpha() for ch in text)


def _with_sections(sample: Sample) -> Sample:
    """A list kept by hand that names each show on a line of its own above the show's rows (« SPECTACLE
    DU 27 NOVEMBRE 2026 – 20 h », the other cells empty): those lines leave the sample, and each row
    gets the last one's text as its ``(section)`` (``read``, ``read_xlsx``). Only with at least two such
    lines of different texts, each followed by rows, two rows a line on average, and three columns or
    more: a stray row with a first cell alone is no section."""
    width = sample.header.index(SHEET_COLUMN) if SHEET_COLUMN in sample.header else len(sample.header)
    if width < 3:
        return sample
    marks = [_is_section(row, width) for row in sample.rows]
    # A line of one cell followed by no row before the next such line (a report's footer, « Generated
    # By … ») names no show.
    followed = False
    for at in range(len(marks) - 1, -1, -1):
        if marks[at]:
            marks[at], followed = followed, False
        else:
            followed = True
    titles = {(row[0] or "").strip() for row, mark in zip(sample.rows, marks, strict=True) if mark}
    sections = sum(marks)
    if sections < 2 or len(titles) < 2 or len(sample.rows) - sections < 2 * sections:
        return sample
    rows: list[list[str | None]] = []
    current: str | None = None
    sheet: str | None = None
    for row, mark in zip(sample.rows, marks, strict=True):
        if width < len(sample.header) and row[width] != sheet:  # a show line names rows of its own sheet
            sheet, current = row[width], None
        if mark:
            current = (row[0] or "").strip()
        else:
            rows.append([*row, *[None] * (len(sample.header) - len(row)), current])
    sample.header = [*sample.header, SECTION_COLUMN]
    sample.rows = rows
    return sample


def _kind(path: Path, head: bytes) -> str:
    """``text``, or the workbook kind of ``filekind.sniff`` (a .xlsb too, refused when opened, with its
    sentence); ``UserError`` for a file that holds no table."""
    name = path.name
    kind = filekind.sniff(path)
    if kind in filekind.WORKBOOK_KINDS or kind == "xlsb":
        return kind
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            # Cut short (a download interrupted, a file copied while it was written): no directory.
            raise UserError(
                _("The file {path} is a damaged or incomplete workbook or ZIP archive (its end is missing); "
                  "download or export it again.").format(path=name)) from None
        if any(n.startswith("xl/") for n in names):
            return "xlsx"  # a workbook's parts without its directory: refused when opened, in one sentence
        raise UserError(
            _("The file {path} is a ZIP archive, not an export; unzip it and give the CSV or Excel "
              "file inside.").format(path=name))
    if head.startswith(b"%PDF"):
        raise UserError(
            _("The file {path} is a PDF report, not a data export; export the sales as CSV or Excel "
              "from your ticketing software.").format(path=name))
    probe = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise UserError(
            _("The file {path} is a web page or XML document, not a table export; export the sales "
              "as CSV or Excel instead.").format(path=name))
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_bom(head) is not None:
        return "text"
    said = filekind.not_an_export(kind)
    if said is not None:  # a compressed file, an image, a database: what it is, as prepare says it
        raise UserError(said.format(path=name))
    if holds_binary(head):
        raise UserError(
            _("The file {path} is not a text or Excel export (it holds binary data); export the sales "
              "as CSV or Excel from your ticketing software.").format(path=name))
    return "text"


def _line_too_long(path: Path) -> UserError:
    return UserError(_("The first line of {path} is several megabytes long with no line break, so it is no header "
                       "of an export; check that you gave the right file, or export it again.").format(path=path.name))


def _refuse_single_value(path: Path, text: str) -> None:
    """A file that is one value and nothing else (``42``, ``"hello"``, ``null``: a JSON scalar, an
    export cut to its first cell) is no table: said as such, not as a CSV of one column."""
    stripped = text.strip("\ufeff \t\r\n")
    if len(stripped) > 1000 or "\n" in stripped or "\r" in stripped:
        return
    try:
        value = json.loads(stripped)
    except ValueError:
        return
    if not isinstance(value, dict | list):
        raise UserError(_("The file {path} holds a single value ({value}), not a table of sales; give the export "
                          "of the orders or tickets (CSV, JSON lines or Excel).").format(
            path=path.name, value=stripped[:40]))


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * len(sample) / 2 and even == 0:
        return "utf-16-le"
    if even > 0.3 * len(sample) / 2 and odd == 0:
        return "utf-16-be"
    return None


def detect_encoding(path: Path, head: bytes) -> tuple[str, str]:
    """The encoding to declare for ``path`` and the evidence, in one sentence."""
    if head.startswith(codecs.BOM_UTF8):
        if _first_non_utf8(path) == (-1, 0):
            raise cut_in_a_character(path)
        return "utf-8-sig", _("the file starts with a UTF-8 byte-order mark")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16", _("the file starts with a UTF-16 byte-order mark (Excel's \"Unicode text\")")
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        return utf16, _("every other byte is zero: UTF-16 text without a byte-order mark")
    offset, byte = _first_non_utf8(path)
    if offset is None:
        return "utf-8", _("every byte of the file is valid UTF-8")
    if offset == -1:
        raise cut_in_a_character(path)
    with path.open("rb") as f:
        data = f.read(_HEAD_BYTES)
    if mostly_utf8(data):  # rows pasted from another export, a line typed again in an old editor
        lines = _lines_not_utf8(data)
        return "utf-8", plural(
            len(lines), "every line is UTF-8 but line {first}, read as Windows-1252 (byte 0x{byte:02X})",
            "every line is UTF-8 but {n} lines, the first line {first}, read as Windows-1252 (byte 0x{byte:02X})"
        ).format(n=len(lines), first=lines[0], byte=byte)
    if mac_roman_rather(data):
        return "mac_roman", _("its accented letters read as such only in Mac Roman, the code of a CSV saved by Excel "
                              "on a Mac (« CSV (Macintosh) »)")
    if _UNDEFINED_IN_CP1252 & set(data):
        return "latin-1", _("bytes such as 0x{byte:02X} are not UTF-8 and some are undefined in Windows-1252").format(
            byte=byte)
    return "cp1252", _("byte 0x{byte:02X} is not UTF-8; Windows-1252 (Excel in French or English) reads it").format(
        byte=byte)


def _first_non_utf8(path: Path) -> tuple[int | None, int]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    utf8 = False  # a character of several bytes read whole (or the byte-order mark): UTF-8 indeed
    last = b""
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return done + exc.start, block[exc.start]
            utf8 = utf8 or re.search(rb"[\x80-\xff]", block[:-3]) is not None
            done, last = done + len(block), block
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        # Valid UTF-8 up to a character cut at the end of the file; with no other character of several
        # bytes, a last letter of Windows-1252 (« Café » at the very end).
        return (-1, 0) if utf8 else (done - 1, last[-1])
    return None, 0


def _lines_not_utf8(data: bytes) -> list[int]:
    """The numbers of the lines of ``data`` that hold bytes no UTF-8 (the file's head: its first lines)."""
    return [n for n, line in enumerate(data.split(b"\n")[:-1] or [data], start=1) if utf8_letters(line)[1]] or [1]


def _decode_head(head: bytes, encoding: str, complete: bool) -> str:
    # A UTF-8 file's few lines of Windows-1252 read as prepare reads them (``encodings.FALLBACK``).
    text = head.decode(encoding, errors=FALLBACK if codecs.lookup(encoding).name == "utf-8" else "replace")
    if not complete:
        text = text[: max(text.rfind("\n"), 0)]  # the last line may be cut
    return text.lstrip("\ufeff")


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def _is_jsonl(path: Path, text: str) -> bool:
    lines = [line.strip() for line in _lines(text)[:200] if line.strip()]
    if not lines:
        return False
    if lines[0].startswith("["):
        raise UserError(
            _("The file {path} is a JSON array, not JSON lines; export one JSON object per line, or a CSV file.").format(
                path=path.name))
    if not lines[0].startswith("{"):
        return False
    parsed = deep = 0
    for line in lines[:50]:
        try:
            parsed += isinstance(json.loads(line), dict)
        except ValueError:
            continue
        except RecursionError:
            deep += 1
    if deep and not parsed:
        raise too_deep(path)
    # Some lines may be broken (they become rejects); most must be objects.
    return parsed >= 0.5 * min(len(lines), 50)


def _flatten(obj: Any, prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif value is None:
            out[name] = None
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


def _sniff_jsonl(path: Path, text: str) -> Sample:
    records: list[dict[str, str | None]] = []
    for line in _lines(text):
        if line.strip():
            try:
                obj = json.loads(line)
                flat = _flatten(obj) if isinstance(obj, dict) else None
            except (ValueError, RecursionError):
                continue  # a broken line, or one nested past reading: prepare sets it aside
            if flat is not None:
                records.append(flat)
        if len(records) >= SAMPLE_ROWS:
            break
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    header = list(keys)
    if records and len(header) < 2:
        raise UserError(_("The file {path} holds JSON objects with fewer than two fields, which is no table of "
                          "sales (a date, a price, a buyer…); give the export of the orders or tickets.").format(
            path=path.name))
    rows = [[record.get(k) for k in header] for record in records]
    sample = Sample(path=path, format="jsonl", header=header, rows=rows)
    sample.evidence.append(Evidence("format", "jsonl", _("every line is one JSON object (JSON lines)")))
    return sample


def _sniff_document(path: Path) -> Sample:
    """One JSON document (an API's answer saved to a file): its records, read as JSON lines."""
    rows = records(path)
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:SAMPLE_ROWS])
    sample = _sniff_jsonl(path, text)
    if not sample.rows:
        raise header_only(path)
    sample.evidence = [Evidence("encoding", "utf-8", _("JSON is UTF-8 text")),
                       Evidence("format", "jsonl", plural(len(rows), "one JSON document: its only record is read as a JSON line, "
                                                          "one row",
                                                          "one JSON document: its {n} records are read as JSON lines, "
                                                          "one per row").format(n=count_text(len(rows))))]
    sample.settings = {"format": "jsonl", "encoding": "utf-8"}
    sample.total_rows, sample.tickets = len(rows), rows.tickets
    return sample


def _split(line: str, delimiter: str, quote: str = '"') -> list[str]:
    return next(csv.reader([line], delimiter=delimiter, quotechar=quote), [])


def _choose_delimiter(lines: list[str], quote: str = '"') -> tuple[str, int, float]:
    """(delimiter, fields per line, share of lines with that many fields)."""
    best = (",", 1, 0.0)
    best_score = -1.0
    for delimiter in DELIMITERS:
        counts = [len(_split(line, delimiter, quote)) for line in lines]
        wide = Counter(c for c in counts if c > 1)
        if not wide:
            continue
        width, _n = wide.most_common(1)[0]
        # Lines of the table's width, from the first of them on (a title block comes before).
        first = counts.index(width)
        share = sum(1 for c in counts[first:] if c == width) / len(counts[first:])
        score = share * (1 + min(width, 30) / 30)
        if score > best_score:
            best, best_score = (delimiter, width, share), score
    return best


def _labelish(cell: str) -> bool:
    """A header cell: a short label, not a number, date, amount or e-mail."""
    text = cell.strip()
    if not text or len(text) > 80 or "@" in text:
        return False
    if re.fullmatch(r"[\d\s.,:/\-+()$€%]+", text):
        return False
    return bool(re.search(r"[^\W\d]", text))


# The label of a summary line under the table (``prepare`` leaves such lines out of its rows too).
_TOTAL_LABELS = frozenset({"total", "totals", "grand total", "total general", "totaux", "sous total", "subtotal",
                           "sub total", "somme", "sum", "summe", "gesamtsumme", "gesamt", "grand totals",
                           "totale", "totale generale", "subtotale", "total geral", "totaal", "eindtotaal",
                           "subtotaal", "totalt", "summa", "suma", "razem"})
# Salesforce's "Grand Totals (123 records)", folded: a total's label and its count of rows.
_COUNTED_TOTAL = re.compile(r"(grand totals?|totals?|total general|sous total|subtotal) \d+ "
                            r"(records?|rows?|lignes?|enregistrements?|datensatze)"
                            # "Gesamt: 40 Tickets", "Total Attendees: 42" (folded: no colon).
                            r"|(grand totals?|totals?|totaux|gesamt|summe|sous total|subtotal|totale|totaal|totalt|summa|suma"
                            r"|razem)( [a-z]+){0,3} \d+( [a-z]+)?")


_PAGE_FOOTER = re.compile(r"page \d+( (of|sur|de)? ?\d+)?")


def is_summary_row(row: list[str]) -> bool:
    """A ``Total`` / ``Sous-total`` line: its first filled cell is nothing but a total's label; or a
    report's page footer (``Page 2 / 3``). Not a row to judge the columns by (a ``Total`` in a date
    column, a total amount under a price)."""
    first = next((c for c in row if c and c.strip()), None)
    if first is None:
        return False
    folded = vocab.fold(first)
    return is_count_row(row) or is_subtotal_row(row) or folded in _TOTAL_LABELS or bool(
        _PAGE_FOOTER.fullmatch(folded) or _COUNTED_TOTAL.fullmatch(folded))


def find_header(rows: list[list[str]], width: int) -> int | None:
    """Index of the header row among ``rows``: the first row that fills most of the table's
    width with distinct labels; None when the first such row already holds data."""
    for index, row in enumerate(rows[:60]):
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        if len(filled) < max(2, 0.5 * width):
            continue  # a title line, a blank line, a note
        labels = [c for c in filled if _labelish(c)]
        # Mostly distinct: exports do repeat a header now and then (two "Email" columns).
        distinct = len(set(c.casefold() for c in filled)) >= 0.8 * len(filled)
        if len(labels) >= 0.8 * len(filled) and distinct:
            return _last_header_row(rows, index)
        return None
    return None


def _last_header_row(rows: list[list[str]], index: int) -> int:
    """The last row of a header written on several rows from ``index``: a row below that names
    more columns, in labels, where the row above has cells, names the columns (a group's name over
    them stands above) when it repeats some of those cells in their places (cells merged down over
    both, read on each) or names twice as many columns at least (each group heads two or more)."""
    while index + 1 < len(rows):
        upper = [c.strip() for c in rows[index]]
        lower = [c.strip() for c in rows[index + 1]]
        filled = [c for c in lower if c]
        places = {i for i, c in enumerate(upper) if c}
        if (not places <= {i for i, c in enumerate(lower) if c} or len(filled) <= len(places)
                or not (any(upper[i] == lower[i] for i in places if i < len(lower)) or len(filled) >= 2 * len(places))
                or not all(_labelish(c) for c in filled) or len(set(c.casefold() for c in filled)) < len(filled)):
            break
        index += 1
    return index


def _no_header(path: Path) -> UserError:
    return UserError(
        _("The file {path} has no header row (its first line already holds values); export it again "
          "with column names, or add a first line naming each column.").format(path=path.name))


def _unwrapped(numbered: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """``numbered`` with a header whose quoted names go on over line breaks (« "E-mail⏎client" »,
    Alt+Enter in a spreadsheet cell) as one line, numbered by its first, its breaks read as spaces
    (as ``prepare`` reads it), and how many lines it took (by its number). Only among the first
    lines, and only a quote opened on a label."""
    for i, (first, line) in enumerate(numbered[:10]):
        start = open_quote_start(line, '"')
        if start is None or not _labelish(start):
            continue
        parts, closed = wrapped_header(line, (more for _n, more in numbered[i + 1:]), '"')
        if closed:
            last = numbered[i + len(parts) - 1][0]
            return [*numbered[:i], (first, " ".join(parts)), *numbered[i + len(parts):]], {first: last - first + 1}
    return numbered, {}


def _sniff_delimited(path: Path, text: str) -> Sample:
    lines = _lines(text)
    numbered, spans = _unwrapped([(n, line) for n, line in enumerate(lines, start=1) if line.strip()])
    probe = [line for _n, line in numbered[:400]]
    delimiter, width, share = _choose_delimiter(probe)
    if width < 2:
        raise UserError(
            _("The file {path} has a single column (no comma, semicolon, tab or | separates values); "
              "export it again as a CSV file with one column per field.").format(path=path.name))
    rows = [_split(line, delimiter) for _n, line in numbered[:60]]
    index = find_header(rows, width)
    quote = '"'
    at = index or 0  # a header of fewer cells than the rows the separators in its values split
    if single_quoted(rows[at], rows[at + 1:]):
        quote = "'"  # « 'No billet';'Prix' »: split again with « ' » (a value may hold the separator)
        delimiter, width, share = _choose_delimiter(probe, quote)
        rows = [_split(line, delimiter, quote) for _n, line in numbered[:60]]
        index = find_header(rows, width)
    if index is None:
        for line in probe[:10]:
            start = open_quote_start(line, '"')
            if start is not None and _labelish(start):  # « "E-mail » going on below: a header over two lines
                raise header_across_lines(path, start)
        raise _no_header(path)
    header_line = numbered[index][0]
    header = [h.strip() for h in rows[index]]
    header_end = header_line + spans.get(header_line, 1) - 1  # its last line, when its names are wrapped
    body = "\n".join(lines[header_end:])
    data: list[list[str | None]] = []
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, quotechar=quote)
    titles = {tuple(c.strip() for c in r if c.strip()) for r in rows[:index or 0]} - {()}
    for row in reader:
        if not any(c.strip() for c in row) or is_summary_row(row) or [c.strip() for c in row] == header \
                or tuple(c.strip() for c in row if c.strip()) in titles:
            continue  # blank, a Total line, a page footer, the header or the title again on a report's next page
        if is_header_again(row, header):
            raise header_again(path, header_end + reader.line_num)
        data.append([c if c.strip() else None for c in row])
        if len(data) >= SAMPLE_ROWS:
            break
    block = [[c.strip() for c in row if c.strip()] for row in rows[:index]]
    sample = Sample(path=path, format="csv", header=ranked_names(header), rows=data, above=[b for b in block if b])
    names = {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": _("vertical bar")}
    sample.note("delimiter", delimiter, _("{share} of the lines split into {n} columns (separator: {name})").format(
        share=share_text(share), n=count_text(width), name=names[delimiter]))
    sample.note("quote", quote, _("the column names and values are written between single quotes") if quote == "'"
                else _("the standard CSV quote"))
    sample.note("skip_lines", header_line - 1,
                _("the header is on line {line}").format(line=header_line) if header_line > 1
                else _("the header is the first line"), check=header_line > 1)
    return sample


def _sheet_rows(sheet: Any, limit: int) -> list[list[str]]:
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append([render_cell(v, ".") or "" for v in row])
        if len(rows) >= limit:
            break
    return rows


def _sheet_score(rows: list[list[str]]) -> tuple[float, int | None]:
    width = max((sum(1 for c in r if c.strip()) for r in rows), default=0)
    if width < 2:
        return 0.0, None
    index = find_header(rows, width)
    if index is None:
        return 0.0, None
    known = sum(1 for h in rows[index] if any(vocab.header_score(f, h) >= 0.7 for f in vocab.HEADERS))
    data = sum(1 for r in rows[index + 1:] if sum(1 for c in r if c.strip()) >= 2)
    return known * 10 + min(data, 1000) / 100 + width / 100, index


def _sniff_workbook(path: Path, kind: str) -> Sample:
    book = open_workbook(path, kind)
    try:
        scored = []
        tables: dict[str, tuple[list[str], int]] = {}  # sheet → (its header, its rows below it, up to 200)
        for position, sheet in enumerate(book.worksheets):
            rows = _sheet_rows(sheet, 200)
            score, index = _sheet_score(rows)
            scored.append((score, -position, sheet.title, index))
            if index is not None:
                tables[sheet.title] = ([c.strip() for c in rows[index]],
                                       sum(1 for r in rows[index + 1:] if sum(1 for c in r if c.strip()) >= 2))
        score, _position, title, index = max(scored)
        if index is None or score <= 0:
            raise UserError(
                _("No sheet of the workbook {path} holds a table with a header row; check that the export "
                  "has column names above its rows.").format(path=path.name))
        rows = _sheet_rows(book[title], index + 1 + XLSX_SAMPLE_ROWS)
        header = [c.strip() for c in rows[index]]
        others = [s[2] for s in scored if s[2] != title]
        # Sheets with the same columns (one sheet per performance, per month): all are read, each row
        # with its sheet's name and the title above its header (``read_xlsx``'s two added columns).
        alike = [t for t in others if t in tables and tables[t][0][:len(header)] == header and tables[t][1]]
        sheets = [(title, rows, index)]
        for other in alike:
            more = _sheet_rows(book[other], XLSX_SAMPLE_ROWS // (len(alike) + 1) + 50)
            at = next((i for i, r in enumerate(more) if [c.strip() for c in r][:len(header)] == header), None)
            if at is not None:
                sheets.append((other, more, at))
    finally:
        book.close()

    def table_rows(rows: list[list[str]], index: int) -> list[list[str | None]]:
        return [[c if c.strip() else None for c in r] for r in rows[index + 1:]
                if any(c.strip() for c in r) and not is_summary_row(r) and [c.strip() for c in r][:len(header)] != header]

    data = table_rows(rows, index)
    again = next((n for n, r in enumerate(rows[index + 1:], start=index + 2) if is_header_again(r, header)), None)
    if again is not None:
        raise header_again(path, again)
    if alike:
        data = []
        for name, sheet_rows, at in sheets:
            above = next((" ".join(c.strip() for c in r if c.strip()) for r in sheet_rows[:at] if any(c.strip() for c in r)), "")
            data += [[*r, *[None] * (len(header) - len(r)), name, above or None] for r in table_rows(sheet_rows, at)]
        header = [*header, SHEET_COLUMN, SHEET_TITLE_COLUMN]
        index = min(at for _name, _rows, at in sheets)  # lines skipped on every sheet: the fewest above a header
    block = [] if alike else [[c.strip() for c in r if c.strip()] for r in rows[:index]]
    sample = Sample(path=path, format="xlsx", header=ranked_names(header), rows=data, above=[b for b in block if b])
    sample.evidence.append(Evidence("format", "xlsx", _("the file is a web page whose tables are read as sheets")
                                    if kind == "html" else _("the file is an Excel 2003 XML spreadsheet")
                                    if kind == "xml-spreadsheet" else _("the file is a workbook (Excel or LibreOffice)")))
    unlike = [t for t in others if t not in alike]
    if alike:
        sheet_why = _("the sheets {sheets} have the same columns: all are read, each row with its sheet's name "
                      "({column}) and the title above its header ({title_column})").format(
            sheets=", ".join([title, *alike]), column=SHEET_COLUMN, title_column=SHEET_TITLE_COLUMN)
    else:
        sheet_why = (plural(len(data), "sheet {sheet} holds the table ({n} row)", "sheet {sheet} holds the table ({n} rows)")
                     if len(rows) < index + 1 + XLSX_SAMPLE_ROWS  # the sheet ended before the sample did
                     else _("sheet {sheet} holds the table (the draft read its first {n} rows; prepare reads them "
                            "all)")).format(sheet=title, n=count_text(len(data)))
    if unlike:
        sheet_why += _("; the other sheets ({sheets}) hold none").format(sheets=", ".join(unlike))
    if alike:
        sample.note("sheets", "all", sheet_why, check=True)
    else:
        sample.note("sheet", title if others else None, sheet_why)
    sample.note("skip_lines", index,
                _("the header is on row {row}").format(row=index + 1) if index else _("the header is the first row"),
                check=index > 0)
    return sample
