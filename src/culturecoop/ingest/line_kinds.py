"""Rows that are no tickets: the words exports use to tell a ticket from a donation, a membership,
merchandise, parking, a gift card or a fee sold beside it.

Zeffy exports donations beside tickets (« Type » : « Billet », « Don », « Adhésion »); shops and
tills (Square, WooCommerce, Shopify) their merchandise, parking and gift cards ("Item Type":
"Ticket", "Merchandise", "Gift Card"). A mapping names that column ``line_kind`` and says what each
of its values is under ``line_kind_values`` (``ticket`` or ``other``); ``prepare`` leaves the other
rows out of the package and counts them. The words below are built in (``ingest.validate`` reads
them for a mapping that does not list them) and are how ``mapping draft`` recognizes the column.
A word that is a ticket somewhere and not elsewhere (« abonnement »: a season's tickets, or a
newsletter) is left out: the member says what it is.

Eventbrite, Billetweb, HelloAsso, Weezevent or Ticket Tailor sell a donation or a membership as one
more *ticket type* ("Ticket Type": "Student", "Donation"; « Tarif » : « Réduit », « Don libre »):
``sold_as_ticket_type`` reads such a type, strictly, since the column's other values are tickets.
"""

from __future__ import annotations

import re

from culturecoop.ingest.vocabulary import fold

LINE_KINDS: tuple[str, ...] = ("ticket", "other")

# Folded word -> what the row sold, for the words that say a row is no ticket.
OTHER_WORDS: dict[str, str] = {
    **dict.fromkeys(("don", "dons", "donation", "donations", "contribution", "contributions", "donativo",
                     "spende", "gift aid", "don ponctuel", "don mensuel", "pourboire", "tip", "tips"), "donation"),
    **dict.fromkeys(("adhesion", "adhesions", "membership", "memberships", "cotisation", "cotisations", "mitgliedschaft"),
                    "membership"),
    **dict.fromkeys(("boutique", "merch", "merchandise", "marchandise", "marchandises", "produit derive",
                     "produits derives", "shop", "goodies", "t shirt", "tshirt", "affiche", "poster", "livre",
                     "book", "cd", "vinyle", "vinyl", "programme", "programme de salle", "bar", "consommation",
                     "consommations", "food", "beverage", "boisson", "boissons", "retail",
                     # A festival's till: its bar, its cups' deposit, its cashless top-ups.
                     "biere", "bieres", "beer", "beers", "consigne", "consignes", "gobelet", "gobelets", "ecocup",
                     "ecocups", "cashless", "recharge cashless", "jeton", "jetons", "jeton boisson"), "merchandise"),
    **dict.fromkeys(("parking", "stationnement", "vestiaire", "coat check"), "parking"),
    **dict.fromkeys(("carte cadeau", "cartes cadeaux", "carte cadeaux", "cheque cadeau", "gift card", "gift cards",
                     "giftcard", "gift certificate", "gift voucher", "bon cadeau", "voucher"), "gift card"),
    **dict.fromkeys(("frais", "fee", "fees", "frais de service", "service fee", "frais de gestion", "frais d envoi",
                     "shipping", "livraison", "frais de port", "assurance annulation", "insurance"), "fee"),
}
# Folded word -> a ticket.
TICKET_WORDS: frozenset[str] = frozenset({
    "billet", "billets", "ticket", "tickets", "e ticket", "eticket", "entree", "entrees", "admission", "admissions",
    "place", "places", "pass", "passe", "passes", "forfait", "forfaits", "billetterie", "ticketing", "evenement",
    "event", "events", "inscription", "registration", "spectacle", "show", "concert", "seance", "seat", "seats",
    "siege", "reservation", "booking", "eintritt", "karte", "entrada", "biglietto", "ingresso",
})

# The key of ``line_kind_values`` that says what every value it does not list is (``"*": ticket``, a
# ticket type no draft saw: a new tariff is a ticket); built-in words still come before it.
ANY_OTHER_VALUE = "*"

# Words that may begin a ticket type that is no ticket (« Don libre », « Adhésion 2026 », "Merch -
# T-shirt"); the others only as the whole type: « Livre » is a book, « Le Livre de la jungle » a show,
# "Programme" a booklet, « Programme famille » a tariff.
_TYPE_PREFIXES = frozenset(OTHER_WORDS) - {
    "livre", "book", "cd", "vinyle", "vinyl", "programme", "programme de salle", "affiche", "poster", "bar",
    "consommation", "consommations", "food", "beverage", "boisson", "boissons", "retail", "shop"}
# Never a ticket type that is no ticket: « Contribution libre » (pay what you can) and a voucher are
# ways to pay for a seat.
_TICKET_TYPE_PAYMENTS = frozenset({"contribution", "contributions", "voucher"})

# A phrase of several words is looked for inside a longer label; a word of one, as a whole word.
_OTHER_BY_LENGTH = sorted(OTHER_WORDS, key=lambda w: -len(w))
_TICKET_BY_LENGTH = sorted(TICKET_WORDS, key=lambda w: -len(w))
_TYPE_PREFIXES_BY_LENGTH = sorted(_TYPE_PREFIXES, key=lambda w: -len(w))


def _found(key: str, words: list[str]) -> str | None:
    padded = f" {key} "
    return next((w for w in words if f" {w} " in padded), None)


def classify_line_kind(label: str) -> tuple[str, str] | None:
    """(``ticket`` or ``other``, the word that says so: for other rows, what they sold — donation,
    membership, merchandise, parking, gift card, fee) for a vendor's label, or None when the label
    says neither, or both (« Billet + don »: the member decides)."""
    key = fold(label)
    if not key:
        return None
    other = _found(key, _OTHER_BY_LENGTH)
    ticket = _found(key, _TICKET_BY_LENGTH)
    if other is not None and ticket is not None:
        # "Ticket fee", « Frais de billet »: a fee on tickets is no ticket; "Billet + don" is both.
        return ("other", OTHER_WORDS[other]) if OTHER_WORDS[other] == "fee" else None
    if other is not None:
        return "other", OTHER_WORDS[other]
    if ticket is not None:
        return "ticket", ticket
    return None


def sold_as_ticket_type(label: str) -> str | None:
    """What a ticket type that is no ticket sold (donation, membership, merchandise, parking, gift
    card, fee), or None: its folded words are such a word (« Don », "Parking") or begin with one
    (« Don libre », « Adhésion 2026 », "Merch - T-shirt"), and name no ticket (« Billet + parking » is
    a ticket). A short word followed by a capital begins a title (« Don Giovanni », "Bar Mitzvah")."""
    key = fold(label)
    if not key or _found(key, _TICKET_BY_LENGTH) is not None:
        return None
    if key in OTHER_WORDS and key not in _TICKET_TYPE_PAYMENTS:
        return OTHER_WORDS[key]
    written = re.findall(r"[^\W_]+", label)
    for word in _TYPE_PREFIXES_BY_LENGTH:
        if not key.startswith(word + " ") or word in _TICKET_TYPE_PAYMENTS:
            continue
        after = written[len(word.split()):]
        if len(word) <= 3 and after and after[0][:1].isupper():
            return None
        return OTHER_WORDS[word]
    return None


def default_line_kind_values() -> dict[str, str]:
    """The built-in words as ``line_kind_values`` (``prepare`` matches them whole, case and accents aside)."""
    return {**dict.fromkeys(TICKET_WORDS, "ticket"), **dict.fromkeys(OTHER_WORDS, "other")}
