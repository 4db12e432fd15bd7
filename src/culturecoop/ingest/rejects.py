"""The rejects file's layout: four columns, always in this order, named in the reader's language.

``prepare`` (and a consent export's) writes ``PKG.rejects.csv`` for the person who opens it in a
spreadsheet: the line's number in the export (or its sheet and row, ``'Dim 11 oct 16h'!8``), every
reason as a code (for a program, or to look up in docs/mapping.md), the same reasons in words, and
the line as exported. Its header is in the language ``prepare`` spoke (« ligne », « raisons
(codes) », « explication », « ligne telle qu’exportée »), after the UTF-8 signature that makes
Excel read the accents; in English it is ``line,reasons,explanation,raw_line``, as it always was. The rows
of a JSON document are records, named so in the file (« enregistrement 12 (ligne 90) »), and so are its
first and last columns (« enregistrement », « enregistrement tel qu’exporté »): a member looking for line 12 of a
file of one line finds nothing. A program reads it back with ``read_rejects``, which knows the header in
every language, records too (their keys are ``line`` and ``raw_line``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from culturecoop.i18n import LANGUAGES, _, gettext_in
from culturecoop.ingest.words import REJECTS_COLUMNS

# The columns named otherwise when the rows are a JSON document's records.
RECORDS_COLUMNS = {"line": _("record"), "raw_line": _("raw_record")}

# A raw line may be megabytes long (a line too long to be a row is rejected whole): Python's CSV reader
# refuses fields over 128 KB.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


def rejects_header(language: str, keys: tuple[str, ...] = tuple(REJECTS_COLUMNS), *, records: bool = False) -> list[str]:
    """The names of the columns ``keys`` in ``language``; ``records``: the rows are a JSON document's records."""
    names = {**REJECTS_COLUMNS, **(RECORDS_COLUMNS if records else {})}
    return [gettext_in(names[key], language) for key in keys]


def _key_of(name: str) -> str:
    """The key of a column named ``name`` in any language (or by its key, as older files did), else the name."""
    for named in (REJECTS_COLUMNS, RECORDS_COLUMNS):
        for key, message in named.items():
            if name == key or any(name == gettext_in(message, language) for language in LANGUAGES):
                return key
    return name


def names_records(path: Path) -> bool:
    """True when the rejects file ``path`` names its rows as a JSON document's records."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = next(csv.reader(f), [])
    return bool(first) and any(first[0] == gettext_in(RECORDS_COLUMNS["line"], language) for language in LANGUAGES)


def read_rejects(path: Path) -> list[dict[str, str]]:
    """The rows of the rejects file ``path``, each by the columns' keys (``line``, ``reasons``,
    ``explanation``, ``raw_line``), whatever the language of its header."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return []
    keys = [_key_of(name) for name in rows[0]]
    return [{key: row[i] if i < len(row) else "" for i, key in enumerate(keys)} for row in rows[1:]]
