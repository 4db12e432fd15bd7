"""How well a column of an export fits a canonical field: its values' shapes and its header.

``shape_fit`` judges the values alone (an e-mail column is one whose values are e-mails, a
ticket number is unique on every row); ``column_score`` weighs them with the header's words
(``vocabulary``) into the score ``ingest.draft`` chooses columns by, at ``MATCH_THRESHOLD`` or
above; ``why_matched`` says in one line why a column was chosen.
"""

from __future__ import annotations

import re

from culturecoop.i18n import _
from culturecoop.i18n import share as share_text
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.ages import looks_like_age
from culturecoop.ingest.shapes import BIRTH_SERIAL_FROM, Column, excel_serial

# A column scoring this much or more for a field is that field's, unless another scores higher.
MATCH_THRESHOLD = 0.5
_ID_FIELDS = ("ticket_id", "order_id", "patron_id", "event_id")
# Words of a price header that say it is what was paid, not a list price.
_PAID_WORDS = frozenset({"paid", "paye", "payee", "real", "reel", "actual", "final"})
# Words that say an amount is one admission's ("Prix unit.", "Prix unitaire TTC", "Price each").
_UNIT_WORDS = frozenset({"unit", "unitaire", "unite", "each", "pu", "einzel"})
# Words of a header that type a row ("Transaction Type"): a status only when its values are sales and refunds.
_TYPE_WORDS = frozenset({"type", "typ", "tipo", "art", "buchungsart"})
# An order number written with a number sign ("#1086", Shopify's "Name"): an order, whatever the
# column's header says.
_HASH_NUMBER = re.compile(r"#\d{3,}")
# An address's state or province written as its code (WA, QC, NSW).
_REGION_CODE = re.compile(r"[A-Z]{2,3}")
# A word of three letters at least: a hall's name writes one, a seat (« 12 », « A12 », « B-4 ») does not.
_WORD = re.compile(r"[^\W\d_]{3,}")
# Words of a header that says "how to reach the person" without saying by what ("Contact", « Coordonnées »,
# "Kontakt"): its values decide between an e-mail, a phone and a name.
_CONTACT_WORDS = frozenset({"contact", "contacts", "coordonnees", "kontakt", "contacto", "contatto", "contato"})


def shape_fit(name: str, c: Column, strong: bool = False) -> float:
    """How well the values of ``c`` fit the canonical field ``name`` (0: they cannot be it).

    ``strong``: the header names the field outright, so fewer values need to fit (free tickets
    written "Gratuit", a few broken dates, phone numbers without separators).
    """
    if not c.values:
        # Empty in the sample: only the header speaks, and an empty column identifies nothing
        # (pretix's "External customer ID", left empty by organizers without customer accounts).
        return 0.0 if name in _ID_FIELDS else 0.4
    s = c.share
    most = 0.6 if strong else 0.9
    # Whole numbers are ids as often as amounts: only amounts with decimals say "not text".
    text = s("email") < 0.1 and s("amount") - s("integer") < 0.5 and c.date_share < 0.5
    if name == "ticket_id":
        # Every row is a ticket: a number some rows leave empty is the order's, written on its first
        # line only (Shopify's "Id"), or a payment's. A header that says "ticket number" keeps its
        # column when refunds repeat the numbers (a sale and its refund as two rows); otherwise the
        # values must be unique.
        once = max(c.unique, c.paired) if strong else c.unique
        ok = s("token") >= 0.9 and once >= 0.9 and text and c.fill >= 0.9
        return 0.5 + 0.5 * once if ok else 0.0
    if name in ("order_id", "patron_id"):
        # An order number on a few rows only (Shopify's "Receipt Number", the till's sales) numbers nothing.
        filled = name == "patron_id" or c.fill >= 0.5
        # A handful of values over many rows ("Customer country": France, Canada…) is a category of
        # the buyers, not their number: mapped, it made every buyer of a country one patron.
        few = len(c.values) >= 20 and c.distinct <= max(3, len(c.values) // 10)
        return 1.0 if s("token") >= 0.85 and s("email") < 0.1 and c.date_share < 0.5 and filled and not few else 0.0
    if name == "event_id":
        return 1.0 if s("email") < 0.1 and c.date_share < 0.5 else 0.0
    if name in ("purchased_at", "event_starts_at"):
        return c.date_share if c.date_share >= min(most, 0.8) else 0.0
    if name == "birth_date":
        return c.date_share if c.date_share >= min(most, 0.8) and s("clock") <= 0.05 else 0.0
    if name == "age":  # whole years from 10 to 99, or ranges (« 25-34 », « 65+ »)
        ages = sum(looks_like_age(v) for v in c.values) / len(c.values)
        return ages if ages >= min(most, 0.8) else 0.0
    if name == "status" and s("status") == 0 and all(_REGION_CODE.fullmatch(v.strip()) for v in c.values):
        return 0.0  # "State" of an address (WA, QC, NSW) beside City and Zip: not a ticket's state
    if name in ("status", "channel"):
        # Yes and no say no state, but under « Payé », « Réglé », "Paid": whether a booking was paid.
        if not text or (s("boolean") >= 0.9 and not (name == "status" and vocab.classify_status(c.name) == "sold")):
            return 0.0
        if c.distinct > 15 and not (name == "status" and _many_statuses(c)):
            return 0.0
        # Not one word of a ticket's state ("Oregon" in an address's "State"): a column whose
        # words say a state ("Registration Status": Approved, Cancelled) wins over it.
        return 0.2 if name == "status" and s(name) == 0 else 0.5 + 0.5 * s(name)
    if name == "quantity" and s("counted") >= 0.9:
        return 1.0  # seats counted by ticket type ("2 x Plein tarif, 1 x Tarif réduit"): their sum
    if name in ("quantity", "capacity"):
        return 1.0 if s("integer") >= 0.95 * most / 0.9 and (name == "capacity" or c.amount.median <= 50) else 0.0
    if name in ("unit_price", "total_price"):
        return s("amount") if s("amount") >= most and c.date_share < 0.5 and s("phone") < 0.5 else 0.0
    if name == "currency":
        return 1.0 if s("currency_code") >= most else 0.0
    if name == "email":
        return s("email") if s("email") >= 0.6 else 0.0
    if name == "phone":
        phone = max(s("phone"), 0.9 * s("phone_digits") if strong else 0.0)
        return phone if phone >= 0.6 else 0.0
    if name in ("postal_code", "venue_postal_code"):
        return s("postcode") if s("postcode") >= 0.6 else 0.0
    if name in ("first_name", "last_name"):
        return s("name") if s("name") >= min(most, 0.8) and s("email") < 0.1 else 0.0
    if name == "full_name":
        return s("multiword") if s("multiword") >= 0.6 else 0.0
    if name in ("is_local", "consent_pooling", "consent_marketing", "consent_personalization"):
        return 1.0 if s("boolean") >= most else 0.0
    if name in ("event_language", "patron_language"):
        return 1.0 if s("language") >= 0.6 else 0.0
    if name == "genres":
        return 1.0 if text and s("gender") < 0.5 else 0.0
    if name == "venue" and c.values and sum(bool(_WORD.search(v)) for v in c.values) < 0.5 * len(c.values):
        return 0.0  # « Place » (a seat in French) of numbers or codes (« 12 », « A12 »): a seat, no hall
    if name == "event_title" and text and c.values and s("token") >= 0.9 \
            and sum(any(ch.isdigit() for ch in v) for v in c.values) >= 0.9 * len(c.values):
        # Codes (S1, E543, 74185296): a title of the show may name them, but a column of words
        # beside it ("Titre": Soirée Coltrane) is likelier the title.
        return 0.3
    return 1.0 if text else 0.0


def column_score(name: str, c: Column) -> float:
    """How likely ``c`` is the canonical field ``name``, from its header and its values (0: not it)."""
    header = vocab.header_score(name, c.name)
    if name == "age" and header <= 0:
        return 0.0  # small numbers under any other header are seats, codes, rows
    fit = shape_fit(name, c, strong=header >= 0.9)
    if vocab.fold(c.name) == name.replace("_", " "):
        fit = max(fit, 0.5)  # a column named after the field itself is that field, however dirty
    if fit <= 0:
        return 0.0
    if header <= 0:
        # Values alone decide only where the shape is unmistakable.
        if name == "email" and fit >= 0.9:
            return 0.45 + 0.1 * fit
        if name == "phone" and fit >= 0.9 and c.date_share < 0.1 and set(vocab.tokens(c.name)) & _CONTACT_WORDS:
            return 0.45 + 0.1 * fit  # "Contact": +1 514 872 3199… (a code of grouped digits has no such header)
        if name == "order_id" and c.fill >= 0.9 and sum(bool(_HASH_NUMBER.fullmatch(v)) for v in c.values) \
                >= 0.95 * len(c.values):
            return 0.55
        if name == "status" and c.share("status") >= 0.9 and fit >= 0.9:
            # « Paiement »: Payé, Remboursé, Non payé — a ticket's state under a header that names none;
            # left out, its refunds counted as sales. A status column of its own name wins over it.
            return 0.45 + 0.1 * fit
        return 0.0
    if name == "status" and set(vocab.tokens(c.name)) & _TYPE_WORDS and c.share("status") < 0.5:
        return 0.0  # a "Transaction Type" of payment means (Credit Card, Cash) says no sale nor refund
    score = 0.65 * header + 0.35 * fit
    if name != "unit_price":
        return score
    words = set(vocab.tokens(c.name))
    if words & _UNIT_WORDS:
        score += 0.2  # a "Montant" beside "Prix unitaire" and a quantity is the row's
    elif "total" in words:
        score -= 0.02  # "Total Paid" is the row's (seats and fees): a "Ticket Price" beside it wins
    elif words & _PAID_WORDS:
        score += 0.02  # "Price paid" over "Face value", "realPrice" over a list price
    return score


def why_matched(name: str, c: Column) -> str:
    """Why ``c`` was chosen for the field ``name``, in one line of the draft's evidence."""
    header = vocab.header_score(name, c.name)
    shown = {"email": "email", "phone": "phone", "postal_code": "postcode", "unit_price": "amount",
             "total_price": "amount",
             "purchased_at": "date", "event_starts_at": "date", "birth_date": "date"}.get(name)
    if header <= 0 and name == "phone":
        return _("{share} of its values are phone numbers").format(share=share_text(c.share("phone")))
    if header <= 0 and name == "status":
        return _("{share} of its values are ticket statuses (such as {examples})").format(
            share=share_text(c.share("status")), examples=", ".join(_("“{label}”").format(label=v) for v in c.labels(3)))
    if header <= 0 and name == "order_id":
        return _("its values are numbered like orders (such as {example})").format(example=c.labels(1)[0])
    if header <= 0:
        return _("{share} of its values are e-mail addresses").format(share=share_text(c.share("email")))
    if name == "age" and c.values:
        return _("its header names it and {share} of its values are ages or ranges of ages").format(
            share=share_text(sum(looks_like_age(v) for v in c.values) / len(c.values)))
    if shown == "date" and c.serials:
        example = next(v for v in c.values if excel_serial(v, earliest=BIRTH_SERIAL_FROM) is not None)
        return _("its header names it and {share} of its values fit, written as Excel serial dates (such as "
                 "{example}: the days since 1900, read as dates)").format(share=share_text(c.date_share),
                                                                           example=example)
    if shown:
        return _("its header names it and {share} of its values fit").format(
            share=share_text(c.date_share if shown == "date" else c.share(shown)))
    if name == "ticket_id":
        return _("its header names it and its values are unique on {share} of the rows").format(share=share_text(c.unique))
    return _("its header names it") if header >= 0.9 else _("its header looks like it")


# Headers that say a column holds each row's state, whatever its words.
_STATUS_HEADERS = frozenset({"status", "statut", "etat"})


def _many_statuses(c: Column) -> bool:
    """A column of more than 15 words is still the ticket's status when most of its rows write a status
    word the draft knows, or its header says so (« Statut », « État ») and its words are labels (each
    written on two rows or more on average), not free text: left out, a venue lost its refunds and
    cancellations; read, its unknown words are asked in the member app's form."""
    labels = c.distinct <= len(c.values) / 2
    return labels and (c.share("status") >= 0.5 or bool(set(vocab.tokens(c.name)) & _STATUS_HEADERS))
