"""Which quote character an export's cells are written between: the standard « " », or « ' » (« 'No
billet';'Prix' », « 'Soirée, Coltrane' »: some tills and hand-made scripts write them so).

Read with « " », such a file keeps the quotes in every name (the draft finds nearly no column) and a
value holding the separator splits in two; ``sniff`` asks ``single_quoted`` and reads it with « ' ».
"""

from __future__ import annotations

from collections.abc import Sequence

SINGLE = "'"


def between(cells: Sequence[str | None], quote: str = SINGLE) -> bool:
    """Whether most filled ``cells`` (half of them at least, two at least) are written between ``quote``."""
    filled = [c.strip() for c in cells if c and c.strip()]
    return len(filled) >= 2 and sum(len(c) >= 2 and c[0] == c[-1] == quote for c in filled) >= 0.5 * len(filled)


def single_quoted(header: Sequence[str], rows: Sequence[Sequence[str | None]]) -> bool:
    """Whether an export whose ``header`` and first ``rows`` were split with « " » writes its names and
    its values between « ' » (each value split at a separator it holds keeps one of its quotes). Names
    alone between « ' » over values written bare (« L'Olympia, hiver ») are not: read with « ' », an
    apostrophe in a value would open a quote and every such row break."""
    if not between(header):
        return False
    # A value holding the separator (« 'Soirée, Coltrane' ») was split in two: each part keeps one quote.
    cells = [c.strip() for row in rows[:20] for c in row if c and c.strip()]
    return len(cells) >= 2 and sum(c[0] == SINGLE or c[-1] == SINGLE for c in cells) >= 0.5 * len(cells)
