"""A member's programme: its upcoming events, loaded before anyone has bought a ticket.

A programme is public information (what a venue announces). It comes as the venue keeps it: a CSV
(any separator, UTF-8 or Latin-1), an Excel sheet, JSON records, compressed or not; headers in
French or English, the cooperative's (``event_id,event_title,event_starts_at,venue,
venue_postal_code,genres,artists,capacity,is_local,event_language,price``) or a ticketing tool's
(``Event ID``, ``Event Name``, ``Event Start Date`` + ``Event Start Time``, ``Titre``, ``Date``,
``Heure``, ``Salle``, ``Jauge``, ``Prix``, ``Langue``…). Dates as ISO 8601, ``23/11/2026 20h00``,
``11/23/2026 8:00 PM`` or ``samedi 23 novembre 2026, 20 h``; lists split by ``|``, ``;``, ``,`` or
``/`` (whichever the column uses); genres in French or English vendor words, folded to the
cooperative's taxonomy; prices such as ``45,00 $``, ``CAD 45.00``, ``25–45`` (the lowest) or
``Gratuit``. Without an event id, an event is named by its title and start. Loading replaces the
member's programme in one transaction; a bad row refuses the whole file with its line and reason.

A programme's texts (ids, titles, venues, artists, genres) are shown to other members and in their
campaigns as they are written, so a file where one carries what ``prepare`` keeps from leaving a
member (an e-mail address, a phone number, a date that may be a birth date) is refused: privacy
fails closed. Starts are believed in ``prepare``'s years, prices are never negative and capacities
are whole numbers of seats within ``prepare``'s bound.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb

from culturecoop.errors import UserError
from culturecoop.folding import fold as accent_free
from culturecoop.i18n import _, count
from culturecoop.ingest.guard import dates_in_text, personal_in_texts
from culturecoop.ingest.normalize import install_normalizers
from culturecoop.ingest.title_dates import date_in_text
from culturecoop.ingest.validate import EARLIEST_TICKET_YEAR, MAX_YEARS_AHEAD
from culturecoop.reco import data
from culturecoop.reco.table_files import as_delimited_text, copies_removed_after, read_text_table
from culturecoop.schema.taxonomy import GENRE_SYNONYMS
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.members import MEMBERS_SQL, require_member

REQUIRED = ("event_id", "event_starts_at")
# Columns whose text is shown to other members as written (genres as the file's words before folding).
SHOWN = ("event_id", "event_title", "venue", "artists", "genres")
EARLIEST_YEAR = EARLIEST_TICKET_YEAR  # an event's year as ``prepare`` believes it: 1950 to ``MAX_YEARS_AHEAD`` years ahead
MAX_CAPACITY = 2_000_000_000  # the largest capacity ``prepare`` keeps (``ingest.split``)
# A full date in a shown text this long before the event is no date of the show: maybe someone's birth.
BIRTH_DATE_GAP = timedelta(days=366)
SAMPLE_EVENTS = 8  # events shown back, as read, after a load
OPTIONAL = ("event_title", "venue", "venue_postal_code", "genres", "artists", "capacity", "is_local",
            "event_language", "price")
# Other headers for the same columns, compared without case, accents, spaces or punctuation
# (``Event Start Date``, ``Date de début``, ``Nom du spectacle``…), in order of preference; the
# cooperative's own name always wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("eventid", "idevenement", "evenementid", "idspectacle", "showid", "performanceid", "representationid",
                 "idrepresentation", "seanceid", "idseance", "sessionid", "eventcode", "codeevenement", "identifiant", "id"),
    "event_title": ("eventname", "eventtitle", "title", "titre", "nomdelevenement", "titredelevenement", "nomduspectacle",
                    "titreduspectacle", "spectacle", "show", "showname", "performance", "production", "name", "nom",
                    "evenement", "event"),
    "event_starts_at": ("startsat", "eventstartdatetime", "startdatetime", "eventstartdate", "eventstart", "startdate", "start",
                        "starts", "datetime", "dateheure", "dateetheure", "datedebut", "datededebut", "debut",
                        "daterepresentation", "datedelarepresentation", "dateduspectacle", "showdate", "performancedate",
                        "eventdate", "date", "when", "quand"),
    "start_time": ("eventstarttime", "starttime", "heuredebut", "heurededebut", "heuredelarepresentation", "showtime",
                   "heure", "time"),
    "venue": ("venuename", "nomdelasalle", "nomdulieu", "salle", "lieu", "location", "place", "site"),
    "venue_postal_code": ("venuepostalcode", "venuezip", "venuezipcode", "venuepostcode", "postalcode", "postcode",
                          "zipcode", "zip", "codepostal", "cp"),
    "genres": ("genre", "categories", "category", "categorie", "eventcategory", "disciplines", "discipline", "styles",
               "style", "tags", "eventtype", "type"),
    "artists": ("artist", "artistes", "artiste", "performers", "performer", "lineup", "interpretes", "interprete",
                "headliner", "tetedaffiche", "compagnie", "company"),
    "capacity": ("jauge", "capacite", "capacitetotale", "totalcapacity", "maxcapacity", "seats", "places",
                 "nombredeplaces", "quantityavailable", "quantity"),
    "is_local": ("islocal", "local", "artistelocal", "localartist", "artistlocal", "quebecois", "artistequebecois"),
    "event_language": ("eventlanguage", "language", "langue", "languedelevenement", "langueduspectacle", "lang"),
    "status": ("eventstatus", "statut", "statutdelevenement", "statutevenement", "etat", "state", "statutdelarepresentation"),
    "price": ("prix", "tarif", "ticketprice", "prixdubillet", "prixbillet", "fullprice", "pleintarif", "tarifplein",
              "tarifregulier", "regularprice", "pricefrom", "apartirde", "cost", "cout"),
}
TRUE = frozenset({"true", "1", "yes", "y", "oui", "o", "vrai", "x", "✓", "✔", "local"})
FALSE = frozenset({"false", "0", "no", "n", "non", "faux", "-"})
LANGUAGES = {"fr": "fr", "francais": "fr", "french": "fr", "francophone": "fr", "en": "en", "anglais": "en",
             "english": "en", "anglophone": "en", "bilingual": "bilingual", "bilingue": "bilingual", "fr/en": "bilingual",
             "en/fr": "bilingual", "fr-en": "bilingual", "fr+en": "bilingual", "francais et anglais": "bilingual",
             "french and english": "bilingual", "none": "none", "instrumental": "none", "aucune": "none",
             "sans paroles": "none", "sans texte": "none", "no words": "none", "non verbal": "none", "nonverbal": "none"}
# Written language names and codes the cooperative does not tell apart: kept as "another language".
OTHER_LANGUAGES = frozenset({"es", "espagnol", "spanish", "de", "allemand", "german", "it", "italien", "italian",
                             "pt", "portugais", "portuguese", "ar", "arabe", "arabic", "zh", "chinois", "chinese",
                             "ja", "japonais", "japanese", "he", "hebreu", "hebrew", "ru", "russe", "russian",
                             "autre", "other", "multilingue", "multilingual", "cri", "cree", "innu", "inuktitut"})
# An event's status that says it will not take place (folded words, matched inside the cell:
# ``Canceled``, ``Cancelled``, ``Annulé``, ``Événement annulé``, ``Supprimé``, ``Deleted``).
CANCELLED = ("cancel", "annul", "supprim", "deleted")
FREE = frozenset({"gratuit", "gratuite", "free", "entree libre", "libre", "contribution volontaire", "pay what you can"})
MONTHS = {"jan": 1, "janv": 1, "janvier": 1, "january": 1, "feb": 2, "fev": 2, "fevr": 2, "fevrier": 2, "february": 2,
          "mar": 3, "mars": 3, "march": 3, "apr": 4, "avr": 4, "avril": 4, "april": 4, "may": 5, "mai": 5,
          "jun": 6, "juin": 6, "june": 6, "jul": 7, "juil": 7, "juillet": 7, "july": 7, "aug": 8, "aou": 8, "aout": 8,
          "august": 8, "sep": 9, "sept": 9, "septembre": 9, "september": 9, "oct": 10, "octobre": 10, "october": 10,
          "nov": 11, "novembre": 11, "november": 11, "dec": 12, "decembre": 12, "december": 12}
_NUMERIC_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{2,4})")
_DAY_AND_MONTH = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})(?![\d/])")  # « 14/02 », a date without its year
_WRITTEN_DATE = re.compile(r"(?:(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+([a-z]{3,9})\.?,?\s+(\d{4})|([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))")
_NEGATIVE = re.compile(r"[^\d]*[-\u2212]\s*\d")  # « -38.25 », « CAD -38,25 »: a minus before the first digit
_CLOCK = re.compile(r"(\d{1,2})\s*(?:[:h]\s*(\d{2})?(?::(\d{2}))?|(?=\s*[ap]\.?m))\s*([ap])?\.?(?:m\.?)?")


def fold(label: str) -> str:
    return accent_free(label.strip())


def _squeeze(name: str) -> str:
    return "".join(c for c in fold(name) if c.isalnum())


def _columns(names: list[str]) -> dict[str, int]:
    """Which position holds each column: its own name first, else its first alias present."""
    squeezed = [_squeeze(n) for n in names]
    found: dict[str, int] = {}
    for column in (*REQUIRED, *OPTIONAL, "start_time", "status"):
        for alias in (_squeeze(column), *ALIASES.get(column, ())):
            if alias in squeezed and squeezed.index(alias) not in found.values():
                found[column] = squeezed.index(alias)
                break
    return found


def _separator(values: list[str]) -> str | None:
    """The separator a list column uses, from the characters its cells hold."""
    counts: Counter[str] = Counter()
    for value in values[:400]:
        for sep in ("|", ";", ",", "/"):
            counts[sep] += value.count(sep)
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def _split(value: str | None, separator: str | None) -> list[str]:
    parts = (value or "").split(separator) if separator else [value or ""]
    return [x.strip() for x in parts if x.strip()]


def _genres(values: list[str]) -> list[str]:
    return list(dict.fromkeys(GENRE_SYNONYMS.get(fold(label), "other") for label in values))


def _day_first(values: list[str]) -> bool:
    """Whether numeric dates of this column are day first (23/11/2026, as in French) or month first
    (11/23/2026): a first number above 12 says day, a second above 12 says month, an AM/PM clock
    says month (English usage); otherwise day, the francophone default."""
    pm = False
    for value in values:
        match = _NUMERIC_DATE.search(value) or _DAY_AND_MONTH.search(value)
        if match and len(match.group(1)) <= 2:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12:
                return True
            if second > 12:
                return False
        pm = pm or bool(re.search(r"\d\s*[ap]\.?m\b", value.lower()))
    return not pm


def _clock(text: str) -> time | None:
    """The time of day in ``text`` (``20:00``, ``20h30``, ``20 h``, ``8:00 PM``, ``8 pm``), or None."""
    match = _CLOCK.search(text.lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(4) == "p" and hour < 12:
        hour += 12
    elif match.group(4) == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


# A programme's date written without its year (« sam. 14 février, 20 h ») is the first such day at
# most this many days before the day the programme is read: a season ahead, and the last weeks' shows.
YEARLESS_PAST_DAYS = 60


def _year_near(month: int, day: int, today: date) -> int | None:
    """The year of the first ``day``/``month`` on or after ``YEARLESS_PAST_DAYS`` before ``today``."""
    earliest = today.toordinal() - YEARLESS_PAST_DAYS
    for year in range(today.year - 1, today.year + 5):  # a 29 February waits for its leap year
        try:
            if date(year, month, day).toordinal() >= earliest:
                return year
        except ValueError:
            continue
    return None


def parse_start(value: str, day_first: bool = True, today: date | None = None) -> datetime | None:
    """The local start of an event from how programmes write it, or None. An offset (``-05:00``,
    ``Z``) is dropped: the venue's wall clock is what the programme means. A date written without
    its year (« 14/02 à 20h30 », « sam. 14 février 20 h », ``Sat 21 Mar, 7:30pm``: read as event names'
    dates are, ``ingest.title_dates``) takes the year of its first such day after ``today`` less
    ``YEARLESS_PAST_DAYS``; without ``today`` it is no date."""
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" T", "T"))
        return moment.replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        pass
    low = fold(text)
    day: tuple[int, int, int] | None = None
    rest = low
    numeric = _NUMERIC_DATE.search(low)
    if numeric:
        a, b, c = numeric.groups()
        if len(a) == 4:
            day = (int(a), int(b), int(c))
        else:
            year = int(c) + (2000 if len(c) == 2 else 0)
            day = (year, int(b), int(a)) if day_first else (year, int(a), int(b))
        rest = low[:numeric.start()] + " " + low[numeric.end():]
    else:
        written = _WRITTEN_DATE.search(low)
        if written:
            d, m, y, m2, d2, y2 = written.groups()
            month = MONTHS.get((m or m2 or "").rstrip("."))
            if month is None:
                return None
            day = (int(y or y2), month, int(d or d2))
            rest = low[:written.start()] + " " + low[written.end():]
    if day is None:
        return _date_in_words(text, day_first, today)
    try:
        moment = datetime(*day)
    except ValueError:
        return None
    clock = _clock(rest)
    return datetime.combine(moment.date(), clock) if clock else moment


def _date_in_words(text: str, day_first: bool, today: date | None) -> datetime | None:
    found = date_in_text(text, day_first)
    if found is None:
        return None
    year = found.year if found.year is not None else _year_near(found.month, found.day, today) if today else None
    if year is None:
        return None
    try:
        return datetime(year, found.month, found.day, found.hour, found.minute)
    except ValueError:
        return None


def _amount(value: str | None, whole: bool) -> float | None:
    """A number as programmes write it: ``45,00 $``, ``CAD 45.00``, ``1 200``, ``1,200``, ``25–45``
    (the lowest: the price from which one gets in); ``Gratuit`` / ``Free`` is 0. Raises ValueError."""
    text = (value or "").strip()
    if not text:
        return None
    if fold(text) in FREE:
        return 0.0
    if whole and fold(text) in ("illimite", "unlimited", "n/a", "na"):
        return None
    numbers = re.findall(r"\d[\d\s\u00a0\u202f.,']*", text)
    if not numbers:
        raise ValueError(text)
    parsed = []
    for number in numbers:
        digits = re.sub(r"[\s\u00a0\u202f']", "", number).rstrip(".,")
        if "," in digits and "." in digits:
            decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
            digits = digits.replace("." if decimal == "," else ",", "").replace(",", ".")
        elif "," in digits:
            digits = digits.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", digits) else digits.replace(",", ".")
        elif whole and re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            digits = digits.replace(".", "")
        parsed.append(float(digits))
    return min(parsed)


def _language(value: str) -> tuple[str | None, bool]:
    """The cooperative's language code of a programme's cell, and whether it names another language."""
    key = fold(value)
    if key in LANGUAGES:
        return LANGUAGES[key], False
    if key.startswith(("fr-", "fr_")):
        return "fr", False
    if key.startswith(("en-", "en_")):
        return "en", False
    if key in OTHER_LANGUAGES or re.fullmatch(r"[a-z]{2}([-_][a-z]{2})?", key):
        return None, True
    parts = [x.strip() for x in re.split(r"\s*(?:/|,|&|\+|;|\bet\b|\band\b)\s*", key) if x.strip()]
    if len(parts) > 1:  # "Français / Anglais", "fr, en", "French and English"
        codes = {_language(x)[0] for x in parts}
        return ("bilingual" if {"fr", "en"} <= codes else "fr" if "fr" in codes else "en" if "en" in codes else None), \
            not ({"fr", "en"} & codes)
    raise ValueError(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60]


@dataclass
class Programme:
    events: list[dict[str, Any]]
    columns: dict[str, str] = field(default_factory=dict)  # each column read → the file's header
    other_languages: int = 0  # events in a language the cooperative does not tell apart (kept without one)
    merged: int = 0  # rows that repeated an event already listed (a ticket type, a price level), merged into it
    cancelled: int = 0  # rows whose status says the event is cancelled: left out


def read_programme(path: Path, country: str = "CA", today: date | None = None) -> Programme:
    """``_read_programme``, its converted copies of the file removed on return (a dashboard reads
    programmes for as long as it runs)."""
    with copies_removed_after():
        return _read_programme(path, country, today)


def _read_programme(path: Path, country: str, today: date | None) -> Programme:
    """The programme's rows, checked and normalized (raises UserError on the first bad row).
    ``today`` (by default the day it runs): the day a start written without its year is placed from
    (``parse_start``).

    A venue's postal code is cut to the area ``prepare`` keeps for the member's ``country``
    (``H2T``, ``FR-750``, ``GB-SW4``), so that upcoming and past events name their places alike."""
    if path.is_dir():
        raise UserError(_("Programme file {path} is a folder; give the path of the file inside it.").format(path=path))
    if not path.is_file():
        raise UserError(_("Programme file {path} does not exist; check the path.").format(path=path))
    if path.stat().st_size == 0:
        raise UserError(_("{path} lists no event; give one upcoming event per row.").format(path=path))
    text = as_delimited_text(path)
    con = duckdb.connect()
    try:
        try:
            rel = read_text_table(con, text, skiprows=0)[0]
            names = [str(c).strip() for c in rel.columns]
            rows = rel.fetchall()
        except duckdb.Error:
            raise UserError(_("{path} cannot be read as CSV; give a comma-separated file with a header row.").format(
                path=path)) from None
        area = _venue_areas(con, country)  # installs the normalizers the personal-data check uses too
        checks = con.cursor()  # its own results: ``area`` leaves one open on ``con``
        try:
            return _events(path, names, rows, area, lambda texts: personal_in_texts(checks, texts, country),
                           today or date.today())
        finally:
            checks.close()
    finally:
        con.close()


def _venue_areas(con: duckdb.DuckDBPyConnection, country: str) -> Callable[[str], str | None]:
    """A venue's postal code → its area, by the rule ``prepare`` applies to the member's exports."""
    install_normalizers(con, country)
    areas: dict[str, str | None] = {}

    def area(postal: str) -> str | None:
        if not postal.strip():
            return None
        if postal not in areas:
            areas[postal] = con.execute("SELECT cc_area_here(?)", [postal]).fetchall()[0][0]
        return areas[postal]
    return area


def _events(path: Path, names: list[str], rows: list[tuple[Any, ...]], area: Callable[[str], str | None],
            personal: Callable[[list[str]], dict[str, str]], today: date | None = None) -> Programme:
    at = _columns(names)
    latest_year = (today or date.today()).year + MAX_YEARS_AHEAD
    if "event_starts_at" not in at or ("event_id" not in at and "event_title" not in at):
        wanted = "event_starts_at" if "event_starts_at" not in at else "event_id"
        raise UserError(_("{path} has no column {column} (its columns: {names}); a programme needs each event's start (event_starts_at, or Date) and its id or title (event_id, or Titre).").format(
            path=path, column=wanted, names=", ".join(names[:12])))

    def column(name: str) -> list[str]:
        return [str(r[at[name]] or "") for r in rows] if name in at else []

    starts = column("event_starts_at")
    day_first = _day_first(starts)
    separators = {name: _separator(column(name)) for name in ("genres", "artists")}
    out: list[dict[str, Any]] = []
    first_line: dict[str, tuple[int, int]] = {}  # event id → (its index in ``out``, its first line)
    merged = other_languages = cancelled = 0
    shown: list[tuple[int, str, str, str, datetime]] = []  # (line, column, its header, text, the event's start)
    for n, raw in enumerate(rows, start=2):
        row = {name: ("" if raw[i] is None else str(raw[i])) for name, i in at.items()}
        if not any(v.strip() for v in row.values()):
            continue  # a blank line between blocks of a spreadsheet
        if any(word in fold(row.get("status", "")) for word in CANCELLED):
            cancelled += 1  # an audience for a show that will not happen would only waste a campaign
            continue
        title = row.get("event_title", "").strip() or None
        started = parse_start(row["event_starts_at"], day_first, today)
        if started is not None and started.time() == time(0) and row.get("start_time", "").strip():
            clock = _clock(fold(row["start_time"]))
            if clock is None:
                raise UserError(_("{path} line {line}: start time {value!r} is not a time of day; write it like 20:00.").format(
                    path=path, line=n, value=row["start_time"]))
            started = datetime.combine(started.date(), clock)
        if started is None:
            raise UserError(_("{path} line {line}: event_starts_at {value!r} is not a date and time; write it as YYYY-MM-DD HH:MM.").format(
                path=path, line=n, value=row["event_starts_at"]))
        if not EARLIEST_YEAR <= started.year <= latest_year:
            raise UserError(_("{path} line {line}: event_starts_at {value!r} falls in the year {year}; write the start with a year from {first} to {last}, as YYYY-MM-DD HH:MM.").format(
                path=path, line=n, value=row["event_starts_at"], year=started.year, first=EARLIEST_YEAR, last=latest_year))
        event_id = row.get("event_id", "").strip()
        if not event_id and title and "event_id" not in at:
            event_id = f"{_slug(title)}-{started:%Y%m%d-%H%M}"
        if not event_id:
            raise UserError(_("{path} line {line} has no event_id; fix or remove that row.").format(path=path, line=n))
        local = fold(row.get("is_local", ""))
        if local and local not in TRUE | FALSE:
            raise UserError(_("{path} line {line}: is_local {value!r} is not yes or no; write true or false.").format(path=path, line=n, value=local))
        language: str | None = None
        if row.get("event_language", "").strip():
            try:
                language, other = _language(row["event_language"])
            except ValueError:
                raise UserError(_("{path} line {line}: event_language {value!r} is unknown; use fr, en, bilingual or none.").format(
                    path=path, line=n, value=row["event_language"])) from None
            other_languages += other
        numbers: dict[str, float | None] = {}
        for name, whole in (("capacity", True), ("price", False)):
            try:
                numbers[name] = _amount(row.get(name), whole)
            except ValueError:
                if name == "capacity":  # « write it like 45.00 » asked for a price in a column of seats
                    raise _not_seats(path, n, row["capacity"]) from None
                raise UserError(_("{path} line {line}: {column} {value!r} is not a number; write it like 45.00.").format(
                    path=path, line=n, column=name, value=row.get(name))) from None
        capacity, price = numbers["capacity"], numbers["price"]
        if capacity is not None and (capacity > MAX_CAPACITY or capacity != int(capacity) or _NEGATIVE.match(row["capacity"])):
            raise _not_seats(path, n, row["capacity"])
        if price and _NEGATIVE.match(row["price"]):
            raise UserError(_("{path} line {line}: price {value!r} is negative, and a price cannot be; write the price of one admission, like 45.00, or 0 for a free show.").format(
                path=path, line=n, value=row["price"]))
        event = {
            "event_id": event_id, "title": title, "starts_at": started,
            "venue": row.get("venue", "").strip() or None, "venue_fsa": area(row.get("venue_postal_code", "")),
            "genres": _genres(_split(row.get("genres"), separators["genres"])),
            "artists": _split(row.get("artists"), separators["artists"]),
            "capacity": int(capacity) if capacity is not None else None,
            "is_local": (local in TRUE) if local else None,
            "language": language,
            "price": price,
        }
        for name in SHOWN:
            if name in at:
                texts = _split(row[name], separators[name]) if name in separators else [row[name].strip()]
                shown += [(n, name, names[at[name]], text, started) for text in texts if text]
        if event_id in first_line:
            index, line = first_line[event_id]
            if not _same_event(out[index], event):
                raise UserError(_("{path} line {line} repeats event {event} of line {first} with another start or title; give each event its own id.").format(
                    path=path, line=n, event=event_id, first=line))
            _merge(out[index], event)
            merged += 1
            continue
        first_line[event_id] = (len(out), n)
        out.append(event)
    _refuse_personal(path, shown, personal(list({text for *_where, text, _start in shown})))
    if not out and cancelled:
        raise UserError(_("{path} lists only cancelled events ({n}); give the events that will take place.").format(path=path, n=count(cancelled)))
    if not out:
        raise UserError(_("{path} lists no event; give one upcoming event per row.").format(path=path))
    return Programme(out, {name: names[i] for name, i in at.items()}, other_languages, merged, cancelled)


def _not_seats(path: Path, line: int, value: str) -> UserError:
    """A capacity that is no number of seats (a word, a fraction, a negative or an impossible hall)."""
    return UserError(_("{path} line {line}: capacity {value!r} is not a number of seats; write the seats on sale as a whole number from 0 to {most}, like 220.").format(
        path=path, line=line, value=value, most=count(MAX_CAPACITY)))


def _refuse_personal(path: Path, shown: list[tuple[int, str, str, str, datetime]], found: dict[str, str]) -> None:
    """Raise on the first shown text that carries an e-mail address or a phone number (``found``,
    by ``prepare``'s rules for free text) or, in words (not in an id: ``20051123`` is a number),
    a full date more than ``BIRTH_DATE_GAP`` before its event. ``prepare`` compares dates with its
    patrons' birth dates; a programme has no patrons, so any such date is refused."""
    for line, name, column, text, started in shown:
        if found.get(text) == "email":
            what = _("an e-mail address")
        elif found.get(text) == "phone":
            what = _("a phone number")
        elif name != "event_id" and any(day < started.date() - BIRTH_DATE_GAP for day in dates_in_text(text)):
            what = _("a date more than a year before the event, which may be a birth date")
        else:
            continue
        raise UserError(_("Nothing was loaded: {path} line {line}, column {column}, carries {what}; a programme's texts are shown to other members as they are written, so remove it from that cell and load the file again.").format(
            path=path, line=line, column=column, what=what))


def _same_event(kept: dict[str, Any], row: dict[str, Any]) -> bool:
    return kept["starts_at"] == row["starts_at"] and (not kept["title"] or not row["title"] or kept["title"] == row["title"])


def _merge(kept: dict[str, Any], row: dict[str, Any]) -> None:
    """A second row of the same event (an events export lists one row per ticket type or price
    level): its lists are added, the lowest price kept (the price one gets in from), the largest
    capacity (a ticket type's quantity is part of the hall; a repeated capacity is the hall)."""
    for name in ("genres", "artists"):
        kept[name] = list(dict.fromkeys([*kept[name], *row[name]]))
    for name, pick in (("price", min), ("capacity", max)):
        values = [v for v in (kept[name], row[name]) if v is not None]
        kept[name] = pick(values) if values else None
    for name in ("title", "venue", "venue_fsa", "is_local", "language"):
        if kept[name] is None:
            kept[name] = row[name]


def member_country(warehouse: Warehouse, member_id: str) -> str:
    """The country of the member's venues, read from the areas its exports gave them (``FR-750`` is
    France, ``H2X`` Canada); from its patrons' areas when no venue has one; Canada when none does."""
    for table, column in (("event", "venue_fsa"), ("patron", "fsa")):
        row = warehouse.query(
            f"""SELECT CASE WHEN {column} LIKE '__-%' THEN upper(left({column}, 2)) ELSE 'CA' END AS country, count(*) AS n
                FROM {table} WHERE member_id = ? AND coalesce({column}, '') <> ''
                GROUP BY 1 ORDER BY n DESC, country LIMIT 1""", [member_id])
        if row:
            return str(row[0]["country"])
    return "CA"


def load_programme(warehouse: Warehouse, member_id: str, path: Path) -> dict[str, Any]:
    """Replace the member's programme with the file's events."""
    require_member(warehouse.query(MEMBERS_SQL), member_id)
    now = datetime.now(UTC).replace(tzinfo=None)
    # Upcoming is after the cooperative's data day, as the audiences' own query says (today before
    # the first refresh of the analytics).
    try:
        as_of = data.as_of(warehouse)
    except duckdb.CatalogException:
        as_of = None
    day = as_of.date() if isinstance(as_of, datetime) else as_of if isinstance(as_of, date) else now.date()
    # A start without its year is placed from the day the programme is read, not the data's day.
    programme = read_programme(path, member_country(warehouse, member_id), now.date())
    rows = programme.events
    with warehouse.transaction() as con:
        con.execute("DELETE FROM reco_upcoming_event WHERE member_id = ?", [member_id])
        con.executemany(
            "INSERT INTO reco_upcoming_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[member_id, r["event_id"], r["title"], r["starts_at"], r["venue"], r["venue_fsa"], r["genres"],
              r["artists"], r["capacity"], r["is_local"], r["language"], r["price"], now] for r in rows])
    return {"member_id": member_id, "events": len(rows), "first": min(r["starts_at"] for r in rows).isoformat(),
            "last": max(r["starts_at"] for r in rows).isoformat(), "columns": programme.columns,
            "past": sum(r["starts_at"].date() <= day for r in rows), "other_languages": programme.other_languages,
            "merged": programme.merged, "cancelled": programme.cancelled,
            # The first events as read, to check at a glance that the file was understood.
            "sample": [{"event_id": r["event_id"], "title": r["title"], "starts_at": r["starts_at"].isoformat(timespec="minutes"),
                        "genres": r["genres"], "language": r["language"], "is_local": r["is_local"], "price": r["price"]}
                       for r in sorted(rows, key=lambda r: r["starts_at"])[:SAMPLE_EVENTS]]}
