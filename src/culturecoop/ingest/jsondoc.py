"""Exports written as one JSON document rather than JSON lines: read as JSON lines.

A ticketing API's answer saved to a file, or a back office's "JSON" export, is one document: a
list of records (``[{...}, {...}]``), or an object holding that list beside paging or event
details (``{"pagination": {...}, "attendees": [...]}``; pretix's ``{"event": {"orders": [...]}}``).
An order may hold its tickets as a list of objects (``"positions": [...]``): each ticket is then
one row, with its order's fields beside it. A document that lists its shows or ticket types once,
with an id each, and names them by id in the records (pretix: ``"subevent": 102`` beside
``"subevents": [{"id": 102, "date_from": …}]``) has each such id replaced by the object it names, as
a join would; and the plain fields of the objects that enclose the records (the event an export
is of: ``{"event": {"name": "Jazz Festival", "orders": [...]}}``) stand on every row. ``records``
finds the rows; ``as_json_lines`` writes them one per line, so the JSON lines reader (``prepare``,
``mapping draft``) reads them as it reads any JSON lines export, nested objects as dotted paths.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest import json_pages
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.attendees import NUMBER, detect, shares, unnumbered

# A document is read whole: beyond this, converting it to JSON lines first is the way.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
_DEPTH = 4  # how deep in the document the list of records is looked for
# A field holding another record's id: ``show_id``, ``showId``, ``show id``.
_REFERENCE = re.compile(r"(.+?)(?:[_ \-][iI][dD]|(?<=[a-z])Id|ID)")


def too_deep(path: Path) -> UserError:
    """The sentence for a JSON file nested deeper than it can be read (thousands of levels): no
    export of sales is."""
    return UserError(_("The file {path} is JSON nested thousands of levels deep, which no export of sales is; give "
                       "the export of the orders or tickets (CSV, JSON lines or Excel).").format(path=path.name))


def loads(text: str | bytes) -> Any:
    """``json.loads``; a value nested deeper than Python can follow is invalid JSON (``ValueError``)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def is_document(path: Path) -> bool:
    """True when ``path`` is one JSON document (an array, or an object spread over several lines),
    not JSON lines (one object per line)."""
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    text = head.decode("utf-8-sig", errors="replace").lstrip(" \t\r\n")
    if text.startswith("["):
        return True
    if not text.startswith("{"):
        return False
    first, _sep, rest = text.partition("\n")
    try:
        record = json.loads(first.strip())
        if not isinstance(record, dict):
            return True
        # An API's answer saved on one line ({"docs": [{…}, {…}]}): the file's only line, whose
        # records are in a list. JSON lines have a line per record.
        alone = not rest.strip() and len(head) < 64 * 1024
        # An API's pages, one a line ({"orders": [{…}, {…}]}): read together, as one document; so are
        # orders one a line, each holding its tickets (a row per ticket, as in a document).
        return ((alone and any(len(found) > 1 for found in _lists_of_objects(record))) or json_pages.is_page(record)
                or _holds_tickets(record))
    except RecursionError:
        return False  # a whole line nested past reading: JSON lines, that line set aside
    except ValueError:
        return True  # "{" alone, or an object cut by its line break: a pretty-printed document


def _lists_of_objects(value: Any, depth: int = 0) -> Iterator[list[dict[str, Any]]]:
    if depth > _DEPTH:
        return
    if isinstance(value, list) and value and sum(isinstance(v, dict) for v in value) >= 0.9 * len(value):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _lists_of_objects(child, depth + 1)


# The names (letters only, folded) of an order's list of its tickets, in JSON lines of orders: a list of other
# objects (a form's answers, a ticket's barcodes) is no ticket of its own.
_TICKET_LISTS = frozenset({"tickets", "positions", "attendees", "items", "lineitems", "orderitems", "seats", "billets",
                           "places", "participants", "entries", "bookings", "admissions", "registrations", "lines"})


def _holds_tickets(record: dict[str, Any]) -> bool:
    """Whether ``record`` (a line of JSON lines) is an order holding its tickets as a list of objects."""
    found = _lines_of(record)
    return found is not None and re.sub(r"[^a-z]", "", found[0].lower()) in _TICKET_LISTS


def _lines_of(record: dict[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
    """The key of an order's list of tickets (objects), when the record has one."""
    found = [(k, v) for k, v in record.items()
             if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    return found[0] if len(found) == 1 else None


class Records(list[dict[str, Any]]):
    """The rows of a document; ``tickets``: the key of the list each order holds its tickets in, when its
    orders were read a row per ticket (their own fields, the order's amount among them, on each row)."""

    tickets: str | None = None


def records(path: Path) -> Records:
    """The rows of the JSON document ``path`` (see the module docstring); ``UserError`` when it
    holds no list of objects, or is nested too deep to be read."""
    try:
        return _records(path)
    except RecursionError:
        raise too_deep(path) from None


def _records(path: Path) -> Records:
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise UserError(_("The file {path} is one JSON document larger than 512 MB; convert it to JSON lines "
                          "(one object per line, e.g. `jq -c '.[]'`) and prepare the result.").format(path=path.name))
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(_("The file {path} is JSON but not UTF-8 text; export it again as UTF-8.").format(
            path=path.name)) from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            orders = json_pages.documents(exc.doc)
            paged = _pages(path, orders)
            if paged is not None:
                return paged
            if orders and sum(isinstance(o, dict) and _holds_tickets(o) for _line, o in orders) >= 0.5 * len(orders):
                return _rows_of(path, [order for _line, order in orders])  # orders one a line, each with its tickets
            if joined := _documents_one_after_another(path, exc.doc, exc.pos):
                raise joined from None
        raise UserError(_("The file {path} is not valid JSON (line {line} breaks it); export it again, or give "
                          "the CSV export.").format(path=path.name, line=exc.lineno)) from None
    return _rows_of(path, document)


def _pages(path: Path, found: list[tuple[int, Any]] | None) -> Records | None:
    """The rows of an API's pages one after the other (``json_pages``), or None when the documents
    ``found`` (each with its first line) are no such pages; a page given twice is refused as the same
    export twice."""
    if found is None or len(found) < 2 or not json_pages.same_shape([page for _line, page in found]):
        return None
    seen: set[str] = set()
    for line, page in found:
        # Its records as written (a page given again keeps them, whatever page number it writes).
        written = json.dumps(json_pages.records_of(page), sort_keys=True)
        if written in seen:
            raise UserError(_("The file {path} holds the same JSON document twice, the second starting on line {line} "
                              "(the same export twice in one file?), so its sales would count twice; keep it once and "
                              "give the file again.").format(path=path.name, line=line))
        seen.add(written)
    rows = Records()
    for _line, page in found:
        read = _rows_of(path, page)
        rows.extend(read)
        rows.tickets = rows.tickets or read.tickets
    return rows


def _rows_of(path: Path, document: Any) -> Records:
    candidates = list(_lists_of_objects(document))
    if not candidates:
        raise UserError(_("The file {path} is JSON but holds no list of records (objects with the same "
                          "fields); give the export of the orders or tickets.").format(path=path.name))
    rows = max(candidates, key=len)  # the records, not a short list of ticket types beside them
    joiner = _Joiner(_lookups(document, rows))
    context = _context(document, rows)
    out = Records()
    rows = _attendees_listed(rows)
    lines = [_lines_of(r) if isinstance(r, dict) else None for r in rows]
    explode = sum(x is not None for x in lines) >= 0.5 * len(rows) and len({x[0] for x in lines if x}) == 1
    out.tickets = next((x[0] for x in lines if x), None) if explode else None
    for record, found in zip(rows, lines, strict=True):
        if not isinstance(record, dict):
            out.append({"value": record})
        elif explode and found is not None:
            key, items = found
            order = {k: v for k, v in record.items() if k != key}
            out.extend({**context, **joiner.join(order), key: joiner.join(item)} for item in items)
        else:
            out.append({**context, **joiner.join(record)})
    return out


def _attendees_listed(rows: list[Any]) -> list[Any]:
    """Orders naming their attendees in numbered fields (``attendee_1_name``, ``attendee_2_email``…) with their
    attendees as a list of objects (``attendees: [{attendee_name, attendee_email}, …]``), read then a row per
    attendee as any order's tickets are; an attendee whose fields are all empty is none. As ``ingest.attendees``
    reads a CSV's numbered columns."""
    keys = list(dict.fromkeys(k for r in rows[:200] if isinstance(r, dict) for k in r))
    stems = detect(keys)
    if not stems or any(isinstance(r, dict) and _lines_of(r) is not None for r in rows[:200]):
        return rows
    numbered = {stem.replace(NUMBER, str(n)): (stem, n) for stem in stems for n in range(1, 100)}
    listed: list[Any] = []
    for record in rows:
        if not isinstance(record, dict):
            listed.append(record)
            continue
        order: dict[str, Any] = {}
        people: dict[int, dict[str, Any]] = {}
        for key, value in record.items():
            if key in numbered:
                stem, n = numbered[key]
                people.setdefault(n, {})[unnumbered(stem)] = value
            else:
                order[key] = value
        attendees = [p for _n, p in sorted(people.items()) if any(v not in (None, "") for v in p.values())]
        if not attendees:
            listed.append(order)
            continue
        # Each attendee is one seat: the order's count of seats is no line's, and its amounts are shared among
        # its attendees to the cent (the first taking what does not divide), as a CSV's ``shared`` columns are,
        # unless each attendee's price is written.
        for key in [k for k in order if vocab.header_score("quantity", k) >= 0.6]:
            del order[key]
        priced = any(max(vocab.header_score(f, k) for f in _ORDER_AMOUNTS) >= 0.6 for p in attendees for k in p)
        for key in [] if priced else [k for k in order if max(vocab.header_score(f, k) for f in _ORDER_AMOUNTS) >= 0.6]:
            value = order.pop(key)
            for person, share in zip(attendees, shares(None if value is None else str(value), [1] * len(attendees),
                                                       "."), strict=True):
                person[key] = share
        listed.append({**order, "attendees": attendees})
    return listed


# The order's amounts an attendee has a share of.
_ORDER_AMOUNTS = ("total_price", "unit_price")


def _documents_one_after_another(path: Path, text: str, end: int) -> UserError | None:
    """The sentence for a file holding a JSON document and, from ``end`` of ``text``, another: two exports
    joined in one file (``cat a.json b.json``), the same one twice when the second is the first again;
    None when what follows the first is no JSON document."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text[end:].lstrip())
    try:
        first = decoder.decode(text[:end])
        second, _end = decoder.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    line = text.count("\n", 0, start) + 1
    if second == first:
        return UserError(_("The file {path} holds the same JSON document twice, the second starting on line {line} "
                           "(the same export twice in one file?), so its sales would count twice; keep it once and "
                           "give the file again.").format(path=path.name, line=line))
    return UserError(_("The file {path} holds several JSON documents one after the other, the second starting on "
                       "line {line} (two exports joined in one file?); give each export on its own, or export the "
                       "period again as one file.").format(path=path.name, line=line))


def _lookups(document: Any, rows: list[Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """The document's lists of objects that have an ``id`` each (its shows, ticket types,
    categories…), by the list's name, the records themselves excepted: what a record's field of
    the same name in the singular refers to by id (pretix: ``"subevent": 102`` names one of
    ``"subevents": [{"id": 102, …}]``)."""
    found: dict[str, dict[str, dict[str, Any]]] = {}

    def walk(value: Any, depth: int) -> None:
        if depth > _DEPTH or not isinstance(value, dict):
            return
        for name, child in value.items():
            if (child is not rows and isinstance(child, list) and child
                    and all(isinstance(x, dict) and "id" in x for x in child)
                    and len({str(x["id"]) for x in child}) == len(child)):
                # Without their own lists (a date's seat map, a product's variations): a row needs
                # the object's name, dates and place, and every row of a large export carries it.
                found.setdefault(name.lower(), {str(x["id"]): {k: v for k, v in x.items() if not isinstance(v, list)}
                                                for x in child})
            walk(child, depth + 1)
    walk(document, 0)
    return found


def _plurals_of(name: str) -> list[str]:
    lowered = name.lower()
    return [lowered + "s", lowered + "es", *([lowered[:-1] + "ies"] if lowered.endswith("y") else [])]


# How a record's field refers to a lookup list: ``replace`` its id by the object (``subevent``),
# or ``add`` the object beside the id under the field's base name (``show_id`` → ``show``).
_Reference = tuple[str, str, dict[str, dict[str, Any]]] | None


class _Joiner:
    """Records joined to the document's lookup lists (``join``); what each field name refers to
    is worked out once per document, not once per record."""

    def __init__(self, lookups: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.lookups = lookups
        self.references: dict[str, _Reference] = {}

    def _table(self, name: str) -> dict[str, dict[str, Any]] | None:
        return next((self.lookups[n] for n in _plurals_of(name) if n in self.lookups), None)

    def _reference(self, key: str) -> _Reference:
        if key not in self.references:
            table = self._table(key)
            reference: _Reference = ("replace", key, table) if table is not None else None
            named = _REFERENCE.fullmatch(key) if table is None else None
            found = self._table(named.group(1)) if named else None
            if named and found is not None:
                reference = ("add", named.group(1), found)
            self.references[key] = reference
        return self.references[key]

    def join(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with each field that names an object of a lookup list by its id replaced by
        that object (so its name and dates are read as ``field.name``, ``field.date_from``), and each
        ``thing_id`` field's object added as ``thing``; ids not in the list are kept as they are."""
        if not self.lookups:
            return record
        out = dict(record)
        for key, value in record.items():
            if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
                continue
            reference = self._reference(key)
            if reference is None or str(value) not in reference[2]:
                continue
            how, name, table = reference
            if how == "replace":
                out[key] = table[str(value)]
            elif name not in record:
                out[name] = table[str(value)]
        return out


def _context(document: Any, rows: list[Any]) -> dict[str, Any]:
    """The plain fields (text, numbers) of the objects that enclose the records, by their path:
    an export of one event holds its orders inside it (``{"event": {"name": "Jazz Festival",
    "orders": [...]}}``), and every order is for that event (``event.name``)."""
    def walk(value: Any, path: list[str], depth: int) -> dict[str, Any] | None:
        if value is rows:
            return {}
        if depth > _DEPTH or not isinstance(value, dict):
            return None
        for name, child in value.items():
            below = walk(child, [*path, name], depth + 1)
            if below is not None:
                plain = {k: v for k, v in value.items() if isinstance(v, str | int | float) and not isinstance(v, bool)}
                return _merged(_nest(path, plain), below) if path and plain else below
        return None
    return walk(document, [], 0) or {}


def _merged(outer: dict[str, Any], inner: dict[str, Any]) -> dict[str, Any]:
    """Two nested dicts as one: an enclosing object's fields beside those of the one it holds."""
    out = dict(outer)
    for key, value in inner.items():
        out[key] = _merged(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def _nest(path: list[str], fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = fields
    for name in reversed(path):
        out = {name: out}
    return out


def record_lines(path: Path) -> list[int] | None:
    """The line of ``path`` each row of ``records`` starts on (an order's line for each of its tickets), for
    a document that is an array of records (an export's array, read element by element); None for
    another document, whose records' lines are not worth a second reading."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    at = len(text) - len(text.lstrip())
    if not text.startswith("[", at):
        return None
    decoder = json.JSONDecoder()
    found: list[tuple[int, Any]] = []
    at, line = at + 1, text.count("\n", 0, at) + 1
    while True:
        start = len(text) - len(text[at:].lstrip(" \t\r\n,"))
        line += text.count("\n", at, start)
        if start >= len(text) or text[start] == "]":
            break
        try:
            value, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            return None
        found.append((line, value))
        line += text.count("\n", start, end)
        at = end
    lines = [_lines_of(v) if isinstance(v, dict) else None for _n, v in found]
    explode = sum(x is not None for x in lines) >= 0.5 * len(found) and len({x[0] for x in lines if x}) == 1
    return [n for (n, _v), items in zip(found, lines, strict=True)
            for _row in (items[1] if explode and items is not None else [None])]


def as_json_lines(path: Path, out: Path) -> Path:
    """Write the rows of the document ``path`` to ``out``, one JSON object per line."""
    rows = records(path)
    try:
        with out.open("w", encoding="utf-8") as f:
            for record in rows:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    except RecursionError:
        raise too_deep(path) from None
    return out
