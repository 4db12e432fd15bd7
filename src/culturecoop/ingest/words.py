"""What ``prepare`` reports, in words a reader knows: why rows were set aside, the package's
tables, the consent purposes (message ids of the catalogs; the CLI and the dashboard translate
them for their reader). Kept out of ``analytics`` so that ``prepare`` starts without it."""

from __future__ import annotations

from culturecoop.i18n import gettext_in


def _(message: str) -> str:
    """Mark ``message`` for translation (``say`` translates it for a reader)."""
    return message


# Each column's key, as ``ingest.rejects.read_rejects`` gives it, and its name in the file (a message id): in English
# the keys themselves, the header scripts have read since the first release.
REJECTS_COLUMNS = {
    "line": _("line"),
    "reasons": _("reasons"),
    "explanation": _("explanation"),
    "raw_line": _("raw_line"),
}


# Why ``prepare`` set rows aside (codes of ``ingest.validate.RULES``), and the package's tables.
REJECT_REASONS = {
    "malformed_line": _("unreadable line (quoting, number of columns, or longer than 1 MB)"),
    "missing_ticket_id": _("no ticket identifier"),
    "missing_patron_id": _("no customer number, e-mail or phone to count the buyer by"),
    "anonymous_sale": _("sale naming nobody (door or cash sale): counted as an admission only when nothing else is wrong with the line and it is no refund"),
    "missing_event_id": _("no event identifier"),
    "bad_purchased_at": _("purchase time missing or unreadable"),
    "implausible_purchased_at": _("purchase time before 1950"),
    "purchase_in_future": _("purchase time after the day the export was prepared"),
    "bad_event_starts_at": _("event start time unreadable"),
    "bad_price": _("price missing or not an amount"),
    "negative_price": _("negative price"),
    "bad_quantity": _("quantity not a whole number from 1 to 10,000"),
    "bad_status": _("unknown ticket status"),
    "bad_line_kind": _("not said whether the row is a ticket (line_kind_values)"),
    "bad_currency": _("currency not a three-letter code"),
    "bad_birth_date": _("birth date unreadable"),
    "impossible_birth_date": _("birth date in the future or before 1900"),
    "duplicate_ticket": _("ticket identifier already used on another line"),
    "refund_exceeds_sale": _("refund of more seats or more money than is left of the sale it refunds"),
    "bad_refunded_amount": _("refunded amount not an amount"),
    "refund_exceeds_paid": _("refunded amount larger than what the row (or its order) paid"),
    # A consent export's own rules (``ingest.consent_export.CONSENT_RULES``).
    "no_consent_value": _("no consent column of the row says yes or no"),
    "bad_consent_at": _("date of the consent change unreadable"),
    "consent_in_future": _("date of the consent change after the day the export was prepared"),
}
# A ticket's status as ``prepare`` reads it (``schema.model.TICKET_STATUSES``).
TICKET_STATUSES = {"sold": _("sold ticket"), "refunded": _("refunded ticket"), "cancelled": _("cancelled ticket"),
                   "exchanged": _("exchanged ticket")}
# A sale's channel as ``prepare`` reads it (``schema.model.CHANNELS``).
CHANNELS = {"web": _("online"), "box_office": _("box office"), "phone": _("phone"), "reseller": _("reseller"),
            "mobile": _("mobile app"), "other": _("other channel")}
PACKAGE_TABLES = {"event": _("Events"), "patron": _("Patrons"), "ticket": _("Tickets"), "consent": _("Consents"),
                  "unnamed_sale": _("Sales naming nobody, summed by event and day")}
CONSENT_PURPOSES = {"pooling": _("Pooling in the cooperative"), "marketing": _("Cooperative newsletters"),
                    "personalization": _("Recommendations")}
# What each canonical field is, for a member: the member app's form labels, and the words every
# sentence about a field uses (``field_named``), so that the form and the advice name it alike.
FIELD_LABELS = {
    "ticket_id": _("Ticket number"), "order_id": _("Order number"), "purchased_at": _("Purchase date and time"),
    "status": _("Ticket status"), "line_kind": _("Ticket or other sale (donation, membership, shop)"),
    "quantity": _("Quantity"), "unit_price": _("Price of one ticket"),
    "total_price": _("Price of the whole row (divided by its quantity)"),
    "refunded_amount": _("Amount refunded (of the row or of its order)"),
    "currency": _("Currency"), "channel": _("Sales channel"), "event_id": _("Event identifier"),
    "event_title": _("Event title"), "event_starts_at": _("Event date and time"), "venue": _("Venue"),
    "venue_postal_code": _("Venue postal code"), "genres": _("Genres"), "artists": _("Artists"),
    "capacity": _("Capacity"), "is_local": _("Local artist"), "event_language": _("Language of the show"),
    "patron_id": _("Customer number"), "email": _("E-mail"), "phone": _("Phone"),
    "first_name": _("Given name"), "last_name": _("Surname"), "full_name": _("Full name (one column)"),
    "birth_date": _("Birth date"), "age": _("Age (in years, or a range of ages)"), "postal_code": _("Postal code"), "patron_language": _("Patron's language"),
    "consent_pooling": _("Consent: pooling"), "consent_marketing": _("Consent: newsletters"),
    "consent_personalization": _("Consent: recommendations"),
    "consent_at": _("Consent: date of the change"),
}
# The mapping's settings as the member app's form names them (the YAML keys are no words for venue staff).
SETTING_NAMES = {
    "encoding": _("Text encoding"), "decimal": _("Decimal mark"), "country": _("Country"),
    "delimiter": _("Column separator"), "skip_lines": _("Lines above the column names"), "sheet": _("Sheet (Excel)"),
    "sheets": _("Every sheet (Excel)"),
    "currency": _("Default currency"), "timezone": _("Time zone"), "amount_scale": _("Amounts multiplied by"),
    "datetime_formats": _("Date and time formats"), "date_formats": _("Date formats (birth dates)"),
}
# The member app's box that does what ``prepare --max-reject-share 1`` does.
QUARANTINE_ANYWAY = _("Prepare even if one reason rejects many rows (they are set aside)")


def say(words: dict[str, str], code: str, language: str) -> str:
    """``code`` in words in ``language`` (one of the tables above); an unknown code as it is."""
    found = words.get(code)
    return gettext_in(found, language) if found is not None else code


def value_named(words: dict[str, str], code: str, language: str) -> str:
    """A canonical value (a status, a channel) as a sentence names it: its words, then the value the
    mapping's YAML writes (« « autre canal » (other) »), so that a French sentence carries no bare
    English word and its reader still finds the value in the YAML."""
    return gettext_in(_("“{label}” ({key})"), language).format(label=say(words, code, language), key=code)


def field_named(field: str, language: str) -> str:
    """A canonical field as a sentence names it: the form's label, then the mapping's key for the
    reader of the YAML (« « Date et heure d’achat » (purchased_at) »)."""
    label = FIELD_LABELS.get(field)
    if label is None:
        return field
    return gettext_in(_("“{label}” ({key})"), language).format(label=gettext_in(label, language), key=field)


def setting_named(key: str, language: str) -> str:
    """A setting of the mapping as a sentence names it: the form's name, then its YAML key."""
    name = SETTING_NAMES.get(key)
    if name is None:
        return f"`{key}`"
    return gettext_in(_("“{label}” ({key})"), language).format(label=gettext_in(name, language), key=key)
