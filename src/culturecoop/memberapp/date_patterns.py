"""Date formats as a venue's staff write them: « JJ/MM/AAAA HH:mm » on the form, ``%d/%m/%Y %H:%M``
in the mapping; « MM/JJ/AAAA HH:mm AM/PM » for a 12-hour clock, ``%m/%d/%Y %I:%M %p``.

The mapping keeps the directives its readers parse with; the member app shows them in letters a
spreadsheet user knows and reads those letters back (« jj/mm/aaaa hh:mm » too, the way French
office software writes them). A format with a directive the letters do not cover (« %B », a month's
name) is shown as the mapping writes it, and a typed text with a ``%`` is taken as written: nothing a
member types is lost in the translation.
"""

from __future__ import annotations

import re

# The letters shown for each directive, by language, and every spelling read back (longest first).
_SHOWN = {
    "fr": {"%Y": "AAAA", "%y": "AA", "%d": "JJ", "%m": "MM", "%H": "HH", "%M": "mm", "%S": "ss", "%I": "HH",
           "%p": "AM/PM"},
    "en": {"%Y": "YYYY", "%y": "YY", "%d": "DD", "%m": "MM", "%H": "HH", "%M": "mm", "%S": "ss", "%I": "HH",
           "%p": "AM/PM"},
}
# « AM/PM » makes the hours of its format a 12-hour clock's, as in a spreadsheet's « h:mm AM/PM ».
_READ = (("AM/PM", "%p"), ("AAAA", "%Y"), ("YYYY", "%Y"), ("AA", "%y"), ("YY", "%y"), ("JJ", "%d"), ("DD", "%d"),
         ("HH", "%H"), ("SS", "%S"), ("MM", "%m"))
_DIRECTIVE = re.compile(r"%.")


def shown(formats: list[str], language: str) -> str:
    """``formats`` as the form shows them, separated by « ; »."""
    return " ; ".join(_shown_one(f, language) for f in formats)


def _shown_one(fmt: str, language: str) -> str:
    letters = _SHOWN.get(language, _SHOWN["en"])
    if any(d not in letters for d in _DIRECTIVE.findall(fmt)):
        return fmt
    text = _DIRECTIVE.sub(lambda found: letters[found.group(0)], fmt)
    # Letters in the format's own text (« %Hh%M ») could read as a field: then as the mapping writes it.
    return text if read_one(text) == fmt else fmt


def read(text: str) -> list[str]:
    """The formats typed in the form (« ; » between them), as the mapping writes them."""
    return [read_one(part.strip()) for part in text.split(";") if part.strip()]


def read_one(text: str) -> str:
    """One typed format as a directive string: « JJ/MM/AAAA HH:mm » → ``%d/%m/%Y %H:%M``. Letters
    are read whatever their case, except that « MM » or « mm » after the hours are the minutes (as in
    « hh:mm »), and the month elsewhere (« jj/mm/aaaa »). A text with a ``%`` is already directives."""
    if "%" in text:
        return text
    out: list[str] = []
    last = ""
    at = 0
    while at < len(text):
        upper = text[at:at + 5].upper()
        for letters, directive in _READ:
            if upper.startswith(letters):
                if directive == "%m" and last == "%H":
                    directive = "%M"
                elif letters == "SS" and last not in ("%M", "%H"):
                    continue  # « ss » is seconds only after the minutes
                out.append(directive)
                last = directive
                at += len(letters)
                break
        else:
            out.append(text[at])
            at += 1
    return "".join("%I" if part == "%H" and "%p" in out else part for part in out)
