"""An id as two files may write it differently: quoted twice, with leading zeros, as ``12.0``.

Ids are compared written one way (``normal_id``), never merged when two ids would become one.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

# Written around an id by a CSV writer that quoted it twice (Book-Crossing's ``"0446520802"``,
# ``\0432534220\"``): never part of the id.
QUOTES = "\"'\\`"
QUOTES_SQL = QUOTES.replace("'", "''")

_WHOLE_NUMBER = re.compile(r"(-?)\+?0*(\d+?)(?:\.0*)?")


def bare_id(value: str) -> str:
    """An id without the spaces and quotes around it (``"0446520802"`` → ``0446520802``)."""
    return value.strip().strip(QUOTES).strip()


def normal_id(value: str) -> str:
    """An id written one way, to compare two files' writings: bare (``bare_id``); a whole number
    without leading zeros or decimals (``0012``, ``12.0`` → ``12``: how a spreadsheet or pandas
    writes ids, digits kept as text however long); other ids in lower case and, when they begin
    with zeros before a digit, without them (an ISBN: ``034545104X`` → ``34545104x``)."""
    text = bare_id(value)
    whole = _WHOLE_NUMBER.fullmatch(text)
    if whole:
        return whole.group(1) + whole.group(2)
    text = text.lower()
    stripped = text.lstrip("0")
    return stripped if stripped[:1].isdigit() else text


def as_written_in(values: list[str], known: list[str]) -> list[str]:
    """Each value as ``known`` writes it when only its writing differs (``normal_id``: ``12.0`` for
    ``12``) and no other of ``known`` writes it so; the others as they are."""
    present = set(known)
    normals = Counter(normal_id(v) for v in known)
    by_normal = {normal_id(v): v for v in known}
    out = []
    for value in values:
        normal = normal_id(value)
        out.append(by_normal[normal] if value not in present and normals[normal] == 1 else value)
    return out


def normal_ids(rows: list[tuple[Any, ...]], n: int) -> list[str]:
    """Column ``n`` of the item table's rows as ids written one way (``normal_id``)."""
    return [normal_id(str(r[n] or "")) for r in rows]
