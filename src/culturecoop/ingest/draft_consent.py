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
    # A newsletter tool's own columns are no sale, whatever they look like (« UNSUB_CAMPAIGN_TITLE »).
    if any(column_score(f, c) >= threshold for f in SALE_FIELDS for c in free if vocab.fold(c.name) not in _LIST_HEADERS):
        return False
    found: list[tuple[str, Column, str]] = []
    for column in free:
        named = max(CONSENT_COLUMNS, key=lambda f: vocab.header_score(f, column.name))
        if vocab.header_score(named, column.name) >= 0.9 and all(named != f for f, _c, _w in found):
            found.append((named, column, _("its header names it")))
        elif _consent_words(column) and all(f != "consent_marketing" for f, _c, _w in found):
            found.append(("consent_marketing", column, _("its values are opt-in and opt-out words (a newsletter status: marketing)")))
    listed = _newsletter_list(builder) if not found else None
    if not found and listed is None:
        return False
    for name, column, why in found:
        builder.choose(name, column, why)
    dates = sorted((c for c in builder.columns if c.index not in builder.used and c.date_share >= _SHARE),
                   key=lambda c: -vocab.header_score("consent_at", c.name))
    if listed is not None:
        word, why, changed_at = listed
        builder.columns_map["consent_marketing"] = {"value": word}
        builder.note("columns.consent_marketing", {"value": word}, why, check=True)
        dates = [c for c in dates if vocab.fold(c.name) == changed_at] + [c for c in dates if vocab.fold(c.name) != changed_at]
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


# The columns of a newsletter tool's audience export that writes no status word: the list itself is
# the decision (Mailchimp's subscribed_members_export, unsubscribed_members_export with UNSUB_TIME,
# cleaned_members_export), said by the file's name.
_LIST_HEADERS = frozenset({"optin time", "confirm time", "member rating", "leid", "euid", "unsub time", "optin ip",
                           "confirm ip", "unsub campaign title", "cleaned campaign title"})
_LEFT = ("unsubscribed", "unsubscribe", "desabonne", "desinscrit", "optout", "opt out", "cleaned", "bounced")
_JOINED = ("subscribed", "subscriber", "abonne", "inscrit", "optin", "opt in", "members")


def _newsletter_list(builder: DraftBuilder) -> tuple[str, str, str] | None:
    """A newsletter audience list with an e-mail and its tool's columns but no status: the consent
    its name says (``unsubscribed`` / ``subscribed``), why, and the header dating the decision."""
    headers = {vocab.fold(c.name) for c in builder.columns}
    if "email" not in builder.columns_map or len(headers & _LIST_HEADERS) < 2:
        return None
    name = vocab.fold(builder.sample.path.stem.replace("_", " "))
    unsubscribed = next((c for c in builder.columns if vocab.fold(c.name) == "unsub time" and c.values), None)
    if unsubscribed is not None or any(word in name for word in _LEFT):
        return ("unsubscribed", _("a newsletter list of people who left it (its name, or the date each left): "
                                  "each row withdraws consent to e-mail campaigns"), "unsub time")
    if any(word in name for word in _JOINED):
        return ("subscribed", _("a newsletter list of its subscribers (its name): each row is a consent to e-mail "
                                "campaigns, dated by its confirmation"), "confirm time")
    return None
