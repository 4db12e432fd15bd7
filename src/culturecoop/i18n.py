"""French and English for everything a user reads.

Message ids are the English text; French lives in ``locale/fr/LC_MESSAGES/*.po`` (one catalog
per area of the code, merged at load time).
The language comes from ``set_language`` (the CLI's ``--lang``), else ``CULTURECOOP_LANG``,
else the POSIX locale variables; anything that is not French is English.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
_CATALOG_DIR = Path(__file__).parent / "locale"
_current: str | None = None


def set_language(language: str | None) -> None:
    global _current
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


def gettext_in(message: str, language: str) -> str:
    return message if language == "en" else catalog(language).get(message, message)
