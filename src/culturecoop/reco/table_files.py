"""Any table given to ``reco`` as a UTF-8 delimited text file: its file formats.

Logs, item tables, programmes and exports come as they were published or saved: CSV in any
encoding (UTF-8, Windows-1252, Excel's UTF-16 "Unicode text"), JSON records, an Excel or
LibreOffice sheet, compressed (gzip, bzip2, xz, a zip of one file), grouped under item lines (the
Netflix Prize's). Each is turned into a UTF-8 delimited copy DuckDB reads, in a folder removed
after use (``copies_removed_after``). A file that cannot be read is refused in one sentence.
"""

from __future__ import annotations

import atexit
import bz2
import codecs
import csv
import gzip
import lzma
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _, plural
from culturecoop.i18n import count as count_text
from culturecoop.ingest.workbook import open_workbook


def as_delimited_text(path: Path, lenient: bool = False) -> Path:
    """A UTF-8 delimited text copy of any table ``reco`` reads (the file itself when it already is
    one): decompressed, a JSON file's records or an Excel workbook's first sheet as CSV, legacy
    encodings as UTF-8 (``lenient``: JSON records that cannot be read are skipped)."""
    return text_copy(path, lenient)[0]


def text_copy(path: Path, lenient: bool = False) -> tuple[Path, bool]:
    """``as_delimited_text``, and whether the file held JSON records (numbered from 1, no header line)."""
    plain = decompressed(path)
    records = _is_json(plain)
    return (_json_as_csv(plain, path, lenient) if records else _ungrouped(utf8_text(plain), path)), records


_GROUP_LINE = re.compile(r"\s*([^,;\t:]+):\s*")


def _ungrouped(path: Path, shown: Path) -> Path:
    """``path`` itself, or, when its rows come in groups under a line naming their item (``1:``
    then ``1488844,3,2005-09-06``…: the Netflix Prize's files), a CSV copy with the item on every
    row (``item_id,user_id,rating,date``). ``shown``: the user's file, as sentences name it."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
        second = handle.readline()
    if not (_GROUP_LINE.fullmatch(first.rstrip("\r\n")) and second.count(",") == 2):
        return path
    copy = _scratch() / (path.stem + ".csv")
    with path.open(encoding="utf-8-sig", errors="replace", newline=None) as source, \
            copy.open("w", encoding="utf-8", newline="\n") as out:
        out.write("item_id,user_id,rating,date\n")
        item = ""
        # Rows are checked here, where their line numbers are still the file's own.
        for number, line in enumerate(source, start=1):
            group = _GROUP_LINE.fullmatch(line.rstrip("\n"))
            if group:
                item = group.group(1).strip()
            elif line.strip():
                fields = line.rstrip("\n").split(",")
                if len(fields) != 3 or not all(f.strip() for f in fields):
                    raise UserError(_("{path} line {line} is not a row of its item {item} (user, rating, date) nor an item line (such as 12:); fix or remove it.").format(
                        path=shown, line=number, item=item))
                out.write(f"{item},{line}" if line.endswith("\n") else f"{item},{line}\n")
    return copy


def read_text_table(con: duckdb.DuckDBPyConnection, source: Path, **options: Any) -> tuple[duckdb.DuckDBPyRelation, Path]:
    """A delimited text file with its header, every column as text, and the file actually read: when
    DuckDB's sniffer gives up on a file whose lines end in two ways (a file appended to on two
    systems), once more from a copy with one ending. Other errors are raised as they are."""
    try:
        return con.read_csv(str(source), header=True, all_varchar=True, **options), source
    except duckdb.Error:
        fixed = one_line_ending(source)
        if fixed is None:
            raise
        return con.read_csv(str(fixed), header=True, all_varchar=True, **options), fixed


def one_line_ending(source: Path) -> Path | None:
    """A copy of a text file whose lines end in more than one way (``\r\n`` and ``\n``, ``\r\r\n``)
    with every line ending in ``\n`` and blank lines left out (they hold no row); None when the file
    has one kind of ending only (then something else is wrong with it)."""
    endings: set[bytes] = set()
    with source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            endings.update(m.group(0) for m in re.finditer(rb"\r\n|\r|\n", chunk))
            if len(endings) > 1:
                break
    if len(endings) < 2:
        return None
    copy = _scratch() / (source.stem + ".csv")
    with source.open(encoding="utf-8", errors="replace", newline=None) as text, copy.open("w", encoding="utf-8", newline="\n") as out:
        for line in text:
            if line.strip("\n"):
                out.write(line)
    return copy


def sql_name(name: str) -> str:
    """A column name quoted for SQL (a header may hold spaces, quotes or accents)."""
    return '"' + name.replace('"', '""') + '"'


_SCRATCH_IN: ContextVar[Path | None] = ContextVar("culturecoop_scratch_in", default=None)


@contextmanager
def copies_removed_after() -> Iterator[Path]:
    """Within this block, the converted copies of input files (decompressed, recoded, a workbook's
    sheet as CSV) are made in one folder removed when the block ends. A server reads a member's
    export in such a block: a copy of personal data does not wait in the temporary folder until
    the server stops, and a thousand uploads leave no thousand copies. Yields the folder, for the
    caller's own copies."""
    with tempfile.TemporaryDirectory(prefix="culturecoop-input-") as folder:
        token = _SCRATCH_IN.set(Path(folder))
        try:
            yield Path(folder)
        finally:
            _SCRATCH_IN.reset(token)


def _scratch() -> Path:
    """A folder for a converted copy of an input file: inside ``copies_removed_after``'s folder,
    or else removed when the program ends (a command reads its inputs once)."""
    inside = _SCRATCH_IN.get()
    if inside is not None:
        return Path(tempfile.mkdtemp(dir=inside))
    folder = Path(tempfile.mkdtemp(prefix="culturecoop-input-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


_COMPRESSED = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))


def decompressed(path: Path) -> Path:
    """``path`` itself, or a decompressed copy of it when it is compressed (recognized by its first
    bytes, whatever its name): gzip, bzip2, xz, or a zip archive holding one file."""
    with path.open("rb") as handle:
        head = handle.read(6)
    opener = next((o for magic, o in _COMPRESSED if head.startswith(magic)), None)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _sheet_as_csv(path)  # an Excel 97–2003 workbook (.xls)
    if opener is None and not head.startswith(b"PK\x03\x04"):
        return path
    try:
        if opener is not None:
            copy = _scratch() / (path.stem if path.suffix.lower() in (".gz", ".bz2", ".xz") else path.name)
            with opener(path, "rb") as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            return copy
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or ("content.xml" in names and "mimetype" in names):
                return _sheet_as_csv(path)  # an Excel or a LibreOffice (.ods) workbook
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not m.filename.startswith("__MACOSX/") and not Path(m.filename).name.startswith(".")]
            if len(members) != 1:
                raise UserError(plural(len(members), "{path} is a zip archive of {n} file ({names}); unzip it and give the file you mean.", "{path} is a zip archive of {n} files ({names}); unzip it and give the file you mean.").format(
                    path=path, n=count_text(len(members)), names=", ".join(m.filename for m in members[:5])))
            copy = _scratch() / Path(members[0].filename).name
            with archive.open(members[0]) as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            return copy
    except (OSError, EOFError, KeyError, ValueError, lzma.LZMAError, zlib.error, zipfile.BadZipFile):
        raise UserError(_("{path} looks compressed but cannot be decompressed; download it again or give it uncompressed.").format(
            path=path)) from None


def _sheet_as_csv(path: Path) -> Path:
    """A CSV copy of a workbook's first filled sheet (.xlsx, .xls or .ods: a log or a programme kept
    in a spreadsheet)."""
    book = open_workbook(path)
    try:
        copy = _scratch() / (path.stem + ".csv")
        with copy.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            # The first sheet that holds anything (a workbook often opens on a cover or an empty sheet).
            for sheet in book.worksheets:
                rows = [row for row in sheet.iter_rows(values_only=True)
                        if any(cell is not None and str(cell).strip() for cell in row)]
                if rows:
                    writer.writerows(["" if cell is None else cell.isoformat() if isinstance(cell, datetime) else cell
                                      for cell in row] for row in rows)
                    break
            else:
                raise UserError(_("{path} has no filled sheet; put the table with its header row in the workbook.").format(path=path))
    finally:
        book.close()
    return copy


def _is_json(path: Path) -> bool:
    """Whether the file holds JSON records (one object per line, or an array of objects)."""
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


def _fields(expression: str, name: str, kind: Any) -> list[str]:
    """SQL selecting a JSON field as text columns: an object's fields each as a column of its own
    (``buyer.email``), a list joined by ``|``, anything else as written."""
    if getattr(kind, "id", "") == "struct":
        return [field for child, child_kind in kind.children
                for field in _fields(f"{expression}.{sql_name(child)}", f"{name}.{child}", child_kind)]
    value = (f"array_to_string(CAST({expression} AS VARCHAR[]), '|')" if str(kind).endswith("[]")
             else f"CAST({expression} AS VARCHAR)")
    return [f"{value} AS {sql_name(name)}"]


def _json_as_csv(path: Path, shown: Path, lenient: bool = False) -> Path:
    """A CSV copy of a file of JSON records (Amazon's and Goodreads' reviews, one object per line; a
    ticketing export's nested ``buyer`` and ``event``): one column per field, nested objects' fields
    as ``parent.field`` columns, lists joined by ``|`` as the item table's lists are. ``lenient``
    skips records that are not JSON (for finding ids in an export that ``prepare`` already screened)."""
    con = duckdb.connect()
    try:
        # Written dates stay text (a format nothing matches): DuckDB would otherwise turn a time with
        # an offset into UTC, losing a programme's wall clock, and the log's times are read later.
        never = "never %Y@%m@%d"
        quoted_path = str(path).replace("'", "''")
        rel = con.sql(f"SELECT * FROM read_json('{quoted_path}', format = 'auto', timestampformat = '{never}', "
                      f"dateformat = '{never}', ignore_errors = {str(lenient).lower()})")
        fields = [field for name, kind in zip(rel.columns, rel.dtypes, strict=True)
                  for field in _fields(sql_name(name), name, kind)]
        copy = _scratch() / (path.stem + ".csv")
        con.register("records", rel)
        con.sql(f"SELECT {', '.join(fields)} FROM records").write_csv(str(copy), header=True)
    except duckdb.Error:
        raise UserError(_("{path} cannot be read as JSON; give one JSON object per line, or a CSV file with a header row.").format(
            path=shown)) from None
    finally:
        con.close()
    return copy


def utf8_text(path: Path) -> Path:
    """``path`` itself when it is UTF-8; else a UTF-8 copy of it read as Windows-1252 (bytes that
    code page leaves undefined read as Latin-1), in a folder removed when the program ends."""
    with path.open("rb") as handle:
        head = handle.read(2)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            # Excel's "Unicode text": UTF-16, tab-separated.
            copy = _scratch() / path.name
            with path.open(encoding="utf-16", newline="") as source, copy.open("w", encoding="utf-8", newline="") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            return copy
        handle.seek(0)
        if b"\0" in handle.read(4096):
            raise UserError(_("{path} is not a table of text (it holds binary data); give a CSV, an Excel workbook or JSON.").format(path=path))
        handle.seek(0)
        try:
            decoder = codecs.getincrementaldecoder("utf-8")()
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return path
        except UnicodeDecodeError:
            pass
    copy = _scratch() / path.name
    with path.open("rb") as source, copy.open("w", encoding="utf-8", newline="") as out:
        for line in source:
            out.write(_legacy_text(line))
    return copy


def _legacy_text(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def refuse_ragged_row(path: Path, shown: Path) -> None:
    """The first row of ``path`` whose number of fields differs from the first row's, named in one
    sentence (as ``shown``: the user's file, when ``path`` is its UTF-8 copy)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = handle.readline()
        separator = next((s for s in ("::", ",", ";", "\t", "|") if s in header), None)
        if separator is None:
            return
        rows = (line.rstrip("\r\n").split("::") for line in handle) if separator == "::" else csv.reader(handle, delimiter=separator)
        width = len(header.rstrip("\r\n").split("::")) if separator == "::" else len(next(csv.reader([header], delimiter=separator)))
        for line, row in enumerate(rows, start=2):
            if row and row != [""] and len(row) != width:
                raise UserError(_("{path} line {line} does not have as many fields as the header (fields: {found}; in the header: {width}); fix that row (a separator inside a value needs quotes) or remove it.").format(
                    path=shown, line=line, found=count_text(len(row)), width=count_text(width)))
