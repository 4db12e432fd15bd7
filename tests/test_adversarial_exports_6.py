"""Exports as vendors and spreadsheets really write them, sixth sweep: prices that say nothing (JSON's null,
« - », « N/A »), a JSON export's rejects named as records, orders refunded in part, festival passes, and
vendor-like layouts not among ``tests/fixtures`` (Billetweb, Shotgun, HelloAsso, SoTicket, a Google Forms
list, a festival's till).

The contract is ``test_adversarial_exports``'s: one sentence (in French and English) and nothing written, or
every row read whole, with the same figures as the file; never a sale counted twice or a row dropped without
a word. Every command runs in process (``cli_streams``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from test_adversarial_exports_5 import _draft, _prepare


def _tickets(tmp_path: Path, query: str) -> list[tuple[Any, ...]]:
    """``query`` on the package's tickets (``t``) and events (``e``)."""
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{tmp_path / 'pkg' / 'ticket.parquet'}')")
    con.execute(f"CREATE VIEW e AS SELECT * FROM read_parquet('{tmp_path / 'pkg' / 'event.parquet'}')")
    return con.execute(query).fetchall()


def _record(n: int, price: Any) -> dict[str, Any]:
    return {"id": n, "email": f"ana{n}@example.org", "event": "Jazz", "created_at": f"2025-12-0{1 + n % 5} 10:00",
            "price": price}


def _written(tmp_path: Path, form: str, blank: Any) -> Path:
    records = [_record(n, blank if n % 2 == 0 else "10") for n in range(30)]
    if form == "json":
        export = tmp_path / "orders.json"
        export.write_text(json.dumps(records, indent=2), encoding="utf-8")
        return export
    export = tmp_path / "ventes.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    export.write_text(out.getvalue(), encoding="utf-8")
    return export


# Half the prices « - » or « N/A » in a CSV or a JSON export: the draft found no price column (they are no
# amounts), so nothing could be prepared, where JSON's null and a CSV's empty cell were read as blank prices.
# Each is now a price left blank: the draft says `blank_price: 0`, prepare's refusal says it too, and with it
# every such row is a seat given.
@pytest.mark.parametrize(("form", "blank"), [("json", "n/a"), ("csv", "-")], ids=["json-na", "csv-dash"])
def test_a_price_that_says_nothing_is_a_blank_price(
        form: str, blank: Any, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = _written(tmp_path, form, blank)
    draft, text = _draft(tmp_path, export, monkeypatch, capsys)
    assert draft["mapping"]["columns"].get("unit_price") == "price", draft["mapping"]
    assert ("15 of the rows looked at have no amount in «price»: if they are seats given (invitations, press, "
            "guests), add `blank_price: 0` to the mapping") in " ".join(draft["undecided"]), draft["undecided"]
    code, _summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    assert code != 0 and "these rows have no price: if they are seats given" in said, said
    code, summary, said = _prepare(tmp_path, export, text + "blank_price: 0\n", keys, monkeypatch, capsys)
    assert code == 0 and (summary["rows_accepted"], summary["rows_rejected"]) == (30, 0), said
    assert _tickets(tmp_path, "SELECT count(*) FILTER (WHERE unit_price = 0), sum(unit_price) FROM t") == [(15, 150)]


# A quantity « - » (or « N/A ») where a spreadsheet's user wrote nothing: rejected as no whole number (and read as
# a refund row first, for its « - »), where an empty cell or JSON's null was one seat; a show's date « — » and a
# birth date « n/a »: unreadable dates, and nothing written (« cannot be read in 10 of the 30 rows that fill it
# (33%) »), where empty cells were no date. Each is now read as the empty cell it stands for.
def test_a_quantity_or_a_date_that_says_nothing_is_an_empty_cell(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "orders.json"
    records = [{**_record(n, "10"), "qty": [None, "-", "N/A", "2"][n % 4], "show": "—" if n % 3 == 0 else
                "2026-01-10 20:00", "birth": "n/a" if n % 2 else "1980-05-04"} for n in range(30)]
    export.write_text(json.dumps(records, indent=2), encoding="utf-8")
    mapping = {"format": "jsonl", "datetime_formats": ["%Y-%m-%d %H:%M"], "date_formats": ["%Y-%m-%d"],
               "columns": {"ticket_id": "id", "purchased_at": "created_at", "unit_price": "price", "event_id": "event",
                           "event_title": "event", "email": "email", "quantity": "qty", "event_starts_at": "show",
                           "birth_date": "birth"}}
    code, summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys)
    assert code == 0 and (summary["rows_accepted"], summary["rows_rejected"]) == (30, 0), said
    assert summary["values_dropped"] == {}, summary
    assert _tickets(tmp_path, "SELECT sum(quantity), count(*) FILTER (WHERE status = 'refunded') FROM t") == [(37, 0)]


# A JSON export's rejects file named its first column « ligne » beside « enregistrement 1 (ligne 2) », and its
# last « ligne telle qu’exportée » for a record of nine lines: the columns name records, as the rows do.
def test_a_json_exports_rejects_file_names_its_columns_as_records(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from culturecoop.ingest.rejects import read_rejects

    export = tmp_path / "orders.json"
    records = [_record(n, "abc" if n == 4 else "10") for n in range(30)]
    export.write_text(json.dumps(records, indent=2), encoding="utf-8")
    mapping = {"format": "jsonl", "datetime_formats": ["%Y-%m-%d %H:%M"],
               "columns": {"ticket_id": "id", "purchased_at": "created_at", "unit_price": "price", "event_id": "event",
                           "event_title": "event", "email": "email"}}
    code, summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "fr")
    assert code == 0 and summary["rows_rejected"] == 1, said
    rejects = tmp_path / "pkg.rejects.csv"
    header = rejects.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == '"enregistrement","raisons (codes)","explication","enregistrement tel qu’exporté"', header
    (reject,) = read_rejects(rejects)
    assert reject["line"] == "enregistrement 5 (ligne 30)" and '"id": 4' in reject["raw_line"], reject
    assert "Les enregistrements rejetés, avec leur numéro (et la ligne où chacun commence) et leurs motifs" in said


def _csv(tmp_path: Path, name: str, header: list[str], rows: list[list[str]], delimiter: str = ";",
         encoding: str = "utf-8") -> Path:
    export = tmp_path / name
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    export.write_bytes(out.getvalue().encode(encoding))
    return export


# A festival's export: day tickets, and passes sold once for the three days or the week-end, their « Date de la
# séance » writing the days they open. Drafted, the column was read with « %d/%m/%Y %H:%M » and the passes'
# ten cells left to the member (« some values read with no format »); prepared, nothing was written (29 % of
# the starts unreadable). Each pass is now one ticket of its own event, dated on its first day.
FESTIVAL_HEADER = ["N° billet", "Acheteur", "E-mail", "Tarif", "Séance", "Date de la séance", "Prix TTC", "Date d'achat"]
_DAYS = [("Vendredi", "10/07/2026 19:00"), ("Samedi", "11/07/2026 18:00"), ("Dimanche", "12/07/2026 16:00")]
FESTIVAL = [[f"T{n:04d}", f"Nom{n}", f"p{n}@exemple.fr", "Plein tarif", f"Les Nuits d'Été — {_DAYS[n % 3][0]}",
             _DAYS[n % 3][1], "32,00 €", f"0{1 + n % 9}/05/2026 10:{10 + n}"] for n in range(24)] + [
    [f"T{n:04d}", f"Nom{n}", f"p{n}@exemple.fr", "Pass 3 jours", "Les Nuits d'Été — Pass 3 jours",
     "10/07/2026 - 12/07/2026", "79,00 €", f"0{1 + n % 9}/04/2026 09:00"] for n in range(24, 30)] + [
    [f"T{n:04d}", f"Nom{n}", f"p{n}@exemple.fr", "Pass week-end", "Les Nuits d'Été — Pass week-end",
     "Sam. 11 et dim. 12 juillet 2026", "58,00 €", f"1{n % 9}/04/2026 09:00"] for n in range(30, 34)]


def test_a_festival_pass_is_one_ticket_of_its_own_event_dated_on_its_first_day(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = _csv(tmp_path, "festival.csv", FESTIVAL_HEADER, FESTIVAL)
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["columns"]["event_starts_at"] == {"column": "Date de la séance",
                                                              "in_text": "Date de la séance"}, draft["mapping"]
    assert ("10 valeurs de Date de la séance écrivent plusieurs jours (« 10/07/2026 - 12/07/2026 »), comme des pass : "
            "chacun de ces billets est un seul billet, d’un événement à lui (le pass), daté de son premier jour"
            ) in text, text
    assert not any("aucun format" in line for line in draft["undecided"]), draft["undecided"]
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and (summary["rows_accepted"], summary["rows_per_table"]["ticket"]) == (34, 34), said
    events = _tickets(tmp_path, """SELECT e.title, strftime(e.starts_at, '%d/%m %H:%M'), count(*), sum(t.quantity)
                                   FROM t JOIN e USING (event_id) GROUP BY ALL ORDER BY 2, 1""")
    assert events == [("Les Nuits d'Été — Pass 3 jours", "10/07 00:00", 6, 6),
                      ("Les Nuits d'Été — Vendredi", "10/07 19:00", 8, 8),
                      ("Les Nuits d'Été — Pass week-end", "11/07 00:00", 4, 4),
                      ("Les Nuits d'Été — Samedi", "11/07 18:00", 8, 8),
                      ("Les Nuits d'Été — Dimanche", "12/07 16:00", 8, 8)], events


# An order of several seats refunded in part, its refunded amount a whole number of seats at the line's price
# (« Partiellement remboursé », 25,00 given back of « 3 × 25,00 »): the three seats stayed sold at 16,67 each
# (three admissions for two people who came). Two stay sold at 25,00, one is a refunded ticket; 10,00 given
# back of 4 × 40,00 is still each seat sold for less.
def test_a_partly_refunded_order_of_several_seats_refunds_the_seats_its_amount_pays_for(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    header = ["Commande", "Date", "Spectacle", "Représentation", "Qté", "Prix", "Remboursé", "Courriel", "Statut"]

    def line(order: str, event: str, seats: int, price: str, back: str, status: str = "Partiellement remboursé"
             ) -> list[str]:
        return [order, "05/10/2025 14:15", event, "13/11/2025 21:00", str(seats), price, back,
                f"{order.lower()}@exemple.fr", status]

    export = _csv(tmp_path, "ventes.csv", header, [
        line("C1", "Bingo", 3, "25,00", "25,00"), line("C2", "Bingo", 2, "25,00", "0,00", "Payé"),
        line("C3", "Bingo", 2, "25,00", "", "Payé"), line("C3", "Jazz", 2, "40,00", "80,00"),
        line("C4", "Jazz", 4, "40,00", "10,00"), line("C5", "Jazz", 2, "40,00", "80,00", "Remboursé")])
    mapping = {"delimiter": ";", "decimal": ",", "currency": "EUR", "country": "FR", "timezone": "Europe/Paris",
               "datetime_formats": ["%d/%m/%Y %H:%M"], "refunded_amount_per": "order",
               # « Partiellement remboursé » left to the built-in words: a sale (it was refunded, the whole order out).
               "status_values": {"Payé": "sold", "Remboursé": "refunded"},
               "columns": {"order_id": "Commande", "purchased_at": "Date", "event_id": "Spectacle",
                           "event_title": "Spectacle", "event_starts_at": "Représentation", "quantity": "Qté",
                           "unit_price": "Prix", "refunded_amount": "Remboursé", "email": "Courriel",
                           "status": "Statut"}}
    code, summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys)
    assert code == 0 and summary["rows_rejected"] == 0, said
    seats = _tickets(tmp_path, "SELECT event_id, status, quantity, unit_price FROM t ORDER BY ALL")
    assert [(e, s, q, float(p)) for e, s, q, p in seats] == [
        ("Bingo", "refunded", 1, 25.0), ("Bingo", "sold", 2, 25.0), ("Bingo", "sold", 2, 25.0),
        ("Bingo", "sold", 2, 25.0), ("Jazz", "refunded", 2, 40.0), ("Jazz", "refunded", 2, 40.0),
        ("Jazz", "sold", 4, 37.5)], seats
    assert summary["rows_per_table"]["ticket"] == 7


SWEEP = Path(__file__).parent / "fixtures" / "exports" / "sweep6"


# Vendor-like exports of layouts not among the vendor fixtures, drafted and prepared as a member would, nothing
# edited: (events, tickets, seats, the amount sold, statuses, rows that are no tickets). HelloAsso's « Formule »
# writes the tariff and the show's date: each tariff was an event of its own (3 events for 2 shows). A festival's
# till sells drinks and cups' deposits beside its passes: each drink was an event, and its sale an admission
# (5 events, 10 « admissions » of beer and cups); now they are rows that are no tickets, and the passes events.
@pytest.mark.parametrize(("name", "expected", "words"), [
    ("helloasso-commandes.csv", (2, 20, 20, 250, ["refunded", "sold"], 3),
     "3 lignes ne sont pas des billets (dons, adhésions, boutique) : laissées de côté."),
    ("festival-caisse.csv", (3, 16, 16, 895, ["sold"], 10), "1 ligne de total laissée de côté (ce n’est pas une vente)."),
], ids=["helloasso", "festival-till"])
def test_a_vendor_like_export_is_drafted_and_prepared_whole(
        name: str, expected: tuple[Any, ...], words: str, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _draft_json, text = _draft(tmp_path, SWEEP / name, monkeypatch, capsys, "fr")
    code, summary, said = _prepare(tmp_path, SWEEP / name, text, keys, monkeypatch, capsys, "fr")
    assert code == 0 and summary["rows_rejected"] == 0, said
    (found,) = _tickets(tmp_path, """SELECT count(DISTINCT event_id), count(*), sum(quantity),
                                            sum(quantity * unit_price) FILTER (WHERE status = 'sold'),
                                            list(DISTINCT status ORDER BY status) FROM t""")
    assert (*found, summary["not_tickets"]) == expected, (found, summary)
    assert words in said, said
    assert summary["rows_per_table"].get("unnamed_sale", 0) == 0, summary


# A partial refund written in Spanish, Italian, Danish, Polish: read as « reembolsado », « rimborsato »… alone,
# each order left the figures whole (refunded); the French, English and German words were already partial.
def test_a_partial_refund_in_any_language_is_drafted_as_a_partial_refund(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    partial = ["Parcialmente reembolsado", "Parzialmente rimborsato", "Delvis refunderet", "Częściowo zwrócone"]
    statuses = ["Pagado"] * 8 + ["Reembolsado", *partial]
    export = _csv(tmp_path, "ventas.csv", ["Pedido", "Fecha", "Evento", "Precio", "Email", "Estado"], [
        [f"P{n}", f"0{1 + n % 9}/02/2026 10:00", "Concierto", "20,00", f"p{n}@ejemplo.es", statuses[n % len(statuses)]]
        for n in range(26)])
    draft, _text = _draft(tmp_path, export, monkeypatch, capsys)
    assert {label: draft["mapping"]["status_values"][label] for label in partial} == dict.fromkeys(partial, "sold")
    assert draft["mapping"]["status_values"]["Reembolsado"] == "refunded"
    assert any("say a refund was partial" in line for line in draft["undecided"]), draft["undecided"]
