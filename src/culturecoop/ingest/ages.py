"""A buyer's age as an export writes it (« 34 », « 34 ans », « 25-34 », « 18 à 24 ans », « 65+ »,
« moins de 18 ans »): read as a whole number of years, for the patron's birth band only.

An age never becomes a birth date (nor its Bloom encoding: linkage compares real birth dates, and
one made up from an age would make false matches and miss true ones). The band is the five-year band
of the year of purchase less the age, so it may be one band off when the birthday falls near a band's
edge. A range gives its middle age (« 25-34 » → 29); an open range its bound (« 65+ » → 65,
« moins de 18 ans » → 17). Anything else, or an age above ``OLDEST``, is no age.
"""

from __future__ import annotations

import re

from culturecoop.folding import fold

OLDEST = 120
# A number of years, and the words an age may carry after it (« ans », "years old", "Jahre", « años »
# with its accent stripped).
_N = r"([0-9]{1,3})"
_YEARS = r"(?:\s*(?:ans?|years?(?:\s+old)?|yrs?|y\.?o\.?|jahre|anos|anni|jaar))?"
_SINGLE = rf"{_N}(?:[.,]0+)?{_YEARS}"
_RANGE = (rf"(?:de|from|between|entre|von|tra|da)?\s*{_N}{_YEARS}\s*(?:-|–|—|a|to|and|et|bis|y|e|/|~|tot)\s*"
          rf"{_N}{_YEARS}")
_AND_OVER = (rf"{_N}{_YEARS}\s*(?:\+|et\s+plus|and\s+(?:over|older|above|up)|or\s+(?:older|more|over)|ou\s+plus|"
             rf"y\s+mas|und\s+(?:alter|mehr|uber)|e\s+piu|plus)")
_OVER = rf"(?:plus\s+de|over|more\s+than|older\s+than|above|\+\s*de|\+|>\s*=?|mas\s+de|uber|ab|oltre)\s*{_N}{_YEARS}"
_UNDER = rf"(?:moins\s+de|under|less\s+than|younger\s+than|below|<|-\s*de|menos\s+de|unter|sotto)\s*{_N}{_YEARS}"
_AND_UNDER = rf"{_N}{_YEARS}\s*(?:and\s+(?:under|younger|below)|or\s+(?:younger|less|under)|ou\s+moins|et\s+moins)"


def age_sql(column: str) -> str:
    """SQL: the whole age in years that the text ``column`` writes (INTEGER, from 0 to ``OLDEST``), or NULL."""
    f = "f"
    one = f"CAST(regexp_extract({f}, '^{_SINGLE}$', 1) AS INTEGER)"
    low, high = (f"CAST(regexp_extract({f}, '^{_RANGE}$', {g}) AS INTEGER)" for g in (1, 2))
    over = f"CAST(regexp_extract({f}, '^{_AND_OVER}$', 1) AS INTEGER)"
    over_word = f"CAST(regexp_extract({f}, '^{_OVER}$', 1) AS INTEGER)"
    under = f"CAST(regexp_extract({f}, '^{_UNDER}$', 1) AS INTEGER) - 1"
    and_under = f"CAST(regexp_extract({f}, '^{_AND_UNDER}$', 1) AS INTEGER)"
    read = f"""CASE WHEN regexp_full_match({f}, '{_SINGLE}') THEN {one}
                    WHEN regexp_full_match({f}, '{_RANGE}') THEN
                         CASE WHEN {low} <= {high} AND {high} <= {OLDEST} THEN ({low} + {high}) // 2 END
                    WHEN regexp_full_match({f}, '{_AND_OVER}') THEN {over}
                    WHEN regexp_full_match({f}, '{_OVER}') THEN {over_word}
                    WHEN regexp_full_match({f}, '{_UNDER}') THEN {under}
                    WHEN regexp_full_match({f}, '{_AND_UNDER}') THEN {and_under} END"""
    return (f"list_transform([lower(strip_accents(trim({column})))], lambda {f}: list_transform([{read}], "
            f"lambda a: CASE WHEN a BETWEEN 0 AND {OLDEST} THEN a END)[1])[1]")


_AGE = re.compile("|".join(f"(?:{p})" for p in (_SINGLE, _RANGE, _AND_OVER, _OVER, _UNDER, _AND_UNDER)))


def looks_like_age(value: str) -> bool:
    """Whether ``value`` reads as an age or a range of ages of a buyer (10 to 99 for a single number:
    smaller or larger numbers are seats, codes or years as often)."""
    folded = fold(value.strip())
    single = re.fullmatch(_SINGLE, folded)
    if single is not None:
        return 10 <= int(single.group(1)) <= 99
    return _AGE.fullmatch(folded) is not None and any(ch.isdigit() for ch in folded)
