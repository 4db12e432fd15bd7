"""Reading an interaction log and an item table (``reco evaluate``'s inputs) into arrays.

Files are read by DuckDB in memory (any size, UTF-8 or Latin-1, the separator sniffed; CSV or
JSON records, or an Excel sheet; plain, or compressed as data sets are published: gzip, bzip2, xz,
a zip of one file).
A row that cannot be read is never dropped silently: the first one is named with its line and the
whole file is refused.
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
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from culturecoop.errors import UserError
from culturecoop.i18n import _, plural
from culturecoop.i18n import count as count_text
from culturecoop.ingest.workbook import open_workbook
from culturecoop.reco.features import is_identifier

NO_TIME = np.iinfo(np.int64).min
REQUIRED = ("user_id", "item_id", "timestamp")
# Other names public logs give the same columns (compared without case, spaces, ``_`` or ``-``:
# MovieLens' ``userId,movieId``, Book-Crossing's ``User-ID,ISBN``, Amazon's ``asin``, H&M's
# ``customer_id,article_id,t_dat``, Online Retail's ``CustomerID,StockCode,InvoiceDate``...), in order
# of preference; the canonical name always wins.
ALIASES = {
    "user_id": ("userid", "user", "uid", "customerid", "clientid", "visitorid", "patronid", "accountid",
                "reviewerid", "memberid", "readerid", "listenerid", "viewerid", "buyerid", "personid",
                "fullvisitorid", "customer", "client", "sessionid"),
    "item_id": ("itemid", "item", "iid", "movieid", "productid", "eventid", "bookid", "isbn", "asin", "parentasin",
                "trackid", "songid", "showid", "gameid", "animeid", "businessid", "artistid", "albumid", "venueid",
                "performanceid", "productionid", "workid", "articleid", "stockcode", "sku", "contentid", "videoid",
                "newsid", "courseid", "recipeid", "placeid", "poiid", "product", "article"),
    "timestamp": ("time", "datetime", "date", "ts", "eventtime", "createdat", "ratedat", "unixtime",
                  "unixreviewtime", "reviewtime", "dateadded", "playedat", "watchedat", "purchasedat",
                  "orderdate", "saledate", "transactiondate", "transactiondt", "invoicedate", "tdat",
                  "utctimestamp", "eventdate", "purchasedate", "checkintime"),
}
# Written times besides ISO 8601 and Unix numbers: Goodreads' and Twitter's ("Fri Aug 25 13:55:02
# -0700 2017"), and e-mail's / RSS's RFC 2822 ("Fri, 25 Aug 2017 13:55:02 -0700").
TIME_FORMATS = ("%a %b %d %H:%M:%S %z %Y", "%a, %d %b %Y %H:%M:%S %z")


def _squeeze(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def resolve_columns(names: list[str], wanted: tuple[str, ...]) -> dict[str, str]:
    """Which of ``names`` (lowered headers) holds each ``wanted`` column: its own name, else its
    first alias present. Columns found neither way are left out."""
    squeezed = {_squeeze(n): n for n in reversed(names)}
    found: dict[str, str] = {}
    for column in wanted:
        if column in names:
            found[column] = column
            continue
        for alias in (_squeeze(column), *ALIASES.get(column, ())):
            if alias in squeezed and squeezed[alias] not in found.values():
                found[column] = squeezed[alias]
                break
    return found


@dataclass
class InteractionLog:
    users: np.ndarray  # distinct user ids (str)
    item_ids: np.ndarray  # distinct item ids (str), in the item table's order
    user: np.ndarray  # per interaction: index into users
    item: np.ndarray  # per interaction: index into item_ids
    time: np.ndarray  # per interaction: Unix seconds
    # The file's header of each required column (``user_id`` → ``userId``...; None: not in the file).
    columns: dict[str, str | None] | None = None
    # Other columns of item ids (Amazon's reviews: ``parent_asin`` besides ``asin``), header → the
    # value per interaction: the item table may key its items by one of them (``read_items``).
    alternates: dict[str, np.ndarray] = field(default_factory=dict)
    # Read without a header row (columns taken by position): which holds the users and which the
    # items is then a guess the item table's ids can settle (``_orient``).
    by_position: bool = False


@dataclass
class ItemTable:
    ids: np.ndarray
    columns: dict[str, list[str | None]]  # feature columns, one value per item
    first_available: np.ndarray | None  # Unix seconds, NO_TIME when not given
    # What reading the table found that the report should say (sentences, in the reader's language).
    notes: list[str] = field(default_factory=list)
    # Columns read but no feature, each with what they are (``row number``: pandas' index).
    ignored: dict[str, str] = field(default_factory=dict)
    # Counts of the reading: rows, ids written otherwise than in the log, log items without a row,
    # rows left out for want of an interaction (``keep_items``).
    summary: dict[str, int] = field(default_factory=dict)


# A Unix time this large is not seconds (it would be after the year 5000) but milliseconds,
# microseconds or nanoseconds, as many exports write it (Amazon's reviews, Kafka, JavaScript).
_UNIT_LIMITS = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3))


# The moments a calendar date can name (years 1 to 9999, UTC): a time outside them is no time, however
# it was written (a cutoff of 99999999999999999999999 was an incident when the split named its day).
FIRST_SECOND = -62_135_596_800
LAST_SECOND = 253_402_300_799


def unix_seconds(number: float) -> int:
    """Unix seconds from a Unix time in seconds, milliseconds, microseconds or nanoseconds."""
    for limit, divisor in _UNIT_LIMITS:
        if abs(number) >= limit:
            return int(number / divisor)
    return int(number)


def _strptime(text: str, form: str | None) -> datetime | None:
    """``text`` read with ``form`` (None: ISO 8601), or None."""
    try:
        return datetime.fromisoformat(text) if form is None else datetime.strptime(text, form)
    except ValueError:
        return None


def parse_time(value: str) -> int | None:
    """Unix seconds from an ISO 8601 date or time, or from a Unix time (seconds, or milliseconds
    and finer: ``unix_seconds``)."""
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return _in_calendar(unix_seconds(number)) if np.isfinite(number) else None
    # ISO 8601 (a date alone included), then the other written forms.
    moment = next((m for m in (_strptime(text.replace("Z", "+00:00"), None), *(_strptime(text, f) for f in TIME_FORMATS))
                   if m is not None), None)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _in_calendar(int(moment.timestamp()))


def _in_calendar(seconds: int) -> int | None:
    return seconds if FIRST_SECOND <= seconds <= LAST_SECOND else None


def _read(path: Path, what: str, wanted: tuple[str, ...],
          known: set[str] | None = None) -> tuple[list[str], duckdb.DuckDBPyRelation, duckdb.DuckDBPyConnection, int, bool]:
    """The file's lowered headers, its rows as text, the connection holding them, the line (or JSON
    record) number of the first row, and whether the columns were taken by position (no header row).

    Public data sets come as they were published: MovieLens 1M's ``::`` between fields, 100k's
    Latin-1 titles and files without a header row (``u.data``: user, item, rating, time), Amazon's
    headerless ratings. A ``::`` file is split on ``::``; a file that is not UTF-8 is read as
    Windows-1252 (Latin-1's superset); a first row that holds none of the ``wanted`` headers but a
    number, a time or one of the ``known`` ids (an item table's first column: the log's items) is
    data, and the columns are then taken by position (``_by_position``)."""
    if path.is_dir():
        raise UserError(_("{what} file {path} is a folder; give the path of the file inside it.").format(what=what, path=path))
    if path.exists() and not path.is_file():  # a device, a pipe: nothing to read twice from
        raise UserError(_("{what} file {path} is not a regular file; save the log to a file and give its path.").format(
            what=what, path=path))
    if not path.is_file():
        raise UserError(_("{what} file {path} does not exist; check the path.").format(what=what, path=path))
    if path.stat().st_size <= 4096 and not path.read_bytes().strip(b" \t\r\n\xef\xbb\xbf"):
        raise UserError(_("{what} file {path} is empty; give a CSV file with a header row and at least one row.").format(
            what=what, path=path))
    source, records = _text_copy(path)
    first_line = 1 if records else 2
    con = duckdb.connect()
    with source.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        first = handle.readline()
    # Never skip lines: DuckDB's sniffer may otherwise start after a ragged row, dropping those above.
    options: dict[str, Any] = {"skiprows": 0}
    headless = False
    if "::" in first and len(first.split("::")) > 1:
        options["sep"] = "::"
    try:
        rel, source = read_text_table(con, source, **options)
        names = [c.strip().lower() for c in rel.columns]
        if _is_data(list(rel.columns), wanted, known or set()):
            rel = con.read_csv(str(source), header=False, all_varchar=True, **options)
            names = _by_position(rel, wanted)
            first_line = 1
            headless = True
    except duckdb.Error:
        _ragged_row(source, path)
        raise UserError(_("{path} cannot be read as CSV; give a comma-separated file with a header row.").format(
            path=path)) from None
    if len(names) == 1:
        # One column although the header has separators: the sniffer gave up on the dialect,
        # most often because one row has more or fewer fields than the header.
        _ragged_row(source, path)
    return names, rel, con, first_line, headless


def as_delimited_text(path: Path, lenient: bool = False) -> Path:
    """A UTF-8 delimited text copy of any table ``reco`` reads (the file itself when it already is
    one): decompressed, a JSON file's records or an Excel workbook's first sheet as CSV, legacy
    encodings as UTF-8 (``lenient``: JSON records that cannot be read are skipped)."""
    return _text_copy(path, lenient)[0]


def _text_copy(path: Path, lenient: bool = False) -> tuple[Path, bool]:
    """``as_delimited_text``, and whether the file held JSON records (numbered from 1, no header line)."""
    plain = _plain(path)
    records = _is_json(plain)
    return (_json_as_csv(plain, path, lenient) if records else _ungrouped(_utf8(plain), path)), records


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


def _plain(path: Path) -> Path:
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


def _utf8(path: Path) -> Path:
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


def _is_data(fields: list[str], wanted: tuple[str, ...], known: set[str]) -> bool:
    """Whether the first row is data rather than headers: none of ``wanted`` is found among it, and
    one of its fields is a number or a time (``196	242	3	881250949``) or one of the ``known``
    ids (the log's items as ``_normal`` writes them, for an item table) — a header never is."""
    names = [f.strip().lower() for f in fields]
    if resolve_columns(names, wanted[:1]) or (len(wanted) > 1 and resolve_columns(names, wanted[1:2])):
        return False
    # DuckDB renames a repeated header (``0``, ``0_1``…).
    return any(parse_time(re.sub(r"_\d+$", "", f)) is not None or _normal(f) in known for f in fields)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _by_position(rel: duckdb.DuckDBPyRelation, wanted: tuple[str, ...]) -> list[str]:
    """Names for a file without headers: the ``wanted`` columns by position — the first (user),
    the second (item) — and, for a log, the timestamp as the last column whose first value reads
    as a time (a Unix time of at least 10⁸ s, 1973, or a date: not a rating of 4); the others keep
    their positions' names (``column3``). When only the second column reads as a time (Last.fm's
    listening histories: user, time, artist, …), the item is the third."""
    names = [c.lower() for c in rel.columns]
    for position, column in enumerate(wanted[:-1] if len(wanted) > 2 else wanted):
        if position < len(names):
            names[position] = column
    if len(wanted) > 2:
        head = rel.query("headless", "SELECT * FROM headless LIMIT 1")
        rows = head.fetchall() if head is not None else []
        first = rows[0] if rows else ()

        def reads_as_time(position: int) -> bool:
            value = str(first[position] or "").strip() if position < len(first) else ""
            # A written date, or a number far from the epoch (a Unix time, not a rating of 4).
            seconds = parse_time(value)
            return seconds is not None and (not _NUMBER.fullmatch(value) or abs(seconds) >= 1e8)

        found = next((p for p in range(len(names) - 1, 1, -1) if reads_as_time(p)), None)
        if found is not None:
            names[found] = wanted[-1]
        elif len(names) > 2 and reads_as_time(1):
            names[1], names[2] = wanted[-1], wanted[1]
    return names


def _ragged_row(path: Path, shown: Path) -> None:
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


# Written around an id by a CSV writer that quoted it twice (Book-Crossing's ``"0446520802"``,
# ``\0432534220\"``): never part of the id.
_QUOTES = "\"'\\`"
_QUOTES_SQL = _QUOTES.replace("'", "''")
# Names of a log's time column besides ``ALIASES`` (compared as the words of the lowered header):
# MovieTweetings' ``rating_timestamp``, ``timestamp_ms``, ``event_time``, ``review_date``,
# ``created_at``.
_TIME_WORDS = frozenset({"timestamp", "time", "date", "datetime", "ts", "epoch", "unixtime"})


def _time_header(names: list[str], taken: set[str]) -> str | None:
    """The first header (lowered) that names a time although it is no alias of ``timestamp``:
    one of its words is a time (``rating_timestamp``, ``timestamp_ms``, ``event_time``), it holds
    ``timestamp`` or ``datetime`` (``ratingtimestamp``), or it ends in a verb's ``…ed_at``
    (``created_at``, ``rated_at``)."""
    for name in names:
        if name in taken:
            continue
        words = [w for w in re.split(r"[^0-9a-z]+", name) if w]
        squeezed = "".join(words)
        if (set(words) & _TIME_WORDS or "timestamp" in squeezed or "datetime" in squeezed
                or (len(words) > 1 and words[-1] == "at" and words[-2].endswith("ed"))):
            return name
    return None


_UNIX_SQL = "CASE " + " ".join(f"WHEN abs(x) >= {limit:.0f} THEN x / {divisor:.0f}" for limit, divisor in _UNIT_LIMITS) + " ELSE x END"
_CALENDAR_SQL = f"CASE WHEN x BETWEEN {FIRST_SECOND} AND {LAST_SECOND} THEN x END"
_TIME_SQL = """
in_calendar(coalesce(
  try_cast(unix_seconds(try_cast(trim({c}) AS DOUBLE)) AS BIGINT),
  epoch(try_cast(replace(trim({c}), 'Z', '+00:00') AS TIMESTAMPTZ))::BIGINT,
  epoch(try_cast(trim({c}) AS TIMESTAMP))::BIGINT,
  epoch(try_strptime(trim({c}), [{formats}]))::BIGINT))
"""
# Dates written with the day and month as numbers (``12/1/2010 8:26``, Online Retail's; ``31.12.2024``).
_NUMERIC_DATE = r"^\s*(\d{1,2})([/.-])(\d{1,2})[/.-]\d{4}"


def _time_formats(con: duckdb.DuckDBPyConnection, column: str, path: Path) -> list[str]:
    """``TIME_FORMATS`` and, when the log writes its dates with numbers for the day and the month,
    their order as the column shows it: a first number above 12 is a day (``31/12/2024``), a second
    above 12 makes the first the month (``12/31/2024``). Never both, never guessed."""
    first, separator, second = con.execute(f"""
        SELECT max(CAST(regexp_extract({column}, '{_NUMERIC_DATE}', 1) AS INTEGER)),
               any_value(regexp_extract({column}, '{_NUMERIC_DATE}', 2)),
               max(CAST(regexp_extract({column}, '{_NUMERIC_DATE}', 3) AS INTEGER))
        FROM raw WHERE regexp_matches({column}, '{_NUMERIC_DATE}')""").fetchone() or (None, None, None)
    if first is None or separator is None or second is None:
        return list(TIME_FORMATS)
    if first > 12 and second > 12:
        raise UserError(_("{path}: its dates put a number above 12 both first and second (day and month?); write them one way, best as ISO 8601 (2024-03-01T20:00).").format(path=path))
    if first <= 12 and second <= 12:
        raise UserError(_("{path}: its dates (such as 03/04/2024) read day first as well as month first; write them as ISO 8601 (2024-03-01T20:00).").format(path=path))
    order = f"%d{separator}%m{separator}%Y" if first > 12 else f"%m{separator}%d{separator}%Y"
    return [*TIME_FORMATS, f"{order} %H:%M:%S", f"{order} %H:%M", order]


def read_interactions(path: Path, *, timed: bool = True) -> InteractionLog:
    """``user_id,item_id,timestamp`` (ISO 8601 or Unix seconds); other columns are ignored.

    ``timed=False`` (the item protocol, where no split depends on time): a log without a
    timestamp column is read too, every interaction at time 0 (the items' folds are then drawn at
    random rather than by age)."""
    names, rel, con, first_line, headless = _read(path, _("Interactions"), REQUIRED)
    found = resolve_columns(names, REQUIRED)
    if "timestamp" not in found:
        header = _time_header(names, set(found.values()))
        if header is not None:
            found["timestamp"] = header
    missing = [c for c in REQUIRED if c not in found and (timed or c != "timestamp")]
    if missing == ["timestamp"]:
        raise UserError(_("{path} has no time column (its columns: {columns}), so no --cutoff can split it in time; hold out items with --test-items FILE instead (one item_id per line: those items and all their interactions are the test), or add a timestamp column.").format(
            path=path, columns=", ".join(rel.columns)))
    if missing:
        raise UserError(_("{path} has no column {column}; an interaction log needs the columns user_id,item_id,timestamp.").format(
            path=path, column=missing[0]))
    original = dict(zip(names, rel.columns, strict=True))
    u, i = (f'"{original[found[c]]}"' for c in REQUIRED[:2])
    t = f'"{original[found["timestamp"]]}"' if "timestamp" in found else "'0'"
    aliases = {"itemid", *ALIASES["item_id"]}
    others = [n for n in names if n != found["item_id"] and _squeeze(n) in aliases]
    con.execute(f"CREATE MACRO unix_seconds(x) AS {_UNIX_SQL}")
    con.execute(f"CREATE MACRO in_calendar(x) AS {_CALENDAR_SQL}")
    con.register("raw", rel)
    extra = "".join(f', coalesce(trim("{original[n]}"), \'\') AS "alt{k}"' for k, n in enumerate(others))
    formats = ", ".join(f"'{f}'" for f in (_time_formats(con, t, path) if "timestamp" in found else TIME_FORMATS))
    # An item id keeps no quotes a CSV writer left inside it (Book-Crossing's ``"0446520802"``).
    con.execute(f"""CREATE TEMP TABLE log AS
        SELECT row_number() OVER () + {first_line - 1} AS line, nullif(trim({u}), '') AS u,
               nullif(trim(trim(trim({i}), '{_QUOTES_SQL}')), '') AS i,
               {t} AS raw_t, {_TIME_SQL.format(c=t, formats=formats)} AS t{extra}
        FROM raw""")
    table = con.sql("SELECT * EXCLUDE (line, raw_t) FROM log").to_arrow_table()
    bad = con.sql("SELECT line, raw_t, u IS NULL AS no_user, i IS NULL AS no_item FROM log WHERE u IS NULL OR i IS NULL OR t IS NULL ORDER BY line").fetchall()
    if bad:
        line, raw_t, no_user, no_item = bad[0]
        what = "user_id" if no_user else "item_id" if no_item else "timestamp"
        alike = len(bad) - 1
        more = (_(" ({n} more rows like it)").format(n=count_text(alike)) if alike > 1 else _(" (1 more row like it)") if alike else "")
        if what == "timestamp":
            raise UserError(_("{path} line {line}: the timestamp {value!r} is empty or not a time{more}; write ISO 8601 (2024-03-01T20:00) or Unix seconds, or remove the row.").format(
                path=path, line=line, value=raw_t or "", more=more))
        raise UserError(_("{path} line {line}: the {column} is empty{more}; fill it in or remove the row.").format(
            path=path, line=line, column=what, more=more))
    # A negative Unix time (-1, -62135596800) is how logs write an unknown time: read as a day before 1970 it
    # would train every model on a moment that never was.
    placeholders = con.sql("SELECT line, raw_t FROM log WHERE t < 0 AND try_cast(trim(CAST(raw_t AS VARCHAR)) AS DOUBLE) "
                           "IS NOT NULL ORDER BY line").fetchall()
    if placeholders:
        line, raw_t = placeholders[0]
        alike = len(placeholders) - 1
        more = (_(" ({n} more rows like it)").format(n=count_text(alike)) if alike > 1 else _(" (1 more row like it)") if alike else "")
        raise UserError(_("{path} line {line}: the timestamp {value!r} is a negative Unix time, a moment before 1970 that usually stands for an unknown time{more}; write the real time or remove the row.").format(
            path=path, line=line, value=str(raw_t).strip(), more=more))
    if table.num_rows == 0:
        raise UserError(_("{path} has no interaction; give a log with at least one row.").format(path=path))
    users, user = np.unique(np.asarray(table.column("u").to_pylist(), dtype=object).astype(str), return_inverse=True)
    items, item = np.unique(np.asarray(table.column("i").to_pylist(), dtype=object).astype(str), return_inverse=True)
    times = np.asarray(table.column("t").to_numpy(zero_copy_only=False), dtype=np.int64)
    alternates = {original[n]: np.asarray(table.column(f"alt{k}").to_pylist(), dtype=object).astype(str)
                  for k, n in enumerate(others)}
    con.close()
    return InteractionLog(users, items, user.astype(np.int64), item.astype(np.int64), times,
                          {c: original[found[c]] if c in found else None for c in REQUIRED}, alternates, headless)


def read_items(path: Path | None, log: InteractionLog) -> ItemTable:
    """The item table (``item_id`` plus any columns); items of the log missing from it get no
    features (``notes`` says how many), and items only in the table are kept here (they can be
    test items: ``keep_items`` leaves out the others once the split is known).

    An id of the log without a row of its own finds the row that writes it otherwise (``_normal``:
    ``0012`` for ``12``, ``12.0``, quotes or spaces around it, ``034545104x`` for ``34545104X``),
    id by id, unless two rows or two ids of the log would then be one. A column that only numbers
    the rows (pandas' unnamed index) is no feature (``ignored``).

    A row repeated exactly (the same id and values: metadata files published with repeated
    lines) is read once, and ``notes`` says how many were dropped; two different rows of one id
    are refused. A log read without a header row is first oriented by the table's ids (``_orient``)."""
    if path is None:
        return ItemTable(log.item_ids, {}, None, _unoriented(log))
    known = {_normal(v) for v in log.item_ids.tolist()}
    if log.by_position:
        # The log's first column may be its items (``_orient``): its ids tell a headerless table too.
        known |= {_normal(v) for v in log.users.tolist()}
    names, rel, con, first_line, _headless = _read(path, _("Items"), ("item_id",), known)
    original = dict(zip(names, rel.columns, strict=True))
    read_rows = rel.fetchall()
    con.close()
    if not read_rows:
        raise UserError(_("{path} has a header but no item; give one row per item (its item_id and features), or leave --items out.").format(
            path=path))
    rows: list[tuple[Any, ...]] = []
    lines: list[int] = []  # each kept row's line in the file
    distinct: set[tuple[Any, ...]] = set()
    for n, row in enumerate(read_rows):
        if row not in distinct:
            distinct.add(row)
            rows.append(row)
            lines.append(n + first_line)
    repeated = len(read_rows) - len(rows)
    notes: list[str] = []
    if repeated:
        notes.append(plural(repeated, "{n} row of the item table repeats an earlier one exactly (the same id and values): it was dropped.",
                            "{n} rows of the item table repeat earlier ones exactly (the same id and values): they were dropped.").format(
            n=count_text(repeated)))
    notes.extend(_orient(log, names, rows))
    _key_log_as_the_table(log, names, rows)
    position = {c: names.index(c) for c in names}
    key = _id_column(names, rows, log)
    if key is None:
        raise UserError(_("{path} has no item_id column; an item table needs item_id and any feature columns.").format(path=path))
    ids = [_bare(str(r[position[key]] or "")) for r in rows]
    if any(not v for v in ids):
        line = lines[ids.index("")]
        raise UserError(_("{path} line {line} has no item_id; fix or remove that row.").format(path=path, line=line))
    ids, rewritten = _matched_ids(ids, log, path)
    seen: set[str] = set()
    for n, v in enumerate(ids):
        if v in seen:
            raise UserError(_("{path} line {line} repeats item {item}; give each item once.").format(path=path, line=lines[n], item=v))
        seen.add(v)
    logged = set(log.item_ids.tolist())
    without_row = len(logged - seen)
    if without_row:
        notes.append(plural(without_row, "{n} of the log's {total} items has no row in the item table: it has no feature.",
                            "{n} of the log's {total} items have no row in the item table: they have no feature.").format(
            n=count_text(without_row), total=count_text(len(logged))))
    ignored: dict[str, str] = {}
    for name in names:
        if name != key and _numbers_rows(name, [r[position[name]] for r in rows]):
            ignored[original[name]] = "row number"
            notes.append(_("The item table's column {column} only numbers its rows (0, 1, 2… as pandas writes its index): it describes no item, so it is no feature.").format(
                column=original[name]))
    all_ids = np.array(sorted(seen | logged), dtype=object).astype(str)
    index = {v: n for n, v in enumerate(all_ids.tolist())}
    # The log's item indices follow the merged, sorted id list.
    log.item = np.array([index[v] for v in log.item_ids.tolist()], dtype=np.int64)[log.item]
    log.item_ids = all_ids
    at = np.array([index[v] for v in ids], dtype=np.int64)
    columns: dict[str, list[str | None]] = {}
    first: np.ndarray | None = None
    for name in names:
        if name == key or original[name] in ignored:
            continue
        values: list[str | None] = [None] * len(all_ids)
        for row, slot in zip(rows, at.tolist(), strict=True):
            values[slot] = row[position[name]]
        if name == "first_available":
            first = np.full(len(all_ids), NO_TIME, dtype=np.int64)
            for slot, value in enumerate(values):
                if value is None or not str(value).strip():
                    continue
                parsed = parse_time(str(value))
                if parsed is None:
                    raise UserError(_("{path}: first_available {value!r} of item {item} is not a date; write ISO 8601 or Unix seconds.").format(
                        path=path, value=value, item=all_ids[slot]))
                first[slot] = parsed
            continue
        columns[original[name]] = values
    return ItemTable(all_ids, columns, first, notes, ignored,
                     {"rows": len(rows), "ids_written_otherwise": rewritten, "log_items_without_row": without_row,
                      "identical_rows_dropped": repeated})


def keep_items(log: InteractionLog, items: ItemTable, keep: np.ndarray) -> tuple[ItemTable, np.ndarray]:
    """The item table without the items ``keep`` (a mask over ``items.ids``, true for every item
    of the log) leaves out, the log's item indices renumbered to it (in place), and each old index's
    new one (-1: left out). A row of the table that no interaction names is no training item: it
    teaches nothing, and a catalogue twice the log's size cost a run twice the memory and hours.
    ``notes`` says how many were left out."""
    renumbered = np.full(len(items.ids), -1, dtype=np.int64)
    renumbered[keep] = np.arange(int(keep.sum()))
    left_out = len(items.ids) - int(keep.sum())
    if not left_out:
        return items, renumbered
    log.item = renumbered[log.item]
    log.item_ids = items.ids[keep]
    kept = np.flatnonzero(keep).tolist()
    note = plural(left_out, "{n} of the item table's {total} items has no interaction in the log and is not in the test catalogue: it was left out.",
                  "{n} of the item table's {total} items have no interaction in the log and are not in the test catalogue: they were left out.").format(
        n=count_text(left_out), total=count_text(items.summary.get("rows", len(items.ids))))
    table = ItemTable(items.ids[keep], {name: [values[i] for i in kept] for name, values in items.columns.items()},
                      items.first_available[keep] if items.first_available is not None else None,
                      [*items.notes, note], items.ignored, {**items.summary, "left_out_without_interaction": left_out})
    return table, renumbered


# Headers pandas or DuckDB give a column without a name (``Unnamed: 0``; an empty header read as
# ``column0``), and the names an exported index takes.
_UNNAMED = re.compile(r"|column\d+|unnamed[:_ ]*\d*|index|level_0|#")


def _numbers_rows(name: str, values: list[Any]) -> bool:
    """Whether a column without a name (``_UNNAMED``) holds nothing but the rows' numbers, 0 to n-1
    or 1 to n in the file's order: pandas' index, written by ``to_csv`` by default."""
    if not _UNNAMED.fullmatch(name.strip()) or len(values) < 2:
        return False
    first = str(values[0] or "").strip()
    if first not in ("0", "1"):
        return False
    start = int(first)
    return all(str(v or "").strip() == str(start + n) for n, v in enumerate(values))


# A headerless log is read item first when the item table holds at least this share of its first
# column's ids, and at most a tenth of that share of the second's (``_orient``).
ORIENT_SHARE = 0.5
ORIENT_RATIO = 10


def _orient(log: InteractionLog, names: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    """A log read without a header row takes its first column as the user and its second as the
    item (``_by_position``); a file listing the item first (``item,user,rating,time``, as shops
    publish ratings) would be read the other way round, silently. The item table settles it: when it
    holds most of the ids of the column read as the user (``ORIENT_SHARE``) and few of the column
    read as the item (``ORIENT_RATIO`` times fewer, as a share), the two are swapped in place. Numbers
    shared by both (MovieLens' users 1 to 943 among films 1 to 1682) settle nothing: the order stays.
    Returns what the report should say: the swap, or a doubt the table raised but could not settle."""
    if not log.by_position or log.columns is None:
        return []
    aliases = {"itemid", *ALIASES["item_id"]}
    candidates = [n for n, c in enumerate(names) if n == 0 or c == "item_id" or is_identifier(c) or _squeeze(c) in aliases]
    columns = [set(_normal_ids(rows, n)) for n in candidates]

    def share(ids: np.ndarray) -> float:
        normal = {_normal(v) for v in ids.tolist()}
        return max((len(normal & column) / len(normal) for column in columns), default=0.0) if normal else 0.0

    as_user, as_item = share(log.users), share(log.item_ids)
    user_column, item_column = log.columns["user_id"], log.columns["item_id"]
    if as_user >= ORIENT_SHARE and as_item * ORIENT_RATIO <= as_user:
        log.users, log.item_ids = log.item_ids, log.users
        log.user, log.item = log.item, log.user
        log.columns["user_id"], log.columns["item_id"] = item_column, user_column
        return [_("The log has no header row and the item table holds the ids of its column {item}, not those of {user}: {item} was read as the item and {user} as the user.").format(
            item=user_column, user=item_column)]
    if as_user > as_item:
        return [_("The log has no header row: its column {user} was read as the user and {item} as the item, although the item table holds more of {user}'s ids than of {item}'s; if the file lists the item first, add a header row (user_id,item_id,timestamp).").format(
            user=user_column, item=item_column)]
    return []


def _unoriented(log: InteractionLog) -> list[str]:
    """What the report says of a log read without a header row and without an item table: which
    column was taken for what, with nothing to tell (``_orient`` needs the table's ids)."""
    if not log.by_position or log.columns is None:
        return []
    return [_("The log has no header row: its column {user} was read as the user and {item} as the item, as nothing else tells them apart; if the file lists the item first (item, user, rating, time), give --items FILE, whose ids tell which column holds the items, or add a header row (user_id,item_id,timestamp).").format(
        user=log.columns["user_id"], item=log.columns["item_id"])]


def _key_log_as_the_table(log: InteractionLog, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """When the log has several item id columns (Amazon's reviews: ``asin``, the variant bought, and
    ``parent_asin``, the product) and the table's ids are another of them than the one the log was
    read by (Amazon's metadata is keyed by ``parent_asin``), the log is read by that one (in place):
    otherwise no item would have a feature, or the sentence would say the files do not match."""
    if not log.alternates:
        return
    aliases = {"itemid", *ALIASES["item_id"]}
    columns = [_normal_ids(rows, n) for n, c in enumerate(names) if is_identifier(c) or _squeeze(c) in aliases]

    def shared(ids: np.ndarray) -> int:
        known = {_normal(v) for v in set(ids.tolist())}
        return max((sum(v in known for v in column) for column in columns), default=0)

    best, best_shared = None, shared(log.item_ids)
    for header, values in log.alternates.items():
        if (values == "").any():
            continue  # a row without that id would become an item called "": never switched to
        count = shared(values)
        if count > best_shared:
            best, best_shared = header, count
    if best is None:
        return
    values = log.alternates.pop(best)
    if log.columns is not None:
        previous = log.columns.get("item_id")
        if previous is not None:
            log.alternates[previous] = log.item_ids[log.item]
        log.columns["item_id"] = best
    log.item_ids, item = np.unique(values, return_inverse=True)
    log.item = item.astype(np.int64)


def _id_column(names: list[str], rows: list[tuple[Any, ...]], log: InteractionLog) -> str | None:
    """Which column of the item table holds the log's item ids: the one named so (``item_id``, its
    aliases, else the log's own header), unless another id column (``id``, ``…_id``) matches more of the
    log's items — Goodbooks-10k's ``books.csv`` has ``id``, ``book_id`` and ``work_id``, and only
    one of them is what the ratings call ``book_id``: taking the wrong one would describe every
    item with another's features, silently. Without a column named so, the id column that holds the
    log's ids (Last.fm's ``artists.dat``: ``id``, for the log's ``artistID``); None when none does.
    Ids are compared as ``_normal`` writes them."""
    logged = (log.columns or {}).get("item_id")
    named = resolve_columns(names, ("item_id",)).get("item_id")
    if named is None and logged and logged.strip().lower() in names:
        named = logged.strip().lower()
    aliases = {"itemid", *ALIASES["item_id"]}
    candidates = [c for c in names if c == named or is_identifier(c) or _squeeze(c) in aliases]
    if not candidates or (named is not None and len(candidates) < 2):
        return named
    known = {_normal(v) for v in log.item_ids.tolist()}
    shared = {c: sum(v in known for v in _normal_ids(rows, names.index(c))) for c in candidates}
    best = max(candidates, key=lambda c: (shared[c], c == named))
    if shared[best] > 0:
        return best
    # Several id columns, none holding the log's ids: the first, for the sentence saying so.
    return named if named is not None or len(candidates) < 2 else best


def _normal_ids(rows: list[tuple[Any, ...]], n: int) -> list[str]:
    """Column ``n`` of the item table's rows as ids written one way (``_normal``)."""
    return [_normal(str(r[n] or "")) for r in rows]


_WHOLE_NUMBER = re.compile(r"(-?)\+?0*(\d+?)(?:\.0*)?")


def _bare(value: str) -> str:
    """An id without the spaces and quotes around it (``"0446520802"`` → ``0446520802``)."""
    return value.strip().strip(_QUOTES).strip()


def _normal(value: str) -> str:
    """An id written one way, to compare two files' writings: bare (``_bare``); a whole number
    without leading zeros or decimals (``0012``, ``12.0`` → ``12``: how a spreadsheet or pandas
    writes ids, digits kept as text however long); other ids in lower case and, when they begin
    with zeros before a digit, without them (an ISBN: ``034545104X`` → ``34545104x``)."""
    text = _bare(value)
    whole = _WHOLE_NUMBER.fullmatch(text)
    if whole:
        return whole.group(1) + whole.group(2)
    text = text.lower()
    stripped = text.lstrip("0")
    return stripped if stripped[:1].isdigit() else text


def _as_written_in(values: list[str], known: list[str]) -> list[str]:
    """Each value as ``known`` writes it when only its writing differs (``_normal``: ``12.0`` for
    ``12``) and no other of ``known`` writes it so; the others as they are."""
    present = set(known)
    normals = Counter(_normal(v) for v in known)
    by_normal = {_normal(v): v for v in known}
    out = []
    for value in values:
        normal = _normal(value)
        out.append(by_normal[normal] if value not in present and normals[normal] == 1 else value)
    return out


def _matched_ids(ids: list[str], log: InteractionLog, path: Path) -> tuple[list[str], int]:
    """The table's ids as the log writes them, and how many were written otherwise. Id by id: a row
    whose id the log does not have takes the log's writing of it (``_normal``: ``0012`` for ``12``)
    when the log has no row of that id in the table, and neither the table nor the log writes that
    id twice (two rows are never merged into one item, nor two of the log's items). When still
    not one id is shared, the table describes other items: one sentence, not a silent evaluation
    without any feature."""
    logged = log.item_ids.tolist()
    known = set(logged)
    table = set(ids)
    rows_by_normal = Counter(_normal(v) for v in ids)
    log_by_normal = Counter(_normal(v) for v in logged)
    homeless = {_normal(v): v for v in logged if v not in table}
    matched = []
    rewritten = 0
    for v in ids:
        normal = _normal(v)
        if v not in known and normal in homeless and rows_by_normal[normal] == 1 and log_by_normal[normal] == 1:
            matched.append(homeless[normal])
            rewritten += 1
        else:
            matched.append(v)
    if matched and not any(v in known for v in matched):
        raise UserError(_("{path} shares no item_id with the interaction log (the table's first: {table}; the log's first: {log}); give the item table of the same catalogue, with the same ids.").format(
            path=path, table=ids[0], log=logged[0]))
    return matched, rewritten


def read_item_list(path: Path, items: ItemTable) -> np.ndarray:
    """Indices of the items listed in a one-column file (``item_id`` header optional)."""
    if path.is_dir():
        raise UserError(_("Test items file {path} is a folder; give the path of the file inside it.").format(path=path))
    if not path.is_file():
        raise UserError(_("Test items file {path} does not exist; check the path.").format(path=path))
    # Decoded as the log is (Excel's UTF-16 "Unicode text", Windows-1252, binary data refused), and
    # read as CSV: an id in quotes may hold a comma.
    with _utf8(_plain(path)).open(encoding="utf-8-sig", newline="") as handle:
        lines = [_bare(row[0]) if row else "" for row in csv.reader(handle)]
    index = {v: n for n, v in enumerate(items.ids.tolist())}
    # A header line (``item_id``, ``movieId``...) is skipped, unless an item is called that.
    headers = {"itemid", *ALIASES["item_id"]}
    wanted = [v for v in lines if v and not (_squeeze(v) in headers and v not in index)]
    unknown = [v for v in wanted if v not in index]
    if unknown:
        # The same ids written otherwise (``12.0`` or ``0012`` for ``12``) are the same items.
        wanted = _as_written_in(wanted, list(index))
        unknown = [v for v in wanted if v not in index]
    if unknown:
        raise UserError(plural(len(unknown), "{path} lists {n} item that appears in neither the log nor the item table (first: {item}); check the ids.", "{path} lists {n} items that appear in neither the log nor the item table (first: {item}); check the ids.").format(
            path=path, n=count_text(len(unknown)), item=unknown[0]))
    if not wanted:
        raise UserError(_("{path} lists no item; give one item_id per line.").format(path=path))
    return np.array(sorted({index[v] for v in wanted}), dtype=np.int64)
