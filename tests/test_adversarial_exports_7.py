"""Exports as venues really have them, seventh sweep: shapes of files whatever the vendor — a UTF-8 file with
a line of Windows-1252 inside, a CSV saved by Excel on a Mac, two columns under one name, a header written over
two rows, sub-totals between each show's rows, a report printed in pages.

Each fixture (``tests/fixtures/exports/sweep7``) is drafted and prepared as a member would, nothing edited, and
what landed is compared with the figures of the file: tickets, seats and money per show and status. The
contract is ``test_adversarial_exports``'s: one sentence and nothing written, or every row read whole; never a
sale counted twice or a row dropped without a word. Every command runs in process (``cli_streams``).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from culturecoop.ingest.attendees import detect
from test_adversarial_exports_5 import _draft, _prepare
from test_adversarial_exports_6 import _tickets
from test_prepare_privacy import decoded_values, fold, needles

SWEEP = Path(__file__).parent / "fixtures" / "exports" / "sweep7"

# What each show sold in the fixtures of 45 rows, as the file says: (show, status, tickets, seats, amount).
SHOWS_45 = [("Ciné-concert", "refunded", 2, 3, 36.0), ("Ciné-concert", "sold", 13, 16, 192.0),
            ("Concert Jazz Manouche", "refunded", 1, 1, 25.0), ("Concert Jazz Manouche", "sold", 14, 18, 450.0),
            ("Théâtre : Le Misanthrope", "refunded", 1, 1, 32.5), ("Théâtre : Le Misanthrope", "sold", 14, 18, 585.0)]


def _per_show(tmp_path: Path) -> list[tuple[Any, ...]]:
    """What the package holds per show and status: (title, status, tickets, seats, amount)."""
    return [(title, status, n, seats, float(amount)) for title, status, n, seats, amount in _tickets(
        tmp_path, """SELECT e.title, t.status, count(*), sum(t.quantity), sum(t.quantity * t.unit_price)
                     FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY ALL""")]


# A UTF-8 export with one row pasted from another export saved in Windows-1252 (« Pay\xe9 »): the draft read
# the whole file as Windows-1252 (« QtÃ© », « PayÃ© »), and prepare wrote nothing (« 44 lignes sur 45 … statut
# de billet inconnu »); given `encoding: utf-8`, it refused the file (« n’est pas un texte UTF-8 »). A CSV saved
# by Excel on a Mac (« CSV (Macintosh) »: Mac Roman, lines ending in « \r »): drafted as Latin-1 (« N¡ commande »,
# no quantity, no first name), then refused by prepare. Both now land whole, every accent as written.
@pytest.mark.parametrize(("name", "encoding", "why", "said"), [
    ("ventes-une-ligne-cp1252.csv", "utf-8",
     "toutes les lignes sont en UTF-8 sauf la ligne 22, lue en Windows-1252 (octet 0xE9)",
     "La ligne 22 de ventes-une-ligne-cp1252.csv n’est pas écrite en UTF-8 comme le reste du fichier : elle a été "
     "lue en Windows-1252"),
    ("ventes-excel-mac.csv", "mac_roman", "qu’en Mac Roman, le codage d’un CSV enregistré par Excel sur Mac", ""),
], ids=["utf8-with-a-cp1252-row", "excel-for-mac"])
def test_a_file_in_two_codes_or_saved_on_a_mac_lands_whole(
        name: str, encoding: str, why: str, said: str, tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    draft, text = _draft(tmp_path, SWEEP / name, monkeypatch, capsys, "fr")
    assert draft["mapping"]["encoding"] == encoding and why in text, text
    assert (draft["mapping"]["columns"]["quantity"], draft["mapping"]["status_values"]) == (
        "Qté", {"Payé": "sold", "Remboursé": "refunded"}), draft["mapping"]
    code, summary, told = _prepare(tmp_path, SWEEP / name, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (45, 45), told
    assert said in told, told
    assert _per_show(tmp_path) == SHOWS_45


# What each show sold in the fixtures of 40 rows, and when it starts.
SHOWS_40 = [("Ciné-concert", "refunded", 1, 1, 12.0), ("Ciné-concert", "sold", 12, 15, 180.0),
            ("Concert Jazz Manouche", "refunded", 1, 1, 25.0), ("Concert Jazz Manouche", "sold", 13, 17, 425.0),
            ("Théâtre : Le Misanthrope", "refunded", 1, 1, 32.5), ("Théâtre : Le Misanthrope", "sold", 12, 15, 487.5)]


# Two columns under one name: « Date » for the show and for the sale under a header of two rows (« Acheteur |
# Événement | Vente » above the names, a spreadsheet's merged cells), « Email » for the buyer and the attendee
# and « Date » twice in an English export. The draft read one « Date » as the purchase and said to rename
# columns in the export; prepare refused the file (« 2 colonnes nommées « Date » »): 0 of 40 tickets. Each
# column is now named by its rank (« Date (1) », « Date (2) »), the one of a handful of moments is the show's.
@pytest.mark.parametrize(("name", "starts", "bought", "times"), [
    ("ventes-en-tete-sur-deux-lignes.csv", "Date (1)", "Date (2)", ["14/03 20:30", "21/03 19:00", "28/03 15:00"]),
    ("orders-two-emails-two-dates.csv", "Date (2)", "Date (1)", ["14/03 20:00", "21/03 20:00", "28/03 20:00"]),
], ids=["french-header-on-two-rows", "english-two-emails-two-dates"])
def test_two_columns_of_one_name_are_each_read(
        name: str, starts: str, bought: str, times: list[str], tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    draft, text = _draft(tmp_path, SWEEP / name, monkeypatch, capsys, "fr")
    columns = draft["mapping"]["columns"]
    assert (columns["event_starts_at"], columns["purchased_at"]) == (starts, bought), columns
    assert not any("colonnes nommées" in line for line in draft["undecided"]), draft["undecided"]
    code, summary, said = _prepare(tmp_path, SWEEP / name, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (40, 40), said
    assert _per_show(tmp_path) == SHOWS_40
    assert [t for (t,) in _tickets(tmp_path, "SELECT DISTINCT strftime(starts_at, '%d/%m %H:%M') FROM e ORDER BY 1")
            ] == times


# A sheet kept by hand with a sub-total under each show's rows, naming the show (« Sous-total Théâtre : Le
# Misanthrope;;;;;;;617,50;19 », « Sous-total Ciné-concert ») and a blank line after it, then a grand total: two of
# the three sub-totals were rejects of four reasons each (a title with a colon or a hyphen was no « total's
# label »). A report printed in pages, its title block (« État des ventes — Salle Pleyel ») written again at the
# top of each page above the header: each was a « ligne illisible » reject. Now they are left out, said as
# totals or blank lines, and every sale lands.
@pytest.mark.parametrize(("name", "workbook", "totals", "blank"), [
    ("etat-sous-totaux-par-spectacle.csv", False, 4, 3),
    ("etat-des-ventes-en-pages.csv", False, 3, 6),
    ("etat-des-ventes-en-pages.csv", True, 3, 6),
], ids=["subtotals-naming-each-show", "report-in-pages", "report-in-pages-workbook"])
def test_sub_totals_naming_their_show_and_titles_of_each_page_are_no_rows(
        name: str, workbook: bool, totals: int, blank: int, tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / name
    if workbook:  # the same report saved as a workbook, each line a row
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for line in export.read_text(encoding="utf-8").splitlines():
            sheet.append([cell or None for cell in line.split(";")])
        export = tmp_path / "etat.xlsx"
        book.save(export)
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0, said
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"]) == (45, 45, 0), said
    assert (summary["summary_lines"], summary["blank_lines"]) == (totals, blank), summary
    assert _per_show(tmp_path) == SHOWS_45


# An English box office's orders: the show's day in one column, its time in another as the venue writes it
# (« 8 PM », « 7:30 PM », « 3 PM »), the purchase under « Ordered ». The draft found no purchase date (nothing
# could be prepared: « No column is chosen for the required fields “Purchase date and time” ») and read « 8 PM »
# as no time, so each show started at midnight. Now 36 of 36 tickets land, each show at its hour.
def test_a_time_written_8_pm_beside_the_day_is_the_shows_hour(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "orders-door-times-pm.csv"
    draft, text = _draft(tmp_path, export, monkeypatch, capsys)
    columns = draft["mapping"]["columns"]
    assert (columns["purchased_at"], columns["event_starts_at"]) == (
        "Ordered", {"join": ["Event Date", "Door Time"], "separator": " "}), columns
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (36, 36), said
    assert _tickets(tmp_path, """SELECT e.title, strftime(e.starts_at, '%d/%m %H:%M'), count(*), sum(t.quantity),
                                        sum(t.quantity * t.unit_price) FILTER (WHERE t.status = 'sold')
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY 2""") == [
        ("Concert Jazz Manouche", "14/03 20:00", 12, 15, 350), ("Théâtre : Le Misanthrope", "21/03 19:30", 12, 15, 455),
        ("Ciné-concert", "28/03 15:00", 12, 15, 168)]


# The attendees' names and e-mails of a file (their numbered columns), none of which may travel in clear.
def _attendees_named(export: Path, delimiter: str) -> list[dict[str, str]]:
    with export.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))
    kinds = {"prénom": "first_name", "first name": "first_name", "nom": "last_name", "last name": "last_name",
             "courriel": "email", "email": "email"}
    out = []
    for row in rows:
        for n in range(1, 5):
            person: dict[str, str] = {}
            for word, kind in kinds.items():
                value = row.get(f"Participant {n} - {word.capitalize()}") or row.get(f"Attendee {n} {word.title()}")
                if value:
                    person[kind] = value
            if person:
                out.append(person)
    return out


# One row per order, its attendees side by side in numbered columns (« Participant 1 - Nom » … « Participant 3 -
# Courriel »; « Attendee 1 First Name » … « Attendee 4 Ticket Price », some blocks empty, a seat no one is named
# for, a guest named with no e-mail (reached through the buyer's, as on today's order lines), a refunded order,
# an order's refunded amount, the buyer's newsletter box): each row landed as one ticket of its seats in the first
# attendee's name (French: 30 tickets and 30 patrons for 60 attendees). The draft now writes `attendees` and
# prepare reads a line per attendee: every attendee a ticket and a patron, every seat and every euro of each
# show as the file says (a per-attendee price read as each one's), the buyer's consent the buyer's alone, no
# attendee's name or e-mail in clear, and the summary counts both (« 30 commandes, soit 60 participants »).
@pytest.mark.parametrize(("name", "delimiter", "stems", "orders", "patrons", "marketing", "shows"), [
    ("commandes-participants-numerotes.csv", ";",
     ["Participant {n} - Prénom", "Participant {n} - Nom", "Participant {n} - Courriel"], 30, 60, 0,
     [("Ciné-concert", "sold", 30, 30, 360.0), ("Concert Jazz Manouche", "sold", 10, 10, 250.0),
      ("Théâtre : Le Misanthrope", "sold", 20, 20, 650.0)]),
    ("orders-attendees-numbered.csv", ",",
     ["Attendee {n} First Name", "Attendee {n} Last Name", "Attendee {n} Email", "Attendee {n} Ticket Price"], 24,
     50, 12, [("Folk Evening", "refunded", 2, 2, 45.0), ("Folk Evening", "sold", 11, 11, 247.5),
              ("Jazz Night", "refunded", 1, 1, 30.0), ("Jazz Night", "sold", 16, 16, 480.0),
              ("Kids Matinee", "sold", 22, 22, 210.0)]),
], ids=["french-participants", "english-attendees"])
def test_attendees_in_numbered_columns_are_each_a_ticket_and_a_patron(
        name: str, delimiter: str, stems: list[str], orders: int, patrons: int, marketing: int,
        shows: list[tuple[Any, ...]], tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / name
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["attendees"]["numbered"] == stems, text
    attendee = stems[0].split("{n}")[0].strip()
    assert all(str(draft["mapping"]["columns"][f]).startswith(attendee) for f in ("first_name", "last_name", "email"))
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    seats = sum(n for _show, _status, n, _seats, _money in shows)
    assert code == 0 and (summary["export_rows"], summary["rows_in"], summary["rows_accepted"]) == (
        orders, seats, seats), said
    assert f"Lignes lues : {orders} commandes, soit {seats} participants = {seats} acceptés + 0 rejetés." in said
    assert summary["rows_per_table"]["patron"] == patrons
    assert summary["consent"]["purposes"]["marketing"]["granted"] == marketing  # the buyers who ticked the box
    assert _per_show(tmp_path) == shows
    secret = needles(_attendees_named(export, delimiter))
    assert len(secret) > 100
    for where, value in decoded_values(tmp_path / "pkg"):
        shown = fold(value) if isinstance(value, str) else ""
        assert not any(fold(n) in shown for n in secret if len(n) >= 5), (where, value)


# Numbered columns that are no attendees stay as they are: one person's address or phone lines, a price list.
# An attendee's line set aside names the export's line and the attendee, and rows read still add up; a setting
# naming a column the export does not have is one sentence.
def test_numbered_columns_that_are_no_attendees_and_an_attendees_reject(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert detect(["Nom", "Adresse 1", "Adresse 2", "Téléphone 1", "Téléphone 2", "Tarif 1", "Tarif 2", "Prix 1",
                   "Prix 2", "Email"]) == []
    assert detect(["Nom 1", "Courriel 1", "Nom 2", "Courriel 2", "Buyer Phone 1", "Buyer Phone 2"]) == [
        "Nom {n}", "Courriel {n}"]
    export = tmp_path / "orders.csv"
    lines = (SWEEP / "orders-attendees-numbered.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("lucas.brown31@example.org,30.00", "lucas.brown31@example.org,thirty")  # 2nd attendee
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = {"name": "woo", "format": "csv", "datetime_formats": ["%Y-%m-%d %H:%M"], "currency": "CAD",
               "attendees": {"numbered": ["Attendee {n} First Name", "Attendee {n} Last Name", "Attendee {n} Email",
                                          "Attendee {n} Ticket Price"], "seats": "Tickets"},
               "status_values": {"Completed": "sold", "Refunded": "refunded"},
               "columns": {"order_id": "Order #", "purchased_at": "Order Date", "status": "Order Status",
                           "quantity": "Tickets", "unit_price": "Attendee Ticket Price", "event_id": "Event",
                           "event_starts_at": "Event Date", "email": "Attendee Email",
                           "first_name": "Attendee First Name", "last_name": "Attendee Last Name"}}
    code, summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "en")
    assert code == 0 and (summary["export_rows"], summary["rows_in"], summary["rows_accepted"],
                          summary["rows_rejected"]) == (24, 52, 51, 1), said
    assert "Rows read: 24 orders, 52 attendees = 51 accepted + 1 rejected." in said, said
    with Path(summary["rejects_file"]).open(encoding="utf-8-sig", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert [(r["line"], "thirty" in r["raw_line"]) for r in rejected] == [("5 (attendee 2)", True)]
    # A stem the header does not write: one sentence naming it, nothing written.
    mapping["attendees"]["numbered"][2] = "Attendee {n} E-mail"
    shutil.rmtree(tmp_path / "pkg")
    code, _summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "en")
    assert code == 2 and "The mapping's attendees setting names “Attendee {n} E-mail”, but orders.csv has no such " \
        "column for two attendees or more (“Attendee 1 E-mail”, “Attendee 2 E-mail”)" in said, said


# The same orders saved as an Excel workbook, a title above the table: each attendee is a ticket and a patron
# there too (the workbook's rows are spread as the text file's lines are).
def test_attendees_in_numbered_columns_of_a_workbook(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Export des commandes – mars 2026"])
    sheet.append([])
    with (SWEEP / "commandes-participants-numerotes.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter=";"):
            sheet.append(row)
    export = tmp_path / "commandes.xlsx"
    book.save(export)
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["attendees"]["numbered"][0] == "Participant {n} - Prénom", text
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["export_rows"], summary["rows_in"], summary["rows_accepted"]) == (30, 60, 60), said
    assert summary["rows_per_table"]["patron"] == 60
    assert _per_show(tmp_path) == [("Ciné-concert", "sold", 30, 30, 360.0), ("Concert Jazz Manouche", "sold", 10, 10, 250.0),
                                   ("Théâtre : Le Misanthrope", "sold", 20, 20, 650.0)]
