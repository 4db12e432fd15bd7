"""Rows an export holds twice: the same export put twice in one file, whatever its format.

``source.refuse_rows_twice`` finds a CSV or workbook export written twice with its header between the
copies. A JSON lines export concatenated twice (``cat a.jsonl a.jsonl``), a JSON array whose records are
listed twice, or a CSV whose body was pasted again below itself without its header has no header in the
middle to find: there the copy is a run of rows that repeat, word for word and in the same order, a run
of rows above them. Read whole, each of its sales would count twice (an export with no ticket number
numbers the order's lines) or be set aside as a duplicate.

An order's identical seats are identical rows too, one below the other, and a family's order without
ticket numbers may list its adult, child and senior seats twice in the same order: a run is a copy only
when it holds five different rows at least, and lies wholly below the rows it repeats (its distance to
them is at least its length).
"""

from __future__ import annotations

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _, count, plural
from culturecoop.ingest.jsondoc import is_document, record_lines
from culturecoop.ingest.source import SourceInfo

# A run of fewer repeated rows (or of fewer different ones) than this is no copy of an export.
MIN_RUN = 5
# How many distances between a row and its earlier twin are looked at, the most frequent first.
_DISTANCES = 4


def rows_repeated(info: SourceInfo, line: int, rows: int, earlier: int) -> UserError:
    """The sentence for ``rows`` rows from ``line`` repeating, in the same order, the rows from ``earlier``."""
    return UserError(plural(
        rows,
        "Line {line} of {path} begins {n} row that repeats word for word the row on line {earlier} (the same export "
        "twice in one file?), so its sale would count twice; keep each row once (or export the period again as one "
        "file) and give the file again.",
        "Line {line} of {path} begins {n} rows that repeat word for word, in the same order, the rows from line "
        "{earlier} (the same export twice in one file?), so their sales would count twice; keep each row once (or "
        "export the period again as one file) and give the file again.").format(
        line=info.line_label(line), path=info.path.name, n=count(rows), earlier=info.line_label(earlier)))


def records_repeated(info: SourceInfo, record: int, rows: int, earlier: int) -> UserError:
    """``rows_repeated`` for a JSON document, whose rows are records: each named as such, with its line."""
    lines = record_lines(info.path) or []

    def where(number: int) -> str:
        if number <= len(lines):
            return _("record {number} (line {line})").format(number=number, line=lines[number - 1])
        return _("record {number}").format(number=number)

    return UserError(plural(
        rows,
        "In {path}, {where} repeats word for word {earlier} (the same export twice in one file?), so its sale would "
        "count twice; keep each record once (or export the period again as one file) and give the file again.",
        "In {path}, from {where}: {n} records repeat word for word, in the same order, those from {earlier} (the "
        "same export twice in one file?), so their sales would count twice; keep each record once (or export the "
        "period again as one file) and give the file again.").format(
        path=info.path.name, where=where(record), n=count(rows), earlier=where(earlier)))


def refuse_repeated_rows(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Refuse (``rows_repeated``) an export holding a run of rows that repeat earlier rows in their order."""
    excluded = info.header_again or [0]
    # The lines that are no blank line nor the header again, by the hash ``check_rows`` wrote of each: most
    # exports hold no line twice, which is counted first.
    lines = "FROM checked WHERE line_hash IS NOT NULL AND NOT list_contains($excluded, line_no)"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE repeat_hashes AS
                    SELECT line_hash AS h, count(*) - 1 AS again {lines} GROUP BY line_hash HAVING count(*) > 1""",
                {"excluded": excluded})
    twice = con.execute("SELECT sum(again) FROM repeat_hashes").fetchone()
    if twice is None or int(twice[0] or 0) < MIN_RUN:
        con.execute("DROP TABLE repeat_hashes")
        return
    # A run is also five different lines; narrow columns to sort and join. Only the lines written twice or more
    # take part in a run (each line's place among all is kept): the search sorts those, not every line.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE repeat_lines AS
                    SELECT p, line_no, h FROM (SELECT row_number() OVER (ORDER BY line_no) AS p, line_no,
                                                      line_hash AS h {lines})
                    WHERE h IN (SELECT h FROM repeat_hashes)""",
                {"excluded": excluded})
    con.execute("DROP TABLE repeat_hashes")
    sql = f"""WITH t AS (SELECT p - lag(p) OVER (PARTITION BY h ORDER BY p) AS d FROM repeat_lines),
                   c AS (SELECT d FROM t WHERE d >= {MIN_RUN} GROUP BY d HAVING count(*) >= {MIN_RUN}
                         ORDER BY count(*) DESC, d LIMIT {_DISTANCES}),
                   m AS (SELECT c.d, a.p, a.line_no, a.h, b.line_no AS twin
                         FROM c JOIN repeat_lines a ON true JOIN repeat_lines b ON b.p = a.p - c.d AND b.h = a.h),
                   g AS (SELECT *, p - row_number() OVER (PARTITION BY d ORDER BY p) AS run FROM m)
              SELECT min(line_no), count(*), min(twin) FROM g GROUP BY d, run
              HAVING count(*) >= {MIN_RUN} AND count(DISTINCT h) >= {MIN_RUN} AND any_value(d) >= count(*)
              ORDER BY count(*) DESC, min(line_no) LIMIT 1"""
    found = con.execute(sql).fetchall()
    con.execute("DROP TABLE repeat_lines")
    if found:
        line, rows, earlier = found[0]
        if is_document(info.path):  # a JSON document's rows are its records (``jsondoc``)
            raise records_repeated(info, int(line), int(rows), int(earlier))
        raise rows_repeated(info, int(line), int(rows), int(earlier))
