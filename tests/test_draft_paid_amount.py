"""The draft reads what the buyer paid for a ticket, taxes included, beside a price before taxes.

A ticket's price is taxes included (``schema.model``). Box offices write several amounts per line:
a Québec one « Prix », « TPS », « TVQ » and « Total », a French one « Prix HT », « TVA » and « Prix
TTC », an English one "Price", "Fees", "Tax" and "Total". The draft read the price before taxes
(« Prix »), and a venue's revenue came out short of its taxes. A fee on its own is no part of a
ticket's price, nor is an order's total repeated on each of its lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from culturecoop.i18n import set_language
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from test_prepare_support import TODAY, read_table


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _csv(path: Path, header: list[str], rows: list[list[str]], separator: str = ",") -> Path:
    path.write_text("\n".join(separator.join(line) for line in [header, *rows]) + "\n", encoding="utf-8")
    return path


def _quebec(tmp_path: Path) -> Path:
    """A Québec box office's transactions (Ticketacces, Tuxedo): « Prix » before taxes, TPS at 5 %,
    TVQ at 9,975 %, and « Total » what the buyer paid."""
    rows = []
    for i in range(30):
        price = Decimal(("25.00", "35.00", "45.00", "19.50")[i % 4])
        tps, tvq = _cents(price * Decimal("0.05")), _cents(price * Decimal("0.09975"))
        rows.append([f"{50000 + i}", f"2026-02-{1 + i % 28:02d} 14:{i % 60:02d}", "Les Belles-sœurs",
                     "2026-03-20 20:00", f"{price} $", f"{tps} $", f"{tvq} $", f"{price + tps + tvq} $",
                     f"client{i}@exemple.ca", "Vendu"])
    return _csv(tmp_path / "transactions.csv", ["No billet", "Date transaction", "Spectacle", "Représentation", "Prix",
                                                "TPS", "TVQ", "Total", "Courriel", "Statut"], rows)


def _french(tmp_path: Path, amounts: tuple[str, ...]) -> Path:
    """A French box office's tickets at 20, 25 and 12 € taxes included, VAT at 5,5 %: the headers
    ``amounts`` name the price before tax, the VAT (when three) and the price with it."""
    rows = []
    for i in range(30):
        paid = Decimal(("20.00", "25.00", "12.00")[i % 3])
        before = _cents(paid / Decimal("1.055"))
        values = (before, paid - before, paid) if len(amounts) == 3 else (before, paid)
        rows.append([f"B{i}", f"{1 + i % 28:02d}/02/2026 14:{i % 60:02d}", "Quatuor Ébène", "20/03/2026 20:00",
                     *(f"{v} €".replace(".", ",") for v in values), f"c{i}@exemple.fr"])
    return _csv(tmp_path / "billets.csv", ["N° billet", "Date de commande", "Spectacle", "Date du spectacle",
                                           *amounts, "E-mail"], rows, ";")


def _english(tmp_path: Path, price: str, fees: str | None = "Fees", tax: str | None = "Tax") -> Path:
    """An English ticket list: a price, a booking fee, 13 % HST on both, and the total paid."""
    rows = []
    for i in range(30):
        amount, fee = Decimal(("30.00", "45.00", "22.50")[i % 3]), Decimal("3.00")
        hst = _cents((amount + fee) * Decimal("0.13")) if tax else Decimal(0)
        extra = [str(fee)] * bool(fees) + [str(hst)] * bool(tax)
        rows.append([f"O{1000 + i}", f"T{i}", f"2026-02-{1 + i % 28:02d} 14:{i % 60:02d}", "Jazz Night",
                     "2026-03-20 20:00", str(amount), *extra, str(amount + fee * bool(fees) + hst),
                     f"patron{i}@example.com"])
    header = ["Order #", "Ticket #", "Order Date", "Event", "Event Date", price,
              *([fees] if fees else []), *([tax] if tax else []), "Total", "Email"]
    return _csv(tmp_path / "tickets.csv", header, rows)


def _amount_columns(export: Path) -> dict[str, str]:
    return {k: v for k, v in draft_mapping(export).mapping["columns"].items() if k in ("unit_price", "total_price")}


def test_a_quebec_total_with_tps_and_tvq_is_the_price(tmp_path: Path) -> None:
    """« Prix » 25,00 $ + TPS 1,25 $ + TVQ 2,49 $ = « Total » 28,74 $: the buyer paid the total."""
    draft = draft_mapping(_quebec(tmp_path))
    assert {k: v for k, v in draft.mapping["columns"].items() if k.endswith("price")} == {"unit_price": "Total"}
    note = next(e for e in draft.decisions if e.key == "columns.unit_price")
    assert note.check and "«Prix»" in note.why and "«TPS»" in note.why and "«TVQ»" in note.why
    assert [line for line in draft.undecided if "«Total» (taxes included)" in line and "«Prix» (before taxes)" in line]


def test_the_choice_is_said_in_french(tmp_path: Path) -> None:
    export = _quebec(tmp_path)
    set_language("fr")
    try:
        draft = draft_mapping(export)
    finally:
        set_language("en")
    said = [line for line in draft.undecided if line.startswith("Montant :")]
    assert said == ["Montant : « Total » (taxes comprises) est lu plutôt que « Prix » (avant taxes) ; si vos rapports "
                    "doivent être hors taxes, lisez « Prix d’un billet » (unit_price) dans « Prix »."], draft.undecided
    assert "« Total » (taxes comprises)" in draft.yaml_text


@pytest.mark.parametrize("amounts", [("Prix", "TVA", "Total TTC"), ("Prix HT", "TVA", "Total"),
                                     ("Prix HT", "TVA", "Prix TTC"), ("Prix HT", "Total TTC")])
def test_a_french_price_with_vat_is_the_price(amounts: tuple[str, ...], tmp_path: Path) -> None:
    """HT beside TTC, with or without the VAT between them: the price with VAT is read."""
    draft = draft_mapping(_french(tmp_path, amounts))
    assert draft.mapping["columns"].get("unit_price") == amounts[-1]
    assert "total_price" not in draft.mapping["columns"]
    assert [line for line in draft.undecided if f"«{amounts[-1]}» (taxes included)" in line], draft.undecided


@pytest.mark.parametrize("price", ["Price", "Ticket Price", "Subtotal"])
def test_an_english_total_with_fees_and_tax_is_the_price(price: str, tmp_path: Path) -> None:
    """"Total" = "Price" + "Fees" + "Tax": the amount paid, its fee said along with its tax."""
    draft = draft_mapping(_english(tmp_path, price))
    assert draft.mapping["columns"].get("unit_price") == "Total" and "total_price" not in draft.mapping["columns"]
    assert [line for line in draft.undecided if "«Total» (taxes and «Fees» included)" in line
            and f"«{price}» (before taxes and fees)" in line], draft.undecided


def test_a_row_total_with_its_tax_is_divided_by_the_quantity(tmp_path: Path) -> None:
    """One row per booking: « Total » = « Prix unitaire » × « Quantité » + « TVA »."""
    rows = []
    for i in range(30):
        price, seats = Decimal(("18.00", "24.00")[i % 2]), 1 + i % 3
        vat = _cents(price * seats * Decimal("0.055"))
        rows.append([f"R{i}", f"{1 + i % 28:02d}/02/2026 10:{i % 60:02d}", "Le Cid", "20/03/2026 20:30", str(seats),
                     str(price).replace(".", ","), str(vat).replace(".", ","),
                     str(price * seats + vat).replace(".", ","), f"r{i}@exemple.fr"])
    export = _csv(tmp_path / "reservations.csv", ["N° réservation", "Date", "Spectacle", "Date du spectacle", "Quantité",
                                                  "Prix unitaire", "TVA", "Total", "E-mail"], rows, ";")
    assert _amount_columns(export) == {"total_price": "Total"}


def test_a_single_amount_and_a_fee_beside_it_stay_as_they_are(tmp_path: Path) -> None:
    """No tax anywhere: the one price is read; a total that only adds the fee is not (the fee is
    the vendor's), and nothing is said about taxes."""
    draft = draft_mapping(_english(tmp_path, "Price", fees=None, tax=None))
    assert draft.mapping["columns"].get("unit_price") in ("Price", "Total")
    draft = draft_mapping(_english(tmp_path, "Price", tax=None))
    assert draft.mapping["columns"].get("unit_price") == "Price"
    assert not [line for line in draft.undecided if "taxes" in line]
    rows = [[f"T{i}", f"2026-02-{1 + i % 28:02d} 14:00", "Jazz Night", "2026-03-20 20:00", "25.00",
             f"p{i}@example.com"] for i in range(30)]
    draft = draft_mapping(_csv(tmp_path / "one.csv", ["Ticket #", "Order Date", "Event", "Event Date", "Price", "Email"],
                               rows))
    assert draft.mapping["columns"].get("unit_price") == "Price"
    assert not [line for line in draft.undecided if "taxes" in line]


def test_an_orders_total_repeated_on_its_lines_is_no_price(tmp_path: Path) -> None:
    """Orders of three tickets, each line with its price and its tax, and the order's « Total »
    (its three lines and their taxes) written on each: the line's price stays."""
    rows = []
    for order in range(10):
        prices = [Decimal("25.00"), Decimal("35.00"), Decimal(("19.50", "45.00")[order % 2])]
        taxes = [_cents(p * Decimal("0.14975")) for p in prices]
        total = sum(prices, Decimal(0)) + sum(taxes, Decimal(0))
        rows += [[f"C{700 + order}", f"C{700 + order}-{line}", f"2026-02-{1 + order:02d} 19:05", "Les Belles-sœurs",
                  "2026-03-20 20:00", f"{price} $", f"{tax} $", f"{total} $", f"acheteur{order}@exemple.ca"]
                 for line, (price, tax) in enumerate(zip(prices, taxes, strict=True))]
    export = _csv(tmp_path / "commandes.csv", ["No commande", "No billet", "Date d'achat", "Spectacle", "Représentation",
                                               "Prix", "Taxes", "Total", "Courriel"], rows)
    draft = draft_mapping(export)
    assert draft.mapping["columns"].get("unit_price") == "Prix" and "total_price" not in draft.mapping["columns"]
    assert not [line for line in draft.undecided if "taxes included" in line]


def test_the_package_counts_what_was_paid(tmp_path: Path, keys: Path) -> None:
    """Drafted, then prepared with nothing edited: the revenue is the sum of the « Total » column."""
    export = _quebec(tmp_path)
    draft = draft_mapping(export)
    prepare(export, member=MemberInfo("qc", "qc"), profile=parse_profile(draft.yaml_text, source="m.yaml"), keys_dir=keys,
            out=tmp_path / "pkg", today=TODAY)
    tickets = read_table(tmp_path / "pkg", "ticket")
    lines = export.read_text(encoding="utf-8").splitlines()[1:]
    paid = sum(Decimal(line.split(",")[7].removesuffix(" $")) for line in lines)
    assert len(tickets) == 30
    assert sum(Decimal(str(t["unit_price"])) * t["quantity"] for t in tickets) == paid
