"""French and English in the web layer: per-request translation, Babel number and date formats.

The process-wide language of ``culturecoop.i18n`` does not fit a server where every request has
its own: web code marks messages with ``_`` (a no-op that the extraction test sees) and
translates them when a page or an error is rendered, with the reader's language.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from culturecoop.i18n import LANGUAGES, catalog, gettext_in

BABEL_LOCALES = {"fr": "fr_CA", "en": "en_CA"}


# Babel formats one value in tens of microseconds; a report table has thousands of cells, most of
# them repeated values (counts, shares, months): the formatted text is kept per value and locale.
@lru_cache(maxsize=65536, typed=True)
def _decimal(value: int | float, fmt: str | None, locale: str) -> str:
    return str(format_decimal(value, format=fmt, locale=locale))


@lru_cache(maxsize=65536, typed=True)
def _money(value: str, currency: str, locale: str) -> str:
    return str(format_currency(Decimal(value), currency, locale=locale))


@lru_cache(maxsize=65536, typed=True)
def _percent(value: float, fmt: str, locale: str) -> str:
    return str(format_percent(value, format=fmt, locale=locale))


@lru_cache(maxsize=16384)
def _day(value: date, locale: str) -> str:
    return str(format_date(value, format="medium", locale=locale))


def _(message: str) -> str:
    """Mark ``message`` for translation; it is translated when rendered (see ``Translator``)."""
    return message


def pick_language(value: str | None, default: str = "fr") -> str:
    return value if value in LANGUAGES else default


def language_from_header(accept_language: str | None, default: str) -> str:
    """First of fr/en named in an Accept-Language header, else ``default``."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


class Translator:
    """Messages, numbers and dates in one language; handed to every template as ``_`` etc."""

    def __init__(self, language: str) -> None:
        self.language = pick_language(language)
        self.locale = BABEL_LOCALES[self.language]

    def __call__(self, message: str, **fields: Any) -> str:
        text = gettext_in(message, self.language)
        return text.format(**fields) if fields else text

    def number(self, value: Any, digits: int = 0) -> str:
        if value is None:
            return "–"
        if isinstance(value, int) and not isinstance(value, bool):
            return _decimal(value, None, self.locale)
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return _decimal(float(value), fmt, self.locale)

    def money(self, value: Any, currency: str = "CAD") -> str:
        if value is None:
            return "–"
        return _money(str(value), currency, self.locale)

    def percent(self, value: Any, digits: int = 1) -> str:
        if value is None:
            return "–"
        return _percent(float(value), "#,##0." + "0" * digits + " %" if digits else "#,##0 %", self.locale)

    def date(self, value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return str(value)
        if isinstance(value, datetime):
            return str(format_datetime(value, format="medium", locale=self.locale))
        if isinstance(value, date):
            return str(format_date(value, format="medium", locale=self.locale))
        return str(value)

    def day(self, value: Any) -> str:
        if isinstance(value, datetime):
            value = value.date()
        return _day(value, self.locale) if isinstance(value, date) else str(value)


@cache
def _patterns() -> list[tuple[re.Pattern[str], str, str]]:
    """For every catalog message with fields: a regex of its English and French renderings."""
    out: list[tuple[re.Pattern[str], str, str]] = []
    for msgid, msgstr in catalog("fr").items():
        if "{" not in msgid:
            continue
        for text in (msgid, msgstr):
            regex, seen = "", set()
            for literal, field, _spec, _conv in string.Formatter().parse(text):
                regex += re.escape(literal)
                if field is not None:
                    regex += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
                    seen.add(field)
            out.append((re.compile(regex + r"\Z", re.DOTALL), msgid, msgstr))
    return out


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


def translate_exact(text: str, language: str) -> str:
    """A label a service translated in the process language, in ``language`` (exact match only)."""
    if language == "en":
        return _english_of().get(text, text)
    return catalog("fr").get(text, text)


def retranslate(message: str, language: str) -> str:
    """A message already translated and formatted by a service, in ``language`` instead.

    Services format their errors in the process language; a reader may use the other one.
    """
    language = pick_language(language)
    french = catalog("fr")
    english_of = _english_of()
    if message in french or message in english_of:
        msgid = message if message in french else english_of[message]
        return gettext_in(msgid, language)
    for pattern, msgid, msgstr in _patterns():
        found = pattern.match(message)
        if found:
            return _fill(msgid if language == "en" else msgstr, found.groupdict())
    return message
