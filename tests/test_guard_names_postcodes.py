"""The fail-closed scan of `prepare`, against what a mapping can still route into shared text:

* a surname or a given name column as the event's title, venue or artists (the row's own buyer,
  line after line), or a column made of the export's surnames;
* a patron's full postal code (H2X 1Y4, H2X1Y4, SW1A 1AA) or full address as the venue, when
  the package keeps only the coarse area (H2X, GB-SW1A);
* an e-mail or a phone number given as the member's name or region (written in the manifest).

Each refusal is one sentence naming the column (or option) and what to do, exit 2, nothing
written; and real titles that name someone, a venue's own postal code, a name or a region with
numbers still go through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from real_exports import csv_text, write_mapping
from test_mapping_language import BASE, COLUMNS, HEADER, row
from test_prepare_errors import prepare_fails
from test_prepare_support import run_cli

# Twelve buyers of three shows, as a box office writes them (each with a postal code of their own).
PEOPLE = [("Marie", "Tremblay", "H2X 1Y4"), ("Jean", "Gagnon", "H2T1V6"), ("Zoé", "Lavoie", "H3A 0G4"),
          ("Luc", "Roy", "H2J 2K9"), ("Adèle", "Côté", "h1v 3r2"), ("Martin", "Bouchard", "H4C 1N7"),
          ("Jacques", "Morin", "H2L 2B5"), ("Nadia", "Pelletier", "G1R 4P5"), ("Carmen", "Fortin", "H2W 1S3"),
          ("Sophie", "Brel", "H3H 2L1"), ("Louis", "Gauthier", "J4K 2T5"), ("Julie", "Lefebvre", "H2V 4G9")]
SHOWS = ["E1", "E2", "E3"]


def buyers(extra: list[str] | None = None, **per_person: Any) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of the twelve buyers, one ticket each, shows taken in turn; each
    ``per_person`` value is a function of (index, given name, surname, postal code)."""
    header = [*HEADER, *(extra or [])]
    rows = []
    for i, (given, surname, postcode) in enumerate(PEOPLE):
        values = {"Prénom": given, "Nom": surname, "Code postal": postcode, "Événement": SHOWS[i % 3],
                  "Téléphone": f"514 555 01{i:02d}", "Naissance": f"19{60 + i}-05-17"}
        values.update({column: make(i, given, surname, postcode) for column, make in per_person.items()})
        cells = row(str(i), **{k: v for k, v in values.items() if k in HEADER})
        rows.append([*cells, *(values[c] for c in extra or [])])
    return header, rows


def write(tmp_path: Path, header: list[str], rows: list[list[Any]], **columns: str) -> tuple[Path, Path]:
    source = tmp_path / "export.csv"
    source.write_text(csv_text(header, rows), encoding="utf-8")
    settings = {**BASE, "columns": {**COLUMNS, **columns}}
    return source, write_mapping(tmp_path / "mapping.yaml", settings)


def refused(tmp_path: Path, keys: Path, header: list[str], rows: list[list[Any]], **columns: str) -> str:
    source, mapping = write(tmp_path, header, rows, **columns)
    message = prepare_fails(tmp_path, keys, source, "--mapping", str(mapping))
    assert not (tmp_path / "pkg").exists() and not (tmp_path / "pkg.rejects.csv").exists()
    return message


def prepared(tmp_path: Path, keys: Path, header: list[str], rows: list[list[Any]], *options: str,
             **columns: str) -> dict[str, Any]:
    source, mapping = write(tmp_path, header, rows, **columns)
    out = tmp_path / "pkg"
    result = run_cli("prepare", str(source), "--member", "m1", "--keys", str(keys), "--out", str(out),
                     "--mapping", str(mapping), "--json", *options)
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    payload["events"] = pq.read_table(out / "event.parquet").to_pylist()
    payload["manifest"] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return payload


@pytest.mark.parametrize(("field", "column"), [("venue", "Nom"), ("event_title", "Nom"), ("artists", "Nom"),
                                               ("venue", "Prénom")])
def test_a_surname_or_given_name_column_mapped_as_the_event_stops_prepare(
        field: str, column: str, tmp_path: Path, keys: Path) -> None:
    """Only full names were caught: a mapping that sends the buyers' surname (or given name)
    column to the venue shared one buyer's name per event."""
    header, rows = buyers()
    message = refused(tmp_path, keys, header, rows, **{field: column})
    package_column = {"venue": "venue", "event_title": "title", "artists": "artists"}[field]
    assert message.startswith("Nothing was written: the package's event.") and f"event.{package_column}" in message
    assert f"filled from {column} by the mapping" in message
    assert "would carry patrons' names in clear" in message
    assert f"map {field} to another column of the export" in message


def test_a_column_of_other_buyers_surnames_as_the_title_stops_prepare(tmp_path: Path, keys: Path) -> None:
    """A title column made of the export's surnames, each another buyer's (a gift's recipient):
    no row names its own buyer, the column is still the patrons' names."""
    header, rows = buyers(["Destinataire"], Destinataire=lambda i, g, s, p: PEOPLE[(i + 1) % len(PEOPLE)][1])
    for i, cells in enumerate(rows):
        cells[HEADER.index("Événement")] = f"E{i}"  # one show each: twelve titles
    message = refused(tmp_path, keys, header, rows, event_title="Destinataire")
    assert "event.title" in message and "Destinataire" in message and "patrons' names" in message


@pytest.mark.parametrize(("written", "country", "postcodes", "phone"), [
    ("spaced", "CA", [p for _g, _s, p in PEOPLE], "514 555 01{i:02d}"),
    ("compact", "CA", [p.replace(" ", "").upper() for _g, _s, p in PEOPLE], "514 555 01{i:02d}"),
    ("british", "GB", ["SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
                       "SW4 0AB", "N1 9GU", "E14 5AB", "SE1 9SG", "NW1 6XE"], "020 7946 01{i:02d}"),
])
def test_a_postal_code_column_mapped_as_the_venue_stops_prepare(
        written: str, country: str, postcodes: list[str], phone: str, tmp_path: Path, keys: Path) -> None:
    """The package keeps a patron's coarse area (H2X, GB-SW1A); the full code as the venue
    would have travelled in clear."""
    header, rows = buyers(**{"Code postal": lambda i, g, s, p: postcodes[i],
                             "Téléphone": lambda i, g, s, p: phone.format(i=i)})
    source, mapping = write(tmp_path, header, rows, venue="Code postal")
    settings = {**BASE, "country": country, "columns": {**COLUMNS, "venue": "Code postal"}}
    write_mapping(mapping, settings)
    message = prepare_fails(tmp_path, keys, source, "--mapping", str(mapping))
    assert message.startswith("Nothing was written: the package's event.venue, filled from")
    assert "Code postal" in message and "would carry patrons' postal codes in clear" in message
    assert "map venue to another column of the export" in message
    assert not (tmp_path / "pkg").exists()


def test_a_patrons_full_address_mapped_as_the_venue_stops_prepare(tmp_path: Path, keys: Path) -> None:
    header, rows = buyers(["Adresse"], Adresse=lambda i, g, s, p: f"{100 + 7 * i} rue Saint-Denis, app. {i}, "
                                                                  f"Montréal (Québec) {p}")
    message = refused(tmp_path, keys, header, rows, venue="Adresse")
    assert "event.venue" in message and "Adresse" in message and "patrons' postal codes" in message


def test_a_column_of_other_patrons_postal_codes_stops_prepare(tmp_path: Path, keys: Path) -> None:
    """Not the row's own buyer's code (a delivery address's), but the export's patrons' all the same."""
    header, rows = buyers(["Livraison"], Livraison=lambda i, g, s, p: PEOPLE[(i + 5) % len(PEOPLE)][2])
    for i, cells in enumerate(rows):
        cells[HEADER.index("Événement")] = f"E{i}"
    message = refused(tmp_path, keys, header, rows, venue="Livraison")
    assert "event.venue" in message and "Livraison" in message and "patrons' postal codes" in message


def test_the_refusal_is_said_in_french(tmp_path: Path, keys: Path) -> None:
    header, rows = buyers()
    source, mapping = write(tmp_path, header, rows, venue="Code postal")
    result = run_cli("prepare", str(source), "--member", "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"),
                     "--mapping", str(mapping), lang="fr")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert "Rien n’a été écrit" in message and "des codes postaux de clients en clair" in message
    assert "associez venue à une autre colonne de l’export" in message
    assert not (tmp_path / "pkg").exists()


def test_titles_naming_people_and_a_venues_own_postal_code_still_go_through(tmp_path: Path, keys: Path) -> None:
    """Titles and artists that name someone the buyers are named like (Brel, Martin, Jacques,
    Carmen, Adèle), a venue written with its own address where two buyers happen to live, and a
    venue postal code column: all public, all shared as written."""
    titles = ["Hommage à Brel", "Martin Solveig live", "Les Frères Jacques"]
    venues = ["Lion d'Or, 1676 rue Ontario Est, Montréal H2X 1Y4", "Le National, H2T1V6",
              "Salle Bourgie, 1339 rue Sherbrooke Ouest"]
    artists = ["Carmen", "Adele", "Roy Hargrove Quintet"]
    header, rows = buyers(["Salle", "Artistes", "Code postal salle"],
                          Titre=lambda i, g, s, p: titles[i % 3], Salle=lambda i, g, s, p: venues[i % 3],
                          Artistes=lambda i, g, s, p: artists[i % 3],
                          **{"Code postal salle": lambda i, g, s, p: ["H2X 1Y4", "H2T 1V6", "H3G 1J7"][i % 3]})
    payload = prepared(tmp_path, keys, header, rows, "--name", "Théâtre 2000 – saison 2025-2026", "--region", "Montréal (H2X)",
                       venue="Salle", artists="Artistes", venue_postal_code="Code postal salle")
    assert payload["rows_accepted"] == len(PEOPLE)
    assert sorted(e["title"] for e in payload["events"]) == sorted(titles)
    assert sorted(e["venue"] for e in payload["events"]) == sorted(venues)
    assert sorted(a for e in payload["events"] for a in e["artists"]) == sorted(artists)
    assert payload["manifest"]["member"]["name"] == "Théâtre 2000 – saison 2025-2026"


@pytest.mark.parametrize(("option", "value", "what"), [
    ("--name", "marie.tremblay@gmail.com", "an e-mail address"),
    ("--name", "Marie Tremblay 514 555-0199", "a phone number or another personal number"),
    ("--region", "+44 20 7946 0018", "a phone number or another personal number"),
    ("--region", "NAS 046 454 286", "a phone number or another personal number"),
])
def test_a_personal_name_or_region_for_the_manifest_is_refused(
        option: str, value: str, what: str, tmp_path: Path, keys: Path) -> None:
    header, rows = buyers()
    source, mapping = write(tmp_path, header, rows)
    message = prepare_fails(tmp_path, keys, source, "--mapping", str(mapping), option, value)
    assert message.startswith(f"Nothing was written: {option} holds {what}")
    assert value not in message and not (tmp_path / "pkg").exists()
    result = run_cli("prepare", str(source), "--member", "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"),
                     "--mapping", str(mapping), option, value, lang="fr")
    assert result.returncode == 2 and "Rien n’a été écrit" in result.stderr and option in result.stderr
    assert not (tmp_path / "pkg").exists()
