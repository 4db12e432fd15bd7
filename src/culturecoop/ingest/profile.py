"""Mapping profiles: how one vendor's export maps to the canonical flat export.

A profile is a YAML file (see the built-ins in ``ingest/profiles/``). ``load_profile`` reads a
built-in by name or a member's own file and validates every key, so a typo in a mapping is
one clear sentence before any data is read, never a half-mapped package.
"""

from __future__ import annotations

import codecs
import difflib
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language
from culturecoop.ingest.attendees import Setting, read_setting
from culturecoop.ingest.labels import COUNTRIES, DEFAULT_FALSE, DEFAULT_TRUE
from culturecoop.ingest.line_kinds import LINE_KINDS
from culturecoop.ingest.words import field_named
from culturecoop.schema.model import CHANNELS, CONSENT_PURPOSES, TICKET_STATUSES

PROFILE_DIR = Path(__file__).parent / "profiles"

# The canonical flat export: one row per ticket (the built-in profile ``canonical``).
CANONICAL_FIELDS: tuple[str, ...] = (
    "ticket_id", "order_id", "purchased_at", "status", "line_kind", "quantity", "unit_price", "total_price",
    "refunded_amount", "currency",
    "channel", "event_id", "event_title", "event_starts_at", "venue", "venue_postal_code",
    "genres", "artists", "capacity", "is_local", "event_language", "patron_id", "email",
    "phone", "first_name", "last_name", "full_name", "birth_date", "age", "postal_code", "patron_language",
    "consent_pooling", "consent_marketing", "consent_personalization", "consent_at",
)
# A consent export (a CRM's or newsletter tool's list of people and their consents, no ticket):
# only these fields; the patron id (or the e-mail) and at least one consent column are required.
CONSENT_EXPORT_FIELDS: tuple[str, ...] = (
    "patron_id", "email", "phone", "first_name", "last_name", "full_name", "postal_code", "patron_language",
    "consent_pooling", "consent_marketing", "consent_personalization", "consent_at",
)
CONSENT_COLUMNS: tuple[str, ...] = ("consent_pooling", "consent_marketing", "consent_personalization")
# Without these a row cannot become a ticket: a profile must map them (or their alternatives,
# see ``ALTERNATIVES``).
REQUIRED_FIELDS: tuple[str, ...] = ("purchased_at", "unit_price", "event_id")
# A field a profile may leave out when it maps another: an export with one row per order line
# and no ticket number (the ticket id becomes the order id and the line's position), an export
# with no customer number (the patron id is the e-mail, else the phone, pseudonymized like any
# identifier), an export whose amount is the whole row's (``total_price``: the ticket's price is
# that amount divided by the row's quantity).
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "ticket_id": ("order_id",), "patron_id": ("email", "phone"), "unit_price": ("total_price",)}
# With no customer number, the patron id is read from these fields' columns, in this order.
PATRON_ID_STAND_INS: tuple[str, ...] = ("email", "phone")
LIST_FIELDS: tuple[str, ...] = ("genres", "artists")
FORMATS = ("csv", "jsonl", "xlsx")
LANGUAGES = ("fr", "en", "bilingual", "none")



_KEYS = {
    "name", "description", "format", "encoding", "delimiter", "quote", "decimal",
    "datetime_formats", "date_formats", "list_separator", "true_values", "false_values",
    "status_values", "line_kind_values", "channel_values", "language_values", "columns", "sheet", "sheets", "skip_lines",
    "currency", "timezone", "country", "amount_scale", "consent_defaults", "consent_basis", "blank_price",
    "refunded_amount_per", "attendees",
}
# The columns a workbook read sheet by sheet (``sheets: all``) adds to each row: its sheet's name, and
# the title written above the sheet's header (« Cyrano – samedi 10 octobre 2026 »), for a mapping to
# read the event in.
SHEET_COLUMN = "(sheet)"
SHEET_TITLE_COLUMN = "(sheet title)"
# The column a list kept by hand gets when it names each show on a line of its own above the show's
# rows (« SPECTACLE DU 27 NOVEMBRE 2026 – 20 h » in the first cell, the others empty): the text of
# the last such line above each row. Such a line is then no row.
SECTION_COLUMN = "(section)"
SPEC_FORMS = ("column", "first", "join", "sum", "value", "file_name", "in_text", "numbered", "group_size")


@dataclass(frozen=True)
class ColumnSpec:
    """Where one canonical field's text comes from.

    ``column``: one source column (a dotted path in JSON lines); ``first``: the first non-empty
    of ``sources``; ``join``: the non-empty ``sources`` joined by ``separator`` (a date column and
    a time column); ``sum`` (the quantity only): the seats of several columns added, one column
    per ticket type (« Plein tarif », « Tarif réduit », « Accompagnateur gratuit »); ``group_size`` (the
    quantity only): the seats a group's text writes (« Groupe scolaire 25 pers. », ``ingest.group_sizes``), else 1;
    ``value``: the constant ``value``; ``file_name``: the export's file name
    without extension, or the first group of the regular expression ``value`` on it. The event's
    start may also be read ``in_text``: the date written in the last ``in_text`` of ``sources``
    (event names, ticket types: ``ingest.title_dates``), alone (form ``in_text``) or where the
    columns before them are empty. ``numbered`` (the ticket id only, ``{numbered: true}``): an export with
    no ticket nor order number (a list kept by hand) numbers each buyer's rows for each event in file order
    (``rows._number_order_lines``).
    """

    form: str
    sources: tuple[str, ...] = ()
    value: str | None = None
    separator: str = " "
    in_text: int = 0

    @property
    def text_sources(self) -> tuple[str, ...]:
        """The columns whose text holds the date (``in_text``)."""
        return self.sources[len(self.sources) - self.in_text:] if self.in_text else ()

    @property
    def read_sources(self) -> tuple[str, ...]:
        """The columns read as they are (all but the ``in_text`` ones)."""
        return self.sources[: len(self.sources) - self.in_text]

    def constant(self, source_file: Path) -> str | None:
        """The text of a ``value`` or ``file_name`` field for the export ``source_file``."""
        if self.form == "value":
            return self.value
        if self.form != "file_name":
            raise ValueError(f"{self.form} is not a constant")
        name = source_file.name
        stem = name[: -len("".join(source_file.suffixes))] if source_file.suffixes else name
        if self.value is None:
            return stem
        match = re.search(self.value, name)
        if match is None:
            raise UserError(
                _("The file name {name} does not match the mapping's pattern {pattern}; rename the file "
                  "or change the pattern.").format(name=name, pattern=self.value)
            )
        return match.group(1) if match.groups() else match.group(0)

    def describe(self) -> str:
        if self.in_text:
            inside = _("the date written in {columns}").format(columns=" | ".join(self.text_sources))
            main = replace(self, sources=self.read_sources, in_text=0)
            return inside if self.form == "in_text" else f"{main.describe()} | {inside}"
        if self.form == "value":
            return f"= {self.value!r}"
        if self.form == "numbered":
            return _("each buyer's rows for each event, numbered")
        if self.form == "file_name":
            return _("file name") if self.value is None else _("file name ~ {pattern}").format(pattern=self.value)
        if self.form == "join":
            return f" + {self.separator!r} + ".join(self.sources)
        if self.form == "sum":
            return " + ".join(self.sources)
        if self.form == "group_size":
            return _("the group's size written in {column}, else 1").format(column=self.sources[0])
        return " | ".join(self.sources)


@dataclass(frozen=True)
class Profile:
    """A validated mapping profile (see the built-in YAML files for the meaning of each key)."""

    name: str
    format: str
    columns: dict[str, ColumnSpec]  # canonical field -> where its text comes from (mapped only)
    encoding: str = "utf-8"
    delimiter: str = ","
    quote: str = '"'
    decimal: str = "."
    datetime_formats: tuple[str, ...] = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    list_separator: str = "|"
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    status_values: dict[str, str] = field(default_factory=dict)
    # What each value of the ``line_kind`` column is: ``ticket``, or ``other`` (a donation, a membership,
    # merchandise sold beside the tickets), a row ``prepare`` leaves out of the package and counts.
    line_kind_values: dict[str, str] = field(default_factory=dict)
    channel_values: dict[str, str] = field(default_factory=dict)
    language_values: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    # ``sheets: all``: every sheet of the workbook laid out with the mapping's columns, one after the
    # other (a booking workbook with one sheet per performance); ``(sheet)`` and ``(sheet title)``
    # then name each row's sheet and the title written above its header.
    every_sheet: bool = False
    skip_lines: int = 0
    currency: str = "CAD"
    timezone: str = "America/Toronto"
    country: str = "CA"
    amount_scale: float = 1.0
    # ``blank_price: 0``: a row whose price cell is empty is a seat given (a guest list's invitations,
    # press, artists' guests), not a row without a price.
    blank_price_free: bool = False
    # ``refunded_amount_per: order``: the refunded amount is the whole order's (written on each of its lines, or
    # on its first), spread over the order's tickets; otherwise each row's own (``ingest.refunded_amounts``).
    refunded_per_order: bool = False
    # ``attendees``: an order's attendees written side by side in numbered columns, read one line per attendee
    # (``ingest.attendees``).
    attendees: Setting | None = None
    consent_defaults: dict[str, bool] = field(default_factory=dict)
    consent_basis: str | None = None
    description: dict[str, str] = field(default_factory=dict)
    source: str = ""  # where the profile came from (built-in name or file path)

    @property
    def numbers_tickets(self) -> bool:
        """Whether the ticket ids are numbered by ``prepare`` (no ticket id column): within each order, or
        (``ticket_id: {numbered: true}``, with no order either) within each buyer's rows for each event."""
        spec = self.columns.get("ticket_id")
        return spec is None or spec.form == "numbered"

    @property
    def consent_only(self) -> bool:
        """A consent export: no ticket or event column, at least one consent column."""
        return set(self.columns) <= set(CONSENT_EXPORT_FIELDS) and any(c in self.columns for c in CONSENT_COLUMNS)

    def source_columns(self) -> list[str]:
        """Every source column (or JSON path) the profile reads, once each, in field order."""
        seen: dict[str, None] = {}
        for spec in self.columns.values():
            for column in spec.sources:
                seen.setdefault(column, None)
        return list(seen)


def builtin_profiles() -> list[str]:
    """Names of the built-in profiles, sorted."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def load_profile(name: str | None = None, path: Path | None = None) -> Profile:
    """The built-in profile ``name`` or the mapping file ``path``, validated.

    Raises ``UserError`` (one sentence) for an unknown name, an unreadable or malformed file,
    or any key or value that the format does not define.
    """
    if (name is None) == (path is None):
        raise UserError(
            _("Give exactly one of --profile NAME (a built-in: {names}) or --mapping FILE.yaml.").format(
                names=", ".join(builtin_profiles()))
        )
    if name is not None:
        file = PROFILE_DIR / f"{name}.yaml"
        if not file.is_file() or "/" in name or name.startswith("."):
            raise UserError(
                _("There is no built-in profile named {name}; choose one of {names}, or write "
                  "your own mapping and pass it with --mapping FILE.yaml.").format(
                    name=name, names=", ".join(builtin_profiles()))
            )
        return parse_profile(file.read_text(encoding="utf-8"), source=name)
    assert path is not None
    if not path.is_file():
        raise UserError(_("The mapping file {path} does not exist; check the path.").format(path=path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UserError(
            _("The mapping file {path} cannot be read as UTF-8 text; save it as UTF-8 and try again.").format(path=path)
        ) from None
    return parse_profile(text, source=str(path))


class MappingInvalidError(UserError):
    """A mapping that cannot be used. ``problem`` says what is wrong, so that each interface words
    what to do its own way (the command line names the file and says to run prepare again)."""

    def __init__(self, source: str, problem: str, message: str | None = None) -> None:
        super().__init__(message or _("The mapping {source} is not valid: {problem}; fix it and run prepare "
                                      "again.").format(source=source, problem=problem))
        self.source = source
        self.problem = problem


class MappingIncompleteError(MappingInvalidError):
    """A mapping that chooses no column for a field every ticket needs (``missing``): nothing can be
    prepared with it. ``kind`` is ``attendee_list`` (no purchase date and no price: the export lists who
    comes, not what was sold), ``no_buyer`` (nothing says who bought) or ``missing``."""

    def __init__(self, source: str, missing: tuple[str, ...], kind: str, message: str) -> None:
        super().__init__(source, message, message)
        self.missing = missing
        self.kind = kind


def _invalid(source: str, problem: str) -> UserError:
    return MappingInvalidError(source, problem)


def _named(field: str) -> str:
    return field_named(field, current_language())


def _closest(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return _(" (did you mean {name}?)").format(name=match[0]) if match else ""


def _str_list(data: dict[str, Any], key: str, source: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float | bool) for v in value):
        raise _invalid(source, _("{key} must be a list of texts").format(key=key))
    return tuple(_scalar_text(v) for v in value)


def _scalar_text(value: object) -> str:
    # YAML turns Oui/Non/yes/no into booleans: a profile author means the word as written.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _label_map(data: dict[str, Any], key: str, allowed: tuple[str, ...], source: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise _invalid(source, _("{key} must map vendor labels to canonical values").format(key=key))
    out: dict[str, str] = {}
    for label, canonical in value.items():
        if canonical not in allowed:
            raise _invalid(
                source,
                _("{key} maps {label} to {value}, which is not one of {allowed}").format(
                    key=key, label=_scalar_text(label), value=canonical, allowed=", ".join(allowed)),
            )
        out[_scalar_text(label)] = str(canonical)
    return out


# The directives DuckDB's strptime reads (prepare parses with it; a test holds this list to DuckDB's).
STRPTIME_DIRECTIVES = frozenset({
    "%a", "%A", "%b", "%B", "%c", "%d", "%-d", "%f", "%g", "%G", "%h", "%H", "%-H", "%I", "%-I", "%j", "%-j",
    "%m", "%-m", "%M", "%-M", "%n", "%p", "%S", "%-S", "%T", "%u", "%U", "%V", "%w", "%W", "%x", "%X", "%y",
    "%-y", "%Y", "%z", "%Z", "%%"})
_DIRECTIVE = re.compile(r"%-?.?", re.DOTALL)


def _directive_problem(fmt: str, key: str) -> str | None:
    """Why DuckDB's strptime would refuse ``fmt`` (its first unknown directive), or None."""
    for directive in _DIRECTIVE.findall(fmt):
        if directive in ("%", "%-"):
            return _("the format \"{format}\" of {key} ends with a lone %; remove it, or write %% for a percent "
                     "sign").format(format=fmt, key=key)
        if directive not in STRPTIME_DIRECTIVES:
            return _("the format \"{format}\" of {key} uses {directive}, which is no date or time directive; write "
                     "%d for the day, %m for the month, %Y for the year and %H:%M for the time, as in "
                     "\"%d/%m/%Y %H:%M\"").format(format=fmt, key=key, directive=directive)
    return None


def _yes_and_no(data: dict[str, Any], source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``true_values`` and ``false_values``, refused when a word is in both, or says the opposite of
    what it means everywhere else (« non » as a yes): read so, a consent column gave every patron's
    consent, or withdrew it, without a word."""
    true_values = _str_list(data, "true_values", source, ())
    false_values = _str_list(data, "false_values", source, ())

    def key(word: str) -> str:
        return word.strip().casefold()

    both = sorted({key(w) for w in true_values} & {key(w) for w in false_values})
    if both:
        raise _invalid(source, _("the word \"{word}\" is in both true_values and false_values; keep it in the one "
                                 "it means (yes or no)").format(word=both[0]))
    # A mark (« x », « o ») may mean either in a list kept by hand (« Désabonné : x »); words do not.
    words_no, words_yes = ({w for w in words if len(w) > 1 or w.isdigit()} for words in (DEFAULT_FALSE, DEFAULT_TRUE))
    for words, setting, opposite, meaning in ((true_values, "true_values", words_no, _("no")),
                                             (false_values, "false_values", words_yes, _("yes"))):
        wrong = next((w for w in words if key(w) in opposite), None)
        if wrong is not None:
            raise _invalid(source, _("{setting} lists \"{word}\", which means {meaning}; remove it from {setting} "
                                     "(it is read as {meaning} already)").format(setting=setting, word=wrong,
                                                                                  meaning=meaning))
    return true_values, false_values


def _formats(data: dict[str, Any], key: str, source: str, default: tuple[str, ...]) -> tuple[str, ...]:
    formats = _str_list(data, key, source, default)
    if not formats or any("%" not in f for f in formats):
        raise _invalid(
            source,
            _("{key} must list strptime formats such as \"%d/%m/%Y %H:%M\"").format(key=key),
        )
    problem = next((found for f in formats if (found := _directive_problem(f, key))), None)
    if problem is not None:
        raise _invalid(source, problem)
    # Read without a year, « 01/09 » is 1 September 1900: a purchase no report would place.
    yearless = next((f for f in formats if not re.search(r"%[YyGs]", f) and re.search(r"%[dmbBj]", f)), None)
    if yearless is not None:
        raise _invalid(
            source,
            _("the format \"{format}\" of {key} reads no year, so its dates would fall in 1900; export the dates "
              "with their year, or set the rows without one aside by leaving that format out").format(
                format=yearless, key=key),
        )
    return formats


def parse_profile(text: str, source: str) -> Profile:
    """Validate the YAML ``text`` of a profile (``source`` names it in messages)."""
    try:
        data = yaml.safe_load(text)
    except RecursionError:  # lists or mappings nested thousands deep: no mapping is
        raise _invalid(source, _("it is nested too deeply to be read")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line {line}").format(line=mark.line + 1) if mark is not None else "?"
        raise _invalid(source, _("it is not well-formed YAML ({where})").format(where=where)) from None
    if not isinstance(data, dict):
        raise _invalid(source, _("it must be a YAML mapping with a columns section"))
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise _invalid(
            source,
            _("unknown setting {key}{hint}").format(key=unknown[0], hint=_closest(unknown[0], _KEYS)),
        )
    fmt = data.get("format", "csv")
    if fmt not in FORMATS:
        raise _invalid(source, _("format must be one of {allowed}").format(allowed=", ".join(FORMATS)))
    encoding = str(data.get("encoding") or "utf-8")
    try:
        codecs.lookup(encoding)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise _invalid(
            source, _("{encoding} is not a known text encoding (try utf-8 or cp1252)").format(encoding=encoding)
        ) from None
    delimiter = data.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n":
        raise _invalid(source, _("delimiter must be one character, such as \",\", \";\" or \"\\t\""))
    quote = data.get("quote", '"')
    if quote is None:
        quote = ""
    if not isinstance(quote, str) or len(quote) > 1 or (quote and quote == delimiter):
        raise _invalid(source, _("quote must be one character different from the delimiter, or empty"))
    decimal = data.get("decimal", ".")
    if decimal not in (".", ","):
        raise _invalid(source, _("decimal must be \".\" or \",\""))
    list_separator = data.get("list_separator", "|")
    if not isinstance(list_separator, str) or not list_separator:
        raise _invalid(source, _("list_separator must be a non-empty text"))
    skip_lines = data.get("skip_lines", 0)
    if not isinstance(skip_lines, int) or isinstance(skip_lines, bool) or skip_lines < 0:
        raise _invalid(source, _("skip_lines must be a whole number of lines"))
    currency = str(data.get("currency") or "CAD")
    if len(currency) != 3 or not currency.isalpha():
        raise _invalid(source, _("currency must be an ISO 4217 code such as CAD"))
    columns_raw = data.get("columns")
    if not isinstance(columns_raw, dict) or not columns_raw:
        raise _invalid(source, _("it has no columns section mapping canonical fields to source columns"))
    columns: dict[str, ColumnSpec] = {}
    for key, value in columns_raw.items():
        canonical = str(key)
        if canonical not in CANONICAL_FIELDS:
            raise _invalid(
                source,
                _("{field} is not a canonical field{hint}").format(
                    field=canonical, hint=_closest(canonical, CANONICAL_FIELDS)),
            )
        if value is None:
            continue
        columns[canonical] = _column_spec(canonical, value, source)
    consent_only = set(columns) <= set(CONSENT_EXPORT_FIELDS) and any(c in columns for c in CONSENT_COLUMNS)
    if "patron_id" not in columns:
        # No customer number: the e-mail is the patron id, else (a box-office sale, an invitation
        # with no e-mail taken; an export with phones only) the phone, pseudonymized like any
        # identifier. A consent export keeps to the e-mail: consents are matched by it.
        stand_ins = [columns[f] for f in (("email",) if consent_only else PATRON_ID_STAND_INS) if f in columns]
        if stand_ins and all(spec.form in ("column", "first") for spec in stand_ins):
            sources = tuple(dict.fromkeys(s for spec in stand_ins for s in spec.sources))
            columns["patron_id"] = ColumnSpec("column" if len(sources) == 1 else "first", sources)
        elif "email" in columns:
            columns["patron_id"] = columns["email"]
    if "unit_price" in columns and "total_price" in columns:
        raise _invalid(source, _("it chooses a column for both {unit} and {total}; choose one of them, not "
                                 "both").format(unit=_named("unit_price"), total=_named("total_price")))
    if "consent_at" in columns and not consent_only:
        raise _invalid(source, _("{field} is read only in a consent export, which has no ticket or event column; "
                                 "choose no column for it in this ticket mapping").format(field=_named("consent_at")))
    # A consent export needs only who (patron id or e-mail); a ticket export needs the ticket too.
    required = ("patron_id",) if consent_only else tuple(dict.fromkeys((*REQUIRED_FIELDS, *ALTERNATIVES)))
    # A consent export is matched by its e-mail: a phone does not stand in for its patron id.
    alternatives: dict[str, tuple[str, ...]] = {"patron_id": ("email",)} if consent_only else ALTERNATIVES
    missing = [f for f in required if f not in columns and not any(a in columns for a in alternatives.get(f, ()))]
    if missing:
        raise _incomplete(source, tuple(missing), alternatives, consent_only,
                          names_someone=bool(set(columns) & _PERSON_FIELDS))
    description = data.get("description") or {}
    sheet = data.get("sheet")
    sheets = data.get("sheets")
    if sheets is not None and (str(sheets).strip().lower() != "all" or sheet is not None):
        raise _invalid(source, _("sheets can only be “all” (every sheet laid out like the first), and not beside "
                                 "sheet; to read one sheet, write sheet: ITS NAME"))
    defaults, basis = _consent(data, source)
    languages = _label_map(data, "language_values", LANGUAGES, source)
    true_values, false_values = _yes_and_no(data, source)

    return Profile(
        name=str(data.get("name") or Path(source).stem),
        format=fmt,
        columns=columns,
        encoding=encoding,
        delimiter=delimiter,
        quote=quote,
        decimal=decimal,
        datetime_formats=_formats(data, "datetime_formats", source, Profile.datetime_formats),
        date_formats=_formats(data, "date_formats", source, Profile.date_formats),
        list_separator=list_separator,
        true_values=true_values,
        false_values=false_values,
        status_values=_label_map(data, "status_values", TICKET_STATUSES, source),
        line_kind_values=_label_map(data, "line_kind_values", LINE_KINDS, source),
        channel_values=_label_map(data, "channel_values", CHANNELS, source),
        language_values=languages,
        sheet=None if sheet is None else str(sheet),
        every_sheet=sheets is not None,
        skip_lines=skip_lines,
        currency=currency.upper(),
        timezone=_timezone(data, source),
        country=_country(data, source),
        amount_scale=_amount_scale(data, source),
        blank_price_free=_blank_price(data, source),
        refunded_per_order=_refunded_per(data, columns, source),
        attendees=_attendees(data, fmt, source),
        consent_defaults=defaults,
        consent_basis=basis,
        description={str(k): str(v) for k, v in description.items()} if isinstance(description, dict) else {},
        source=source,
    )


# The fields that say who a row's buyer is: a mapping that chooses none of them reads a report naming nobody.
_PERSON_FIELDS = frozenset({"patron_id", "email", "phone", "first_name", "last_name", "full_name", "birth_date"})


def _incomplete(source: str, missing: tuple[str, ...], alternatives: dict[str, tuple[str, ...]],
                consent_only: bool, *, names_someone: bool = True) -> MappingIncompleteError:
    """The sentence for required fields with no column, the fields named as the member app's form
    names them (their YAML key after), and what to do said so that it reads in the app and in a
    terminal alike."""
    named = ", ".join(_(" or ").join(_named(each) for each in (f, *alternatives.get(f, ()))) for f in missing)
    if "purchased_at" in missing and "unit_price" in missing:
        # Neither a date nor a price: what the export lists is who comes, not what was sold.
        return MappingIncompleteError(source, missing, "attendee_list", _(
            "Export your ticketing's sales or orders report instead (one row per ticket or order, with its date "
            "and price): this export has no purchase date and no price, so it lists who comes rather than what "
            "was sold, and nothing can be prepared from it (no column is chosen for {fields}).").format(fields=named))
    if "patron_id" in missing and not consent_only and not names_someone:
        # Nothing mapped names anyone (a reseller's « état des ventes », a summary of seats sold per show):
        # what the member needs is another export, which is said first.
        return MappingIncompleteError(source, missing, "no_buyer", _(
            "This report names no buyer (it counts seats sold): export instead the detail of your sales, one row "
            "per ticket or order with the buyer's e-mail or customer number (from a reseller, its list of buyers), "
            "since nothing can be prepared without knowing who bought; if this file does name the buyers, choose "
            "their column for {fields}.").format(
                fields=_(" or ").join(_named(each) for each in ("patron_id", *alternatives.get("patron_id", ())))))
    if "patron_id" in missing and not consent_only:
        # No buyer at all: a reseller's statement or a summary of sales.
        return MappingIncompleteError(source, missing, "no_buyer", _(
            "No column is chosen for {fields}, and nothing can be prepared without knowing who bought: choose the "
            "column that holds it; if the export names no buyer (a reseller's statement, a summary of sales), "
            "export the sales report that names each buyer instead.").format(fields=named))
    return MappingIncompleteError(source, missing, "missing", _(
        "No column is chosen for the required fields {fields}: choose the column that holds each of them, or "
        "nothing can be prepared.").format(fields=named))


def _column_spec(canonical: str, value: Any, source: str) -> ColumnSpec:
    """One entry of ``columns:`` (see ``ColumnSpec`` and canonical.yaml for the forms)."""

    def name(v: Any) -> str:
        if not isinstance(v, str | int) or isinstance(v, bool) or not str(v).strip():
            raise _invalid(source, _("the column for {field} must be a column name").format(field=canonical))
        return str(v)

    if isinstance(value, list):
        if not value:
            raise _invalid(source, _("the list of columns for {field} is empty").format(field=canonical))
        names = tuple(name(v) for v in value)
        return ColumnSpec("column" if len(names) == 1 else "first", names)
    if not isinstance(value, dict):
        return ColumnSpec("column", (name(value),))
    if "in_text" in value:
        return _in_text_spec(canonical, value, source, name)
    forms = [k for k in value if k in SPEC_FORMS]
    extra = [str(k) for k in value if k not in (*SPEC_FORMS, "separator")]
    if len(forms) != 1 or extra or ("separator" in value and forms != ["join"]):
        raise _invalid(
            source,
            _("{field} must be a column name, a list of columns, or one of {{value: …}}, {{file_name: …}}, "
              "{{join: [...], separator: \" \"}}").format(field=canonical),
        )
    form = forms[0]
    given = value[form]
    if form == "numbered":
        if canonical != "ticket_id" or given is not True:
            raise _invalid(source, _("numbered: true is for ticket_id only (each buyer's rows for each event "
                                     "numbered, in an export with no ticket number); {field} cannot be "
                                     "numbered").format(field=canonical))
        return ColumnSpec("numbered")
    if form == "group_size":
        if canonical != "quantity" or isinstance(given, dict | list) or given is None:
            raise _invalid(source, _("group_size reads the quantity in one column's text (« Groupe scolaire 25 "
                                     "pers. »); {field} cannot be read so").format(field=canonical))
        return ColumnSpec("group_size", (name(given),))
    if form == "sum":
        names = tuple(name(v) for v in (given if isinstance(given, list) else [given]))
        if canonical != "quantity" or len(names) < 2:
            raise _invalid(source, _("sum adds the seats of two columns or more, for quantity only (one column "
                                     "per ticket type); {field} cannot be a sum").format(field=canonical))
        return ColumnSpec("sum", names)
    if form in ("column", "first", "join"):
        names = tuple(name(v) for v in (given if isinstance(given, list) else [given]))
        if form == "join" and len(names) < 2:
            raise _invalid(source, _("join for {field} needs at least two columns").format(field=canonical))
        separator = value.get("separator", " ")
        if not isinstance(separator, str):
            raise _invalid(source, _("the separator of {field} must be a text").format(field=canonical))
        if form == "join":
            return ColumnSpec("join", names, separator=separator)
        return ColumnSpec("column" if len(names) == 1 else "first", names)
    if form == "value":
        if given is None or isinstance(given, dict | list) or not str(given).strip():
            raise _invalid(source, _("the value of {field} must be a non-empty text").format(field=canonical))
        return ColumnSpec("value", value=_scalar_text(given))
    if given is True:
        return ColumnSpec("file_name")
    if not isinstance(given, str) or not given:
        raise _invalid(
            source, _("file_name for {field} must be true or a regular expression").format(field=canonical))
    try:
        re.compile(given)
    except re.error:
        raise _invalid(
            source, _("the file_name pattern of {field} is not a valid regular expression").format(field=canonical)
        ) from None
    return ColumnSpec("file_name", value=given)


def _in_text_spec(canonical: str, value: dict[str, Any], source: str, name: Callable[[Any], str]) -> ColumnSpec:
    """``{in_text: COLUMNS}``, alone or beside a column spec read first: the event's start
    written in the text of ``COLUMNS``."""
    if canonical != "event_starts_at":
        raise _invalid(source, _("only event_starts_at can be read in_text (a date written in an event's "
                                 "name); write {field} as a column name").format(field=canonical))
    given = value["in_text"]
    texts = tuple(name(v) for v in (given if isinstance(given, list) else [given]))
    if not texts:
        raise _invalid(source, _("the list of columns for {field} is empty").format(field=canonical))
    rest = {k: v for k, v in value.items() if k != "in_text"}
    if not rest:
        return ColumnSpec("in_text", texts, in_text=len(texts))
    main = _column_spec(canonical, rest, source)
    if main.form not in ("column", "first", "join"):
        raise _invalid(source, _("in_text for {field} goes alone or beside column, first or join").format(
            field=canonical))
    return replace(main, sources=(*main.sources, *texts), in_text=len(texts))


def _timezone(data: dict[str, Any], source: str) -> str:
    zone = data.get("timezone", "America/Toronto")
    try:
        zoneinfo.ZoneInfo(str(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name longer than a file's
        raise _invalid(
            source, _("timezone must be an IANA time zone such as America/Toronto or Europe/Paris")
        ) from None
    return str(zone)


def _country(data: dict[str, Any], source: str) -> str:
    country = str(data.get("country") or "CA").upper()
    if country not in COUNTRIES:
        raise _invalid(source, _("country must be one of {allowed}").format(allowed=", ".join(COUNTRIES)))
    return country


def _amount_scale(data: dict[str, Any], source: str) -> float:
    scale = data.get("amount_scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1000:
        raise _invalid(source, _("amount_scale must be a number such as 0.01 (amounts in cents) or 1"))
    return float(scale)


def _blank_price(data: dict[str, Any], source: str) -> bool:
    if "blank_price" not in data:
        return False
    value = data["blank_price"]
    if isinstance(value, bool) or value not in (0, "0", 0.0):
        raise _invalid(source, _("blank_price can only be 0 (a row with no price is a seat given); remove it to "
                                 "reject rows without a price"))
    return True


def _attendees(data: dict[str, Any], fmt: str, source: str) -> Setting | None:
    if data.get("attendees") is None:
        return None
    setting = read_setting(data["attendees"])
    if setting is None or fmt == "jsonl":
        raise _invalid(source, _("attendees must name the attendees' numbered columns of a CSV or Excel export with {n} for "
                                 "the number, such as numbered: [\"Participant {n} - Nom\"] (seats: and shared: "
                                 "may name the order's number of seats and its amounts)"))
    return setting


def _refunded_per(data: dict[str, Any], columns: dict[str, ColumnSpec], source: str) -> bool:
    """``refunded_amount_per``: ``order`` (the refunded amount is the order's) or ``row`` (the default)."""
    per = str(data.get("refunded_amount_per", "row"))
    if per not in ("order", "row"):
        raise _invalid(source, _("refunded_amount_per must be order (the refunded amount is the whole order's) or "
                                 "row (each row's own)"))
    # Without a refunded amount there is nothing to share (the member app's form drops the column, not the key).
    if per == "order" and "refunded_amount" in columns and "order_id" not in columns:
        raise _invalid(source, _("refunded_amount_per: order shares an order's refunded amount among its lines: "
                                 "choose a column for {order}, or no column for {refunded}").format(
                                     refunded=_named("refunded_amount"), order=_named("order_id")))
    return per == "order" and "refunded_amount" in columns


def _consent(data: dict[str, Any], source: str) -> tuple[dict[str, bool], str | None]:
    """``consent_defaults`` (purpose → granted) and the member's stated basis for them."""
    raw = data.get("consent_defaults") or {}
    if not isinstance(raw, dict):
        raise _invalid(source, _("consent_defaults must map purposes to true or false"))
    defaults: dict[str, bool] = {}
    for purpose, granted in raw.items():
        if purpose not in CONSENT_PURPOSES:
            raise _invalid(
                source,
                _("consent_defaults names {purpose}, which is not a purpose ({allowed})").format(
                    purpose=purpose, allowed=", ".join(CONSENT_PURPOSES)),
            )
        if not isinstance(granted, bool):
            raise _invalid(
                source, _("consent_defaults.{purpose} must be true or false").format(purpose=purpose))
        defaults[str(purpose)] = granted
    basis = data.get("consent_basis")
    if basis is not None and (not isinstance(basis, str) or not basis.strip()):
        raise _invalid(source, _("consent_basis must be a sentence stating why the defaults hold"))
    if any(defaults.values()) and basis is None:
        raise _invalid(
            source,
            _("consent_defaults grants a purpose without a consent_basis; state the basis (for example "
              "the clause of your terms of sale the patrons agreed to)"),
        )
    return defaults, basis.strip() if isinstance(basis, str) else None
