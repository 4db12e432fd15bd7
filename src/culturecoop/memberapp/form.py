"""The mapping as a form a member can fix without writing YAML, and back.

Each canonical field is a choice among the export's columns (or "not in this export", or the
drafted rule kept as it is when the draft wrote more than one column: a fallback list, a join, a
constant, the file name); the settings a member may need to change are plain inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from culturecoop.analytics import wording
from culturecoop.analytics.places import countries
from culturecoop.errors import UserError
from culturecoop.folding import fold
from culturecoop.i18n import _, current_language, gettext_in
from culturecoop.ingest.countries import BY_CODE as COUNTRY_RULES
from culturecoop.ingest.labels import COUNTRIES, DEFAULT_FALSE, DEFAULT_TRUE
from culturecoop.ingest.prepare import ReadRow
from culturecoop.ingest.profile import ALTERNATIVES, CANONICAL_FIELDS, REQUIRED_FIELDS, SPEC_FORMS
from culturecoop.ingest.words import (
    CHANNELS,
    FIELD_LABELS,
    REJECT_REASONS,
    SETTING_NAMES,
    TICKET_STATUSES,
    say,
)
from culturecoop.memberapp import date_patterns
from culturecoop.memberapp.questions import ASKED_FIRST, QUESTIONS, unquoted
from culturecoop.memberapp.same_for_all import same_purchase_date
from culturecoop.memberapp.value_words import (
    EVERY_SHEET_SAID,
    ONE_SHEET_SAID,
    REASONS_IN_FORM,
    REFUND_OF_ROW,
    WHOSE_REFUND,
    YES_NO_SECTION,
    apply_words,
)
from culturecoop.schema.model import CONSENT_PURPOSES

KEEP = "__keep__"
NONE = ""
FILE_NAME = "__file_name__"  # the field read from the export's file name (``{file_name: true}``)
NUMBERED = "__numbered__"  # the tickets numbered by buyer and event (``ticket_id: {numbered: true}``)
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
SETTINGS = ("encoding", "delimiter", "quote", "decimal", "skip_lines", "sheet", "sheets", "currency", "timezone", "country",
            "amount_scale", "datetime_formats", "date_formats")


def field_labels() -> dict[str, str]:
    """What each canonical field is, for a member (translated; the words ingest's sentences use too)."""
    return {name: _(label) for name, label in FIELD_LABELS.items()}


def setting_labels() -> dict[str, tuple[str, str]]:
    """What each setting is, and a hint of what to write, for a member (translated): the mapping
    file's keys (``skip_lines``, ``amount_scale``…) are no words for venue staff."""
    hints = {
        "encoding": _("UTF-8 for most exports; Windows-1252 for a CSV saved by an old Excel"),
        "decimal": _("how amounts write their cents"),
        "country": _("where your patrons' phones and postal codes are from"),
        "delimiter": _("the character between the columns of each line"),
        "quote": _("the character around a value that holds the column separator"),
        "skip_lines": _("a title or a date above the table: how many lines to skip"),
        "sheet": _("its name, or empty for the first sheet"),
        "sheets": _("a workbook with one sheet per show, per day or per month"),
        "currency": _("when no column says it: CAD, EUR, CHF, GBP…"),
        "timezone": _("the clock of the city where your events take place"),
        "amount_scale": _("1 for amounts in dollars or euros, 0.01 for amounts in cents"),
        "datetime_formats": _("as DD/MM/YYYY HH:mm (day, month, year, hours, minutes), or HH:mm AM/PM for a 12-hour "
                              "clock; several separated by ;"),
        "date_formats": _("as DD/MM/YYYY (day, month, year); several separated by ;"),
    }
    names = {**SETTING_NAMES, "quote": QUOTE_SETTING}
    return {key: (_(names[key]), hint) for key, hint in hints.items()}


QUOTE_SETTING = _("Quotes around values")


def choice_labels() -> dict[str, dict[str, str]]:
    """The words shown for the settings chosen from a list (their values stay the mapping's)."""
    return {
        "encoding": {"utf-8": "UTF-8", "utf-8-sig": _("UTF-8 with a signature (BOM)"), "cp1252": "Windows-1252",
                     "latin-1": "Latin-1 (ISO-8859-1)", "utf-16": "UTF-16"},
        "decimal": {".": _("a point (12.50)"), ",": _("a comma (12,50)")},
        "country": {"CA": _("Canada"), **countries()},
        "sheets": {"": _(ONE_SHEET_SAID), "all": _(EVERY_SHEET_SAID)},
        "delimiter": {",": _("a comma (,)"), ";": _("a semicolon (;)"), "\\t": _("a tab"), "|": _("a vertical bar (|)")},
        "quote": {'"': _('double quotes (")'), "'": _("single quotes (')"), "": _("none")},
    }


@dataclass(frozen=True)
class FieldRow:
    """One canonical field on the form: its label, what is chosen, and the drafted rule."""

    name: str
    label: str
    chosen: str  # a column name, NONE, or KEEP
    rule: str  # the drafted rule when it is not one column ("" otherwise)
    constant: str = ""  # the one value of every row (``{value: …}``), for a field that may have one
    fallback: str = ""  # what stands in for the column where it is empty (``FALLBACKS``), for a field that may

    @property
    def read(self) -> bool:
        """Whether the mapping reads this field (a column, a rule or a value for every row)."""
        return bool(self.chosen or self.constant)


# The fields of an event the export may not carry, though the member knows them: the same for
# every row of an export of one venue (the draft proposes them so in its YAML, as « venue: {value:
# Votre salle} »); the form takes that value.
ONE_VALUE_FIELDS = ("purchased_at", "event_id", "event_title", "event_starts_at", "venue", "venue_postal_code", "genres",
                    "artists", "capacity", "event_language", "channel")
# The fields whose one value for every row is a choice (its words ``ingest.words.CHANNELS``), not a text:
# « all these sales were at the box office ».
ONE_CHOICE_FIELDS = ("channel",)
# The fields the export's file name may give (``{file_name: true}``: an export of one show named after it).
FILE_NAME_FIELDS = ("event_id", "event_title")
# The ticket number's choice when the export has none (a list kept by hand), and what it does.
NUMBERED_WORDS = "number each buyer's rows for each show"


# The fields whose column may be empty on some rows and something else stand in for it there: the
# customer number, the e-mail, else the phone (``patron_id: [Customer ID, Email, Phone]``), choices of
# the form beside the field (the value stays the mapping's rule).
FALLBACKS = {"patron_id": ("email", "phone")}
EMAIL_ELSE_PHONE = "email_phone"


def _stand_ins(columns: Mapping[str, Any], field: str, first: str) -> list[str]:
    """The columns that stand in for ``field``'s column ``first`` where it is empty: those the
    mapping reads the fields of ``FALLBACKS`` from (one column each), in order."""
    return [c for c in dict.fromkeys(columns.get(f) for f in FALLBACKS[field])
            if isinstance(c, str) and c and c != first]


def describe_spec(spec: Any) -> str:
    """A drafted rule in words (a fallback list, a join, a constant, the file name)."""
    if isinstance(spec, list):
        return _("first non-empty of {columns}").format(columns=", ".join(str(c) for c in spec))
    if isinstance(spec, dict):
        if "value" in spec:
            return _("always «{value}»").format(value=spec["value"])
        if spec.get("numbered") is True:
            return _(NUMBERED_WORDS)
        if "file_name" in spec:
            return _("from the file's name") if spec["file_name"] is True else _("from the file's name ({pattern})").format(
                pattern=spec["file_name"])
        if "in_text" in spec:
            texts = spec["in_text"] if isinstance(spec["in_text"], list) else [spec["in_text"]]
            inside = _("the date written in {columns}").format(columns=", ".join(str(c) for c in texts))
            read_first = spec.get("column", spec.get("first", spec.get("join")))
            return inside if read_first is None else _("{columns}, else {inside}").format(
                columns=", ".join(map(str, read_first)) if isinstance(read_first, list) else str(read_first),
                inside=inside)
        if "join" in spec:
            return _("{columns} joined").format(columns=" + ".join(str(c) for c in spec["join"]))
        if "sum" in spec:
            return _("the seats of {columns}, added").format(columns=" + ".join(str(c) for c in spec["sum"]))
        return ", ".join(f"{k}: {v}" for k, v in spec.items())
    return str(spec)


def field_rows(mapping: Mapping[str, Any]) -> list[FieldRow]:
    columns = mapping.get("columns") or {}
    labels = field_labels()
    rows = []
    for name in CANONICAL_FIELDS:
        spec = columns.get(name)
        if spec is None:
            rows.append(FieldRow(name, labels[name], NONE, ""))
        elif name in FILE_NAME_FIELDS and spec == {"file_name": True}:
            rows.append(FieldRow(name, labels[name], FILE_NAME, ""))
        elif name == "ticket_id" and spec == {"numbered": True}:
            rows.append(FieldRow(name, labels[name], NUMBERED, ""))
        elif name in ONE_VALUE_FIELDS and isinstance(spec, dict) and set(spec) == {"value"}:
            rows.append(FieldRow(name, labels[name], NONE, "", str(spec["value"])))
        elif isinstance(spec, str | int) and not isinstance(spec, bool):
            rows.append(FieldRow(name, labels[name], str(spec), ""))
        elif (name in FALLBACKS and isinstance(spec, list) and len(spec) > 1 and all(isinstance(c, str) for c in spec)
              and spec[1:] == _stand_ins(columns, name, spec[0])):
            rows.append(FieldRow(name, labels[name], spec[0], "", fallback=EMAIL_ELSE_PHONE))
        else:
            rows.append(FieldRow(name, labels[name], KEEP, describe_spec(spec)))
    return rows


def settings_of(mapping: Mapping[str, Any]) -> dict[str, str]:
    """The settings as the form shows them (lists joined by " ; ")."""
    out: dict[str, str] = {}
    for key in SETTINGS:
        value = mapping.get(key)
        if key == "quote":
            out[key] = '"' if "quote" not in mapping else "" if value is None else str(value)
        elif key in ("datetime_formats", "date_formats") and isinstance(value, list):
            out[key] = date_patterns.shown([str(v) for v in value], current_language())
        elif isinstance(value, list):
            out[key] = " ; ".join(str(v) for v in value)
        elif value is None:
            out[key] = ""
        elif key == "sheets":
            out[key] = "all" if str(value).strip().lower() == "all" else ""
        elif isinstance(value, float) and value.is_integer():
            out[key] = str(int(value))  # « 1 », not « 1.0 », for amounts in dollars
        else:
            out[key] = "\\t" if value == "\t" else str(value)
    out["blank_price"] = "0" if "blank_price" in mapping else ""
    out["refunded_amount_per"] = "order" if str(mapping.get("refunded_amount_per")) == "order" else ""
    return out


def settings_for(source: Path) -> frozenset[str]:
    """The settings that mean something for the export ``source``, by what it holds: a workbook has
    sheets and no column separator, a text file a separator and no sheet, and an Excel or
    OpenDocument workbook no text encoding either (asking for them had a venue wonder which to pick)."""
    from culturecoop.ingest import filekind

    try:
        kind = filekind.sniff(source)
    except OSError:
        return frozenset(SETTINGS)
    left_out = {"sheet", "sheets"} if kind not in filekind.WORKBOOK_KINDS else {"delimiter", "quote"}
    if kind in ("xlsx", "xlsb", "ole", "ods"):
        left_out.add("encoding")
    return frozenset(SETTINGS) - left_out


def consent_of(mapping: Mapping[str, Any]) -> dict[str, str]:
    defaults = mapping.get("consent_defaults") or {}
    return {p: ("" if p not in defaults else "true" if defaults[p] else "false") for p in CONSENT_PURPOSES}


def apply_form(mapping: dict[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The mapping with the form's choices applied (validated later by ``parse_profile``)."""
    result = {k: v for k, v in mapping.items() if k != "columns"}
    old_columns = dict(mapping.get("columns") or {})
    columns: dict[str, Any] = {}
    for name in CANONICAL_FIELDS:
        chosen = form.get(f"field.{name}", KEEP if name in old_columns else NONE)
        one = form.get(f"value.{name}", "").strip() if name in ONE_VALUE_FIELDS else ""
        if name in ONE_CHOICE_FIELDS and one not in CHANNELS:
            one = ""  # a channel is one of the list's, never a text sent in its place
        if one:  # the same for every row: it wins over a column left chosen beside it
            columns[name] = {"value": one}
            continue
        if f"value.{name}" in form and chosen == NONE:
            continue  # the value for every row emptied, no column chosen: the field is not read
        if chosen == FILE_NAME:
            if name in FILE_NAME_FIELDS:  # another field has no such choice: not read
                columns[name] = {"file_name": True}
        elif chosen == NUMBERED:
            if name == "ticket_id":
                columns[name] = {"numbered": True}
        elif chosen == KEEP:
            if name in old_columns:
                columns[name] = old_columns[name]
        elif chosen != NONE:
            columns[name] = chosen
    for name in FALLBACKS:
        chosen_column = columns.get(name)
        stand_ins = _stand_ins(columns, name, chosen_column) if isinstance(chosen_column, str) else []
        if form.get(f"fallback.{name}") == EMAIL_ELSE_PHONE and stand_ins:  # none chosen: nothing stands in
            columns[name] = [chosen_column, *stand_ins]
    result["columns"] = columns
    if "per.refunded_amount" in form:  # whose amount the refunded amount is: the row's (the default) or its order's
        if form["per.refunded_amount"] == "order" and "refunded_amount" in columns:
            result["refunded_amount_per"] = "order"
        else:
            result.pop("refunded_amount_per", None)
    if "setting.blank_price" in form:
        if form["setting.blank_price"] == "0":
            result["blank_price"] = 0
        else:
            result.pop("blank_price", None)
    for key in SETTINGS:
        if f"setting.{key}" not in form:
            continue
        text = form[f"setting.{key}"].strip()
        if key in ("datetime_formats", "date_formats"):
            values = date_patterns.read(text)  # « JJ/MM/AAAA HH:mm » as well as « %d/%m/%Y %H:%M »
            if values:
                result[key] = values
            else:
                result.pop(key, None)
        elif key in ("skip_lines",):
            # ASCII digits only: « ² » and « ٣ » are digits to str.isdigit, not to int().
            result[key] = int(text) if text.isascii() and text.isdigit() else text or 0
        elif key == "amount_scale":
            result[key] = _number(text) if text else 1
        elif key == "delimiter":
            result[key] = "\t" if text in ("\\t", "tab", "TAB") else form[f"setting.{key}"][:1] or ","
        elif key == "quote":
            result[key] = text[:1]  # empty: values are read as written, quotes and all
            if result[key] != str(mapping.get("quote", '"')):
                result["columns"] = unquoted(result["columns"], result[key])
        elif key == "timezone" and text:
            result[key] = _zone_named(text)
        elif key == "currency" and text:
            result[key] = _currency_named(text, form.get("setting.country", "").strip() or str(result.get("country") or ""))
        elif key == "sheets":
            if text == "all":
                result[key] = "all"
            else:
                result.pop(key, None)
        elif text:
            result[key] = text
        else:
            result.pop(key, None)
    _follow_the_country(result, mapping)
    if result.get("sheets") == "all":
        result.pop("sheet", None)  # every sheet with the mapping's columns is read: no one sheet named
    defaults = {p: form[f"consent.{p}"] == "true" for p in CONSENT_PURPOSES if form.get(f"consent.{p}") in ("true", "false")}
    if defaults:
        result["consent_defaults"] = defaults
    else:
        result.pop("consent_defaults", None)
    apply_words(result, form)
    basis = form.get("consent_basis", "").strip()
    if basis:
        result["consent_basis"] = basis
    elif "consent_basis" in form:
        result.pop("consent_basis", None)
    return result


def _follow_the_country(result: dict[str, Any], mapping: Mapping[str, Any]) -> None:
    """A country chosen in place of another (the draft's guess: Canada, for a French theatre's export
    that says nothing of it) brings its currency and time zone where ``result`` still has the former
    country's, as the draft set them from it: changing the country alone left amounts read in dollars
    and times on Toronto's clock."""
    before, now = (COUNTRY_RULES.get(str(m.get("country") or "")) for m in (mapping, result))
    if before is None or now is None or before.code == now.code:
        return
    for key, was, becomes in (("currency", before.currency, now.currency), ("timezone", before.zone, now.zone)):
        if str(result.get(key) or "") == str(mapping.get(key) or "") == was:
            result[key] = becomes


@dataclass(frozen=True)
class Guess:
    """A choice the draft made on a guess, for the member to check: what it is about (the form's
    word for it), why the draft chose it, and the form's field or setting it sits in ("" for none)."""

    about: str
    why: str
    field: str = ""
    setting: str = ""


def guesses(decisions: list[dict[str, Any]], mapping: Mapping[str, Any]) -> list[Guess]:
    """The draft's guesses (``check``) still in force in ``mapping``: one the member has changed
    since is theirs, no longer the draft's; pooling consent has its own sentence on the page."""
    columns = mapping.get("columns") or {}
    found = []
    for decision in decisions:
        key = str(decision.get("key") or "")
        if not decision.get("check") or key == "consent_defaults":
            continue
        field = key.removeprefix("columns.") if key.startswith("columns.") else _ABOUT_FIELD.get(key, "")
        if field in FIELD_LABELS:
            about = _(FIELD_LABELS[field])
            now = columns.get(field) if key.startswith("columns.") else mapping.get(key)
        elif key in SETTING_NAMES:
            about, now = _(SETTING_NAMES[key]), mapping.get(key)
        elif key == "day_first":
            about, now = _("Order of day and month in dates"), decision.get("value")
        else:
            continue  # a choice with no word on this page: the YAML box has it with its reason
        if _same(now, decision.get("value")):
            found.append(Guess(about, str(decision.get("why") or ""), field if key.startswith("columns.") else "",
                               key if key in SETTING_NAMES else "datetime_formats" if key == "day_first" else ""))
    return found


# A field every ticket needs, and those that may stand in for it (``ingest.profile``).
_NEEDED = {field: (field, *ALTERNATIVES.get(field, ())) for field in (*REQUIRED_FIELDS, *ALTERNATIVES)}


def to_decide(rows: list[FieldRow], guessed: set[str], said: list[str], unread: set[str]) -> list[str]:
    """The fields the member should look at first, of the form's ``rows``: those the draft chose on
    a guess (``guessed``), those a sentence on the page names (``said``: the draft's open questions,
    the check's warnings and refusal, the form's error; a field is named by its label in quotes or
    its mapping key in brackets), those whose values the preview could not read or the check sets
    rows aside for (``unread``), and those every ticket needs that nothing reads. The others the
    draft read without a doubt, or the export does not have and no ticket needs."""
    labels = {row.name: _("“{label}”").format(label=row.label) for row in rows}
    read = {row.name for row in rows if row.read}
    named = {name for name, label in labels.items() for text in said if label in text or f"({name})" in text}
    missing = {field for any_of in _NEEDED.values() if not read & set(any_of) for field in any_of}
    wanted = guessed | named | unread | missing
    return sorted((row.name for row in rows if row.name in wanted), key=lambda name: ASKED_FIRST[name])


# Decisions about a field's values, named as the field is.
_ABOUT_FIELD = {"status_values": "status", "channel_values": "channel", "refunded_amount_per": "refunded_amount"}


def _same(now: Any, recorded: Any) -> bool:
    """Whether the mapping's value ``now`` is the one the draft recorded (as text: JSON for what is
    not a text); numbers compare as numbers (the form writes 1 as 1.0)."""
    text = now if isinstance(now, str) else json.dumps(now, ensure_ascii=False)
    if text == recorded:
        return True
    try:
        return float(text) == float(str(recorded))
    except ValueError:
        return False


def form_problem(mapping: Mapping[str, Any], header: Sequence[str] = (),
                 rows: Sequence[Sequence[str | None]] = ()) -> None:
    """Refuse (``UserError``) what the form's own sections can say better than the mapping's
    check, which names YAML keys: a consent given without its basis, an event date written for
    every row that the export's date formats do not read, or that several events would share
    (``header`` and ``rows``: the export's first rows)."""
    given = [p for p, granted in (mapping.get("consent_defaults") or {}).items() if granted]
    if given and not str(mapping.get("consent_basis") or "").strip():
        raise UserError(_("You chose “given” in the consent section without its basis: write in “Basis” why your "
                          "patrons agreed (for example the clause of your terms of sale), then apply again."))
    for key, opposite, meaning in (("true_values", DEFAULT_FALSE, _("no")), ("false_values", DEFAULT_TRUE, _("yes"))):
        # « Non » chosen as a yes: the mapping's check refuses it naming its YAML keys; the form says it.
        words = {w for w in opposite if len(w) > 1 or w.isdigit()}  # a mark (« x », « o ») may mean either
        listed = mapping.get(key)
        wrong = next((str(w) for w in (listed if isinstance(listed, list) else []) if str(w).strip().casefold() in words), None)
        if wrong is not None:
            raise UserError(_("«{word}» always means {meaning}: under “{section}”, leave it as recognised, then apply "
                              "again.").format(word=wrong, meaning=meaning, section=_(YES_NO_SECTION)))
    columns = mapping.get("columns") or {}
    if str(mapping.get("refunded_amount_per")) == "order" and "refunded_amount" in columns and "order_id" not in columns:
        # The mapping's check names its YAML key and value; the form says it with its own words.
        raise UserError(_("“{whose}” says the amount refunded is its whole order's, but no column is chosen for "
                          "“{order}”: choose the column of order numbers, or “{row}”, then apply again.").format(
            whose=_(WHOSE_REFUND), order=field_labels()["order_id"], row=_(REFUND_OF_ROW)))
    same_purchase_date(columns, mapping)
    spec = columns.get("event_starts_at")
    if not (isinstance(spec, dict) and set(spec) == {"value"}):
        return
    written, field = str(spec["value"]).strip(), _("“{label}”").format(label=field_labels()["event_starts_at"])
    formats = [str(f) for f in (*(mapping.get("datetime_formats") or ()), *(mapping.get("date_formats") or ()))]
    if formats and not any(_reads(written, f) for f in formats):
        raise UserError(_("{field} “{value}” is not written as this export writes its dates ({pattern}): write it so, "
                          "for example {example}, then apply again.").format(
            field=field, value=written, pattern=date_patterns.shown(formats, current_language()),
            example=dt.datetime(2026, 5, 20, 20, 0).strftime(formats[0])))
    events = _events_in(columns, header, rows)
    if events > 1:
        raise UserError(_("{field} is written once for every row, but this export holds several events ({n} in its "
                          "first rows): choose the column that gives each event's date instead, or leave it empty "
                          "and prepare one export per event.").format(field=field, n=events))


def _reads(text: str, fmt: str) -> bool:
    """Whether ``fmt`` reads ``text`` (the directives DuckDB's strptime and Python's share)."""
    try:
        dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _events_in(columns: Mapping[str, Any], header: Sequence[str], rows: Sequence[Sequence[str | None]]) -> int:
    """How many events the export's first rows hold, by the column its mapping reads each event's
    identifier (or title) from; 0 when no one column says it."""
    for name in ("event_id", "event_title"):
        spec = columns.get(name)
        if isinstance(spec, str) and spec in header:
            at = list(header).index(spec)
            return len({(row[at] or "").strip() for row in rows if at < len(row) and (row[at] or "").strip()})
    return 0


def in_form_words(problem: str) -> str:
    """A mapping's problem as the form says it: each setting by the name the form shows
    (« Fuseau horaire » doit être…), not by its YAML key (timezone must be…)."""
    names = {key: _("“{label}”").format(label=_(label)) for key, label in {**SETTING_NAMES, "quote": QUOTE_SETTING}.items()}
    # A key with an underscore is never a word of a sentence; a plain one (currency, sheet) is the
    # setting only where the problem opens on it.
    said = re.sub(r"\b(" + "|".join(k for k in names if "_" in k) + r")\b", lambda m: names[m.group(1)], problem)
    first = re.match(r"(\w+)\b", said)
    if first and first.group(1) in names:
        said = names[first.group(1)] + said[first.end():]
    return said


def _plain(text: str) -> str:
    """``text`` lower-cased, without accents, spaces as underscores: « Montréal » → montreal."""
    return "_".join(fold(text).split())


@cache
def _zones_by_city() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for zone in zoneinfo.available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            found.setdefault(_plain(zone.rsplit("/", 1)[1]), []).append(zone)
    return found


def _zone_named(text: str) -> str:
    """The time zone a member means: « Paris » is Europe/Paris, « Montréal » America/Montreal
    (the same clock as America/Toronto); a text naming no one zone is kept, for the check to refuse."""
    if "/" in text:
        return text
    zones = _zones_by_city().get(_plain(text), [])
    return zones[0] if len(zones) == 1 else text


_CURRENCY_WORDS = {"€": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "chf": "CHF", "fr.": "CHF"}
_DOLLARS = {"CA": "CAD", "US": "USD", "AU": "AUD", "NZ": "NZD"}


def _currency_named(text: str, country: str) -> str:
    """The currency code a member means: « € » or « euros » is EUR, « $ » the dollar of the
    country chosen above, « cad » CAD; anything else is kept, for the check to refuse."""
    plain = _plain(text)
    if plain in ("$", "dollar", "dollars") and country in _DOLLARS:
        return _DOLLARS[country]
    if plain in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[plain]
    return text.upper() if len(text) == 3 and text.isascii() and text.isalpha() else text


def _number(text: str) -> float | str:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


CHOICES = {"country": COUNTRIES, "encoding": ENCODINGS, "decimal": (".", ","), "sheets": ("", "all"),
           "delimiter": (",", ";", "\\t", "|"), "quote": ('"', "'", "")}


__all__ = ["CHOICES", "EMAIL_ELSE_PHONE", "FALLBACKS", "FILE_NAME", "FILE_NAME_FIELDS", "KEEP", "NONE", "NUMBERED",
           "NUMBERED_WORDS",
           "ONE_CHOICE_FIELDS", "ONE_VALUE_FIELDS", "QUESTIONS", "QUOTE_SETTING", "SPEC_FORMS", "FieldRow", "Guess",
           "PreviewCell", "apply_form", "choice_labels", "consent_of", "field_rows", "form_problem", "guesses",
           "in_form_words", "preview_cells", "setting_labels", "settings_of", "to_decide"]


# -- the first rows, as written and as read --------------------------------------------------

# The fields ``prepare`` parses, and how each reads once parsed.
_READ_AS = {"purchased_at": "moment", "event_starts_at": "moment", "unit_price": "money", "total_price": "money",
            "quantity": "number", "status": "status", "birth_date": "day"}


@dataclass
class PreviewCell:
    text: str  # what the cooperative reads, in the reader's words; the column's text when nothing is parsed
    written: str | None = None  # the column's text, when the reading differs from it
    unread: bool = False  # a value the mapping could not read


def preview_cells(rows: list[ReadRow], fields: list[str], language: str) -> list[dict[str, Any]]:
    """The preview's rows: per field a ``PreviewCell``; ``reasons`` (why the row would be set
    aside, in words). A row's total (``total_price``) is read as the price of one ticket."""
    out = []
    for row in rows:
        cells = {}
        for name in fields:
            written = row.text.get(name)
            kind = _READ_AS.get(name)
            value = row.read.get("price" if kind == "money" else name) if kind else None
            if name == "channel" and written in CHANNELS:  # one channel for every sale: its words, not its code
                cells[name] = PreviewCell(gettext_in(CHANNELS[written], language))
                continue
            if kind is None or not row.read:
                cells[name] = PreviewCell(written or "")
                continue
            if value is None:
                cells[name] = PreviewCell(written or "", unread=bool(written and written.strip()))
                continue
            if kind == "moment":
                shown = wording.moment(value, language)
            elif kind == "day":
                shown = wording.day(value, language)
            elif kind == "money":
                currency = str(row.read.get("currency") or "")
                readable = len(currency) == 3 and currency.isalpha()  # else the row is set aside for it
                shown = wording.money(value, language, currency) if readable else wording.number(value, language, 2)
                if name == "total_price":
                    shown = gettext_in("{amount} per ticket", language).format(amount=shown)
            elif kind == "number":
                shown = wording.number(value, language)
            else:
                shown = gettext_in(TICKET_STATUSES.get(str(value), str(value)), language)
            cells[name] = PreviewCell(shown, written if written is not None and _spaced(written) != _spaced(shown) else None)
        out.append({"cells": cells, "reasons": [say({**REJECT_REASONS, **REASONS_IN_FORM}, r, language)
                                                for r in row.reasons]})
    return out


def _spaced(text: str) -> str:
    """``text`` with every run of spaces (no-break, thin) one plain space: « 46,50 $ » as written
    is « 46,50 $ » as read, though the reading sets a no-break space before the sign."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
