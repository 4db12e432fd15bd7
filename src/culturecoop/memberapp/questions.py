"""The questions of the member app's form as a box-office employee is asked them: in what order, in
what words; and the quotes a text export writes its values between."""

from __future__ import annotations

from typing import Any

from culturecoop.i18n import _
from culturecoop.ingest.profile import CANONICAL_FIELDS

# The order the form asks its questions in: what a box-office employee knows at once and what changes
# the package most first — who the buyer is, what was paid and what became of it — then when it was
# bought and the event, which the draft mostly finds by itself (the consents come before them all,
# in their own section). The others keep the export's order of fields after these.
_FIRST = ("patron_id", "email", "phone", "full_name", "first_name", "last_name", "status", "unit_price",
          "total_price", "quantity", "refunded_amount", "currency", "line_kind", "channel", "purchased_at",
          "ticket_id", "order_id", "event_title", "event_starts_at", "event_id", "venue")
ASKED_FIRST = {name: at for at, name in enumerate((*_FIRST, *(f for f in CANONICAL_FIELDS if f not in _FIRST)))}

# Each question as a box-office employee would be asked it, beside the field's name.
QUESTIONS = {
    "patron_id": _("Which column has each buyer's customer number in your ticketing?"),
    "email": _("Which column has the buyer's e-mail?"),
    "phone": _("Which column has the buyer's phone?"),
    "status": _("Which column says whether a ticket was paid, refunded or cancelled?"),
    "unit_price": _("Which column has the price paid for one ticket?"),
    "total_price": _("Which column has what the whole row cost?"),
    "quantity": _("Which column says how many seats the row sold?"),
    "refunded_amount": _("Which column has the money given back?"),
    "channel": _("Where were these tickets sold (online, at the box office…)?"),
    "purchased_at": _("Which column has the day and time of the purchase?"),
    "ticket_id": _("Which column has the ticket's number?"),
    "order_id": _("Which column has the order's number (the same for the tickets bought together)?"),
    "event_title": _("Which column has the show's name?"),
    "event_starts_at": _("Which column has the day and time of the show?"),
    "event_id": _("What tells one performance from another? Usually the show's name and its date do: "
                  "choose a column only if your ticketing numbers each performance."),
    "venue": _("Which column has the hall or venue?"),
}


def unquoted(columns: dict[str, Any], quote: str) -> dict[str, Any]:
    """The mapping's ``columns`` as a file read with ``quote`` names them: a header read with the
    wrong quote kept it around each name (« 'Prix' »), which the right one takes off."""
    if not quote:
        return columns

    def bare(spec: Any) -> Any:
        if isinstance(spec, str) and len(spec) >= 2 and spec[0] == spec[-1] == quote:
            return spec[1:-1]
        if isinstance(spec, list):
            return [bare(each) for each in spec]
        if isinstance(spec, dict):
            return {k: (bare(v) if k != "value" else v) for k, v in spec.items()}
        return spec

    return {name: bare(spec) for name, spec in columns.items()}

