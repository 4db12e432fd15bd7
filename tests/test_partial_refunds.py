"""A refund row refunds what it says: its seats and its amount, never more of its sale.

Each test writes a small export the way box offices write refunds (a negative row under the sale),
prepares it with the real command, and reads the package's Parquet files with DuckDB: seats and
amounts sold and refunded, and the sentence ``prepare`` (or ``mapping check``) says about them.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import yaml

from culturecoop.ingest.rejects import read_rejects
from test_prepare_support import run_cli

BASE: dict[str, Any] = {
    "format": "csv", "datetime_formats": ["%Y-%m-%d %H:%M"], "currency": "CAD", "timezone": "America/Toronto",
    "consent_defaults": {"pooling": True}, "consent_basis": "Art. 7 of our terms of sale.",
}
# An order report with a quantity per line (Purplepass): a refund is a line of negative seats.
ORDER_HEADER = ["Order #", "Date", "Event", "Event Date", "Qty", "Unit Price", "Customer", "Email"]
ORDER_COLUMNS = {"order_id": "Order #", "purchased_at": "Date", "event_id": "Event", "event_title": "Event",
                 "event_starts_at": "Event Date", "quantity": "Qty", "unit_price": "Unit Price",
                 "full_name": "Customer", "email": "Email"}
# A ticket report (Ticketacces): one row per ticket, a refund under the same ticket number.
TICKET_HEADER = ["No billet", "Date transaction", "Spectacle", "Représentation", "Prix", "Courriel", "Statut"]
TICKET_COLUMNS = {"ticket_id": "No billet", "purchased_at": "Date transaction", "event_id": "Spectacle",
                  "event_title": "Spectacle", "event_starts_at": "Représentation", "unit_price": "Prix",
                  "email": "Courriel", "status": "Statut"}
TICKET_SETTINGS = {"delimiter": ";", "decimal": ",", "status_values": {"Vendu": "sold", "Remboursé": "refunded"}}


def order(number: str, seats: int, price: str, *, when: str = "2025-10-05 14:15", event: str = "Punk Rock Bingo",
          who: str = "olivia") -> list[str]:
    return [number, when, event, "2025-11-13 21:00", str(seats), price, f"{who.title()}, Ann", f"{who}@example.ca"]


def ticket(number: str, price: str, *, when: str = "2025-10-02 09:18", who: str = "cedric") -> list[str]:
    status = "Remboursé" if price.startswith("-") else "Vendu"
    return [number, when, "Contes à dormir debout", "2025-12-06 14:00", price, f"{who}@example.ca", status]


def prepared(tmp_path: Path, keys: Path, header: list[str], rows: list[list[str]], columns: dict[str, Any],
             *extra: str, lang: str = "en", **settings: Any) -> tuple[dict[str, Any], str, Path]:
    """(the JSON summary, what prepare said, the package) of ``rows`` under ``columns``."""
    export, mapping = _write(tmp_path, header, rows, columns, settings)
    out = tmp_path / "pkg"
    result = run_cli("prepare", str(export), "--mapping", str(mapping), "--member", "m1", "--keys", str(keys),
                     "--out", str(out), "--json", *extra, lang=lang)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout), " ".join(result.stderr.split()), out


def _write(tmp_path: Path, header: list[str], rows: list[list[str]], columns: dict[str, Any],
           settings: dict[str, Any]) -> tuple[Path, Path]:
    export = tmp_path / "export.csv"
    delimiter = settings.get("delimiter", ",")
    with export.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump({**BASE, **settings, "columns": columns}, allow_unicode=True), encoding="utf-8")
    return export, mapping


def by_status(package: Path) -> dict[str, tuple[int, int, Decimal]]:
    """Per status: (tickets, seats, amount) of the package's ticket table."""
    rows = duckdb.sql(
        f"""SELECT status, count(*), sum(quantity), sum(quantity * unit_price)
        FROM read_parquet('{package / "ticket.parquet"}') GROUP BY status""").fetchall()
    return {str(s): (int(n), int(seats), Decimal(amount)) for s, n, seats, amount in rows}


def test_a_refund_of_some_seats_splits_the_line(tmp_path: Path, keys: Path) -> None:
    """Three refunds of one seat against lines of 6 seats (two of them on one line) leave the other
    seats sold; a refund of the line's 4 seats at its price refunds it whole, as before."""
    rows = [order("PP-1", 6, "$25.00"), order("PP-2", 4, "$15.00", who="noah"), order("PP-3", 2, "$15.00", who="emily"),
            order("PP-4", 6, "$15.00", who="liam"),
            order("PP-1", -1, "$25.00", when="2025-10-19 16:33"),
            order("PP-2", -4, "$15.00", when="2025-10-20 10:00", who="noah"),
            order("PP-4", -1, "$15.00", when="2025-10-21 10:00", who="liam"),
            order("PP-4", -1, "$15.00", when="2025-10-22 10:00", who="liam")]
    summary, said, package = prepared(tmp_path, keys, ORDER_HEADER, rows, ORDER_COLUMNS)
    assert by_status(package) == {"sold": (3, 5 + 2 + 4, Decimal("215.00")),
                                  "refunded": (4, 1 + 4 + 2, Decimal("115.00"))}
    assert (summary["rows_rejected"], summary["refunds_split"], summary["refunds_merged"]) == (0, 3, 1)
    assert summary["rows_per_table"]["ticket"] == summary["rows_accepted"] - summary["refunds_merged"] == 7
    assert "One refund row was applied to the ticket it refunds (now marked refunded)." in said
    assert ("3 refund rows refunded some of their lines' seats: those seats are refunded tickets, the lines' other "
            "seats stay sold.") in said
    # The refunded seats keep their sale's purchase time (not the refund's) and buyer.
    bought = duckdb.sql(f"""SELECT status, quantity, purchased_at::VARCHAR, member_patron_id
                            FROM read_parquet('{package / "ticket.parquet"}')
                            WHERE event_id IS NOT NULL ORDER BY purchased_at, status, quantity""").fetchall()
    assert {(status, str(at)) for status, _q, at, _p in bought} == {("sold", "2025-10-05 14:15:00"),
                                                                   ("refunded", "2025-10-05 14:15:00")}
    assert len({patron for *_rest, patron in bought}) == 4


def test_a_refund_of_some_seats_says_so_in_french_and_in_mapping_check(tmp_path: Path, keys: Path) -> None:
    rows = [order("PP-1", 6, "$25.00"), order("PP-1", -1, "$25.00", when="2025-10-19 16:33")]
    _summary, said, package = prepared(tmp_path, keys, ORDER_HEADER, rows, ORDER_COLUMNS, lang="fr")
    assert by_status(package) == {"sold": (1, 5, Decimal("125.00")), "refunded": (1, 1, Decimal("25.00"))}
    assert ("Une ligne de remboursement remboursait une partie des places de sa ligne : ces places forment un billet "
            "remboursé, les autres places de la ligne restent vendues.") in said
    assert "désormais marqués remboursés" not in said  # nothing was refunded whole
    result = run_cli("mapping", "check", str(tmp_path / "export.csv"), "--mapping", str(tmp_path / "mapping.yaml"))
    assert result.returncode == 0, result.stderr
    checked = " ".join(result.stderr.split())
    assert ("One refund row would refund some of its line's seats: those seats would be a refunded ticket, the "
            "line's other seats would stay sold.") in checked
    assert "would be applied to the sale" not in checked
    assert "Tickets 2" in checked


def test_a_refund_of_part_of_a_tickets_amount_keeps_it_sold_for_less(tmp_path: Path, keys: Path) -> None:
    """A 10 $ goodwill refund on a 34 $ ticket (same ticket number): the person came, the ticket
    stays sold at 24 $. A refund of the whole 25 $ refunds its ticket; one whose sale the export does
    not hold is a refunded ticket of its own, and said."""
    rows = [ticket("5500122", "34,00"), ticket("5500123", "25,00", who="loic"), ticket("5500124", "38,00", who="lea"),
            ticket("5500122", "-10,00", when="2025-10-04 09:18"),
            ticket("5500123", "-25,00", when="2025-10-05 09:18", who="loic"),
            ticket("5500199", "-15,00", when="2025-10-06 09:18", who="theo")]
    summary, said, package = prepared(tmp_path, keys, TICKET_HEADER, rows, TICKET_COLUMNS, **TICKET_SETTINGS)
    assert by_status(package) == {"sold": (2, 2, Decimal("62.00")), "refunded": (2, 2, Decimal("40.00"))}
    prices = duckdb.sql(f"""SELECT unit_price FROM read_parquet('{package / "ticket.parquet"}')
                            WHERE status = 'sold' ORDER BY unit_price""").fetchall()
    assert [p for (p,) in prices] == [Decimal("24.00"), Decimal("38.00")]
    assert (summary["refunds_merged"], summary["refunds_reduced"], summary["refunds_unmatched"]) == (2, 1, 1)
    assert "One refund row was applied to the ticket it refunds (now marked refunded)." in said
    assert ("One refund row refunded part of a ticket's amount: the ticket stays sold, at its price less the "
            "refund.") in said
    assert ("One refund row matches no sale of the export (a sale made before the period it covers?): it is a "
            "refunded ticket of its own.") in said


def test_a_refund_larger_than_its_line_is_rejected_with_its_line(tmp_path: Path, keys: Path) -> None:
    """Three seats refunded on a line of two, 30 $ refunded on a seat of 20 $: neither is applied; each
    is rejected with its line, said in one sentence, and its sale stays sold."""
    rows = [order("PP-1", 2, "$20.00"), order("PP-2", 1, "$20.00", who="noah"),
            order("PP-1", -3, "$20.00", when="2025-10-19 16:33"),
            order("PP-2", -1, "$30.00", when="2025-10-19 17:33", who="noah")]
    summary, said, package = prepared(tmp_path, keys, ORDER_HEADER, rows, ORDER_COLUMNS)
    assert by_status(package) == {"sold": (2, 3, Decimal("60.00"))}
    assert summary["rejects_by_reason"] == {"refund_exceeds_sale": 2}
    assert ("2 refund rows refund more seats or more money than is left of their sales: they were rejected with "
            "their lines (see the rejects file), and their sales kept.") in said
    rejects = read_rejects(tmp_path / "pkg.rejects.csv")
    assert [(r["line"], r["reasons"]) for r in rejects] == [("4", "refund_exceeds_sale"), ("5", "refund_exceeds_sale")]
    assert rejects[0]["raw_line"].startswith("PP-1,2025-10-19 16:33,")


def test_a_refund_of_some_seats_of_a_numbered_ticket_is_a_ticket_of_its_own(tmp_path: Path, keys: Path) -> None:
    """A ticket number of four seats and a refund of one under that number: three seats sold, one
    refunded, no duplicate ticket; the same number refunded again for more than is left is rejected."""
    header = [*TICKET_HEADER, "Qté"]
    rows = [[*ticket("T1", "15,00"), "4"], [*ticket("T2", "15,00", who="lea"), "1"],
            [*ticket("T1", "-15,00", when="2025-10-04 09:18"), "-1"],
            [*ticket("T2", "-15,00", when="2025-10-04 09:18", who="lea"), "-1"],
            [*ticket("T2", "-15,00", when="2025-10-05 09:18", who="lea"), "-1"]]
    summary, said, package = prepared(tmp_path, keys, header, rows, {**TICKET_COLUMNS, "quantity": "Qté"},
                                      **TICKET_SETTINGS)
    assert by_status(package) == {"sold": (1, 3, Decimal("45.00")), "refunded": (2, 2, Decimal("30.00"))}
    assert summary["rejects_by_reason"] == {"refund_exceeds_sale": 1}
    assert summary["rows_per_table"]["ticket"] == 3
    assert "One refund row refunds more seats or more money than is left of its sale" in said


def test_a_refund_giving_no_amount_refunds_its_seats_at_the_lines_price(tmp_path: Path, keys: Path) -> None:
    """A refund of one seat with its amount left blank (seats given read as 0) refunds that seat at
    the line's price; a refund of 10 $ on the one seat of an order whose price it does not repeat
    takes 10 $ off that seat, which stays sold."""
    rows = [order("PP-1", 4, "$15.00"), order("PP-2", 1, "$30.00", who="noah"),
            order("PP-1", -1, "", when="2025-10-19 16:33"),
            order("PP-2", -1, "$10.00", when="2025-10-19 17:33", who="noah")]
    summary, _said, package = prepared(tmp_path, keys, ORDER_HEADER, rows, ORDER_COLUMNS, blank_price=0)
    assert by_status(package) == {"sold": (2, 3 + 1, Decimal("65.00")), "refunded": (1, 1, Decimal("15.00"))}
    assert (summary["refunds_split"], summary["refunds_reduced"], summary["rows_rejected"]) == (1, 1, 0)
