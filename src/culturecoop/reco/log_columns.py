"""Which column of a log or an item table is which: the user, the item, the time, an index.

Public logs name their columns their own way (``userId``, ``ISBN``, ``t_dat``), or have no header
row at all (MovieLens' ``u.data``): the columns are found by name, by alias, or by position and
what the first row holds (``read_table``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.reco.id_writing import normal_id
from culturecoop.reco.log_times import parse_time
from culturecoop.reco.table_files import read_text_table, refuse_ragged_row, text_copy

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


def squeeze(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def resolve_columns(names: list[str], wanted: tuple[str, ...]) -> dict[str, str]:
    """Which of ``names`` (lowered headers) holds each ``wanted`` column: its own name, else its
    first alias present. Columns found neither way are left out."""
    squeezed = {squeeze(n): n for n in reversed(names)}
    found: dict[str, str] = {}
    for column in wanted:
        if column in names:
            found[column] = column
            continue
        for alias in (squeeze(column), *ALIASES.get(column, ())):
            if alias in squeezed and squeezed[alias] not in found.values():
                found[column] = squeezed[alias]
                break
    return found


# Names of a log's time column besides ``ALIASES`` (compared as the words of the lowered header):
# MovieTweetings' ``rating_timestamp``, ``timestamp_ms``, ``event_time``, ``review_date``,
# ``created_at``.
_TIME_WORDS = frozenset({"timestamp", "time", "date", "datetime", "ts", "epoch", "unixtime"})


def time_header(names: list[str], taken: set[str]) -> str | None:
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


# Headers pandas or DuckDB give a column without a name (``Unnamed: 0``; an empty header read as
# ``column0``), and the names an exported index takes.
_UNNAMED = re.compile(r"|column\d+|unnamed[:_ ]*\d*|index|level_0|#")


def numbers_rows(name: str, values: list[Any]) -> bool:
    """Whether a column without a name (``_UNNAMED``) holds nothing but the rows' numbers, 0 to n-1
    or 1 to n in the file's order: pandas' index, written by ``to_csv`` by default."""
    if not _UNNAMED.fullmatch(name.strip()) or len(values) < 2:
        return False
    first = str(values[0] or "").strip()
    if first not in ("0", "1"):
        return False
    start = int(first)
    return all(str(v or "").strip() == str(start + n) for n, v in enumerate(values))


def is_data_row(fields: list[str], wanted: tuple[str, ...], known: set[str]) -> bool:
    """Whether the first row is data rather than headers: none of ``wanted`` is found among it, and
    one of its fields is a number or a time (``196	242	3	881250949``) or one of the ``known``
    ids (the log's items as ``normal_id`` writes them, for an item table) — a header never is."""
    names = [f.strip().lower() for f in fields]
    if resolve_columns(names, wanted[:1]) or (len(wanted) > 1 and resolve_columns(names, wanted[1:2])):
        return False
    # DuckDB renames a repeated header (``0``, ``0_1``…).
    return any(parse_time(re.sub(r"_\d+$", "", f)) is not None or normal_id(f) in known for f in fields)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def names_by_position(rel: duckdb.DuckDBPyRelation, wanted: tuple[str, ...]) -> list[str]:
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


def read_table(path: Path, what: str, wanted: tuple[str, ...],
          known: set[str] | None = None) -> tuple[list[str], duckdb.DuckDBPyRelation, duckdb.DuckDBPyConnection, int, bool]:
    """The file's lowered headers, its rows as text, the connection holding them, the line (or JSON
    record) number of the first row, and whether the columns were taken by position (no header row).

    Public data sets come as they were published: MovieLens 1M's ``::`` between fields, 100k's
    Latin-1 titles and files without a header row (``u.data``: user, item, rating, time), Amazon's
    headerless ratings. A ``::`` file is split on ``::``; a file that is not UTF-8 is read as
    Windows-1252 (Latin-1's superset); a first row that holds none of the ``wanted`` headers but a
    number, a time or one of the ``known`` ids (an item table's first column: the log's items) is
    data, and the columns are then taken by position (``names_by_position``)."""
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
    source, records = text_copy(path)
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
        if is_data_row(list(rel.columns), wanted, known or set()):
            rel = con.read_csv(str(source), header=False, all_varchar=True, **options)
            names = names_by_position(rel, wanted)
            first_line = 1
            headless = True
    except duckdb.Error:
        refuse_ragged_row(source, path)
        raise UserError(_("{path} cannot be read as CSV; give a comma-separated file with a header row.").format(
            path=path)) from None
    if len(names) == 1:
        # One column although the header has separators: the sniffer gave up on the dialect,
        # most often because one row has more or fewer fields than the header.
        refuse_ragged_row(source, path)
    return names, rel, con, first_line, headless
