"""Item content as a sparse feature matrix, learned from the training items only.

Any table of items can be encoded, whatever its columns are called: each column is read as
one of four kinds, decided from the training items' values (never from test items, so no
future data shapes the encoding):

- ``flag``: yes/no values (``true``, ``1``, ``oui``…) → one feature;
- ``number``: values that are numbers (a year, a price) → quantile bands whose edges come from the
  training items, plus the neighbouring band at half weight (close years look alike);
- ``date``: values that are calendar dates (``1995-07-14``, ``01-Jan-1995``, ``14/07/1995``,
  ``1995-07``, ``July 1995``, a time after it) → its year, banded like a number: a release date
  says when, not which label;
- ``text``: free text with mostly distinct values (a title, a description) → its words, also when
  a few titles hold ``|`` (``Dune Messiah Deluxe Edition | Hardcover``) or the values are lists
  of paragraphs joined by ``|`` (``_free_text_parts``; never genres nor names); when most of its values
  end with a year in brackets (``Toy Story (1995)``, ``Hamlet (2019)``, how MovieLens and many
  catalogues write a title) and no other column dates the items (a year, a release date), that
  year is also a column of its own, ``title (year)``, banded like a number;
- ``link``: web addresses (``http://…``) → no feature: an address names an item, it does not
  describe it;
- ``labels``: a column of codes: named as one (``venue_id``, ``workId``, ``isbn``, ``postal_code``,
  ``zip``, ``sku``: ``is_code``) or whose whole numbers have no order (``_codes``: written with
  leading zeros, ``02139``; or large numbers in one narrow band, as a knowledge graph numbers its
  entities, ``3846`` to ``9358``; or large and nearly all distinct) — a code is a name, never a
  quantity, so it is never banded like a number (a venue's id is a label shared by its events; a
  book's own id, on one item each, is no feature), unless the column is named as a quantity
  (``price``, ``duration``, ``year``, a count: ``is_quantity``); and anything else, lists split
  by ``|`` (genres, artists, a venue, a language) — or by ``;`` or ``,`` in a column without
  ``|`` whose values are combinations of fewer parts than there are values (``Action,Adventure``,
  ``Drama, Comedy``: a few genres in many combinations), never a column of names that merely hold
  a comma (``Salle A, Montréal``).

What tools write for "no value" (``\\N``, ``NA``, ``null``, ``NaN``…) is no value, in every
kind; and a column is read as numbers or dates when nearly all its values are (``NUMERIC_SHARE``):
one stray ``unknown`` among a thousand years must not turn every year into a label of its own.
A value written as a list literal (``['Action', 'Drama']``, ``["Jazz"]``, ``[{'id': 28, 'name':
'Action'}]``, as pandas or a JSON export writes lists) is read as the list of its parts.

A token becomes a feature only when at least ``MIN_ITEMS`` training items carry it: a token seen
on one item teaches nothing about another; a free-text column keeps its ``TEXT_WORDS`` most
frequent words, and the table its ``MAX_FEATURES`` most frequent tokens. Each column weighs the same in an item's vector
(its tokens share the column's unit weight), so a column of many tokens (artists) does not drown
a column of one (language).
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

MIN_ITEMS = 2
# At most this many words of one free-text column, and this many features in all (the most
# frequent): the hybrid's matrices are features × features, so a synopsis column of 18,000 words
# would cost gigabytes and hours.
TEXT_WORDS = 1_000
MAX_FEATURES = 4_000
NUMBER_BANDS = 8
LIST_SEPARATOR = "|"
# Other list separators, tried in this order on a column without ``|`` (``_separator``).
OTHER_SEPARATORS = (";", ",")
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "oui", "o", "vrai", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "non", "faux", "f"})
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# A column counts as free text when most training items have a value of their own.
TEXT_DISTINCT_SHARE = 0.5
# Parts of a ``|`` list this many words long (the median) are sentences, not labels; values this
# many words long, titles rather than names (``_free_text_parts``).
LONG_TEXT_WORDS = 8
TITLE_WORDS = 4
# How tools write "no value" (compared lower-cased): read as empty in every kind. Not "none": an
# event's language is "none" when it has no words (music, dance), a value like any other.
MISSING_WORDS = frozenset({"\\n", "na", "n/a", "nan", "null", "nil", "<na>", "nat", "#n/a"})
# A column is read as numbers (or dates) when at least this share of its training values are;
# the others ("unknown", "?", "c. 1920") give no feature.
NUMERIC_SHARE = 0.95
# A column of web addresses (a film's IMDb page, a poster) names each item, it does not describe it:
# no feature (its commas and slashes would otherwise make junk labels shared by unrelated items).
LINK_PREFIXES = ("http://", "https://", "www.", "ftp://")
# A title ending with its year in brackets: ``Heat (1995)``, ``Babylon 5 (1994-1998)`` (the first
# year), ``[2019]``. Read as a year column when at least this share of a text column's values end so.
_TITLE_YEAR = re.compile(r"[(\[]\s*(1[5-9]\d\d|20\d\d)\s*(?:[-\u2013/]\s*(?:\d{2,4})?\s*)?[)\]]\s*$")
TITLE_YEAR_SHARE = 0.5
# A column named as an identifier: ``id``, ``…_id``, ``… id``, ``…Id``, or a catalogue number.
_IDENTIFIER = re.compile(r"(?:^|[_\s.\-])ids?$|^(?:isbn|isbn10|isbn13|asin|ean|upc|sku|gtin)$", re.IGNORECASE)
_CAMEL_ID = re.compile(r"[a-z0-9]Ids?$")
# Words of a column's name (``_words``) saying it holds codes, not quantities (``is_code``).
CODE_WORDS = frozenset({"id", "ids", "code", "codes", "zip", "zipcode", "postal", "postcode", "postalcode", "isbn",
                        "isbn10", "isbn13", "sku", "ean", "upc", "gtin", "asin", "barcode", "fips", "uuid", "guid",
                        "siret", "siren", "insee"})
# Words of a column's name saying it holds categories: numbered (CiaoDVD's genre 1 to 17), they are
# labels, never bands of a quantity in which genres 3 and 4 look alike (``category_of``).
CATEGORY_WORDS = frozenset({"genre", "genres", "category", "categories", "categorie", "tag", "tags", "class", "classe",
                            "type", "types", "kind", "topic", "topics", "theme", "group", "cluster", "language",
                            "lang", "country", "region"})
# Words of a column's name saying it holds quantities (``is_quantity``): kept as numbers whatever
# their values look like.
QUANTITY_WORDS = frozenset({
    "price", "prices", "cost", "fee", "fees", "amount", "budget", "revenue", "gross", "cents", "dollars", "euros",
    "duration", "runtime", "length", "minutes", "mins", "seconds", "secs", "ms", "hours", "days", "time", "date",
    "timestamp", "year", "years", "age", "count", "counts", "number", "num", "nb", "total", "size", "pages", "page",
    "words", "capacity", "seats", "population", "weight", "height", "width", "depth", "area", "distance",
    "latitude", "longitude", "lat", "lon", "lng", "altitude", "elevation", "tempo", "bpm", "rank", "prix", "duree",
    "durée", "annee", "année", "jauge"})
# Words of a column's name saying it counts or averages the interactions (``looks_like_outcome``):
# Goodbooks' ``ratings_count``, IMDb's ``numVotes`` and ``averageRating``, TMDB's ``vote_count``,
# Yelp's ``stars`` and ``review_count``, Last.fm's ``listeners`` and ``playcount``.
OUTCOME_WORDS = frozenset({
    "rating", "ratings", "score", "scores", "stars", "vote", "votes", "review", "reviews", "popularity", "popular",
    "listeners", "listens", "listen", "playcount", "playcounts", "plays", "play", "scrobbles", "views", "viewers",
    "members", "likes", "favorites", "favourites", "downloads", "watchers", "followers", "fans", "checkins",
    "helpful", "sales", "sold", "purchases", "clicks", "bookings", "attendance", "attendees"})
# Words of a column's name saying it ranks the items by the same interactions (``looks_like_rank``):
# Amazon's ``rank`` ("1,234 in Books") and ``salesRank``, a bestseller list's place, a sales rank.
RANK_WORDS = frozenset({"rank", "ranks", "ranking", "rankings", "ranked", "salesrank", "bestsellerrank", "bsr",
                        "bestseller", "bestsellers", "bestselling"})
# A place in a chart: one word of each (``chart_position``, ``peak_position``, ``weeks_on_chart``).
CHART_WORDS = frozenset({"chart", "charts", "billboard", "hitparade", "peak", "top"})
PLACE_WORDS = frozenset({"position", "positions", "pos", "place", "peak", "weeks"})
# Values read as codes (``_codes``) only from this many on: a handful of numbers tells nothing.
CODE_MIN_VALUES = 20
CODE_DISTINCT_SHARE = 0.9
# A whole number, as pandas also writes one in a column with gaps (``4454.0``).
_INTEGER = re.compile(r"[+-]?(\d+)(?:\.0+)?")
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[^\W\d_A-Z]+|\d+")
# Keys naming a list element's label when the element is a record (``{'id': 28, 'name': 'Action'}``).
LABEL_KEYS = ("name", "label", "title", "value", "tag", "genre")

Raw = Mapping[str, Sequence[str | None]]


def _clean(value: str | None) -> str:
    text = "" if value is None else str(value).strip()
    if text.lower() in MISSING_WORDS:
        return ""
    if len(text) > 1 and text[0] in "[{(" and text[-1] in "]})":
        return _unlist(text)
    return text


def _element(element: object) -> str:
    if isinstance(element, dict):
        for key in LABEL_KEYS:
            if isinstance(element.get(key), str):
                return str(element[key])
        strings = [v for v in element.values() if isinstance(v, str)]
        return strings[0] if strings else ""
    return "" if element is None else str(element)


def _unlist(text: str) -> str:
    """A list literal (``['Action', 'Drama']``, JSON, a record per element) as a ``|`` list; any
    other bracketed text as it is."""
    parsed: object = None
    for parse in (json.loads, ast.literal_eval):
        try:
            parsed = parse(text)
            break
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list | tuple | set | frozenset):
        return text
    parts = [_element(e).strip().replace(LIST_SEPARATOR, " ") for e in parsed]
    return LIST_SEPARATOR.join(p for p in parts if p)


def _number(value: str) -> float | None:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return None
    return number if np.isfinite(number) else None


# A date's year: first (1995-07-14, 1995/07/14, with a time after it or not) or last (01-Jan-1995,
# 14/07/1995, 07.14.1995, "Jul 14, 1995"); the day and month, whatever their order, only have to
# look like a day and a month.
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.+\-Z ]*)?")
_YEAR_LAST = re.compile(r"(?:\d{1,2}[-/. ](?:\d{1,2}|[^\W\d_]{3,10}\.?)|[^\W\d_]{3,10}\.? \d{1,2},?)[-/. ]+(\d{4})")
# A month and its year: 1995-07, 07/1995, "Jul 1995", "juillet 1995".
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4})")
_MONTH_YEAR = re.compile(r"([^\W\d_]{3,10})\.?,? (\d{4})")
MONTHS = frozenset({
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    "janv", "févr", "fevr", "mars", "avr", "mai", "juin", "juil", "août", "aout", "déc", "janvier", "février",
    "fevrier", "avril", "juillet", "septembre", "octobre", "novembre", "décembre", "decembre"})


def _date_year(value: str) -> float | None:
    """The year of a calendar date (or of a month) written in a common form, or None."""
    first = _YEAR_FIRST.fullmatch(value)
    if first and 1 <= int(first.group(2)) <= 12 and 1 <= int(first.group(3)) <= 31:
        return float(first.group(1))
    last = _YEAR_LAST.fullmatch(value)
    if last:
        return float(last.group(1))
    month = _YEAR_MONTH.fullmatch(value)
    if month and 1 <= int(month.group(2) or month.group(3)) <= 12:
        return float(month.group(1) or month.group(4))
    named = _MONTH_YEAR.fullmatch(value)
    return float(named.group(2)) if named and named.group(1).lower() in MONTHS else None


def _numeric(kind: str, value: str) -> float | None:
    return _number(value) if kind == "number" else _date_year(value)


@dataclass
class Column:
    """How one column is encoded: its kind and, for numbers, the band edges."""

    name: str
    kind: str  # flag | number | date | text | labels | link (no feature)
    edges: list[float] = field(default_factory=list)
    separator: str = LIST_SEPARATOR  # labels: what splits a value into its parts
    # A column derived from another one (``title (year)``: the year at the end of ``title``).
    source: str | None = None

    def tokens(self, value: str | None) -> list[tuple[str, float]]:
        """The (token, weight) pairs of one value, before the vocabulary filter."""
        text = _clean(value)
        if self.source is not None:
            found = _TITLE_YEAR.search(text)
            text = found.group(1) if found else ""
        if not text or self.kind == "link":
            return []
        if self.kind == "flag":
            lowered = text.lower()
            return [("yes", 1.0)] if lowered in TRUE_WORDS else [("no", 1.0)] if lowered in FALSE_WORDS else []
        if self.kind in ("number", "date"):
            number = _numeric(self.kind, text)
            if number is None:
                return []
            band = int(np.searchsorted(self.edges, number, side="right"))
            pairs = [(f"band{band}", 1.0)]
            if band > 0:
                pairs.append((f"band{band - 1}", 0.5))
            if band < len(self.edges):
                pairs.append((f"band{band + 1}", 0.5))
            return pairs
        if self.kind == "text":
            return [(w, 1.0) for w in dict.fromkeys(m.lower() for m in _WORD.findall(text))]
        parts = [p.strip().lower() for p in text.split(self.separator)]
        return [(p, 1.0) for p in dict.fromkeys(p for p in parts if p)]


def _separator(lowered: set[str]) -> str:
    """What splits the values of a labels column into parts: ``|``, else ``;`` or ``,`` when the
    values are combinations of fewer distinct parts than there are distinct values."""
    if any(LIST_SEPARATOR in v for v in lowered):
        return LIST_SEPARATOR
    for separator in OTHER_SEPARATORS:
        if any(separator in v for v in lowered):
            parts = {p.strip() for v in lowered for p in v.split(separator)} - {""}
            if len(parts) < len(lowered):
                return separator
    return LIST_SEPARATOR


def is_identifier(name: str) -> bool:
    """Whether a column's name says it holds identifiers (``id``, ``venue_id``, ``workId``, ``isbn``)."""
    return bool(_IDENTIFIER.search(name.strip()) or _CAMEL_ID.search(name.strip()))


def _words(name: str) -> list[str]:
    """The words of a column's name, lowered: ``n_ratings`` → n, ratings; ``numVotes`` → num,
    votes; ``artistID`` → artist, id; ``Year-Of-Publication`` → year, of, publication."""
    return [w.lower() for w in _NAME_WORD.findall(name)]


def is_code(name: str) -> bool:
    """Whether a column's name says it holds codes (an identifier, ``postal_code``, ``zip``, ``sku``)."""
    return is_identifier(name) or bool(set(_words(name)) & CODE_WORDS)


# Lists of other items computed from the interactions themselves (Amazon's ``also_buy``,
# ``also_view``; "frequently bought together", "similar items" a shop's log derives).
_CO_INTERACTION = re.compile(r"also[\W_]*(buy|bought|view|viewed|watched|liked|rated)|bought[\W_]*together|"
                             r"similar[\W_]*(items?|products?)|related[\W_]*(items?|products?)|"
                             r"(customers|people|users)[\W_]*(also|who)", re.IGNORECASE)


def looks_co_interacted(name: str) -> bool:
    """Whether a column's name says it lists the items bought or viewed with this one (``also_buy``)."""
    return bool(_CO_INTERACTION.search(name))


def looks_like_outcome(name: str) -> bool:
    """Whether a column's name says it counts or averages the interactions themselves
    (``n_ratings``, ``vote_count``, ``average_rating``, ``stars``, ``listeners``, ``playcount``...),
    or ranks the items by them (``looks_like_rank``)."""
    words = _words(name)
    return bool(set(words) & OUTCOME_WORDS) or "".join(words) in OUTCOME_WORDS or looks_like_rank(name)


def looks_like_rank(name: str) -> bool:
    """Whether a column's name says it ranks the items by popularity (``rank``, ``salesRank``,
    ``sales_rank``, ``bestseller_rank``, ``chart_position``, ``peak_position``): a rank computed over
    the whole log leaks the test period as a count does, whether written as a number or as text
    (Amazon's "1,234 in Books")."""
    words = set(_words(name))
    charted = words & (CHART_WORDS | PLACE_WORDS)
    return (bool(words & RANK_WORDS) or "".join(_words(name)) in RANK_WORDS
            or (len(charted) >= 2 and bool(charted & CHART_WORDS) and bool(charted & PLACE_WORDS)))


def is_quantity(name: str) -> bool:
    """Whether a column's name says it holds quantities (a price, a duration, a year, a count)."""
    return bool(set(_words(name)) & QUANTITY_WORDS) or looks_like_outcome(name)


def _yyyymmdd(text: str) -> bool:
    return len(text) == 8 and 1500 <= int(text[:4]) <= 2100 and 1 <= int(text[4:6]) <= 12 and 1 <= int(text[6:]) <= 31


def _codes(present: list[str]) -> bool:
    """Whether whole numbers are codes rather than quantities, from their values alone: some are
    written with leading zeros (``02139``: a quantity never is) or as lists (``4454|4222``: a
    quantity is one number), or, from ``CODE_MIN_VALUES`` values
    on and not years (nor dates written ``19950714``), all are large (1000 or more) and either lie
    in one narrow band (the largest less than ten times the smallest: entities a knowledge graph
    numbered from 3846 to 9358) or are nearly all distinct (one code per item)."""
    parts = [p.strip() for v in present for p in v.split(LIST_SEPARATOR)]
    digits = [m.group(1) if m else None for m in (_INTEGER.fullmatch(p) for p in parts)]
    if any(d is None for d in digits):
        return False
    whole = [d for d in digits if d is not None]
    lists = sum(LIST_SEPARATOR in v for v in present)
    if lists >= MIN_ITEMS or sum(len(d) > 1 and d.startswith("0") for d in whole) >= MIN_ITEMS:
        return True
    years = sum(1500 <= int(d) <= 2100 for d in whole)
    if len(whole) < CODE_MIN_VALUES or years >= NUMERIC_SHARE * len(whole) or all(_yyyymmdd(d) for d in whole):
        return False
    numbers = np.array([int(d) for d in whole], dtype=float)
    smallest = float(numbers.min())
    if smallest < 1000:
        return False
    return float(numbers.max()) < 10 * smallest or len(set(whole)) >= CODE_DISTINCT_SHARE * len(whole)


def is_category(name: str) -> bool:
    """Whether a column's name says it holds categories (``genre``, ``categoryID``, ``type``)."""
    return bool(set(_words(name)) & CATEGORY_WORDS)


def _kind_of(values: list[str], *, identifier: bool = False, quantity: bool = False, category: bool = False) -> Column:
    """How a column is encoded, from the training items' values (its name is filled in later):
    ``identifier``, a column named as codes, is labels; ``quantity``, a column named as a quantity,
    is never read as codes by its values; ``category``, a column named as categories, is labels when
    its values are whole numbers."""
    present = [v for v in values if v]
    if not present or identifier or (not quantity and _codes(present)):
        return Column("", "labels")
    if category and not quantity and all(_INTEGER.fullmatch(p.strip()) for v in present for p in v.split(LIST_SEPARATOR)):
        return Column("", "labels")
    if sum(v.lower().startswith(LINK_PREFIXES) for v in present) >= NUMERIC_SHARE * len(present):
        return Column("", "link")
    lowered = {v.lower() for v in present}
    if lowered <= TRUE_WORDS | FALSE_WORDS and len(lowered) <= 2:
        return Column("", "flag")
    for kind in ("number", "date"):
        numbers = [_numeric(kind, v) for v in present]
        finite = np.array([n for n in numbers if n is not None], dtype=float)
        if len(finite) >= NUMERIC_SHARE * len(present):
            edges = np.unique(np.quantile(finite, np.linspace(0, 1, NUMBER_BANDS + 1)[1:-1]))
            return Column("", kind, [float(e) for e in edges])
    separator = _separator(lowered)
    if separator != LIST_SEPARATOR:
        return Column("", "labels", separator=separator)
    distinct = len(set(present)) / len(present)
    if distinct > TEXT_DISTINCT_SHARE and any(" " in v for v in present) and (
            not any(LIST_SEPARATOR in v for v in present) or _free_text_parts(present)):
        return Column("", "text")
    return Column("", "labels")


def _free_text_parts(present: list[str]) -> bool:
    """Whether a column whose values (mostly distinct) hold ``|`` is free text all the same: its
    parts are sentences (``LONG_TEXT_WORDS`` words or more, the median: a description published as
    a list of paragraphs, joined by ``|``), or its values are titles (``TITLE_WORDS`` words or more,
    the median), most of them one part, and the parts mostly distinct (``Dune Messiah Deluxe
    Edition | Hardcover`` in a few of them). Genres and artists' names, shorter and shared by many
    items, stay labels. As labels, each title or paragraph would be a whole string on one item,
    which tells nothing of another."""
    parts = [p.strip() for v in present for p in v.split(LIST_SEPARATOR) if p.strip()]
    if not parts:
        return False
    if float(np.median([len(p.split()) for p in parts])) >= LONG_TEXT_WORDS:
        return True
    listed = sum(LIST_SEPARATOR in v for v in present)
    return (listed < TEXT_DISTINCT_SHARE * len(present) and float(np.median([len(v.split()) for v in present])) >= TITLE_WORDS
            and len({p.lower() for p in parts}) > TEXT_DISTINCT_SHARE * len(parts))


def _years(values: list[str]) -> bool:
    """Whether a column of numbers holds years (whole numbers from 1500 to 2100)."""
    numbers = [_number(v) for v in values if v]
    return bool(numbers) and all(n is not None and n == int(n) and 1500 <= n <= 2100 for n in numbers)


def _title_year(name: str, values: list[str]) -> Column | None:
    """``name (year)``: the year a text column's values end with (``Toy Story (1995)``), when at
    least ``TITLE_YEAR_SHARE`` of them do; None otherwise."""
    present = [v for v in values if v]
    years = [m.group(1) for m in (_TITLE_YEAR.search(v) for v in present) if m]
    if not present or len(years) < TITLE_YEAR_SHARE * len(present):
        return None
    column = _kind_of(years)
    return Column(f"{name} (year)", "number", column.edges, source=name) if column.kind == "number" else None


@dataclass
class FeatureEncoder:
    """Columns and vocabulary learned from training items; encodes any item with them."""

    columns: list[Column]
    vocabulary: dict[tuple[str, str], int]

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def names(self) -> list[str]:
        out = [""] * self.size
        for (column, token), index in self.vocabulary.items():
            out[index] = f"{column}={token}"
        return out

    def column_of(self, name: str) -> np.ndarray:
        """Feature indices of column ``name`` (empty when the column is absent)."""
        return np.array(sorted(i for (c, _t), i in self.vocabulary.items() if c == name), dtype=np.int64)

    def encode(self, items: Raw, n_items: int) -> sp.csr_matrix:
        """Items × features, each present column weighing 1 (its tokens share it)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for column in self.columns:
            values = items.get(column.source or column.name)
            if values is None:
                continue
            for row, value in enumerate(values):
                pairs = [(self.vocabulary.get((column.name, t)), w) for t, w in column.tokens(value)]
                kept = [(i, w) for i, w in pairs if i is not None]
                if not kept:
                    continue
                norm = float(np.sqrt(sum(w * w for _i, w in kept)))
                for index, weight in kept:
                    rows.append(row)
                    cols.append(index)
                    vals.append(weight / norm)
        matrix = sp.csr_matrix((vals, (rows, cols)), shape=(n_items, self.size), dtype=np.float64)
        matrix.sum_duplicates()
        return matrix


def fit_encoder(items: Raw, n_items: int, *, exclude: Sequence[str] = ()) -> FeatureEncoder:
    """Learn columns and vocabulary from ``items`` (training items only)."""
    columns: list[Column] = []
    counts: Counter[tuple[str, str]] = Counter()
    title_years: list[tuple[Column, list[str]]] = []
    years_given = False
    for name, values in items.items():
        if name in exclude:
            continue
        cleaned = [_clean(v) for v in values]
        column = _kind_of(cleaned, identifier=is_code(name), quantity=is_quantity(name), category=is_category(name))
        column.name = name
        seen = 0
        for value in cleaned:
            tokens = {t for t, w in column.tokens(value) if w >= 1.0}
            counts.update((name, t) for t in tokens)
            seen += bool(tokens)
        if seen or column.kind == "link":  # a link is listed (the report says it was read as one), with no feature
            columns.append(column)
        years_given = years_given or column.kind == "date" or (column.kind == "number" and _years(cleaned))
        year = _title_year(name, cleaned) if column.kind == "text" else None
        if year is not None:
            title_years.append((year, cleaned))
    # A title's year, unless a column already dates the items (u.item's release date, a year).
    for year, cleaned in [] if years_given else title_years:
        columns.append(year)
        counts.update((year.name, t) for value in cleaned for t, w in year.tokens(value) if w >= 1.0)
    # The most frequent tokens first: a free-text column keeps its ``TEXT_WORDS`` first words (a
    # synopsis can bring tens of thousands), the table its ``MAX_FEATURES`` first tokens (the
    # model's matrices are features × features).
    text = {c.name for c in columns if c.kind == "text"}
    words: Counter[str] = Counter()
    kept: list[tuple[str, str]] = []
    for key in sorted((k for k, n in counts.items() if n >= MIN_ITEMS), key=lambda k: (-counts[k], k)):
        if key[0] in text:
            words[key[0]] += 1
            if words[key[0]] > TEXT_WORDS:
                continue
        kept.append(key)
    vocabulary = {key: index for index, key in enumerate(sorted(kept[:MAX_FEATURES]))}
    return FeatureEncoder(columns, vocabulary)
