"""Exports of vendors no built-in profile covers, taken the way a newcomer takes them.

Each file of ``fixtures/exports/vendors`` is a small export in a real vendor's layout, quirks
and all (title blocks, Total rows, Windows-1252, decimal commas, offsets, order lines with a
quantity, buyer and attendee columns, blank e-mails, phone-only bookings, refunds, comps). A
newcomer runs ``mapping draft`` and then ``prepare`` with the drafted mapping, editing nothing
(consent aside): every ticket must land, at the price paid, with nothing personal in the package.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from culturecoop.errors import UserError
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import check_export, prepare
from culturecoop.ingest.prepare_io import PrepareSummary
from culturecoop.ingest.profile import Profile, parse_profile
from culturecoop.privacy.keys import init_keys
from test_prepare_support import TODAY, read_table, tid

VENDOR_EXPORTS = Path(__file__).parent / "fixtures" / "exports" / "vendors"

# What a newcomer gets from draft → prepare, nothing edited: rows accepted, rows rejected, and the
# tickets' worth (unit price × quantity, every status), read from each file by hand. Rejected rows
# are the Spektrix box-office sales to nobody (no customer, e-mail nor phone: no one to count them for)
# and Ticketmaster's box-office sales with no account number (the draft says how to keep them).
OUTCOMES: dict[str, tuple[int, int, str]] = {
    "lepointdevente-ventes.csv": (55, 0, "1761.00"),
    "ticketmaster-event-manifest.xlsx": (49, 3, "2716.00"),  # see test_a_blank_customer_number_is_said
    "spektrix-ticket-report.csv": (45, 5, "1572.00"),
    "audienceview-orders.csv": (31, 0, "2580.00"),  # two refund rows applied to their sales
    "showpass-tickets.csv": (28, 0, "690.00"),
    "universe-attendees.csv": (27, 0, "524.00"),
    "ticketsource-bookings.csv": (20, 0, "870.00"),
    "ticketsource-box-office.csv": (14, 0, "465.00"),
    "mapado-billets.csv": (37, 0, "540.00"),
    "zeffy-paiements.csv": (20, 0, "1805.00"),
    "vivenu-tickets.csv": (32, 0, "1331.00"),
}
# The columns of each export that hold a person: none of their values may be in the package.
PERSONAL: dict[str, tuple[str, ...]] = {
    "lepointdevente-ventes.csv": ("Prénom", "Nom", "Courriel", "Téléphone", "Adresse", "Code postal"),
    "ticketmaster-event-manifest.xlsx": ("First Name", "Last Name", "Email", "Phone", "Address Line 1",
                                         "Postal Code", "Acct ID"),
    "spektrix-ticket-report.csv": ("First Name", "Last Name", "Email", "Mobile", "Address Line 1", "Postcode",
                                   "Customer Id"),
    "audienceview-orders.csv": ("Customer Name", "Email Address", "Phone", "Customer #"),
    "showpass-tickets.csv": ("Purchaser First Name", "Purchaser Last Name", "Purchaser Email", "Purchaser Phone",
                             "Attendee First Name", "Attendee Last Name", "Attendee Email", "Postal Code"),
    "universe-attendees.csv": ("Buyer Name", "Buyer Email", "Attendee Name", "Attendee Email"),
    "ticketsource-bookings.csv": ("Customer Name", "Email", "Telephone", "Address", "Postcode", "Booking Reference"),
    "ticketsource-box-office.csv": ("Customer Name", "Telephone", "Booking Reference"),
    "mapado-billets.csv": ("Nom", "Prénom", "E-mail", "Téléphone", "Adresse", "Code postal"),
    "zeffy-paiements.csv": ("Prénom", "Nom", "Courriel", "Adresse", "Code postal"),
    "vivenu-tickets.csv": ("firstname", "lastname", "email", "street", "postal", "barcode", "orderId"),
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("keys")
    init_keys(directory)
    return directory


def drafted(name: str) -> tuple[dict[str, Any], Profile]:
    """The drafted mapping of a fixture, as written to the member's file and read back."""
    draft = draft_mapping(VENDOR_EXPORTS / name)
    return draft.mapping, parse_profile(draft.yaml_text, source=name)


def table(name: str) -> list[dict[str, str]]:
    """The export's rows under its header, read independently of the draft."""
    path = VENDOR_EXPORTS / name
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        rows = [["" if c is None else str(c) for c in r] for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") or name.startswith(
            ("showpass", "universe", "ticketsource", "zeffy", "vivenu", "spektrix")) else raw.decode("cp1252")
        first = text.splitlines()[0]
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","))
    header_at = max(range(8), key=lambda i: sum(1 for c in rows[i] if c))
    header = rows[header_at]
    return [dict(zip(header, r, strict=False)) for r in rows[header_at + 1:] if any(r)]


def run(name: str, tmp_path: Path, keys: Path) -> tuple[PrepareSummary, Path]:
    _mapping, profile = drafted(name)
    out = tmp_path / "pkg"
    summary = prepare(VENDOR_EXPORTS / name, member=MemberInfo("sweep", "sweep"), profile=profile, keys_dir=keys,
                      out=out, today=TODAY)
    return summary, out


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def personal_values(name: str) -> set[str]:
    """Every e-mail, phone (as written, as digits, E.164), full name (both orders), street, full
    postal code and identifier of the export, folded."""
    found: set[str] = set()
    rows = table(name)
    columns = PERSONAL[name]
    for row in rows:
        if row.get(next(iter(row))) in ("Total", "Grand Total"):
            continue
        values = {c: (row.get(c) or "").strip() for c in columns}
        for column, value in values.items():
            if not value:
                continue
            found.add(value)
            digits = re.sub(r"\D", "", value)
            if re.fullmatch(r"[\d\s().+-]{10,}", value):
                found.update({digits, "+1" + digits[-10:], "+33" + digits[-9:]})
            if column in ("Postal Code", "Postcode", "Code postal", "postal"):
                found.add(value.replace(" ", ""))
        first = next((values[c] for c in columns if "first" in c.lower() or "prénom" in c.lower()), "")
        last = next((values[c] for c in columns if ("last" in c.lower() or c == "Nom") and "first" not in c.lower()), "")
        if first and last:
            found.update({f"{first} {last}", f"{last} {first}", f"{last}, {first}"})
    return {_fold(v) for v in found if len(v) >= 4}


def package_text(package: Path) -> str:
    """Every file of the package as text, and every decoded value of every Parquet column."""
    parts = []
    for path in sorted(package.rglob("*")):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
            if path.suffix == ".parquet":
                for column in pq.read_table(path).columns:
                    parts.extend(json.dumps(v, default=str, ensure_ascii=False) for v in column.to_pylist())
    return _fold("\n".join(parts))


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_a_newcomer_prepares_each_export_with_the_drafted_mapping(name: str, tmp_path: Path, keys: Path) -> None:
    summary, package = run(name, tmp_path, keys)
    accepted, rejected, worth = OUTCOMES[name]
    assert (summary.rows_accepted, summary.rows_rejected) == (accepted, rejected), summary.rejects_by_reason
    tickets = read_table(package, "ticket")
    assert sum(Decimal(str(t["unit_price"])) * t["quantity"] for t in tickets) == Decimal(worth)
    # Nothing personal of the export in the package, in any form.
    text = package_text(package)
    leaked = sorted(v for v in personal_values(name)
                    if re.search(r"(?<![0-9a-z])" + re.escape(v) + r"(?![0-9a-z])", text))
    assert not leaked, leaked


def test_headers_whose_meaning_is_clear_are_mapped() -> None:
    # Ticketmaster's account number is the customer number; vivenu's "postal" is the postal code,
    # and its "realPrice" (what was paid: comps at 0, reductions) wins over "regularPrice".
    ticketmaster, _p = drafted("ticketmaster-event-manifest.xlsx")
    assert ticketmaster["columns"]["patron_id"] == "Acct ID"
    vivenu, _p = drafted("vivenu-tickets.csv")
    assert vivenu["columns"]["unit_price"] == "realPrice"
    assert vivenu["columns"]["postal_code"] == "postal"


@pytest.mark.parametrize(("name", "label"), [("zeffy-paiements.csv", "Réussi"), ("vivenu-tickets.csv", "DETAILSREQUIRED")])
def test_vendor_status_words_are_known(name: str, label: str) -> None:
    # Zeffy's French export says a payment "Réussi"; vivenu a sold ticket whose holder is still to
    # be named "DETAILSREQUIRED". Both are sales, in the draft and in prepare's own words.
    mapping, _p = drafted(name)
    assert mapping["status_values"][label] == "sold"
    mapping.pop("status_values")
    summary = check_export(VENDOR_EXPORTS / name, parse_profile(yaml.safe_dump(mapping, allow_unicode=True), source=name),
                           today=TODAY)
    assert "bad_status" not in summary.rejects_by_reason


@pytest.mark.parametrize(("name", "total", "quantity"), [
    ("ticketsource-bookings.csv", "Total", "Quantity"),
    ("zeffy-paiements.csv", "Montant total", "Quantité"),
])
def test_a_row_total_over_a_quantity_is_divided(name: str, total: str, quantity: str, tmp_path: Path,
                                                keys: Path) -> None:
    # One row per booking: 4 seats for 80.00 are four tickets at 20.00, not at 80.00 each.
    mapping, _p = drafted(name)
    assert mapping["columns"]["total_price"] == total and mapping["columns"]["quantity"] == quantity
    assert "unit_price" not in mapping["columns"]
    _summary, package = run(name, tmp_path, keys)
    tickets = read_table(package, "ticket")
    rows = [r for r in table(name) if int(r[quantity]) > 1]
    assert rows and {t["quantity"] for t in tickets} >= {int(r[quantity]) for r in rows}
    for ticket in tickets:
        assert ticket["unit_price"] in {Decimal(re.sub(r"[^\d,.]", "", r[total]).replace(",", ".")) / int(r[quantity])
                                        for r in table(name) if int(r[quantity]) == ticket["quantity"]}


def test_the_mapping_language_reads_total_price(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "orders.csv"
    export.write_text("Ref,Date,Show,Qty,Total,Email\nA1,2026-03-01 10:00:00,Gala,3,\"($75.00)\",a@x.example\n"
                      "A2,2026-03-01 11:00:00,Gala,4,\"1,250.00\",b@x.example\n", encoding="utf-8")
    columns = {"order_id": "Ref", "purchased_at": "Date", "event_id": "Show", "quantity": "Qty",
               "total_price": "Total", "email": "Email"}
    prepare(export, member=MemberInfo("sweep", "sweep"), today=TODAY, keys_dir=keys, out=tmp_path / "pkg",
            profile=parse_profile(yaml.safe_dump({"columns": columns}), source="m.yaml"))
    tickets = sorted(read_table(tmp_path / "pkg", "ticket"), key=lambda t: t["quantity"])
    # A refund of 3 seats for 75.00 (a refund with no sale in the export), 4 seats for 1,250.00.
    assert [(t["quantity"], t["unit_price"], t["status"]) for t in tickets] == [
        (3, Decimal("25.00"), "refunded"), (4, Decimal("312.50"), "sold")]
    with pytest.raises(UserError, match="unit_price or total_price"):
        parse_profile(yaml.safe_dump({"columns": {**columns, "unit_price": "Total"}}), source="m.yaml")


def _phones_without_email(name: str, mapping: dict[str, Any]) -> set[str]:
    email, phone = mapping["columns"]["email"], mapping["columns"]["phone"]
    return {r[phone] for r in table(name) if not r[email] and r[phone] and r.get("Acct ID", "") in ("", "None")}


@pytest.mark.parametrize("name", ["lepointdevente-ventes.csv", "mapado-billets.csv"])
def test_a_row_with_no_email_is_identified_by_its_phone(name: str, tmp_path: Path, keys: Path) -> None:
    # Box-office sales and invitations: no e-mail (nor customer number) was taken, a phone was.
    mapping, _p = drafted(name)
    assert "patron_id" not in mapping["columns"]
    summary, package = run(name, tmp_path, keys)
    assert "missing_patron_id" not in summary.rejects_by_reason
    # The member recomputes the token from the phone as its export writes it (to put its own
    # ids back on the cooperative's lists).
    no_email = _phones_without_email(name, mapping)
    assert no_email
    patrons = {p["member_patron_id"] for p in read_table(package, "patron")}
    assert {tid(value, keys, "sweep") for value in no_email} <= patrons


def test_a_blank_customer_number_is_said(tmp_path: Path, keys: Path) -> None:
    # Ticketmaster's box-office sales carry no account number and no e-mail, but a phone. The
    # draft does not mix ids on its own (a patron would have two); it says how to keep the rows.
    name = "ticketmaster-event-manifest.xlsx"
    draft = draft_mapping(VENDOR_EXPORTS / name)
    advice = next(item for item in draft.undecided if "Acct ID" in item)
    assert "patron_id: [Acct ID, Email, Phone]" in advice
    mapping = {**draft.mapping, "columns": {**draft.mapping["columns"], "patron_id": ["Acct ID", "Email", "Phone"]}}
    profile = parse_profile(yaml.safe_dump(mapping, allow_unicode=True), source=name)
    summary = prepare(VENDOR_EXPORTS / name, member=MemberInfo("sweep", "sweep"), profile=profile, keys_dir=keys,
                      out=tmp_path / "pkg", today=TODAY)
    assert (summary.rows_accepted, summary.rows_rejected) == (52, 0)
    patrons = {p["member_patron_id"] for p in read_table(tmp_path / "pkg", "patron")}
    assert {tid(value, keys, "sweep") for value in _phones_without_email(name, mapping)} <= patrons


def test_an_export_with_only_a_phone_is_prepared(tmp_path: Path, keys: Path) -> None:
    # A box office's phone bookings: a name and a phone, no e-mail column, no customer number.
    name = "ticketsource-box-office.csv"
    draft = draft_mapping(VENDOR_EXPORTS / name)
    assert "patron_id" not in draft.mapping["columns"] and draft.mapping["columns"]["phone"] == "Telephone"
    assert not any("customer number" in item for item in draft.undecided)
    assert any(e.key == "columns.patron_id" and "phone" in e.why for e in draft.decisions)
    summary, package = run(name, tmp_path, keys)
    assert summary.rows_rejected == 0
    assert len(read_table(package, "patron")) == len({r["Telephone"] for r in table(name)})


def test_docs_list_every_layout_taken() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "mapping.md").read_text(encoding="utf-8")
    section = docs.split("### Other vendors: drafted, no profile needed", 1)[1].split("\n### ", 1)[0]
    for vendor in ("Lepointdevente", "Ticketmaster", "Spektrix", "AudienceView", "Showpass", "Universe",
                   "TicketSource", "Mapado", "Zeffy", "vivenu"):
        assert f"| {vendor} |" in section, vendor
    assert {name.split("-")[0] for name in OUTCOMES} == {
        "lepointdevente", "ticketmaster", "spektrix", "audienceview", "showpass", "universe", "ticketsource",
        "mapado", "zeffy", "vivenu"}
