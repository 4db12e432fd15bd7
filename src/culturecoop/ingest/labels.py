"""Words that vendors' exports use for statuses, channels, languages and yes/no, built in.

Every profile understands these besides its own labels; lookups ignore case and accents
(``cc_key``), so ``Remboursé``, ``REMBOURSE`` and ``remboursé`` are one word. A word that means
different things at different vendors is left out: the profile names it.
"""

from __future__ import annotations

from culturecoop.ingest.countries import CODES

# Countries whose postal codes and national phone numbers ``prepare`` reads (``country:``): CA, US,
# FR, BE, CH, LU, GB, DE, AT, IE, then those ``countries.RULES`` adds (NL, NO, DK, SE, IT, ES, BR…).
COUNTRIES: tuple[str, ...] = CODES

# A checkout never paid: waiting for a payment that did not come (« En attente », "Pending", « Non payé »),
# left in the basket ("Abandoned"), or lapsed. No seat was sold and nobody came on it: it is read as
# cancelled, out of every sale and attendance (a « Payé » column's « non » is another
# matter: a booking the member's own list counts, ``draft_labels._paid_or_not``).
UNPAID_WORDS: frozenset[str] = frozenset({
    "pending", "pending payment", "payment pending", "awaiting payment", "unpaid", "not paid", "abandoned",
    "abandoned checkout", "abandoned cart", "incomplete", "incomplete order", "on hold", "checkout started",
    "en attente", "en attente de paiement", "en attente de reglement", "attente de paiement", "attente paiement",
    "paiement en attente", "reglement en attente", "en cours de paiement", "non paye", "non payee", "pas paye",
    "pas payee", "impaye", "impayee", "non regle", "non reglee", "abandonne", "abandonnee", "panier abandonne",
    "commande abandonnee", "commande incomplete", "incomplet",
    "ausstehend", "offen", "unbezahlt", "nicht bezahlt", "zahlung ausstehend", "pendiente", "pendiente de pago",
    "in attesa", "in attesa di pagamento", "non pagato", "pendente", "aguardando pagamento", "in afwachting",
    "openstaand", "niet betaald"})

DEFAULT_STATUS_VALUES: dict[str, str] = {
    # A ticket that is, or was, valid for entry.
    **dict.fromkeys((
        "sold", "vendu", "vendue", "paid", "paye", "payee", "valid", "valide", "validee", "completed",
        "complete", "confirmed", "confirme", "confirmee", "attending", "checked in", "checked-in",
        "scanned", "scanne", "used", "utilise", "active", "actif", "issued", "emis", "approved",
        "purchased", "achete", "booked", "placed", "reserve et paye", "fulfilled", "success", "succeeded", "reussi",
        "reussie", "successful", "erfolgreich", "details required", "detailsrequired",
        "seated, paid", "seated paid", "paid in full", "ok", "en regle", "accepte", "accepted", "regle",
        "reglee", "encaisse", "encaissee",
        # Invitations and comps: a ticket given, at 0.
        "free", "free order", "claimed", "printed", "imprime", "authorized", "autorise",
        "invitation", "invite", "invitee", "complimentary", "comp", "offert", "offerte", "gratuit", "gratuite",
        "exonere", "exoneree",
        # Part of the order given back: its seats were used, as the draft reads it (``vocabulary.is_partial``).
        "partially refunded", "partially_refunded", "partiellement rembourse", "partiellement remboursee",
    ), "sold"),
    **dict.fromkeys((
        "refunded", "rembourse", "remboursee", "refund", "remboursement", "returned", "retourne", "retournee",
        "reimbursed",
    ), "refunded"),
    **dict.fromkeys((
        "cancelled", "canceled", "annule", "annulee", "void", "voided", "deleted", "supprime",
        "not attending", "invalid", "invalide", "declined", "refuse", "failed", "echoue",
        "expired", "expire", "abandoned", "abandonne", "annulation",
    ), "cancelled"),
    **dict.fromkeys(UNPAID_WORDS, "cancelled"),
    **dict.fromkeys((
        "exchanged", "echange", "echangee", "transferred", "transfere", "transferee", "resold",
        "revendu", "revendue", "swapped", "reissued", "reemis", "upgraded",
    ), "exchanged"),
}

DEFAULT_CHANNEL_VALUES: dict[str, str] = {
    **dict.fromkeys((
        "web", "online", "internet", "en ligne", "website", "site web", "site internet", "ecommerce",
        "e-commerce", "web sales", "vente en ligne", "widget", "facebook", "instagram",
    ), "web"),
    **dict.fromkeys((
        "box office", "box_office", "boxoffice", "guichet", "billetterie", "sur place", "on site",
        "onsite", "door", "at the door", "porte", "a la porte", "pos", "point de vente", "counter",
        "comptoir", "walk-up", "walk up",
    ), "box_office"),
    **dict.fromkeys(("phone", "telephone", "tel", "by phone", "par telephone", "call center", "call centre",
                      "callcenter"), "phone"),
    **dict.fromkeys(("mobile", "app", "application", "mobile app", "application mobile", "ios", "android"), "mobile"),
    **dict.fromkeys((
        "reseller", "revendeur", "partner", "partenaire", "distributor", "distributeur", "affiliate",
        "affilie", "agent", "agency", "agence", "resale", "revente",
    ), "reseller"),
}

DEFAULT_LANGUAGE_VALUES: dict[str, str] = {
    "fr": "fr", "francais": "fr", "french": "fr", "fra": "fr", "fre": "fr", "fr-ca": "fr",
    "fr_ca": "fr", "fr-fr": "fr", "fr_fr": "fr", "en": "en", "english": "en", "anglais": "en",
    "eng": "en", "en-ca": "en", "en_ca": "en", "en-us": "en", "en_us": "en", "en-gb": "en",
    "bilingual": "bilingual", "bilingue": "bilingual", "fr/en": "bilingual", "en/fr": "bilingual",
    "none": "none", "aucune": "none", "instrumental": "none", "sans paroles": "none",
    "sans texte": "none",
}
DEFAULT_TRUE = ("true", "1", "yes", "oui", "y", "o", "vrai", "x")
DEFAULT_FALSE = ("false", "0", "no", "non", "n", "faux")
