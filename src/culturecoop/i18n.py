"""French and English for everything a user reads.

Message ids are the English text; French lives in ``locale/fr/LC_MESSAGES/*.po`` (one catalog
per area of the code, merged at load time).
The language comes from ``set_language`` (the CLI's ``--lang``), else ``CULTURECOOP_LANG``,
else the POSIX locale variables; anything that is not French is English.
"""

from __future__ import annotations

import math
import os
import re
import string
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
_CATALOG_DIR = Path(__file__).parent / "locale"
_current: str | None = None


def set_language(language: str | None) -> None:
    global _current
    language = (language or "").strip().lower()
    _current = language if language in LANGUAGES else None


def current_language() -> str:
    if _current:
        return _current
    for var in ("CULTURECOOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


@cache
def catalog(language: str) -> dict[str, str]:
    """The translations of one language, msgid → msgstr, merged from every catalog file."""
    # Imported here: only a run that reads French pays for babel.
    from babel.messages.pofile import read_po

    merged: dict[str, str] = {}
    for path in sorted((_CATALOG_DIR / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            po = read_po(f)
        merged.update({str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy})
    return merged


def _(message: str) -> str:
    """Translate ``message`` (English) into the current language."""
    language = current_language()
    if language == "en":
        return message
    return catalog(language).get(message, message)


# Every pair of forms ``plural`` was asked for, by each of its forms: ``retranslate`` reads a count
# sentence back in the form its count takes in the other language.
_PAIRS: dict[str, tuple[str, str]] = {}


def takes_one(n: int, language: str) -> bool:
    """Whether a count of ``n`` takes the singular in ``language``, as CLDR says for whole numbers:
    English for 1 only ("0 events", "1 event"), French for 0 and 1 (« 0 événement », « 1 événement »)."""
    return n in (0, 1) if language == "fr" else n == 1


def plural_in(n: int, one: str, other: str, language: str) -> str:
    """The sentence about ``n`` things in ``language``, not yet formatted: ``one`` or ``other``
    (English message ids, both in the catalogs) as ``takes_one`` says, translated."""
    _PAIRS[one] = _PAIRS[other] = (one, other)
    return gettext_in(one if takes_one(n, language) else other, language)


def plural(n: int, one: str, other: str) -> str:
    """The sentence about ``n`` things in the current language, not yet formatted:
    ``plural(n, "{n} event loaded.", "{n} events loaded.").format(n=count(n))``."""
    return plural_in(n, one, other, current_language())


def general(value: float) -> str:
    """A setting's figure inside a sentence in the current language, as short as it reads (ε 0,5 in
    French, 0.5 in English; 10; 0,05), its thousands grouped as ``count`` groups them (« 1 000,5 »,
    "1,000.5") and never in scientific notation (« 1 234 570 », not 1,23457e+06)."""
    if not math.isfinite(value) or (value and not 1e-6 <= abs(value) < 1e15):
        # Past what digits can say (a mistyped 1e308, an ε of 1e-9): as given, not 300 digits.
        text = f"{value:g}"
        return text.replace(".", ",") if current_language() == "fr" else text
    whole = float(value).is_integer()
    text = f"{int(value):,}" if whole else format(Decimal(f"{value:.6g}"), ",f")
    return text.translate(_FRENCH_MARKS) if current_language() == "fr" else text


_FRENCH_MARKS = str.maketrans({",": "\u00a0", ".": ","})


def count(value: int) -> str:
    """A count inside a sentence in the current language: « 35 020 » in French (a no-break space
    between thousands), "35,020" in English."""
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if current_language() == "fr" else text


def share(fraction: float, digits: int = 0) -> str:
    """A share inside a sentence in the current language: « 97 % », « 12,5 % » in French (a no-break
    space before the sign, a decimal comma), "97%", "12.5%" in English."""
    text = f"{fraction:.{digits}%}"
    if current_language() == "fr":
        return text[:-1].replace(".", ",") + "\u00a0%"
    return text


def either(choices: list[str]) -> str:
    """Choices inside a sentence in the current language, the last after "or": "'a', 'b' or 'c'",
    « 'a', 'b' ou 'c' » (one choice as it is)."""
    if len(choices) < 2:
        return "".join(choices)
    return _("{choices} or {last}").format(choices=", ".join(choices[:-1]), last=choices[-1])


# The locales days and numbers are written in (the cooperative is Québécois: fr_CA, en_CA).
BABEL_LOCALES = {"fr": "fr_CA", "en": "en_CA"}


def first_of_month(text: str, value: date, language: str) -> str:
    """French writes the first day of a month as an ordinal: « 1er déc. 2025 », never « 1 déc. »."""
    if language == "fr" and value.day == 1 and text.startswith("1 "):
        return "1er " + text[2:]
    return text


def day_in(value: date | datetime | str, language: str) -> str:
    """A day inside a sentence, written out the way a reader reads it: « 30 avril 2026 »,
    « 1er mai 2026 » in French, "April 30, 2026" in English (``2026-04-30`` or a date; any other
    text is returned as it is)."""
    day = as_day(value)
    if day is None:
        return str(value)
    from babel.dates import format_date  # only a sentence with a day pays for babel's dates

    return first_of_month(str(format_date(day, format="long", locale=BABEL_LOCALES[language])), day, language)


def as_day(value: object) -> date | None:
    """The day of a date, a datetime or an ISO text (``2026-04-30``, ``2026-04-30T20:00``); None for
    anything else."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def day_words(value: date | datetime | str) -> str:
    """A day inside a sentence in the current language (``day_in``): « après le 30 avril 2026 »."""
    return day_in(value, current_language())


def gettext_in(message: str, language: str) -> str:
    return message if language == "en" else catalog(language).get(message, message)


# -- reading a formatted sentence back -----------------------------------------------------


def format_regex(text: str) -> tuple[str, int]:
    """A regex (its source) matching the message ``text`` once formatted, whatever its values: each
    field a named group, a field said twice a back-reference; and how much fixed text it holds."""
    regex, seen, fixed = "", set(), 0
    for literal, field, _spec, _conv in string.Formatter().parse(text):
        regex += re.escape(literal)
        fixed += len(literal.strip())
        if field is not None:
            regex += f"(?P={field})" if field in seen else f"(?P<{field}>.*?)"
            seen.add(field)
    return regex, fixed


@cache
def _patterns() -> list[tuple[re.Pattern[str], str, str, str]]:
    """For every catalog message with fields: a regex of its English and French renderings, the
    most specific first (the most fixed text): a short message such as "{n} people" must not
    claim a sentence that merely ends like it."""
    found: list[tuple[int, re.Pattern[str], str, str, str]] = []
    for msgid, msgstr in catalog("fr").items():
        fields = [field for _literal, field, _spec, _conv in string.Formatter().parse(msgid) if field is not None]
        if not fields or not all(field.isidentifier() for field in fields):
            continue  # no fields, or positional ones ("[default: {}]", the CLI's help): never a service's sentence
        for text, written_in in ((msgid, "en"), (msgstr, "fr")):
            regex, fixed = format_regex(text)
            found.append((fixed, re.compile(regex + r"\Z", re.DOTALL), msgid, msgstr, written_in))
    found.sort(key=lambda entry: -entry[0])  # stable: equal ones keep the catalogs' order
    return [(pattern, msgid, msgstr, written_in) for _fixed, pattern, msgid, msgstr, written_in in found]


@cache
def _english_of() -> dict[str, str]:
    return {v: k for k, v in catalog("fr").items()}


def _fill(template: str, values: dict[str, str]) -> str:
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        parts.append(literal)
        if field is not None:
            parts.append(values.get(field, ""))
    return "".join(parts)


def retranslate(message: str, language: str) -> str:
    """A message already translated and formatted (by a service in the process language, or by a
    library in English), in ``language`` instead; unknown messages are returned as they are."""
    language = language if language in LANGUAGES else "fr"
    french = catalog("fr")
    english_of = _english_of()
    if message in french or message in english_of:
        msgid = message if message in french else english_of[message]
        return gettext_in(msgid, language)
    for pattern, msgid, _msgstr, written_in in _patterns():
        found = pattern.match(message)
        if found:
            # A field that is itself a message of the catalogs (a label the service translated
            # before building the sentence: "French body") is said in ``language`` too, and a
            # number written the way the sentence's language writes it ("4,557", « 12,5 ») is
            # written the way ``language`` does.
            values = {name: _day_of(_number_in(_label_in(value, language, french, english_of), written_in, language),
                                    written_in, language)
                      for name, value in found.groupdict().items()}
            return _fill(gettext_in(_form_for(msgid, values, language), language), values)
    return message


def _form_for(msgid: str, values: dict[str, str], language: str) -> str:
    """``msgid``, or its other form when it is one of a plural pair and its count takes the other
    form in ``language`` (English "0 events" is French « 0 événement »)."""
    pair = _PAIRS.get(msgid)
    figure = values.get("n", values.get("count", ""))
    if pair is None or not _COUNT.fullmatch(figure):
        return msgid
    return pair[0] if takes_one(int(re.sub(r"\D", "", figure)), language) else pair[1]


_COUNT = re.compile(r"\d[\d \u00a0\u202f,]*")


_GROUPED = {"en": re.compile(r"(-?\d{1,3}(?:,\d{3})+)(?:\.(\d+))?"),
            "fr": re.compile(r"(-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:,(\d+))?")}
_DECIMAL = {"en": re.compile(r"(-?\d+)\.(\d+)"), "fr": re.compile(r"(-?\d+),(\d+)")}


def _number_in(value: str, written_in: str, language: str) -> str:
    """``value`` when it is a number with thousands grouped or with decimals, as written in
    ``written_in`` (4,557.5 / 4 557,5), written as ``language`` writes it; any other value (an
    ungrouped whole number: a year, an id) unchanged."""
    if written_in == language:
        return value
    found = _GROUPED[written_in].fullmatch(value) or _DECIMAL[written_in].fullmatch(value)
    if found is None:
        return value
    whole = re.sub(r"[^\d-]", "", found.group(1))
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    separator, mark = ("\u00a0", ",") if language == "fr" else (",", ".")
    if len(digits) > 3 and (found.re is _GROUPED[written_in] or len(digits) > 4):
        head = len(digits) % 3 or 3
        digits = digits[:head] + "".join(separator + digits[i:i + 3] for i in range(head, len(digits), 3))
    return sign + digits + (mark + found.group(2) if found.group(2) else "")


def _label_in(value: str, language: str, french: dict[str, str], english_of: dict[str, str]) -> str:
    if value in french:
        return gettext_in(value, language)
    if value in english_of:
        return gettext_in(english_of[value], language)
    return value


@cache
def _written_days(language: str) -> tuple[re.Pattern[str], dict[str, int]]:
    """A day as ``day_in`` writes it in ``language``, and the month of each month name."""
    from babel.dates import get_month_names

    months = {str(name).lower(): number for number, name in get_month_names("wide", locale=BABEL_LOCALES[language]).items()}
    names = "|".join(sorted(months, key=len, reverse=True))
    pattern = (rf"(?P<d>\d{{1,2}})(?:er)? (?P<m>{names}) (?P<y>\d{{4}})" if language == "fr"
               else rf"(?P<m>{names}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}})")
    return re.compile(pattern, re.IGNORECASE), months


def _day_of(value: str, written_in: str, language: str) -> str:
    """``value`` when it is a day as ``day_in`` writes it in ``written_in``, written as ``language``
    does (« 30 avril 2026 » → "April 30, 2026"); any other value unchanged."""
    if written_in == language:
        return value
    pattern, months = _written_days(written_in)
    found = pattern.fullmatch(value)
    if found is None:
        return value
    try:
        return day_in(date(int(found["y"]), months[found["m"].lower()], int(found["d"])), language)
    except ValueError:
        return value
