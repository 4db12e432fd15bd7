"""Count and sum lines among an export's rows: « 30 billets;;;;;300,00;30 », « 42 tickets sold », or a
line of sums under the columns with no label at all (« ;;;;;300,00;30 »), as a spreadsheet's user or a
report adds them under the rows or under each show's.

``rows`` already leaves out a line whose first cell is a total's label (« Total », « Sous-total »,
« TOTAL GÉNÉRAL »); these are the lines it could not tell. A line is one only when it names no buyer
and no ticket or order (a count cell standing where the number goes aside), and either writes a count
of tickets (a number and a count word, as its own cell) or writes nothing but numbers, one of which is
the sum of the lines above it (their amounts, their seats, or how many they are): since the previous
such line, or since the first row. A line of numbers that sums nothing stays a reject, said.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation

import duckdb

from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.source import SourceInfo

# The words a count of a report's rows is written with, folded (« 30 billets », « 12 commandes », « 42
# tickets sold », « 40 Karten », « 18 entradas »).
_COUNT_WORDS = ("billets?|tickets?|places?|entrees?|commandes?|orders?|ventes?|sales?|lignes?|rows?|records?|"
                "enregistrements?|participants?|attendees?|spectateurs?|reservations?|bookings?|inscriptions?|"
                "registrations?|transactions?|items?|articles?|karten|bestellungen|buchungen|biglietti|ordini|"
                "entradas|bilhetes|pedidos|ventas|billetter|biljetter|kaartjes|bestellingen|bilety")
COUNT_CELL = re.compile(rf"[0-9][0-9 .,]* ({_COUNT_WORDS})( [a-z]+){{0,2}}")
# A cell of nothing but a number or an amount (« 300,00 », « 1 234,50 € », « $1,234.50 », « 30 »).
_NUMBER_CELL = re.compile(r"[-+(]?\s*[$€£¥₣]?\s*[0-9][0-9\s\u00a0\u202f.,']*\s*(\$|€|£|¥|CHF|EUR|CAD|USD|GBP)?\)?",
                          re.IGNORECASE)
# A sub-total's label followed by what it sums, folded (« Sous-total Théâtre : Le Misanthrope », « Total
# Ciné-concert », « Subtotal: Jazz Night (Fri) »): a show's title may hold any word, sign or figure.
SUBTOTAL_CELL = re.compile(r"(sous total|sub ?total|subtotale|subtotaal|zwischensumme|teilsumme|total parcial|"
                           r"totals?|totaux|totale|totaal|totalt|summe|gesamt)( .+)?")
_SUBTOTAL_SQL = ("(^|[,;\\t|])\\s*\"?\\s*(sous[- ]total|sub[- ]?total|subtotale|subtotaal|zwischensumme|teilsumme|"
                 "total parcial|totals?|totaux|totale|totaal|totalt|summe|gesamt)\\b")


# Candidates: lines that broke a rule and name no buyer, ticket or order (or a count where the number goes).
# A count line writes a number and a count word; a line of sums nothing but numbers, separators and signs: a
# door sale naming nobody (its show, its date) is neither, and never leaves the database (a till's export may
# hold a million of them). A report writes a few such lines: past a thousand, none is looked at.
_CANDIDATES = f"""SELECT line_no, raw, ticket_id, order_id FROM checked
    WHERE len(reasons) > 0 AND raw IS NOT NULL AND patron_id IS NULL AND identity_fields = 0
      AND NOT list_contains(reasons, 'malformed_line') AND NOT summary_row
      AND (regexp_full_match(regexp_replace(raw, '(eur|cad|usd|chf|gbp)', '', 'gi'), '[\\s0-9.,;|"''$€£¥()+\\-]*')
           OR regexp_matches(strip_accents(lower(raw)), '[0-9]\\s+({_COUNT_WORDS})\\b|{_SUBTOTAL_SQL}'))
    ORDER BY line_no LIMIT 1000"""


def is_subtotal_row(row: list[str]) -> bool:
    """Whether ``row`` (its cells) is a line of sub-totals: its first filled cell a total's label and what it
    sums (« Sous-total Concert X »), the others numbers only (its seats, its amount)."""
    cells = [c.strip() for c in row if c and c.strip()]
    return (len(cells) >= 2 and SUBTOTAL_CELL.fullmatch(vocab.fold(cells[0])) is not None
            and all(is_count_cell(c) or _NUMBER_CELL.fullmatch(c) for c in cells[1:]))


def is_count_cell(cell: str | None) -> bool:
    """Whether ``cell`` is a count of tickets or rows (« 30 billets », « 42 tickets sold »)."""
    return bool(cell) and COUNT_CELL.fullmatch(vocab.fold(cell or "")) is not None


def is_count_row(row: list[str]) -> bool:
    """Whether ``row`` (a sample's cells) is a count line: a count cell and numbers only (``sniff`` leaves
    it out of the rows the draft judges the columns by, as a « Total » line)."""
    cells = [c.strip() for c in row if c and c.strip()]
    return any(is_count_cell(c) for c in cells) and all(is_count_cell(c) or _NUMBER_CELL.fullmatch(c) for c in cells)


def skip_count_and_sum_lines(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Mark the count and sum lines of ``checked`` (the module's doc) as summary rows, like « Total »."""
    candidates = con.execute(_CANDIDATES).fetchall()
    if not candidates:
        return
    totals: list[int] = []
    sums: list[tuple[int, list[Decimal]]] = []
    for line_no, raw, ticket_id, order_id in candidates:
        cells = [c.strip() for c in _cells(raw, len(info.header)) if c.strip()]
        # A ticket or order number is no total's, unless it is the count or the label written where it goes.
        if not cells or any(v is not None and not is_count_cell(v) and not (is_subtotal_row(cells) and v == cells[0])
                            for v in (ticket_id, order_id)):
            continue
        if is_count_row(cells) or is_subtotal_row(cells):
            totals.append(line_no)
        elif all(_NUMBER_CELL.fullmatch(c) for c in cells):
            sums.append((line_no, [n for c in cells for n in _readings(c)]))
    totals += _summing(con, sums, totals)
    if totals:
        con.execute("UPDATE checked SET reasons = NULL, summary_row = true WHERE list_contains($lines, line_no)",
                    {"lines": totals})


def _summing(con: duckdb.DuckDBPyConnection, sums: list[tuple[int, list[Decimal]]], totals: list[int]) -> list[int]:
    """The lines of ``sums`` one of whose numbers is a sum of the accepted lines above (the module's doc)."""
    if not sums:
        return []
    found: list[int] = []
    for line_no, numbers in sums:
        # The lines above since the last total line (a « Total » ``rows`` found, or one found here), and all.
        since = con.execute("SELECT coalesce(max(line_no), 0) FROM checked WHERE summary_row AND line_no < $n",
                            {"n": line_no}).fetchall()[0][0]
        since = max([since, *[t for t in totals + found if t < line_no]])
        ranges = con.execute(
            """SELECT count(*) FILTER (WHERE line_no > $since), sum(worth) FILTER (WHERE line_no > $since),
                      sum(seats) FILTER (WHERE line_no > $since), count(*), sum(worth), sum(seats)
               FROM (SELECT line_no, unit_price * coalesce(quantity, 1) AS worth, coalesce(quantity, 1) AS seats
                     FROM checked WHERE line_no < $n AND reasons = [] AND NOT summary_row)""",
            {"n": line_no, "since": since}).fetchall()[0]
        if (ranges[0] or 0) < 2 and (ranges[3] or 0) < 2:
            continue  # one line above: its own figures, no sum to check
        figures = {Decimal(str(v)).quantize(Decimal("0.01")) for v in ranges if v}
        if any(n.quantize(Decimal("0.01")) in figures for n in numbers if n):
            found.append(line_no)
    return found


def _cells(raw: str, width: int) -> list[str]:
    """The cells of the raw line ``raw``: split by the separator that gives the header's ``width``."""
    for delimiter in (";", "\t", "|", ","):
        if delimiter in raw:
            cells = next(csv.reader([raw], delimiter=delimiter), [])
            if len(cells) == width or delimiter == ",":
                return cells
    return [raw]


def _readings(cell: str) -> list[Decimal]:
    """The values a number cell may be written for (« 1.234 » is 1234 or 1,234)."""
    digits = re.sub(r"[^0-9.,']", "", cell).replace("'", "")
    readings = []
    for decimal_mark, grouping in ((",", "."), (".", ",")):
        text = digits.replace(grouping, "")
        if text.count(decimal_mark) > 1:
            continue
        try:
            readings.append(Decimal(text.replace(decimal_mark, ".")))
        except InvalidOperation:
            continue
    return readings
