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
"""

from __future__ import annotations

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
                     "consommations", "food", "beverage", "boisson", "boissons", "retail"), "merchandise"),
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

# A phrase of several words is looked for inside a longer label; a word of one, as a whole word.
_OTHER_BY_LENGTH = sorted(OTHER_WORDS, key=lambda w: -len(w))
_TICKET_BY_LENGTH = sorted(TICKET_WORDS, key=lambda w: -len(w))


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


def default_line_kind_values() -> dict[str, str]:
    """The built-in words as ``line_kind_values`` (``prepare`` matches them whole, case and accents aside)."""
    return {**dict.fromkeys(TICKET_WORDS, "ticket"), **dict.fromkeys(OTHER_WORDS, "other")}
