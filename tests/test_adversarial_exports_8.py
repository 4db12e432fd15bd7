"""Exports as venues really have them, eighth sweep: vendor semantics earlier sweeps left behind (numbers
that are part of a title, partly refunded orders, passes, walk-ins sharing one id…) and shapes not yet met.

Each fixture (``tests/fixtures/exports/sweep8``) is drafted and prepared as a member would, nothing edited, and
what landed is compared with the figures of the file. Every command runs in process (``cli_streams``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from test_adversarial_exports_5 import _draft, _prepare
from test_adversarial_exports_6 import _tickets

SWEEP = Path(__file__).parent / "fixtures" / "exports" / "sweep8"


# A programme whose titles hold numbers of their own before the show's date (« Symphonie n° 9 – 14 juin 2026
# 20h », « Sonate Op. 27 – 15 juin 2026 18h »): « 9 – 14 juin » was read as a run of days from the 9th, and
# « 27 – 15 juin » as the 27th: two shows dated on days they were not. A number after a number's mark (n°,
# Op., BWV, Vol., Acte…) or a « range » going backwards is the title's; the title is kept whole.
def test_numbers_that_are_part_of_a_title_are_no_day(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "programme-titres-numerotes.csv"
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (8, 8), said
    assert _tickets(tmp_path, "SELECT title, strftime(starts_at, '%d/%m/%Y %H:%M') FROM e ORDER BY starts_at") == [
        ("Symphonie n° 9 – 14 juin 2026 20h", "14/06/2026 20:00"), ("Sonate Op. 27 – 15 juin 2026 18h", "15/06/2026 18:00"),
        ("Les 3 mousquetaires – 16 juin 2026 15h", "16/06/2026 15:00"), ("100 % Jazz – 17 juin 2026 21h", "17/06/2026 21:00"),
        ("Hamlet 2e partie – 18 juin 2026 20h", "18/06/2026 20:00")]
    # « 25,00 EUR »: the currency after the amount and a space.
    assert _tickets(tmp_path, "SELECT t.status, sum(quantity), sum(quantity * unit_price), any_value(currency) "
                              "FROM t GROUP BY ALL ORDER BY ALL") == [("refunded", 2, 50, "EUR"), ("sold", 11, 192, "EUR")]


# Shopify's orders export: « partially_refunded » orders and a « Refunded Amount » of the order on its first line,
# taxes included (a refunded order of 40.00 gives back 45.99). The draft left the column out for that order
# (« rend plus que le prix lu »), so every partly refunded order counted at its full price: 13 seats sold for
# 520.00 where 9 were, for 400.00. The column is now read (an order its status refunds whole may give back its
# taxes too): one seat of three refunded at its price, 10.00 off two seats, a line of another show refunded.
# Without the column, a partly refunded order's seats stay sold at no known price, and prepare says so.
@pytest.mark.parametrize(("column", "shows", "said"), [
    ("Refunded Amount", [
        ("Le Misanthrope — sam. 14 mars 20 h", "refunded", 2, 2, 80), ("Le Misanthrope — sam. 14 mars 20 h", "sold", 3, 6, 240),
        ("Les Belles-Sœurs — ven. 20 mars 19 h 30", "refunded", 1, 1, 30),
        ("Les Belles-Sœurs — ven. 20 mars 19 h 30", "sold", 2, 3, 80),
        ("Les Fourberies de Scapin — dim. 22 mars 15 h", "sold", 1, 4, 160)], "2 billets vendus ont été remboursés en entier"),
    ("Note", [
        ("Le Misanthrope — sam. 14 mars 20 h", "refunded", 1, 1, 40), ("Le Misanthrope — sam. 14 mars 20 h", "sold", 3, 7, 80),
        ("Les Belles-Sœurs — ven. 20 mars 19 h 30", "sold", 3, 4, 30),
        ("Les Fourberies de Scapin — dim. 22 mars 15 h", "sold", 1, 4, 160)],
     "8 billets appartiennent à des commandes remboursées en partie, et l’export ne dit pas combien a été rendu"),
], ids=["refunded-amount-with-taxes", "no-refunded-amount"])
def test_a_partly_refunded_order_never_counts_its_full_price(
        column: str, shows: list[tuple[str, str, int, int, int]], said: str, tmp_path: Path, keys: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "orders_export.csv"
    export.write_text((SWEEP / "shopify-remboursements-partiels.csv").read_text(encoding="utf-8").replace(
        ",Refunded Amount\n", f",{column}\n"), encoding="utf-8")
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, told = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (8, 8), told
    assert said in told, told
    assert _tickets(tmp_path, """SELECT e.title, t.status, count(*), sum(t.quantity),
                                        coalesce(sum(t.quantity * t.unit_price), 0)
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY ALL""") == shows


# A Swiss box office's bookings: times with their zone's name (« 14/06/2026 20:30 CEST »), francs as the Swiss
# write them (« CHF 30.- », « CHF 22.50 »), and the seat in three columns (« Rang », « Place », « Zone »). The
# draft read « Place » (a seat, in French) as the venue: each show's hall became « 12 », « 13 »…, one seat's number.
# A column of numbers and codes is no hall; the seat columns are left out, and every booking lands as written.
def test_a_seat_is_no_venue_and_zoned_times_and_swiss_francs_are_read(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "ventes-suisse-cest-places.csv"
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert "venue" not in draft["mapping"]["columns"], draft["mapping"]["columns"]
    assert {"Rang", "Place", "Zone"} <= set(draft["unused_columns"]), draft["unused_columns"]
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (10, 10), said
    assert _tickets(tmp_path, """SELECT e.title, strftime(e.starts_at, '%d/%m/%Y %H:%M'), e.venue, t.status, count(*),
                                        sum(t.quantity * t.unit_price), any_value(t.currency)
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY ALL""") == [
        ("Guillaume Tell", "14/06/2026 20:30", None, "cancelled", 1, 22.5, "CHF"),
        ("Guillaume Tell", "14/06/2026 20:30", None, "refunded", 1, 22.5, "CHF"),
        ("Guillaume Tell", "14/06/2026 20:30", None, "sold", 3, 90, "CHF"),
        ("La Flûte enchantée", "20/06/2026 19:00", None, "sold", 5, 171, "CHF")]
    assert _tickets(tmp_path, "SELECT strftime(min(purchased_at), '%d/%m/%Y %H:%M') FROM t") == [("02/05/2026 10:12",)]


# Checkouts never paid under a plain « Statut » (« En attente », « En attente de paiement », « Non payé »,
# « Abandonné »; "Pending", "Awaiting payment", "Unpaid", "Abandoned"): the draft knew none of them but
# « Abandonné », so prepare set their rows aside as unknown statuses (3 of 12 rejected, the member asked to name
# them). A payment that never came sold no seat and admitted nobody: they are cancelled, left out of the sales
# and admissions, and prepare says how many tickets that was.
_ENGLISH = {"En attente de paiement": "Awaiting payment", "En attente": "Pending", "Non payé": "Unpaid",
            "Abandonné": "Abandoned", "Payé": "Paid", "Remboursé": "Refunded", "Annulé": "Cancelled"}


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "8 billets n’ont jamais été payés (leur statut dit que le paiement est en attente, non fait ou abandonné)"),
    ("en", "8 tickets were never paid (their status says the payment is pending, not made or abandoned)")])
def test_a_checkout_never_paid_is_no_sale_and_is_counted_apart(
        lang: str, said: str, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "commandes-statut-en-attente.csv"
    if lang == "en":
        text = export.read_text(encoding="utf-8")
        for french, english in _ENGLISH.items():
            text = text.replace(f";{french}\n", f";{english}\n")
        export = tmp_path / "orders.csv"
        export.write_text(text, encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, lang)
    assert not [line for line in draft["undecided"] if "status" in line], draft["undecided"]
    code, summary, told = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, lang)
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (12, 12), told
    assert said in told, told
    assert _tickets(tmp_path, """SELECT status, count(*), sum(quantity), sum(quantity * unit_price)
                                 FROM t GROUP BY ALL ORDER BY ALL""") == [
        ("cancelled", 5, 9, 233), ("refunded", 1, 1, 25), ("sold", 6, 14, 305)]


# A reseller's counts-only « état des ventes » (seats sold per show, rate and outlet; no order, no buyer):
# prepare's refusal opened by listing the fields left without a column (« Aucune colonne n’est choisie pour
# « Numéro de billet » (ticket_id) ou… »), the export to ask for last. It now opens by saying what the file is
# and which export to ask for; no package is written.
def test_a_report_counting_seats_says_first_that_it_names_no_buyer(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "etat-ventes-reseaux-sans-acheteur.csv"
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, _summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 2 and said.startswith(
        "Erreur : Ce rapport ne nomme aucun acheteur (il compte des places vendues) : exportez plutôt le détail de "
        "vos ventes, une ligne par billet ou par commande avec le courriel ou le numéro de client de l’acheteur"), said
    assert not (tmp_path / "pkg").exists()


# A venue's web sales name their buyers; its box office files every walk-in under one customer number
# (« 100 »), the venue's own address and no name (or « Anonyme »): 12 sales of 18 seats. They were one
# patron, the venue's most loyal by far (12 purchases, where its real regular made 7), and the address linked that
# « patron » across members. A value never written with a name, on ten purchases or more, in an export that names
# its other buyers, is the box office's: its lines are sales naming nobody and the address is kept for nobody. The
# regular stays one patron with her 7 purchases.
def test_the_box_office_account_is_nobody_and_the_regular_stays_herself(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "ventes-guichet-compte-commun.csv"
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (36, 36), said
    assert summary["rows_per_table"]["unnamed_sale"] > 0 and summary["rows_per_table"]["patron"] == 15, summary
    assert "Une adresse courriel est écrite sur 12 lignes de 12 achats différents, jamais avec un nom" in said, said
    assert _tickets(tmp_path, "SELECT count(*) FROM t GROUP BY member_patron_id ORDER BY 1 DESC LIMIT 2") == [
        (7,), (2,)]
    con = duckdb.connect()
    assert con.execute(f"""SELECT sum(admissions), sum(admissions * unit_price) FROM read_parquet(
        '{tmp_path / 'pkg' / 'unnamed_sale.parquet'}')""").fetchall() == [(18, 408)]


# A product column that writes the show with its full date and year (Shopify's « Lineitem name » « Le Misanthrope —
# sam. 14 mars 2026 20 h », a shop's « Item Name » « Nabucco, dimanche 22 mars 2026 15h »): a one-word title set off
# before its date was read as a date, so the column was no title, and the whole file became one event named after
# the file, with no date. A word set off by a dash, a bar, a comma or a colon that is no day, month or hour is a
# title's: each show is an event of its own, dated from its name.
@pytest.mark.parametrize(("name", "shows"), [
    ("shopify", [("Le Misanthrope — sam. 14 mars 2026 20 h", "14/03/2026 20:00", 8),
                 ("Les Belles-Sœurs — ven. 20 mars 2026 19 h 30", "20/03/2026 19:30", 4),
                 ("Les Fourberies de Scapin — dim. 22 mars 2026 15 h", "22/03/2026 15:00", 4)]),
    ("shop", [("Tartuffe – samedi 14 mars 2026 20h", "14/03/2026 20:00", 7),
              ("Nabucco, dimanche 22 mars 2026 15h", "22/03/2026 15:00", 7),
              ("Hamlet — vendredi 3 avril 2026 19h30", "03/04/2026 19:30", 6)]),
])
def test_a_product_named_with_its_dated_show_is_each_show(
        name: str, shows: list[tuple[str, str, int]], tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    if name == "shopify":
        export = tmp_path / "orders_export.csv"
        export.write_text((SWEEP / "shopify-remboursements-partiels.csv").read_text(encoding="utf-8").replace(
            " mars 20 h", " mars 2026 20 h").replace(" mars 19 h", " mars 2026 19 h").replace(
            " mars 15 h", " mars 2026 15 h"), encoding="utf-8")
    else:
        export = SWEEP / "commandes-produit-date-annee.csv"
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and summary["rows_rejected"] == 0, said
    assert _tickets(tmp_path, """SELECT e.title, strftime(e.starts_at, '%d/%m/%Y %H:%M'), sum(t.quantity)
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY min(e.starts_at)""") == shows


# A festival's tickets in one « Billet » column: day tickets (« Samedi 11 juillet 2026 ») beside passes (« Pass 3
# jours », « Forfait week-end », « Abonnement saison »). Read as a column of dates, it was no title: the whole file
# became one undated event named after the file. The day tickets are now each day's event, and each pass one
# ticket of an event of its own, never one per day; its holder one patron (12 lines: 12 tickets, 12 patrons).
def test_passes_beside_day_tickets_are_one_ticket_each(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "festival-pass-et-jours.csv"
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert any("« Abonnement saison », « Forfait week-end », « Pass 3 jours » dans Billet nomment des pass" in line
               for line in draft["undecided"]), draft["undecided"]
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (12, 12), said
    assert summary["rows_per_table"]["patron"] == 12, summary
    assert _tickets(tmp_path, """SELECT e.title, strftime(e.starts_at, '%d/%m/%Y'), t.status, count(*),
                                        sum(t.quantity * t.unit_price)
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY min(e.starts_at), 1, 3""") == [
        ("Vendredi 10 juillet 2026", "10/07/2026", "sold", 2, 70), ("Samedi 11 juillet 2026", "11/07/2026", "sold", 2, 70),
        ("Dimanche 12 juillet 2026", "12/07/2026", "sold", 2, 70), ("Abonnement saison", None, "sold", 1, 120),
        ("Forfait week-end", None, "sold", 2, 130), ("Pass 3 jours", None, "refunded", 1, 89),
        ("Pass 3 jours", None, "sold", 2, 178)]


# HelloAsso's orders of a season's campaign: « Campagne » « Saison culturelle 2025-2026 » on every row, the show in
# « Formule » with its tariff and date (« Tarif adhérent - Le Misanthrope - 14 mars 2026 »). The draft titled every
# show after the campaign: three events, each « Saison culturelle 2025-2026 ». One name for shows on several days
# names a season: each show is titled by what was sold, without its tariff, one event whatever the tariff.
def test_a_season_campaign_does_not_title_its_shows(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "helloasso-saison-campagne.csv"
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["columns"]["event_title"] == "Formule", draft["mapping"]["columns"]
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_accepted"], summary["not_tickets"]) == (18, 1), said
    assert _tickets(tmp_path, """SELECT e.title, strftime(e.starts_at, '%d/%m/%Y'), t.status, count(*),
                                        sum(t.quantity * t.unit_price)
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY min(e.starts_at), 3""") == [
        ("Le Misanthrope - 14 mars 2026", "14/03/2026", "sold", 6, 80),
        ("Cabaret swing - 4 avril 2026", "04/04/2026", "refunded", 1, 10),
        ("Cabaret swing - 4 avril 2026", "04/04/2026", "sold", 5, 70),
        ("Les Fourberies de Scapin - 16 mai 2026", "16/05/2026", "sold", 6, 80)]


# A group booking form naming each attendee with their age (« Nom 1 », « Prénom 1 », « Courriel 1 », « Âge 1 »,
# « Nom 2 »…): the attendees were read one per line, but « Âge 1 » stayed an order column, so every attendee took
# the first one's age (a 9-year-old and a 71-year-old both born in 1992). Each attendee's age is their own now, and
# « Participant - Âge » is no attendee's name (it was read as their full name).
def test_each_attendee_keeps_their_own_age(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "groupes-ages-par-participant.csv"
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["columns"]["age"] == "Âge", draft["mapping"]["columns"]
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (12, 12), said
    con = duckdb.connect()
    assert con.execute(f"""SELECT list(birth_band ORDER BY birth_band) FROM read_parquet(
        '{tmp_path / 'pkg' / 'patron.parquet'}')""").fetchall() == [([
            "1945-1949", "1955-1959", "1960-1964", "1970-1974", "1980-1984", "1985-1989", "1990-1994", "1995-1999",
            "2005-2009", "2010-2014", "2010-2014", "2015-2019"],)]
    assert _tickets(tmp_path, "SELECT count(*), sum(quantity * unit_price) FROM t") == [(12, 180)]


# A shop's JSON orders naming their attendees in numbered fields (``attendee_1_name``, ``attendee_2_email``…), the
# order's ``total`` and ``quantity`` once: a CSV of that layout is read a line per attendee, the JSON was not (each
# order one ticket of all its seats in its first attendee's name: 12 patrons for 24 people). Each attendee is now one
# line, one seat and one patron, the order's total shared among them to the cent.
def test_json_orders_with_numbered_attendees_are_a_line_each(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = SWEEP / "commandes-participants-numerotes.json"
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (24, 24), said
    assert summary["rows_per_table"]["patron"] == 24, summary
    assert _tickets(tmp_path, """SELECT e.title, count(*), sum(t.quantity), sum(t.quantity * t.unit_price)
                                 FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY 1""") == [
        ("Le Petit Prince", 12, 12, 240), ("Soirée jazz manouche", 12, 12, 360)]


# School and group bookings written one row per group, the group's size only in the tariff and no column of seats:
# read in the text where it is one number of people (``test_handkept_bookings``). Where it is not (« Groupe
# scolaire » alone, « Groupe 20 élèves + 3 accompagnateurs »), no seats are guessed and the draft says so, with
# what to write.
def test_a_group_whose_size_is_not_one_number_is_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "reservations.csv"
    export.write_text((SWEEP / "reservations-groupes-sans-quantite.csv").read_text(encoding="utf-8").replace(
        "Groupe scolaire 25 pers.", "Groupe scolaire").replace("Groupe scolaire 28 pers.",
                                                               "Groupe 20 élèves + 3 accompagnateurs").replace(
        "Groupe 12 pers.", "Groupe"), encoding="utf-8")
    draft, _text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert "quantity" not in draft["mapping"]["columns"]
    assert any(line.startswith("« Groupe », « Groupe 20 élèves + 3 accompagnateurs », « Groupe scolaire » dans "
                               "Tarif nomment des groupes, mais pas par un seul nombre de personnes")
               and "« Quantité » (quantity)" in line for line in draft["undecided"]), draft["undecided"]


# A workbook of one sheet per performance, each order naming its attendees side by side (``sheets: all`` and
# ``attendees``): a rejected attendee's line in the rejects file read « 3 (participant 2) », with no sheet, where a
# row read as it is reads « 'Dim 11 oct'!3 »: the member could not tell which sheet to look at. It now names it.
def test_an_attendee_rejected_in_a_workbook_of_sheets_names_the_sheet(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    from culturecoop.ingest.rejects import read_rejects

    book = Workbook()
    book.remove(book.active)
    for day, sheet in enumerate(("Sam 10 oct", "Dim 11 oct")):
        rows = book.create_sheet(sheet)
        rows.append(["Commande", "Date de commande", "Spectacle", "Date du spectacle", "Prix total",
                     "Participant 1 - Nom", "Participant 1 - Courriel", "Participant 2 - Nom", "Participant 2 - Courriel"])
        for i in range(10):
            bought = "pas de date" if (day, i) == (1, 1) else f"0{1 + i % 9}/09/2026 10:00"
            rows.append([f"C{day}{i}", bought, "Le Petit Prince", f"{10 + day}/10/2026 15:00", "24,00",
                         f"Roy {day}{i}", f"a{day}{i}@exemple.fr", f"Côté {day}{i}", f"b{day}{i}@exemple.fr"])
    export = tmp_path / "participants.xlsx"
    book.save(export)
    _draft_json, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert "sheets: all" in text and "attendees:" in text, text
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_in"], summary["rows_accepted"]) == (40, 38), said
    assert [r["line"] for r in read_rejects(Path(summary["rejects_file"]))] == [
        "'Dim 11 oct'!3 (participant 1)", "'Dim 11 oct'!3 (participant 2)"]


# A subscription office's table of seats per show, one column per dated show (« Tartuffe 14/03/2026 » holding
# « 2 »): drafted as one event named after the file, each row one ticket at the row's total, without a word. The
# draft now opens by saying what the file is and which export to give instead.
def test_a_table_of_seats_per_show_is_said_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    draft, _text = _draft(tmp_path, SWEEP / "places-par-spectacle-en-colonnes.csv", monkeypatch, capsys, "fr")
    assert draft["undecided"][0].startswith(
        "Les colonnes « Tartuffe 14/03/2026 », « Phèdre 21/03/2026 », « Cyrano 28/03/2026 » portent le nom de "
        "spectacles datés et comptent des places"), draft["undecided"]
    # What to do, said exactly: one row per person and show booked (2 + 1 + 3 of the sample's cells).
    assert "Dans votre tableur, faites une ligne par personne et par spectacle réservé (6 lignes pour cet " \
           "échantillon)" in draft["undecided"][0], draft["undecided"]
    assert "une colonne « Places » avec le nombre de sa case" in draft["undecided"][0]
