"""Mapping profiles: how one vendor's export maps to the canonical flat export.

A profile is a YAML file (see the built-ins in ``ingest/profiles/``). ``load_profile`` reads a
built-in by name or a member's own file and validates every key, so a typo in a mapping is
one clear sentence before any data is read, never a half-mapped package.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.schema.model import CHANNELS, TICKET_STATUSES

PROFILE_DIR = Path(__file__).parent / "profiles"

# The canonical flat export: one row per ticket (the built-in profile ``canonical``).
CANONICAL_FIELDS: tuple[str, ...] = (
    "ticket_id", "order_id", "purchased_at", "status", "quantity", "unit_price", "currency",
    "channel", "event_id", "event_title", "event_starts_at", "venue", "venue_postal_code",
    "genres", "artists", "capacity", "is_local", "event_language", "patron_id", "email",
    "phone", "first_name", "last_name", "birth_date", "postal_code", "patron_language",
    "consent_pooling", "consent_marketing", "consent_personalization",
)
# Without these a row cannot become a ticket: a profile must map them.
REQUIRED_FIELDS: tuple[str, ...] = ("ticket_id", "purchased_at", "unit_price", "event_id", "patron_id")
LIST_FIELDS: tuple[str, ...] = ("genres", "artists")
FORMATS = ("csv", "jsonl", "xlsx")
LANGUAGES = ("fr", "en", "bilingual", "none")

# Labels every profile understands besides its own (compared accent- and case-insensitively).
DEFAULT_LANGUAGE_VALUES: dict[str, str] = {
    "fr": "fr", "francais": "fr", "french": "fr", "fra": "fr", "fre": "fr", "fr-ca": "fr",
    "fr_ca": "fr", "en": "en", "english": "en", "anglais": "en", "eng": "en", "en-ca": "en",
    "en_ca": "en", "bilingual": "bilingual", "bilingue": "bilingual", "fr/en": "bilingual",
    "en/fr": "bilingual", "none": "none", "aucune": "none", "instrumental": "none",
    "sans paroles": "none", "sans texte": "none",
}
DEFAULT_TRUE = ("true", "1", "yes", "oui")
DEFAULT_FALSE = ("false", "0", "no", "non")

_KEYS = {
    "name", "description", "format", "encoding", "delimiter", "quote", "decimal",
    "datetime_formats", "date_formats", "list_separator", "true_values", "false_values",
    "status_values", "channel_values", "language_values", "columns", "sheet", "skip_lines",
    "currency",
}


@dataclass(frozen=True)
class Profile:
    """A validated mapping profile (see the built-in YAML files for the meaning of each key)."""

    name: str
    format: str
    columns: dict[str, str]  # canonical field -> source column or dotted JSON path (mapped only)
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
    channel_values: dict[str, str] = field(default_factory=dict)
    language_values: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    skip_lines: int = 0
    currency: str = "CAD"
    description: dict[str, str] = field(default_factory=dict)
    source: str = ""  # where the profile came from (built-in name or file path)


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


def _invalid(source: str, problem: str) -> UserError:
    return UserError(
        _("The mapping {source} is not valid: {problem}; fix it and run prepare again.").format(
            source=source, problem=problem)
    )


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


def _formats(data: dict[str, Any], key: str, source: str, default: tuple[str, ...]) -> tuple[str, ...]:
    formats = _str_list(data, key, source, default)
    if not formats or any("%" not in f for f in formats):
        raise _invalid(
            source,
            _("{key} must list strptime formats such as \"%d/%m/%Y %H:%M\"").format(key=key),
        )
    return formats


def parse_profile(text: str, source: str) -> Profile:
    """Validate the YAML ``text`` of a profile (``source`` names it in messages)."""
    try:
        data = yaml.safe_load(text)
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
    except LookupError:
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
    columns: dict[str, str] = {}
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
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            raise _invalid(source, _("the column for {field} must be a column name").format(field=canonical))
        columns[canonical] = str(value)
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        raise _invalid(
            source, _("it does not map the required fields {fields}").format(fields=", ".join(missing))
        )
    description = data.get("description") or {}
    sheet = data.get("sheet")
    languages = _label_map(data, "language_values", LANGUAGES, source)
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
        true_values=_str_list(data, "true_values", source, ()),
        false_values=_str_list(data, "false_values", source, ()),
        status_values=_label_map(data, "status_values", TICKET_STATUSES, source),
        channel_values=_label_map(data, "channel_values", CHANNELS, source),
        language_values=languages,
        sheet=None if sheet is None else str(sheet),
        skip_lines=skip_lines,
        currency=currency.upper(),
        description={str(k): str(v) for k, v in description.items()} if isinstance(description, dict) else {},
        source=source,
    )
