"""Text cells that a spreadsheet shows and never runs.

A CSV opened in Excel or LibreOffice turns a cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) into a formula: an event title that another member
wrote as ``=HYPERLINK("http://…")`` would become a live link, or worse, in the sheet of a
member who downloads a report. Every CSV we write passes its text cells through
``spreadsheet_text``, which puts an apostrophe in front of such a cell (the spreadsheets'
own convention for "this is text"), as OWASP recommends; also when the sign comes after blanks
(``"  =HYPERLINK(…)"``, a no-break space, a line break), which some spreadsheets skip. Numbers are
written as numbers and never pass here; ``spreadsheet_column`` does the same to a whole Arrow column.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Blanks a spreadsheet may skip before a formula's sign, as characters of a class (ASCII and Unicode spaces).
_BLANKS = " \t\r\n\x0b\x0c\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# A tab or a line break first, or a formula's sign after any blanks: read alike by Python and by RE2 (Arrow).
_FORMULA = f"^(?:[\t\r\n]|[{_BLANKS}]*[=+\\-@])"
_FORMULA_START = re.compile(_FORMULA)


def spreadsheet_text(value: str) -> str:
    """``value`` unchanged, or with a leading apostrophe when a spreadsheet would run it."""
    return "'" + value if _FORMULA_START.match(value) else value


# Below this many values a column is guarded in Python: compiling the pattern's Unicode class in
# Arrow costs about a tenth of a second a column, more than a rejects file's few hundred lines.
_ARROW_FROM = 50_000


def spreadsheet_column(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``spreadsheet_text`` of every value of a text column (NULL stays NULL), in Arrow's C++."""
    if len(values) < _ARROW_FROM:
        # The mask built from its bits: ``pa.array`` of a list would make pyarrow import pandas.
        flags = np.fromiter((v is not None and _FORMULA_START.match(v) is not None for v in values.to_pylist()),
                            dtype=bool, count=len(values))
        if not flags.any():
            return values
        run = pa.BooleanArray.from_buffers(pa.bool_(), len(flags), [None, pa.py_buffer(np.packbits(flags, bitorder="little"))])
    else:
        run = pc.match_substring_regex(values, _FORMULA)
    return pc.if_else(run, pc.binary_join_element_wise("'", values, ""), values)


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell: text made safe by ``spreadsheet_text``, anything else (numbers, None) as is."""
    return spreadsheet_text(value) if isinstance(value, str) else value
