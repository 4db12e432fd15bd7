"""``mapping draft`` of a consent export: people and their consents, no ticket, no event.

A newsletter tool's audience list (Mailchimp, Brevo…) or a CRM's opt-in list has an e-mail or a
customer number, names maybe, one or more columns of opt-in / opt-out words and maybe the date
of each change. Drafted as a ticket export it would become fake tickets; so, once the person
columns are found, an export where no column looks like a sale (price, ticket or order number,
event) but some column holds consent words is drafted as a consent mapping
(``ingest.consent_export``): the consent columns (a header naming a purpose wins, a newsletter
status is marketing) and the date of the change (``consent_at``).
"""

from __future__ import annotations

from culturecoop.i18n import _
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.consent_export import CONSENT_FALSE, CONSENT_TRUE
from culturecoop.ingest.draft_builder import DraftBuilder
from culturecoop.ingest.draft_fit import column_score
from culturecoop.ingest.labels import DEFAULT_FALSE, DEFAULT_TRUE
from culturecoop.ingest.profile import CONSENT_COLUMNS
from culturecoop.ingest.shapes import Column

SALE_FIELDS = ("unit_price", "total_price", "ticket_id", "order_id", "event_id", "event_title", "event_starts_at", "venue", "quantity")
_SPECIFIC = frozenset(vocab.fold(w) for w in (*CONSENT_TRUE, *CONSENT_FALSE))
_ANY = _SPECIFIC | frozenset(vocab.fold(w) for w in (*DEFAULT_TRUE, *DEFAULT_FALSE))
_SHARE = 0.9


def _consent_words(column: Column) -> bool:
    """Nearly every value a consent word, and some of them words only consent columns use."""
    folded = [vocab.fold(v) for v in column.values]
    return bool(folded) and sum(f in _ANY for f in folded) >= _SHARE * len(folded) and any(f in _SPECIFIC for f in folded)


def draft_consent_export(builder: DraftBuilder, threshold: float) -> bool:
    """Draft ``builder``'s export as a consent export when it is one (see the module doc)."""
    free = [c for c in builder.columns if c.index not in builder.used]
    if any(column_score(f, c) >= threshold for f in SALE_FIELDS for c in free):
        return False
    found: list[tuple[str, Column, str]] = []
    for column in free:
        named = max(CONSENT_COLUMNS, key=lambda f: vocab.header_score(f, column.name))
        if vocab.header_score(named, column.name) >= 0.9 and all(named != f for f, _c, _w in found):
            found.append((named, column, _("its header names it")))
        elif _consent_words(column) and all(f != "consent_marketing" for f, _c, _w in found):
            found.append(("consent_marketing", column, _("its values are opt-in and opt-out words (a newsletter status: marketing)")))
    if not found:
        return False
    for name, column, why in found:
        builder.choose(name, column, why)
    dates = sorted((c for c in builder.columns if c.index not in builder.used and c.date_share >= _SHARE),
                   key=lambda c: -vocab.header_score("consent_at", c.name))
    if dates:
        builder.choose("consent_at", dates[0], _("the date of each decision (else the export's time dates them)"),
                       check=vocab.header_score("consent_at", dates[0].name) < 0.9)
    builder.note("kind", None, _("no column looks like a sale but some hold consents: a consent export, whose "
                                 "package carries consent changes and no ticket"))
    if "patron_id" not in builder.columns_map and "email" not in builder.columns_map:
        builder.undecided.append(_("No column holds a customer number or an e-mail address: map patron_id or "
                                   "email, or the consents cannot be tied to anyone."))
    unknown = sorted({v for _n, c, _w in found for v in c.labels() if vocab.fold(v) not in _ANY})
    if unknown:
        builder.undecided.append(_("Consent columns hold words the draft cannot read ({labels}): add them to "
                                   "true_values or false_values.").format(labels=", ".join(unknown[:8])))
    return True
