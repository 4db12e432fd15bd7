"""Money given back, written in a column beside the amount paid, comes off the figures.

Ticket Tailor, Zeffy, WooCommerce and French box offices write « Montant remboursé », "Refunded Amount",
"Order Refund Amount" beside the price: the draft reads it (``draft_refunds``), ``prepare`` takes it off
the row's price or spreads an order's over its lines (``refunded_amounts``), and says what it did. What
is still owed ("Amount due", « Montant dû ») is never read as a price. Ticket statuses written in one
letter are read only where a vendor's set is known, else left to the member.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from culturecoop.errors import UserError
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.profile import parse_profile
from culturecoop.ingest.rejects import read_rejects
from test_partial_refunds import BASE, by_status, prepared
from test_prepare_support import run_cli, tid

# A French box office's orders, one row per order: « Total » over « Places », what was given back beside it,
# negative or positive, with its decimal comma.
ORDER_HEADER = ["Commande", "Date", "Spectacle", "Places", "Total", "Statut", "Montant remboursé", "Courriel"]
ORDER_COLUMNS = {"order_id": "Commande", "purchased_at": "Date", "event_id": "Spectacle", "event_title": "Spectacle",
                 "quantity": "Places", "total_price": "Total", "status": "Statut",
                 "refunded_amount": "Montant remboursé", "email": "Courriel"}
ORDER_SETTINGS = {"delimiter": ";", "decimal": ",", "currency": "EUR",
                  "status_values": {"Payée": "sold", "Remboursée": "refunded", "Remboursée partiellement": "sold"}}


def _order(number: str, seats: int, total: str, status: str, refunded: str) -> list[str]:
    return [number, "2026-03-02 18:00", "Cyrano", str(seats), total, status, refunded, f"{number.lower()}@example.fr"]


def test_a_refunded_amount_comes_off_the_price_and_prepare_says_it(tmp_path: Path, keys: Path) -> None:
    """10 € given back on an order of 4 × 15 € leaves 4 tickets sold at 12,50 € (15 €, one seat's price, would
    refund that seat: ``test_adversarial_exports_6``); the whole 30 € given back
    (written -30) on an order still « Payée » refunds it; 40 € given back on 25 € paid is rejected with its
    line and its reason in words; an empty cell gives back nothing. Said in French: « 7 billets remboursés en
    partie, 11,00 € rendus »."""
    rows = [_order("A1", 4, "60,00", "Remboursée partiellement", "10,00"),
            _order("A2", 2, "30,00", "Payée", "-30,00"),
            _order("A3", 1, "20,00", "Remboursée", "20,00"),
            _order("A4", 3, "45,00", "Payée", ""),
            _order("A5", 1, "25,00", "Payée", "40,00"),
            _order("A6", 3, "10,00", "Payée", "1,00 €")]
    summary, said, package = prepared(tmp_path, keys, ORDER_HEADER, rows, ORDER_COLUMNS, lang="fr", **ORDER_SETTINGS)
    # Sold: A1 4 × 12,50, A4 3 × 15,00, A6 3 × 3,00; refunded: A2 and A3 at their prices.
    assert by_status(package) == {"sold": (3, 10, Decimal("104.00")), "refunded": (2, 3, Decimal("50.00"))}
    assert summary["refunded_amounts"] == {"tickets_in_part": 7, "given_back": {"EUR": "11.00"}, "tickets_in_whole": 2, "price_unknown": 0}
    assert summary["rejects_by_reason"] == {"refund_exceeds_paid": 1}
    assert "7 billets remboursés en partie, 11,00 € rendus" in said, said  # its no-break space read as a space
    assert "2 billets vendus ont été remboursés en entier" in said
    assert "Une ligne donne un montant remboursé plus grand que ce qu’elle (ou sa commande) a payé" in said
    rejects = read_rejects(tmp_path / "pkg.rejects.csv")
    assert [(r["line"], r["reasons"], r["explanation"]) for r in rejects] == [
        ("6", "refund_exceeds_paid", "montant remboursé plus grand que ce qu’a payé la ligne (ou sa commande)")]
    assert rejects[0]["raw_line"].startswith("A5;")


# An online shop's orders, one row per ticket: the order's refunded amount on each of its lines, or on its first.
LINE_HEADER = ["Order Number", "Order Date", "Status", "Item Name", "Item Cost", "Email", "Order Refund Amount"]
LINE_COLUMNS = {"order_id": "Order Number", "purchased_at": "Order Date", "status": "Status", "event_id": "Item Name",
                "event_title": "Item Name", "unit_price": "Item Cost", "email": "Email",
                "refunded_amount": "Order Refund Amount"}


def _line(order: str, cost: str, refunded: str, status: str = "Completed") -> list[str]:
    return [order, "2026-02-01 10:00", status, "Gala", cost, f"{order}@example.ca", refunded]


def test_an_orders_refunded_amount_is_shared_among_its_tickets_to_the_cent(tmp_path: Path, keys: Path) -> None:
    """10 $ given back on three tickets of 20 $ (written on each line) is 3,34 + 3,33 + 3,33: the order's
    tickets add up to 50 $, not 60 $ less 30 $; 8 $ written on the first line of an order of 25 $ and 15 $ is
    shared 5 $ and 3 $; 45 $ given back on an order whose first ticket of 30 $ is marked refunded already takes
    the 15 $ left off the other; 75 $ given back on 60 $ paid is rejected with the line that writes it."""
    rows = [_line("100", "20.00", "10.00"), _line("100", "20.00", "10.00"), _line("100", "20.00", "10.00"),
            _line("101", "25.00", "8.00"), _line("101", "15.00", ""),
            _line("102", "30.00", "45.00", "Refunded"), _line("102", "30.00", "45.00"),
            _line("103", "30.00", "75.00"), _line("103", "30.00", "")]
    summary, _said, package = prepared(tmp_path, keys, LINE_HEADER, rows, LINE_COLUMNS, refunded_amount_per="order",
                                       status_values={"Completed": "sold", "Refunded": "refunded"})
    tickets = {str(t): (str(status), amount) for t, status, amount in duckdb.sql(
        f"SELECT ticket_id, status, unit_price * quantity FROM read_parquet('{package / 'ticket.parquet'}')").fetchall()}

    def sold(order: str, lines: int) -> list[Decimal]:
        found = [tickets[t] for n in range(1, lines + 1) if (t := tid(f"{order}#{n}", keys)) in tickets]
        return sorted(amount for status, amount in found if status == "sold")

    assert sold("100", 3) == [Decimal("16.66"), Decimal("16.67"), Decimal("16.67")]  # 50.00
    assert sold("101", 2) == [Decimal("12.00"), Decimal("20.00")]
    assert sold("102", 2) == [Decimal("15.00")]
    assert sold("103", 2) == [Decimal("30.00")]  # its first line rejected, the other at its price
    assert summary["refunded_amounts"] == {"tickets_in_part": 6, "given_back": {"CAD": "33.00"}, "tickets_in_whole": 0, "price_unknown": 0}
    assert summary["rejects_by_reason"] == {"refund_exceeds_paid": 1}
    assert [r["raw_line"].split(",")[0] for r in read_rejects(tmp_path / "pkg.rejects.csv")] == ["103"]


def test_mapping_check_says_what_the_refunded_amounts_would_do(tmp_path: Path) -> None:
    rows = [_order("A1", 4, "60,00", "Remboursée partiellement", "10,00"), _order("A2", 2, "30,00", "Payée", "0,00")]
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows([ORDER_HEADER, *rows])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump({**BASE, **ORDER_SETTINGS, "columns": ORDER_COLUMNS}, allow_unicode=True),
                       encoding="utf-8")
    result = run_cli("mapping", "check", str(export), "--mapping", str(mapping))
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert "4 tickets would be refunded in part, €10.00 given back: they would stay sold" in said, said


def test_refunded_amount_per_is_order_or_row() -> None:
    with pytest.raises(UserError, match="refunded_amount_per must be order"):
        parse_profile(yaml.safe_dump({"columns": LINE_COLUMNS, "refunded_amount_per": "ticket"}), source="m.yaml")
    by_ticket = {**{k: v for k, v in LINE_COLUMNS.items() if k != "order_id"}, "ticket_id": "Order Number"}
    with pytest.raises(UserError, match="choose a column for “Order number” \\(order_id\\), or no column for"):
        parse_profile(yaml.safe_dump({"columns": by_ticket, "refunded_amount_per": "order"}), source="m.yaml")
    # The member app's form chose no column for the refunded amount: the setting has nothing to share, and is no error.
    del by_ticket["refunded_amount"]
    assert not parse_profile(yaml.safe_dump({"columns": by_ticket, "refunded_amount_per": "order"}),
                             source="m.yaml").refunded_per_order


def _draft(tmp_path: Path, header: list[str], rows: list[list[str]]) -> tuple[dict[str, Any], list[str], str]:
    """(the drafted mapping, what it leaves to decide, its YAML) for ``rows`` under ``header``."""
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    draft = draft_mapping(export)
    return yaml.safe_load(draft.yaml_text), draft.undecided, draft.yaml_text


def _orders(refunded: list[str], statuses: list[str] | None = None) -> list[list[str]]:
    """Thirty orders of one row: 2 seats, 50 $, the refunded amounts given (then 0.00)."""
    statuses = statuses or []
    return [[f"R{100 + i}", f"2026-03-{1 + i % 28:02d} 10:00", "Nuit du jazz", "2", "50.00",
             statuses[i] if i < len(statuses) else "Completed",
             refunded[i] if i < len(refunded) else "0.00", f"p{i}@example.ca"] for i in range(30)]


@pytest.mark.parametrize("header", ["Refunded Amount", "Amount Refunded", "Montant remboursé", "Refund amount",
                                    "Remboursements"])
def test_the_draft_reads_a_refunded_amount_beside_the_price(header: str, tmp_path: Path) -> None:
    columns = ["Order #", "Order Date", "Event", "Qty", "Total Paid", "Status", header, "Email"]
    mapping, undecided, _text = _draft(tmp_path, columns, _orders(["-12.50", "50.00", "10.00"],
                                                                  ["Partially refunded", "Refunded", "Partially refunded"]))
    assert mapping["columns"].get("refunded_amount") == header, mapping["columns"]
    assert mapping["columns"].get("total_price") == "Total Paid"
    assert "refunded_amount_per" not in mapping  # one row per order: each row's own
    assert not any("Partially refunded" in sentence for sentence in undecided), undecided


def test_a_refunds_date_reason_count_or_fee_is_no_amount_given_back(tmp_path: Path) -> None:
    columns = ["Order #", "Order Date", "Event", "Qty", "Total Paid", "Refund Date", "Refund reason",
               "Refunded Tickets", "Refund fee", "Refunded", "Email"]
    rows = [[*row[:5], "2026-03-20", "Show moved", "1", "2.00", "No", row[-1]] for row in _orders([])]
    mapping, _undecided, _text = _draft(tmp_path, columns, rows)
    assert "refunded_amount" not in mapping["columns"], mapping["columns"]


def test_an_orders_refunded_amount_repeated_on_its_lines_is_the_orders(tmp_path: Path) -> None:
    """Repeated on every line of an order, what was given back is the order's; a shop's amount larger than
    the lines' prices (its taxes and shipping refunded too) is left out, and the member told why."""
    header = ["Order", "Created at", "Lineitem name", "Lineitem price", "Email", "Refunded"]
    rows = [[f"#{1000 + i // 2}", f"2026-03-{1 + i // 2 % 28:02d} 10:00", "Nuit du jazz", "20.00", f"p{i // 2}@example.ca",
             "15.00" if i // 2 in (3, 7) else "0.00"] for i in range(40)]
    mapping, _undecided, _text = _draft(tmp_path, header, rows)
    assert (mapping["columns"].get("refunded_amount"), mapping.get("refunded_amount_per")) == ("Refunded", "order")
    rows[6][-1] = rows[7][-1] = "46.00"  # 40.00 of tickets, with the taxes and shipping
    mapping, undecided, _text = _draft(tmp_path, header, rows)
    assert "refunded_amount" not in mapping["columns"]
    assert any(s.startswith("Refunded gives back more than the price read on some rows (46.00 for 40.00 paid)")
               for s in undecided), undecided


OWED = ["Montant dû", "Amount due", "Balance due", "Reste à payer", "Outstanding"]


def _sales(*amounts: str) -> list[list[str]]:
    return [[f"A{100 + i}", f"2026-03-{1 + i % 28:02d} 10:00", "Nuit du jazz", f"p{i}@example.ca", *amounts]
            for i in range(30)]


def test_what_is_still_owed_gives_way_to_the_amount_paid(tmp_path: Path) -> None:
    """« Montant dû » before « Montant »: both said « montant », and the first was read as the price."""
    mapping, _undecided, _text = _draft(tmp_path, ["Order #", "Order Date", "Event", "Email", *OWED, "Montant"],
                                        _sales(*["10.00"] * len(OWED), "30.00"))
    assert mapping["columns"].get("unit_price") == "Montant", mapping["columns"]


@pytest.mark.parametrize("header", OWED)
def test_what_is_still_owed_is_never_the_price(header: str, tmp_path: Path) -> None:
    """Alone beside the sale, a column of what is still owed is no ticket's price: the draft finds none, and
    says it left that column out."""
    mapping, undecided, _text = _draft(tmp_path, ["Order #", "Order Date", "Event", "Email", header], _sales("12.00"))
    assert "unit_price" not in mapping["columns"] and "total_price" not in mapping["columns"], mapping["columns"]
    assert f"« {header} » say what is still owed, not what was paid" in " ".join(undecided), undecided


@pytest.mark.parametrize(("letters", "header", "read"), [
    # Ticketmaster Archtics: A active, R returned; sold, returned, void.
    ("AAAAAR", "ticket_status", {"A": "sold", "R": "refunded"}),
    ("SSSSRV", "Ticket Status", {"S": "sold", "R": "refunded", "V": "cancelled"}),
    # Most rows returned is no set of sales: R may be reserved; French V, A, R may be vendu, annulé, remboursé.
    ("ARRRRR", "ticket_status", None),
    ("VVVVAR", "Statut du billet", None),
])
def test_one_letter_statuses_are_read_only_as_a_known_vendors(letters: str, header: str, read: dict[str, str] | None,
                                                              tmp_path: Path) -> None:
    french = header.startswith("Statut")
    columns = (["No commande", "Date de vente", "Spectacle", "Prix", "Courriel", header] if french else
               ["Order #", "Order Date", "Event", "Price", "Email", header])
    rows = [[f"A{100 + i}", f"2026-03-{1 + i % 28:02d} 10:00", "Nuit du jazz", "30.00", f"p{i}@example.ca",
             letters[i % len(letters)]] for i in range(30)]
    mapping, undecided, text = _draft(tmp_path, columns, rows)
    assert mapping["columns"].get("status") == header
    if read is None:
        assert not mapping.get("status_values")
        assert any(s.startswith("The ticket statuses are single letters") for s in undecided), undecided
    else:
        assert mapping["status_values"] == read
        assert not any("single letters" in s or "not words the draft knows" in s for s in undecided), undecided
    # The guess is marked to check in the YAML the member reads.
    assert ("status_values:  # CHECK: one-letter ticket statuses" in text) == (read is not None)


def test_an_amount_too_large_once_scaled_is_set_aside_not_a_crash(tmp_path: Path) -> None:
    """Amounts in cents (``amount_scale: 0.01`` or a scale above 1) multiply every amount: one too large for a
    price once scaled, or a refund beside a price times thousands of seats, is a row set aside for its price,
    never an incident (DuckDB's overflow in the multiplication stopped the whole check)."""
    from culturecoop.ingest.prepare import check_export

    header = ["Order #", "Order Date", "Event", "Qty", "Price", "Refunded", "Email"]
    rows = [["A1", "2026-03-01 10:00", "Gala", "2", "25", "5", "a@example.ca"],
            ["A2", "2026-03-01 10:00", "Gala", "1", "99999999999999", "", "b@example.ca"],
            ["A3", "2026-03-01 10:00", "Gala", "9999", "99999999999", "1", "c@example.ca"]]
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    columns = {"order_id": "Order #", "purchased_at": "Order Date", "event_id": "Event", "quantity": "Qty",
               "unit_price": "Price", "refunded_amount": "Refunded", "email": "Email"}
    profile = parse_profile(yaml.safe_dump({**BASE, "amount_scale": 1000, "columns": columns}), source="m.yaml")
    summary = check_export(export, profile, max_reject_share=1)
    assert (summary.rows_accepted, summary.rejects_by_reason) == (1, {"bad_price": 2})
    assert summary.refunded_amounts.given_back == {"CAD": "5000.00"}
