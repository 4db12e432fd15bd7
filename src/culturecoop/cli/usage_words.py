"""Typer's and click's usage errors in the reader's language.

Typer builds its usage errors (a missing argument, an unknown option, a value that is not a
number) in English with f-strings, so they cannot be translated before they are written. They are
read back instead: each sentence Typer writes is a message id below, its varying parts as named
fields, and ``culturecoop.i18n.retranslate`` matches the English sentence and fills the French
one. A sentence we do not know stays as Typer wrote it.
"""

from __future__ import annotations

import re

from culturecoop.i18n import current_language, either, gettext_in, retranslate


def _(message: str) -> str:
    """Mark a library's sentence for the catalog (``cli.po``); read back by ``in_reader_words``."""
    return message


# What Typer (0.29) writes: typer/_click/exceptions.py, core.py, parser.py; typer/_param_types.py
# and _coercion.py; the value errors come from Pydantic's type adapters.
LIBRARY_MESSAGES = (
    _("Missing argument {name}."),
    _("Missing option {name}."),
    _("Missing parameter: {name}"),
    _("No such command {name}."),
    _("No such command {name}. Did you mean {close}?"),  # typer/core.py, its suggest_commands
    _("No such option: {name}"),
    _("No such option: {name} (Possible options: {options})"),
    _("Option {name} requires an argument."),
    _("Option {name} requires {count} arguments."),
    _("Got unexpected extra argument ({arguments})"),
    _("Got unexpected extra argument(s) ({arguments})"),
    _("Invalid value for {name}: {problem}"),
    _("Invalid value: {problem}"),
    _("Input should be a valid integer, unable to parse string as an integer"),
    _("Input should be a valid integer, got a number with a fractional part"),
    _("Input should be a valid number, unable to parse string as a number"),
    _("Input should be a valid boolean, unable to interpret input"),
    _("{value} is not one of {choices}."),
    _("Value {value} is not a valid {kind}."),
    _("File {name} does not exist."),
    _("Directory {name} does not exist."),
    _("Path {name} does not exist."),
    _("File {name} is a directory."),
    _("Path {name} is a directory."),
    _("Directory {name} is a file."),
    _("Path {name} is a file."),
)

# Each argument as a French reader names it, on its usage line and in « Il manque l’argument
# 'FICHIER' » (English keeps the names the commands declare: file, name…).
ARGUMENT_WORDS = {
    "file": _("FILE"), "name": _("REPORT"), "campaign": _("CAMPAIGN"), "email": _("EMAIL"),
    "request_file": _("REQUEST_FILE"), "packages": _("PACKAGES"), "recommendations": _("LIST"),
    "export": _("EXPORT"), "audience": _("AUDIENCE"),
}

_INVALID = re.compile(r"Invalid value for (.+?): (.+)\Z", re.DOTALL)


# Typer's suggestions for a command name misspelt: "Did you mean 'report', 'prepare', 'reco'?"
_CLOSE = re.compile(r"Did you mean ('[^']*'(?:, '[^']*')+)\?\Z")


def in_reader_words(problem: str) -> str:
    """A usage error Typer wrote in English, in the reader's language (French or English)."""
    close = _CLOSE.search(problem)
    if close:
        # Said as choices, the last after "or" (« 'report', 'prepare' ou 'reco' ? »), in either language.
        listed = close.group(1)
        return _in_reader_words(problem).replace(listed, either(re.findall(r"'[^']*'", listed)))
    return _in_reader_words(problem)


def _in_reader_words(problem: str) -> str:
    language = current_language()
    if language == "en":
        return problem
    invalid = _INVALID.match(problem)
    if invalid:
        # The value's own problem is a sentence of its own ("Input should be a valid integer…").
        return gettext_in("Invalid value for {name}: {problem}", language).format(
            name=invalid.group(1), problem=retranslate(invalid.group(2), language))
    return retranslate(problem, language)
