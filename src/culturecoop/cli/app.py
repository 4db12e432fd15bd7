"""The Typer application and the pieces every command shares: console, errors, JSON output."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import typer
from rich.console import Console

from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.files import os_reason
from culturecoop.i18n import LANGUAGES, _, plural, set_language

app = typer.Typer(
    name="culturecoop",
    help="culturecoop: an open-source data cooperative for cultural organizations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
# What a command produces for a person to read (a report's tables): standard output, so that
# `culturecoop report overview ... > rapport.txt` keeps it; messages and progress stay on ``console``.
report_out = Console()


def _wrap_at_breakable_spaces_only() -> None:
    """Rich wraps a line at any Unicode space, the no-break ones included, so a French « 59 % »,
    « 12 345 » or « 4,4 fois » was cut at the terminal's edge, « % » alone at the start of the next
    line. Its words are split at the breakable spaces only (ASCII ones, as ``textwrap`` does)."""
    import rich._wrap

    if hasattr(rich._wrap, "re_word"):
        rich._wrap.re_word = re.compile(r"[ \t\n\r\f\v]*[^ \t\n\r\f\v]+[ \t\n\r\f\v]*")


_wrap_at_breakable_spaces_only()

# A number as printed (either language's separators, a sign, a percent): right-aligned in tables.
# A figure: a number with its sign, and a unit (%, pts, ×, a currency: 12,50 $, €12.50, CHF 45.00).
_FIGURE = re.compile(r"(?:[$€£]|CHF\s)?[-−+]?[\d\s\u202f\u00a0.,]*\d[\d\s\u202f\u00a0.,]*(?:\s?(?:%|pts|×|[$€£]|CHF))?")
# A table cell's padding and border, in columns.
_CELL_FRAME = 3
# The least room a key column (what a row is about) keeps, in columns, when its names are longer.
_KEY_ROOM = 18


def print_table(title: str, headers: list[str], rows: list[list[str]], keys: tuple[int, ...] = (0,),
                to: Console = console) -> None:
    """Print a table whole at the terminal's width: when its columns do not all fit, it is printed
    in parts, each repeating the columns ``keys`` (what a row is about), so no figure is ever cut
    short ("0,1…") in an 80-column terminal or a log. A part keeps at least one other column."""
    from rich.table import Table

    width = [max([len(header), *(len(row[n]) for row in rows)]) + _CELL_FRAME for n, header in enumerate(headers)]
    room = to.width - 1 - sum(width[k] for k in keys)
    parts: list[list[int]] = []
    used = 0  # the last part's width
    for n in range(len(headers)):
        if n in keys:
            continue
        if parts and used + width[n] <= room:
            parts[-1].append(n)
            used += width[n]
        else:
            parts.append([n])
            used = width[n]
    for number, part in enumerate(parts or [[]]):
        caption = title if len(parts) <= 1 else f"{title} ({number + 1}/{len(parts)})"
        table = Table(title=caption, title_justify="left")
        columns = [*keys, *part] if headers else []
        for n in columns:
            figures = [row[n] for row in rows if row[n] not in ("", "–") and not row[n].startswith("<")]
            right = bool(figures) and all(_FIGURE.fullmatch(cell) for cell in figures)
            # Figures never wrap (never cut to "0,1…"); text wraps on words; what a row is about keeps
            # room for its name (up to ``_KEY_ROOM`` columns) however long the text beside it.
            table.add_column(headers[n], ratio=1 if n in keys else None, no_wrap=right,
                             min_width=min(width[n] - _CELL_FRAME, _KEY_ROOM) if n in keys else None,
                             justify="right" if right else "left")
        for row in rows:
            table.add_row(*[row[n] for n in columns])
        to.print(table)


@app.callback()
def _global(
    lang: str = typer.Option(
        None, "--lang", help="Language of messages: fr or en (default: from CULTURECOOP_LANG or LANG)."
    ),
) -> None:
    if lang is not None and lang.strip().lower() not in LANGUAGES:
        raise UserError(_("--lang {lang} is not a language culturecoop speaks; use --lang fr or --lang en.").format(lang=lang))
    set_language(lang.strip().lower() if lang else None)


def figure(value: float, digits: int = 0) -> str:
    """A number in the reader's language: 12 345,6 in French, 12,345.6 in English."""
    from culturecoop.analytics.wording import number
    from culturecoop.i18n import current_language

    return number(value, current_language(), digits)


def counted(n: int, one: str, other: str) -> str:
    """The sentence about ``n`` things (``one`` and ``other``: English message ids, see
    ``culturecoop.i18n.plural``) in the reader's language, its ``{n}`` written as the reader writes
    numbers: neither « 1 lignes » nor « 0 lignes »; other fields are left to ``.format``."""
    return plural(n, one, other).replace("{n}", figure(n))


def plural_of(value: float, digits: int, one: str, other: str) -> str:
    """The sentence about a figure written with ``digits`` decimals, in the form it takes, not yet
    formatted: French takes the singular below 2 (« +0,5 point », « 1 point »), English for a figure
    written 1 only ("1 point", "0.5 points", "1.0 points"); as the web's ``Translator.plural_of``."""
    from culturecoop.i18n import current_language

    written = abs(round(float(value), digits))
    form = min(2, int(written)) if current_language() == "fr" else (2 if digits or written != 1 else 1)
    return plural(form, one, other)


def gated(shown: str) -> str:
    """A count as the privacy gate released it, in the reader's language: the number, or the gate's
    "< k" with its k written as every figure (« < 1 500 », never « < 1500 »)."""
    below = re.fullmatch(r"<\s*(\d+)", shown.strip())
    if below:
        return "< " + figure(int(below.group(1)))
    return figure(int(shown)) if shown.isdigit() else shown


def emit_json(payload: Any) -> None:
    """Write one JSON document to standard output (machine-readable summaries)."""
    try:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader stopped reading (`| head`): not an error to report
    except OSError as exc:
        raise UserError(
            _("The JSON summary could not be written to standard output ({reason}); check where the output goes "
              "(a full disk, a closed file).").format(reason=os_reason(exc)),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
