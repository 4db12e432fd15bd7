"""An « Âge » column reaches the audience's age groups, as a birth band and nothing else.

An Eventbrite attendee report carries the buyer's `Age` when the organizer asks it at checkout
(other tools write « Âge », « Tranche d'âge », "Alter", "Edad"). The draft dropped it and the
Audience tab's age groups stayed « âge inconnu 100 % ». An age gives the patron the five-year band
of the year of purchase less the age; it never gives a birth date, nor a birth date's Bloom
encoding (linkage compares real birth dates). A birth date, when the export writes one, wins. An
unreadable age is counted and said; its row is kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from test_prepare_support import TODAY, run_cli

# The attendees' ages as they answered at checkout (2026 purchases): "" answered nothing; the last
# three are no whole number of years from 0 to 120.
AGES = ["34", "27", "61", "45", "19", "52", "38", "70", "23", "41", "", "trente", "130", "34.5"]
UNREADABLE = 3


def _band(year: int) -> str:
    return f"{year // 5 * 5}-{year // 5 * 5 + 4}"


def _write(path: Path, header: list[str], rows: list[list[str]], separator: str = ",") -> Path:
    path.write_text("\n".join(separator.join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return path


def _eventbrite(tmp_path: Path) -> Path:
    header = ["Order #", "Order Date", "Attendee #", "First Name", "Last Name", "Email", "Quantity",
              "Ticket Type", "Attendee Status", "Event Name", "Event ID", "Total Paid", "Currency", "Age"]
    rows = [[f"{9000 + i}", f"2026-03-{1 + i:02d} 10:00:00", f"{5000 + i}", f"Camille{i}", f"Tremblay{i}",
             f"camille{i}@example.com", "1", "General Admission", "Attending", "Jazz Night", "111", "25.00", "CAD", age]
            for i, age in enumerate(AGES)]
    return _write(tmp_path / "attendee-report.csv", header, rows)


def _package_cells(package: Path) -> list[tuple[str, str, Any]]:
    cells = []
    for table in package.glob("*.parquet"):
        data = pq.read_table(table)
        for column in data.column_names:
            cells.extend((table.stem, column, value) for value in data.column(column).to_pylist())
    return cells


@pytest.fixture(scope="module")
def eventbrite(tmp_path_factory: pytest.TempPathFactory, keys: Path) -> dict[str, Any]:
    """The attendee report drafted, then prepared once through the real command, in French."""
    tmp_path = tmp_path_factory.mktemp("age")
    export = _eventbrite(tmp_path)
    draft = draft_mapping(export)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(draft.yaml_text, encoding="utf-8")
    out = tmp_path / "pkg"
    result = run_cli("prepare", str(export), "--member", "m1", "--mapping", str(mapping), "--keys", str(keys),
                     "--out", str(out), lang="fr")
    return {"draft": draft, "result": result, "out": out}


def test_the_draft_maps_the_age_column(eventbrite: dict[str, Any]) -> None:
    draft = eventbrite["draft"]
    assert draft.mapping["columns"].get("age") == "Age"
    assert "age: Age  # its header names it and 77% of its values are ages or ranges of ages" in draft.yaml_text


def test_each_patron_gets_the_band_of_their_age_and_no_birth_date(eventbrite: dict[str, Any]) -> None:
    result, out = eventbrite["result"], eventbrite["out"]
    assert result.returncode == 0, result.stderr
    patrons = pq.read_table(out / "patron.parquet").to_pylist()
    assert len(patrons) == len(AGES)  # no row set aside for its age
    bands = sorted((p["birth_band"] for p in patrons), key=lambda b: b or "")
    expected = sorted([_band(2026 - int(a)) for a in AGES[:10]] + [None] * 4, key=lambda b: b or "")
    assert bands == expected
    assert all(p["bloom_birth_date"] is None for p in patrons)  # never a made-up birth date
    # No age in clear anywhere in the package.
    for table, column, value in _package_cells(out):
        assert column.lower() != "age", table
        assert not (isinstance(value, str) and value.strip() in set(AGES) - {""}), (table, column, value)


def test_unreadable_ages_are_said_and_their_rows_kept(eventbrite: dict[str, Any]) -> None:
    said = " ".join(eventbrite["result"].stderr.split())
    assert f"{UNREADABLE} lignes avaient un champ « Âge (en années, ou une tranche d’âge) » (age) qui n’est ni un " \
           "nombre entier d’années de 0 à 120 ni une tranche d’âge" in said
    tickets = pq.read_table(eventbrite["out"] / "ticket.parquet")
    assert tickets.num_rows == len(AGES)


def test_ranges_give_their_middle_and_a_birth_date_wins(tmp_path: Path, keys: Path) -> None:
    """« Tranche d'âge » written as ranges: a range gives the band of its middle age, an open one its
    bound; a birth date beside an age gives its own band."""
    ranges = {"25-34": 2026 - 29, "18 à 24 ans": 2026 - 21, "65+": 2026 - 65, "moins de 18 ans": 2026 - 17,
              "35 - 44 ans": 2026 - 39, "45–54": 2026 - 49, "55 à 64 ans": 2026 - 59, "65 ans et plus": 2026 - 65}
    header = ["N° commande", "Date de commande", "Spectacle", "Date du spectacle", "Prix", "Courriel",
              "Date de naissance", "Tranche d'âge"]
    rows = [[f"C{i}", f"{1 + i:02d}/03/2026 10:00", "Cyrano", "20/04/2026 20:00", "25,00", f"spectateur{i}@exemple.fr",
             "", written] for i, written in enumerate(ranges)]
    # Born 1950 but says 25-34: the birth date's band.
    rows.append(["C99", "20/03/2026 10:00", "Cyrano", "20/04/2026 20:00", "25,00", "ne.en.1950@exemple.fr",
                 "12/05/1950", "25-34"])
    export = _write(tmp_path / "billets.csv", header, rows, ";")
    draft = draft_mapping(export)
    assert draft.mapping["columns"].get("age") == "Tranche d'âge"
    assert draft.mapping["columns"].get("birth_date") == "Date de naissance"
    summary = prepare(export, member=MemberInfo("m1", "m1"), profile=parse_profile(draft.yaml_text, "draft"),
                      keys_dir=keys, out=tmp_path / "pkg", today=TODAY)
    assert "age" not in summary.values_dropped
    patrons = pq.read_table(tmp_path / "pkg" / "patron.parquet").to_pylist()
    bands = sorted(p["birth_band"] for p in patrons)
    assert bands == sorted([*(_band(year) for year in ranges.values()), "1950-1954"])
    dated = [p for p in patrons if p["bloom_birth_date"] is not None]
    assert [p["birth_band"] for p in dated] == ["1950-1954"]
