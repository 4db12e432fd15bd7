"""The words of an export's status column and of the column that says what each row sold, each with
what ``prepare`` reads it as, for the form to list: so that no one writes ``status_values`` or
``line_kind_values`` in YAML.

A word nothing says the meaning of (``default`` empty) sets its rows aside: the form marks it, and
the advice the draft and the check give about it points to these lists (``memberapp.advice``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from culturecoop.ingest.labels import DEFAULT_STATUS_VALUES
from culturecoop.ingest.line_kinds import (
    ANY_OTHER_VALUE,
    LINE_KINDS,
    default_line_kind_values,
    sold_as_ticket_type,
)
from culturecoop.ingest.vocabulary import fold
from culturecoop.ingest.words import TICKET_STATUSES

# A column with more distinct words than this holds no labels: the form offers no list for it.
MOST_WORDS = 30


def _(message: str) -> str:
    """Mark ``message`` for translation (the page translates it for its reader)."""
    return message


# What each row sold, as the form's list of a line-kind column offers it (message ids).
LINE_KIND_WORDS = {"ticket": _("a ticket"), "other": _("not a ticket (a donation, a membership, the shop), left out")}
# Why rows are set aside, where ``ingest.words.REJECT_REASONS`` names a mapping's YAML key: on this
# page, the form's list that settles it.
REASONS_IN_FORM = {"bad_line_kind": _("the row does not say whether it is a ticket: say it under “What each row sold” "
                                      "in the form")}


@dataclass(frozen=True)
class WordRow:
    """One word of a labels column: what the mapping says it means (``chosen``, "" for nothing said)
    and what ``prepare`` reads it as when nothing is said (``default``, "" for unknown: its rows are
    set aside). The word "" is an empty cell, listed when the mapping says what it means (the draft
    does, for a column that is empty on the sales: an unpaid booking, Tito's void status)."""

    word: str
    chosen: str
    default: str


def _words(mapping: Mapping[str, Any], field: str, header: list[str], rows: list[list[str | None]],
           with_empty: bool) -> list[str] | None:
    """The distinct words of the one column ``mapping`` reads ``field`` from, in the export's first
    ``rows`` ("" first for an empty cell, when ``with_empty`` and there is one); None when there is no
    such list."""
    column = (mapping.get("columns") or {}).get(field)
    if not isinstance(column, str) or column not in header:
        return None
    at = header.index(column)
    cells = [(row[at] or "").strip() if at < len(row) else "" for row in rows]
    words = sorted({c for c in cells if c}, key=str.casefold)
    if len(words) > MOST_WORDS or not words:
        return None
    return ([""] if with_empty and "" in cells else []) + words


def _said(mapping: Mapping[str, Any], key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in (mapping.get(key) or {}).items()} if isinstance(mapping.get(key), dict) else {}


def status_rows(mapping: Mapping[str, Any], header: list[str], rows: list[list[str | None]]) -> list[WordRow]:
    """The words of the status column (one column chosen in ``mapping``) in the export's first
    ``rows``, an empty cell among them, each with its meaning."""
    said = _said(mapping, "status_values")
    words = _words(mapping, "status", header, rows, with_empty="" in said)
    if words is None:
        return []
    return [WordRow(word, said.get(word, ""), DEFAULT_STATUS_VALUES.get(fold(word), "") if word else "")
            for word in words]


def line_kind_rows(mapping: Mapping[str, Any], header: list[str], rows: list[list[str | None]]) -> list[WordRow]:
    """The words of the column that says what each row sold (``line_kind``: a ticket, a donation, a
    membership…) in the export's first ``rows``, each with what it is: ``ticket`` or ``other``."""
    words = _words(mapping, "line_kind", header, rows, with_empty=False)
    if words is None:
        return []
    said = _said(mapping, "line_kind_values")
    listed = {k: v for k, v in said.items() if k != ANY_OTHER_VALUE}
    built_in = {**{k: k for k in LINE_KINDS}, **default_line_kind_values()}

    def default(word: str) -> str:
        # As ``ingest.validate.label_params`` reads it: the built-in words, then what the mapping says
        # of every word it does not list (« * »), save a ticket type that is no ticket.
        if fold(word) in built_in:
            return built_in[fold(word)]
        if ANY_OTHER_VALUE in said:
            return "other" if sold_as_ticket_type(word) is not None else said[ANY_OTHER_VALUE]
        return ""

    return [WordRow(word, listed.get(word, ""), default(word)) for word in words]


def apply_words(result: dict[str, Any], form: Mapping[str, str]) -> None:
    """The form's lists into ``result``: ``status.N`` for the word ``status_word.N`` into
    ``status_values``, ``line_kind.N`` for ``line_kind_word.N`` into ``line_kind_values`` (what the
    mapping says of the words the form does not list is kept)."""
    for prefix, key, meanings in (("status", "status_values", tuple(TICKET_STATUSES)),
                                  ("line_kind", "line_kind_values", LINE_KINDS)):
        said = _said(result, key)
        index = 0
        while f"{prefix}_word.{index}" in form:
            word, meaning = form[f"{prefix}_word.{index}"], form.get(f"{prefix}.{index}", "")
            if meaning in meanings:
                said[word] = meaning
            else:
                said.pop(word, None)
            index += 1
        if said:
            result[key] = said
        else:
            result.pop(key, None)
