"""The truth behind every vendor export: people, shows and the tickets they bought.

Everything is drawn from one ``random.Random(seed)``: the same seed gives the same export.
Times are local wall-clock times of the vendor's zone (what must land in the warehouse);
prices are ``Decimal`` in currency units (never cents). E-mail domains use the reserved
``.example`` top-level domain, so no generated address can reach a real mailbox.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from culturecoop.synth import names

FR_GIVEN = ("Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Zoé", "Anaïs", "Clémence",
            "Hugo", "Lucas", "Théo", "Nathan", "Mathéo", "Raphaël", "Gaël", "Noé", "Jérôme", "Loïc")
FR_SURNAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
               "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
               "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
               "Dupont", "Lambert", "Bonnet", "François", "Martínez", "Legrand", "Garnier", "Faure",
               "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin")
FR_POSTCODES = ("75011", "75018", "75020", "69001", "69007", "13001", "31000", "33000", "44000",
                "59000", "67000", "34000", "35000", "06000", "38000", "21000", "93100", "92100")
DOMAINS = ("gmail.example", "hotmail.example", "orange.example", "free.example", "outlook.example",
           "videotron.example", "yahoo.example", "icloud.example", "laposte.example")

# The day every export was taken: nothing was bought after it (shows may come later).
EXPORTED_ON = dt.datetime(2026, 3, 12, 15, 8)

STATUS_WEIGHTS = (("sold", 0.88), ("refunded", 0.07), ("cancelled", 0.03), ("exchanged", 0.02))
CHANNEL_WEIGHTS = (("web", 0.7), ("box_office", 0.2), ("phone", 0.1))


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str  # national digits only (10 digits), written per vendor
    postal_code: str  # as written: "H2X 1Y4" or "75011"
    birth_date: dt.date | None


@dataclass(frozen=True)
class Show:
    event_id: str
    title: str
    starts_at: dt.datetime  # local wall clock
    venue: str
    price: Decimal


@dataclass
class Ticket:
    """One ticket (or one order line of ``quantity`` admissions) as it must land in the warehouse."""

    ticket_id: str | None
    order_id: str
    position: int  # 1-based line within the order
    purchased_at: dt.datetime  # local wall clock
    status: str  # canonical: sold | refunded | cancelled | exchanged
    quantity: int
    unit_price: Decimal
    currency: str
    channel: str
    show: Show
    buyer: Person
    attendee: Person | None  # None: the ticket carries only the buyer
    line: int = 0  # source line (CSV) or sheet row (XLSX) of the row that carries it
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def email(self) -> str:
        """The e-mail a right mapping reads: the attendee's when written, else the buyer's."""
        if self.attendee is not None and self.attendee.email:
            return self.attendee.email
        return self.buyer.email

    @property
    def event_id(self) -> str:
        """The event id a right mapping reads (a column, a join of columns or the file name)."""
        return self.extra.get("event_id", self.show.event_id)

    @property
    def patron_id(self) -> str:
        """The member's patron id before pseudonymization: a customer number, else the e-mail."""
        return self.extra.get("patron_id", self.email)

    @property
    def person(self) -> Person:
        return self.attendee if self.attendee is not None else self.buyer


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isalnum() and c.isascii()).lower()


def make_person(rng: random.Random, region: str, serial: int) -> Person:
    if region == "fr":
        first, last = rng.choice(FR_GIVEN), rng.choice(FR_SURNAMES)
        phone = "0" + rng.choice("67") + "".join(rng.choice("0123456789") for _ in range(8))
        postal = rng.choice(FR_POSTCODES)
    else:
        pool_first = names.GIVEN_FR_F + names.GIVEN_FR_M + names.GIVEN_EN_F + names.GIVEN_EN_M
        first = rng.choice(pool_first)
        last = rng.choice(names.SURNAMES_FR + names.SURNAMES_EN + names.SURNAMES_OTHER)
        phone = rng.choice(names.AREA_CODES_MONTREAL + names.AREA_CODES_QUEBEC) + "555" + f"{rng.randrange(10000):04d}"
        fsa = rng.choice(names.FSA_MONTREAL + names.FSA_QUEBEC)
        letters = names.POSTAL_LETTERS
        postal = f"{fsa} {rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
    email = f"{_ascii(first)}.{_ascii(last)}{serial}@{rng.choice(DOMAINS)}"
    birth = None
    if rng.random() < 0.7:
        birth = dt.date(rng.randrange(1945, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
    return Person(first, last, email, phone, postal, birth)


def make_shows(rng: random.Random, count: int, titles: tuple[str, ...], venues: tuple[str, ...],
               first_id: int, prices: tuple[int, ...] = (18, 25, 32, 45, 60)) -> list[Show]:
    shows = []
    for i in range(count):
        day = dt.date(2025, 10, 1) + dt.timedelta(days=rng.randrange(0, 300))
        hour, minute = rng.choice(((19, 30), (20, 0), (21, 30), (15, 0), (14, 0)))
        shows.append(Show(
            event_id=str(first_id + i * 7919),
            title=titles[i % len(titles)],
            starts_at=dt.datetime(day.year, day.month, day.day, hour, minute),
            venue=rng.choice(venues),
            price=Decimal(rng.choice(prices)) + rng.choice((Decimal("0"), Decimal("0.50"), Decimal("0.75"))),
        ))
    return shows


def weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def make_tickets(rng: random.Random, rows: int, shows: list[Show], *, region: str, currency: str,
                 attendee_share: float = 0.0, attendee_email_share: float = 1.0,
                 max_per_order: int = 4, order_start: int = 1000, ticket_start: int | None = 100000,
                 quantities: bool = False) -> list[Ticket]:
    """``rows`` tickets in orders of 1 to ``max_per_order``.

    ``attendee_share`` of tickets name an attendee other than the buyer, and
    ``attendee_email_share`` of those attendees have an e-mail written. With ``quantities``
    each ticket is an order line of 1 to 4 admissions of one price tier (no ticket number).
    """
    tickets: list[Ticket] = []
    people = 0
    order = order_start
    while len(tickets) < rows:
        order += rng.randrange(1, 9)
        people += 1
        buyer = make_person(rng, region, people)
        show = rng.choice(shows)
        lead = dt.timedelta(days=rng.randrange(1, 90), minutes=rng.randrange(0, 24 * 60))
        bought = (min(show.starts_at, EXPORTED_ON) - lead).replace(second=rng.randrange(60))
        if bought.hour == 2:
            bought += dt.timedelta(hours=1)  # 2 a.m. does not exist on the night clocks go forward
        status = weighted(rng, STATUS_WEIGHTS)
        channel = weighted(rng, CHANNEL_WEIGHTS)
        for position in range(1, rng.randrange(1, max_per_order + 1) + 1):
            if len(tickets) >= rows:
                break
            attendee = None
            if rng.random() < attendee_share:
                people += 1
                other = make_person(rng, region, people)
                if rng.random() >= attendee_email_share:
                    other = Person(other.first_name, other.last_name, "", other.phone,
                                   other.postal_code, other.birth_date)
                attendee = other
            price = show.price if position == 1 or not quantities else show.price - Decimal(5)
            tickets.append(Ticket(
                ticket_id=None if ticket_start is None else str(ticket_start + len(tickets) * 13),
                order_id=str(order), position=position, purchased_at=bought, status=status,
                quantity=rng.randrange(1, 5) if quantities else 1, unit_price=price,
                currency=currency, channel=channel, show=show, buyer=buyer, attendee=attendee,
            ))
    return tickets
