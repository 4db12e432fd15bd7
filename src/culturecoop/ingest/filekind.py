"""What an export really is, found from its first bytes before it is decoded as the profile says.

A member picks a file from a download folder: often the compressed download itself, an Excel
workbook where the profile reads CSV, a PDF report, the package of last month, a warehouse.
Decoding such a file as text would end in "not UTF-8 text, try cp1252" — true but useless.
``check_source`` names what the file is and what to do instead, in one sentence, before
anything is decoded. It reads at most the first 64 KB (and, for a ZIP archive, its directory).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.files import os_reason
from culturecoop.i18n import _
from culturecoop.ingest.jsondoc import is_document, loads
from culturecoop.ingest.profile import Profile

_HEAD_BYTES = 64 * 1024
# A CSV export's header is a few kilobytes; a "header" longer than this is no header (and would
# exceed Python's CSV field limit, 128 KB).
MAX_HEADER_BYTES = 100_000

# Signatures at the start of the file: (magic, kind).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"PAR1", "parquet"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"%PDF-", "pdf"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
)


# The kinds a workbook mapping (``format: xlsx``) reads (``ingest.workbook``): ``ole`` is an Excel
# 97–2003 workbook (.xls), or an encrypted one, refused when it is opened; ``html`` a web page
# whose tables are the sheets (back offices' "Excel" exports), refused when it holds none.
WORKBOOK_KINDS = ("xlsx", "ole", "ods", "html", "xml-spreadsheet")


def sniff(path: Path) -> str:
    """The kind of ``path`` from its content: ``text``, ``utf-16``, ``xlsx``, ``xlsb``, ``ods``,
    ``docx``, ``zip``, ``gzip``, ``ole`` (legacy .xls or an encrypted workbook), ``parquet``,
    ``duckdb``, ``sqlite``, ``pdf``, ``html``, ``xml-spreadsheet``, an archive kind, ``image``
    or ``binary``."""
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return _zip_kind(path) if kind == "zip" else kind
    if head[8:12] == b"DUCK":
        return "duckdb"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        return "utf-16"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml-spreadsheet"
    if _looks_html(start):
        return "html"
    if holds_binary(head):
        return "binary"
    if start.startswith(b"{"):
        return "json-lines"
    if start.startswith(b"["):
        return "json"
    return "text"


# What a web page starts with once its declarations and comments are set aside.
_HTML_TAGS = (b"<html", b"<table", b"<meta", b"<head", b"<body", b"<style", b"<title", b"<div", b"<script", b"<link",
              b"<base", b"<h1", b"<h2", b"<h3", b"<p>", b"<p ", b"<span", b"<font", b"<center", b"<form", b"<br")
_DECLARATION = re.compile(rb"\s*(<\?xml[^>]*\?>|<!--.*?-->|<!doctype[^>]*>)", re.S)


def _looks_html(start: bytes) -> bool:
    """Whether a file's lower-cased start is a web page: what web tools save as an "Excel export" (an XHTML
    declaration, a comment, a title or a ``<div>`` before its table as often as ``<html>``)."""
    rest = start
    while found := _DECLARATION.match(rest):
        if found.group(1).startswith(b"<!doctype html"):
            return True
        rest = rest[found.end():]
    rest = rest.lstrip()
    if rest.startswith(_HTML_TAGS):
        return True
    return rest.startswith(b"<") and b"<table" in start and (b"<td" in start or b"<th" in start)


def holds_binary(head: bytes) -> bool:
    """Whether the head of a file holds binary data rather than text: more control bytes (NUL
    included, counted twice) than one in a hundred, and more than four. A text export with a stray
    NUL in a cell (a padded field) is text: the NUL reads as nothing, and prepare says on which line."""
    sample = head[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13)) + sample.count(0)
    return controls > max(4, len(sample) // 100)


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 text without a byte-order mark: ASCII characters leave every other byte NUL."""
    sample = head[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * len(sample) / 2


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, RuntimeError, NotImplementedError):
        return "broken-zip"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if any(n.startswith("word/") for n in names):
        return "docx"
    return "zip"


def _header_too_long(path: Path, skip_lines: int) -> bool:
    """True when the line after ``skip_lines`` lines is longer than ``MAX_HEADER_BYTES``."""
    line = 0
    length = 0
    with path.open("rb") as f:
        while block := f.read(_HEAD_BYTES):
            start = 0
            while True:
                end = block.find(b"\n", start)
                piece = len(block) - start if end < 0 else end - start
                if line == skip_lines:
                    length += piece
                    if length > MAX_HEADER_BYTES:
                        return True
                    if end >= 0:
                        return False
                if end < 0:
                    break
                line += 1
                start = end + 1
    return False


def _first_line_is_json(path: Path) -> bool:
    """True when the first non-blank line (within the head) is a JSON object or array."""
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    for line in head.splitlines():
        if line.strip():
            try:
                return isinstance(loads(line.decode("utf-8-sig")), dict | list)
            except ValueError:
                return False
    return False


def check_source(path: Path, profile: Profile) -> None:
    """Refuse (``UserError``) a file whose content is not what ``profile`` reads, saying what it is
    and what to do; a file it cannot read at all is refused too."""
    try:
        kind = sniff(path)
        if kind == "text" and profile.format == "csv" and _header_too_long(path, profile.skip_lines):
            kind = "long-line"
    except OSError as exc:
        raise UserError(
            _("The file {path} cannot be read ({reason}); check that your account may read it, or copy it "
              "to a folder of yours.").format(path=path.name, reason=os_reason(exc)),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
    wanted_text = profile.format in ("csv", "jsonl")
    if kind in ("text", "json-lines", "json") and wanted_text:
        if profile.skip_lines:  # the first lines are a title the profile skips: nothing to judge
            return
        json_first = kind != "text" and (_first_line_is_json(path) or is_document(path))
        if profile.format == "csv" and not json_first:
            return
        if profile.format == "jsonl" and kind in ("json-lines", "json"):
            return  # JSON lines, or one JSON document read as JSON lines (ingest/jsondoc.py)
        kind = "json-for-csv" if profile.format == "csv" else "csv-for-jsonl"
    if wanted_text and kind == "utf-16":
        if profile.encoding.lower().replace("_", "-").startswith("utf-16"):
            return
        raise UserError(
            _("The file {path} is UTF-16 text; use a mapping with `encoding: utf-16` (Excel's \"Unicode text\" "
              "is UTF-16).").format(path=path.name)
        )
    if profile.format == "xlsx" and kind in WORKBOOK_KINDS:
        return
    raise UserError(_advice(kind, profile).format(path=path.name, profile=profile.name))


def _advice(kind: str, profile: Profile) -> str:
    """The sentence for a file of ``kind`` given to ``profile`` (``{path}`` and ``{profile}`` left
    to fill)."""
    if kind == "json-for-csv":
        return _("The file {path} is JSON, but the profile {profile} reads CSV; use a JSON lines profile such as "
                 "festival-jsonl, or a mapping with `format: jsonl`.")
    if kind == "csv-for-jsonl":
        return _("The file {path} is not JSON lines (its first line is not a JSON object), but the profile "
                 "{profile} reads JSON lines; use a CSV profile such as canonical, or a mapping with `format: csv`.")
    if profile.format == "xlsx" and kind in ("text", "utf-16", "json-lines", "json"):
        return _("The file {path} is text (CSV or JSON lines), not an Excel workbook, but the profile {profile} "
                 "reads .xlsx workbooks; use a CSV profile such as canonical, or a mapping with `format: csv`.")
    if kind == "xlsx":
        return _("The file {path} is an Excel workbook (.xlsx), but the profile {profile} reads text; use a "
                 "mapping with `format: xlsx` (like the museum-xlsx profile), or save the sheet as CSV UTF-8 "
                 "from Excel.")
    if kind == "xlsb":
        return _("The file {path} is a binary Excel workbook (.xlsb); open it in Excel and save it as .xlsx "
                 "(or as CSV UTF-8), then prepare that file.")
    if kind == "ods":
        return _("The file {path} is an OpenDocument spreadsheet (.ods), but the profile {profile} reads text; "
                 "use a mapping with `format: xlsx`, which reads .ods workbooks too (`culturecoop mapping draft` "
                 "writes one).")
    if kind == "ole":
        return _("The file {path} is an Excel 97–2003 workbook (.xls) or a password-protected one, but the "
                 "profile {profile} reads text; use a mapping with `format: xlsx`, which reads .xls workbooks too "
                 "(`culturecoop mapping draft` writes one).")
    if kind == "xml-spreadsheet":
        return _("The file {path} is an Excel 2003 XML spreadsheet, but the profile {profile} reads text; use a "
                 "mapping with `format: xlsx`, which reads these too (`culturecoop mapping draft` writes one).")
    if kind == "broken-zip":
        return _("The file {path} is a damaged or incomplete ZIP archive (or workbook); download or export it "
                 "again.")
    if kind == "html":
        return _("The file {path} is a web page (HTML), but the profile {profile} reads text; if the page holds "
                 "the export's table (some back offices save their Excel exports this way), use a mapping with "
                 "`format: xlsx`, which reads its tables (`culturecoop mapping draft` writes one); otherwise "
                 "download the export file itself.")
    if kind == "long-line":
        return _("The header line of {path} is longer than 100 KB, so it is not the header of an export; check "
                 "that you gave the right file, or export it again.")
    return not_an_export(kind) or _("The file {path} is binary data, not a text export; export the sales as CSV, "
                                    "JSON lines or Excel from your ticketing software.")


def not_an_export(kind: str) -> str | None:
    """The sentence (``{path}`` left to fill) for a file of ``kind`` that no mapping reads, whatever its
    format (a compressed file, an image, a database, a Word document; said alike by ``mapping draft``),
    or None for any other kind."""
    if kind == "gzip":
        return _("The file {path} is compressed (gzip); decompress it first (double-click it, or run "
                 "`gunzip` on it) and prepare the file inside.")
    if kind == "zip":
        return _("The file {path} is a ZIP archive; extract it first and prepare the export inside.")
    if kind in ("bzip2", "xz", "zstd", "7z", "rar"):
        return _("The file {path} is a compressed archive; extract it first and prepare the export inside.")
    if kind == "docx":
        return _("The file {path} is a Word document, not an export; export the sales as CSV (or Excel) from "
                 "your ticketing software.")
    if kind == "parquet":
        return _("The file {path} is a Parquet file, not an export: a package already prepared goes to "
                 "`culturecoop ingest` as its whole folder; otherwise export the sales as CSV from your "
                 "ticketing software.")
    if kind == "duckdb":
        return _("The file {path} is a DuckDB database (perhaps a culturecoop warehouse), not an export; give "
                 "it with --db to the commands that read a warehouse, and give prepare the CSV export.")
    if kind == "sqlite":
        return _("The file {path} is an SQLite database, not an export; export the sales from it as CSV, then "
                 "prepare that file.")
    if kind == "pdf":
        return _("The file {path} is a PDF document, which cannot be read as data; export the sales as CSV (or "
                 "Excel) from your ticketing software.")
    if kind == "image":
        return _("The file {path} is an image, not an export; export the sales as CSV (or Excel) from your "
                 "ticketing software.")
    return None
