"""An API's answer dumped page by page: several JSON documents one after the other in one file
(``{"orders": [...]}{"orders": [...]}``, or one page per line), each an object holding a page of the
record list beside its paging fields (``page``, ``next``, ``pagination: {...}``).

Pages of the same shape (their records in the same place, with the same fields) are one export: their
records are read one after the other. A page given twice is an export given twice, refused as such;
documents of other shapes (two bare arrays: two exports joined, ``cat a.json b.json``; records of
different fields) are one sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# The fields a page writes beside its records, folded to letters (« per_page » is « perpage »).
_PAGING = frozenset({"page", "pages", "perpage", "pagesize", "pagenumber", "pagecount", "totalpages", "total",
                     "totalcount", "totalitems", "totalrecords", "totalresults", "count", "resultcount", "next",
                     "nextpage", "nexturl", "nextcursor", "previous", "prev", "prevpage", "previouspage", "cursor",
                     "offset", "limit", "hasmore", "hasnext", "more", "object", "url", "success", "status", "ok",
                     "continuation", "continuationtoken", "start", "size", "first", "last", "self", "timestamp",
                     "generatedat", "requestid", "version", "apiversion"})
# Among them, those only a page writes (an order may write a « status » and a « total »), and the objects
# a page keeps them in.
_PAGE_OWN = frozenset({"page", "pages", "perpage", "pagesize", "pagenumber", "pagecount", "totalpages", "next",
                       "nextpage", "nexturl", "nextcursor", "previous", "prev", "prevpage", "previouspage", "cursor",
                       "offset", "limit", "hasmore", "hasnext", "continuation", "continuationtoken"})
_PAGE_OBJECTS = frozenset({"pagination", "paging", "meta", "links", "pageinfo", "page"})
_DEPTH = 3
_BLANKS = re.compile(r"\s*")  # between documents: read in place, not by copying the rest of the file


def documents(text: str) -> list[tuple[int, Any]] | None:
    """The JSON documents of ``text`` one after the other, each with the line it starts on; None when
    what follows one is no JSON document."""
    decoder = json.JSONDecoder()
    found: list[tuple[int, Any]] = []
    at, line, counted = 0, 1, 0
    while True:
        at = _BLANKS.match(text, at).end()  # type: ignore[union-attr]  # (an empty match at worst)
        if at >= len(text):
            return found
        try:
            value, end = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            return None
        line += text.count("\n", counted, at)  # the lines since the last document, not from the file's start
        counted = at
        found.append((line, value))
        at = end


def records_place(page: Any) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """Where a page holds its records and their fields, when ``page`` is an object holding one list of
    objects beside paging fields only (plain values) and objects (``pagination: {...}``); else None."""
    if not isinstance(page, dict):
        return None
    lists = list(_lists(page, ()))
    full = [found for found in lists if found[1]]
    if not full and len(lists) != 1:
        return None
    path, items = max(full, key=lambda found: len(found[1])) if full else lists[0]
    plain = {re.sub(r"[^a-z]", "", k.lower()) for k, v in page.items() if not isinstance(v, dict | list)}
    # A record's own fields (an order holding its tickets, its « status » and « total »), not a page's:
    # a page writes paging fields only, one of them a page's own (or none, or them in an object).
    objects = {re.sub(r"[^a-z]", "", k.lower()) for k, v in page.items() if isinstance(v, dict)}
    if not plain <= _PAGING or (plain and not plain & _PAGE_OWN and not objects & _PAGE_OBJECTS):
        return None
    fields = frozenset(k for item in items[:50] for k in item)
    return path, fields


def is_page(value: Any) -> bool:
    """Whether ``value`` (one line of a file, parsed) reads as a page of records (``records_place``)
    holding two records or more: a file of such lines is an API's pages, not JSON lines of orders."""
    place = records_place(value)
    return place is not None and len(_at(value, place[0])) >= 2


def records_of(page: Any) -> list[Any]:
    """The records a page holds (``records_place``), none when it is no page."""
    place = records_place(page)
    return _at(page, place[0]) if place is not None else []


def same_shape(pages: list[Any]) -> bool:
    """Whether every one of ``pages`` holds its records in the same place, with mostly the same fields."""
    places = [records_place(p) for p in pages]
    if any(p is None for p in places):
        return False
    first = places[0]
    assert first is not None
    for place in places[1:]:
        assert place is not None
        if place[0] != first[0]:
            return False
        # A page of records empty of every optional field still shares most of them.
        if place[1] and first[1] and len(place[1] & first[1]) < 0.5 * min(len(place[1]), len(first[1])):
            return False
    return True


def _lists(value: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    if len(path) > _DEPTH:
        return
    for key, child in value.items():
        if isinstance(child, list) and child and all(isinstance(x, dict) for x in child):
            yield (*path, key), child
        elif isinstance(child, list) and not child:
            yield (*path, key), []  # an empty last page
        elif isinstance(child, dict):
            yield from _lists(child, (*path, key))


def _at(value: Any, path: tuple[str, ...]) -> list[Any]:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, list) else []
