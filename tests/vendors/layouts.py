"""One function per vendor layout: the tickets become the rows that vendor's export holds.

Each layout returns a ``Sheet``: header, data rows (cells), the ticket each row carries, the
rows planted bad on purpose (with the rule a right mapping must reject them for), a title
block above the header and footer rows (``Total``) that are not rows. ``write_export`` in
``vendors/__init__.py`` writes the sheet in the vendor's encoding, separator or workbook.
Column layouts follow each vendor's published exports and documentation as closely as we
could judge them; the quirks planted are the ones issue 9 lists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from vendors import styles as st
from vendors.sales import Show, Ticket, make_shows, make_tickets

QC_VENUES = ("Salle Bourgie", "Le Ministère", "Théâtre Outremont", "Club Soda", "L'Astral")
FR_VENUES = ("La Cigale", "Le Trabendo", "La Maroquinerie", "Le Transbordeur", "Le Bikini")
QC_TITLES = ("Les Cowboys Fringants", "Nuit du jazz", "Ballet de printemps", "Hommage à Oscar Peterson",
             "Soirée slam", "Orchestre de chambre", "Improvisation en folie", "Fred Pellerin")
FR_TITLES = ("Nuit électro", "Jazz à la cave", "Festival Nuits d'été", "Concert de printemps",
             "Scène ouverte", "Carte blanche à Ibeyi", "Bal folk")

@dataclass
class Sheet:
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    carries: list[Ticket | None] = field(default_factory=list)  # the ticket each row is about
    bad: dict[int, str] = field(default_factory=dict)  # row index -> rule a right mapping rejects it for
    title: list[list[Any]] = field(default_factory=list)
    footer: list[list[Any]] = field(default_factory=list)

    def add(self, cells: dict[str, Any], ticket: Ticket | None) -> int:
        unknown = set(cells) - set(self.header)
        assert not unknown, unknown
        self.rows.append([cells.get(h, "") for h in self.header])
        self.carries.append(ticket)
        return len(self.rows) - 1

    def set(self, index: int, column: str, value: Any) -> None:
        self.rows[index][self.header.index(column)] = value

def _plant(rng: random.Random, sheet: Sheet, plants: list[tuple[Callable[[int], None], str]]) -> None:
    """Spoil a few rows (never the first ten, so a sample of the head stays clean)."""
    spoiled: set[int] = set()
    for spoil, reason in plants:
        index = rng.randrange(10, len(sheet.rows))
        # A ticket carried by two rows (a refund row) is left alone: spoiling one would orphan the other.
        while index in spoiled or sheet.carries[index] is None or \
                sum(c is sheet.carries[index] for c in sheet.carries) > 1:
            index = rng.randrange(10, len(sheet.rows))
        spoiled.add(index)
        spoil(index)
        sheet.bad[index] = reason

EVENTBRITE_STATUS = {"sold": ("Attending", "Checked In"), "refunded": ("Refunded",),
                     "cancelled": ("Deleted",), "exchanged": ("Transferred",)}

def eventbrite(rng: random.Random, rows: int, bad: bool, *, per_event: bool) -> Sheet:
    """Eventbrite's attendee report: one row per attendee, attendee and buyer columns.

    The cross-event report has Event Name / Event ID / Event Start Date; the per-event export
    (``per_event``) has no event column: the event id is only in the file name.
    """
    shows = make_shows(rng, 1 if per_event else 6, QC_TITLES, QC_VENUES, first_id=741852963012)
    tickets = make_tickets(rng, rows, shows, region="qc", currency="CAD", attendee_share=0.35,
                           attendee_email_share=0.3, ticket_start=1820000001)
    event_columns = [] if per_event else ["Event Name", "Event ID", "Event Start Date", "Venue Name"]
    sheet = Sheet(["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Ticket Type",
                   "Attendee #", "Barcode #", "Order Type", "Currency", "Total Paid", "Fees Paid",
                   "Eventbrite Fees", "Attendee Status", *event_columns, "Buyer First Name",
                   "Buyer Last Name", "Buyer Email", "Cell Phone", "Home Address 1", "Home City", "Home State",
                   "Home Zip", "Home Country", "Check-In Date", "Gender", "Age"])
    for i, t in enumerate(tickets):
        who = t.person
        fees = (t.unit_price * Decimal("0.06")).quantize(Decimal("0.01"))
        cells = {
            "Order #": t.order_id, "Order Date": st.iso_offset(t.purchased_at, "America/Toronto"),
            "First Name": who.first_name, "Last Name": who.last_name,
            "Email": t.attendee.email if t.attendee is not None else t.buyer.email,
            "Quantity": "1", "Ticket Type": rng.choice(("Général", "Étudiant", "VIP")),
            "Attendee #": t.ticket_id, "Barcode #": f"{t.ticket_id}{t.order_id}001",
            "Order Type": rng.choice(("Eventbrite Completed", "PayPal Completed")), "Currency": "CAD",
            "Total Paid": f"{t.unit_price:.2f}", "Fees Paid": f"{fees:.2f}", "Eventbrite Fees": f"{fees:.2f}",
            "Attendee Status": rng.choice(EVENTBRITE_STATUS[t.status]),
            "Buyer First Name": t.buyer.first_name, "Buyer Last Name": t.buyer.last_name,
            "Buyer Email": t.buyer.email, "Cell Phone": st.qc_phone(who.phone, i), "Home Zip": who.postal_code,
            "Home Address 1": f"{rng.randrange(1, 9000)} rue {rng.choice(('Saint-Denis', 'Rachel', 'Fleury'))}",
            "Home City": "Montréal" if who.postal_code[0] == "H" else "Québec", "Home State": "QC",
            "Home Country": "CA", "Gender": rng.choice(("Female", "Male", "", "Non-binary")),
            "Age": str(2026 - who.birth_date.year) if who.birth_date else "",
        }
        if cells["Attendee Status"] == "Checked In":
            cells["Check-In Date"] = st.iso_offset(t.show.starts_at.replace(minute=0) - dt.timedelta(minutes=12),
                                                   "America/Toronto")
        if not per_event:
            cells |= {"Event Name": t.show.title, "Event ID": t.show.event_id,
                      "Event Start Date": t.show.starts_at.strftime("%Y-%m-%d %H:%M:%S"),
                      "Venue Name": t.show.venue}
        sheet.add(cells, t)
    if bad:
        def no_email(i: int) -> None:
            # Nobody to link the row to: no e-mail, and no phone standing in for it.
            sheet.set(i, "Email", "")
            sheet.set(i, "Buyer Email", "")
            sheet.set(i, "Cell Phone", "")

        _plant(rng, sheet, [(no_email, "missing_patron_id"),
                            (lambda i: sheet.set(i, "Order Date", "à confirmer"), "bad_purchased_at")])
    return sheet

SHOTGUN_STATUS = {"sold": "valid", "refunded": "refunded", "cancelled": "canceled", "exchanged": "resold"}
SHOTGUN_CHANNEL = {"web": "online", "box_office": "box_office", "phone": "app"}

def shotgun(rng: random.Random, rows: int, bad: bool) -> Sheet:
    """Shotgun's tickets API written as CSV: snake_case fields, prices in cents, UTC times with Z."""
    shows = make_shows(rng, 5, FR_TITLES, FR_VENUES, first_id=410006, prices=(12, 15, 18, 22, 35))
    tickets = make_tickets(rng, rows, shows, region="fr", currency="EUR", ticket_start=52000001)
    sheet = Sheet(["ticket_id", "ticket_title", "ticket_status", "ticket_price", "currency", "ordered_at",
                   "ticket_updated_at", "event_id", "event_name", "event_start_time", "venue_name",
                   "order_id", "sales_channel", "contact_email", "contact_first_name", "contact_last_name",
                   "contact_phone", "contact_birthday", "contact_gender", "contact_zip_code"])
    for t in tickets:
        who = t.person
        if t.channel == "phone":
            t.channel = "mobile"  # Shotgun sells in its app, not by phone
        cells = {
            "ticket_id": t.ticket_id, "ticket_title": rng.choice(("Early bird", "Regular", "Last release")),
            "ticket_status": SHOTGUN_STATUS[t.status], "ticket_price": st.cents(t.unit_price),
            "currency": "eur", "ordered_at": st.iso_utc_z(t.purchased_at, "Europe/Paris"),
            "ticket_updated_at": st.iso_utc_z(t.purchased_at, "Europe/Paris"),
            "event_id": t.show.event_id, "event_name": t.show.title,
            "event_start_time": st.iso_utc_z(t.show.starts_at, "Europe/Paris"), "venue_name": t.show.venue,
            "order_id": t.order_id,
            "sales_channel": {"web": "online", "box_office": "box_office", "mobile": "app"}[t.channel],
            "contact_email": who.email, "contact_first_name": who.first_name, "contact_last_name": who.last_name,
            "contact_phone": "+33" + who.phone[1:],
            "contact_birthday": who.birth_date.isoformat() if who.birth_date else "",
            "contact_gender": rng.choice(("female", "male", "")), "contact_zip_code": who.postal_code,
        }
        sheet.add(cells, t)
    if bad:
        def nobody(i: int) -> None:  # no e-mail, and no phone standing in for it
            sheet.set(i, "contact_email", "")
            sheet.set(i, "contact_phone", "")

        _plant(rng, sheet, [(nobody, "missing_patron_id"),
                            (lambda i: sheet.set(i, "ticket_price", "à définir"), "bad_price")])
    return sheet

WEEZEVENT_STATUS = {"sold": "Validé", "refunded": "Remboursé", "cancelled": "Annulé", "exchanged": "Validé"}

def weezevent(rng: random.Random, rows: int, bad: bool) -> Sheet:
    """Weezevent's participant list: a workbook whose second sheet holds the table below a title
    block; real date and number cells; the show's day in French words and its hour apart."""

    shows = make_shows(rng, 3, ("Festival Nuits d'été",), FR_VENUES, first_id=88001)
    tickets = make_tickets(rng, rows, shows, region="fr", currency="EUR", ticket_start=300000001)
    sheet = Sheet(["Code barre", "N° commande", "Date de commande", "Nom", "Prénom", "Email", "Téléphone",
                   "Code postal", "Date de naissance", "Tarif", "Montant", "Statut", "Moyen de paiement",
                   "Événement", "Date", "Heure"])
    sheet.title = [["Liste des participants"], ["Événement : Festival Nuits d'été 2026"],
                   [f"Export du {st.fr_date(dt.date(2026, 3, 12))} à 15:08"], []]
    for i, t in enumerate(tickets):
        if t.status == "exchanged":
            t.status = "sold"
        who = t.person
        cells = {
            "Code barre": t.ticket_id, "N° commande": f"W{t.order_id}", "Date de commande": t.purchased_at,
            "Nom": who.last_name, "Prénom": who.first_name, "Email": who.email,
            "Téléphone": st.fr_phone(who.phone, i), "Code postal": who.postal_code,
            "Date de naissance": dt.datetime.combine(who.birth_date, dt.time()) if who.birth_date else None,
            "Tarif": rng.choice(("Plein tarif", "Tarif réduit")), "Montant": float(t.unit_price),
            "Statut": WEEZEVENT_STATUS[t.status], "Moyen de paiement": rng.choice(("CB", "Espèces", "Chèque")),
            "Événement": t.show.title, "Date": st.fr_long_day_upper(t.show.starts_at.date()),
            "Heure": st.hour_h(t.show.starts_at),
        }
        t.extra["event_id"] = f"{t.show.title} {cells['Date']} {cells['Heure']}"
        sheet.add(cells, t)
    if bad:
        def nobody(i: int) -> None:  # no e-mail, and no phone standing in for it
            sheet.set(i, "Email", "")
            sheet.set(i, "Téléphone", "")

        _plant(rng, sheet, [(nobody, "missing_patron_id")])
    return sheet

BILLETWEB_STATUS = {"sold": "Payé", "refunded": "Remboursé", "cancelled": "Annulé", "exchanged": "Échangé"}

def billetweb(rng: random.Random, rows: int, bad: bool) -> Sheet:
    """Billetweb's order export: one row per order line (a price tier and a quantity, no ticket
    number), buyer and participant columns, French session labels, amounts ``12,50 €``, a
    two-digit year on the order date and a ``Total`` row at the end."""
    shows = make_shows(rng, 4, FR_TITLES, FR_VENUES, first_id=1000)
    tickets = make_tickets(rng, rows, shows, region="fr", currency="EUR", attendee_share=0.3,
                           attendee_email_share=0.5, ticket_start=None, quantities=True, max_per_order=2)
    sheet = Sheet(["Commande", "Date", "Événement", "Séance", "Tarif", "Quantité", "Prix unitaire", "Total",
                   "Statut", "Moyen de paiement", "Acheteur nom", "Acheteur prénom", "Acheteur email",
                   "Nom", "Prénom", "Email", "Téléphone", "Code postal"])
    total = Decimal(0)
    for i, t in enumerate(tickets):
        attendee = t.attendee
        line_total = t.unit_price * t.quantity
        total += line_total
        cells = {
            "Commande": f"BW-{t.order_id}", "Date": st.fr_datetime(t.purchased_at, two_digit_year=True),
            "Événement": t.show.title, "Séance": st.fr_short_day(t.show.starts_at),
            "Tarif": "Plein tarif" if t.position == 1 else "Tarif réduit", "Quantité": str(t.quantity),
            "Prix unitaire": st.fr_amount(t.unit_price, "€"), "Total": st.fr_amount(line_total, "€"),
            "Statut": BILLETWEB_STATUS[t.status], "Moyen de paiement": rng.choice(("Carte bancaire", "Virement")),
            "Acheteur nom": t.buyer.last_name, "Acheteur prénom": t.buyer.first_name,
            "Acheteur email": t.buyer.email,
            "Nom": attendee.last_name if attendee else "", "Prénom": attendee.first_name if attendee else "",
            "Email": attendee.email if attendee else "", "Téléphone": st.fr_phone(t.buyer.phone, i),
            "Code postal": t.buyer.postal_code,
        }
        t.order_id = f"BW-{t.order_id}"
        t.extra["event_id"] = f"{t.show.title} {cells['Séance']}"
        sheet.add(cells, t)
    sheet.footer = [["Total", "", "", "", "", "", "", st.fr_amount(total, "€")] + [""] * 10]
    if bad:
        _plant(rng, sheet, [(lambda i: sheet.set(i, "Prix unitaire", "offert ?"), "bad_price")])
    return sheet

HELLOASSO_STATUS = {"sold": "Validé", "refunded": "Remboursé", "cancelled": "Annulé"}

def helloasso(rng: random.Random, rows: int, bad: bool) -> Sheet:
    """HelloAsso's order export of one ticketing form: no event column (the form is the event),
    semicolons, French headers, payer and participant, dates day first, amounts ``12,00``."""
    shows = make_shows(rng, 1, ("Concert de printemps",), FR_VENUES, first_id=1)
    tickets = make_tickets(rng, rows, shows, region="fr", currency="EUR", attendee_share=0.5,
                           attendee_email_share=0.4, ticket_start=9100001)
    sheet = Sheet(["Référence commande", "Date de la commande", "Statut de la commande", "Nom participant",
                   "Prénom participant", "Nom payeur", "Prénom payeur", "Email payeur", "Raison sociale",
                   "Moyen de paiement", "Billet", "Numéro", "Montant tarif", "Code Promo",
                   "Montant code promo", "Date de naissance", "Email participant", "Code postal payeur"])
    for t in tickets:
        if t.status == "exchanged":
            t.status = "sold"
        who = t.person
        cells = {
            "Référence commande": t.order_id, "Date de la commande": st.fr_datetime(t.purchased_at),
            "Statut de la commande": HELLOASSO_STATUS[t.status], "Nom participant": who.last_name,
            "Prénom participant": who.first_name, "Nom payeur": t.buyer.last_name,
            "Prénom payeur": t.buyer.first_name, "Email payeur": t.buyer.email,
            "Moyen de paiement": "Carte bancaire", "Billet": rng.choice(("Adulte", "Enfant", "Adhérent")),
            "Numéro": t.ticket_id, "Montant tarif": st.fr_amount(t.unit_price),
            "Date de naissance": st.fr_date(who.birth_date) if who.birth_date else "",
            "Email participant": t.attendee.email if t.attendee else "",
            "Code postal payeur": t.buyer.postal_code,
        }
        sheet.add(cells, t)
    if bad:
        _plant(rng, sheet, [(lambda i: sheet.set(i, "Date de la commande", "31/02/2026 10:00"), "bad_purchased_at")])
    return sheet

TESSITURA_STATUS = {"sold": "Paid", "cancelled": "Cancelled", "exchanged": "Exchanged"}
TESSITURA_CHANNEL = {"web": "Web", "box_office": "Box Office", "phone": "Phone"}

def tessitura(rng: random.Random, rows: int, bad: bool) -> Sheet:
    """A Tessitura-style ticket history report: title block, customer number, sort name
    ``Tremblay, Marie``, dates month first with AM/PM, ``$1,250.00``, a refund as a second row
    of the same ticket with ``($45.00)``, and a ``Grand Total`` row."""
    shows = make_shows(rng, 5, QC_TITLES, QC_VENUES, first_id=2301)
    gala = Show("2399", "Gala de la fondation", shows[0].starts_at.replace(hour=18), "Maison symphonique",
                Decimal(1250))
    tickets = make_tickets(rng, rows - rows // 20, [*shows, gala] if rows >= 40 else shows, region="qc",
                           currency="CAD", ticket_start=600001)
    sheet = Sheet(["Customer No", "Customer Name", "Email Address", "Phone", "Postal Code", "Order No",
                   "Order Date", "Perf No", "Performance", "Perf Date", "Facility", "Price Type", "Section",
                   "Row", "Seat", "Ticket No", "Paid Amt", "Mode of Sale", "Seat Status"])
    sheet.title = [["Ticket History"], ["Run Date: 3/12/2026 3:08 PM"], ["Season: 2025-26"], []]
    customers: dict[str, str] = {}
    total = Decimal(0)
    for i, t in enumerate(tickets):
        who = t.buyer
        number = customers.setdefault(who.email, str(40000 + len(customers) * 3))
        t.extra["patron_id"] = number
        cells = {
            "Customer No": number, "Customer Name": f"{who.last_name}, {who.first_name}",
            "Email Address": who.email, "Phone": st.qc_phone(who.phone, i), "Postal Code": who.postal_code,
            "Order No": t.order_id, "Order Date": st.us_datetime(t.purchased_at), "Perf No": t.show.event_id,
            "Performance": t.show.title, "Perf Date": st.us_datetime(t.show.starts_at),
            "Facility": t.show.venue, "Price Type": rng.choice(("Adult", "Senior", "Subscriber")),
            "Section": rng.choice(("Orchestra", "Balcony")), "Row": rng.choice("ABCDEFGH"),
            "Seat": str(rng.randrange(1, 40)), "Ticket No": t.ticket_id, "Paid Amt": st.us_amount(t.unit_price),
            "Mode of Sale": TESSITURA_CHANNEL[t.channel],
            "Seat Status": TESSITURA_STATUS.get(t.status, "Paid"),
        }
        sheet.add(cells, t)
        total += t.unit_price
        if t.status == "refunded":
            # The refund is a second row of the same ticket with the amount negative.
            sheet.add(cells | {"Paid Amt": st.us_amount(-t.unit_price), "Seat Status": "Returned"}, t)
            total -= t.unit_price
    sheet.footer = [[""] * 15 + ["Grand Total", st.us_amount(total), "", ""]]
    if bad:
        _plant(rng, sheet, [(lambda i: sheet.set(i, "Order Date", "13/45/2026 1:00 PM"), "bad_purchased_at")])
    return sheet

BOX_OFFICE_STATUS = {"sold": "Vendu", "refunded": "Remboursé", "cancelled": "Annulé", "exchanged": "Échangé"}
BOX_OFFICE_CHANNEL = {"web": "Internet", "box_office": "Guichet", "phone": "Téléphone"}

def box_office(rng: random.Random, rows: int, bad: bool) -> Sheet:
    """A Québec box-office CSV (the ``billetterie-fr`` layout): Windows-1252 with curly
    apostrophes, semicolons, ``12,50 $``, dates day first, ``Oui``/``Non``."""
    shows = make_shows(rng, 5, QC_TITLES, QC_VENUES, first_id=501)
    tickets = make_tickets(rng, rows, shows, region="qc", currency="CAD", ticket_start=700001)
    sheet = Sheet(["No billet", "No commande", "Date d'achat", "Statut", "Qté", "Prix unitaire", "Devise",
                   "Canal", "No représentation", "Spectacle", "Date de représentation", "Salle",
                   "Code postal salle", "Genres", "Artistes", "Jauge", "Artiste québécois",
                   "Langue du spectacle", "No client", "Courriel", "Téléphone", "Prénom", "Nom",
                   "Date de naissance", "Code postal", "Langue", "Consentement mutualisation",
                   "Consentement infolettre", "Consentement recommandations"])
    customers: dict[str, str] = {}
    for i, t in enumerate(tickets):
        who = t.buyer
        number = customers.setdefault(who.email, f"C{40000 + len(customers) * 7}")
        if rng.random() < 0.1:
            who = type(who)(who.first_name, "D’Amours", who.email, who.phone, who.postal_code, who.birth_date)
            t.buyer = who
        cells = {
            "No billet": t.ticket_id, "No commande": t.order_id, "Date d'achat": st.fr_datetime(t.purchased_at),
            "Statut": BOX_OFFICE_STATUS[t.status], "Qté": "1", "Prix unitaire": st.fr_amount(t.unit_price, "$"),
            "Devise": "CAD", "Canal": BOX_OFFICE_CHANNEL[t.channel], "No représentation": t.show.event_id,
            "Spectacle": t.show.title, "Date de représentation": st.fr_datetime(t.show.starts_at),
            "Salle": t.show.venue, "Code postal salle": "H2X 1Y4", "Genres": "Jazz, Blues",
            "Artistes": "Oliver Jones", "Jauge": "450", "Artiste québécois": rng.choice(("Oui", "Non")),
            "Langue du spectacle": "Français", "No client": number, "Courriel": who.email,
            "Téléphone": st.qc_phone(who.phone, i), "Prénom": who.first_name, "Nom": who.last_name,
            "Date de naissance": st.fr_date(who.birth_date) if who.birth_date else "",
            "Code postal": who.postal_code, "Langue": "Français",
            "Consentement mutualisation": rng.choice(("Oui", "Non", "Non")),
            "Consentement infolettre": rng.choice(("Oui", "Non")),
            "Consentement recommandations": "Non",
        }
        t.extra["patron_id"] = number
        sheet.add(cells, t)
    if bad:
        _plant(rng, sheet, [(lambda i: sheet.set(i, "No billet", ""), "missing_ticket_id")])
    return sheet
