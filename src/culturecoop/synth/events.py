"""One member's events: dates by season, productions, artists, genres, prices.

Events are drawn on the days of ``WINDOW_START``..``WINDOW_END`` weighted by the member's
months and weekdays (September–June seasons for the theatre and the orchestra, a July peak
for the festival), then grouped into productions (a theatre run, an orchestra programme, an
exhibition) that share title, artists and genres. The planted signals set here: the share
of productions with a Québec headliner (``MemberSpec.local_share``) and, at
``TREND_MEMBER``, an electronic share that rises linearly over the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from culturecoop.folding import fold
from culturecoop.schema.taxonomy import GENRE_SYNONYMS
from culturecoop.synth import catalog as cat
from culturecoop.synth import names

_NAME_POOLS_LOCAL = (names.GIVEN_FR_F + names.GIVEN_FR_M, names.SURNAMES_FR)
_NAME_POOLS_INTL = (cat.INTL_GIVEN, cat.INTL_SURNAMES)


def genre_of_label(label: str) -> str:
    """The taxonomy genre a vendor label folds to (lower-case, accent-free lookup), or ``other``."""
    return GENRE_SYNONYMS.get(fold(label.strip()), "other")


@dataclass
class Events:
    """A member's events in chronological order (index = position)."""

    event_id: np.ndarray  # object arrays of str
    title: np.ndarray
    venue: np.ndarray
    venue_postal: np.ndarray
    venue_capacity: np.ndarray
    starts_at: np.ndarray  # datetime64[m], local wall clock
    labels: list[tuple[str, ...]]  # vendor genre labels
    artists: list[tuple[str, ...]]
    is_local: np.ndarray
    language: np.ndarray
    popularity: np.ndarray
    cancelled: np.ndarray
    price_cents: np.ndarray  # full price of the production
    capacity: np.ndarray  # set once tickets are drawn

    @property
    def n(self) -> int:
        return len(self.event_id)

    def has_genre(self, genre: str) -> np.ndarray:
        return np.array([any(genre_of_label(x) == genre for x in ls) for ls in self.labels])


def _pick(rng: np.random.Generator, pool: tuple[str, ...]) -> str:
    return pool[int(rng.integers(0, len(pool)))]


def _weighted(rng: np.random.Generator, pairs: tuple[tuple[str, float], ...]) -> str:
    w = np.array([p for _, p in pairs])
    return pairs[int(rng.choice(len(pairs), p=w / w.sum()))][0]


def _person(rng: np.random.Generator, local: bool) -> str:
    given, surnames = _NAME_POOLS_LOCAL if local else _NAME_POOLS_INTL
    return f"{_pick(rng, given)} {_pick(rng, surnames)}"


def _production(rng: np.random.Generator, spec: cat.MemberSpec, local: bool,
                label: str) -> tuple[str, tuple[str, ...]]:
    """Title and artists (headliner first) of one production of ``spec``'s kind."""
    kind = spec.kind
    if kind == "jazz_club":
        bands = cat.LOCAL_JAZZ_BANDS if local else cat.INTL_JAZZ_BANDS
        head = (_pick(rng, bands) if rng.random() < 0.35
                else f"{_person(rng, local)} {_pick(rng, cat.JAZZ_FORMATS)}")
        artists: tuple[str, ...] = (head,)
        if rng.random() < 0.2:
            artists += (_person(rng, rng.random() < 0.5),)
        roll = rng.random()
        title = (f"Hommage à {_pick(rng, cat.JAZZ_HOMAGES)}" if roll < 0.1
                 else "Jam session du Dièse" if roll < 0.16
                 else f"{head} - lancement d'album" if roll < 0.26 else head)
        return title, artists
    if kind == "theatre":
        company = _pick(rng, cat.LOCAL_COMPANIES if local else cat.INTL_COMPANIES)
        return _pick(rng, cat.THEATRE_TITLES), (company, _person(rng, local))
    if kind == "festival":
        head = (_pick(rng, cat.LOCAL_DJS if local else cat.INTL_DJS) if rng.random() < 0.6
                else _person(rng, local))
        support = _pick(rng, cat.LOCAL_DJS + cat.INTL_DJS)
        artists = (head, support) if support != head else (head,)
        roll = rng.random()
        title = (head if roll < 0.5 else f"{head} b2b {support}" if roll < 0.65
                 else f"{spec.name} : {head}")
        return title, artists
    if kind == "orchestra":
        soloist = (_pick(rng, cat.LOCAL_ENSEMBLES if local else cat.INTL_ENSEMBLES)
                   if rng.random() < 0.15 else f"{_person(rng, local)} ({_pick(rng, cat.INSTRUMENTS)})")
        conductor = _pick(rng, cat.HOUSE_CONDUCTOR_LOCAL + cat.HOUSE_CONDUCTOR_INTL)
        return _pick(rng, cat.ORCHESTRA_TITLES), (soloist, conductor, spec.name)
    if kind == "museum":
        artists = (_person(rng, local),)
        if rng.random() < 0.4:
            artists += (_person(rng, rng.random() < 0.6),)
        return _pick(rng, cat.EXHIBITION_TITLES), artists
    # reseller: pop, rock, comedy, electronic tours
    if genre_of_label(label) == "comedy" or rng.random() < 0.5:
        head = _person(rng, local)
    else:
        head = _pick(rng, cat.LOCAL_POP if local else cat.INTL_POP)
    return f"{head} - {_pick(rng, cat.TOUR_NAMES)}", (head,)


def _event_days(rng: np.random.Generator, spec: cat.MemberSpec, n: int,
                window: tuple[np.datetime64, np.datetime64]) -> np.ndarray:
    days = np.arange(window[0], window[1])
    months = days.astype("datetime64[M]").astype(int) % 12
    weekdays = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    w = np.array(spec.month_weights)[months] * np.array(spec.weekday_weights)[weekdays]
    return np.sort(days[rng.choice(len(days), size=n, p=w / w.sum())])


def make_events(rng: np.random.Generator, spec: cat.MemberSpec, n: int, *,
                season: tuple[dt.datetime, dt.datetime] | None = None, first_number: int = 0) -> Events:
    """``n`` events of ``spec`` over the period, grouped into productions.

    With ``season`` (the upcoming season, ``catalog.upcoming_season``), the events fall in it
    instead and are numbered from ``first_number``.
    """
    first_day, end_day = season or (cat.WINDOW_START, cat.WINDOW_END)
    window = (np.datetime64(first_day, "D"), np.datetime64(end_day, "D"))
    days = _event_days(rng, spec, n, window)
    times = np.array([np.timedelta64(int(h) * 60 + int(m), "m") for h, m in
                      (t.split(":") for t in spec.start_times)])
    tw = 0.6 ** np.arange(len(times))
    starts = days.astype("datetime64[m]") + times[rng.choice(len(times), size=n, p=tw / tw.sum())]
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    span = (np.datetime64(cat.WINDOW_END, "m") - np.datetime64(cat.WINDOW_START, "m")).astype(float)
    frac = np.minimum((starts - np.datetime64(cat.WINDOW_START, "m")).astype(float) / span, 1.0)

    title = np.empty(n, dtype=object)
    venue_idx = np.empty(n, dtype=np.int64)
    labels: list[tuple[str, ...]] = []
    artists: list[tuple[str, ...]] = []
    is_local = np.empty(n, dtype=bool)
    language = np.empty(n, dtype=object)
    price = np.empty(n, dtype=np.int64)
    popularity = rng.lognormal(0.0, 0.45, size=n)
    venue_w = np.array([v.capacity for v in spec.venues], dtype=float) ** 0.5
    lo, hi = spec.price_range
    # Systematic sampling: the trend genre's share in any stretch of time follows the planted
    # line closely, instead of wandering with independent coin flips.
    trend_acc = rng.random()
    i = 0
    while i < n:
        run = max(1, int(rng.poisson(spec.run_length))) if spec.run_length > 1 else 1
        block = slice(i, min(n, i + run))
        local = bool(rng.random() < spec.local_share)
        if spec.member_id == cat.TREND_MEMBER:
            trend_acc += cat.TREND_START + (cat.TREND_END - cat.TREND_START) * frac[i]
            trend = trend_acc >= 1.0
            trend_acc -= float(trend)
            main = _weighted(rng, cat.TREND_LABELS) if trend else _weighted(rng, spec.genres)
        else:
            main = _weighted(rng, spec.genres)
        ev_labels: tuple[str, ...] = (main,)
        if rng.random() < 0.25:
            extra = _pick(rng, spec.extra_genres)
            if genre_of_label(extra) != genre_of_label(main) and (
                    genre_of_label(extra) != cat.TREND_GENRE or spec.member_id != cat.TREND_MEMBER):
                ev_labels += (extra,)
        ev_title, ev_artists = _production(rng, spec, local, main)
        lang_w = np.array(spec.languages_local if local else spec.languages_intl)
        count = block.stop - block.start
        title[block] = ev_title
        labels.extend([ev_labels] * count)
        artists.extend([ev_artists] * count)
        is_local[block] = local
        language[block] = cat.EVENT_LANGUAGES[int(rng.choice(4, p=lang_w / lang_w.sum()))]
        venue_idx[block] = int(rng.choice(len(spec.venues), p=venue_w / venue_w.sum()))
        base = lo + (hi - lo) * rng.random()
        price[block] = round(base * 2) * 50 + (25 if rng.random() < 0.2 else 0)
        popularity[block] *= rng.lognormal(0.0, 0.5)
        i = block.stop
    prefix_style, start = spec.ids[1], spec.id_start[1]
    event_id = np.array([prefix_style.format(start + first_number + k) for k in range(n)], dtype=object)
    venues = spec.venues
    return Events(
        event_id=event_id, title=title,
        venue=np.array([venues[v].name for v in venue_idx.tolist()], dtype=object),
        venue_postal=np.array([venues[v].postal_code for v in venue_idx.tolist()], dtype=object),
        venue_capacity=np.array([venues[v].capacity for v in venue_idx.tolist()], dtype=np.int64),
        starts_at=starts, labels=labels, artists=artists, is_local=is_local, language=language,
        popularity=popularity, cancelled=rng.random(n) < spec.event_cancel_rate,
        price_cents=price, capacity=np.zeros(n, dtype=np.int64),
    )
