"""What a column's values look like: e-mails, phones, postal codes, amounts, dates, labels.

``profile_columns`` measures every sampled column once. Date and time formats are tried with
DuckDB's own ``try_strptime`` (what ``prepare`` runs), never Python's, so a format the draft
writes is one the pipeline reads. Dates written with month or day names (``dim. 22 mars 2026
15h00``, ``Sat, Aug 8, 2026 8:00 PM``) and times ending in ``Z`` or an offset are read by the
pipeline without a format; they are recognized here so that the column counts as dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import duckdb

from culturecoop.folding import fold
from culturecoop.ingest import countries
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.vocabulary_languages import BEFORE_TIME
from culturecoop.ingest.vocabulary_languages import DAYS as DAYS_ABROAD
from culturecoop.ingest.vocabulary_languages import MONTHS as MONTHS_ABROAD

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_EMAIL_ANGLED = re.compile(r"<([^<>]*@[^<>]*)>")
_EMAIL_AROUND = re.compile(r"^[\s\"'‘’“”]*(?:(?i:mailto):)?[\s\"'‘’“”]*|[\s\"'‘’“”.]*$")


def email_text(value: str) -> str:
    """The address as ``prepare``'s ``cc_email`` reads it: inside ``<…>``, else the first of
    several (``;`` or ``,``), without ``mailto:``, quotes or a trailing dot."""
    angled = _EMAIL_ANGLED.search(value)
    inner = angled.group(1) if angled else re.split(r"[,;]", value, maxsplit=1)[0]
    return _EMAIL_AROUND.sub("", inner.strip()).lower()
# A trailing Z or UTC offset after a time; Shopify writes it after a space ("19:42:10 -0400"),
# DICE writes "18:22:05 UTC".
# Zone abbreviations written after a time, as the UTC offsets they stand for: North America's in
# English and in French (HNE, heure normale de l'Est; HAE, heure avancée), and Europe's.
ZONE_ABBREVIATIONS: dict[str, str] = {
    "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
    "PST": "-08:00", "PDT": "-07:00", "AST": "-04:00", "ADT": "-03:00", "NST": "-03:30", "NDT": "-02:30",
    "HNE": "-05:00", "HAE": "-04:00", "HNC": "-06:00", "HAC": "-05:00", "HNR": "-07:00", "HAR": "-06:00",
    "HNP": "-08:00", "HAP": "-07:00", "HNA": "-04:00", "HAA": "-03:00", "HNT": "-03:30", "HAT": "-02:30",
    "CET": "+01:00", "CEST": "+02:00", "MEZ": "+01:00", "MESZ": "+02:00", "BST": "+01:00", "WET": "+00:00",
    "WEST": "+01:00",
}
ZONE_WORDS = "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True))
_ZONE = re.compile(r"(?<=[\dMm.]) ?((?:UTC|GMT) ?[+-]\d{1,2}(?::?\d{2})?|Z|UTC|GMT|[+-]\d{2}:?\d{2}|"
                   + ZONE_WORDS + r")$")
# Swiss whole amounts: "CHF 25.-" (a dash for no cents), not a refund.
_WHOLE_DASH = re.compile(r"(?<=\d)[.,][-\u2013\u2014]+(?=\s|$)")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?!\d)")
# An hour alone: "20:30", "20h30", "8:00 PM", and German's "20:00 Uhr", "20.00 Uhr".
_TIME_ONLY = re.compile(r"^\d{1,2}(([:hH]\d{2}(:\d{2})?|\s*[hH])(\s*[AaPp]\.?[Mm]\.?)?|\s*[AaPp]\.?[Mm]\.?|[:.]\d{2}\s*Uhr)$")
# A British postcode: outward code (SW4, EC1A, M1), then the inward one (0AB).
UK_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}", re.I)
# An Irish Eircode: a routing key (D02, A65, D6W), then four letters and digits (X285, F4E2).
EIRCODE = re.compile(r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}", re.I)
_POSTCODES = {
    "CA": re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d", re.I),
    "FR": re.compile(r"(0[1-9]|[1-8]\d|9[0-8])\d{3}"),
    "US": re.compile(r"\d{5}(-\d{4})?"),
    "BE/CH": re.compile(r"[1-9]\d{3}"),
    "GB": UK_POSTCODE,
    "IE": EIRCODE,
    # The country's letter before the digits, as European mail writes it: D-10115, L-1511, CH-1003.
    "EU": re.compile(r"(?:D|F)-?\d{5}|(?:A|B|CH|L)-?\d{4}", re.I),
    # The codes of the countries ``countries.RULES`` adds: 1045 PT, 184 96, 1000-205, 00-950, 01310-100, 0173.
    "added": re.compile("|".join(countries.postcode_shape(code) for code in countries.CODES
                                 if code not in countries.FIRST_TEN), re.I),
}
_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2,
    "february": 2, "mars": 3, "mar": 3, "march": 3, "avril": 4, "avr": 4, "apr": 4, "april": 4, "mai": 5,
    "may": 5, "juin": 6, "jun": 6, "june": 6, "juillet": 7, "juil": 7, "jul": 7, "july": 7, "aout": 8,
    "aug": 8, "august": 8, "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10,
    "october": 10, "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12, "december": 12,
    # German (Eventim.Light's "Sa., 14. März 2026, 19:30 Uhr").
    "januar": 1, "februar": 2, "marz": 3, "maerz": 3, "juni": 6, "juli": 7, "oktober": 10, "okt": 10,
    "dezember": 12, "dez": 12,
}
# Dutch, Portuguese, Spanish, Italian, Scandinavian and Polish ones (« za 14 mrt. 2026 »).
_MONTHS.update({w: m for w, m in MONTHS_ABROAD.items() if w not in _MONTHS})
# Day names in French, English and German, and their abbreviations (``dates.DAY_WORDS`` adds the
# other languages').
DAY_NAMES: tuple[str, ...] = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar", "mer", "jeu", "ven", "sam",
    "dim", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
    "sonntag", "mo", "di", "mi", "do", "fr", "sa", "so")
# What a date written in words may hold besides its day, month, year, day name and time: « le », « à »,
# "at", « Uhr », « de » (« 14 de junio de 2026 »), a range's « au » / "to"…
_DATE_WORDS = frozenset({*DAY_NAMES, *DAYS_ABROAD, *(w for phrase in BEFORE_TIME for w in phrase.split()),
                         "a", "at", "le", "la", "l", "de", "del", "du", "d", "den", "der", "the", "of", "on", "uhr", "u",
                         "h", "hrs", "heures", "horas", "ore", "et", "and", "y", "e", "und", "en", "el", "il", "am",
                         "pm", "au", "al", "to", "bis", "tot", "t", "m", "vanaf", "from", "des", "partir"})
# What sets a title off from its date (« Hamlet — 14 mars 2026 », « Nabucco | 20/03 »), never a hyphen in a word.
_TITLE_SEP = re.compile(r"\s+[-–—|]\s+|\s*[–—|,]\s*|:\s+")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s*(?:[:hH]\s*(\d{2})?|(?=\s*[aApP]\.?\s?[mM]))\s*"
                    r"(?:([aApP])\.?\s?[mM]\.?)?(?!\d)")
_GENDERS = {"homme", "femme", "h", "f", "m", "male", "female", "man", "woman", "autre", "other", "mr", "mme",
            "m.", "monsieur", "madame", "non binaire", "non-binary", "nonbinary"}

# A numeric date, then an optional time: 2026-03-04T19:22:05.000, 21/05/26 07:08, 3/4/2026 2:22 PM, 22.03.2026 15h00.
_DATE_TIME = re.compile(
    r"(?P<a>\d{1,4})(?P<s>[/.\-])(?P<b>\d{1,2})(?P=s)(?P<c>\d{2}|\d{4})"
    # Hungarian writes the year first and closes the day with a dot (« 2026.03.13. 19:00 »); Croatian closes
    # the year (« 13.03.2026. 20:00 »).
    r"(?P<closed>(?<=\.\d)\.|(?<=\.\d\d)\.|(?<=\.\d{4})\.)?"
    # « 14.03.2026 kl. 19:00 », « 03/04/2026 às 21:00 », « 14-03-2026 om 20:00 »: a word before the time;
    # after the word, Finnish and Danish write the time with a dot (« 13.3.2026 klo 19.00 »).
    r"(?:(?P<sep>T|\s+(?:à|at|@|-|kl\.?|klo|klockan|om|às|as|alle|ore|a\s+las|um|o|godz\.?)\s+|,\s*|\s+)(?P<h>\d{1,2})(?:(?P<hs>\s*[:hH]\s*|\.)(?P<m>\d{2})"
    r"(?::(?P<sec>\d{2})(?P<frac>\.\d+)?)?(?P<ampm>\s*[AaPp]\.?[Mm]\.?)?"
    # A French hour with no minutes (« 2026-03-13 à 20 h », « 20h »); an English one (« 14/03/2026 8 PM »).
    r"|(?P<ho>\s*[hH])|(?P<hap>\s*[AaPp]\.?[Mm]\.?)))?")


def candidate_formats(value: str) -> list[str]:
    """The strptime formats that could read ``value`` (day first and month first when both fit)."""
    # A spreadsheet's date cell (midnight) joined with its time cell: 2026-08-08 00:00:00 20:00:00.
    cell = re.fullmatch(r"\d{4}-\d{2}-\d{2} 00:00:00 \d{1,2}:\d{2}(:\d{2})?", value.strip())
    if cell is not None:
        return ["%Y-%m-%d 00:00:00 %H:%M" + (":%S" if cell.group(1) else "")]
    # German's hour word after the time ("14.03.2026 20:00 Uhr", "14.03.2026 20.00 Uhr"): read as written.
    german = re.fullmatch(r"(.*\d{1,2})([:.])(\d{2})(\s*)Uhr", value.strip())
    if german is not None:
        hour = f"%H{german.group(2)}%M{german.group(4)}Uhr"
        return [f.replace("%H:%M", hour) for f in candidate_formats(f"{german.group(1)}:{german.group(3)}")
                if f.endswith("%H:%M")]
    match = _DATE_TIME.fullmatch(value.strip())
    if match is None:
        return []
    sep = match["s"]
    if match["closed"] and (sep != "." or len(match["a"]) == 3 or (len(match["a"]) <= 2 and len(match["c"]) != 4)):
        return []
    if match["closed"] and len(match["a"]) <= 2:
        dates = ["%d.%m.%Y."]  # Croatian, Serbian, Slovene close the year with a dot (« 13.03.2026. »)
    elif len(match["a"]) == 4:
        dates = [f"%Y{sep}%m{sep}%d" + (match["closed"] or "")]
    elif len(match["a"]) <= 2:
        year = "%Y" if len(match["c"]) == 4 else "%y"
        # Dots separate day, month, year in that order wherever they are written (01.03.2026).
        dates = [f"%d{sep}%m{sep}{year}"] if sep == "." else [f"%d{sep}%m{sep}{year}", f"%m{sep}%d{sep}{year}"]
    else:
        return []
    if match["h"] is None:
        return dates
    if match["ho"] is not None:  # « 20 h », « 20h »: the hour word as written, no minutes
        return [d + re.sub(r"\s+", " ", match["sep"]) + "%H" + match["ho"] for d in dates]
    if match["hap"] is not None:  # « 8 PM », « 8pm »: the hour of the clock's twelve, no minutes
        return [d + re.sub(r"\s+", " ", match["sep"]) + "%I" + (" %p" if match["hap"][0].isspace() else "%p")
                for d in dates]
    if match["hs"] == "." and not re.search(r"[^\W\d_]{2}", match["sep"]):
        return []  # « 13.03.2026 19.00 » with no word before the time: no time of day is that sure
    # Between date and time: T, a space, or a word or sign as written ("à", "at", "@", "-", ",").
    joiner = match["sep"] if match["sep"] == "T" else re.sub(r"\s+", " ", match["sep"])
    hour = "%I" if match["ampm"] else "%H"
    # « 19h30 », « 19 h 30 »: the hour word and its spaces as written (DuckDB reads them literally).
    clock = f"{hour}{match['hs']}%M" if "h" in match["hs"].lower() else f"{hour}.%M" if match["hs"] == "." else f"{hour}:%M"
    if match["sec"] is not None:
        clock += ":%S" + (".%f" if match["frac"] else "")
    if match["ampm"]:
        clock += " %p" if match["ampm"][0].isspace() else "%p"
    return [d + joiner + clock for d in dates]


@dataclass
class AmountStyle:
    """How a column writes amounts, read from its values."""

    parsed: int = 0
    comma_decimal: int = 0  # "12,50", "1 200,00"
    dot_decimal: int = 0  # "12.50", "1,250.00"
    integers: int = 0
    negative: int = 0
    accounting: int = 0  # "(89.00)"
    symbols: Counter[str] = field(default_factory=Counter)
    median: Decimal = Decimal(0)

    @property
    def decimal(self) -> str:
        return "," if self.comma_decimal > self.dot_decimal else "."


@dataclass
class Column:
    """One source column and the shape of its sampled values (shares of the non-empty ones)."""

    index: int
    name: str
    values: list[str]
    sampled_rows: int
    shares: dict[str, float] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)  # strptime format -> values it reads
    named_dates: int = 0  # values read only as named-month dates
    serials: int = 0  # values read as Excel's serial dates (« 46300,443056 »: ``excel_serial``)
    zoned: int = 0  # values ending in Z or an offset
    zones: Counter[str] = field(default_factory=Counter)
    amount: AmountStyle = field(default_factory=AmountStyle)
    day_first_votes: tuple[int, int] = (0, 0)  # (day first, month first) from values > 12

    @property
    def fill(self) -> float:
        return len(self.values) / self.sampled_rows if self.sampled_rows else 0.0

    @property
    def distinct(self) -> int:
        return len(set(self.values))

    @property
    def unique(self) -> float:
        return self.distinct / len(self.values) if self.values else 0.0

    @property
    def paired(self) -> float:
        """Share of the values that occur at most twice: a ticket and its refund (or return) written
        as a second row; a cancelled show writes every one of its tickets twice."""
        if not self.values:
            return 0.0
        return sum(n for n in Counter(self.values).values() if n <= 2) / len(self.values)

    def share(self, shape: str) -> float:
        return self.shares.get(shape, 0.0)

    @property
    def date_share(self) -> float:
        return self.share("date")

    def labels(self, limit: int = 40) -> list[str]:
        """The distinct values, most frequent first (for label columns)."""
        return [v for v, _ in Counter(self.values).most_common(limit)]


# An offset of whole hours after the seconds, as PostgreSQL writes it (``15:15:00+00``): ``+00:00``.
_HOURS_OFFSET = re.compile(r"(?:(?<=:\d\d)|(?<=\.\d{3})|(?<=\.\d{6}))([+-]\d\d)$")
_AM = re.compile(r"(\d)\s*[Aa]\.\s?[Mm]\.?")
_PM = re.compile(r"(\d)\s*[Pp]\.\s?[Mm]\.?")


# A day's name before a numeric date ("Fr, 20.03.2026", "sam. 14/03/2026"), a slash between the date and
# its time ("20.03.2026 / 19:30", Ticketcorner's performances): read without them, as ``prepare`` does.
_DAY_BEFORE_DATE = re.compile(r"^[^\W\d_]{2,10}\.?,?\s+(?=\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?!\d))")
_SLASH_BEFORE_TIME = re.compile(r"(?<=\d)\s+/\s+(?=\d{1,2}[:hH]\d{2})")


def strip_zone(value: str) -> tuple[str, str | None]:
    """``value`` without a trailing ``Z`` (``UTC``, ``GMT``) or ``±hh:mm`` after a time, and that
    suffix (``Z`` for all three); ``8:00 p.m.`` written ``8:00 PM``, a day's name before a numeric
    date and a slash before the time left out, as ``prepare`` reads it."""
    value = _SLASH_BEFORE_TIME.sub(" ", _DAY_BEFORE_DATE.sub("", value.strip()))
    value = _PM.sub(r"\1 PM", _AM.sub(r"\1 AM", value))
    value = _HOURS_OFFSET.sub(r"\1:00", value)
    match = _ZONE.search(value)
    if match is None or not re.search(r"\d(:\d\d| ?[AaPp]\.?[Mm])", value):
        return value, None
    return value[: match.start()].rstrip(), utc_offset(match.group(1))


def utc_offset(suffix: str) -> str:
    """``Z`` for UTC, else the ``±hh:mm`` a zone suffix stands for (``EST``, ``GMT-5``, ``+0100``)."""
    if suffix in ("Z", "UTC", "GMT") or re.fullmatch(r"(?:(?:UTC|GMT) ?)?[+-]0{1,2}(?::?00)?", suffix):
        return "Z"  # +00:00 is UTC, no sign of a zone (a London box office writes +01:00 in summer)
    if suffix in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[suffix]
    found = re.fullmatch(r"(?:UTC|GMT) ?([+-])(\d{1,2}):?(\d{2})?", suffix)
    if found:
        return f"{found.group(1)}{int(found.group(2)):02d}:{found.group(3) or '00'}"
    return suffix


def named_date(value: str) -> dt.datetime | None:
    """A date written with a month name (French, English or German), with an optional day name and time."""
    hour = minute = 0
    rest = value
    clock = _CLOCK.search(value)
    if clock is not None:
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        meridiem = (clock.group(3) or "").lower()
        hour = hour % 12 + 12 if meridiem == "p" else hour % 12 if meridiem == "a" else hour
        rest = value[: clock.start()] + " " + value[clock.end():]
    # "1er mars", "March 1st": the day without its ordinal ending.
    words = [re.sub(r"^(\d{1,2})(er|re|st|nd|rd|th)$", r"\1", w) for w in vocab.fold(rest).split()]
    months = [_MONTHS[w] for w in words if w in _MONTHS]
    years = [int(w) for w in words if w.isdigit() and len(w) == 4]
    days = [int(w) for w in words if w.isdigit() and len(w) <= 2]
    if not months or not years or not days:
        return None
    if sum(1 for w in words if not w.isdigit() and w not in _MONTHS and w not in _DATE_WORDS) > 1:
        return None  # a title holding its date (« Jazz in de Kelder – za 14 maart 2026 »), no date of its own
    if any(not re.search(r"\d", part) and set(vocab.fold(part).split()) - _MONTHS.keys() - _DATE_WORDS
           for part in _TITLE_SEP.split(value) if part.strip()):
        return None  # « Hamlet — sam. 14 mars 2026 20 h »: a one-word title set off before its date
    try:
        # "mar. 3 mars": the last month word is the month, the ones before are day names.
        return dt.datetime(years[0], months[-1], days[0], hour, minute)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    comma: bool
    dot: bool
    negative: bool
    accounting: bool
    symbols: tuple[str, ...]


# ISO codes written beside an amount ("NOK 250,00", "1 200 SEK"), and the currency words of the
# other box offices: "R$ 80,00" (reais: not dollars), "195 kr" (Scandinavian crowns), "89,00 zł", "6 900 Ft"
# (Hungarian forints).
_CODES = ("CAD|EUR|USD|CHF|GBP|AUD|NZD|NOK|SEK|DKK|ISK|PLN|CZK|HUF|RON|BGN|BRL|CLP|MXN|ARS|COP|PEN|UYU|JPY|ZAR")
_SYMBOLS = re.compile(r"R\$|[€$£]|\b(?:" + _CODES + r")\b|\bKR\b|ZŁ|\bZL\b|KČ|\bFT\b")
_SYMBOL_CODES = {"R$": "BRL", "ZŁ": "PLN", "ZL": "PLN", "KČ": "CZK", "KR": "kr", "FT": "HUF"}
# Swiss francs as the Swiss write them beside an amount: "Fr. 25.-", "SFr. 45.00", "45 Frs".
_FRANCS = re.compile(r"(?i)(?<![a-z])s?frs?\.?(?=[\s\d]|$)")
# Canadian dollars written as CA$ (Eventbrite), C$, $CA, $ CAN or CDN$: the letters go with the sign.
_CANADIAN = re.compile(r"\b(?:CA|CAN|CDN|C)\s?\$|\$\s?(?:CA|CAN|CDN)\b")
_NOT_NUMBER = re.compile(r"\b(?:" + _CODES + r"|US|KR|FT|EUROS?|DOLLARS?|TTC)\b\.?|R\$|ZŁ|\bZL\b|KČ|[€$£\s\u00a0\u202f()]")
# Every word an amount may carry (upper case): the currencies above, the letters of CA$, R$ and
# Swiss francs, « euros » and « TTC ». A price cell with any other word is no amount (« Tarif -12
# ans » is not a refund of 12), unless one of its words gives the ticket (« Gratuit -12 ans »).
AMOUNT_WORDS: tuple[str, ...] = (*_CODES.split("|"), "US", "KR", "R", "ZŁ", "ZL", "KČ", "FT", "FR", "FRS", "SFR",
                                 "SFRS", "CA", "CAN", "CDN", "C", "EURO", "EUROS", "DOLLAR", "DOLLARS", "TTC")
# The words that say which currency an amount is in (beside the signs € $ £).
CURRENCY_WORDS: tuple[str, ...] = (*_CODES.split("|"), "KR", "ZŁ", "ZL", "KČ", "FT", "FR", "FRS", "SFR", "SFRS", "EURO",
                                   "EUROS", "DOLLAR", "DOLLARS")
# One number as a price cell writes it, its thousands grouped or not ("15", "1 200,00", "1'250.50").
NUMBER_IN_TEXT = r"[0-9]+(?:[ \u00a0\u202f.,'][0-9]+)*"
_NUMBER_IN_TEXT = re.compile(NUMBER_IN_TEXT)
_LETTERS = re.compile(r"[^\W\d_]+")
_NUMBER_CHARS = re.compile(r"[\d.,' ]+")
_FORMULA = re.compile(r"^\s*[=@]|\d\s*[*×xX/=+]\s*\d")
_COMMA_DECIMAL = re.compile(r"\d{1,3}([.']\d{3})+(,\d{1,2})?|\d+,\d{1,2}")
_DOT_DECIMAL = re.compile(r"\d{1,3}([,']\d{3})+(\.\d+)?|\d+\.\d+")
_WHOLE = re.compile(r"\d+")


def given_in_words(text: str) -> bool:
    """Whether a price cell that is more than a number says the ticket was given: one of its words
    is a free word (« Gratuit (moins de 12 ans) », « Invitation 2 pers. », « Free - under 12 ») and
    no currency is written (« 25 € (gratuit -12 ans) » is not read either way), nor a doubt
    (« offert ? »)."""
    words = _LETTERS.findall(text)
    if not words or "?" in text or all(word.upper() in AMOUNT_WORDS for word in words):
        return False
    upper = text.upper()
    return (any(vocab.fold(word) in vocab.FREE_WORDS for word in words)
            and not _SYMBOLS.search(upper) and not _FRANCS.search(text) and not _CANADIAN.search(upper))


def _labelled(text: str, words: list[str]) -> _Amount | None:
    """A price written with its label (« Plein tarif (15 €) », « Adulte : 25,00 $ »): the one number
    of the cell, when a currency is written beside it; None when there is none, or several
    (« Adulte 12-17 ans : 10 € »), or no currency (« Tarif -12 ans »)."""
    numbers = _NUMBER_IN_TEXT.findall(text)
    if "?" in text or len(numbers) != 1 or not (re.search("[€$£]", text)
                                                 or any(w.upper() in CURRENCY_WORDS for w in words)):
        return None
    found = _amount(numbers[0])
    if found is None:
        return None
    negative = re.search("-[0-9€$£]", text) is not None
    symbols = tuple(_SYMBOL_CODES.get(sign, sign) for sign in _SYMBOLS.findall(text.upper()))
    return _Amount(-found.value if negative else found.value, found.comma, found.dot, negative, False, symbols)


@functools.lru_cache(maxsize=65536)
def _amount(text: str) -> _Amount | None:
    if "?" not in text and vocab.fold(text) in vocab.FREE_WORDS:  # "Free", "Gratuit": a ticket given, at 0
        return _Amount(Decimal(0), False, False, False, False, ())
    if given_in_words(text):  # "Gratuit -12 ans", "Invitation 2 pers.": given, whatever the number says
        return _Amount(Decimal(0), False, False, False, False, ())
    if _FORMULA.search(text):  # "=2*5", "2 x 25,00 €": no amount (prepare's cc_amount agrees)
        return None
    words = _LETTERS.findall(text)
    if any(word.upper() not in AMOUNT_WORDS for word in words):
        return _labelled(text, words)
    raw = _WHOLE_DASH.sub("", _FRANCS.sub("CHF ", text.strip()))
    upper = _CANADIAN.sub(" CAD ", raw.upper())
    symbols = tuple(_SYMBOL_CODES.get(sign, sign) for sign in _SYMBOLS.findall(upper.replace("US$", "USD")))
    accounting = raw.startswith("(") and raw.endswith(")")
    body = _NOT_NUMBER.sub("", upper)
    negative = body.startswith("-") or body.endswith("-") or accounting
    body = body.strip("-+")
    if not body or not _NUMBER_CHARS.fullmatch(body) or not body[0].isdigit():
        return None
    comma = dot = False
    # A dot grouping thousands ("$15.000", Chilean pesos) says the decimal mark is the comma, as a
    # comma grouping them ("1,250") says it is the dot: prepare reads "15.000" by that mark.
    if _COMMA_DECIMAL.fullmatch(body):
        number, comma = body.replace(".", "").replace("'", "").replace(",", "."), "," in body or "." in body
    elif _DOT_DECIMAL.fullmatch(body):
        number, dot = body.replace(",", "").replace("'", ""), "." in body or "," in body
    elif _WHOLE.fullmatch(body):
        number = body
    else:
        return None
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return _Amount(-value if negative else value, comma, dot, negative, accounting, symbols)


def read_amount(text: str, style: AmountStyle | None = None, times: int = 1) -> Decimal | None:
    """The amount written in ``text`` (``1 200,00 €``, ``$1,250.00``, ``(89.00)``, ``CAD 45``), or None.

    A lone separator followed by exactly three digits (``1,250``) is read as thousands; the
    style counters of ``style`` are updated with what the text showed (``times`` over).
    """
    found = _amount(text)
    if found is None:
        return None
    if style is not None:
        style.parsed += times
        style.comma_decimal += found.comma * times
        style.dot_decimal += found.dot * times
        style.integers += (not found.comma and not found.dot) * times
        style.negative += found.negative * times
        style.accounting += found.accounting * times
        for symbol in found.symbols:
            style.symbols[symbol] += times
    return found.value


_PHONE_CHARS = re.compile(r"[+\d\s().\-/]{7,22}")
_PHONE_SEPARATED = re.compile(r"\d[\s.\-]\d")
_NOT_DIGIT = re.compile(r"\D")
_DIGITS_PHONE = re.compile(r"\+?\d{9,15}")
_EIGHT_GROUPED = re.compile(r"\d{2,4}(?:[ .\-]\d{2,4}){1,3}")
# A date written year first ("1985-03-12", "1985/03/12"): eight digits in groups, as a Norwegian number is.
_ISO_DATE = re.compile(r"^(?:1[89]|20)\d{2}([/.\-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?!\d)")
_INTEGER = re.compile(r"-?\d+")
_CODE = re.compile(r"[A-Za-z]{3}")
_TOKEN = re.compile(r"[\w\-./:#]+")
# Seats counted by ticket type in one cell ("2 x Plein tarif, 1 x Tarif réduit"): a quantity, their sum.
# A party written without the « x » (« 2 adultes, 1 enfant », "2 Adults, 1 Child", « 2 Erwachsene, 1 Kind »)
# is one too when each count is followed by a word of a kind of person: "12 rue Haute, 3e étage"
# or "2 Main St, 1 Apt" never is. The words are written as RE2 (DuckDB) and Python both read them, no
# single quote among them (the pattern is pasted into SQL).
_PARTY_WORDS = (r"adults?|adultes?|child|children|childs|kids?|enfants?|bambins?|seniors?|students?|[ée]tudiants?"
                r"|concessions?|youths?|juniors?|teens?|teenagers?|infants?|babies|baby|b[ée]b[ée]s?|toddlers?"
                r"|jeunes?|ados?|adolescents?|r[ée]duits?"
                r"|erwachsener?|erwachsene|kinder|kind|jugendliche|jugendlicher|sch[üu]ler|studenten|senioren"
                r"|erm[äa](?:ß|ss)igte?")
_COUNTED_ITEM = (r"[0-9]{1,4}\s*(?:[xX×]\s*[^0-9\s,;+/|][^,;+/|]*"
                 rf"|\s(?i:{_PARTY_WORDS})(?:[^A-Za-z,;+/|][^,;+/|]*)?)")
COUNTED_SQL = rf"{_COUNTED_ITEM}(\s*[,;+/|]\s*{_COUNTED_ITEM})*"
COUNTED = re.compile(COUNTED_SQL)
# The count of each ticket type in such a cell (its group 1), in Python and in DuckDB's regexp_extract_all:
# the number each item of a cell ``COUNTED`` matches whole begins with.
COUNT_OF_ITEM_SQL = r"(?:^|[,;+/|])\s*([0-9]{1,4})"
_COUNT_OF_ITEM = re.compile(COUNT_OF_ITEM_SQL)


def seats_sum(cells: list[str | None]) -> str | None:
    """The seats of one column per ticket type added, as ``prepare`` adds them (``columns._seats_sum``):
    the total as text, None when no seat is written, the cells as written when one of them is no
    whole number (the row is then rejected with what it says)."""
    total = 0
    for cell in cells:
        if cell is None or not cell.strip():
            continue
        found = _amount(cell.strip())
        if found is None or found.value < 0 or found.value != found.value.to_integral_value():
            return " + ".join(c or "" for c in cells)
        total += int(found.value)
    return str(total) if total else None


def ticket_types_in(value: str) -> int:
    """How many ticket types a quantity cell counts seats of ("2 adultes, 1 enfant": 2); 0 when it
    is no such cell (a plain number, "2 places")."""
    text = value.strip()
    return len(_COUNT_OF_ITEM.findall(text)) if COUNTED.fullmatch(text) else 0


def seats_of(value: str) -> int | None:
    """The number of seats a quantity cell says: a whole number, or seats counted by ticket type
    ("2 x Plein tarif, 1 x Tarif réduit" is 3), as ``prepare`` reads it; None otherwise."""
    text = value.strip()
    if text.isdigit():
        return int(text)
    if COUNTED.fullmatch(text):
        return sum(int(n) for n in _COUNT_OF_ITEM.findall(text))
    return None
_NAME = re.compile(r"[^\W\d_]+([ '’\-.,]+[^\W\d_]+){0,4}\.?")
_BREAK = re.compile(r"[\s,]")


# An extension after a number (« poste 22 », « ext. 12 », « x345 », « #104 »), dropped as cc_phone drops it.
_PHONE_EXTENSION = re.compile(r"(?i)[\s,;]*(?:ext\.?|extension|poste|p\.|x|#)\s*\d{1,6}\s*$")


def _looks_phone(value: str) -> bool:
    value = _PHONE_EXTENSION.sub("", value)
    if not _PHONE_CHARS.fullmatch(value) or _NUMERIC_DATE.match(value) or _ISO_DATE.match(value):
        return False
    digits = _NOT_DIGIT.sub("", value)
    formatted = value.startswith(("+", "0", "(")) or bool(_PHONE_SEPARATED.search(value))
    # Norwegian and Danish numbers have eight digits, written in groups ("484 14 522", "23 97 50 59").
    return (formatted and 9 <= len(digits) <= 15) or (len(digits) == 8 and bool(_EIGHT_GROUPED.fullmatch(value)))


def _postcode(value: str) -> str | None:
    for country, pattern in _POSTCODES.items():
        if pattern.fullmatch(value):
            return country
    return None


def _name_like(value: str) -> bool:
    return bool(_NAME.fullmatch(value))


def _multiword(value: str) -> bool:
    """``Marie Tremblay``, ``TREMBLAY, Marie``, ``Tremblay/Marie``."""
    return _name_like(value.replace("/", ", ")) and bool(_BREAK.search(value))


# A cell that says nothing, where a vendor or a spreadsheet's user writes it instead of leaving the cell
# empty: signs alone (« - », « — », « / », « ? ») and the words for « not given » (lower case, accents
# stripped). In a column of amounts it is read as an empty cell is: a price « - » or « N/A » is a row
# without a price (``blank_price``), never a sign that the column holds no amounts.
NO_VALUE_WORDS = frozenset({"n/a", "n.a.", "n.a", "#n/a", "n/d", "n.d.", "nc", "n.c.", "n/c", "null", "none", "nil",
                            "nan", "neant", "sans objet", "s/o", "non renseigne", "non communique", "k.a.", "keine angabe",
                            "not applicable", "not available"})
_NO_VALUE_SIGNS = re.compile(r"[-\u2010-\u2015?./*_\s]*")
NO_VALUE_SQL_PATTERN = ("[-\u2010-\u2015?./*_[:space:]]*|" + "|".join(
    re.escape(w).replace("\\ ", " ") for w in sorted(NO_VALUE_WORDS))).replace("'", "''")


def says_no_value(value: str | None) -> bool:
    """True for a cell that is empty or says nothing (``NO_VALUE_WORDS``, signs alone)."""
    text = (value or "").strip()
    folded = fold(text)
    return not text or bool(_NO_VALUE_SIGNS.fullmatch(text)) or folded in NO_VALUE_WORDS


def no_value_sql(column: str) -> str:
    """SQL: whether ``column`` is NULL, empty or says nothing (``says_no_value``). The pattern is tried only on a
    short value without a digit, so that a column of amounts pays one cheap test per row."""
    return (f"CASE WHEN {column} IS NULL THEN true WHEN length({column}) > 20 OR regexp_matches({column}, '[0-9]') "
            f"THEN false ELSE regexp_full_match(lower(strip_accents(trim({column}))), '{NO_VALUE_SQL_PATTERN}') END")


def text_or_null_sql(column: str) -> str:
    """SQL: ``column`` trimmed, NULL where it is empty or says nothing (« - », « N/A »: ``says_no_value``)."""
    return f"CASE WHEN {no_value_sql(f'trim({column})')} THEN NULL ELSE trim({column}) END"


# Non-empty values of a column, as a share, that must be amounts for its cells saying nothing to be read as empty.
_AMOUNTS_BESIDE_NO_VALUE = 0.8


def profile_columns(header: list[str], rows: list[list[str | None]], con: duckdb.DuckDBPyConnection,
                    day_first: bool | None = None) -> list[Column]:
    """Measure every column of the sampled ``rows``; date formats are tried in DuckDB on ``con``."""
    columns = []
    for index, name in enumerate(header):
        values = [v.strip() for row in rows if index < len(row) and (v := row[index]) and v.strip()]
        said = [v for v in values if says_no_value(v)]
        if said and len(said) < len(values):
            # « - » or « N/A » among amounts: a cell left empty, as the rows without a price are.
            amounts = [v for v in values if v not in said and _amount(v) is not None]
            if len(amounts) >= _AMOUNTS_BESIDE_NO_VALUE * (len(values) - len(said)):
                values = [v for v in values if v not in said]
        column = Column(index=index, name=name, values=values, sampled_rows=len(rows))
        _measure(column)
        columns.append(column)
    _measure_dates(columns, con)
    return columns


_MEASURED = 1000  # values per column whose shape is measured (the first ones)


def _shapes(value: str) -> tuple[str, ...]:
    """The shapes one value has (measured once per distinct value)."""
    found = []
    if EMAIL.fullmatch(email_text(value)):
        found.append("email")
    if _looks_phone(value):
        found.append("phone")
    if _DIGITS_PHONE.fullmatch(value):
        found.append("phone_digits")
    country = _postcode(value)
    if country:
        found += ["postcode", f"postcode_{country}"]
    amount = _amount(value)
    if amount is not None:
        found.append("amount")
        if _INTEGER.fullmatch(value):
            found.append("integer")
    if _CODE.fullmatch(value):
        found.append("currency_code")
    for shape, classify in (("boolean", vocab.classify_boolean), ("status", vocab.classify_status),
                            ("channel", vocab.classify_channel), ("language", vocab.classify_language)):
        if classify(value) is not None:
            found.append(shape)
    if vocab.fold(value) in _GENDERS:
        found.append("gender")
    if _name_like(value):
        found.append("name")
    if _multiword(value):
        found.append("multiword")
    if _TIME_ONLY.fullmatch(value):
        found.append("time")
    if _CLOCK.search(value) and not value.endswith(" 00:00:00"):
        found.append("clock")
    if " " not in value and _TOKEN.fullmatch(value):
        found.append("token")
    if COUNTED.fullmatch(value.strip()):
        found.append("counted")
    return tuple(found)


def _measure(column: Column) -> None:
    measured = column.values[:_MEASURED]
    if not measured:
        return
    counts: Counter[str] = Counter()
    amounts: list[Decimal] = []
    for value, times in Counter(measured).items():
        for shape in _shapes(value):
            counts[shape] += times
        amount = read_amount(value, column.amount, times)
        if amount is not None:
            amounts.extend([amount] * times)
    column.shares = {shape: count / len(measured) for shape, count in counts.items()}
    if amounts:
        column.amount.median = Decimal(statistics.median(amounts))


# Unix times (seconds, or milliseconds as JavaScript writes them) read as dates: from 2000 to 2035,
# so that no id, amount or phone number of ten digits passes for one.
EPOCH_SECONDS = (946_684_800, 2_082_758_400)
_EPOCH = re.compile(r"\d{10}|\d{13}")
# Ten digits are attendee and barcode numbers as often as times: only under a header that says a time.
_EPOCH_HEADER = re.compile(r"(?i)(?:^|[^a-z])(?:date|time|timestamp|created|updated|at|on|datum|zeit|heure|horodatage"
                           r"|when|purchased|ordered|paid)(?:$|[^a-z])|_at$|At$")


def is_epoch(value: str) -> bool:
    """Whether ``value`` is a Unix time (seconds or milliseconds) between 2000 and 2035."""
    text = value.strip()
    if not _EPOCH.fullmatch(text):
        return False
    seconds = int(text) // (1000 if len(text) == 13 else 1)
    return EPOCH_SECONDS[0] <= seconds <= EPOCH_SECONDS[1]


# Excel's serial dates: the days since 30 December 1899 (1 January 1904 in a workbook of Excel for Mac's
# 1904 date system), the time of day as their fraction: « 46300,443056 » is 5 October 2026 at 10:38, as a
# sheet whose date column is formatted as a number writes it into a CSV, or a number cell of a workbook.
# Five digits, with a decimal point or a comma, from 1990 to 2100 (from 1927 for birth dates); the draft
# takes a column's numbers for such dates only under a header that names a date (``names_a_date``).
EXCEL_SERIAL_SQL = r"[0-9]{5}(?:[.,][0-9]+)?"
_EXCEL_SERIAL = re.compile(EXCEL_SERIAL_SQL)
EXCEL_SERIALS = (32_874, 73_051)
BIRTH_SERIAL_FROM = 10_000
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def excel_serial(value: str, base: dt.datetime = EXCEL_EPOCH, earliest: int = EXCEL_SERIALS[0]) -> dt.datetime | None:
    """The wall-clock time an Excel serial date ``value`` stands for (to the nearest second), or None:
    what ``prepare`` reads (``dates.timestamp_sql``)."""
    text = value.strip()
    if not _EXCEL_SERIAL.fullmatch(text):
        return None
    number = float(text.replace(",", "."))
    if not earliest <= number <= EXCEL_SERIALS[1]:
        return None
    return base + dt.timedelta(seconds=math.floor(number * 86400 + 0.5))


# Header words of a date column (beside the date fields' own wordings): only there is a number a serial date.
_DATE_HEADER_WORDS = frozenset({"date", "dates", "datum", "fecha", "data", "dato", "time", "timestamp", "horodatage",
                                "heure", "created", "updated", "naissance", "birth", "birthday", "dob"})
_DATE_FIELDS = ("purchased_at", "event_starts_at", "birth_date")
# Fields of amounts and counts: a header naming one at all is no date's (« Montant payé le »).
_COUNTED_FIELDS = ("unit_price", "total_price", "quantity", "capacity")


def names_a_date(header: str) -> bool:
    """Whether ``header`` names a date (« Date vente », "Created", « Date de naissance ») rather than a
    number, an amount or a count (« Numéro de commande », « Code séance », « Quantité par date », "Paid at
    door"), which no serial date is."""
    dated = max(vocab.header_score(f, header) for f in _DATE_FIELDS)
    if dated < 0.5 and not set(vocab.tokens(header)) & _DATE_HEADER_WORDS:
        return False
    return all(vocab.header_score(f, header) < (0.5 if f in _COUNTED_FIELDS else max(dated, 0.5) + 1e-9)
               for f in vocab.HEADERS if f not in _DATE_FIELDS)


# A day and a month without a year (« 01/09 », « 1.9. »): typed by hand among dates that carry theirs,
# ``prepare`` gives a purchase the year of the lines around it (``validate._dates_without_year``).
# The two numbers are its groups, in Python and in DuckDB's regexp_extract.
YEARLESS_SQL = r"\s*([0-9]{1,2})[/.\-]([0-9]{1,2})\.?\s*"
_YEARLESS = re.compile(YEARLESS_SQL)


def is_yearless(value: str) -> bool:
    return _YEARLESS.fullmatch(value) is not None


def numeric_day_first(formats: Iterable[str]) -> bool | None:
    """Whether numeric dates are written day first, as the first of ``formats`` that writes a day and a
    month number with no year before them does; None when none does (ISO dates only)."""
    for fmt in formats:
        year = min((fmt.index(y) for y in ("%Y", "%y") if y in fmt), default=len(fmt))
        if "%d" in fmt and "%m" in fmt and year > min(fmt.index("%d"), fmt.index("%m")):
            return fmt.index("%d") < fmt.index("%m")
    return None


def _measure_dates(columns: list[Column], con: duckdb.DuckDBPyConnection) -> None:
    """Which strptime formats read each column's values (zone suffix removed), in one query."""
    pairs: list[tuple[int, str]] = []
    for column in columns:
        for value in column.values[:400]:
            plain, zone = strip_zone(value)
            if zone is not None:
                column.zoned += 1
                column.zones[zone] += 1
            if named_date(plain) is not None:
                column.named_dates += 1
                continue
            match = _NUMERIC_DATE.match(plain)
            if match is not None:
                first, second = int(match.group(1)), int(match.group(2))
                day, month = column.day_first_votes
                column.day_first_votes = (day + (first > 12 >= second), month + (second > 12 >= first))
            if re.search(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}", plain):
                pairs.append((column.index, plain))
    # A column typed by hand mixes styles (« 24/09/2025 », « 26/9/25 »): it is a date as far as
    # any format reads it (``draft_settings.cover_formats`` then writes the few that read it all).
    read: dict[int, set[int]] = {}
    if pairs:
        reads = _reads(con, [v for _c, v in pairs])
        for fmt, positions in reads.items():
            for position in positions:
                column = columns[pairs[position][0]]
                column.formats[fmt] = column.formats.get(fmt, 0) + 1
                read.setdefault(column.index, set()).add(position)
    for column in columns:
        checked = min(len(column.values), 400)
        if checked:
            best = len(read.get(column.index, ()))
            if numeric_day_first(column.formats) is not None:  # day and month first: the year-less too
                best += sum(1 for value in column.values[:400] if is_yearless(value))
            epochs = sum(1 for value in column.values[:400] if is_epoch(value)) if _EPOCH_HEADER.search(column.name) else 0
            if epochs >= 0.9 * checked:  # an API's times in Unix seconds ("created_at": 1788410632)
                best = max(best, epochs)
            if names_a_date(column.name):  # Excel's serial dates (« 46300,443056 ») under a date's header
                earliest = BIRTH_SERIAL_FROM if vocab.header_score("birth_date", column.name) >= 0.5 else EXCEL_SERIALS[0]
                column.serials = sum(1 for value in column.values[:400]
                                     if excel_serial(value, earliest=earliest) is not None)
                best += column.serials
            column.shares["date"] = min(1.0, (best + column.named_dates) / checked)
            column.shares["zoned"] = column.zoned / checked


def _reads(con: duckdb.DuckDBPyConnection, values: list[str]) -> dict[str, set[int]]:
    """strptime format -> positions of ``values`` it reads (a year between 1900 and 2100).

    Each value proposes the few formats its shape allows (``candidate_formats``); DuckDB, the
    engine ``prepare`` runs, decides which read it. The format must be a constant for DuckDB:
    each is a bound parameter of its own aggregate, and one scan tries them all.
    """
    formats = list(dict.fromkeys(f for v in values for f in candidate_formats(v)))
    if not formats:
        return {}
    params: dict[str, object] = {"v": values}
    aggregates = []
    for k, fmt in enumerate(formats):
        params[f"f{k}"] = fmt
        aggregates.append(f"list(i) FILTER (WHERE year(try_strptime(v, $f{k})) BETWEEN 1900 AND 2100)")
    row = con.execute(
        f"SELECT {', '.join(aggregates)} FROM (SELECT unnest($v) AS v, unnest(range(len($v))) AS i)", params,
    ).fetchall()[0]
    return {fmt: {int(i) for i in positions} for fmt, positions in zip(formats, row, strict=True) if positions}


def evaluate_formats(con: duckdb.DuckDBPyConnection, values: list[str]) -> dict[str, set[int]]:
    """strptime format -> the positions of the ``values`` (zone suffixes removed) it reads."""
    if not values:
        return {}
    return _reads(con, [strip_zone(v)[0] for v in values])


def is_time_only(column: Column) -> bool:
    return column.share("time") >= 0.9


def is_date_only(column: Column) -> bool:
    """Dates without a time of day (``SAMEDI 8 AOÛT 2026``, ``08/08/2026``, a date cell at midnight)."""
    return column.date_share >= 0.8 and column.share("clock") <= 0.05
