"""The draft of an export naming an order's attendees side by side (``attendees``).

The export is first drafted as it is, which finds the order's number of seats and its amount; its sample is
then read one line per attendee, as ``prepare`` will read the file, and drafted again: the mapping carries the
``attendees`` setting, reads each attendee's name and contact (never the buyer's in its place: a seat no one
is named for is the buyer's already), and no customer or ticket number of the order's, which would make its
attendees one patron or one ticket.
"""

from __future__ import annotations

from dataclasses import replace

from culturecoop.i18n import _
from culturecoop.ingest.attendees import Setting, detect, person_kind, plan, spread_rows, unnumbered
from culturecoop.ingest.draft_builder import DraftBuilder
from culturecoop.ingest.sniff import Sample

_PEOPLE = ("email", "phone", "first_name", "last_name", "full_name")
_AMOUNTS = ("total_price",)  # an order's refunded amount is shared by ``refunded_amount_per: order``
_CONSENTS = ("consent_pooling", "consent_marketing", "consent_personalization")


def _column_of(builder: DraftBuilder, field: str) -> str | None:
    spec = builder.columns_map.get(field)
    return spec if isinstance(spec, str) else None


def spread_sample(sample: Sample, first: DraftBuilder) -> tuple[Sample, Setting] | None:
    """``sample`` read one line per attendee, with the setting that reads it so (the order's seats and amounts
    as the first draft ``first`` found them), when its header numbers attendees' columns; else None."""
    if sample.format not in ("csv", "xlsx"):
        return None
    stems = detect(sample.header)
    if not stems:
        return None
    numbered = {stem.replace("{n}", str(n)) for stem in stems for n in range(1, 100)}

    def order_column(field: str) -> str | None:
        name = _column_of(first, field)
        return name if name is not None and name not in numbered else None

    seats = order_column("quantity")
    shared = tuple(name for f in _AMOUNTS if (name := order_column(f)) is not None)
    buyer_only = tuple(name for f in _CONSENTS if (name := order_column(f)) is not None)
    setting = Setting(tuple(stems), seats, shared, buyer_only)
    p = plan(sample.header, setting.numbered, setting.seats, setting.shared, setting.buyer_only)
    if p is None:
        return None
    decimal = str(first.settings.get("decimal") or ".")
    rows = [line for _k, line, _n in spread_rows(p, sample.rows, decimal)]
    return replace(sample, header=p.header, rows=rows, evidence=list(sample.evidence),
                   settings=dict(sample.settings)), setting


def note_attendees(builder: DraftBuilder, setting: Setting, rows: int, lines: int) -> None:
    """Write the setting in the draft with why, and read each attendee's own name and contact (see the
    module's doc)."""
    names = [unnumbered(stem) for stem in setting.numbered]
    builder.note("attendees", setting.to_yaml(), _(
        "each row is an order naming its attendees side by side in numbered columns ({first} …): each is read as "
        "one line, one seat and one patron (rows looked at: {rows}; attendees: {lines})").format(
            first=setting.numbered[0].replace("{n}", "1"), rows=rows, lines=lines))
    attendee = [c for n in names if (c := builder.column(n)) is not None]
    for field in _PEOPLE:
        mine = next((c for c in attendee if person_kind(c.name) == field), None)
        spec = builder.columns_map.get(field)
        if mine is None or spec == mine.name:
            continue
        for c in builder.columns_of(spec) if spec is not None else []:
            builder.used.discard(c.index)
        builder.columns_map.pop(field, None)
        builder.choose(field, mine, _("the attendee's own, not the buyer's: each attendee is a patron"))
    # The buyer's name, contact or birth date read for every attendee who has a contact of their own would be
    # theirs: left out. Without one, the order's contact is how each is reached (as on today's order lines).
    kinds = {person_kind(c.name) for c in attendee}
    for field in (*_PEOPLE, "birth_date"):
        spec = builder.columns_map.get(field)
        own = builder.columns_of(spec) if spec is not None else []
        if own and not any(c in attendee for c in own) and kinds & {"email", "phone"}:
            del builder.columns_map[field]
            for c in own:
                builder.used.discard(c.index)
            builder.evidence = [e for e in builder.evidence if e.key != f"columns.{field}"]
            builder.undecided.append(_(
                "{column} is the buyer's, written for each attendee: it is not read, or each attendee would have the "
                "buyer's.").format(column=", ".join(c.name for c in own)))
    refunded = builder.mapped("refunded_amount")
    if refunded is not None and refunded not in attendee and "order_id" in builder.columns_map \
            and builder.settings.get("refunded_amount_per") != "order":
        builder.note("refunded_amount_per", "order", _(
            "{column} is the order's, written for each of its attendees: what it gives back is shared among "
            "them").format(column=refunded.name), check=True)
    for field in ("patron_id", "ticket_id"):
        column = builder.mapped(field)
        if column is None or column in attendee or (field == "patron_id" and not kinds & {"email", "phone"}):
            continue  # attendees with no contact of their own: the order's customer is how each is reached
        if field == "ticket_id" and "order_id" not in builder.columns_map:
            builder.read_instead(field, column, _("the order's number, its attendees' tickets numbered within it"),
                                 as_field="order_id")
            continue
        del builder.columns_map[field]
        builder.used.discard(column.index)
        builder.evidence = [e for e in builder.evidence if e.key != f"columns.{field}"]
        builder.undecided.append((_(
            "{column} is the order's customer number, written for each of its attendees: it is not read as each "
            "attendee's, which would make them one patron; each attendee's e-mail stands in.") if field == "patron_id"
            else _("{column} is the order's ticket number, written for each of its attendees: it is not read as "
                   "each attendee's, which would make them one ticket; each is numbered within its order.")).format(
                column=column.name))
