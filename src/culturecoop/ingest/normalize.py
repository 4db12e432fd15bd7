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
* ``cc_phone_in(x, country)``, ``cc_postcode_in(x, country)``, ``cc_area_in(x, country)``: a
  phone, a postal code and its coarse area as ``country`` writes them (``countries.RULES``);
  ``install_country(con, country)`` defines them for one country as ``cc_phone_here(x)``,
  ``cc_postcode_here(x)`` and ``cc_area_here(x)``, which ``prepare`` uses: a macro is planned
  with every branch of every macro it calls, and one country's branches plan ten times faster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
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

# An e-mail address as ``cc_email`` reads it already: lower case, no blank, quote, bracket, comma,
# semicolon or colon, a dot in its domain, and none at its end (``cc_email`` returns it as it is).
EMAIL_AS_READ = "[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}"


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Branch:
    """One ``WHEN … THEN …`` of a macro that depends on the export's country. ``countries``: the
    countries it is for (empty: every country); ``when``: its condition besides the country (empty:
    none). In the SQL, ``country`` is the country and ``x``/``d`` the value, as in the macro."""

    then: str
    when: str = ""
    countries: tuple[str, ...] = ()


def _case(branches: Sequence[_Branch], country: str | None, otherwise: str = "NULL") -> str:
    """The CASE of ``branches``: for any country (``country`` None: the macro's parameter is
    tested), or only the branches of ``country``, which is then a literal. Binding a macro expands
    every branch of every macro it calls: cc_area_in for every country took 0.11 s to plan, for
    one country 0.01 s."""
    lines = []
    for branch in branches:
        if country is not None and branch.countries and country not in branch.countries:
            continue
        test = []
        if branch.countries and country is None:
            test.append(f"country = {_literal(branch.countries[0])}" if len(branch.countries) == 1
                        else f"country IN ({', '.join(map(_literal, branch.countries))})")
        if branch.when:
            test.append(branch.when)
        if not test:  # taken whenever reached: what follows is never read
            otherwise = branch.then
            break
        lines.append(f"WHEN {' AND '.join(test)} THEN {branch.then}")
    sql = f"CASE {' '.join(lines)} ELSE {otherwise} END" if lines else f"({otherwise})"
    if country is None:
        return sql
    # The country's own macros, then the country itself, as literals.
    for name in _BY_COUNTRY:
        sql = re.sub(rf"\b{name}\((\w+), country\)", rf"{_here(name)}(\1)", sql)
    return re.sub(r"\bcountry\b", _literal(country), sql)


def _phone_branches() -> list[_Branch]:
    """``cc_phone_e164``: international forms first (+, 00, a country's own exit code: 011, 0011,
    010), then the numbers written at home, from ``countries.RULES``."""
    branches = [_Branch("d", "regexp_full_match(d, '\\+1[2-9][0-9]{2}[2-9][0-9]{6}')"),
                _Branch("d", "regexp_full_match(d, '\\+[2-9][0-9]{7,14}')")]
    exits: dict[str, list[str]] = {}
    for rule in countries.RULES:
        if rule.exit_code:
            exits.setdefault(rule.exit_code, []).append(rule.code)
    branches += [_Branch(f"'+' || d[{len(code) + 1}:]", f"regexp_full_match(d, '{code}[1-9][0-9]{{7,14}}')", tuple(codes))
                 for code, codes in exits.items()]
    branches.append(_Branch("'+' || d[3:]", "regexp_full_match(d, '00[1-9][0-9]{7,14}')"))
    branches += [_Branch(f"'+{rule.calling}' || regexp_replace(d, {_literal('^(?:' + pattern + ')$')}, {_literal(rewrite)})",
                         f"regexp_full_match(d, {_literal(pattern)})", (rule.code,))
                 for rule in countries.RULES for pattern, rewrite in rule.national]
    return branches


def _postcode_of(rule: countries.CountryRule) -> str:
    """The SQL of a postal code of ``rule``'s country read from ``x``, compact, else NULL."""
    code = (f"regexp_replace(regexp_extract(upper(cc_trim(x)), {_literal(countries.postcode_pattern(rule))}, 1), "
            "'[^0-9A-Z]', '', 'g')")
    if rule.canonical is not None:
        pattern, rewrite = rule.canonical
        code = f"regexp_replace({code}, {_literal('^(?:' + pattern + ')$')}, {_literal(rewrite)})"
    return f"nullif({code}, '')"


# Postal codes of the first ten countries (a Canadian code is read wherever it appears; the
# countries ``countries.RULES`` adds are read as its patterns say): US ZIP (its five digits),
# French and German (five digits, "F-" or "D-" prefix allowed), Belgian, Swiss, Austrian and
# Luxembourg ones (four digits, "B-", "CH-", "A-", "L-" allowed), British ones (outward and inward
# code: "SW4 0AB"), Irish Eircodes ("D02 X285"). A Canadian code written with the town ("H2X 1Y4
# Montréal", "Montréal (Québec) H2X 1Y4") is read.
# A Canadian code anywhere in a text (« Montréal (Québec) H2X 1Y4 »): the code is its group 2.
_CANADIAN_IN_TEXT = "(^|[^A-Z0-9])([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?-?[0-9][ABCEGHJ-NPRSTV-Z][0-9])([^A-Z0-9]|$)"
_POSTCODE_TEN = (
    _Branch("cc_postcode(x)", "cc_postcode(x) IS NOT NULL"),
    _Branch("cc_postcode_text(x)[1:5]", "regexp_full_match(cc_postcode_text(x), '[0-9]{5}([0-9]{4})?')", ("US",)),
    _Branch("cc_postcode_eu(x)", "regexp_full_match(cc_postcode_eu(x), '[0-9]{5}')", ("FR", "DE")),
    _Branch("cc_postcode_eu(x)", "regexp_full_match(cc_postcode_eu(x), '[1-9][0-9]{3}')", ("BE", "CH", "AT")),
    _Branch("cc_postcode_eu(x)", "regexp_full_match(cc_postcode_eu(x), '[0-9]{4}')", ("LU",)),
    _Branch(f"regexp_replace(regexp_extract(upper(x), '{_CANADIAN_IN_TEXT}', 2), '[ -]', '', 'g')",
            f"regexp_matches(upper(x), '{_CANADIAN_IN_TEXT}')", ("CA",)),
    # A Canadian box office near the border sells to Americans: a ZIP code is no Canadian code
    # (Canada has none of five digits), but it is a postal code.
    _Branch("cc_postcode_text(x)[1:5]", "regexp_full_match(cc_postcode_text(x), '[0-9]{5}([0-9]{4})?')", ("CA",)),
    _Branch("cc_postcode_text(x)",
            "regexp_full_match(cc_postcode_text(x), '[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}')", ("GB",)),
    _Branch("cc_postcode_text(x)", "regexp_full_match(cc_postcode_text(x), '([AC-FHKNPRTV-Y][0-9]{2}|D6W)[0-9AC-FHKNPRTV-Y]{4}')",
            ("IE",)),
)


def _postcode_branches() -> list[_Branch]:
    """``cc_postcode_in``: a Canadian code first, then the code of the countries ``countries.RULES``
    adds, each one expression, else the first ten's (``cc_postcode_ten``)."""
    return [_Branch("cc_postcode(x)", "cc_postcode(x) IS NOT NULL"),
            *(_Branch(_postcode_of(rule), countries=(rule.code,)) for rule in countries.RULES if rule.postcode is not None),
            _Branch("cc_postcode_ten(x, country)")]


def _area_branches() -> list[_Branch]:
    """``cc_area_in``: the coarse area kept in clear. A Canadian FSA (H2X), a British outward code
    (GB-SW4); elsewhere the country and the first digits, an area of comparable size (FR-750,
    US-100, DE-101, BE-10, CH-12, AT-10, LU-14, and ``countries.RULES``' own: NL-10, IT-201,
    BR-013); an Irish Eircode's routing key (IE-D02)."""
    return [
        _Branch("cc_fsa(x)", "cc_fsa(x) IS NOT NULL"),
        _Branch("'US-' || cc_postcode_text(x)[1:3]", "regexp_full_match(cc_postcode_text(x), '[0-9]{5}([0-9]{4})?')", ("CA",)),
        _Branch("cc_postcode_ten(x, country)[1:3]", countries=("CA",)),
        _Branch("country || '-' || cc_postcode_ten(x, country)[1:3]", countries=("US", "FR", "DE")),
        _Branch("country || '-' || cc_postcode_ten(x, country)[1:2]", countries=("BE", "CH", "AT", "LU")),
        _Branch("'GB-' || cc_postcode_ten(x, country)[1:-4]", countries=("GB",)),
        _Branch("'IE-' || cc_postcode_ten(x, country)[1:3]", countries=("IE",)),
        *(_Branch(f"'{rule.code}-' || {_postcode_of(rule)}[1:{rule.area}]", countries=(rule.code,))
          for rule in countries.RULES if rule.postcode is not None),
    ]


# The macros that depend on the export's country: name → (its value's parameter, its branches). Each is defined
# for any country (``cc_area_in(x, country)``) and, by ``install_country``, for one
# (``cc_area_here(x)`` is ``cc_area_in(x, 'FR')``, planned ten times faster).
_BY_COUNTRY: dict[str, tuple[str, Sequence[_Branch]]] = {
    "cc_phone_e164": ("d", _phone_branches()),
    "cc_postcode_ten": ("x", _POSTCODE_TEN),
    "cc_postcode_in": ("x", _postcode_branches()),
    "cc_area_in": ("x", _area_branches()),
}


def _here(name: str) -> str:
    """The name of a country macro defined for one country: ``cc_area_in`` → ``cc_area_here``."""
    return name.removesuffix("_in") + "_here"


def _country_macros(country: str | None) -> list[str]:
    """The statements defining the country macros: ``cc_…(value, country)``, or with ``country``
    ``cc_…_here(value)`` for that country alone."""
    statements = []
    for name, (value, branches) in _BY_COUNTRY.items():
        head = f"{name}({value}, country)" if country is None else f"{_here(name)}({value})"
        statements.append(f"CREATE OR REPLACE MACRO {head} AS {_case(branches, country)}")
    phone = ("cc_phone_in(x, country) AS cc_phone_e164(cc_phone_digits(x), country)" if country is None
             else "cc_phone_here(x) AS cc_phone_e164_here(cc_phone_digits(x))")
    return [*statements, f"CREATE OR REPLACE MACRO {phone}"]


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
    """CREATE OR REPLACE MACRO cc_email_read(x) AS
        CASE WHEN regexp_full_match(cc_email_text(cc_trim(x)), '[^@\\s]+@[^@\\s]+\\.[^@\\s.]+')
             THEN cc_email_text(cc_trim(x)) END""",
    # An address written as the reading above leaves it is itself: one pattern instead of its four
    # (an export's addresses nearly all are: half of the time of the patrons' e-mails).
    """CREATE OR REPLACE MACRO cc_email(x) AS
        CASE WHEN regexp_full_match(x, '""" + EMAIL_AS_READ + """') THEN x ELSE cc_email_read(x) END""",
    # Digits with an optional leading +; "ext. 12", "poste 12", "x12" and "#12" dropped, and the
    # trunk zero written "(0)" after a country code (+33 (0)6 ...) too.
    """CREATE OR REPLACE MACRO cc_phone_digits(x) AS
        regexp_replace(
            regexp_replace(regexp_replace(x, '\\(0\\)', ''),
                           '(?i)[\\s,;]*(ext\\.?|extension|poste|p\\.|x|#)\\s*[0-9]+\\s*$', ''),
            '[^0-9+]', '', 'g')""",
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
    # A European postal code as forms write it: the country before it ("F-75011", "FR-69003",
    # "CH-1204") and the town after it ("75011 Paris", "1204 Genève") are no part of it.
    """CREATE OR REPLACE MACRO cc_postcode_eu(x) AS
        regexp_replace(upper(regexp_replace(regexp_replace(trim(x), '(\\d)\\s+\\p{L}[\\p{L}\\s''’.-]*$', '\\1'),
                                            '[\\s\\x{00A0}\\x{202F}-]', '', 'g')),
                       '^(FR|DE|BE|CH|AT|LU|F|D|B|A|L)', '')""",
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
    # A leading or trailing minus, or accounting parentheses "($89.00)", "€(25,00)", "EUR (25,00)", make the
    # amount negative;
    # a dash after the decimal mark is the Swiss way of writing no cents ("CHF 25.-"), not a minus.
    # Words go with the dot that abbreviates them ("Fr. 25.-", "SFr. 45.00").
    # The digits are bound once (a lambda's parameter): written in place, the expression would be
    # copied into each of ``cc_amount_digits``' ten uses, and each copy's pattern compiled anew —
    # seconds of every check, whatever the export's size.
    """CREATE OR REPLACE MACRO cc_amount_text(x, dec) AS
        CASE WHEN regexp_matches(x, '^[^0-9()]*\\(.*[0-9].*\\)[^0-9()]*$|^[^0-9]*-|(^|[^.,])-[^0-9]*$') THEN '-' ELSE '' END
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


# North America's phone numbers (``cc_phone``).
_NORTH_AMERICA = (f"CREATE OR REPLACE MACRO cc_phone_e164_ca(d) AS {_case(_BY_COUNTRY['cc_phone_e164'][1], 'CA')}",
                  "CREATE OR REPLACE MACRO cc_phone(x) AS cc_phone_e164_ca(cc_phone_digits(x))")


def install_normalizers(con: duckdb.DuckDBPyConnection, country: str | None = None, *,
                        only: tuple[str, ...] = ()) -> None:
    """Define every ``cc_*`` normalizer macro on ``con`` (idempotent), the date readers included:
    with ``country``, the country macros of that country only (``install_country``: a connection
    that serves one export has no use for the others, which take 0.06 s to define). ``only``: these
    macros and the ones they call, no other (a connection that runs one query)."""
    if country is not None and country not in {rule.code for rule in countries.RULES}:
        raise ValueError(f"no rules for the country {country!r}")
    statements = [*MACROS, *DATE_MACROS, *_NORTH_AMERICA, *_country_macros(country)]
    for statement in _needed(statements, only) if only else statements:
        con.execute(statement)


_MACRO_NAME = re.compile(r"MACRO (cc_\w+)\(")


def _needed(statements: list[str], names: tuple[str, ...]) -> list[str]:
    """The statements defining ``names`` and every macro their bodies call, in their order."""
    by_name = {m.group(1): s for s in statements if (m := _MACRO_NAME.search(s))}
    unknown = set(names) - set(by_name)
    if unknown:
        raise ValueError(f"no such normalizer: {sorted(unknown)}")
    wanted, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            body = re.split(r"\)\s+AS\s", by_name[name], maxsplit=1)[1]
            todo.extend(n for n in re.findall(r"\b(cc_\w+)\(", body) if n in by_name)
    return [s for s in statements if (m := _MACRO_NAME.search(s)) and m.group(1) in wanted]


def install_country(con: duckdb.DuckDBPyConnection, country: str) -> None:
    """Define ``cc_phone_here``, ``cc_phone_e164_here``, ``cc_postcode_here`` and ``cc_area_here``
    on ``con``: ``cc_phone_in``, ``cc_phone_e164``, ``cc_postcode_in`` and ``cc_area_in`` for
    ``country`` (one of ``countries.RULES``), the same values planned in a tenth of the time.
    A connection serves one export, of one country: defined again, they are for the new one."""
    if country not in {rule.code for rule in countries.RULES}:
        raise ValueError(f"no rules for the country {country!r}")
    for statement in _country_macros(country):
        con.execute(statement)


def normalize_value(con: duckdb.DuckDBPyConnection, macro: str, *args: Any) -> Any:
    """Apply one normalizer macro to literal arguments (for tests and one-off checks)."""
    if not macro.startswith("cc_") or not macro.replace("_", "").isalnum():
        raise ValueError(f"not a normalizer: {macro!r}")
    placeholders = ", ".join("?" for _ in args)
    rows = con.execute(f"SELECT {macro}({placeholders})", list(args)).fetchall()
    return rows[0][0]
