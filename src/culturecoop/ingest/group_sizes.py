"""A group's size written in what was sold (« Groupe scolaire 25 pers. », « Classe de CM2 (28 élèves) »,
"Group of 10"): the seats of a booking whose export has no column of seats.

The number is read where words say people follow it (« 25 pers. », « 28 élèves », "12 people") or where a
group is « de » / "of" it (« Groupe de 15 », "Group of 10"); a text that writes two such numbers (« 20 élèves
+ 3 accompagnateurs ») is no single size, and a row with none is one seat. The same expressions are read by
the draft (Python's ``re``) and by ``prepare`` (DuckDB's RE2), on text folded the same way (lower case, no
accents): no look-behind, ``\\b`` only where both read it alike.
"""

from __future__ import annotations

import re

from culturecoop.folding import fold

# A number followed by words that say people.
_PEOPLE = (r"(?:^|[^0-9/.,])([0-9]{1,3})\s*(?:pers\b|personnes?\b|eleves?\b|enfants?\b|participants?\b|places\b|"
           r"pax\b|people\b|persons\b|guests\b|students\b|pupils\b|kids\b|children\b|adults\b|adultes\b|"
           r"accompagnateurs?\b|accompagnants?\b|chaperones\b)")
# A group « de » / "of" a number.
_GROUP_OF = r"\b(?:groupes?|groups?|classes?)\s+(?:de|of)\s+([0-9]{1,3})\b"
# A limit is no booking's size (« Atelier 10 enfants max », "up to 12 people").
_LIMIT = r"\b(?:max|maxi|maximum|min|minimum|jusqu|up to|limit|limite|capacity|capacite|jauge)\b"
# A card or pass of so many entries is no group: « Carte 10 places » at a cinema is one entry paid with a
# ten-entry card, « Abonnement 5 places » one seat of a subscription.
_CARD = r"\b(?:cartes?|carnets?|abonnements?|abo|pass|forfaits?|cards?|punch|subscriptions?)\b"
_NOT_A_GROUP = f"{_LIMIT}|{_CARD}"
# The least and the most seats read as a group's.
SMALLEST, LARGEST = 2, 999


def group_size(text: str) -> int | None:
    """The seats a group's text writes, or None (no group, or not one number of people)."""
    folded = fold(text)
    if re.search(_NOT_A_GROUP, folded):
        return None
    found = re.findall(_PEOPLE, folded) or re.findall(_GROUP_OF, folded)
    if len(found) != 1:
        return None
    seats = int(found[0])
    return seats if SMALLEST <= seats <= LARGEST else None


def group_size_sql(cell: str) -> str:
    """SQL text: the seats ``cell`` writes as a group's (``group_size``), else « 1 » (a seat), as text read as a
    quantity is read."""
    folded = f"lower(strip_accents(coalesce({cell}, '')))"
    return (f"list_transform([list_transform([{folded}], lambda f: CASE WHEN regexp_matches(f, '{_NOT_A_GROUP}') THEN NULL "
            f"WHEN len(regexp_extract_all(f, '{_PEOPLE}', 1)) = 1 THEN regexp_extract(f, '{_PEOPLE}', 1) "
            f"WHEN len(regexp_extract_all(f, '{_PEOPLE}', 1)) = 0 AND len(regexp_extract_all(f, '{_GROUP_OF}', 1)) = 1 "
            f"THEN regexp_extract(f, '{_GROUP_OF}', 1) END)[1]], lambda n: CASE "
            f"WHEN TRY_CAST(n AS INTEGER) BETWEEN {SMALLEST} AND {LARGEST} THEN CAST(CAST(n AS INTEGER) AS VARCHAR) "
            f"ELSE '1' END)[1]")
