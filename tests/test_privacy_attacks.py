"""A member attacks the privacy gate: what it may never learn about a person at another member.

Each test builds small cooperatives (real warehouse files) that differ only in what one patron
did at *another* member, lets the attacking member ask its questions, and checks that everything
it is shown is the same in both worlds (or that a figure under k never shows).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from culturecoop.reco import audiences
from culturecoop.warehouse.engine import Warehouse
from test_reports_support import insert, patron_row, ticket_row

CLUB, HALL = "club-a", "hall-b"
# The data's last sale: the audiences' 12 months run up to it.
AS_OF = datetime(2025, 6, 28, 12)


def _shown(summary: dict[str, Any]) -> dict[str, Any]:
    """What a member reads of an audience: its size and every profile figure as shown."""
    return {"size": summary["size_shown"],
            "profile": {name: {str(r[next(iter(r))]): r["shown"] for r in rows} for name, rows in summary["profile"].items()}}


def _lapsed_cooperative(path: Path, *, target_at_hall: bool) -> Path:
    """A club whose 30 lapsed patrons last came in May 2024, 12 of them regulars at a hall since;
    one more patron (``target``) last came to the club on 2024-06-10. ``target_at_hall`` says
    whether that patron went to the hall every month of 2025 (the club cannot know it)."""
    with Warehouse(path, create=True) as w:
        insert(w, "member", [(CLUB, "Club A", "jazz_club", "Montréal"), (HALL, "Salle B", "theatre", "Montréal")])
        events = [(CLUB, "A-old", datetime(2024, 5, 10, 20), ["jazz"]),
                  (CLUB, "A-june", datetime(2024, 6, 10, 20), ["jazz"]),
                  (CLUB, "A-last", datetime(2025, 6, 20, 20), ["jazz"])]
        events += [(HALL, f"B{m}", datetime(2025, m, 12, 20), ["theatre"]) for m in range(1, 7)]
        insert(w, "event", [(m, e, e, at, "Salle", "H2X", g, ["Artiste"], 200, False, "fr") for m, e, at, g in events])
        patrons, identity, consent, tickets = [], [], [], []

        def person(key: str, visits: dict[str, list[str]]) -> None:
            for member, attended in visits.items():
                pid = f"{member}-{key}"
                patrons.append(patron_row(member, pid))
                identity.append((member, pid, key, 1.0))
                consent.append((member, pid, "pooling", True, datetime(2024, 1, 1)))
                for event in attended:
                    day = next(at for m, e, at, _g in events if e == event)
                    tickets.append(ticket_row(member, f"T{len(tickets)}", pid, event, min(day - timedelta(days=3), AS_OF)))

        for n in range(30):
            person(f"L{n:02d}", {CLUB: ["A-old"], **({HALL: [f"B{m}" for m in range(1, 7)]} if n < 12 else {})})
        for n in range(15):  # the club's current audience, so that the data runs to June 2025
            person(f"C{n:02d}", {CLUB: ["A-last"]})
        person("TARGET", {CLUB: ["A-june"], **({HALL: [f"B{m}" for m in range(1, 7)]} if target_at_hall else {})})
        tickets.append(ticket_row(CLUB, "T-last", f"{CLUB}-C00", "A-last", AS_OF))
        insert(w, "patron", patrons)
        insert(w, "ticket", tickets)
        insert(w, "consent", consent)
        insert(w, "identity", identity)
    return path


def test_own_patron_audiences_differing_by_one_patron_say_nothing_of_other_members(tmp_path: Path) -> None:
    """Attack: save "no visit in 12 months" and "no visit in 13 months": they differ by one known
    patron. Their profiles (segments, areas, ages) must not depend on what that patron did at
    another member: the club sees the same figures whether or not the patron became a regular
    of the hall."""
    seen = []
    for at_hall in (True, False):
        path = _lapsed_cooperative(tmp_path / f"coop-{at_hall}.duckdb", target_at_hall=at_hall)
        with Warehouse(path) as w:
            twelve = audiences.build_audience(w, member_id=CLUB, kind="lapsed", params={"months": 12}, name="12")
            thirteen = audiences.build_audience(w, member_id=CLUB, kind="lapsed", params={"months": 13}, name="13")
        assert (twelve["size_shown"], thirteen["size_shown"]) == ("31", "30")
        seen.append((_shown(twelve), _shown(thirteen)))
    assert seen[0] == seen[1]


def _genre_cooperative(path: Path, club_fsa: str | None = "H2X") -> Path:
    """A hall's theatre audience of 30 pooled people, 12 of them also the club's patrons, and
    ``TARGET``, the hall's patron whose e-mail the club knows: it went to the hall's theatre."""
    with Warehouse(path, create=True) as w:
        insert(w, "member", [(CLUB, "Club A", "jazz_club", "Montréal"), (HALL, "Salle B", "theatre", "Montréal")])
        events = [(CLUB, "A1", datetime(2025, 3, 10, 20), ["jazz"]), (HALL, "B1", datetime(2025, 2, 12, 20), ["theatre"])]
        insert(w, "event", [(m, e, e, at, "Salle", "H2X", g, ["Artiste"], 200, False, "fr") for m, e, at, g in events])
        patrons, identity, consent, tickets = [], [], [], []
        for n in range(45):
            key = "TARGET" if n == 44 else f"P{n:02d}"
            visits = ([(CLUB, "A1")] if n < 27 else []) + ([(HALL, "B1")] if n >= 15 else [])
            for member, event in visits:
                pid = f"{member}-{key}"
                patrons.append(patron_row(member, pid, club_fsa if member == CLUB else "H2X"))
                identity.append((member, pid, key, 1.0))
                consent.append((member, pid, "pooling", True, datetime(2025, 1, 1)))
                bought = next(at for m, e, at, _g in events if e == event) - timedelta(days=7)
                tickets.append(ticket_row(member, f"T{len(tickets)}", pid, event, bought))
        insert(w, "patron", patrons)
        insert(w, "ticket", tickets)
        insert(w, "consent", consent)
        insert(w, "identity", identity)
    return path


def test_planting_a_patron_then_saving_the_same_genre_audience_again_shows_nothing_new(tmp_path: Path) -> None:
    """Attack (a doctored re-upload): the club saves "theatre fans elsewhere" (own patrons vs new),
    then sends a record of someone whose e-mail it knows — linkage joins it to that person's record
    at the hall — and saves the same audience again. Were "own" to grow by one, the club would
    learn that the person went to the theatre at the hall: the second save must show the figures
    of the first."""
    with Warehouse(_genre_cooperative(tmp_path / "coop.duckdb")) as w:
        before = audiences.build_audience(w, member_id=CLUB, kind="genre", params={"genre": "theatre"}, name="Théâtre")
        assert {r["ownership"]: r["shown"] for r in before["profile"]["ownership"]} == {"own": "12", "new": "18"}
        # The planted record: the club's own, linked to the person it names.
        insert(w, "patron", [patron_row(CLUB, f"{CLUB}-TARGET")])
        insert(w, "identity", [(CLUB, f"{CLUB}-TARGET", "TARGET", 1.0)])
        insert(w, "consent", [(CLUB, f"{CLUB}-TARGET", "pooling", True, datetime(2025, 4, 20))])
        after = audiences.build_audience(w, member_id=CLUB, kind="genre", params={"genre": "theatre"}, name="Théâtre 2")
        # The first audience, shown again, also stands still.
        again = audiences.audience_summary(w, CLUB, before["audience_id"])
    assert _shown(after) == _shown(before) == _shown(again)


def test_own_patrons_in_a_pooled_audience_are_described_by_the_members_own_records(tmp_path: Path) -> None:
    """The club's records carry no postal code; the hall's records of the same twelve people do. Their
    area in the club's "theatre fans" audience came from the hall's records (Montréal), telling the
    club that those patrons have records elsewhere: its own patrons are now described by its own
    records (area unknown), the people new to it by the cooperative's."""
    with Warehouse(_genre_cooperative(tmp_path / "coop.duckdb", club_fsa=None)) as w:
        summary = audiences.build_audience(w, member_id=CLUB, kind="genre", params={"genre": "theatre"}, name="Théâtre")
    assert {r["ownership"]: r["shown"] for r in summary["profile"]["ownership"]} == {"own": "12", "new": "18"}
    areas = {r["area"]: r["shown"] for r in summary["profile"]["area"]}
    assert areas["near_venue"] == "18", areas  # the new people only (it read 30 before)
