"""The words of an export's status column, of the column that says what each row sold and of its yes/no
columns (a consent, a local artist), each with what ``prepare`` reads it as, for the form to list: so
that no one writes ``status_values``, ``line_kind_values``, ``true_values`` or ``false_values`` in YAML.

A word nothing says the meaning of (``default`` empty) sets its rows aside: the form marks it, and
the advice the draft and the check give about it points to these lists (``memberapp.advice``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from culturecoop.ingest.labels import DEFAULT_FALSE, DEFAULT_STATUS_VALUES, DEFAULT_TRUE
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
# What a word of a yes/no column means, as the form's list offers it (message ids).
YES_NO_WORDS = {"true": _("yes"), "false": _("no")}
YES_NO_SECTION = _("What the words of the yes/no columns mean")
# The form's setting for a price cell left empty (``blank_price: 0``), and its choice for a seat given.
BLANK_PRICE = _("An empty price cell")
BLANK_PRICE_FREE = _("a seat given, at price 0")
# The form's choice beside the customer number (``patron_id: [Customer ID, Email, Phone]``).
WHERE_EMPTY = _("Where it is empty")
EMAIL_ELSE_PHONE_SAID = _("the e-mail, else the phone, tells who bought")
# The fields read from a yes/no column.
YES_NO_FIELDS = ("consent_pooling", "consent_marketing", "consent_personalization", "is_local")
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


def _words(mapping: Mapping[str, Any], field: str | tuple[str, ...], header: list[str],
           rows: list[list[str | None]], with_empty: bool) -> list[str] | None:
    """The distinct words of the columns ``mapping`` reads ``field`` (or each of several fields) from,
    one column each, in the export's first ``rows`` ("" first for an empty cell, when ``with_empty``
    and there is one); None when there is no such list."""
    chosen = [(mapping.get("columns") or {}).get(f) for f in ((field,) if isinstance(field, str) else field)]
    places = list(dict.fromkeys(header.index(c) for c in chosen if isinstance(c, str) and c in header))
    if not places:
        return None
    cells = [(row[at] or "").strip() if at < len(row) else "" for at in places for row in rows]
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


def yes_no_rows(mapping: Mapping[str, Any], header: list[str], rows: list[list[str | None]]) -> list[WordRow]:
    """The words of the yes/no columns (the consents, a local artist) in the export's first ``rows``,
    each with what it is read as: ``true`` (yes), ``false`` (no), or "" when no word of the mapping
    nor of ``prepare``'s own says (a consent then falls to the consent section's default: not given
    unless said)."""
    words = _words(mapping, YES_NO_FIELDS, header, rows, with_empty=False)
    if words is None:
        return []
    listed = {**dict.fromkeys(_listed(mapping, "false_values"), "false"),
              **dict.fromkeys(_listed(mapping, "true_values"), "true")}
    # As ``ingest.validate.label_params`` reads a word: as listed, else its folded form as listed, else
    # prepare's own yes and no words.
    read = {**{fold(w): "false" for w in DEFAULT_FALSE}, **{fold(w): "true" for w in DEFAULT_TRUE},
            **{fold(w): v for w, v in listed.items()}}
    return [WordRow(word, listed.get(word, ""), read.get(fold(word), "")) for word in words]


def _listed(mapping: Mapping[str, Any], key: str) -> list[str]:
    value = mapping.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def apply_yes_no(result: dict[str, Any], form: Mapping[str, str]) -> None:
    """The form's list of yes/no words into ``result``: ``yes_no.N`` (``true``, ``false`` or "" for
    nothing said) for the word ``yes_no_word.N`` into ``true_values`` or ``false_values``."""
    true_values, false_values = _listed(result, "true_values"), _listed(result, "false_values")
    index = 0
    while f"yes_no_word.{index}" in form:
        word, meaning = form[f"yes_no_word.{index}"], form.get(f"yes_no.{index}", "")
        true_values = [w for w in true_values if w != word]
        false_values = [w for w in false_values if w != word]
        if meaning == "true":
            true_values.append(word)
        elif meaning == "false":
            false_values.append(word)
        index += 1
    for key, values in (("true_values", true_values), ("false_values", false_values)):
        if values:
            result[key] = values
        else:
            result.pop(key, None)


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
    apply_yes_no(result, form)
