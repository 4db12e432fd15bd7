"""Text cells that a spreadsheet shows and never runs.

A CSV opened in Excel or LibreOffice turns a cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) into a formula: an event title that another member
wrote as ``=HYPERLINK("http://…")`` would become a live link, or worse, in the sheet of a
member who downloads a report. Every CSV we write passes its text cells through
``spreadsheet_text``, which puts an apostrophe in front of such a cell (the spreadsheets'
own convention for "this is text"), as OWASP recommends. Numbers are written as numbers and
never pass here.
"""

from __future__ import annotations

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_text(value: str) -> str:
    """``value`` unchanged, or with a leading apostrophe when a spreadsheet would run it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell: text made safe by ``spreadsheet_text``, anything else (numbers, None) as is."""
    return spreadsheet_text(value) if isinstance(value, str) else value
