"""More vendor layouts, taken the way a newcomer takes them: draft, then prepare with the drafted mapping.

Each file of ``fixtures/exports/vendors_more`` is a small export in a layout the sweep
(``test_vendor_sweep``) did not cover, each with the header words that the draft misread before:

* ``zeffy-payments-en.csv``: Zeffy's payments in English, a "Refunded Amount" beside the "Total Amount"
  ($0.00 on most rows): it was read as each ticket's price, so nearly every sale was worth 0;
* ``tickettailor-orders.csv``: Ticket Tailor's orders (one row per order, "2 x General admission, 1 x
  Concession"), "Opted in to marketing" left unread;
* ``theatre-box-office-bookings.csv``: a UK theatre's bookings, "Booked at" (no purchase date found:
  nothing could be prepared), "Customer Title" (Mr, Mrs, Ms) taken for the customer number (every
  "Mr" one patron) and the "Sales Location" (Online, Box Office) for the venue;
* ``cinema-entrees.csv``: a French cinema's admissions (Windows-1252), the « Carte fidélité » number
  left unread and the « Lieu de vente » (Caisse, Internet, Borne) too;
* ``etat-ventes-reseaux.csv``: a French promoter's sales by distribution network, « Nbre » seats per
  line left unread (each line one seat) and the « Réseau » (FNAC, Ticketmaster, guichet) too;
* ``ticketmaster-archtics-tickets.csv``: Ticketmaster Archtics' ticket data (its snake_case fields, as
  in the public ``vw_TM_Ticket`` views of team data warehouses), ``sell_location`` taken for the venue.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from culturecoop.ingest.vocabulary import classify_status
from test_prepare_support import TODAY, read_table
from test_vendor_sweep import _fold, leaked_values

EXPORTS = Path(__file__).parent / "fixtures" / "exports" / "vendors_more"

# file -> (delimiter, encoding, columns whose values identify a person).
PERSONAL: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "zeffy-payments-en.csv": (",", "utf-8", ("First Name", "Last Name", "Email", "Address", "Postal Code")),
    "tickettailor-orders.csv": (",", "utf-8", ("First name", "Last name", "Email", "Phone", "Address line 1",
                                               "Postcode")),
    "theatre-box-office-bookings.csv": (",", "utf-8", ("Forename", "Surname", "Email", "Contact number", "Postcode")),
    "cinema-entrees.csv": (";", "cp1252", ("Carte fidélité", "Prénom", "Nom", "Email", "Téléphone", "Code postal")),
    "etat-ventes-reseaux.csv": (";", "utf-8", ("Prénom", "Nom", "Mail", "Tél", "CP")),
    "ticketmaster-archtics-tickets.csv": (",", "utf-8", ("acct_id", "name_first", "name_last", "email_addr",
                                                         "phone_cell", "zip", "add_user", "acct_rep_full_name")),
}

# file -> (columns the draft must map as given, columns it must not map, the member's own edit of the
# mapping, rows accepted, rows rejected, the patrons' tickets' worth: unit price × quantity, every status).
CASES: dict[str, tuple[dict[str, Any], dict[str, str], dict[str, Any], int, int, str]] = {
    # The total over the quantity, not $425.00 of refunds: every sale at its price ($3,080.00); the $75.00 given
    # back on the one « Partially refunded » (3 × $75.00) is one of its seats, now a refunded ticket at $75.00 beside
    # two sold (it was 3 × $50.00 sold: $3,005.00), read as its refunded amount.
    "zeffy-payments-en.csv": ({"total_price": "Total Amount", "quantity": "Quantity", "refunded_amount": "Refunded Amount"},
                              {"unit_price": "Refunded Amount"}, {}, 40, 0, "3080.00"),
    # 4 box-office orders with a name and no e-mail nor phone: nothing to identify them by. Two orders of
    # 4 × £15.00 « Partially refunded » £15.00 each: one seat refunded at £15.00, three sold (were 4 × £11.25 sold,
    # 1330.06).
    "tickettailor-orders.csv": ({"consent_marketing": "Opted in to marketing", "quantity": "Tickets",
                                 "refunded_amount": "Refunded amount"}, {}, {}, 38, 4, "1360.06"),
    "theatre-box-office-bookings.csv": ({"purchased_at": "Booked at", "channel": "Sales Location"},
                                        {"venue": "Sales Location"}, {}, 44, 0, "1143.50"),
    # 24 admissions at the till naming nobody; one refund at the till naming nobody is set aside.
    "cinema-entrees.csv": ({"patron_id": "Carte fidélité", "channel": "Lieu de vente"}, {}, {}, 43, 2, "161.60"),
    "etat-ventes-reseaux.csv": ({"quantity": "Nbre", "unit_price": "Prix unitaire", "channel": "Réseau"}, {}, {}, 42, 0,
                                "2341.00"),
    # Archtics writes its statuses as one-letter codes, read as Archtics means them: A(ctive), R(eturned); its
    # ``owed_amount`` (what is still owed) is no price.
    "ticketmaster-archtics-tickets.csv": ({"channel": "sell_location", "total_price": "paid_amount", "quantity": "num_seats",
                                           "status": "ticket_status"},
                                          {"venue": "sell_location", "total_price": "owed_amount"}, {}, 40, 0, "7801.00"),
}


def _rows(name: str) -> list[dict[str, str]]:
    delimiter, encoding, _columns = PERSONAL[name]
    with open(EXPORTS / name, encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _personal_values(name: str) -> set[str]:
    """Every value of the person columns (and both orders of each full name, each phone's digits), folded."""
    columns = PERSONAL[name][2]
    found: set[str] = set()
    for row in _rows(name):
        values = [(row.get(c) or "").strip() for c in columns]
        found.update(v for v in values if v)
        found.update(re.sub(r"\D", "", v) for v in values if re.fullmatch(r"[\d\s().+-]{9,}", v))
        first, last = values[1], values[2]
        if first and last and "@" not in first + last:
            found.update({f"{first} {last}", f"{last} {first}"})
    return {_fold(v) for v in found if len(v) >= 4}


def _mapped(spec: Any) -> list[str]:
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list):
        return [s for s in spec if isinstance(s, str)]
    return []


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_layout_drafts_and_prepares(name: str, tmp_path: Path, keys: Path) -> None:
    mapped, not_mapped, edit, accepted, rejected, worth = CASES[name]
    draft = draft_mapping(EXPORTS / name)
    columns = draft.mapping["columns"]
    for field, column in mapped.items():
        # A customer number some rows leave empty is followed by the e-mail and the phone.
        assert columns.get(field) == column or (field == "patron_id" and _mapped(columns.get(field))[:1] == [column]), \
            (field, columns.get(field))
    for field, column in not_mapped.items():
        assert column not in _mapped(columns.get(field)), (field, columns.get(field))
    mapping = yaml.safe_load(draft.yaml_text) | edit
    profile = parse_profile(yaml.safe_dump(mapping, allow_unicode=True), source=name)
    out = tmp_path / "pkg"
    summary = prepare(EXPORTS / name, member=MemberInfo("more", "more"), profile=profile, keys_dir=keys, out=out,
                      today=TODAY)
    assert (summary.rows_accepted, summary.rows_rejected) == (accepted, rejected), summary.rejects_by_reason
    tickets = read_table(out, "ticket")
    assert sum(Decimal(str(t["unit_price"])) * t["quantity"] for t in tickets) == Decimal(worth)
    assert not leaked_values(_personal_values(name), out)
    if "channel" in mapped:  # every sale's channel read: none left as "other"
        sold = {t["channel"] for t in tickets} | {d["channel"] for d in read_table(out, "unnamed_sale")}
        assert sold and "other" not in sold and None not in sold, sold
    if name == "theatre-box-office-bookings.csv":
        # A civility is nobody's number: each buyer is one patron, by e-mail.
        patrons = pq.read_table(out / "patron.parquet").num_rows
        assert patrons == len({r["Email"] for r in _rows(name)})
    if name == "tickettailor-orders.csv":
        assert summary.consent["purposes"]["marketing"]["source"] == "column"
        assert summary.consent["purposes"]["marketing"]["granted"] > 0


@pytest.mark.parametrize("header", ["Buyer Location", "Customer Location", "Attendee Location", "Billing Location",
                                    "Lieu de résidence", "Home Venue"])
def test_where_the_buyer_lives_is_no_venue(header: str, tmp_path: Path) -> None:
    # The venue travels in clear with its event: a buyer's town read as the venue would carry where
    # someone lives, outside of the coarse postal area the package allows.
    towns = ["Montréal", "Laval", "Longueuil", "Québec", "Gatineau", "Sherbrooke"]
    lines = [f"Order #,Order Date,Event,Price,Email,{header}"]
    lines += [f"A{100 + i},2026-03-{1 + i % 28:02d} 10:00,Nuit du jazz,25.00,p{i}@example.ca,{towns[i % 6]}"
              for i in range(30)]
    export = tmp_path / "orders.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = draft_mapping(export).mapping["columns"]
    assert header not in _mapped(columns.get("venue")), columns


@pytest.mark.parametrize(("label", "status"), [
    # Each word in the other language or gender reads as its counterpart already did.
    ("Expirée", "cancelled"), ("Émise", "sold"), ("Finalisée", "sold"), ("Approuvé", "sold"), ("Approuvée", "sold"),
    ("Acceptée", "sold"), ("Réédité", "exchanged"), ("Attended", "sold"), ("Not attended", "sold"),
    # A box office's journal of operations typing each line (« Type d'opération » : Vente, Retour; La Vitrine
    # types its comps « Billet de faveur »: read as a status once « Vente » is known).
    ("Vente", "sold"), ("Retour", "refunded"), ("Billet de faveur", "sold"),
])
def test_status_words_in_both_languages(label: str, status: str) -> None:
    assert classify_status(label) == status
