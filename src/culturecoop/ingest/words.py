"""What ``prepare`` reports, in words a reader knows: why rows were set aside, the package's
tables, the consent purposes (message ids of the catalogs; the CLI and the dashboard translate
them for their reader). Kept out of ``analytics`` so that ``prepare`` starts without it."""

from __future__ import annotations

from culturecoop.i18n import gettext_in


def _(message: str) -> str:
    """Mark ``message`` for translation (``say`` translates it for a reader)."""
    return message


# Why ``prepare`` set rows aside (codes of ``ingest.validate.RULES``), and the package's tables.
REJECT_REASONS = {
    "malformed_line": _("unreadable line (quoting, number of columns)"),
    "missing_ticket_id": _("no ticket identifier"),
    "missing_patron_id": _("no customer number, e-mail or phone to count the buyer by"),
    "anonymous_sale": _("sale naming nobody (door or cash sale): left out, audience figures count people"),
    "missing_event_id": _("no event identifier"),
    "bad_purchased_at": _("purchase time missing or unreadable"),
    "implausible_purchased_at": _("purchase time before 1900"),
    "purchase_in_future": _("purchase time after the day the export was prepared"),
    "bad_event_starts_at": _("event start time unreadable"),
    "bad_price": _("price missing or not an amount"),
    "negative_price": _("negative price"),
    "bad_quantity": _("quantity not a whole number from 1 to 10,000"),
    "bad_status": _("unknown ticket status"),
    "bad_currency": _("currency not a three-letter code"),
    "bad_birth_date": _("birth date unreadable"),
    "impossible_birth_date": _("birth date in the future or before 1900"),
    "duplicate_ticket": _("ticket identifier already used on another line"),
}
# A ticket's status as ``prepare`` reads it (``schema.model.TICKET_STATUSES``).
TICKET_STATUSES = {"sold": _("sold ticket"), "refunded": _("refunded ticket"), "cancelled": _("cancelled ticket"),
                   "exchanged": _("exchanged ticket")}
PACKAGE_TABLES = {"event": _("Events"), "patron": _("Patrons"), "ticket": _("Tickets"), "consent": _("Consents")}
CONSENT_PURPOSES = {"pooling": _("Pooling in the cooperative"), "marketing": _("Cooperative newsletters"),
                    "personalization": _("Recommendations")}


def say(words: dict[str, str], code: str, language: str) -> str:
    """``code`` in words in ``language`` (one of the tables above); an unknown code as it is."""
    found = words.get(code)
    return gettext_in(found, language) if found is not None else code
