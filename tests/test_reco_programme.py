"""A member's programme as venues keep it: a ticketing tool's export, a French spreadsheet, written
dates, compressed or JSON files — each read as the events it announces, or refused in one sentence."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from culturecoop.errors import UserError
from culturecoop.reco.programme import parse_start, read_programme
from workbooks import write_ods, write_xls

EVENTBRITE = """Event Name,Event ID,Event Start Date,Event Start Time,Venue Name,Venue Postal Code,Category,Ticket Price,Capacity
Jazz at the Lilas,612345678901,12/19/2026,8:00 PM,Théâtre des Lilas,H2T 1S1,Jazz,$35.00,"1,200"
Comedy night,612345678902,01/09/2027,7:30 PM,Théâtre des Lilas,H2T 1S1,Comedy,Free,250
"""
SALLE = """Titre;Date;Heure;Salle;Genre;Artistes;Jauge;Prix;Langue;Artiste local
Nuit du jazz;19/12/2026;20h00;Salle Bourgie;Jazz, Blues;Trio Lumière, Anne Roy;450;45,00 $;Français;Oui
Orchestre en fête;9/01/2027;19 h 30;Maison symphonique;Musique classique;OSM;1 900;de 25 à 95 $;Instrumental;non
Flamenco;2027-02-14 20:00;;Studio;Flamenco;;120;30;Espagnol;Non
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_ticketing_tools_export_reads_as_its_events(tmp_path: Path) -> None:
    """English headers, month-first dates with a separate AM/PM time, "$35.00", "Free", "1,200"."""
    programme = read_programme(_write(tmp_path, "events.csv", EVENTBRITE))
    jazz, comedy = programme.events
    assert jazz["event_id"] == "612345678901" and jazz["title"] == "Jazz at the Lilas"
    assert jazz["starts_at"] == datetime(2026, 12, 19, 20, 0) and comedy["starts_at"] == datetime(2027, 1, 9, 19, 30)
    assert jazz["capacity"] == 1200 and jazz["price"] == 35.0 and comedy["price"] == 0.0
    assert jazz["genres"] == ["jazz"] and comedy["genres"] == ["comedy"] and jazz["venue_fsa"] == "H2T"
    assert programme.columns["event_starts_at"] == "Event Start Date" and programme.columns["start_time"] == "Event Start Time"


def test_a_french_venue_spreadsheet_without_ids_reads_as_its_events(tmp_path: Path) -> None:
    """Semicolons, day-first dates, "20h00" / "19 h 30", lists split by commas, "45,00 $", "1 900",
    a price range (its lowest), Oui / non, Français / Instrumental / Espagnol; events named by
    title and start; the same file as an Excel sheet reads the same."""
    programme = read_programme(_write(tmp_path, "saison.csv", SALLE))
    nuit, orchestre, flamenco = programme.events
    assert nuit["event_id"] == "nuit-du-jazz-20261219-2000"
    assert nuit["starts_at"] == datetime(2026, 12, 19, 20, 0) and orchestre["starts_at"] == datetime(2027, 1, 9, 19, 30)
    assert nuit["genres"] == ["jazz", "blues"] and nuit["artists"] == ["Trio Lumière", "Anne Roy"]
    assert (nuit["price"], orchestre["price"], orchestre["capacity"]) == (45.0, 25.0, 1900)
    assert (nuit["is_local"], orchestre["is_local"]) == (True, False)
    assert (nuit["language"], orchestre["language"], flamenco["language"]) == ("fr", "none", None)
    assert programme.other_languages == 1 and orchestre["genres"] == ["classical"]
    book = Workbook()
    for line in SALLE.strip().splitlines():
        book.active.append(line.split(";"))
    book.save(tmp_path / "saison.xlsx")
    assert read_programme(tmp_path / "saison.xlsx").events == programme.events
    (tmp_path / "saison.csv.gz").write_bytes(gzip.compress(SALLE.encode("utf-8")))
    assert read_programme(tmp_path / "saison.csv.gz").events == programme.events


def test_json_records_read_as_events(tmp_path: Path) -> None:
    records = [{"id": "e1", "name": "Gala", "start": "2027-03-01T20:00:00-05:00", "categories": ["danse", "cirque"],
                "language": "fr-CA"}]
    programme = read_programme(_write(tmp_path, "events.json", json.dumps(records)))
    (gala,) = programme.events
    assert gala["event_id"] == "e1" and gala["starts_at"] == datetime(2027, 3, 1, 20, 0)  # the venue's wall clock
    assert gala["genres"] == ["dance", "circus"] and gala["language"] == "fr"


@pytest.mark.parametrize("written, expected", [
    ("samedi 23 janvier 2027, 20 h", datetime(2027, 1, 23, 20, 0)),
    ("Sat, Feb 6, 2027 8:00 PM", datetime(2027, 2, 6, 20, 0)),
    ("1er mars 2027 19h30", datetime(2027, 3, 1, 19, 30)),
    ("2027-03-01", datetime(2027, 3, 1)),
    ("01.03.2027 20:00", datetime(2027, 3, 1, 20, 0)),
])
def test_written_starts_are_read(written: str, expected: datetime) -> None:
    assert parse_start(written) == expected


def test_a_season_written_without_its_years_is_placed_from_the_day_it_is_read(tmp_path: Path) -> None:
    # A venue's season sheet writes « sam. 14 février, 20 h », not the year: the line was refused as
    # « not a date and time ». Read on 5 December 2026, each date is the first such day from two months
    # back: February is next year's, last week's show stays last week's (counted as past), a 29
    # February waits for its leap year.
    text = "Titre;Date\nHamlet;sam. 14 février, 20 h\nGala;03/12 20h\nFête;20/06\nBissextile;29/02 19h30\n"
    programme = read_programme(_write(tmp_path, "saison.csv", text), today=date(2026, 12, 5))
    assert [e["starts_at"] for e in programme.events] == [
        datetime(2027, 2, 14, 20, 0), datetime(2026, 12, 3, 20, 0), datetime(2027, 6, 20),
        datetime(2028, 2, 29, 19, 30)]
    assert parse_start("Sat 21 Mar, 7:30pm", False, date(2026, 12, 5)) == datetime(2027, 3, 21, 19, 30)
    assert parse_start("14/02 20h30") is None  # no day to place it from: no date


@pytest.mark.parametrize("text, words", [
    ("Titre,Date\nLe Misanthrope,bientôt\n", "line 2: event_starts_at 'bientôt' is not a date"),
    ("Nom,Salle\nLe Misanthrope,TNM\n", "has no column event_starts_at (its columns: Nom, Salle)"),
    ("Titre,Date,Prix\nHamlet,2027-02-06 20:00,complet\n", "line 2: price 'complet' is not a number"),
    ("ID,Titre,Date\nh1,Hamlet,2027-02-06 20:00\nh1,Hamlet,2027-02-07 20:00\n", "line 3 repeats event h1 of line 2 with another start"),
    ("Titre,Date,Langue\nHamlet,2027-02-06 20:00,klingon du nord\n", "event_language 'klingon du nord' is unknown"),
])
def test_a_bad_programme_is_one_sentence(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        read_programme(_write(tmp_path, "programme.csv", text))
    assert words in caught.value.message


@pytest.mark.parametrize("name, content", [
    ("saison.csv.gz", b"not gzip at all"),
    ("saison.json", b'[{"Titre": "Hamlet", "Date": '),
])
def test_an_unreadable_programme_is_our_sentence_not_the_librarys(tmp_path: Path, name: str, content: bytes) -> None:
    """The member reads a sentence in its language: no DuckDB or zlib message inside it."""
    with pytest.raises(UserError) as caught:
        read_programme(_write_bytes(tmp_path, name, content))
    message = caught.value.message
    assert "Error" not in message and "GZIP" not in message and name in message, message


def _write_bytes(folder: Path, name: str, content: bytes) -> Path:
    (folder / name).write_bytes(content)
    return folder / name


def test_spreadsheet_exports_as_excel_writes_them(tmp_path: Path) -> None:
    """Excel's "Unicode text" (UTF-16, tabs) and a workbook whose first sheet is a cover page, as\n    Excel, LibreOffice (.ods) or an Excel 97–2003 workbook (.xls) saves it."""
    (tmp_path / "saison.txt").write_bytes("Titre\tDate\tHeure\nHamlet\t06/02/2027\t20:00\n".encode("utf-16"))
    book = Workbook()
    book.active.title = "Couverture"
    season = book.create_sheet("Saison")
    season.append(["Titre", "Date"])
    season.append(["Hamlet", datetime(2027, 2, 6, 20, 0)])
    book.save(tmp_path / "saison.xlsx")
    # The same season kept in LibreOffice (.ods) or in an Excel 97–2003 workbook (.xls).
    sheets = {"Couverture": [[None]], "Saison": [["Titre", "Date"], ["Hamlet", datetime(2027, 2, 6, 20, 0)]]}
    write_ods(tmp_path / "saison.ods", sheets)
    write_xls(tmp_path / "saison.xls", sheets)
    for name in ("saison.txt", "saison.xlsx", "saison.ods", "saison.xls"):
        (hamlet,) = read_programme(tmp_path / name).events
        assert hamlet["title"] == "Hamlet" and hamlet["starts_at"] == datetime(2027, 2, 6, 20, 0), name


def test_a_picture_or_an_empty_workbook_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "affiche.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    Workbook().save(tmp_path / "vide.xlsx")
    for name, words in (("affiche.csv", "is not a table of text"), ("vide.xlsx", "has no filled sheet")):
        with pytest.raises(UserError) as caught:
            read_programme(tmp_path / name)
        assert words in caught.value.message and "/tmp/culturecoop-input" not in caught.value.message


def test_one_row_per_ticket_type_is_one_event(tmp_path: Path) -> None:
    """Events exports list an event once per ticket type: the rows become one event, at its lowest
    price, and the summary counts the rows merged."""
    text = ("Event ID,Event Name,Event Start Date,Ticket Type,Ticket Price,Capacity\n"
            "77,Gala,2027-03-01 20:00,Regular,$45.00,640\n77,Gala,2027-03-01 20:00,Student,$25.00,640\n"
            "78,Matinée,2027-03-02 14:00,Regular,$20.00,300\n")
    programme = read_programme(_write(tmp_path, "events.csv", text))
    assert [e["event_id"] for e in programme.events] == ["77", "78"] and programme.merged == 1
    gala = programme.events[0]
    assert gala["price"] == 25.0 and gala["capacity"] == 640


@pytest.mark.parametrize("written, code", [
    ("Français / Anglais", "bilingual"), ("fr, en", "bilingual"), ("French and English", "bilingual"),
    ("Français et espagnol", "fr"), ("Espagnol / Italien", None), ("FR-CA", "fr"), ("Sans paroles", "none"),
])
def test_languages_as_venues_write_them(tmp_path: Path, written: str, code: str | None) -> None:
    text = f"Titre;Date;Langue\nGala;2027-03-01 20:00;{written}\n"
    (gala,) = read_programme(_write(tmp_path, "p.csv", text)).events
    assert gala["language"] == code


@pytest.mark.parametrize("header, cancelled, live", [
    ("Event Status", "Canceled", "Live"), ("Status", "Cancelled", "Draft"), ("Statut", "Annulé", "En vente"),
    ("État", "Événement annulé", "Complet"),
])
def test_cancelled_events_are_left_out_and_counted(tmp_path: Path, header: str, cancelled: str, live: str) -> None:
    """An events export keeps its cancelled shows with a status: no audience is built for a show
    that will not take place; a draft or sold-out show stays. Only cancelled ones: one sentence."""
    text = (f"Event ID,Event Name,Event Start Date,{header}\n"
            f"81,Gala,2027-03-01 20:00,{live}\n82,Reading,2027-03-02 20:00,{cancelled}\n83,Matinée,2027-03-03 14:00,\n")
    programme = read_programme(_write(tmp_path, "events.csv", text))
    assert [e["event_id"] for e in programme.events] == ["81", "83"] and programme.cancelled == 1
    only = _write(tmp_path, "gone.csv", f"Event ID,Event Name,Event Start Date,{header}\n82,Reading,2027-03-02 20:00,{cancelled}\n")
    with pytest.raises(UserError, match="lists only cancelled events"):
        read_programme(only)


def test_the_command_says_in_french_what_it_loaded(tmp_path: Path) -> None:
    """`reco programme` in French: the period as a reader writes days, the cancelled events left out."""
    from tests.conftest import run_cli
    from tests.test_reports_support import tiny_cooperative

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    season = _write(tmp_path, "saison.csv", "Titre;Date;Genre;Prix;Statut\nConte de Noël;2027-12-20;Théâtre;25;\n"
                                            "Bal du printemps;21 mars 2027;Danse;Gratuit;\nLecture;2027-05-02 19:00;Théâtre;10;Annulé\n")
    result = run_cli("reco", "programme", str(season), "--db", str(db), "--member", "jazz-a", lang="fr")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stderr.split())
    assert "jazz-a : 2 événements à venir chargés (du 21 mars 2027 au 20 déc. 2027)." in text
    assert "Événements annulés laissés de côté (leur statut l’indique) : 1." in text
    # A small venue's programme of one show, in the singular (« 1 événements à venir chargés » before).
    one = _write(tmp_path, "gala.csv", "Titre;Date;Genre;Prix\nGala;2027-12-20;Théâtre;25\n")
    result = run_cli("reco", "programme", str(one), "--db", str(db), "--member", "jazz-a", lang="fr")
    assert result.returncode == 0, result.stderr
    assert "jazz-a : un événement à venir chargé (le 20 déc. 2027)." in " ".join(result.stderr.split()), result.stderr


def test_a_programme_whose_lines_end_in_two_ways_reads_as_its_events(tmp_path: Path) -> None:
    path = tmp_path / "saison.csv"
    path.write_bytes(b"Titre;Date;Genre\r\nConte;2027-12-20 19:00;Th\xc3\xa9\xc3\xa2tre\r\nBal;2027-03-21 20:00;Danse\n"
                     b"Jazz;2027-04-11 11:30;Jazz\n")
    assert [e["title"] for e in read_programme(path).events] == ["Conte", "Bal", "Jazz"]


def test_upcoming_events_name_their_place_as_the_members_past_events_do(tmp_path: Path) -> None:
    """A Paris club's `75011` is `FR-750` in its programme, as `prepare` wrote its past events (it was
    `750`, an area no report knows); a Montréal member's `H2T 1S1` stays `H2T`; a London member's
    `SW4 0AB` is `GB-SW4`."""
    from tests.test_reports_support import tiny_cooperative

    from culturecoop.reco.programme import load_programme, member_country
    from culturecoop.warehouse.engine import Warehouse

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    with Warehouse(db) as w:
        with w.transaction() as con:
            con.execute("UPDATE event SET venue_fsa = 'FR-750' WHERE member_id = 'jazz-a'")
            con.execute("UPDATE event SET venue_fsa = 'GB-SW4' WHERE member_id = 'theatre-b'")
        assert member_country(w, "jazz-a") == "FR" and member_country(w, "theatre-b") == "GB"
        for member, postal, area in (("jazz-a", "75011", "FR-750"), ("theatre-b", "SW4 0AB", "GB-SW4"),
                                     ("jazz-a", "H2T 1S1", "H2T")):
            season = _write(tmp_path, f"{member}.csv", f"Titre;Date;Genre;Code postal\nConte;2027-12-20;Théâtre;{postal}\n")
            load_programme(w, member, season)
            assert w.scalar("SELECT venue_fsa FROM reco_upcoming_event WHERE member_id = ?", [member]) == area


def test_loading_a_programme_does_not_load_the_recommenders_matrices() -> None:
    """``reco programme`` reads the warehouse's as-of day and writes events: it loaded SciPy's
    sparse matrices with the recommender's queries (0.2–0.3 s of its 1.3 s of CPU)."""
    code = "import sys\nfrom culturecoop.reco import programme\nprint('scipy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False"], out.stderr
