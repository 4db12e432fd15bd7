"""Exports laid out like real ticketing vendors', with planted quirks and the known truth.

    from vendors import VENDORS, write_export
    truth = write_export("tessitura-history", tmp_path, rows=300, seed=7)
    truth.path          # the file written (a vendor-style name when given a folder)
    truth.tickets       # what must land in the warehouse (local times, Decimal prices, statuses)
    truth.good_rows     # source rows a right mapping accepts
    truth.bad_rows      # {line: rule}: rows planted bad on purpose, and the rule that rejects them
    truth.not_rows      # lines that are not rows (title block, "Total" footer)
    truth.columns       # the right mapping's ``columns:`` (canonical field -> source)
    truth.settings      # the right mapping's settings (encoding, delimiter, skip_lines, timezone, ...)

Each vendor name is also the name of the built-in profile that reads its layout. Quirks, by
vendor: attendee vs buyer e-mail (Eventbrite, Billetweb, HelloAsso), the event id only in the
file name (Eventbrite per-event, HelloAsso), cents and UTC times with Z (Shotgun), a title
block and a second sheet and French day names with the hour apart (Weezevent), order lines
with quantities, two-digit years, ``12,50 €`` and a Total row (Billetweb), month-first dates,
``$1,250.00``, refunds as negative rows, a sort name and a Grand Total row (Tessitura),
Windows-1252 with curly apostrophes (the Québec box office).
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vendors import layouts
from vendors.sales import EXPORTED_ON, Person, Ticket

__all__ = ["EXPORTED_ON", "VENDORS", "Truth", "write_export"]

VENDORS = ("eventbrite-attendees", "eventbrite-event", "shotgun-tickets", "weezevent-xlsx",
           "billetweb-orders", "helloasso", "tessitura-history", "billetterie-fr")

FILE_NAMES = {
    "eventbrite-attendees": "attendee-summary-report.csv",
    "eventbrite-event": "Attendees-741852963012.csv",
    "shotgun-tickets": "shotgun-tickets.csv",
    "weezevent-xlsx": "participants_festival-nuits-d-ete.xlsx",
    "billetweb-orders": "export_commandes.csv",
    "helloasso": "export-billetterie-concert-de-printemps-2026.csv",
    "tessitura-history": "ticket_history.csv",
    "billetterie-fr": "ventes_billetterie.csv",
}

_EVENTBRITE_COLUMNS: dict[str, Any] = {
    "ticket_id": "Attendee #", "order_id": "Order #", "purchased_at": "Order Date",
    "status": "Attendee Status", "quantity": "Quantity", "unit_price": "Total Paid", "currency": "Currency",
    "event_id": "Event ID", "event_title": "Event Name", "event_starts_at": "Event Start Date",
    "venue": "Venue Name", "email": ["Email", "Buyer Email"], "first_name": "First Name",
    "last_name": "Last Name", "phone": "Cell Phone", "postal_code": "Home Zip",
}
_QC = {"currency": "CAD", "timezone": "America/Toronto", "country": "CA"}
_FR = {"currency": "EUR", "timezone": "Europe/Paris", "country": "FR"}

# The right mapping of each layout: settings and columns (the contract's syntax).
EXPECTED: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "eventbrite-attendees": (
        {"format": "csv", "encoding": "utf-8", "delimiter": ",", "skip_lines": 0, "decimal": ".",
         "amount_scale": 1, "day_first": None, **_QC},
        _EVENTBRITE_COLUMNS),
    "eventbrite-event": (
        {"format": "csv", "encoding": "utf-8-sig", "delimiter": ",", "skip_lines": 0, "decimal": ".",
         "amount_scale": 1, "day_first": None, **_QC},
        {**{k: v for k, v in _EVENTBRITE_COLUMNS.items()
            if k not in ("event_title", "event_starts_at", "venue")},
         "event_id": {"file_name": "(\\d+)"}}),
    "shotgun-tickets": (
        {"format": "csv", "encoding": "utf-8", "delimiter": ",", "skip_lines": 0, "decimal": ".",
         "amount_scale": 0.01, "day_first": None, **_FR},
        {"ticket_id": "ticket_id", "order_id": "order_id", "purchased_at": "ordered_at",
         "status": "ticket_status", "unit_price": "ticket_price", "currency": "currency",
         "channel": "sales_channel", "event_id": "event_id", "event_title": "event_name",
         "event_starts_at": "event_start_time", "venue": "venue_name", "email": "contact_email",
         "first_name": "contact_first_name", "last_name": "contact_last_name", "phone": "contact_phone",
         "birth_date": "contact_birthday", "postal_code": "contact_zip_code"}),
    "weezevent-xlsx": (
        {"format": "xlsx", "sheet": "Participants", "skip_lines": 4, "decimal": ".", "amount_scale": 1,
         "day_first": True, **_FR},
        {"ticket_id": "Code barre", "order_id": "N° commande", "purchased_at": "Date de commande",
         "status": "Statut", "unit_price": "Montant",
         "event_id": {"join": ["Événement", "Date", "Heure"], "separator": " "},
         "event_title": "Événement", "event_starts_at": {"join": ["Date", "Heure"], "separator": " "},
         "email": "Email", "first_name": "Prénom", "last_name": "Nom", "phone": "Téléphone",
         "postal_code": "Code postal", "birth_date": "Date de naissance"}),
    "billetweb-orders": (
        {"format": "csv", "encoding": "utf-8", "delimiter": ";", "skip_lines": 0, "decimal": ",",
         "amount_scale": 1, "day_first": True, **_FR},
        {"order_id": "Commande", "purchased_at": "Date",
         "event_id": {"join": ["Événement", "Séance"], "separator": " "}, "event_title": "Événement",
         "event_starts_at": "Séance", "status": "Statut", "quantity": "Quantité",
         "unit_price": "Prix unitaire", "email": ["Email", "Acheteur email"],
         "first_name": ["Prénom", "Acheteur prénom"], "last_name": ["Nom", "Acheteur nom"],
         "phone": "Téléphone", "postal_code": "Code postal"}),
    "helloasso": (
        {"format": "csv", "encoding": "utf-8-sig", "delimiter": ";", "skip_lines": 0, "decimal": ",",
         "amount_scale": 1, "day_first": True, **_FR},
        {"ticket_id": "Numéro", "order_id": "Référence commande", "purchased_at": "Date de la commande",
         "status": "Statut de la commande", "unit_price": "Montant tarif", "event_id": {"file_name": True},
         "email": ["Email participant", "Email payeur"], "first_name": "Prénom participant",
         "last_name": "Nom participant", "birth_date": "Date de naissance",
         "postal_code": "Code postal payeur"}),
    "tessitura-history": (
        {"format": "csv", "encoding": "utf-8", "delimiter": ",", "skip_lines": 4, "decimal": ".",
         "amount_scale": 1, "day_first": False, **_QC},
        {"ticket_id": "Ticket No", "order_id": "Order No", "purchased_at": "Order Date",
         "status": "Seat Status", "unit_price": "Paid Amt", "channel": "Mode of Sale", "event_id": "Perf No",
         "event_title": "Performance", "event_starts_at": "Perf Date", "venue": "Facility",
         "patron_id": "Customer No", "email": "Email Address", "full_name": "Customer Name",
         "phone": "Phone", "postal_code": "Postal Code"}),
    "billetterie-fr": (
        {"format": "csv", "encoding": "cp1252", "delimiter": ";", "skip_lines": 0, "decimal": ",",
         "amount_scale": 1, "day_first": True, **_QC},
        {"ticket_id": "No billet", "order_id": "No commande", "purchased_at": "Date d'achat",
         "status": "Statut", "quantity": "Qté", "unit_price": "Prix unitaire", "currency": "Devise",
         "channel": "Canal", "event_id": "No représentation", "event_title": "Spectacle",
         "event_starts_at": "Date de représentation", "venue": "Salle", "venue_postal_code": "Code postal salle",
         "genres": "Genres", "artists": "Artistes", "capacity": "Jauge", "is_local": "Artiste québécois",
         "event_language": "Langue du spectacle", "patron_id": "No client", "email": "Courriel",
         "phone": "Téléphone", "first_name": "Prénom", "last_name": "Nom", "birth_date": "Date de naissance",
         "postal_code": "Code postal", "patron_language": "Langue",
         "consent_pooling": "Consentement mutualisation", "consent_marketing": "Consentement infolettre",
         "consent_personalization": "Consentement recommandations"}),
}


@dataclass
class Truth:
    """What an export holds, and what a right mapping makes of it (see the module docstring)."""

    vendor: str
    path: Path
    settings: dict[str, Any]
    columns: dict[str, Any]
    tickets: list[Ticket]
    good_rows: int
    bad_rows: dict[int, str]
    not_rows: list[int]
    header_line: int
    header: list[str] = field(default_factory=list)

    @property
    def profile(self) -> str:
        """The built-in profile that reads this layout."""
        return self.vendor

    @property
    def rows(self) -> int:
        """Source rows that are rows (good and planted bad), not title or Total lines."""
        return self.good_rows + len(self.bad_rows)

    def people(self) -> list[Person]:
        """Everyone the export names (buyers and attendees), for scans of what must not leave."""
        seen: dict[str, Person] = {}
        for t in self.tickets:
            for p in (t.buyer, t.attendee):
                if p is not None:
                    seen.setdefault(f"{p.first_name}|{p.last_name}|{p.email}", p)
        return list(seen.values())

    def ticket_at(self, line: int) -> Ticket | None:
        return next((t for t in self.tickets if t.line == line), None)


def _layout(vendor: str, rng: random.Random, rows: int, bad: bool) -> layouts.Sheet:
    if vendor in ("eventbrite-attendees", "eventbrite-event"):
        return layouts.eventbrite(rng, rows, bad, per_event=vendor == "eventbrite-event")
    return {
        "shotgun-tickets": layouts.shotgun, "weezevent-xlsx": layouts.weezevent,
        "billetweb-orders": layouts.billetweb, "helloasso": layouts.helloasso,
        "tessitura-history": layouts.tessitura, "billetterie-fr": layouts.box_office,
    }[vendor](rng, rows, bad)


def write_export(vendor: str, path: Path, rows: int = 200, seed: int = 0, *, bad_rows: bool = True,
                 encoding: str | None = None) -> Truth:
    """Write ``rows`` tickets in ``vendor``'s layout to ``path`` (a file, or a folder to write the
    vendor's usual file name in) and return the truth. ``bad_rows=False`` plants no bad row;
    ``encoding`` overrides the vendor's (e.g. ``utf-16`` as Excel's "Unicode text" writes)."""
    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r}; one of {', '.join(VENDORS)}")
    if rows < 20:
        raise ValueError("write at least 20 rows: planted rows need room")
    target = path / FILE_NAMES[vendor] if path.is_dir() else path
    settings, columns = EXPECTED[vendor]
    settings = dict(settings)
    sheet = _layout(vendor, random.Random(seed), rows, bad_rows)
    first_line = len(sheet.title) + 2
    for i, ticket in enumerate(sheet.carries):
        if ticket is not None and not ticket.line:
            ticket.line = first_line + i
    for i in sheet.bad:
        # A row planted bad is no ticket (a ticket carried by two rows is never planted bad).
        spoiled = sheet.carries[i]
        if spoiled is not None:
            spoiled.line = -1
    if settings["format"] == "xlsx":
        _write_workbook(target, sheet, settings)
    else:
        if encoding is not None:
            settings["encoding"] = encoding
        _write_csv(target, sheet, settings)
    if vendor == "eventbrite-event":
        match = re.search(r"(\d+)", target.name)
        if match is None:
            raise ValueError("a per-event Eventbrite export names its event in the file name: give digits")
        for t in sheet.carries:
            if t is not None:
                t.extra["event_id"] = match.group(1)
    if vendor == "helloasso":
        for t in sheet.carries:
            if t is not None:
                t.extra["event_id"] = target.stem
    tickets: list[Ticket] = []
    for t in sheet.carries:
        if t is not None and t.line > 0 and all(t is not seen for seen in tickets):
            tickets.append(t)
    bad = {first_line + i: reason for i, reason in sheet.bad.items()}
    footer_lines = [first_line + len(sheet.rows) + i for i in range(len(sheet.footer))]
    return Truth(
        vendor=vendor, path=target, settings=settings, columns=columns, tickets=tickets,
        good_rows=len(sheet.rows) - len(bad), bad_rows=bad,
        not_rows=list(range(1, first_line - 1)) + footer_lines, header_line=first_line - 1,
        header=sheet.header,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _write_csv(target: Path, sheet: layouts.Sheet, settings: dict[str, Any]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=settings["delimiter"], lineterminator="\r\n")
    width = len(sheet.header)
    for row in sheet.title:
        # Spreadsheets pad a title line with separators to the table's width.
        writer.writerow([_text(c) for c in row] + [""] * (width - len(row)))
    writer.writerow(sheet.header)
    for row in sheet.rows + sheet.footer:
        writer.writerow([_text(c) for c in row])
    target.write_bytes(buffer.getvalue().encode(settings["encoding"]))


def _write_workbook(target: Path, sheet: layouts.Sheet, settings: dict[str, Any]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Synthèse"
    summary.append(["Synthèse des ventes"])
    summary.append(["Billets", len(sheet.rows)])
    summary.append(["Chiffre d'affaires", sum(float(r[sheet.header.index("Montant")] or 0) for r in sheet.rows)])
    table = book.create_sheet(settings["sheet"])
    for row in sheet.title:
        table.append(row or [None])
    table.append(sheet.header)
    for row in sheet.rows:
        table.append([None if c == "" else c for c in row])
    book.save(target)
