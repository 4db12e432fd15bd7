"""A choice given on the command line by its name as a person says it: `--segment habitués`,
`--kind "club de jazz"`, `--role "analyste du membre"` read as the codes regulars, jazz_club,
member_analyst. The code itself is still read; anything else is left to the command's own refusal."""

from __future__ import annotations

import re
from collections.abc import Mapping

from culturecoop.folding import fold
from culturecoop.i18n import LANGUAGES, gettext_in


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def read_code(given: str | None, names: Mapping[str, str]) -> str | None:
    """The code of ``names`` (code → English message id of its name) that ``given`` names, by the
    code or by its name in French or English, whatever its accents, case and separators;
    ``given`` as it is when it names none."""
    if given is None:
        return None
    said = _words(given)
    for code, name in names.items():
        if said in {_words(code), *(_words(gettext_in(name, language)) for language in LANGUAGES)}:
            return code
    return given
