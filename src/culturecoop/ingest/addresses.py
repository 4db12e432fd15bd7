"""What a street address looks like in a text, for the privacy guard (``ingest.guard``) and the
own-buyer counts (``split.own_buyer_lines``): a house number followed by a street word, French
(« 12 rue des Lilas », « 1234, boul. Saint-Laurent, app. 5 ») or English, where the street word
follows the street's name (« 221B Baker Street », « 5 Abbey Road »).

One RE2 pattern (DuckDB's ``regexp_matches``), case-insensitive. A number glued to letters
(« 42nd Street ») or followed by no street word (« 8 1/2 », « 2001, l'odyssée de l'espace ») is no
address.
"""

from __future__ import annotations

# A French street word comes right after the number; an English one after one to four words.
_FRENCH = ("rue|avenue|av|boulevard|boul|bd|blvd|chemin|ch|all[ée]e|impasse|imp|place|pl|quai|route|rte|rang|"
           "cours|mont[ée]e|c[ôo]te|square|voie|passage|promenade|sentier|esplanade|faubourg|fbg|rond-point")
_ENGLISH = ("street|st|road|rd|lane|ln|avenue|ave|drive|dr|boulevard|blvd|court|ct|crescent|cres|place|pl|way|"
            "terrace|close|parkway|pkwy|highway|hwy|square|sq|circle|cir|trail|mews|gardens|grove")
# The number stands alone (not the end of another number or word), with an optional letter or
# bis / ter (« 221B », « 12 bis »), then an optional comma.
STREET_ADDRESS = (
    "(?i)(?:^|[^0-9\\pL])[0-9]{1,5}(?:\\s?(?:bis|ter|[a-z]))?,?\\s+"
    f"(?:(?:{_FRENCH})\\.?(?:[\\s,]|$)|(?:[^\\s,0-9]+\\s+){{1,4}}(?:{_ENGLISH})\\.?(?:[\\s,]|$))"
)
