"""The fail-closed scan of `prepare` (and of `mapping check`), against street addresses without
a postal code routed into shared text (event title, venue, artists):

* the row's own buyer's address (« 12 rue des Lilas », "221B Baker Street", « 1234, boul.
  Saint-Laurent, app. 5 »): on half the patrons' lines or more, an address no other patron's line
  carries and not its event's own;
* a column of many people's addresses (a delivery address), more than twenty distinct values and
  more than a third of the events.

Each refusal is one sentence naming the column and what to do, exit 2, nothing written, and
`mapping check` says the same sentence. A venue written with its own address (one venue, or a
handful of them) and titles that start with a number (« 8 1/2 », « 2001, l'odyssée de
l'espace », « 42nd Street ») still go through.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from test_guard_names_postcodes import PEOPLE, buyers, prepared, refused, write
from test_mapping_language import HEADER, row
from test_prepare_support import run_cli

ADDRESSES: dict[str, Callable[[int], str]] = {
    "french": lambda i: f"{12 + 7 * i} rue des Lilas",
    "english": lambda i: f"{221 + i}B Baker Street",
    "quebec": lambda i: f"{1234 + 10 * i}, boul. Saint-Laurent, app. {i + 1}",
}
PACKAGE_COLUMN = {"venue": "venue", "event_title": "title", "artists": "artists"}


def check_fails(source: Path, mapping: Path, lang: str = "en") -> str:
    """Run `mapping check` expecting the guard's refusal; return its one-line message."""
    result = run_cli("mapping", "check", str(source), "--mapping", str(mapping), lang=lang)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    prefix = "Error: " if lang == "en" else "Erreur : "
    assert len(lines) == 1 and lines[0].startswith(prefix), result.stderr
    return lines[0].removeprefix(prefix)


def check_passes(source: Path, mapping: Path) -> dict[str, Any]:
    result = run_cli("mapping", "check", str(source), "--mapping", str(mapping), "--json")
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.mark.parametrize("written", list(ADDRESSES))
@pytest.mark.parametrize("field", ["venue", "event_title", "artists"])
def test_the_buyers_own_street_address_as_the_event_stops_prepare_and_check(
        written: str, field: str, tmp_path: Path, keys: Path) -> None:
    """No postal code in it, so the postal-code rule saw nothing: twelve buyers' home addresses
    went out as three shows' venues (or titles, or artists)."""
    header, rows = buyers(["Adresse"], Adresse=lambda i, g, s, p: ADDRESSES[written](i))
    message = refused(tmp_path, keys, header, rows, **{field: "Adresse"})
    assert message.startswith(f"Nothing was written: the package's event.{PACKAGE_COLUMN[field]}, filled from")
    assert "Adresse" in message and "would carry patrons' addresses in clear" in message
    assert f"map {field} to another column of the export" in message
    source, mapping = write(tmp_path, header, rows, **{field: "Adresse"})
    assert check_fails(source, mapping) == message


def test_the_refusal_is_said_in_french_by_check_and_prepare(tmp_path: Path, keys: Path) -> None:
    header, rows = buyers(["Adresse"], Adresse=lambda i, g, s, p: ADDRESSES["french"](i))
    source, mapping = write(tmp_path, header, rows, venue="Adresse")
    result = run_cli("prepare", str(source), "--member", "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"),
                     "--mapping", str(mapping), lang="fr")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert "Rien n’a été écrit" in message and "des adresses de clients en clair" in message
    assert "associez venue à une autre colonne de l’export" in message
    assert not (tmp_path / "pkg").exists()
    assert " ".join(check_fails(source, mapping, lang="fr").split()) in message


def many_buyers(n: int, **per_row: Callable[[int], str]) -> tuple[list[str], list[list[Any]]]:
    """``n`` buyers, each of a show of their own, one ticket each; ``per_row`` columns added."""
    extra = list(per_row)
    rows = []
    for i in range(n):
        given, surname, postcode = PEOPLE[i % len(PEOPLE)]
        cells = row(str(i), **{"Événement": f"E{i}", "Titre": f"Concert {i}", "Prénom": given,
                               "Nom": f"{surname}{i}", "Code postal": postcode, "Téléphone": f"514 555 {1000 + i}",
                               "Naissance": f"19{50 + i % 40}-05-17", "Courriel": f"p{i}@exemple.ca"})
        rows.append([*cells, *(make(i) for make in per_row.values())])
    return [*HEADER, *extra], rows


def test_a_column_of_other_patrons_addresses_stops_prepare_and_check(tmp_path: Path, keys: Path) -> None:
    """A delivery address, not the row's own buyer's, one show a row: each show's venue is the
    address of its first row, so no line differs from its event; thirty addresses are still the
    addresses of thirty people, not a venue's."""
    header, rows = many_buyers(30, Livraison=lambda i: ADDRESSES["quebec"]((i + 3) % 30))
    message = refused(tmp_path, keys, header, rows, venue="Livraison")
    assert message.startswith("Nothing was written: the package's event.venue, filled from")
    assert "Livraison" in message and "patrons' addresses" in message
    assert "map venue to another column of the export" in message
    source, mapping = write(tmp_path, header, rows, venue="Livraison")
    assert check_fails(source, mapping) == message


VENUES = ["Lion d'Or, 1676 rue Ontario Est", "Salle Bourgie, 1339 rue Sherbrooke Ouest",
          "Le National, 1220 rue Sainte-Catherine Est", "Théâtre Outremont, 1248 avenue Bernard Ouest",
          "Royal Albert Hall, 1 Kensington Gore Road"]


@pytest.mark.parametrize(("venue", "title"), [
    (lambda i: VENUES[i % 5], lambda i: ["Soirée jazz", "Gala", "Brel", "Carmen", "Requiem"][i % 5]),
    (lambda i: "Salle Pleyel, 252 rue du Faubourg Saint-Honoré", lambda i: "8 1/2"),
    (lambda i: VENUES[i % 2], lambda i: "2001, l'odyssée de l'espace"),
    (lambda i: VENUES[4], lambda i: "42nd Street"),
])
def test_venues_written_with_their_address_and_titles_with_numbers_go_through(
        venue: Callable[[int], str], title: Callable[[int], str], tmp_path: Path, keys: Path) -> None:
    """A venue is its event's on every line of it, and its audience's: written with its street
    address, alone or among a handful, it is shared as written; so are titles with numbers."""
    header, rows = buyers(["Salle"], Salle=lambda i, g, s, p: venue(i), Titre=lambda i, g, s, p: title(i))
    for i, cells in enumerate(rows):
        cells[HEADER.index("Événement")] = f"E{i % 5}"
    payload = prepared(tmp_path, keys, header, rows, venue="Salle")
    assert payload["rows_accepted"] == len(PEOPLE)
    assert {e["venue"] for e in payload["events"]} == {venue(i) for i in range(len(PEOPLE))}
    assert {e["title"] for e in payload["events"]} == {title(i) for i in range(len(PEOPLE))}
    (tmp_path / "check").mkdir()
    source, mapping = write(tmp_path / "check", header, rows, venue="Salle")
    assert check_passes(source, mapping)["rows_accepted"] == len(PEOPLE)


def test_many_shows_at_a_handful_of_addressed_venues_go_through(tmp_path: Path, keys: Path) -> None:
    """Thirty shows, one buyer each, at five venues written with their address: five distinct
    venues are no one's home."""
    header, rows = many_buyers(30, Salle=lambda i: VENUES[i % 5])
    payload = prepared(tmp_path, keys, header, rows, venue="Salle")
    assert payload["rows_accepted"] == 30 and {e["venue"] for e in payload["events"]} == set(VENUES)


def test_check_says_every_refusal_of_the_guard_as_prepare_does(tmp_path: Path, keys: Path) -> None:
    """Not addresses only: the buyers' surnames as the venue were refused by prepare alone."""
    header, rows = buyers()
    message = refused(tmp_path, keys, header, rows, venue="Nom")
    source, mapping = write(tmp_path, header, rows, venue="Nom")
    assert check_fails(source, mapping) == message and "patrons' names" in message
