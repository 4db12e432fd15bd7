"""Normalizers, as DuckDB SQL macros so that a million rows never cross into Python.

``install_normalizers(con)`` defines the macros below on a connection; ``prepare`` calls them
inside its queries and the tests call them one value at a time through the same connection
(``normalize_value``), so what is tested is what runs.

Every macro maps NULL to NULL and is idempotent on its own output.

* ``cc_trim(x)``: trims spaces including no-break and thin spaces; empty becomes NULL.
* ``cc_key(x)``: accent-free lower-case label, to look vendor labels up (``Remboursé`` → ``rembourse``).
* ``cc_fold(x)``: what encodings see of a name: accents folded, lower-case ASCII, apostrophes
  dropped, any other punctuation or hyphen a space, spaces collapsed (``Lœuf-O'Neil`` → ``loeuf oneil``).
* ``cc_name(x)``: Unicode NFC, trimmed, inner spaces collapsed (display form of a name or title).
* ``cc_email(x)``: trimmed, lower-case; NULL unless it looks like ``local@domain.tld``.
* ``cc_phone(x)``: E.164 (``+15145550199``) from North-American or ``+``/``00``/``011``
  international numbers, extensions dropped; NULL when it cannot be one.
* ``cc_postcode(x)``: a Canadian postal code upper-case without space (``H2X1Y4``), else NULL.
* ``cc_fsa(x)``: the forward sortation area (first 3 characters) of a valid postal code or of a
  valid FSA given alone, else NULL.
* ``cc_amount(x, decimal)``: an amount as DECIMAL(18,4) from ``12,50 $``, ``CAD 45.00``,
  ``1 234,50``; NULL when no number can be read. ``cc_amount_currency(x)``: the ISO code or
  symbol written inside the amount, if any.
* ``cc_quantity(x)``: a whole number of admissions between 1 and 10000, else NULL;
  ``cc_row_quantity(x)`` the same of ``x`` without a leading minus (a refund's), fast on digits.
* ``cc_birth_band(d)``: the five-year band of a date (``1980-1984``).
"""

from __future__ import annotations

from typing import Any

import duckdb

from culturecoop.ingest import countries
from culturecoop.ingest.dates import DATE_MACROS
from culturecoop.ingest.shapes import (
    AMOUNT_WORDS,
    COUNT_OF_ITEM_SQL,
    COUNTED_SQL,
    CURRENCY_WORDS,
    NUMBER_IN_TEXT,
)
from culturecoop.ingest.vocabulary import FREE_WORDS, PLACEHOLDER_WORDS

# Spaces that vendors' exports carry: ordinary, no-break, narrow no-break, BOM, tabs.
_SPACE = r"[\s\x{00A0}\x{202F}\x{2009}\x{FEFF}]"

FREE_LIST = "[" + ", ".join(f"'{w}'" for w in FREE_WORDS) + "]"
AMOUNT_WORDS_LIST = "[" + ", ".join(f"'{w}'" for w in AMOUNT_WORDS) + "]"
CURRENCY_WORDS_LIST = "[" + ", ".join(f"'{w}'" for w in CURRENCY_WORDS) + "]"
_NUMBER_IN_TEXT_SQL = NUMBER_IN_TEXT.replace("\\u00a0", "\\x{00A0}").replace("\\u202f", "\\x{202F}").replace("'", "''")
# A placeholder word, a number of zeros or -1, or signs alone, as one pattern (SQL-quoted) over
# the value folded to lower case without accents.
PLACEHOLDER_PATTERN = ("|".join(w.replace(".", "\\.") for w in PLACEHOLDER_WORDS).replace("'", "''")
                       + "|0+|-0*1|[-–—?.*_/#\\s]+|x+")


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _exit_codes() -> str:
    """``cc_phone_e164``'s branches for the international prefixes other than 00 (011, 0011, 010)."""
    exits: dict[str, list[str]] = {}
    for rule in countries.RULES:
        if rule.exit_code:
            exits.setdefault(rule.exit_code, []).append(rule.code)
    return "\n".join(
        f"             WHEN country IN ({', '.join(map(_literal, codes))}) AND "
        f"regexp_full_match(d, '{code}[1-9][0-9]{{7,14}}') THEN '+' || d[{len(code) + 1}:]"
        for code, codes in exits.items())


def _national_numbers() -> str:
    """``cc_phone_e164``'s branches for the numbers written at home, from ``countries.RULES``."""
    return "\n".join(
        f"             WHEN country = {_literal(rule.code)} AND regexp_full_match(d, {_literal(pattern)}) "
        f"THEN '+{rule.calling}' || regexp_replace(d, {_literal('^(?:' + pattern + ')$')}, {_literal(rewrite)})"
        for rule in countries.RULES for pattern, rewrite in rule.national)


def _postcode_of(rule: countries.CountryRule) -> str:
    """The SQL of a postal code of ``rule``'s country read from ``x``, compact, else NULL."""
    code = (f"regexp_replace(regexp_extract(upper(cc_trim(x)), {_literal(countries.postcode_pattern(rule))}, 1), "
            "'[^0-9A-Z]', '', 'g')")
    if rule.canonical is not None:
        pattern, rewrite = rule.canonical
        code = f"regexp_replace({code}, {_literal('^(?:' + pattern + ')$')}, {_literal(rewrite)})"
    return f"nullif({code}, '')"


def _postcodes() -> str:
    """``cc_postcode_in``'s branches for the countries ``countries.RULES`` gives a postal code pattern."""
    return "\n".join(f"             WHEN country = {_literal(rule.code)} THEN {_postcode_of(rule)}"
                     for rule in countries.RULES if rule.postcode is not None)


def _areas() -> str:
    """``cc_area_in``'s branches for the same countries: the code's first ``area`` characters."""
    return "\n".join(
        f"             WHEN country = {_literal(rule.code)} THEN '{rule.code}-' || {_postcode_of(rule)}[1:{rule.area}]"
        for rule in countries.RULES if rule.postcode is not None)


MACROS: tuple[str, ...] = (
    # trim() with a character set, not a regex: it runs on every field of every row. It is
    # still ten times dearer than a plain trim, so a value that starts and ends with a
    # printable ASCII character (none of the set: nothing to trim) is returned as it is.
    """CREATE OR REPLACE MACRO cc_trim(x) AS
        CASE WHEN ascii(x) BETWEEN 33 AND 126 AND ascii(right(x, 1)) BETWEEN 33 AND 126 THEN x
             ELSE nullif(trim(x, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160)
                                 || chr(8239) || chr(8201) || chr(65279)), '') END""",
    """CREATE OR REPLACE MACRO cc_key(x) AS
        nullif(strip_accents(lower(nfc_normalize(cc_trim(x)))), '')""",
    # strip_accents leaves ligatures and a few letters alone: spell them out first.
    """CREATE OR REPLACE MACRO cc_fold(x) AS
        nullif(trim(regexp_replace(regexp_replace(strip_accents(
            replace(replace(replace(replace(replace(replace(lower(nfc_normalize(x)),
                'œ', 'oe'), 'æ', 'ae'), 'ß', 'ss'), 'ø', 'o'), 'ł', 'l'), 'đ', 'd')),
            '[''’`ʼ]', '', 'g'), '[^a-z0-9]+', ' ', 'g')), '')""",
    f"""CREATE OR REPLACE MACRO cc_name(x) AS
        cc_trim(regexp_replace(nfc_normalize(x), '{_SPACE}+', ' ', 'g'))""",
    # The address as vendors write it around: "Marie <marie@x.ca>", "mailto:marie@x.ca", quoted,
    # a trailing dot, or the first of several ("a@x.ca; b@y.ca").
    """CREATE OR REPLACE MACRO cc_email_text(x) AS
        lower(regexp_replace(
            CASE WHEN regexp_matches(x, '<[^<>]*@[^<>]*>') THEN regexp_extract(x, '<([^<>]*@[^<>]*)>', 1)
                 ELSE regexp_extract(x, '^[^,;]*') END,
            '^[\\s"''‘’“”]*((?i)mailto:)?[\\s"''‘’“”]*|[\\s"''‘’“”.]*$', '', 'g'))""",
    """CREATE OR REPLACE MACRO cc_email(x) AS
        CASE WHEN regexp_full_match(cc_email_text(cc_trim(x)), '[^@\\s]+@[^@\\s]+\\.[^@\\s.]+')
             THEN cc_email_text(cc_trim(x)) END""",
    # Digits with an optional leading +; "ext. 12", "poste 12", "x12" and "#12" dropped, and the
    # trunk zero written "(0)" after a country code (+33 (0)6 ...) too.
    """CREATE OR REPLACE MACRO cc_phone_digits(x) AS
        regexp_replace(
            regexp_replace(regexp_replace(x, '\\(0\\)', ''),
                           '(?i)[\\s,;]*(ext\\.?|extension|poste|p\\.|x|#)\\s*[0-9]+\\s*$', ''),
            '[^0-9+]', '', 'g')""",
    # International forms first (+, 00, a country's own exit code: 011, 0011), then the national
    # numbers of ``country`` (``countries.RULES``).
    """CREATE OR REPLACE MACRO cc_phone_e164(d, country) AS
        CASE WHEN regexp_full_match(d, '\\+1[2-9][0-9]{2}[2-9][0-9]{6}') THEN d
             WHEN regexp_full_match(d, '\\+[2-9][0-9]{7,14}') THEN d
""" + _exit_codes() + """
             WHEN regexp_full_match(d, '00[1-9][0-9]{7,14}') THEN '+' || d[3:]
""" + _national_numbers() + """
        END""",
    "CREATE OR REPLACE MACRO cc_phone_in(x, country) AS cc_phone_e164(cc_phone_digits(x), country)",
    "CREATE OR REPLACE MACRO cc_phone(x) AS cc_phone_in(x, 'CA')",
    """CREATE OR REPLACE MACRO cc_postcode_text(x) AS
        upper(regexp_replace(x, '[\\s\\x{00A0}\\x{202F}-]', '', 'g'))""",
    """CREATE OR REPLACE MACRO cc_postcode(x) AS
        CASE WHEN regexp_full_match(cc_postcode_text(x),
                 '[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][0-9][ABCEGHJ-NPRSTV-Z][0-9]')
             THEN cc_postcode_text(x) END""",
    """CREATE OR REPLACE MACRO cc_fsa(x) AS
        CASE WHEN regexp_full_match(cc_postcode_text(x), '[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]')
             THEN cc_postcode_text(x)
             ELSE cc_postcode(x)[1:3] END""",
    # Postal codes of ``country`` (a Canadian code is read wherever it appears; the countries
    # ``countries.RULES`` adds are read as its patterns say): US ZIP (its five
    # digits), French and German (five digits, "F-" or "D-" prefix allowed), Belgian, Swiss,
    # Austrian and Luxembourg ones (four digits, "B-", "CH-", "A-", "L-" allowed), British ones
    # (outward and inward code: "SW4 0AB"), Irish Eircodes ("D02 X285").
    # A Canadian code written with the town ("H2X 1Y4 Montréal", "Montréal (Québec) H2X 1Y4") is read.
    # A European postal code as forms write it: the country before it ("F-75011", "FR-69003",
    # "CH-1204") and the town after it ("75011 Paris", "1204 Genève") are no part of it.
    """CREATE OR REPLACE MACRO cc_postcode_eu(x) AS
        regexp_replace(upper(regexp_replace(regexp_replace(trim(x), '(\\d)\\s+\\p{L}[\\p{L}\\s''’.-]*$', '\\1'),
                                            '[\\s\\x{00A0}\\x{202F}-]', '', 'g')),
                       '^(FR|DE|BE|CH|AT|LU|F|D|B|A|L)', '')""",
    """CREATE OR REPLACE MACRO cc_postcode_ten(x, country) AS
        CASE WHEN cc_postcode(x) IS NOT NULL THEN cc_postcode(x)
             WHEN country = 'US' AND regexp_full_match(cc_postcode_text(x), '[0-9]{5}([0-9]{4})?')
                  THEN cc_postcode_text(x)[1:5]
             WHEN country IN ('FR', 'DE') AND regexp_full_match(cc_postcode_eu(x), '[0-9]{5}')
                  THEN cc_postcode_eu(x)
             WHEN country IN ('BE', 'CH', 'AT') AND regexp_full_match(cc_postcode_eu(x), '[1-9][0-9]{3}')
                  THEN cc_postcode_eu(x)
             WHEN country = 'LU' AND regexp_full_match(cc_postcode_eu(x), '[0-9]{4}')
                  THEN cc_postcode_eu(x)
             WHEN country = 'CA' AND regexp_matches(upper(x), '(^|[^A-Z0-9])[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?-?[0-9][ABCEGHJ-NPRSTV-Z][0-9]([^A-Z0-9]|$)')
                  THEN regexp_replace(regexp_extract(upper(x), '(^|[^A-Z0-9])([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?-?[0-9][ABCEGHJ-NPRSTV-Z][0-9])([^A-Z0-9]|$)', 2), '[ -]', '', 'g')
             -- A Canadian box office near the border sells to Americans: a ZIP code is no Canadian
             -- code (Canada has none of five digits), but it is a postal code.
             WHEN country = 'CA' AND regexp_full_match(cc_postcode_text(x), '[0-9]{5}([0-9]{4})?')
                  THEN cc_postcode_text(x)[1:5]
             WHEN country = 'GB' AND regexp_full_match(
                      cc_postcode_text(x), '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}')
                  THEN cc_postcode_text(x)
             WHEN country = 'IE' AND regexp_full_match(
                      cc_postcode_text(x), '([AC-FHKNPRTV-Y][0-9]{2}|D6W)[0-9AC-FHKNPRTV-Y]{4}')
                  THEN cc_postcode_text(x) END""",
    # The countries ``countries.RULES`` adds, each one expression: a macro called in several
    # branches is copied into each, and cc_area_in's branches calling all of them took seconds to bind.
    """CREATE OR REPLACE MACRO cc_postcode_in(x, country) AS
        CASE WHEN cc_postcode(x) IS NOT NULL THEN cc_postcode(x)
""" + _postcodes() + """
             ELSE cc_postcode_ten(x, country) END""",
    # The coarse area kept in clear: a Canadian FSA (H2X), a British outward code (GB-SW4);
    # elsewhere the country and the first digits, an area of comparable size (FR-750, US-100,
    # DE-101, BE-10, CH-12, AT-10, LU-14, and ``countries.RULES``' own: NL-10, IT-201, BR-013);
    # an Irish Eircode's routing key (IE-D02).
    """CREATE OR REPLACE MACRO cc_area_in(x, country) AS
        CASE WHEN cc_fsa(x) IS NOT NULL THEN cc_fsa(x)
             WHEN country = 'CA' AND regexp_full_match(cc_postcode_text(x), '[0-9]{5}([0-9]{4})?')
                  THEN 'US-' || cc_postcode_text(x)[1:3]
             WHEN country = 'CA' THEN cc_postcode_ten(x, country)[1:3]
             WHEN country IN ('US', 'FR', 'DE') THEN country || '-' || cc_postcode_ten(x, country)[1:3]
             WHEN country IN ('BE', 'CH', 'AT', 'LU') THEN country || '-' || cc_postcode_ten(x, country)[1:2]
             WHEN country = 'GB' THEN 'GB-' || cc_postcode_ten(x, country)[1:-4]
             WHEN country = 'IE' THEN 'IE-' || cc_postcode_ten(x, country)[1:3]
""" + _areas() + """
        END""",
    # Digits and separators only; when both marks appear the last one is the decimal mark
    # ("$1,250.00", "1.234,50"), repeated groups of three are thousands ("1 200 000"), a lone
    # separator before exactly three digits follows the profile's mark ("1,250" is 1250 with
    # a decimal point, 1.25 with a decimal comma), and anything else is a decimal mark ("12,50").
    """CREATE OR REPLACE MACRO cc_amount_digits(d, dec) AS
        CASE WHEN contains(d, ',') AND contains(d, '.')
             THEN CASE WHEN strpos(reverse(d), ',') < strpos(reverse(d), '.')
                       THEN replace(replace(d, '.', ''), ',', '.') ELSE replace(d, ',', '') END
             WHEN regexp_full_match(d, '[0-9]{1,3}([,.][0-9]{3}){2,}') THEN regexp_replace(d, '[,.]', '', 'g')
             WHEN regexp_full_match(d, '[0-9]{1,3}[,.][0-9]{3}')
             THEN CASE WHEN contains(d, dec) THEN replace(d, ',', '.') ELSE regexp_replace(d, '[,.]', '', 'g') END
             ELSE replace(d, ',', '.') END""",
    # A leading or trailing minus, or accounting parentheses "($89.00)", make the amount negative;
    # a dash after the decimal mark is the Swiss way of writing no cents ("CHF 25.-"), not a minus.
    # Words go with the dot that abbreviates them ("Fr. 25.-", "SFr. 45.00").
    # The digits are bound once (a lambda's parameter): written in place, the expression would be
    # copied into each of ``cc_amount_digits``' ten uses, and each copy's pattern compiled anew —
    # seconds of every check, whatever the export's size.
    """CREATE OR REPLACE MACRO cc_amount_text(x, dec) AS
        CASE WHEN regexp_matches(x, '^\\s*\\(.*[0-9].*\\)\\s*$|^[^0-9]*-|(^|[^.,])-[^0-9]*$') THEN '-' ELSE '' END
        || list_transform([regexp_replace(x, '\\p{L}+[.,]*|[^0-9,.]', '', 'g')], lambda d: cc_amount_digits(d, dec))[1]""",
    # The number a cell writes, whatever words it carries ("2 places", "capacité 350"), or NULL.
    # A formula ("=2*5") or two numbers joined by an operator ("2 x 25,00 €", "25+3") is no number:
    # read as its digits, it would be 25 or 225.
    """CREATE OR REPLACE MACRO cc_number(x, dec) AS
        CASE WHEN regexp_matches(x, '^\\s*[=@]|[0-9]\\s*[*×xX/=+]\\s*[0-9]') THEN NULL
             ELSE list_transform([cc_amount_text(x, dec)], lambda t: CASE WHEN regexp_full_match(t, '-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)')
                                                                     THEN TRY_CAST(t AS DECIMAL(18,4)) END)[1] END""",
    # A ticket given is written as a word where its price would be ("Free", "Gratuit", "Comp"),
    # or among other words with no currency ("Gratuit -12 ans", "Invitation 2 pers.": 0, not a
    # refund of 12 or a price of 2; ``shapes.given_in_words``; a doubt, "offert ?", is no price).
    # With other words than a currency's, the cell is a price with its label when it writes one
    # number and its currency ("Plein tarif (15 €)": 15), else no amount ("Tarif -12 ans",
    # "Adulte 12-17 ans : 10 €": a rejected price, not a refund of 12; ``shapes._labelled``).
    """CREATE OR REPLACE MACRO cc_amount(x, dec) AS
        CASE WHEN list_position(""" + FREE_LIST + """, lower(strip_accents(trim(x)))) > 0 THEN 0::DECIMAL(18,4)
             WHEN regexp_matches(x, '\\p{L}')
                  AND NOT list_has_all(""" + AMOUNT_WORDS_LIST + """, regexp_extract_all(upper(x), '\\p{L}+'))
             THEN CASE WHEN list_has_any(""" + FREE_LIST + """, regexp_extract_all(lower(strip_accents(x)), '\\p{L}+'))
                            AND NOT regexp_matches(x, '[€$£?]')
                            AND NOT list_has_any(""" + AMOUNT_WORDS_LIST + """, regexp_extract_all(upper(x), '\\p{L}+'))
                       THEN 0::DECIMAL(18,4)
                       WHEN NOT contains(x, '?')
                            AND (regexp_matches(x, '[€$£]')
                                 OR list_has_any(""" + CURRENCY_WORDS_LIST + """, regexp_extract_all(upper(x), '\\p{L}+')))
                            AND len(regexp_extract_all(x, '""" + _NUMBER_IN_TEXT_SQL + """')) = 1
                       THEN CASE WHEN regexp_matches(x, '-[0-9€$£]') THEN -1 ELSE 1 END
                            * abs(cc_number(regexp_extract(x, '""" + _NUMBER_IN_TEXT_SQL + """'), dec)) END
             ELSE cc_number(x, dec) END""",
    # A whole number of admissions between 1 and 10000 ("2", " 2 ", "2.0", "2 places"), else NULL:
    # several numbers or seats added in words ("3 adultes + 2 enfants", "deux + 1") are no one count.
    """CREATE OR REPLACE MACRO cc_quantity(x) AS
        list_transform([TRY_CAST(trim(x) AS DOUBLE)], lambda v:
            CASE WHEN v IS NOT NULL
                 THEN CASE WHEN v BETWEEN 1 AND 10000 AND v = round(v) THEN CAST(v AS INTEGER) END
                 WHEN regexp_matches(x, '[+&;|]') OR len(regexp_extract_all(x, '[0-9]+')) <> 1 THEN NULL
                 ELSE list_transform([cc_number(x, '.')], lambda a:
                          CASE WHEN a BETWEEN 1 AND 10000 AND a = round(a) THEN CAST(a AS INTEGER) END)[1] END)[1]""",
    # Seats counted by ticket type in one cell ("2 x Plein tarif, 1 x Tarif réduit", "3× Adulte"): their
    # sum (``shapes.COUNTED``), else NULL.
    """CREATE OR REPLACE MACRO cc_counted(x) AS
        CASE WHEN regexp_full_match(trim(x), '""" + COUNTED_SQL + """')
             THEN list_transform([list_sum(list_transform(
                      regexp_extract_all(trim(x), '""" + COUNT_OF_ITEM_SQL + """', 1),
                      lambda n: CAST(n AS INTEGER)))], lambda q: CASE WHEN q BETWEEN 1 AND 10000 THEN q END)[1] END""",
    # The quantity column of a row as ``check_rows`` reads it: a leading minus marks a refund
    # (counted apart) and is not part of the number. Plain digits, as nearly every export
    # writes them, are read directly, to the same value ``cc_quantity`` gives them at a tenth
    # of its cost; everything else takes ``cc_quantity``'s general path.
    """CREATE OR REPLACE MACRO cc_row_quantity(x) AS
        CASE WHEN regexp_full_match(x, '[0-9]{1,5}')
             THEN CASE WHEN TRY_CAST(x AS INTEGER) BETWEEN 1 AND 10000 THEN TRY_CAST(x AS INTEGER) END
             ELSE coalesce(cc_counted(x), cc_quantity(ltrim(trim(x), '-'))) END""",
    """CREATE OR REPLACE MACRO cc_amount_currency(x) AS
        CASE WHEN contains(x, '€') THEN 'EUR'
             WHEN contains(x, '£') THEN 'GBP'
             WHEN regexp_matches(upper(x), 'US ?\\$') THEN 'USD'
             WHEN regexp_matches(upper(x), '(^|[^A-Z])(CA|CAN|CDN|C) ?\\$|\\$ ?(CA|CAN|CDN)([^A-Z]|$)') THEN 'CAD'
             WHEN regexp_matches(x, '(?i)(^|[^a-z])s?frs?\\.?([\\s0-9]|$)') THEN 'CHF'
             ELSE nullif(regexp_extract(upper(x), '(^|[^A-Z])([A-Z]{3})([^A-Z]|$)', 2), '') END""",
    # A full name in one column: "TREMBLAY, Marie" (comma), "TREMBLAY Marie" (surname in capitals
    # first, as French forms write it), else the last word with its particles ("Marie de la
    # Fontaine" -> "de la Fontaine"), each particle a word of its own: "Michel Dupont" is
    # "Dupont", not "el Dupont" (the "el" that ends "Michel" is no particle).
    """CREATE OR REPLACE MACRO cc_surname_of(x) AS
        CASE WHEN contains(x, ',') THEN nullif(trim(split_part(x, ',', 1)), '')
             WHEN regexp_matches(trim(x), '^(?:[^\\p{Ll}\\s]{2,}\\s+)+\\S*\\p{Ll}')
             THEN trim(regexp_extract(trim(x), '^((?:[^\\p{Ll}\\s]{2,}\\s+)+)', 1))
             ELSE nullif(regexp_extract(trim(x), '(?i)(?:^|\\s)((?:(?:de|du|des|da|di|del|della|le|la|van|von|der|den|ter|st|ste|saint|sainte|mc|mac|bin|ben|el|al)\\s+)*\\S+)$', 1), '') END""",
    """CREATE OR REPLACE MACRO cc_given_of(x) AS
        CASE WHEN contains(x, ',') THEN nullif(trim(split_part(x, ',', 2)), '')
             WHEN regexp_matches(trim(x), '^(?:[^\\p{Ll}\\s]{2,}\\s+)+\\S*\\p{Ll}')
             THEN nullif(trim(regexp_replace(trim(x), '^((?:[^\\p{Ll}\\s]{2,}\\s+)+)', '')), '')
             ELSE nullif(trim(left(trim(x), length(trim(x)) - length(coalesce(cc_surname_of(x), '')))), '') END""",
    # A value that identifies someone, or NULL: blank, a placeholder word ("N/A", "Guest"), a number
    # of zeros or -1 (a walk-in's customer number), or signs alone ("-", "?", "xxx").
    # One pattern, no lambda: DuckDB sets up a lambda's body (its patterns compiled) for every
    # chunk of rows, and looks a word up in a list one element after the other.
    """CREATE OR REPLACE MACRO cc_person_text(x) AS
        CASE WHEN regexp_full_match(lower(strip_accents(trim(x))), '""" + PLACEHOLDER_PATTERN + """') THEN NULL
             ELSE nullif(trim(x), '') END""",
    """CREATE OR REPLACE MACRO cc_birth_band(d) AS
        CAST(year(d) // 5 * 5 AS VARCHAR) || '-' || CAST(year(d) // 5 * 5 + 4 AS VARCHAR)""",
)


def install_normalizers(con: duckdb.DuckDBPyConnection) -> None:
    """Define every ``cc_*`` normalizer macro on ``con`` (idempotent), the date readers included."""
    for statement in (*MACROS, *DATE_MACROS):
        con.execute(statement)


def normalize_value(con: duckdb.DuckDBPyConnection, macro: str, *args: Any) -> Any:
    """Apply one normalizer macro to literal arguments (for tests and one-off checks)."""
    if not macro.startswith("cc_") or not macro.replace("_", "").isalnum():
        raise ValueError(f"not a normalizer: {macro!r}")
    placeholders = ", ".join("?" for _ in args)
    rows = con.execute(f"SELECT {macro}({placeholders})", list(args)).fetchall()
    return rows[0][0]
