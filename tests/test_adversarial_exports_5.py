"""Exports as vendors and spreadsheets really write them, fifth sweep: a CSV written between single quotes,
an API's pages dumped one after the other, count and total lines among the rows, JSON records named as
records, countries named in the reader's language and guessed from the file's own evidence, and API-style
JSON orders built from the vendor exports of ``tests/fixtures``.

The contract is ``test_adversarial_exports``'s: one sentence (in French and English) and nothing
written, or every row read whole, in its own columns, with the same figures as the file before it was
bent; never a sale counted twice or a row dropped without a word.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_adversarial_exports import cli_streams


def _draft(tmp_path: Path, export: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           lang: str = "en") -> tuple[dict[str, Any], str]:
    """``mapping draft`` of ``export`` (in process): its JSON and the mapping's YAML text (drafted again over an
    earlier one)."""
    out = tmp_path / f"{export.stem}.yaml"
    code, said, err = cli_streams(monkeypatch, capsys, "--lang", lang, "mapping", "draft", str(export), "--out",
                                  str(out), "--force", "--json")
    assert code == 0, err
    return json.loads(said), out.read_text(encoding="utf-8")


def _prepare(tmp_path: Path, export: Path, mapping: dict[str, Any] | str, keys: Path,
             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             lang: str = "en") -> tuple[int, dict[str, Any], str]:
    """``prepare`` of ``export`` with ``mapping`` (a dict, or a drafted YAML text): its code, JSON and what it said."""
    path = tmp_path / "given.yaml"
    path.write_text(mapping if isinstance(mapping, str) else yaml.safe_dump(mapping, allow_unicode=True),
                    encoding="utf-8")
    code, out, err = cli_streams(monkeypatch, capsys, "--lang", lang, "prepare", str(export), "--mapping", str(path),
                                 "--member", "m1", "--keys", str(keys), "--out", str(tmp_path / "pkg"), "--json")
    return code, (json.loads(out) if code == 0 else {}), " ".join((out + err).split())


# A till's export written between single quotes, a title holding the separator. Read with « " », every
# name kept its quotes (the draft found the e-mail and the title only), « 'Soirée » and « Coltrane' » were
# two cells; the member app drafted a converted copy, the CLI did not.
QUOTED = "'No billet','Courriel','Date achat','Titre','Prix'\n" + "".join(
    f"'B{i}','p{i}@exemple.test','1{i % 9}/01/2026 16:47','Soirée, Coltrane','46,50'\n" for i in range(20))


def test_a_csv_written_between_single_quotes_is_drafted_and_read_with_them(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "caisse.csv"
    export.write_text(QUOTED, encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert "quote: \"'\"  # les noms de colonnes et les valeurs sont écrits entre apostrophes" in text, text
    columns = draft["mapping"]["columns"]
    assert (columns["ticket_id"], columns["unit_price"], columns["event_title"]) == ("No billet", "Prix", "Titre")
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    assert code == 0, said
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_per_table"]["event"]) == (20, 20, 1), summary


# A French box office's export and the mapping ``mapping draft`` writes for it.
SALES_HEADER = "No billet;Courriel;Titre;Date spectacle;Date achat;Prix;Qté\n"
SALES = [f"B{n};ana{n}@exemple.fr;Soirée Jazz;0{1 + n % 5}/02/2026 20:00;01/12/2025 10:00;10,00;1\n" for n in range(30)]
SALES_MAPPING = {"delimiter": ";", "decimal": ",", "currency": "EUR", "country": "FR", "timezone": "Europe/Paris",
                 "datetime_formats": ["%d/%m/%Y %H:%M"],
                 "columns": {"ticket_id": "No billet", "purchased_at": "Date achat", "quantity": "Qté",
                             "unit_price": "Prix", "event_id": {"join": ["Titre", "Date spectacle"], "separator": " "},
                             "event_title": "Titre", "event_starts_at": "Date spectacle", "email": "Courriel"}}


# Count lines and lines of sums a spreadsheet's user adds under each show's rows or under all: each was a
# reject of three or four reasons (no buyer, no event, no purchase date), and « 1 rejetée » in the summary.
@pytest.mark.parametrize(("middle", "end", "lines"), [
    ("15 billets;;;;;150,00;15", "30 billets vendus;;;;;300,00;30", 2),
    (";;;;;150,00;15", ";;;;;300,00;30", 2),  # sums under the columns, no label: the sum of the lines above
    ("Sous-total Soirée Jazz;;;;;150,00;15", "TOTAL GÉNÉRAL : 30 billets;;;;;300,00;30", 2),
], ids=["counts", "sums", "labels"])
def test_count_and_sum_lines_are_left_out_and_counted(
        middle: str, end: str, lines: int, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "etat.csv"
    export.write_text(SALES_HEADER + "".join(SALES[:15]) + middle + "\n" + "".join(SALES[15:]) + end + "\n",
                      encoding="utf-8")
    code, summary, said = _prepare(tmp_path, export, SALES_MAPPING, keys, monkeypatch, capsys, "fr")
    assert code == 0, said
    assert (summary["rows_in"], summary["rows_rejected"], summary["summary_lines"]) == (30, 0, lines), summary
    assert summary["rows_per_table"]["ticket"] == 30
    assert f"{lines} lignes de total laissées de côté (ce ne sont pas des ventes)." in said, said


def test_a_line_with_a_ticket_or_a_buyer_or_numbers_summing_nothing_is_no_total(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A door sale of 30 seats with its ticket number, a buyer's line without a date, a line of numbers
    that sums none of the lines above: never left out as totals."""
    export = tmp_path / "etat.csv"
    export.write_text(SALES_HEADER + "".join(SALES) + "B99;;Soirée Jazz;01/02/2026 20:00;01/12/2025 10:00;300,00;30\n"
                      + "30 billets;lea@exemple.fr;;;;300,00;30\n" + ";;;;;299,00;29\n", encoding="utf-8")
    code, summary, said = _prepare(tmp_path, export, SALES_MAPPING, keys, monkeypatch, capsys, "fr")
    assert code == 0, said
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"], summary["summary_lines"]) == (
        33, 31, 2, 0), summary
    assert summary["rows_per_table"]["unnamed_sale"] == 1
    assert "ligne de total" not in said, said


def _record(n: int) -> dict[str, Any]:
    return {"id": n, "email": f"ana{n}@example.org", "event": "Jazz", "date": f"2026-01-0{1 + n % 5} 20:00",
            "sold": "2025-12-01 10:00", "price": 10}


JSON_MAPPING = {"format": "jsonl", "datetime_formats": ["%Y-%m-%d %H:%M"],
                "columns": {"order_id": "id", "purchased_at": "sold", "unit_price": "price", "event_title": "event",
                            "event_id": {"join": ["event", "date"], "separator": " "}, "event_starts_at": "date",
                            "email": "email"}}


# An API's answer dumped page by page: read as JSON lines, each page was one row of one column (« orders »)
# and the file was refused as lacking the mapping's columns; written back to back, as « several JSON
# documents ».
@pytest.mark.parametrize("layout", ["back to back", "one a line", "pretty-printed"])
def test_an_apis_pages_one_after_the_other_are_one_export(
        layout: str, tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pages: list[dict[str, Any]] = [{"orders": [_record(n) for n in range(at, at + 10)]} for at in (0, 10, 20)]
    if layout == "pretty-printed":
        pages = [{"page": k + 1, "next": None if k == 2 else f"/orders?page={k + 2}", "data": page["orders"]}
                 for k, page in enumerate(pages)]
    export = tmp_path / "orders.json"
    joiner = "" if layout == "back to back" else "\n"
    export.write_text(joiner.join(json.dumps(p, indent=2 if layout == "pretty-printed" else None) for p in pages),
                      encoding="utf-8")
    code, summary, said = _prepare(tmp_path, export, JSON_MAPPING, keys, monkeypatch, capsys)
    assert code == 0, said
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_per_table"]["ticket"]) == (30, 30, 30)


def test_a_page_given_twice_or_pages_of_other_records_are_one_sentence(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from test_adversarial_exports import refused

    export = tmp_path / "orders.json"
    first = {"page": 1, "orders": [_record(n) for n in range(10)]}
    export.write_text(json.dumps(first) + "\n" + json.dumps({**first, "page": 2}) + "\n", encoding="utf-8")
    code, _summary, said = _prepare(tmp_path, export, JSON_MAPPING, keys, monkeypatch, capsys)
    refused(code, said, "holds the same JSON document twice, the second starting on line 2")
    export.write_text(json.dumps(first) + "\n" + json.dumps({"events": [{"name": "Jazz", "seats": 200}] * 2}) + "\n",
                      encoding="utf-8")
    code, _summary, said = _prepare(tmp_path, export, JSON_MAPPING, keys, monkeypatch, capsys)
    refused(code, said, "holds several JSON documents one after the other, the second starting on line 2")


VENDORS = Path(__file__).parent / "fixtures" / "exports" / "vendors"


def _without(name: str, encoding: str, columns: set[str], strip: str = "") -> str:
    """The vendor export ``name`` (« ; »-separated) without ``columns``, ``strip`` taken out of its cells."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO((VENDORS / name).read_text(encoding=encoding)), delimiter=";"))
    kept = [i for i, name in enumerate(rows[0]) if name not in columns]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(
        [[(row[i] if i < len(row) else "").replace(strip, "").strip() if strip else (row[i] if i < len(row) else "")
          for i in kept] for row in rows])
    return out.getvalue()


# A French box office's export without its phone numbers, postal codes or currency: drafted as Canadian (CA,
# CAD, America/Toronto), « rien dans le fichier n’indique le pays ; CA est supposé ». Its « TTC » and
# « Civilité », its « Carte bancaire », or its dates written day first under French headers say France.
@pytest.mark.parametrize(("name", "encoding", "columns", "strip", "words"), [
    ("digitick-commandes.csv", "utf-8", {"Téléphone", "Pays", "Code postal"}, "",
     "des mots qu’il écrit désignent un pays, France (FR) : « Prix unitaire TTC »"),
    ("weezevent-participants.csv", "cp1252", {"Téléphone acheteur", "Code postal"}, "€",
     "des mots qu’il écrit désignent un pays, France (FR) : « Carte bancaire »"),
    ("mapado-billets.csv", "cp1252", {"Téléphone", "Code postal"}, "€",
     "ses dates sont écrites le jour d’abord sous des en-têtes français, comme les écrit un pays : France (FR)"),
], ids=["ttc", "card", "dates"])
def test_a_french_export_without_phones_postcodes_or_currency_is_drafted_french(
        name: str, encoding: str, columns: set[str], strip: str, words: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / name
    export.write_text(_without(name, encoding, columns, strip), encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    mapping = draft["mapping"]
    assert (mapping["country"], mapping["currency"], mapping["timezone"]) == ("FR", "EUR", "Europe/Paris"), mapping
    assert f"country: FR  # À VÉRIFIER : rien d’autre dans le fichier n’indique le pays, mais {words}" in text, text
    assert "EUR est la devise du pays choisi, France (FR)" in text and "deviné d’après le pays FR (France)" in text


def test_with_nothing_to_tell_the_country_the_draft_names_the_one_it_assumed_and_how_to_change_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """« CA est supposé »: a code the reader may not know, and nothing said what to do if it is wrong."""
    export = tmp_path / "ventes.csv"
    export.write_text("No;Titre;Date;Prix\n" + "".join(f"{n};Jazz;2026-01-0{1 + n % 5} 20:00;10\n" for n in range(12)),
                      encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys, "fr")
    assert draft["mapping"]["country"] == "CA"
    assert ("country: CA  # À VÉRIFIER : rien dans le fichier n’indique le pays (ni numéro de téléphone, ni code "
            "postal, ni devise, ni mot propre à un pays) ; pays supposé : Canada (CA) ; si les ventes ont lieu "
            "ailleurs, écrivez le code de ce pays pour country, avec sa devise (currency) et son fuseau horaire "
            "(timezone)") in text, text


def test_a_postal_code_stripped_of_its_zero_names_the_country_in_the_readers_language(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """« il a été lu comme le code de FR qu’il était »: the country by its code, in a French sentence."""
    export = tmp_path / "etat.csv"
    export.write_text(SALES_HEADER.replace("\n", ";CP\n") + "".join(
        line.replace("\n", ";6110\n") for line in SALES), encoding="utf-8")
    mapping = {**SALES_MAPPING, "columns": {**SALES_MAPPING["columns"], "postal_code": "CP"}}
    code, summary, said = _prepare(tmp_path, export, mapping, keys, monkeypatch, capsys, "fr")
    assert code == 0 and summary["values_restored"] == {"postal_code": 30}, said
    assert ("chacun a été lu comme le code qu’il était dans le pays du mapping (France) : 06110 pour le premier."
            in said), said


# A JSON array export, pretty-printed: its rejects were « ligne 12 », the 12th record, which starts on line 90
# of the file, and an export given twice was « Line 31 of ventes.json », the 31st record.
def test_a_json_documents_rejects_are_named_as_records_with_their_line(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from culturecoop.ingest.rejects import read_rejects

    records = [_record(n) for n in range(30)]
    records[11]["price"] = "abc"
    export = tmp_path / "orders.json"
    export.write_text(json.dumps(records, indent=2), encoding="utf-8")
    code, summary, said = _prepare(tmp_path, export, JSON_MAPPING, keys, monkeypatch, capsys, "fr")
    assert code == 0 and summary["rows_rejected"] == 1, said
    (reject,) = read_rejects(tmp_path / "pkg.rejects.csv")
    assert reject["line"] == "enregistrement 12 (ligne 90)", reject
    assert export.read_text(encoding="utf-8").splitlines()[89:91] == ["  {", '    "id": 11,']


def _api_orders(prices: bool = False) -> list[dict[str, Any]]:
    """Digitick's orders as an API returns them: the buyer an object, the tickets a list (a ticket a seat, with
    its price as a string when ``prices``), the order's total in cents beside its currency, fields of null."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO((VENDORS / "digitick-commandes.csv").read_text(encoding="utf-8")),
                               delimiter=";"))
    orders: dict[str, dict[str, Any]] = {}
    for row in rows:
        price = Decimal(row["Prix unitaire TTC"].replace(",", "."))
        order = orders.setdefault(row["N° commande"], {
            "id": row["N° commande"], "created_at": row["Date commande"], "email": row["E-mail"] or None,
            "buyer": {"first_name": row["Prénom"], "last_name": row["Nom"], "phone": None}, "total_cents": 0,
            "currency": "EUR", "tickets": []})
        for _seat in range(int(row["Quantité"])):
            order["tickets"].append({"id": f"{order['id']}-{len(order['tickets']) + 1}", "holder": None,
                                     "event": {"name": row["Manifestation"], "starts_at": row["Date séance"]},
                                     **({"price": str(price)} if prices else {})})
            order["total_cents"] += int(price * 100)
    return list(orders.values())


# An API's orders whose tickets carry no price of their own, the order's total beside them: read a row per
# ticket, the draft took « total_cents » for each ticket's price, and an order of two seats at 28 € counted
# 112 € (1 459 € of sales prepared as 2 237 €, and nothing said).
def test_an_orders_total_written_on_each_of_its_tickets_is_never_a_tickets_price(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from test_adversarial_exports import refused

    export = tmp_path / "orders.json"
    export.write_text(json.dumps({"data": _api_orders(), "meta": {"page": 1, "per_page": 100}}), encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys)
    assert "unit_price" not in draft["mapping"]["columns"] and "total_price" not in draft["mapping"]["columns"]
    assert ("total_cents is the whole order's amount, written on each of its tickets (the tickets in “tickets” carry "
            "no price of their own)") in " ".join(draft["undecided"]), draft["undecided"]
    code, _summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    refused(code, said, "No column is chosen for the required fields")


# The same orders as JSON lines, an order a line holding its tickets: read a row per order, its seats were one
# ticket (48 seats prepared as 35 tickets) and its show, inside the tickets, unread (every event named after
# the file).
def test_json_lines_of_orders_holding_their_tickets_are_read_a_row_per_ticket(
        tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow.parquet as pq

    orders = _api_orders(prices=True)
    export = tmp_path / "orders.jsonl"
    export.write_text("".join(json.dumps(order, ensure_ascii=False) + "\n" for order in orders), encoding="utf-8")
    draft, text = _draft(tmp_path, export, monkeypatch, capsys)
    assert draft["mapping"]["columns"]["event_title"] == "tickets.event.name", draft["mapping"]
    code, summary, said = _prepare(tmp_path, export, text, keys, monkeypatch, capsys)
    assert code == 0 and summary["rows_rejected"] == 0, said
    sold = pq.read_table(tmp_path / "pkg" / "ticket.parquet").to_pylist()
    seats = [t for order in orders for t in order["tickets"]]
    assert (len(sold), sum(t["unit_price"] for t in sold)) == (48, sum(Decimal(t["price"]) for t in seats)) == (
        len(seats), Decimal("1459.00"))
