"""The bookings a small venue keeps by hand, prepared as they are: a workbook of one sheet per show with
no purchase date and no ticket number (tests/fixtures/exports/handkept/), prices written in words.

Before 2026-12-07 such a workbook could not be prepared at all (« Aucune colonne ne contient de numéro de
billet ou de commande », « Aucune colonne ne ressemble à la date d’achat »), « invit. » was an unreadable
price, and « ??? » was said as an empty one (and read as a seat given under ``blank_price: 0``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from tests.conftest import run_cli_here

from culturecoop.ingest.prepare import MemberInfo, prepare
from culturecoop.ingest.profile import load_profile
from culturecoop.privacy.keys import init_keys

WORKBOOK = Path(__file__).parent / "fixtures" / "exports" / "handkept" / "reservations-cafe-theatre.xlsx"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], str]:
    """The workbook's drafted mapping (its path and YAML), and what ``mapping draft`` said."""
    folder = tmp_path_factory.mktemp("handkept")
    out = folder / "cafe.yaml"
    result = run_cli_here("mapping", "draft", str(WORKBOOK), "--out", str(out), lang="fr")
    assert result.returncode == 0, result.stderr
    return out, yaml.safe_load(out.read_text(encoding="utf-8")), result.stderr


def _tickets(source: Path, mapping: Path, keys: Path, out: Path) -> dict[str, tuple[int, float]]:
    """Each ticket id of the package prepared from ``source``: its seats and price."""
    prepare(source, member=MemberInfo("cafe", "Café-théâtre", "theatre", None), profile=load_profile(path=mapping),
            keys_dir=keys, out=out)
    rows = duckdb.sql(f"SELECT ticket_id, quantity, unit_price FROM '{out}/ticket.parquet'").fetchall()
    return {str(t): (int(q), float(p)) for t, q, p in rows}


def test_a_workbook_kept_by_hand_drafts_numbered_tickets_and_one_date_and_prepares(
        drafted: tuple[Path, dict[str, object], str], tmp_path: Path) -> None:
    out, mapping, said = drafted
    columns = mapping["columns"]
    assert isinstance(columns, dict)
    assert columns["ticket_id"] == {"numbered": True}, columns
    assert set(columns["purchased_at"]) == {"value"}, columns
    assert "numéro de billet" not in said.split("Reste à décider")[-1], said
    assert "{numbered: true}" in said and "{'numbered'" not in said, said  # as the mapping file writes it
    init_keys(tmp_path / "keys")
    result = run_cli_here("prepare", str(WORKBOOK), "--member", "cafe", "--mapping", str(out), "--keys",
                          str(tmp_path / "keys"), "--out", str(tmp_path / "pkg"), "--json", lang="fr")
    assert result.returncode == 0, result.stderr
    words = " ".join(result.stderr.split())
    # « gratuit », « offert » and « invit. » are seats given at 0; « ??? » and « à voir » are said as what they are.
    assert "Lignes lues : 13 = 11 acceptées + 2 rejetées." in words, words
    assert ("2 lignes ont un prix qui ne se lit pas comme un montant (« ??? », « à voir ») : elles ont été mises de "
            "côté") in words.replace("\u00a0", " "), words
    prices = duckdb.sql(f"SELECT count_if(unit_price = 0) FROM '{tmp_path}/pkg/ticket.parquet'").fetchall()[0][0]
    assert prices == 3


def test_a_ticket_keeps_its_id_when_rows_are_added_and_removed_for_others(
        drafted: tuple[Path, dict[str, object], str], tmp_path: Path) -> None:
    """The venue adds a booking at the top of a show's sheet and strikes another, and prepares again:
    numbered by line, every ticket below would have changed meaning."""
    openpyxl = pytest.importorskip("openpyxl")
    out, _mapping, _said = drafted
    init_keys(tmp_path / "keys")
    before = _tickets(WORKBOOK, out, tmp_path / "keys", tmp_path / "before")
    book = openpyxl.load_workbook(WORKBOOK)
    sheet = book["Petit Prince 12-12"]
    assert sheet.cell(9, 1).value == "Lefebvre"
    sheet.delete_rows(9)
    sheet.insert_rows(4)
    for column, value in enumerate(("Dubois", "Léa", "lea.dubois@example.org", 2, "12", "oui", ""), start=1):
        sheet.cell(4, column, value)
    edited = tmp_path / "reservations-cafe-theatre.xlsx"
    book.save(edited)
    after = _tickets(edited, out, tmp_path / "keys", tmp_path / "after")
    assert len(before) == len(after) == 11
    kept = set(before) & set(after)
    assert len(kept) == 10, (before, after)
    assert all(before[t] == after[t] for t in kept)  # each id still means the same booking


def test_a_price_of_question_marks_is_no_seat_given(drafted: tuple[Path, dict[str, object], str],
                                                      tmp_path: Path) -> None:
    """``blank_price: 0`` reads an empty price cell as a seat given; « ??? » (the price is not known yet)
    was read as one too, a free ticket."""
    _out, mapping, _said = drafted
    free = tmp_path / "free.yaml"
    free.write_text(yaml.safe_dump({**mapping, "blank_price": 0}, allow_unicode=True), encoding="utf-8")
    shutil.copy(WORKBOOK, tmp_path / "resa.xlsx")
    init_keys(tmp_path / "keys")
    tickets = _tickets(tmp_path / "resa.xlsx", free, tmp_path / "keys", tmp_path / "pkg")
    assert len(tickets) == 11, tickets


@pytest.mark.parametrize(("name", "kind"), [("inscriptions-export-excel.xlsx", "xlsx"),
                                             ("reservations-renommees.xlsx", "csv")])
def test_a_file_named_xlsx_that_is_a_web_page_or_text_is_read_as_what_it_is(tmp_path: Path, name: str,
                                                                             kind: str) -> None:
    """A web tool's « export to Excel » is an XHTML page of one table: with its XML declaration and a
    comment first, it was read as CSV text of one column (« <?xml version="1.0"… »)."""
    out = tmp_path / "drafted.yaml"
    result = run_cli_here("mapping", "draft", str(WORKBOOK.parent / name), "--out", str(out), lang="fr")
    assert result.returncode == 0, result.stderr
    mapping = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert mapping["format"] == kind, mapping
    columns = mapping["columns"]
    assert (columns["email"], columns["unit_price"], columns["quantity"]) == ("Mail", "Montant", "Nb places"), columns


def test_a_note_over_1_mb_in_a_column_not_read_costs_no_ticket(tmp_path: Path) -> None:
    """A 3 MB e-mail pasted into « Remarques », a column the mapping does not read: the line was set aside as
    « ligne illisible (… plus de 1 Mo) » and its ticket lost. A line whose read cells are over 1 MB (a title
    of 3 MB) is still set aside, and so is a line whose quote never closes."""
    from culturecoop.ingest.prepare import check_export

    note = '"' + "Longue réponse du client, copiée depuis sa messagerie; merci ! " * 50_000 + '"'
    lines = ["No billet;Date achat;Spectacle;Prix;Courriel;Remarques"]
    lines += [f"B{i};11/01/2026 16:47;Soirée Coltrane;46,50;p{i}@exemple.fr;{note if i == 3 else 'RAS'}"
              for i in range(12)]
    lines.append(f"B12;11/01/2026 16:47;{note};46,50;p12@exemple.fr;RAS")
    lines.append('B13;11/01/2026 16:47;"Soirée Coltrane;46,50;p13@exemple.fr;' + "x" * 1_200_000)
    source = tmp_path / "ventes.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = tmp_path / "ventes.yaml"
    mapping.write_text(yaml.safe_dump({
        "name": "ventes", "format": "csv", "delimiter": ";", "decimal": ",", "datetime_formats": ["%d/%m/%Y %H:%M"],
        "columns": {"ticket_id": "No billet", "purchased_at": "Date achat", "event_id": "Spectacle",
                    "unit_price": "Prix", "email": "Courriel"}}, allow_unicode=True), encoding="utf-8")
    summary = check_export(source, load_profile(path=mapping))
    assert (summary.rows_in, summary.rows_accepted) == (14, 12), summary.rejects_by_reason
    assert summary.rejects_by_reason == {"malformed_line": 2}


def test_a_date_column_of_shows_still_to_come_dates_the_shows_not_the_sales(tmp_path: Path) -> None:
    """A shared sheet's « Date » beside « Spectacle » is the show's: read as the purchase date, every row was
    set aside as bought in the future (« 13 lignes sur 13 sont mises de côté (heure d’achat postérieure au
    jour de préparation) ») and nothing could be prepared."""
    from datetime import date, timedelta

    from culturecoop.ingest.prepare import check_export

    text = (WORKBOOK.parent / "reservations-google-sheets.csv").read_text(encoding="utf-8")
    soon, later = (date.today() + timedelta(days=d) for d in (12, 19))  # the fixture's shows, still to come
    source = tmp_path / "reservations.csv"
    source.write_text(text.replace("12/12/2026", f"{soon:%d/%m/%Y}").replace("19/12/2026", f"{later:%d/%m/%Y}"),
                      encoding="utf-8")
    out = tmp_path / "drafted.yaml"
    result = run_cli_here("mapping", "draft", str(source), "--out", str(out), lang="fr")
    assert result.returncode == 0, result.stderr
    columns = yaml.safe_load(out.read_text(encoding="utf-8"))["columns"]
    assert columns["event_starts_at"] == "Date" and set(columns["purchased_at"]) == {"value"}, columns
    summary = check_export(source, load_profile(path=out))
    assert (summary.rows_in, summary.rows_accepted, summary.rows_per_table["event"]) == (13, 11, 2), summary
