"""Exports shaped by Excel rather than by a ticketing system: what a member sees once they are drafted
and prepared.

An order's number, buyer and e-mail merged down over its ticket rows (« Rapport des commandes » laid
out for print) are read on every row, as the sheet shows them; a header written on two rows, a
group's name merged across the columns it heads, is read from its second row. Dates kept as Excel's
serial numbers — « 46300,443056 » in a CSV saved from a sheet whose date column was formatted as a
number, or number cells in a workbook, in the 1900 or the Mac 1904 date system — are read as dates
where a date is expected, and never a postal code, an order number or a count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

from culturecoop.errors import UserError
from culturecoop.i18n import set_language
from culturecoop.ingest.dates import format_params, timestamp_sql
from culturecoop.ingest.draft import Draft, draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import parse_profile
from culturecoop.ingest.shapes import excel_serial
from test_prepare_support import run_cli, tid

TODAY = dt.date(2026, 12, 5)
MEMBER = "trianon"


@dataclass(frozen=True)
class Order:
    number: str
    bought: dt.datetime
    surname: str
    given: str
    email: str
    postal_code: str
    status: str
    lines: tuple[tuple[str, float], ...]  # (tarif, price) of each ticket


SHOWS = (("Bachar Mar-Khalifé", dt.datetime(2026, 11, 27, 20, 0)), ("Lula Pena", dt.datetime(2026, 12, 3, 20, 30)))
ORDERS = tuple(
    Order(f"CMD{5100 + n}", dt.datetime(2026, 10, 2 + n, 9 + n % 8, 7 * n % 60), surname, given,
          f"{given.lower()}.{surname.lower()}{n}@exemple.fr", postal, "Remboursée" if n in (3, 8) else "Payée",
          tuple(lines))
    for n, (surname, given, postal, lines) in enumerate([
        ("Tremblay", "Lucas", "37000", [("Réduit", 22.0), ("Plein", 28.0)]),
        ("Gall", "Hélène", "69003", [("Invitation", 0.0), ("Réduit", 22.0), ("Plein", 28.0), ("Plein", 28.0)]),
        ("Tour", "Manon", "44000", [("Plein", 28.0)]),
        ("Dubois", "Cédric", "21000", [("Plein", 28.0), ("Plein", 28.0)]),
        ("Laurent", "Hugo", "59000", [("Réduit", 22.0), ("Réduit", 22.0), ("Invitation", 0.0)]),
        ("Bonnet", "Chloé", "33000", [("Plein", 28.0)]),
        ("Richard", "Théo", "67000", [("Plein", 28.0), ("Réduit", 22.0)]),
        ("Robert", "Léa", "13006", [("Invitation", 0.0), ("Plein", 28.0), ("Plein", 28.0)]),
        ("Durand", "Marc", "75011", [("Réduit", 22.0), ("Plein", 28.0)]),
        ("Morin", "Julie", "35000", [("Plein", 28.0)]),
    ]))
HEADER = ["N° commande", "Date commande", "Nom", "Prénom", "E-mail", "Code postal", "Spectacle",
          "Date du spectacle", "Tarif", "Prix", "Statut"]
MERGED = (1, 2, 3, 4, 5, 6, 11)  # the order's columns, merged down over its ticket rows (1-based)


def _ticket_rows() -> list[tuple[Order, list[Any]]]:
    rows = []
    for n, order in enumerate(ORDERS):
        title, starts = SHOWS[n % 2]
        for tarif, price in order.lines:
            rows.append((order, [order.number, order.bought, order.surname, order.given, order.email,
                                 order.postal_code, title, starts, tarif, price, order.status]))
    return rows


def orders_merged_down(path: Path) -> Path:
    """Le Trianon's « Rapport des commandes »: each order's number, date, buyer, e-mail, postal code
    and status written once, in cells merged down over its ticket rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Commandes"
    sheet.append(HEADER)
    first = 2
    for order in ORDERS:
        block = [row for owner, row in _ticket_rows() if owner is order]
        for k, row in enumerate(block):
            sheet.append(row if k == 0 else [None if c in MERGED else v for c, v in enumerate(row, start=1)])
            for column in (2, 8):
                sheet.cell(row=sheet.max_row, column=column).number_format = "dd/mm/yyyy hh:mm"
        if len(block) > 1:
            for column in MERGED:
                sheet.merge_cells(start_row=first, start_column=column, end_row=first + len(block) - 1,
                                  end_column=column)
        first += len(block)
    book.save(path)
    return path


def orders_merged_down_xls(path: Path) -> Path:
    """The same report saved as an Excel 97–2003 workbook (.xls), merged cells and all."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Commandes")
    when = xlwt.easyxf(num_format_str="DD/MM/YYYY HH:MM")
    for c, name in enumerate(HEADER):
        sheet.write(0, c, name)
    r = 1
    for order in ORDERS:
        block = [row for owner, row in _ticket_rows() if owner is order]
        for k, row in enumerate(block):
            for c, value in enumerate(row, start=1):
                if c in MERGED and len(block) > 1:
                    if k == 0:
                        style = when if isinstance(value, dt.datetime) else xlwt.Style.default_style
                        sheet.write_merge(r, r + len(block) - 1, c - 1, c - 1, value, style)
                elif isinstance(value, dt.datetime):
                    sheet.write(r + k, c - 1, value, when)
                else:
                    sheet.write(r + k, c - 1, value)
        r += len(block)
    book.save(str(path))
    return path


def _prepared(export: Path, mapping_text: str, keys: Path, out: Path) -> PrepareSummary:
    profile = parse_profile(mapping_text, source="mapping.yml")
    return prepare(export, member=MemberInfo(MEMBER, MEMBER), profile=profile, keys_dir=keys, out=out, today=TODAY)


def _drafted_and_prepared(export: Path, keys: Path, out: Path) -> tuple[Draft, PrepareSummary]:
    draft = draft_mapping(export)
    return draft, _prepared(export, draft.yaml_text, keys, out)


def _tickets(out: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        return con.execute(f"""SELECT order_id, member_patron_id, purchased_at, unit_price, status
                               FROM '{out / "ticket.parquet"}' ORDER BY order_id, ticket_id""").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_an_orders_cells_merged_down_land_on_each_of_its_tickets(kind: str, keys: Path, tmp_path: Path) -> None:
    """Merged down, an order's number, buyer and status were read on its first ticket only: the draft
    joined e-mail and date for an order number, empty on 71 of 116 rows, and prepare refused. Each
    ticket now carries its order, its buyer, its purchase time and its status."""
    export = (orders_merged_down if kind == "xlsx" else orders_merged_down_xls)(tmp_path / f"Rapport_commandes.{kind}")
    draft, summary = _drafted_and_prepared(export, keys, tmp_path / "package")

    columns = draft.mapping["columns"]
    assert (columns["order_id"], columns["email"], columns["status"]) == ("N° commande", "E-mail", "Statut")
    lines = sum(len(o.lines) for o in ORDERS)
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected) == (lines, lines, 0)
    expected = sorted(
        (tid(order.number, keys, MEMBER), tid(order.email, keys, MEMBER), order.bought, price,
         "refunded" if order.status == "Remboursée" else "sold")
        for order in ORDERS for _tarif, price in order.lines)
    landed = sorted((o, p, bought, float(price), status) for o, p, bought, price, status in _tickets(tmp_path / "package"))
    assert landed == expected


def test_a_mapping_naming_the_merged_order_column_reads_it_on_every_line(keys: Path, tmp_path: Path) -> None:
    """The tester's hand-fixed mapping (`order_id: N° commande`) was refused the same way."""
    export = orders_merged_down(tmp_path / "Rapport_commandes.xlsx")
    summary = _prepared(export, """
format: xlsx
currency: EUR
timezone: Europe/Paris
country: FR
status_values: {Payée: sold, Remboursée: refunded}
columns:
  order_id: N° commande
  purchased_at: Date commande
  status: Statut
  unit_price: Prix
  event_id: {join: [Spectacle, Date du spectacle]}
  event_starts_at: Date du spectacle
  email: E-mail
""", keys, tmp_path / "package")
    assert summary.rows_rejected == 0
    per_order = {order: n for order, n in duckdb.sql(
        f"SELECT order_id, count(*) FROM '{tmp_path / 'package' / 'ticket.parquet'}' GROUP BY 1").fetchall()}
    assert per_order == {tid(o.number, keys, MEMBER): len(o.lines) for o in ORDERS}


def test_a_header_on_two_rows_is_read_from_its_second(keys: Path, tmp_path: Path) -> None:
    """« Acheteur » merged across Nom, Prénom and E-mail, the other headers merged down over both rows:
    the columns were named by the first row, « Acheteur » and two nameless ones, and no e-mail was
    read. The second row names them; the group's name names none."""
    book = Workbook()
    sheet = book.active
    sheet.append(["N° commande", "Date commande", "Acheteur", None, None, "Spectacle", "Date du spectacle", "Prix"])
    sheet.append([None, None, "Nom", "Prénom", "E-mail", None, None, None])
    people = [("Lévesque", "Anne"), ("Gagnon", "Marc"), ("Roy", "Sophie"), ("Côté", "Éric"), ("Morin", "Julie"),
              ("Pelletier", "Hugo"), ("Fortin", "Claire"), ("Girard", "Luc")]
    for n, (surname, given) in enumerate(people):
        sheet.append([f"B{700 + n}", dt.datetime(2026, 10, 3 + n, 14, 5), surname, given,
                      f"{given.lower()}.{n}@exemple.ca", "Tartuffe", dt.datetime(2026, 11, 20, 20, 0), 32.5])
    for column in (1, 2, 6, 7, 8):
        sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    sheet.merge_cells("C1:E1")
    export = tmp_path / "Reservations.xlsx"
    book.save(export)

    draft, summary = _drafted_and_prepared(export, keys, tmp_path / "package")
    assert draft.mapping["skip_lines"] == 1
    columns = draft.mapping["columns"]
    assert (columns["email"], columns["first_name"], columns["last_name"]) == ("E-mail", "Prénom", "Nom")
    assert "Acheteur" not in draft.yaml_text
    assert (summary.rows_in, summary.rows_accepted) == (len(people), len(people))
    patrons = duckdb.sql(f"SELECT member_patron_id FROM '{tmp_path / 'package' / 'patron.parquet'}'").fetchall()
    assert sorted(p for (p,) in patrons) == sorted(
        tid(f"{given.lower()}.{n}@exemple.ca", keys, MEMBER) for n, (_s, given) in enumerate(people))


def test_order_numbers_missing_on_lines_are_said_in_the_order_column(keys: Path, tmp_path: Path) -> None:
    """With no ticket column the lines are numbered within their orders; a line without its order's
    number was said to have an empty « column ticket_id », which the mapping does not have."""
    lines = ["N° commande;Date commande;E-mail;Spectacle;Prix"]
    for o in range(12):
        lines += [f"{f'C{o}' if k == 0 else ''};01/10/2026 12:00;p{o}@exemple.fr;Tartuffe;25,00" for k in range(3)]
    export = tmp_path / "commandes.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = """
format: csv
delimiter: ";"
decimal: ","
currency: EUR
datetime_formats: ["%d/%m/%Y %H:%M"]
columns:
  order_id: N° commande
  purchased_at: Date commande
  email: E-mail
  event_id: Spectacle
  unit_price: Prix
"""
    said = {}
    for language in ("en", "fr"):
        set_language(language)
        with pytest.raises(UserError) as refused:
            _prepared(export, mapping, keys, tmp_path / f"package-{language}")
        said[language] = str(refused.value)
    assert "24 rows out of 36 are set aside" in said["en"]
    assert "in the column N° commande chosen for “Order number” (order_id), with the values empty (24)" in said["en"]
    assert ("choose for “Order number” (order_id) a column that gives the order's number on every one of its lines"
            in said["en"])
    assert "ticket_id chosen" not in said["en"]
    assert "dans la colonne N° commande choisie pour « Numéro de commande » (order_id)" in said["fr"]
    assert "une colonne qui donne le numéro de la commande sur chacune de ses lignes" in said["fr"]


# The till's season export (Windows-1252, « ; »): dates formatted as numbers when it was saved as CSV.
SALES = [  # (sale, bought, show, starts, seats, price, state)
    ("41207", dt.datetime(2026, 10, 5, 10, 38), "Nuit du Slam", dt.datetime(2026, 10, 24, 21, 0), 2, 10, "OK"),
    ("41208", dt.datetime(2026, 10, 6, 18, 5), "Impro : Match France-Québec", dt.datetime(2026, 12, 11, 20, 30), 1, 14,
     "OK"),
    ("41209", dt.datetime(2026, 10, 9, 9, 0), "Nuit du Slam", dt.datetime(2026, 10, 24, 21, 0), 4, 5, "ANNULE"),
    ("41210", dt.datetime(2026, 10, 12, 21, 47), "Orchestre d'Harmonie", dt.datetime(2026, 11, 22, 16, 0), 3, 14, "OK"),
    ("41211", dt.datetime(2026, 10, 30, 0, 15), "Impro : Match France-Québec", dt.datetime(2026, 12, 11, 20, 30), 2, 10,
     "OK"),
    ("41212", dt.datetime(2026, 11, 2, 13, 59), "Orchestre d'Harmonie", dt.datetime(2026, 11, 22, 16, 0), 1, 5, "OK"),
    ("41213", dt.datetime(2026, 11, 14, 11, 11), "Nuit du Slam", dt.datetime(2026, 10, 24, 21, 0), 2, 14, "OK"),
    ("41214", dt.datetime(2026, 11, 20, 17, 30), "Orchestre d'Harmonie", dt.datetime(2026, 11, 22, 16, 0), 2, 10, "OK"),
]


def _serial(moment: dt.datetime, decimal: str = ",") -> str:
    """As Excel writes a date formatted « Standard » into a CSV: days since 1899-12-30, six decimals."""
    days = (moment - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    return f"{days:.6f}".rstrip("0").rstrip(".").replace(".", decimal)


def _serial_csv(path: Path) -> Path:
    lines = ["Num vente;Date vente;Spectacle;Date spectacle;Nom client;Email client;Code postal;Nb;PU;Total;Etat"]
    for n, (sale, bought, show, starts, seats, price, state) in enumerate(SALES):
        lines.append(f"{sale};{_serial(bought)};{show};{_serial(starts)};Client {chr(65 + n)}lpha;c{n}@exemple.fr;"
                     f"{69003 + 1000 * n};{seats};{price},00;{seats * price},00;{state}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_dates_written_as_excel_serials_in_a_csv_are_read_as_dates(keys: Path, tmp_path: Path) -> None:
    """« Date vente » = « 46300,443056 »: no column looked like the purchase date, and chosen by hand
    every row was refused with advice to write a strptime format. The draft maps it, and « Date
    spectacle », saying how they are written; the sales' numbers, postal codes and counts — five-digit
    numbers too — stay what they are."""
    export = _serial_csv(tmp_path / "export_caisse_saison.csv")
    draft, summary = _drafted_and_prepared(export, keys, tmp_path / "package")

    columns = draft.mapping["columns"]
    assert (columns["purchased_at"], columns["event_starts_at"]) == ("Date vente", "Date spectacle")
    assert (columns["order_id"], columns["postal_code"], columns["quantity"]) == ("Num vente", "Code postal", "Nb")
    assert ("purchased_at: Date vente  # its header names it and 100% of its values fit, written as Excel serial "
            "dates (such as 46300,443056: the days since 1900, read as dates)") in draft.yaml_text
    how = next(e.why for e in draft.decisions if e.key == "dates.purchased_at")
    assert "8 written as Excel serial dates (days since 1900, such as 46300,443056: read as dates without a format)" \
        in how
    assert not any("Date vente" in item or "purchase date" in item for item in draft.undecided)
    assert summary.rows_rejected == 0

    con = duckdb.connect()
    bought = con.execute(f"SELECT DISTINCT order_id, purchased_at FROM '{tmp_path / 'package' / 'ticket.parquet'}'"
                         ).fetchall()
    assert sorted(bought) == sorted((tid(sale[0], keys, MEMBER), sale[1]) for sale in SALES)
    starts = con.execute(f"SELECT title, starts_at FROM '{tmp_path / 'package' / 'event.parquet'}'").fetchall()
    assert sorted(starts) == sorted({(sale[2], sale[3]) for sale in SALES})


def test_the_draft_says_so_in_french(tmp_path: Path) -> None:
    export = _serial_csv(tmp_path / "export_caisse_saison.csv")
    mapping = tmp_path / "caisse.yml"
    result = run_cli("mapping", "draft", str(export), "--out", str(mapping), lang="fr")
    assert result.returncode == 0, result.stderr
    text = mapping.read_text(encoding="utf-8")
    assert ("purchased_at: Date vente  # son en-tête le nomme et 100 % de ses valeurs conviennent, écrites comme "
            "des numéros de série de dates Excel (comme 46300,443056 : les jours depuis 1900, lus comme des dates)"
            ) in text
    assert "Aucune colonne ne ressemble à la date d’achat" not in text
    set_language("fr")
    how = next(e.why for e in draft_mapping(export).decisions if e.key == "dates.event_starts_at")
    assert ("8 écrites comme des numéros de série de dates Excel (jours depuis 1900, comme 46319,875 : lues comme "
            "des dates, sans format)") in how


@pytest.mark.parametrize("system", ["1900", "1904"])
def test_number_cells_in_a_workbooks_date_columns_are_dates(system: str, keys: Path, tmp_path: Path) -> None:
    """Billetech's transactions: the date cells are plain numbers, with no date format (« Standard »).
    A workbook of Excel for Mac's 1904 date system counts them from 1 January 1904, as it says."""
    book = Workbook()
    if system == "1904":
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Transactions"
    sheet.append(["No transaction", "Date transaction", "Événement", "Date événement", "Qté", "Prix unitaire",
                  "Courriel", "Code postal"])
    for n, (sale, bought, show, starts, seats, price, _state) in enumerate(SALES):
        sheet.append([f"T{sale}", to_excel(bought, book.epoch), show, to_excel(starts, book.epoch), seats,
                      price + 0.5, f"c{n}@exemple.ca", "H2X 1Y4"])
    export = tmp_path / "Billetech_transactions.xlsx"
    book.save(export)

    draft, summary = _drafted_and_prepared(export, keys, tmp_path / "package")
    columns = draft.mapping["columns"]
    assert (columns["purchased_at"], columns["event_starts_at"]) == ("Date transaction", "Date événement")
    assert summary.rows_rejected == 0
    con = duckdb.connect()
    bought = con.execute(f"SELECT DISTINCT order_id, purchased_at FROM '{tmp_path / 'package' / 'ticket.parquet'}'"
                         ).fetchall()
    assert sorted(bought) == sorted((tid(f"T{sale[0]}", keys, MEMBER), sale[1]) for sale in SALES)
    starts = con.execute(f"SELECT title, starts_at FROM '{tmp_path / 'package' / 'event.parquet'}'").fetchall()
    assert sorted(starts) == sorted({(sale[2], sale[3]) for sale in SALES})


def test_a_count_a_price_or_a_number_is_never_read_as_a_date(keys: Path, tmp_path: Path) -> None:
    """Five-digit numbers in Excel's range of dates under headers that name no date — the order's
    number, the customer's, the postal code, a count of seats, a price in cents — keep their fields."""
    lines = ["Numéro de commande;Code client;Date;Spectacle;Courriel;Code postal;Places;Montant (centimes)"]
    for n in range(10):
        lines.append(f"{45210 + n};{51000 + 7 * n};{_serial(dt.datetime(2026, 10, 1 + n, 12, 30))};Tartuffe;"
                     f"c{n}@exemple.fr;{69003 + 1000 * n};{40000 + n};{33000 + 100 * n}")
    export = tmp_path / "ventes.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft = draft_mapping(export)
    columns = draft.mapping["columns"]
    assert columns["purchased_at"] == "Date"
    assert (columns["order_id"], columns["postal_code"]) == ("Numéro de commande", "Code postal")
    assert columns.get("unit_price", columns.get("total_price")) == "Montant (centimes)"
    assert "event_starts_at" not in columns and "birth_date" not in columns
    assert not any(e.key.startswith("dates.") and e.key != "dates.purchased_at" for e in draft.decisions)


def test_birth_dates_written_as_serials_give_their_age_band(keys: Path, tmp_path: Path) -> None:
    """A birth date is read as a serial from 1927 on: « 31048 » is 1 January 1985."""
    lines = ["Date vente;Spectacle;Courriel;Prix;Date de naissance"]
    births = [dt.datetime(1985, 1, 1), dt.datetime(1962, 7, 14), dt.datetime(2001, 3, 3), dt.datetime(1978, 11, 30)]
    for n in range(12):
        lines.append(f"{_serial(dt.datetime(2026, 10, 1 + n, 12, 30))};Tartuffe;c{n}@exemple.fr;25,00;"
                     f"{_serial(births[n % 4])}")
    export = tmp_path / "ventes.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft, summary = _drafted_and_prepared(export, keys, tmp_path / "package")
    assert draft.mapping["columns"]["birth_date"] == "Date de naissance"
    assert summary.rows_rejected == 0 and not summary.values_dropped
    bands = duckdb.sql(f"SELECT birth_band, count(*) FROM '{tmp_path / 'package' / 'patron.parquet'}' GROUP BY 1"
                       ).fetchall()
    assert sorted(bands) == [("1960-1964", 3), ("1975-1979", 3), ("1985-1989", 3), ("2000-2004", 3)]


SERIALS = ["46300,443056", "46300.443056", "46319,875", "46319", " 46258.595671 ", "46258.5", "32874", "73051",
           "32873", "73052", "31048", "1985", "4630,5", "463000", "46300,", "12345.5", "45 000", "-46300"]


def test_the_drafts_reading_of_a_serial_agrees_with_prepares(con: duckdb.DuckDBPyConnection) -> None:
    """The draft counts a value as a date where ``prepare``'s SQL reads it, and as the same moment;
    a birth date is read from 1927 on (« 31048 » is 1985), in either date system."""
    for base in (dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)):
        for birth in (False, True):
            earliest = 10_000 if birth else 32_874
            sql = timestamp_sql("v", ("%d/%m/%Y %H:%M",), ("%d/%m/%Y",), serials_from=earliest)
            params = format_params(("%d/%m/%Y %H:%M",), ("%d/%m/%Y",), "Europe/Paris", 2026, base)
            del params["max_century_year"]
            read = con.execute(f"SELECT v, {sql} FROM (SELECT unnest($values) AS v)",
                               {**params, "values": SERIALS}).fetchall()
            assert dict(read) == {v: excel_serial(v, base, earliest) for v in SERIALS}
    assert excel_serial("46300,443056") == dt.datetime(2026, 10, 5, 10, 38)
    assert excel_serial("31048") is None and excel_serial("31048", earliest=10_000) == dt.datetime(1985, 1, 1)
