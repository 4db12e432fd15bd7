"""The countries whose national phone numbers and postal codes ``prepare`` reads, as one table.

Each ``CountryRule`` says how a number written at home becomes E.164 (the calling code, the
national forms: a trunk prefix dropped or kept, the lengths), how the country writes its postal
codes (with a country prefix, spaces, hyphens) and how many of their leading characters are kept
in clear as the patron's coarse area. ``normalize`` turns the table into the SQL of
``cc_phone_e164``, ``cc_postcode_in`` and ``cc_area_in``; the draft reads the same rules to guess
an export's country. The first ten countries' postal codes keep the readers written for them in
``normalize`` (``postcode`` is None here): the table adds countries, it changes none of theirs.

An area is a prefix of the postal code that holds a few tens of thousands of people or more
(``docs/mapping.md`` lists them); where a finer prefix averages fewer than about 50,000 people,
the coarser one is kept: a clear-text area must not narrow a patron down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from culturecoop.i18n import current_language


@dataclass(frozen=True)
class CountryRule:
    """How one country writes phone numbers and postal codes, and where its clock and money are."""

    code: str  # ISO 3166-1 alpha-2
    calling: str  # the country calling code, without +
    # The national numbers, as digits written without +: (full-match pattern, RE2 replacement giving the
    # national significant number; ``\19`` is group 1 then a 9). A trunk prefix outside the groups is
    # dropped; Italy keeps its 0.
    national: tuple[tuple[str, str], ...]
    zone: str
    currency: str
    languages: tuple[str, ...] = ()  # header languages (``vocabulary.headers_language``) of its exports
    exit_code: str | None = None  # the international prefix besides 00 (011 in North America, 0011 in Australia)
    # The postal code as written, upper case, ``_`` an optional space or hyphen; None: read by ``normalize``'s own SQL.
    postcode: str | None = None
    prefixes: tuple[str, ...] = ()  # what may precede it: country prefixes (``NL-``), a state (``NSW 2000``)
    canonical: tuple[str, str] | None = None  # a rewrite of the compact code (Argentina: the CPA's four digits)
    area: int = 0  # leading characters of the compact code kept in clear (``NL-10``)
    # National numbers that tell the country in a draft, when they differ from ``national``'s.
    telling: str | None = None


# A Canadian code is read by normalize wherever it appears; the rest of the first ten countries too.
RULES: tuple[CountryRule, ...] = (
    CountryRule("CA", "1", (("1?([2-9][0-9]{2}[2-9][0-9]{6})", r"\1"),), "America/Toronto", "CAD", exit_code="011"),
    CountryRule("US", "1", (("1?([2-9][0-9]{2}[2-9][0-9]{6})", r"\1"),), "America/New_York", "USD", exit_code="011"),
    CountryRule("FR", "33", (("0?([1-9][0-9]{8})", r"\1"),), "Europe/Paris", "EUR"),
    CountryRule("BE", "32", (("0([1-9][0-9]{7,8})", r"\1"),), "Europe/Brussels", "EUR"),
    CountryRule("CH", "41", (("0([1-9][0-9]{8})", r"\1"),), "Europe/Zurich", "CHF"),
    CountryRule("LU", "352", (("([2-9][0-9]{5,8})", r"\1"),), "Europe/Luxembourg", "EUR"),
    CountryRule("GB", "44", (("0([1-9][0-9]{8,9})", r"\1"),), "Europe/London", "GBP"),
    CountryRule("DE", "49", (("0([1-9][0-9]{5,12})", r"\1"),), "Europe/Berlin", "EUR"),
    CountryRule("AT", "43", (("0([1-9][0-9]{3,12})", r"\1"),), "Europe/Vienna", "EUR"),
    CountryRule("IE", "353", (("0([1-9][0-9]{6,9})", r"\1"),), "Europe/Dublin", "EUR"),
    # Europe. Dutch numbers drop their 0 (06 mobiles); Belgians write Dutch too, and 04… mobiles of theirs
    # look like Dutch landlines: only an 06 mobile tells the Netherlands in a draft. PC4 "1045 PT" → NL-10.
    CountryRule("NL", "31", (("0([1-9][0-9]{8})", r"\1"),), "Europe/Amsterdam", "EUR", ("nl",),
                postcode="[1-9][0-9]{3}_[A-Z]{2}|[1-9][0-9]{3}", prefixes=("NL",), area=2,
                telling="06[0-9]{8}"),
    # Norway and Denmark: eight digits, no trunk prefix; four-digit codes (Oslo 0173 → NO-01, Aarhus 8000 → DK-80).
    CountryRule("NO", "47", (("([2-9][0-9]{7})", r"\1"),), "Europe/Oslo", "NOK", ("no",),
                postcode="[0-9]{4}", prefixes=("NO", "N"), area=2),
    CountryRule("DK", "45", (("([2-9][0-9]{7})", r"\1"),), "Europe/Copenhagen", "DKK", ("da",),
                postcode="[0-9]{4}", prefixes=("DK",), area=2),
    # Sweden: trunk 0, 7 to 9 digits after it ("070-368 32 73"); "184 96" → SE-18.
    CountryRule("SE", "46", (("0([1-9][0-9]{6,8})", r"\1"),), "Europe/Stockholm", "SEK", ("sv",),
                postcode="[1-9][0-9]{2}_[0-9]{2}", prefixes=("SE", "S"), area=2),
    CountryRule("FI", "358", (("0([1-9][0-9]{5,10})", r"\1"),), "Europe/Helsinki", "EUR", ("fi",),
                postcode="[0-9]{5}", prefixes=("FI", "SF"), area=2),
    # Italy: landlines keep their 0 in E.164 (+39 02…), mobiles start with 3; CAP 20121 → IT-201.
    CountryRule("IT", "39", (("(0[0-9]{5,10}|3[0-9]{8,9})", r"\1"),), "Europe/Rome", "EUR", ("it",),
                postcode="[0-9]{5}", prefixes=("IT", "I"), area=3),
    # Spain: nine digits, no trunk prefix; the first two digits of a code are the province (28012 → ES-280).
    CountryRule("ES", "34", (("([6-9][0-9]{8})", r"\1"),), "Europe/Madrid", "EUR", ("es",),
                postcode="(?:0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}", prefixes=("ES", "E"), area=3),
    # Portugal: nine digits (2… landlines, 9… mobiles); "1000-205" (or the old four digits) → PT-10.
    CountryRule("PT", "351", (("([29][0-9]{8})", r"\1"),), "Europe/Lisbon", "EUR", ("pt",),
                postcode="[1-9][0-9]{3}(?:_[0-9]{3})?", prefixes=("PT", "P"), area=2),
    # Poland: nine digits, no trunk prefix since 2005; "00-950" → PL-00.
    CountryRule("PL", "48", (("([1-9][0-9]{8})", r"\1"),), "Europe/Warsaw", "PLN", ("pl",),
                postcode="[0-9]{2}_[0-9]{3}", prefixes=("PL",), area=2),
    CountryRule("CZ", "420", (("([2-9][0-9]{8})", r"\1"),), "Europe/Prague", "CZK",
                postcode="[1-7][0-9]{2}_[0-9]{2}", prefixes=("CZ",), area=2),
    # Hungary: the trunk prefix is 06 (« 06 30 645 5507 », a mobile's nine digits; Budapest's 1 and seven, the
    # other areas' two and six); four-digit postal codes, Budapest's 1011–1239 (its districts: HU-10 to HU-12).
    CountryRule("HU", "36", (("06([1-9][0-9]{7,8})", r"\1"),), "Europe/Budapest", "HUF", ("hu",),
                postcode="[1-9][0-9]{3}", prefixes=("HU", "H"), area=2),
    # The Americas. Brazil: a two-digit area code, then a 9-prefixed mobile (nine digits) or a landline
    # (eight), a trunk 0 and a carrier's two digits before them at most; a mobile written with its old
    # eight digits gets its 9. CEP "01310-100" → BR-013.
    CountryRule("BR", "55", (("0?([1-9]{2})(9[0-9]{8}|[2-5][0-9]{7})", r"\1\2"),
                             ("0[1-9][0-9]([1-9]{2})(9[0-9]{8}|[2-5][0-9]{7})", r"\1\2"),
                             ("0?([1-9]{2})([6-9][0-9]{7})", r"\19\2")),
                "America/Sao_Paulo", "BRL", ("pt",),
                postcode="[0-9]{5}_[0-9]{3}|[0-9]{2}\\.[0-9]{3}_[0-9]{3}", prefixes=("BR",), area=3),
    # Mexico: ten digits since 2019; the old 01, 044 and 045 before them are dropped.
    CountryRule("MX", "52", (("(?:01|044|045)?([1-9][0-9]{9})", r"\1"),), "America/Mexico_City", "MXN", ("es",),
                postcode="[0-9]{5}", prefixes=("MX", "C.P.", "CP"), area=3),
    # Argentina: trunk 0 and ten digits; a mobile written at home as area, 15, number is +54 9, area, number.
    CountryRule("AR", "54", (("0?(11)15([0-9]{8})", r"9\1\2"), ("0?([23][0-9]{2})15([0-9]{7})", r"9\1\2"),
                             ("0?([23][0-9]{3})15([0-9]{6})", r"9\1\2"), ("9([1-9][0-9]{9})", r"9\1"),
                             ("0?([1-9][0-9]{9})", r"\1")),
                "America/Argentina/Buenos_Aires", "ARS", ("es",),
                postcode="[A-HJ-NP-Z]?[0-9]{4}(?:[A-Z]{3})?", prefixes=("AR", "C.P.", "CP"),
                canonical=("[A-Z]?([0-9]{4})[A-Z]*", r"\1"), area=2),
    # Chile: nine digits (9… mobiles), no trunk prefix since 2016 (an old 0 is dropped); 8320000 → CL-83.
    CountryRule("CL", "56", (("0?([2-9][0-9]{8})", r"\1"),), "America/Santiago", "CLP", ("es",),
                postcode="[0-9]{3}_[0-9]{4}", prefixes=("CL",), area=2),
    # Oceania and Japan: trunk 0.
    CountryRule("AU", "61", (("0([2-478][0-9]{8})", r"\1"),), "Australia/Sydney", "AUD", exit_code="0011",
                postcode="[0-9]{4}", prefixes=("AU", "NSW", "VIC", "QLD", "SA", "WA", "TAS", "NT", "ACT"), area=2),
    CountryRule("NZ", "64", (("0([2-9][0-9]{7,9})", r"\1"),), "Pacific/Auckland", "NZD",
                postcode="[0-9]{4}", prefixes=("NZ",), area=2),
    CountryRule("JP", "81", (("0([1-9][0-9]{8,9})", r"\1"),), "Asia/Tokyo", "JPY", exit_code="010",
                postcode="[0-9]{3}_[0-9]{4}", prefixes=("JP", "〒"), area=3),
)
BY_CODE: dict[str, CountryRule] = {rule.code: rule for rule in RULES}
# The countries whose postal codes are all digits, of one length, some led by zeros a spreadsheet drops when
# it reads the column as numbers (« 1000 » for the French 01000, « 2134 » for the American 02134, « 100 »
# for Rome's 00100): the length, and the fewest digits such a code keeps. There a shorter number can only
# be the code it was, the zeros put back; elsewhere (a Belgian or Swiss code has four digits and never
# starts with 0; a Canadian box office also sells to Americans) it is left unread, and said.
ZERO_LED: dict[str, tuple[int, int]] = {
    "US": (5, 3), "FR": (5, 4), "DE": (5, 4), "ES": (5, 4), "MX": (5, 4), "IT": (5, 3), "FI": (5, 3),
    "NO": (4, 3), "DK": (4, 3), "AU": (4, 3), "NZ": (4, 3)}


def zeros_lost(country: str) -> str | None:
    """The pattern (RE2 and Python alike) of a postal code of ``country`` whose leading zeros a spreadsheet
    dropped, or None where a shorter number is not one (``ZERO_LED``)."""
    if country not in ZERO_LED:
        return None
    length, fewest = ZERO_LED[country]
    return f"[0-9]{{{fewest},{length - 1}}}"


def zeros_restored_sql(value: str, country: str) -> str:
    """The SQL of the postal code ``value`` with the leading zeros a spreadsheet dropped put back, where
    ``country`` makes it unambiguous (``ZERO_LED``); else ``value``."""
    pattern = zeros_lost(country)
    if pattern is None:
        return value
    return (f"CASE WHEN regexp_full_match(trim({value}), '{pattern}') "
            f"THEN lpad(trim({value}), {ZERO_LED[country][0]}, '0') ELSE {value} END")


# The countries whose national numbers, their trunk 0 dropped by a spreadsheet (« 791234567 » for the Swiss
# 079 123 45 67), keep a length no number of another form has there (written with the calling code, or a
# North-American ten digits): the number that digits of that length must be. A French number is read
# without its 0 already; in Britain, Germany or Austria a number of eight to thirteen digits may be one
# written abroad, so a number without its 0 is left unread there, and said.
PHONE_ZERO_LED: dict[str, str] = {"BE": "[1-9][0-9]{7,8}", "CH": "[1-9][0-9]{8}", "NL": "[1-9][0-9]{8}"}


def phone_zero_restored_sql(value: str, country: str) -> str:
    """The SQL of the phone number ``value`` read as ``country``'s (``cc_phone_here``), its trunk 0 put back
    where a spreadsheet dropped it and the country makes it unambiguous (``PHONE_ZERO_LED``)."""
    pattern = PHONE_ZERO_LED.get(country)
    if pattern is None:
        return f"cc_phone_here({value})"
    return (f"coalesce(cc_phone_here({value}), CASE WHEN regexp_full_match(cc_phone_digits({value}), '{pattern}') "
            f"THEN cc_phone_here('0' || cc_phone_digits({value})) END)")


# The countries a national number is read for, in the order ``profile`` lists them.
CODES: tuple[str, ...] = tuple(BY_CODE)
# The first ten countries, whose postal codes ``normalize`` reads with SQL of their own.
FIRST_TEN: frozenset[str] = frozenset(rule.code for rule in RULES if rule.postcode is None)
# Calling code -> country, for the countries added to the first ten (+1, +33… are read apart).
BY_CALLING: dict[str, str] = {rule.calling: rule.code for rule in RULES if rule.code not in FIRST_TEN}

_SEPARATOR = r"[\s\x{00A0}\x{202F}.-]?"


def written_postcode(rule: CountryRule) -> str:
    """The pattern (RE2 and Python alike) of a postal code of ``rule`` as written alone, upper case."""
    assert rule.postcode is not None
    return rule.postcode.replace("_", _SEPARATOR)


def postcode_pattern(rule: CountryRule) -> str:
    """The pattern that finds the postal code in a value as forms write it, upper case: a country
    prefix or a state before it (``NL-1045 PT``, ``NSW 2000``), the town after it (``184 96 Åkersberga``);
    group 1 is the code."""
    prefixes = "|".join(re.escape(p).replace(r"\.", r"\.?") for p in rule.prefixes)
    return (rf"^(?:(?:{prefixes})[\s\x{{00A0}}\x{{202F}}:-]*)?({written_postcode(rule)})"
            r"(?:[\s\x{00A0}\x{202F},]+\p{L}[\p{L}\s'’.()-]*)?$")


def reads_national(country: str, digits: str) -> bool:
    """Whether ``digits`` (a number written without +) is a national number of ``country``."""
    return any(re.fullmatch(pattern, digits) for pattern, _r in BY_CODE[country].national)


def tells(country: str, digits: str) -> bool:
    """Whether a national number tells ``country`` in a draft (Dutch: only an 06 mobile)."""
    rule = BY_CODE[country]
    return bool(re.fullmatch(rule.telling, digits)) if rule.telling else reads_national(country, digits)


def postcode_fits(country: str, text: str) -> bool:
    """Whether ``text`` (a value of a postal code column, upper case) is written as ``country``'s codes."""
    rule = BY_CODE[country]
    return rule.postcode is not None and re.fullmatch(_python(written_postcode(rule)), text) is not None


def postcode_shape(country: str) -> str:
    """A Python pattern of ``country``'s postal codes as a column writes them: the code, a country
    prefix before it at most (``NL-1045 PT``)."""
    rule = BY_CODE[country]
    prefixes = "|".join(re.escape(p) for p in rule.prefixes if p.isalpha() and p.isupper() and len(p) <= 2)
    before = f"(?:(?:{prefixes})-)?" if prefixes else ""
    return f"{before}(?:{_python(written_postcode(rule))})"


def _python(pattern: str) -> str:
    return pattern.replace(r"\x{00A0}", "\u00a0").replace(r"\x{202F}", "\u202f")


def country_name(code: str) -> str:
    """The country of the ISO code ``code`` named in the reader's language (« Canada », « États-Unis »),
    the code itself when the language names no such country."""
    try:
        return str(Locale.parse(current_language()).territories.get(code.upper(), code))
    except (UnknownLocaleError, ValueError):
        return code


def said_country(code: str) -> str:
    """The country of ``code`` as a sentence says it: its name, then the code a mapping writes for it
    (« Canada (CA) »)."""
    name = country_name(code)
    return name if name == code else f"{name} ({code})"
