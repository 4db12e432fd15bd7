"""Cooperatives for the analytics tests: a tiny one whose every figure is known, and random
ones for property tests. Rows are written straight into a real warehouse file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from culturecoop.warehouse.engine import Warehouse

TINY_MEMBERS = (("jazz-a", "Jazz A", "jazz_club", "Montréal"),
                ("theatre-b", "Théâtre B", "theatre", "Montréal"),
                ("festival-c", "Festival C", "festival", "Estrie"))
# (member, event, day, genres, capacity, is_local)
TINY_EVENTS = (
    ("jazz-a", "A1", date(2025, 1, 10), ["jazz"], 100, True),
    ("jazz-a", "A2", date(2025, 2, 10), ["jazz"], 100, False),
    ("jazz-a", "A3", date(2025, 3, 10), ["jazz", "blues"], 100, True),
    ("jazz-a", "A9", date(2025, 4, 20), ["jazz"], 50, False),  # upcoming on 2025-03-31
    ("theatre-b", "B1", date(2025, 1, 20), ["theatre"], 200, True),
    ("theatre-b", "B2", date(2025, 3, 20), ["theatre"], 200, True),
    ("festival-c", "C1", date(2025, 2, 15), ["electronic"], 500, False),
)
# Who attends what: person numbers per event.
TINY_ATTENDANCE = {
    "A1": range(0, 30), "A2": range(0, 15), "A3": range(0, 5), "A9": range(0, 4),
    "B1": range(20, 50), "B2": range(20, 25), "C1": range(40, 55),
}
# Person 25 did not agree to pooling at jazz-a (it did at theatre-b).
TINY_NOT_POOLED = {("jazz-a", 25)}


def insert(warehouse: Warehouse, table: str, rows: Iterable[Sequence[Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    marks = ", ".join("?" for _ in rows[0])
    with warehouse.transaction() as con:
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", [list(r) for r in rows])


def patron_row(member: str, patron: str, fsa: str = "H2X") -> tuple[Any, ...]:
    return (member, patron, None, None, None, None, None, None, fsa, "1980-1984", "fr", None)


def ticket_row(member: str, ticket: str, patron: str, event: str, bought: datetime, quantity: int = 1,
               price: float = 30.0, status: str = "sold", order: str | None = None) -> tuple[Any, ...]:
    return (member, ticket, order or ticket, patron, event, bought, quantity, price, "CAD", "web", status)


def tiny_cooperative(path: Path, *, linked: bool = True) -> Path:
    """Three members, 55 people, known overlaps; the data's last sale is on 2025-03-31."""
    with Warehouse(path, create=True) as w:
        insert(w, "member", TINY_MEMBERS)
        insert(w, "event", [(m, e, f"Spectacle {e}", datetime.combine(d, datetime.min.time()) + timedelta(hours=20),
                             "Salle", "H2X" if m != "festival-c" else "J1H", g, ["Artiste"], cap, local, "fr")
                            for m, e, d, g, cap, local in TINY_EVENTS])
        members_of: dict[int, set[str]] = {}
        for m, e, *_ in TINY_EVENTS:
            for person in TINY_ATTENDANCE[e]:
                members_of.setdefault(person, set()).add(m)
        days = {e: d for _m, e, d, *_ in TINY_EVENTS}
        patrons, identity, consent, tickets = [], [], [], []
        for person, members in sorted(members_of.items()):
            for m in sorted(members):
                pid = f"{m[:1].upper()}{person:03d}"
                patrons.append(patron_row(m, pid, "H2X" if person % 2 else "G1R"))
                identity.append((m, pid, f"K{person:04d}", 1.0))
                consent.append((m, pid, "pooling", (m, person) not in TINY_NOT_POOLED, datetime(2025, 1, 1)))
        n = 0
        for m, e, *_ in TINY_EVENTS:
            bought = min(datetime.combine(days[e], datetime.min.time()) - timedelta(days=7), datetime(2025, 3, 31, 12))
            for person in TINY_ATTENDANCE[e]:
                n += 1
                tickets.append(ticket_row(m, f"T{n}", f"{m[:1].upper()}{person:03d}", e, bought - timedelta(days=person % 5)))
        insert(w, "patron", patrons)
        insert(w, "ticket", tickets)
        insert(w, "consent", consent)
        if linked:
            insert(w, "identity", identity)
    return path


@dataclass
class RandomCooperative:
    """A random small cooperative drawn by hypothesis (see test_gate_properties)."""

    members: list[str]
    # person -> {member: [month offsets of visits]} (genre of an event: by its month and member)
    visits: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    not_pooled: set[tuple[int, str]] = field(default_factory=set)

    def write(self, path: Path, *, drop: int | None = None) -> Path:
        """Write the cooperative; ``drop`` leaves one person out entirely."""
        genres = ("jazz", "theatre", "electronic", "classical")
        with Warehouse(path, create=True) as w:
            insert(w, "member", [(m, m, ("jazz_club", "theatre", "festival")[i % 3], "Montréal")
                                 for i, m in enumerate(self.members)])
            events = [(m, f"{m}-{month}", datetime(2025, 1 + month, 10, 20), [genres[(i + month) % 4]])
                      for i, m in enumerate(self.members) for month in range(6)]
            insert(w, "event", [(m, e, e, at, "Salle", "H2X", g, ["A"], 100, False, "fr") for m, e, at, g in events])
            patrons, identity, consent, tickets = [], [], [], []
            n = 0
            for person, visits in sorted(self.visits.items()):
                if person == drop:
                    continue
                for m, months in sorted(visits.items()):
                    pid = f"p{person}"
                    patrons.append(patron_row(m, pid))
                    identity.append((m, pid, f"K{person}", 1.0))
                    consent.append((m, pid, "pooling", (person, m) not in self.not_pooled, datetime(2025, 1, 1)))
                    for month in sorted(set(months)):
                        n += 1
                        tickets.append(ticket_row(m, f"T{n}", pid, f"{m}-{month}", datetime(2025, 1 + month, 1)))
            insert(w, "patron", patrons)
            insert(w, "ticket", tickets)
            insert(w, "consent", consent)
            insert(w, "identity", identity)
        return path
