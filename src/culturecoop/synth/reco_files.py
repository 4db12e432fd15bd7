"""What the recommender needs from ``synth``: each member's programme and a truth log.

- ``programme/<member>.csv``: the member's announced next season (upcoming events, public
  information, no ticket yet), in the cooperative's programme format, for
  ``culturecoop reco programme``.
- ``reco/interactions.csv`` and ``reco/items.csv``: every attendance by true person (past and
  upcoming) and every event's content, in ``reco evaluate``'s format. Truth like
  ``truth.json``: for tests and benchmarks, never a package. ``reco evaluate --synth DIR``
  splits them at the end of the period: the upcoming events are the cold-start test items.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from culturecoop.synth import catalog as cat
from culturecoop.synth.events import Events, genre_of_label
from culturecoop.synth.population import person_ids
from culturecoop.synth.tickets import SOLD, MemberData

PROGRAMME_COLUMNS = ("event_id", "event_title", "event_starts_at", "venue", "venue_postal_code",
                     "genres", "artists", "capacity", "is_local", "event_language", "price")
ITEM_COLUMNS = ("item_id", "member", "genres", "artists", "venue", "language", "is_local", "price",
                "weekday", "month", "first_available")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _time(value: np.datetime64) -> str:
    return str(value.astype("datetime64[s]")).replace("T", " ")


def write_programmes(out: Path, data: dict[str, MemberData]) -> dict[str, str]:
    """One programme CSV per member (its upcoming events); returns member → path in ``out``."""
    folder = out / "programme"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for member_id, d in data.items():
        if d.upcoming is None:
            continue
        e = d.upcoming.events
        path = folder / f"{member_id}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(PROGRAMME_COLUMNS)
            for i in range(e.n):
                writer.writerow([e.event_id[i], e.title[i], _time(e.starts_at[i]), e.venue[i], e.venue_postal[i],
                                 "|".join(e.labels[i]), "|".join(e.artists[i]), int(e.venue_capacity[i]),
                                 "true" if e.is_local[i] else "false", e.language[i], f"{e.price_cents[i] / 100:.2f}"])
        paths[member_id] = str(path.relative_to(out))
    return paths


def _item_rows(member_id: str, e: Events, first: np.ndarray) -> list[list[Any]]:
    rows = []
    for i in range(e.n):
        genres = sorted({genre_of_label(label) for label in e.labels[i]})
        start = e.starts_at[i].astype("datetime64[D]")
        weekday = WEEKDAYS[(int(start.astype(int)) + 3) % 7]
        month = int(str(start)[5:7])
        rows.append([f"{member_id}:{e.event_id[i]}", member_id, "|".join(genres), "|".join(e.artists[i]),
                     e.venue[i], e.language[i], "true" if e.is_local[i] else "false",
                     f"{e.price_cents[i] / 100:.2f}", weekday, month, _time(first[i])])
    return rows


def write_reco_log(out: Path, data: dict[str, MemberData]) -> dict[str, Any]:
    """The truth log and item table; returns their paths, the cutoff and the counts."""
    folder = out / "reco"
    folder.mkdir(parents=True, exist_ok=True)
    interactions = folder / "interactions.csv"
    items = folder / "items.csv"
    future = 0
    with interactions.open("w", newline="", encoding="utf-8") as fi, items.open("w", newline="", encoding="utf-8") as fe:
        log, table = csv.writer(fi), csv.writer(fe)
        log.writerow(("user_id", "item_id", "timestamp"))
        table.writerow(ITEM_COLUMNS)
        for member_id, d in data.items():
            t, e = d.tickets, d.events
            sold = t.status == SOLD
            person = d.records.person[t.record[sold]]
            event, bought = t.event[sold], t.purchased_at[sold]
            key = person.astype(np.int64) * e.n + event
            order = np.lexsort((bought, key))
            first_of_pair = np.r_[True, key[order][1:] != key[order][:-1]]
            keep = order[first_of_pair]
            ids = person_ids(person[keep])
            for pid, ev, when in zip(ids, event[keep].tolist(), bought[keep], strict=True):
                log.writerow((pid, f"{member_id}:{e.event_id[ev]}", _time(when)))
            first = np.full(e.n, np.datetime64(cat.WINDOW_END, "s"))
            np.minimum.at(first, t.event, t.purchased_at)
            table.writerows(_item_rows(member_id, e, first))
            if d.upcoming is not None:
                u = d.upcoming
                for pid, ev, when in zip(person_ids(u.person), u.event.tolist(), u.bought_at, strict=True):
                    log.writerow((pid, f"{member_id}:{u.events.event_id[ev]}", _time(when)))
                future += len(u.person)
                announced = np.full(u.events.n, np.datetime64(cat.WINDOW_END, "s") + np.timedelta64(60, "s"))
                table.writerows(_item_rows(member_id, u.events, announced))
    return {"reco_interactions": str(interactions.relative_to(out)), "reco_items": str(items.relative_to(out)),
            "reco_cutoff": cat.WINDOW_END.isoformat(), "upcoming_attendances": future}
