"""The words of an export's status column, of the column that says what each row sold and of its yes/no
columns (a consent, a local artist), each with what ``prepare`` reads it as, for the form to list: so
that no one writes ``status_values``, ``line_kind_values``, ``true_values`` or ``false_values`` in YAML.

A word nothing says the meaning of (``default`` empty) sets its rows aside: the form marks it, and
the advice the draft and the check give about it points to these lists (``memberapp.advice``).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.i18n import _ as translated
from culturecoop.ingest.labels import DEFAULT_FALSE, DEFAULT_STATUS_VALUES, DEFAULT_TRUE
from culturecoop.ingest.line_kinds import (
    ANY_OTHER_VALUE,
    LINE_KINDS,
    default_line_kind_values,
    sold_as_ticket_type,
)
from culturecoop.ingest.prepare_io import connect
from culturecoop.ingest.profile import Profile
from culturecoop.ingest.read import SourceInfo, read_source, translate_read_error
from culturecoop.ingest.source import bound_params
from culturecoop.ingest.vocabulary import fold
from culturecoop.ingest.words import TICKET_STATUSES

# The most words a list of the form offers: a column with more is no column of labels (a comment or a
# name chosen by mistake); its words needing a decision come first, then the most written.
MOST_WORDS = 150
# The most distinct words read from the export for one field (a free-text column stops there).
MOST_READ = 5000


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
# The form's choice of every sheet of a workbook (``sheets: all``), and its choice of the file's name for
# an event's identifier or title (``{file_name: true}``).
EVERY_SHEET_SAID = _("every sheet with these columns (each row knows its sheet's name)")
ONE_SHEET_SAID = _("only the sheet above (the first when it is empty)")
BY_FILE_NAME = _("the file's name")
# The form's choice beside the amount refunded: whose amount it is (``refunded_amount_per: order``).
WHOSE_REFUND = _("Whose amount it is")
REFUND_OF_ROW = _("the row's")
REFUND_OF_ORDER = _("its whole order's (shared among its lines)")
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
    rows: int = 0  # how many rows of the export write it

    @property
    def unknown(self) -> bool:
        """Whether nothing says what the word means (its rows are set aside, or its consent not said)."""
        return not self.chosen and not self.default


class WordRows(list[WordRow]):
    """A list of the form: the words it offers, and how many words and rows it leaves out (a column
    with more than ``MOST_WORDS`` words)."""

    unlisted_words: int = 0
    unlisted_rows: int = 0


# The words of fields' columns as the mapping reads them: field → (word, rows writing it), "" for an
# empty cell.
Words = Mapping[str, list[tuple[str, int]]]


def export_words(source: Path, profile: Profile, fields: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """The words of ``fields`` in every row of the export ``source`` as ``profile`` reads them (its
    sheets, lines above the header, encoding; a fallback or a join as ``prepare`` reads it), each
    trimmed as ``prepare`` looks it up, with how many rows write it (at most ``MOST_READ`` words a
    field, the most written). Raises ``UserError`` as ``prepare`` does."""
    wanted = [f for f in fields if f in profile.columns]
    if not wanted:
        return {}
    found: dict[str, list[tuple[str, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="culturecoop-words-") as work:
        con = connect(Path(work), profile.country)
        info: SourceInfo | None = None
        try:
            info = read_source(source, profile, Path(work), con)
            info.load(con)
            for field in wanted:
                sql = (f"SELECT coalesce(trim({field}), '') AS word, count(*) AS n FROM {info.relation} "
                       f"WHERE NOT blank GROUP BY word ORDER BY n DESC, word LIMIT {MOST_READ}")
                found[field] = [(str(w), int(n)) for w, n in con.execute(sql, bound_params(sql, info.params)).fetchall()]
        except duckdb.Error as exc:
            error = translate_read_error(exc, info) if info is not None else None
            raise error or UserError(translated("This export cannot be read with this mapping.")) from None
        finally:
            con.close()
    return found


def sample_words(mapping: Mapping[str, Any], header: list[str], rows: list[list[str | None]],
                 fields: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """The words of ``fields`` in the export's first ``rows``, for a field the mapping reads from one
    column (``header``): what the lists show when the export cannot be read with the mapping."""
    found: dict[str, list[tuple[str, int]]] = {}
    for field in fields:
        column = (mapping.get("columns") or {}).get(field)
        if not (isinstance(column, str) and column in header):
            continue
        at = header.index(column)
        counted = Counter((row[at] or "").strip() if at < len(row) else "" for row in rows)
        found[field] = counted.most_common()
    return found


def _words(words: Words, field: str | tuple[str, ...], with_empty: bool) -> list[tuple[str, int]]:
    """The distinct words of ``field`` (or of several fields, added) in ``words``, an empty cell
    among them when ``with_empty``."""
    counted: Counter[str] = Counter()
    for each in (field,) if isinstance(field, str) else field:
        for word, n in words.get(each, []):
            counted[word] += n
    return [(w, n) for w, n in counted.items() if w or with_empty]


def _listed(rows: list[WordRow]) -> WordRows:
    """The form's list of ``rows``: every word, by its letters (an empty cell first); a column with
    more than ``MOST_WORDS`` words offers those needing a decision first, then the most written."""
    if not any(r.word for r in rows):
        return WordRows()
    if len(rows) <= MOST_WORDS:
        return WordRows(sorted(rows, key=lambda r: (r.word != "", r.word.casefold(), r.word)))
    ranked = sorted(rows, key=lambda r: (not r.unknown, -r.rows, r.word.casefold()))
    listed = WordRows(ranked[:MOST_WORDS])
    listed.unlisted_words = len(ranked) - MOST_WORDS
    listed.unlisted_rows = sum(r.rows for r in ranked[MOST_WORDS:])
    return listed


def _said(mapping: Mapping[str, Any], key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in (mapping.get(key) or {}).items()} if isinstance(mapping.get(key), dict) else {}


def status_rows(mapping: Mapping[str, Any], words: Words) -> WordRows:
    """The words of the status column (``words``: the export's, as ``mapping`` reads them), an empty
    cell among them when the mapping says what it means, each with its meaning."""
    said = _said(mapping, "status_values")
    return _listed([WordRow(word, said.get(word, ""), DEFAULT_STATUS_VALUES.get(fold(word), "") if word else "", n)
                    for word, n in _words(words, "status", with_empty="" in said)])


def line_kind_rows(mapping: Mapping[str, Any], words: Words) -> WordRows:
    """The words of the column that says what each row sold (``line_kind``: a ticket, a donation, a
    membership…) in ``words``, each with what it is: ``ticket`` or ``other``."""
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

    return _listed([WordRow(word, listed.get(word, ""), default(word), n)
                    for word, n in _words(words, "line_kind", with_empty=False)])


def yes_no_rows(mapping: Mapping[str, Any], words: Words) -> WordRows:
    """The words of the yes/no columns (the consents, a local artist) in ``words``, each with what it
    is read as: ``true`` (yes), ``false`` (no), or "" when no word of the mapping nor of ``prepare``'s
    own says (a consent then falls to the consent section's default: not given unless said)."""
    listed = {**dict.fromkeys(_listed_in(mapping, "false_values"), "false"),
              **dict.fromkeys(_listed_in(mapping, "true_values"), "true")}
    # As ``ingest.validate.label_params`` reads a word: as listed, else its folded form as listed, else
    # prepare's own yes and no words.
    read = {**{fold(w): "false" for w in DEFAULT_FALSE}, **{fold(w): "true" for w in DEFAULT_TRUE},
            **{fold(w): v for w, v in listed.items()}}
    return _listed([WordRow(word, listed.get(word, ""), read.get(fold(word), ""), n)
                    for word, n in _words(words, YES_NO_FIELDS, with_empty=False)])


def _listed_in(mapping: Mapping[str, Any], key: str) -> list[str]:
    value = mapping.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def apply_yes_no(result: dict[str, Any], form: Mapping[str, str]) -> None:
    """The form's list of yes/no words into ``result``: ``yes_no.N`` (``true``, ``false`` or "" for
    nothing said) for the word ``yes_no_word.N`` into ``true_values`` or ``false_values``."""
    true_values, false_values = _listed_in(result, "true_values"), _listed_in(result, "false_values")
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
