"""A venue's workbook is read whatever program saved it: Excel's .xlsx, Excel 97–2003's .xls (what
many ticketing back offices still export) and LibreOffice's .ods (what a small association keeps
its bookings in). The same table saved in each format drafts the same mapping and lands the same
tickets, through the real commands. So do the two files web back offices call an Excel export: a
web page of tables named .xls, and an Excel 2003 XML spreadsheet."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import run_cli_here
from culturecoop.errors import UserError
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from test_prepare_support import TODAY, run_cli
from workbooks import WRITERS, write_html, write_ods, write_spreadsheet_ml, write_xls

HEADER = ["N° commande", "Courriel", "Prénom", "Nom", "Spectacle", "Date du spectacle", "Date d'achat", "Prix",
          "Qté"]
PEOPLE = [("Anne", "Lévesque"), ("Marc", "Gagnon"), ("Sophie", "Roy"), ("Éric", "Côté"), ("Julie", "Morin"),
          ("Hugo", "Pelletier")]


def bookings() -> dict[str, list[list[Any]]]:
    """A hand-kept season: a title line above the header, typed cells (order numbers as numbers,
    show times as date-times, purchase days as dates, decimal prices), and a notes sheet."""
    rows: list[list[Any]] = [["Réservations — Théâtre des Lilas, saison 2026"], [None], HEADER]
    shows = [("Tartuffe", dt.datetime(2026, 3, 12, 20, 0)), ("Les Bonnes", dt.datetime(2026, 3, 19, 19, 30))]
    for i, (given, surname) in enumerate(PEOPLE):
        title, starts = shows[i % 2]
        rows.append([1001 + i, f"{given.lower()}.{i}@exemple.ca", given, surname, title, starts,
                     dt.date(2026, 2, 1 + i), 27.5 if i % 2 else 32, 1 + i % 3])
    return {"Réservations": rows, "Notes": [["Appeler la salle avant le 10 mars"]]}


def drafted(path: Path) -> str:
    text = draft_mapping(path).yaml_text
    return text.replace("# consent_defaults:\n#   pooling: true\n# consent_basis:",
                        "consent_defaults:\n  pooling: true\nconsent_basis:")


def landed(path: Path, keys: Path, out: Path) -> dict[str, list[tuple[Any, ...]]]:
    profile = parse_profile(drafted(path), source=path.name)
    prepare(path, member=MemberInfo("lilas", "lilas"), profile=profile, keys_dir=keys, out=out, today=TODAY)
    con = duckdb.connect()
    try:
        return {table: sorted(con.execute(f"SELECT * EXCLUDE (member_id) FROM '{out / table}.parquet'").fetchall(),
                              key=repr)
                for table in ("ticket", "event", "patron")}
    finally:
        con.close()


def mapping_lines(path: Path) -> list[str]:
    """The drafted mapping, less the lines that name the file."""
    return [line for line in drafted(path).splitlines() if path.name not in line and "name: " not in line[:6]]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_workbook_saved_as_xls_or_ods_lands_like_the_same_xlsx(kind: str, tmp_path: Path, keys: Path) -> None:
    reference = WRITERS["xlsx"](tmp_path / "saison.xlsx", bookings())
    other = WRITERS[kind](tmp_path / f"saison.{kind}", bookings())
    assert mapping_lines(other) == mapping_lines(reference)
    assert "sheet: Réservations" in drafted(other) and "skip_lines: 2" in drafted(other)
    expected = landed(reference, keys, tmp_path / "pkg-xlsx")
    got = landed(other, keys, tmp_path / f"pkg-{kind}")
    assert got == expected
    # Each order line with its seats and its price, as typed in the cells.
    assert sorted((row[5], float(row[6])) for row in got["ticket"]) == sorted(
        (1 + i % 3, 27.5 if i % 2 else 32.0) for i in range(len(PEOPLE)))
    assert {row[1] for row in got["event"]} == {"Tartuffe", "Les Bonnes"}


@pytest.mark.parametrize(("name", "writer"), [("ventes.xls", write_html), ("ventes.xml", write_spreadsheet_ml)])
def test_a_back_offices_excel_export_lands_like_the_workbook(name: str, writer: Any, tmp_path: Path,
                                                             keys: Path) -> None:
    """A web page of tables saved as .xls (Windows-1252, cells as a French screen shows them, a
    spanning title, a notes table of one cell) and an Excel 2003 XML spreadsheet (rows skipped by
    index): the same tickets, events and patrons as the .xlsx. Only the events' ids differ for the
    web page: they join the show's date as each file writes it."""
    reference = landed(WRITERS["xlsx"](tmp_path / "saison.xlsx", bookings()), keys, tmp_path / "pkg-xlsx")
    got = landed(writer(tmp_path / name, bookings()), keys, tmp_path / "pkg-other")

    def without_event_ids(table: str, at: int) -> list[tuple[Any, ...]]:
        return sorted((row[:at] + row[at + 1:] for row in got[table]), key=repr)

    def reference_without(table: str, at: int) -> list[tuple[Any, ...]]:
        return sorted((row[:at] + row[at + 1:] for row in reference[table]), key=repr)

    assert without_event_ids("ticket", 3) == reference_without("ticket", 3)
    assert without_event_ids("event", 0) == reference_without("event", 0)
    assert got["patron"] == reference["patron"]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_member_app_and_the_command_line_take_the_workbook(kind: str, tmp_path: Path, keys: Path) -> None:
    from culturecoop.memberapp.workspace import EXPORT_SUFFIXES

    assert f".{kind}" in EXPORT_SUFFIXES
    export = WRITERS[kind](tmp_path / f"saison.{kind}", bookings())
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(drafted(export), encoding="utf-8")
    result = run_cli("prepare", str(export), "--member", "lilas", "--mapping", str(mapping), "--keys", str(keys),
                     "--out", str(tmp_path / "pkg"), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (payload["rows_accepted"], payload["rows_rejected"]) == (len(PEOPLE), 0)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("verrouille.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "protected by a password, or a damaged one"),
    ("abime.ods", None, "damaged OpenDocument spreadsheet"),
    ("page.xls", b"<html><body><p>Session expired</p><table><tr><td>Menu</td></tr></table></body></html>",
     "web page (HTML) with no table of data"),
    ("coupe.xml", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>',
     "damaged Excel 2003 XML spreadsheet"),
])
def test_an_unreadable_workbook_is_one_sentence(name: str, content: bytes | None, words: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if content is None:
        write_ods(path, {"S": [["a", "b"]]})
        data = path.read_bytes()
        path.write_bytes(data.replace(b"content.xml", b"contenu.xml"))  # the sheet's XML is not where it belongs
    else:
        path.write_bytes(content)
    with pytest.raises(UserError, match=re.escape(words)):
        draft_mapping(path)
    result = run_cli("mapping", "draft", str(path), "--out", str(tmp_path / "m.yaml"))
    assert result.returncode != 0 and "Traceback" not in result.stderr and words in " ".join(result.stderr.split())


def test_a_text_mapping_given_a_workbook_says_which_mapping_reads_it(tmp_path: Path, keys: Path) -> None:
    export = write_xls(tmp_path / "saison.xls", bookings())
    result = run_cli("prepare", str(export), "--member", "lilas", "--profile", "canonical", "--keys", str(keys),
                     "--out", str(tmp_path / "pkg"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "format: xlsx" in " ".join(result.stderr.split())
    assert not (tmp_path / "pkg").exists()


SEANCES = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>État des réservations</title></head><body>
<h1>État des réservations par séance</h1>
<h2>Tartuffe – samedi 14 mars 2026, 20 h</h2>
<table><tr><th>Réservation</th><th>Nom</th><th>Courriel</th><th>Places</th><th>Tarif</th><th>Réservé le</th></tr>
<tr><td>R-101</td><td>Anne Lévesque</td><td>anne@exemple.ca</td><td>2</td><td>25,00 $</td><td>01/02/2026</td></tr>
<tr><td>R-102</td><td>Marc Gagnon</td><td>marc@exemple.ca</td><td>1</td><td>25,00 $</td><td>03/02/2026</td></tr>
<tr><td>R-103</td><td>Julie Morin</td><td>julie@exemple.ca</td><td>3</td><td>20,00 $</td><td>04/02/2026</td></tr></table>
<h2>Tartuffe – dimanche 15 mars 2026, 15 h</h2>
<table><tr><th>Réservation</th><th>Nom</th><th>Courriel</th><th>Places</th><th>Tarif</th><th>Réservé le</th></tr>
<tr><td>R-104</td><td>Sophie Roy</td><td>sophie@exemple.ca</td><td>2</td><td>25,00 $</td><td>05/02/2026</td></tr>
<tr><td>R-105</td><td>Éric Côté</td><td>eric@exemple.ca</td><td>4</td><td>20,00 $</td><td>06/02/2026</td></tr></table>
</body></html>
"""


def test_a_report_page_of_one_table_per_performance_lands_each_performance(tmp_path: Path, keys: Path) -> None:
    """A back office's « état des réservations par séance »: each performance's bookings in a table
    of its own under a heading that names and dates it; the « Tarif » written as amounts is the price."""
    page = tmp_path / "reservations.html"
    page.write_text(SEANCES, encoding="utf-8")
    text = drafted(page)
    assert "sheets: all" in text and "event_title: (sheet title)" in text and "unit_price: Tarif" in text
    got = landed(page, keys, tmp_path / "pkg")
    assert sorted((row[1], row[2]) for row in got["event"]) == [
        ("Tartuffe – dimanche 15 mars 2026, 15 h", dt.datetime(2026, 3, 15, 15, 0)),
        ("Tartuffe – samedi 14 mars 2026, 20 h", dt.datetime(2026, 3, 14, 20, 0))]
    assert sum(row[5] for row in got["ticket"]) == 12
    assert sum(row[5] * row[6] for row in got["ticket"]) == 265


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_workbook_cut_short_is_one_sentence(kind: str, tmp_path: Path) -> None:
    """A download interrupted halfway: the sentence says the workbook is damaged, never a reader's error."""
    whole = WRITERS[kind](tmp_path / f"saison.{kind}", bookings()).read_bytes()
    cut = tmp_path / f"coupe.{kind}"
    cut.write_bytes(whole[:len(whole) // 2])
    result = run_cli("mapping", "draft", str(cut), "--out", str(tmp_path / "m.yaml"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "damaged" in result.stderr and cut.name in result.stderr
    assert not (tmp_path / "m.yaml").exists()


@pytest.mark.parametrize(("kind", "name"), [
    ("xlsx", "ventes.csv"), ("xlsx", "ventes.xls"), ("xls", "ventes.xlsx"), ("xls", "ventes.ods"),
    ("ods", "ventes.xls"), ("ods", "ventes.csv"),
])
def test_a_workbook_renamed_is_read_by_what_it_holds(kind: str, name: str, tmp_path: Path, keys: Path) -> None:
    """A workbook whose name says another format (an .xlsx renamed ventes.csv, an .ods a back office
    sends as .xls): the draft reads it as the workbook it is and prepare lands its tickets, in French
    as in English; it was « n'est pas un classeur Excel lisible », or « protégé par un mot de passe, ou
    endommagé »."""
    export = tmp_path / name
    export.write_bytes(WRITERS[kind](tmp_path / f"saison.{kind}", bookings()).read_bytes())
    mapping = tmp_path / "mapping.yaml"
    result = run_cli_here("mapping", "draft", str(export), "--out", str(mapping), lang="fr")
    assert result.returncode == 0, result.stderr
    assert "format: xlsx" in mapping.read_text(encoding="utf-8") and "sheet: Réservations" in drafted(export)
    got = landed(export, keys, tmp_path / "pkg")
    assert sum(row[5] for row in got["ticket"]) == sum(1 + i % 3 for i in range(len(PEOPLE)))
    assert {row[1] for row in got["event"]} == {"Tartuffe", "Les Bonnes"}


def test_the_member_app_takes_a_workbook_renamed_csv(tmp_path: Path) -> None:
    """The member app's drop goes through the same reading: an .xlsx dropped as ventes.csv is drafted
    as a workbook and checked without a rejected row."""
    import io

    from culturecoop.memberapp.workspace import Workspace

    data = write_xlsx_bytes(tmp_path)
    workspace = Workspace(tmp_path / "work")
    export = workspace.add("ventes.csv", io.BytesIO(data), "2026-06-15T10:00:00")
    assert "format: xlsx" in export.mapping_path.read_text(encoding="utf-8")
    summary = workspace.check(export, max_reject_share=0.5)
    assert (summary.rows_accepted, summary.rows_rejected) == (len(PEOPLE), 0)


def write_xlsx_bytes(tmp_path: Path) -> bytes:
    return WRITERS["xlsx"](tmp_path / "saison.xlsx", bookings()).read_bytes()


@pytest.mark.parametrize(("name", "content", "words"), [
    # A text export named like a workbook is read as the text it is.
    ("ventes.xlsx", "N° commande;Courriel;Spectacle;Date du spectacle;Prix\n1001;anne@exemple.ca;Tartuffe;"
                    "12/03/2026 20:00;32,00\n1002;marc@exemple.ca;Tartuffe;12/03/2026 20:00;27,50\n", "format: csv"),
    ("ventes.xls", "<html><body><table><tr><th>N° commande</th><th>Courriel</th><th>Spectacle</th></tr>"
                   "<tr><td>1001</td><td>anne@exemple.ca</td><td>Tartuffe</td></tr>"
                   "<tr><td>1002</td><td>marc@exemple.ca</td><td>Tartuffe</td></tr></table></body></html>",
     "format: xlsx"),
])
def test_a_text_or_web_page_export_named_like_a_workbook_is_read_by_what_it_holds(
        name: str, content: str, words: str, tmp_path: Path) -> None:
    export = tmp_path / name
    export.write_text(content, encoding="utf-8")
    assert words in drafted(export)


def test_a_damaged_workbook_renamed_csv_says_it_is_a_workbook(tmp_path: Path) -> None:
    """A workbook whose parts are there but unreadable, named ventes.csv: one sentence saying it is a
    damaged Excel workbook, never that it is no workbook."""
    import zipfile

    export = tmp_path / "ventes.csv"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all")
    result = run_cli_here("mapping", "draft", str(export), "--out", str(tmp_path / "m.yaml"), lang="fr")
    said = " ".join(result.stderr.split())
    assert result.returncode == 2 and "Traceback" not in said
    assert "ventes.csv est un classeur Excel (.xlsx), mais endommagé" in said, said
