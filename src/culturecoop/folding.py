"""Text folded for matching: what a person types and what is stored compare alike, whatever their
accents and case (« Théâtre des Lilas », « THEATRE des lilas »).

The one place the product folds accents in Python; every layer imports it (it imports nothing of
the project). SQL folds with the ``cc_fold`` macro (``ingest.normalize``), which spells out the
same letters.
"""

from __future__ import annotations

import unicodedata

# Letters that carry no accent Unicode can take off (NFKD leaves them whole), spelled out as
# ``cc_fold`` does: « Œuvre » → Oeuvre, « Søren » → Soren, « Łódź » → Lodz, « Straße » → Strasse.
_SPELLED = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
                          "đ": "d", "Đ": "D", "ß": "ss"})


def strip_accents(text: str) -> str:
    """``text`` without its accents, case kept: « Côté » → Cote, « Sœur » → Soeur."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` in lower case without accents, as words are matched: « Théâtre » → theatre."""
    return strip_accents(text.casefold())
