"""An event's date written inside its title or its ticket type's name.

Eventbrite's orders, a shop's product variations (WooCommerce, Shopify), HelloAsso, Billetweb…
give no date column: the show's date is in a name (« Concert de Noël – 14 décembre 2026 20h30 -
Adulte », « Comedy Gala (Sat 21 Mar, 7:30pm) », « Samstag, 14. Juni 2026, 20 Uhr », « 14/06 à
20h »). ``date_in_text`` finds the first such date and the time written right after it; the year
may be absent (``prepare`` then takes the first such day on or after the event's first purchase).

Only a day with its month counts as a date: a month word beside a day number (« 14 juin »,
« Mar 20 », « 14 de junio »), or numbers with separators (« 13/02/2026 », « 2026-02-13 »,
« 14.06. », « 14/06 »). So « Symphonie n° 9 », « 2001, l'odyssée de l'espace », « Orwell 1984 »,
« Les 400 coups », « Top 50 », a time alone, a phone number or a price are no date. Numbers are
read day first or month first as the rest of the export's dates are (``day_first_of``); a day
range (« 12–14 juillet 2026 ») starts on its first day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa

from culturecoop.folding import fold
from culturecoop.ingest.dates import MONTH_NUMBERS, MONTH_WORDS
from culturecoop.ingest.shapes import numeric_day_first

# Month abbreviations that are words too often beside a number in a title (« 3 out of 5 », « Les
# 4 des… », « DJ set 2 »): a title's date never reads them.
_AMBIGUOUS = {"out", "des", "set", "sie", "lis", "lip", "paz", "sty", "lut", "gen", "lor", "ter"}
_MONTH_OF = {w: m for w, m in zip(MONTH_WORDS, MONTH_NUMBERS, strict=True) if w not in _AMBIGUOUS}
# Month first (« Mar 20 », « June 14, 2026 ») is an English way: its words only.
_ENGLISH = {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul",
            "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec",
            "december"}


def _words(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_M = _words(_MONTH_OF)
_M_EN = _words(_ENGLISH)
_YEAR = r"((?:19|20)\d\d)(?!\d)"
_NO_NUMBER_BEFORE = r"(?<![\d.,:/°#º-])"
# A range or a list of days before their month (« 12–14 », « 11 et dim. 12 », « 10, 11 et 12 juillet »: a pass).
_DAY_ITEM = r"(?:[a-z]{2,9}\.?\s+)?[0-3]?\d(?:er|st|nd|rd|th|\.)?"
_RANGE = rf"(?:(?:\s*,\s*{_DAY_ITEM})*\s*(?:[-–—&+/]|au|al|to|bis|et|and|y|e|und|tot|t/m)\s*{_DAY_ITEM})?"
_DAY_FIRST_WORD = re.compile(
    rf"{_NO_NUMBER_BEFORE}\b([0-3]?\d)(?:er|st|nd|rd|th|\.|º|°)?{_RANGE}\s*(?:de\s+|del\s+)?({_M})\b\.?"
    rf"(?:\s*,?\s*(?:de\s+|del\s+)?{_YEAR})?")
_MONTH_FIRST_WORD = re.compile(
    rf"\b({_M_EN})\b\.?\s+([0-3]?\d)(?:st|nd|rd|th)?(?![\d:h.]|\s*[h:]\s*\d)"
    rf"(?:\s*(?:[-–—&]|to|and)\s*[0-3]?\d(?:st|nd|rd|th)?(?!\d))?(?:\s*,?\s*{_YEAR})?")
_NUMBERS = re.compile(
    rf"{_NO_NUMBER_BEFORE}(?:(?P<from>[0-3]?\d)\s*[-–]\s*)?(\d{{4}}|\d{{1,2}})([/.-])(\d{{1,2}})\3(\d{{4}}|\d{{2}})"
    r"(?!\d|[/.:,-]\d)")
# Without a year: « 14/06 » (two digits each: « 1/2 tarif » is no date) and « 14.06. ».
# A number that is part of a title, not a day: written after a number's mark (« Symphonie n° 9 », « Sonate
# Op. 27 », « BWV 1007 », « Vol. 2 », « Acte 1 », « Saison 3 »), folded as ``fold`` writes it.
_TITLE_NUMBER_MARK = re.compile(
    r"(?:\bn\s*[°º]|\bn[or]s?\.|\bnum(?:ero|ber)?\.?|#|\bop(?:us)?\.?|\bbwv|\bk[v.]|\bhob\.?|\bvol(?:ume)?\.?|\btome"
    r"|\bacte?|\bpart(?:ie)?|\bepisode|\bsaison|\bseason|\bchapitre|\bchapter|\bnumber|\bno)\s*$")
_NUMBERS_NO_YEAR = re.compile(rf"{_NO_NUMBER_BEFORE}(?:(\d\d)/(\d\d)(?![\d/]|[.,:]\d)|([0-3]?\d)\.([01]?\d)\.(?!\d))")
# A time right after the date: « 20h30 », « 20 h », « 20:30 », « 8pm », « 7:30 PM », « 20 Uhr »,
# « 20.30 Uhr », « ore 21 », « à 20h ».
_TIME = re.compile(
    r"^[\s,;|@(/–—-]*(?:(?P<word>a|at|um|om|ore|alle|a las|as|kl\.?|des|from|dalle)\s+)?"
    r"(?:(?P<h1>\d{1,2})\s*[h:]\s*(?P<m1>[0-5]\d)?(?!\d)"
    r"|(?P<h2>\d{1,2})\.(?P<m2>[0-5]\d)(?=\s*(?:uhr|u\b|uur|h\b|[ap]\.?\s?m\b))"
    r"|(?P<h3>\d{1,2})(?=\s*(?:[ap]\.?\s?m\b|uhr|uur|u\b))"
    r"|(?P<h4>\d{1,2})(?:[.:](?P<m4>[0-5]\d))?(?!\d))"
    r"\s*(?:(?P<p>[ap])\.?\s?m\b\.?)?")


@dataclass(frozen=True)
class TextDate:
    """A date found in a text: ``year`` is None when the text does not write it; ``hour`` and
    ``minute`` are 0 when no time follows the date."""

    year: int | None
    month: int
    day: int
    hour: int = 0
    minute: int = 0


def _valid(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year if year is not None else 2000, month)[1]


def _time_after(rest: str) -> tuple[int, int]:
    found = _TIME.match(rest)
    if found is None:
        return 0, 0
    if found.group("h4") is not None and found.group("word") is None and found.group("p") is None:
        return 0, 0  # a bare number after a date is no time (« 14 juin 2026 2 places »)
    hour = int(next(h for h in (found.group(f"h{i}") for i in (1, 2, 3, 4)) if h is not None))
    minute = int(next((m for m in (found.group("m1"), found.group("m2"), found.group("m4")) if m), "0"))
    meridiem = found.group("p")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return 0, 0
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    return (hour, minute) if hour < 24 else (0, 0)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _titled(text: str, at: int) -> bool:
    """Whether the number starting at ``at`` in the folded ``text`` is a title's (« n° 9 », « Op. 27 »)."""
    return _TITLE_NUMBER_MARK.search(text, max(0, at - 12), at) is not None


def _days_before_month(text: str) -> Iterable[re.Match[str]]:
    """The matches of ``_DAY_FIRST_WORD`` whose first day is no title's number (« Symphonie n° 9 – 14 juin » is
    the 14th), nor a day after the last of its range (« Sonate 27 – 15 juin »): such a match is searched again
    from its next number."""
    at = 0
    while (m := _DAY_FIRST_WORD.search(text, at)) is not None:
        last = re.findall(r"\d+", text[m.end(1):m.start(2)])
        if _titled(text, m.start(1)) or (last and int(last[-1]) <= int(m.group(1))):
            at = m.end(1)
            continue
        yield m
        at = m.end()


def _candidates(text: str, day_first: bool) -> list[tuple[int, int, TextDate]]:
    """(where it starts, where it ends, date) of every date written in the folded ``text``."""
    found: list[tuple[int, int, TextDate]] = []
    day_first_spans = []
    for m in _days_before_month(text):
        day_first_spans.append(m.span(1))
        date = TextDate(_year(m.group(3)), _MONTH_OF[m.group(2)], int(m.group(1)))
        if _valid(date.year, date.month, date.day):
            found.append((m.start(), m.end(), date))
    for m in _MONTH_FIRST_WORD.finditer(text):
        # « mar. 20 octobre »: a French Tuesday, not the 20th of March.
        if any(s <= m.start(2) < e for s, e in day_first_spans):
            continue
        date = TextDate(_year(m.group(3)), _MONTH_OF[m.group(1)], int(m.group(2)))
        if _valid(date.year, date.month, date.day):
            found.append((m.start(), m.end(), date))
    for m in _NUMBERS.finditer(text):
        first, second, year_text = m.group(2), int(m.group(4)), m.group(5)
        orders: list[tuple[int | None, int, int]]
        start = m.start()
        range_from = m.group("from")
        if range_from and (_titled(text, m.start("from")) or int(range_from) >= int(m.group(2 if day_first else 4))):
            start, range_from = m.start(2), None  # « Symphonie n° 9 - 14/06/2026 »: the 14th
        if len(first) == 4:  # 2026-02-13
            if len(year_text) != 2 or m.group(3) != "-" or range_from:
                continue
            orders = [(int(first), second, int(year_text))]
        else:
            year = _year(year_text)
            a, b = int(first), second
            preferred, other = ((b, a), (a, b)) if day_first else ((a, b), (b, a))
            if range_from and day_first:  # « 12-14/07/2026 »: from the 12th
                preferred = (b, int(range_from))
            # Read as the export's dates are; the other way only when that way is no date (« 13/02 »).
            orders = [(year, *preferred), (year, *other)]
        for year, month, day in orders:
            if _valid(year, month, day):
                found.append((start, m.end(), TextDate(year, month, day)))
                break
    for m in _NUMBERS_NO_YEAR.finditer(text):
        a, b = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(3)), int(m.group(4)))
        dotted = m.group(1) is None  # « 14.06. » is German: day first
        preferred, other = ((b, a), (a, b)) if (day_first or dotted) else ((a, b), (b, a))
        for month, day in (preferred, other):
            if _valid(None, month, day):
                found.append((m.start(), m.end(), TextDate(None, month, day)))
                break
    return found


@lru_cache(maxsize=4096)
def date_in_text(text: str, day_first: bool = True) -> TextDate | None:
    """The first date written in ``text`` (see the module doc), with the time written right
    after it, or None."""
    folded = fold(text)
    found = _candidates(folded, day_first)
    if not found:
        return None
    _start, end, date = min(found, key=lambda f: (f[0], -f[1]))
    hour, minute = _time_after(folded[end:])
    year = date.year
    if year is None:
        # « 12 juillet – 14 juillet 2026 »: the year written after the range's end.
        after = re.match(rf"^\s*(?:[-–—]|au|al|to|bis)\s*[0-3]?\d\.?\s*(?:de\s+)?(?:{_M})\b\.?\s*(?:de\s+)?,?\s*{_YEAR}",
                         folded[end:])
        year = int(after.group(1)) if after and _valid(int(after.group(1)), date.month, date.day) else None
    return TextDate(year, date.month, date.day, hour, minute)


def day_first_of(datetime_formats: tuple[str, ...], date_formats: tuple[str, ...], country: str) -> bool:
    """Whether the export writes its numeric dates day first: as the first of its formats that
    writes both a day and a month number does, else (ISO dates only) as its country does."""
    day_first = numeric_day_first((*datetime_formats, *date_formats))
    return day_first if day_first is not None else country != "US"


def load_title_dates(con: duckdb.DuckDBPyConnection, relation: str, params: dict[str, Any], day_first: bool) -> None:
    """Create ``title_date(t, p)``: each distinct text of the export's ``event_starts_at`` and the
    date written in it (``p``: y, m, d, hh, mi; ``y`` NULL when not written), for the rows of
    ``relation`` (read once; the texts are few: one per event and ticket type)."""
    texts = [str(r[0]) for r in con.execute(
        f"""SELECT DISTINCT t FROM (SELECT nullif(trim(event_starts_at), '') AS t FROM {relation} WHERE NOT blank)
        WHERE t IS NOT NULL""", params).fetchall()]
    found = [(t, date_in_text(t, day_first)) for t in texts]
    table = pa.table({
        "t": [t for t, _d in found],
        "p": [None if d is None else {"y": d.year, "m": d.month, "d": d.day, "hh": d.hour, "mi": d.minute}
              for _t, d in found],
    }, schema=pa.schema([("t", pa.string()), ("p", pa.struct([(k, pa.int32()) for k in ("y", "m", "d", "hh", "mi")]))]))
    con.register("title_date_found", table)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE title_date AS SELECT * FROM title_date_found")
    finally:
        con.unregister("title_date_found")


def title_start_sql(parts: str, first_purchase: str) -> str:
    """SQL: the TIMESTAMP of the date ``parts`` (a ``title_date.p``); without a year, the first
    such day on or after ``first_purchase`` (the event's first sale), within a year."""
    at = f"{parts}.hh, {parts}.mi, 0"
    return f"""CASE WHEN {parts}.y IS NOT NULL THEN try(make_timestamp({parts}.y, {parts}.m, {parts}.d, {at}))
        ELSE list_transform([CAST({first_purchase} AS DATE)], lambda b: coalesce(
            CASE WHEN try(make_date(year(b), {parts}.m, {parts}.d)) >= b
                 THEN try(make_timestamp(year(b), {parts}.m, {parts}.d, {at})) END,
            try(make_timestamp(year(b) + 1, {parts}.m, {parts}.d, {at}))))[1] END"""
