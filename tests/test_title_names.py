"""The name of a patron holding a ticket to an event, written in that event's title, venue or
identifier, does not leave the member (``ingest.title_names``): « Anniversaire de Marie Tremblay »
travels as « Anniversaire de … », and its identifier (the title joined with the date) as a code; the
rest of the programme is untouched, a performer named like some other buyer too, and a column made of
names is still refused by the guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from culturecoop.ingest.title_names import withheld
from test_adversarial_exports import cli, cli_streams

HEADER = "Order ID,First name,Last name,Email,Event,Venue,Event Date,Order Date,Price\n"
MAPPING = {"datetime_formats": ["%Y-%m-%d %H:%M"],
           "columns": {"order_id": "Order ID", "purchased_at": "Order Date", "unit_price": "Price",
                       "event_id": {"join": ["Event", "Event Date"], "separator": " "}, "event_title": "Event",
                       "venue": "Venue", "event_starts_at": "Event Date", "email": "Email",
                       "first_name": "First name", "last_name": "Last name"}}
FIRST = ["Marie", "Jean-François", "Luc", "Anne", "Paul", "Sophie", "Louis", "Claire"]
LAST = ["Tremblay", "Côté", "Roy", "Gagnon", "Bouchard", "Morin", "Lavoie", "Fortin"]


def _programme(private: list[tuple[str, str, str, str]]) -> str:
    """Forty sales to three public shows, then ``private``: (first name, last name, title, venue)."""
    rows = [f"{n},{FIRST[n % 8]},{LAST[(3 * n) % 8]},p{n}@example.org,{show},Salle Bourgie,"
            f"2026-03-1{n % 5} 20:00,2026-01-05 10:00,25\n"
            for n, show in ((n, ("Hamlet", "Jazz au parc", "Le Misanthrope")[n % 3]) for n in range(40))]
    rows += [f"{100 + i},{first},{last},priv{i}@example.org,{title},{venue},2026-04-0{1 + i} 19:00,2026-01-06 10:00,0\n"
             for i, (first, last, title, venue) in enumerate(private)]
    return HEADER + "".join(rows)


def _prepare(tmp_path: Path, text: str, keys: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str], out: str = "pkg", *lang: str) -> tuple[int, str, str]:
    export, mapping = tmp_path / "ventes.csv", tmp_path / "m.yaml"
    export.write_text(text, encoding="utf-8")
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), encoding="utf-8")
    return cli_streams(monkeypatch, capsys, *lang, "prepare", str(export), "--mapping", str(mapping), "--member",
                       "m1", "--keys", str(keys), "--out", str(tmp_path / out), *(() if lang else ("--json",)))


def _texts(package: Path) -> list[str]:
    """Every text value of every table of the package."""
    found: list[str] = []
    for table in package.glob("*.parquet"):
        rows = duckdb.sql(f"SELECT * FROM '{table}'").fetchall()
        found += [str(v) for row in rows for v in row if isinstance(v, str)]
    return found


PRIVATE = [("Marie", "Tremblay", "Anniversaire de Marie Tremblay", "Salle Bourgie"),
           ("Luc", "Roy", "Soirée privée – ROY Luc et amis", "Chez Luc Roy"),
           ("Jean-François", "Côté", "Fête à Jean-Francois Cote", "Salle Bourgie"),
           ("Éloïse", "O'Neil", "Mariage d'Éloïse O'Neil", "Salle Bourgie")]


def test_a_patrons_name_in_a_title_venue_or_event_id_does_not_reach_the_package(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, all three private titles (and the identifiers joined from them) reached the package as written."""
    code, out, err = _prepare(tmp_path, _programme(PRIVATE), keys, monkeypatch, capsys)
    assert code == 0, err
    package = tmp_path / "pkg"
    texts = " ".join(_texts(package)).lower()
    for name in ("tremblay", "roy", "cote", "côté", "neil"):
        assert name not in texts.replace("salle bourgie", ""), name
    events = dict(duckdb.sql(f"SELECT event_id, title FROM '{package}/event.parquet'").fetchall())
    private = {title: venue for title, venue in duckdb.sql(
        f"SELECT title, venue FROM '{package}/event.parquet' WHERE starts_at >= DATE '2026-04-01'").fetchall()}
    assert private == {"Anniversaire de …": "Salle Bourgie", "Soirée privée – … et amis": "Chez …",
                       "Fête à …": "Salle Bourgie", "Mariage d'…": "Salle Bourgie"}
    # The public programme is untouched; every ticket still finds its event.
    assert {"Hamlet", "Jazz au parc", "Le Misanthrope"} <= set(events.values())
    assert "Hamlet 2026-03-10 20:00" in events
    orphans = duckdb.sql(f"""SELECT count(*) FROM '{package}/ticket.parquet' t
        ANTI JOIN '{package}/event.parquet' e USING (event_id)""").fetchall()[0][0]
    assert orphans == 0
    tickets = duckdb.sql(f"SELECT count(*) FROM '{package}/ticket.parquet'").fetchall()[0][0]
    assert tickets == 44
    summary: dict[str, Any] = json.loads(out)
    assert {w["column"]: w["values"] for w in summary["names_withheld"]} == {"title": 4, "venue": 1, "event_id": 4}


def test_the_member_is_told_in_french_and_the_code_is_the_same_next_time(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _prepare(tmp_path, _programme(PRIVATE[:1]), keys, monkeypatch, capsys, "pkg", "--lang", "fr")
    assert code == 0, err
    said = " ".join((out + err).split())
    assert "Un titre d’événement nommait l’un de vos clients" in said
    assert "« Anniversaire de … »" in said
    assert "Un identifiant d’événement nommait l’un de vos clients : le paquet porte un code à sa place." in said
    code, _out, err = _prepare(tmp_path, _programme(PRIVATE[:1]), keys, monkeypatch, capsys, "again")
    assert code == 0, err
    first, again = (duckdb.sql(f"SELECT event_id FROM '{tmp_path / name}/event.parquet' WHERE title = 'Anniversaire de …'")
                    .fetchall() for name in ("pkg", "again"))
    assert first == again and len(first) == 1 and len(first[0][0]) == 32  # the same event at the cooperative
    code, said = cli(monkeypatch, capsys, "mapping", "check", str(tmp_path / "ventes.csv"),
                     "--mapping", str(tmp_path / "m.yaml"))
    assert code == 0, said
    assert "One event title names one of your patrons: the name would be left out" in " ".join(said.split())


def test_a_title_naming_someone_else_a_surname_alone_or_a_namesake_is_untouched(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    private = [("Marie", "Tremblay", "Hommage à Jacques Brel", "Salle Bourgie"),
               ("Luc", "Roy", "Les Tremblay en concert", "Salle Bourgie"),
               ("Anne", "Gagnon", "Marie Claire et Luc", "Salle Bourgie"),
               # A performer named like a patron (Marie Tremblay, who bought Hamlet), whose own buyers
               # include no Marie Tremblay: among a hall's buyers every common name is someone's.
               ("Anne", "Gagnon", "Marie Tremblay chante Brel", "Salle Bourgie")]
    code, out, err = _prepare(tmp_path, _programme(private), keys, monkeypatch, capsys)
    assert code == 0, err
    titles = {r[0] for r in duckdb.sql(f"SELECT title FROM '{tmp_path}/pkg/event.parquet'").fetchall()}
    assert {"Hommage à Jacques Brel", "Les Tremblay en concert", "Marie Claire et Luc",
            "Marie Tremblay chante Brel"} <= titles
    assert json.loads(out)["names_withheld"] == []


def test_titles_made_of_patrons_names_are_still_refused(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The buyer's name mapped as the title is a mapping mistake: the guard's sentence says which column to
    fix; a package of events all titled « … » would be no answer."""
    rows = [f"{n},{FIRST[n % 8]},{LAST[(3 * n) % 8]},p{n}@example.org,{FIRST[(n + 1) % 8]} {LAST[(3 * n + 3) % 8]},"
            f"Salle Bourgie,2026-03-1{n % 5} 20:00,2026-01-05 10:00,25\n" for n in range(40)]
    code, _out, err = _prepare(tmp_path, HEADER + "".join(rows), keys, monkeypatch, capsys)
    assert code != 0
    assert "patrons' names" in err and "event.title" in err
    assert not (tmp_path / "pkg").exists()


@pytest.mark.parametrize(("text", "names", "expected"), [
    ("Anniversaire de Marie Tremblay", ["marie tremblay"], "Anniversaire de …"),
    ("Soirée de TREMBLAY, Marie (privé)", ["tremblay marie"], "Soirée de … (privé)"),
    ("Fête à Jean-François Côté!", ["jean francois cote"], "Fête à …!"),
    ("Noces d'Éloïse O'Neil et de Marc Roy", ["eloise oneil", "marc roy"], "Noces d'… et de …"),
    ("Marie Roy Tremblay", ["marie roy", "roy tremblay"], "…"),
    # Folded otherwise than SQL did (a ligature): never left in by doubt.
    ("ﬁnal de Marie Tremblay", ["something else"], "…"),
])
def test_withheld_takes_out_the_words_of_the_name_only(text: str, names: list[str], expected: str) -> None:
    assert withheld(text, names) == expected


def _sales(shows: list[tuple[str, str, int]]) -> str:
    """The forty public sales of ``_programme``, then for each (title, date, buyers) that many buyers
    of one ticket each, named unlike anyone in the title."""
    rows = [f"{200 + 10 * i + b},Pierre{b},Lavoie,host{i}.{b}@example.org,{title},Salle Bourgie,{when},2026-01-06 10:00,0\n"
            for i, (title, when, buyers) in enumerate(shows) for b in range(buyers)]
    return _programme([]) + "".join(rows)


def test_a_private_booking_titled_after_someone_who_holds_no_ticket_does_not_name_them(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """« Anniversaire de Marie-Claude Dubé », booked by someone else: before, the title and the identifier
    joined from it reached the package as written, Dubé being no buyer of it. A public show naming an
    occasion sells to more people and keeps its title."""
    shows = [("Anniversaire de Marie-Claude Dubé", "2026-04-01 19:00", 1),
             ("Soirée privée – Famille Gingras", "2026-04-02 19:00", 2),
             ("Wedding of Ann Smith & Tom O'Brien", "2026-04-03 19:00", 1),
             ("Les 50 ans de Ginette", "2026-04-04 19:00", 3),
             ("Le Mariage de Figaro", "2026-04-05 20:00", 6),
             ("Hommage à Félix Leclerc", "2026-04-06 20:00", 1)]
    code, out, err = _prepare(tmp_path, _sales(shows), keys, monkeypatch, capsys)
    assert code == 0, err
    package = tmp_path / "pkg"
    texts = " ".join(_texts(package)).lower()
    for name in ("dubé", "dube", "gingras", "smith", "brien", "ginette"):
        assert name not in texts, name
    titles = {r[0] for r in duckdb.sql(f"SELECT title FROM '{package}/event.parquet'").fetchall()}
    assert {"Anniversaire de …", "Soirée privée – Famille …", "Wedding of …", "Les 50 ans de …",
            "Le Mariage de Figaro", "Hommage à Félix Leclerc"} <= titles
    summary: dict[str, Any] = json.loads(out)
    assert {w["column"]: w["values"] for w in summary["names_withheld"]} == {"private_title": 4, "event_id": 4}
    orphans = duckdb.sql(f"""SELECT count(*) FROM '{package}/ticket.parquet' t
        ANTI JOIN '{package}/event.parquet' e USING (event_id)""").fetchall()[0][0]
    assert orphans == 0
    code, out, err = _prepare(tmp_path, _sales(shows[:1]), keys, monkeypatch, capsys, "fr", "--lang", "fr")
    assert code == 0, err
    said = " ".join((out + err).split())
    assert "Un titre d’événement était celui d’une réservation privée" in said and "« Anniversaire de … »" in said
