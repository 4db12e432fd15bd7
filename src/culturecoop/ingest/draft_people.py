"""Who bought: a draft's person columns, and how it tells patrons and orders apart.

The e-mail, names, phone, postcode and birth date (an attendee's columns before a buyer's, read as
fallbacks), an e-mail column that names the staff rather than buyers left out, then the ticket,
order and customer numbers, or what stands in for them (the e-mail, else the phone; an order made
of who bought and when).
"""

from __future__ import annotations

import re
from typing import Any

from culturecoop.i18n import _, plural
from culturecoop.i18n import count as count_text
from culturecoop.i18n import share as share_text
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.draft_fit import MATCH_THRESHOLD, column_score, why_matched
from culturecoop.ingest.draft_preview import cell_filled
from culturecoop.ingest.draft_yaml import flow

PERSON_FIELDS = ("email", "first_name", "last_name", "full_name", "phone", "postal_code", "birth_date")
# Person fields read from the first non-empty of several columns (attendee first, then buyer; a
# mobile before a landline, which a household shares and a list often leaves blank).
FALLBACK_FIELDS = ("email", "first_name", "last_name", "phone")
_ROLE_ORDER = {"attendee": 0, "": 1, "buyer": 2}
_MOBILE_WORDS = frozenset({"mobile", "portable", "cell", "cellulaire", "cellphone", "gsm", "handy", "mobil",
                           "movil", "cellulare", "celular", "sms"})
# An e-mail column of a few addresses, each on this many orders or more on average (ten at least in
# all), names the staff or the account that made the sales: no handful of buyers buys that often.
_SHARED_ADDRESSES = 5
_SHARED_ORDERS_EACH = 5


def choose_person_columns(builder: DraftBuilder) -> None:
    """Map the person fields, each to its best column or, for ``FALLBACK_FIELDS``, to up to three."""
    for name in PERSON_FIELDS:
        found = [(c, column_score(name, c)) for c in builder.columns if c.index not in builder.used]
        found = [(c, s) for c, s in found if s >= MATCH_THRESHOLD]
        if name in ("first_name", "last_name"):
            # "Nom du client" holding "Roy, Hugo": a whole name, read as one (surname before the comma).
            # So is a plain "Nom" of two words and more with no first name beside it (« Marie Tremblay »
            # in a list kept by hand): a surname of « Marie Tremblay » would never meet « Tremblay ».
            found = [(c, s) for c, s in found
                     if column_score("full_name", c) < s or c.share("multiword") < 0.6]
        if name == "last_name" and "first_name" not in builder.columns_map and found \
                and (whole := max(found, key=lambda cs: cs[1])[0]).share("multiword") >= 0.6 \
                and whole.share("name") >= 0.8:
            builder.choose("full_name", whole, _("its header says « name » and {share} of its values are a "
                                                 "given name and a surname, with no first name column beside "
                                                 "it: a whole name").format(share=share_text(whole.share("multiword"))))
            continue
        if not found:
            continue
        found.sort(key=lambda cs: (_ROLE_ORDER[vocab.header_role(cs[0].name)],
                                   not (name == "phone" and _MOBILE_WORDS & set(vocab.tokens(cs[0].name))), -cs[1]))
        if name in FALLBACK_FIELDS and len(found) > 1:
            chosen = [c for c, _s in found][:3]
            builder.columns_map[name] = [c.name for c in chosen]
            role_names = {"attendee": _("ticket holder"), "buyer": _("buyer"), "": _("no role said")}
            roles = [role_names[vocab.header_role(c.name)] for c in chosen]
            builder.note(f"columns.{name}", builder.columns_map[name],
                         _("read from the first non-empty of these columns ({roles})").format(
                             roles=", ".join(roles)))
        else:
            chosen = [found[0][0]]
            builder.columns_map[name] = chosen[0].name
            builder.note(f"columns.{name}", chosen[0].name, why_matched(name, chosen[0]))
        builder.used.update(c.index for c in chosen)
    _contact_of_both_kinds(builder)
    _plain_name_beside_a_first_name(builder)
    _names_follow_the_email(builder)
    if "full_name" in builder.columns_map and ("first_name" in builder.columns_map or "last_name" in builder.columns_map):
        # Separate name columns say more than a full name: keep the full name out.
        full = builder.columns_map.pop("full_name")
        builder.used.discard(next(c.index for c in builder.columns if c.name == full))
        builder.evidence = [e for e in builder.evidence if e.key != "columns.full_name"]


# A column of e-mail addresses on some rows and phone numbers on the others: at least this share of
# its values is one or the other, and at least ``_EACH_KIND`` of them each.
_CONTACT_SHARE = 0.9
_EACH_KIND = 0.1


def _contact_of_both_kinds(builder: DraftBuilder) -> None:
    """A « Contact » column holding an e-mail address on some rows and a phone number on the others
    (neither reaches the share that makes a column an e-mail's or a phone's): read as both, each value
    where it is one. Left unused, the rows linked to no one."""
    if "email" in builder.columns_map or "phone" in builder.columns_map:
        return
    for c in builder.columns:
        emails, phones = c.share("email"), c.share("phone")
        if c.index in builder.used or c.date_share >= 0.1 or min(emails, phones) < _EACH_KIND \
                or emails + phones < _CONTACT_SHARE:
            continue
        why = _("{emails} of its values are e-mail addresses and {phones} phone numbers: read as both, each value "
                "as what it is").format(emails=share_text(emails), phones=share_text(phones))
        builder.choose("email", c, why)
        builder.columns_map["phone"] = c.name
        builder.note("columns.phone", c.name, why)
        return


def _names_follow_the_email(builder: DraftBuilder) -> None:
    """Where the only e-mail is the buyer's (HelloAsso's « Email payeur » beside a participant's and
    a payer's names), the buyer's names come first: the person a row identifies is the one whose
    e-mail it carries, not a child the payer bought a seat for under her address."""
    emails = builder.columns_of(builder.columns_map.get("email", []))
    if not emails or any(vocab.header_role(c.name) != "buyer" for c in emails):
        return
    for name in ("first_name", "last_name", "phone"):
        spec = builder.columns_map.get(name)
        if not isinstance(spec, list):
            continue
        ordered = sorted(spec, key=lambda column: vocab.header_role(column) != "buyer")
        if ordered != spec:
            builder.columns_map[name] = ordered
            builder.evidence = [e for e in builder.evidence if e.key != f"columns.{name}"]
            builder.note(f"columns.{name}", ordered,
                         _("read from the first non-empty of these columns, the buyer's first: the e-mail is "
                           "the buyer's, so the row's person is the buyer"))


# A header that only says "name", in the languages where it stands beside a first name for the surname
# (German "Name" beside "Vorname", Dutch "Naam" beside "Voornaam", Scandinavian "Navn"/"Namn").
_PLAIN_NAMES = ("name", "naam", "navn", "namn")


def _plain_name_beside_a_first_name(builder: DraftBuilder) -> None:
    """A plain "Name" of one word each beside a first name and no surname (Ticketcorner's "Name",
    "Vorname"): the surname, not a whole name nor nothing."""
    if "first_name" not in builder.columns_map or "last_name" in builder.columns_map:
        return
    for c in builder.columns:
        if (c.index not in builder.used or builder.columns_map.get("full_name") == c.name) \
                and vocab.fold(c.name) in _PLAIN_NAMES and c.share("name") >= 0.8 and c.share("multiword") < 0.2:
            if builder.columns_map.get("full_name") == c.name:
                del builder.columns_map["full_name"]
                builder.evidence = [e for e in builder.evidence if e.key != "columns.full_name"]
            builder.choose("last_name", c, _("a plain name of one word beside the first name: the surname"))
            return


def leave_out_sellers_addresses(builder: DraftBuilder) -> None:
    """An e-mail column whose few addresses each run across many orders (a till's staff logins, a
    merchant account: SumUp's "Email", "Account") names who made the sales, not who bought: left out."""
    order = builder.mapped("order_id")
    mapped = builder.columns_of(builder.columns_map.get("email", []))
    if order is None or not mapped:
        return
    kept = []
    for c in mapped:
        orders: dict[str, set[str]] = {}
        for row in builder.sample.rows:
            if cell_filled(row, c.index) and cell_filled(row, order.index):
                orders.setdefault((row[c.index] or "").strip().casefold(), set()).add((row[order.index] or "").strip())
        count = len(set().union(*orders.values())) if orders else 0
        if len(orders) > _SHARED_ADDRESSES or count < _SHARED_ORDERS_EACH * max(len(orders), 2):
            kept.append(c)
            continue
        builder.used.discard(c.index)
        builder.note("columns.email", None, plural(len(orders), "«{column}» holds one address over {orders} orders: "
                                                   "that of whoever made the sales (staff, account), not a buyer's; "
                                                   "left out",
                                                   "«{column}» holds {addresses} addresses over {orders} orders: those "
                                                   "of whoever made the sales (staff, account), not buyers'; left "
                                                   "out").format(column=c.name, addresses=count_text(len(orders)), orders=count_text(count)),
                     check=True)
    if len(kept) == len(mapped):
        return
    builder.evidence = [e for e in builder.evidence if not (e.key == "columns.email" and e.value is not None)]
    if kept:
        builder.columns_map["email"] = [c.name for c in kept] if len(kept) > 1 else kept[0].name
        builder.note("columns.email", builder.columns_map["email"], why_matched("email", kept[0]))
    else:
        del builder.columns_map["email"]


def choose_ids(builder: DraftBuilder) -> None:
    """What numbers each sale and each patron: without a ticket number, the order's lines or an
    order made of who bought and when, else (a list kept by hand) each buyer's rows for each event numbered;
    without a customer number, the e-mail, else the phone (a customer number some rows leave empty falls back
    to them); else the member is asked."""
    if "ticket_id" not in builder.columns_map:
        if "order_id" in builder.columns_map:
            builder.note("columns.ticket_id", None, _("no ticket number: each row is an order line, numbered "
                                                      "within its order"))
        elif (order := _order_from_buyer_and_time(builder)) is not None:
            builder.columns_map["order_id"] = order
            builder.note("columns.order_id", order, _("no ticket or order number: one person's purchases at one "
                                                      "moment are taken as one order, its rows as order lines"),
                         check=True)
        elif any(f in builder.columns_map for f in ("patron_id", "email", "phone")):
            # A list kept by hand: each buyer's rows for each event numbered (``rows._number_order_lines``).
            builder.columns_map["ticket_id"] = {"numbered": True}
            builder.note("columns.ticket_id", {"numbered": True}, _(
                "no ticket or order number: each buyer's rows for each show are numbered in the file's order, so "
                "a row added, removed or moved for someone else changes no ticket; if a column numbers the "
                "sales, choose it instead"), check=True)
        else:  # no buyer either (an invoice, a price list): nothing to number the sales by
            builder.undecided.append(_("No column holds a ticket or order number: choose for {ticket} or {order} "
                                       "the column that identifies each sale.").format(
                ticket=named("ticket_id"), order=named("order_id")))
    if "patron_id" not in builder.columns_map:
        if "email" in builder.columns_map and "phone" in builder.columns_map:
            builder.note("columns.patron_id", None, _("no customer number: the e-mail identifies the patron, "
                                                      "else the phone (pseudonymized on this machine like "
                                                      "everything personal)"))
        elif "email" in builder.columns_map:
            builder.note("columns.patron_id", None, _("no customer number: the e-mail identifies the patron "
                                                      "(pseudonymized on this machine like everything personal)"))
        elif "phone" in builder.columns_map:
            builder.note("columns.patron_id", None, _("no customer number nor e-mail: the phone identifies the "
                                                      "patron (pseudonymized on this machine like everything "
                                                      "personal)"))
        else:
            builder.undecided.append(_("No column holds a customer number, an e-mail address or a phone number: "
                                       "choose the column of {patron}, {email} or {phone}, or the rows cannot be "
                                       "linked to anyone.").format(
                patron=named("patron_id"), email=named("email"), phone=named("phone")))
    else:
        _patron_fallback(builder)


def _patron_fallback(builder: DraftBuilder) -> None:
    """A customer number that a share of the rows leave empty (box-office sales, invitations,
    guest checkouts) while their e-mail or phone is written: those rows are identified by the
    e-mail, else the phone, rather than set aside (a row or two without it are said, not kept).
    A person may then carry the number on some rows and the e-mail on others; linkage joins the
    two within the member (the same e-mail), so they are counted once."""
    column = builder.mapped("patron_id")
    spec = builder.columns_map["patron_id"]
    if column is None or not isinstance(spec, str):
        return
    stand_ins = [c for f in ("email", "phone") for c in builder.columns_of(builder.columns_map.get(f, []))]
    if not stand_ins:
        return
    blank = [row for row in builder.sample.rows if not cell_filled(row, column.index)]
    helped = [row for row in blank if any(cell_filled(row, c.index) for c in stand_ins)]
    if not helped:
        return
    fallback = [column.name, *dict.fromkeys(c.name for c in stand_ins)]
    if len(helped) < max(3, 0.05 * len(builder.sample.rows)):
        # A number left out on a row or two is a slip: those rows are set aside and said.
        builder.undecided.append(plural(
            len(helped),
            "One of the rows looked at has no {column} but an e-mail or a phone: it will be set aside. To keep it, "
            "choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, in the "
            "mapping's YAML, write `patron_id: {fallback}` to use them only where {column} is empty.",
            "{n} of the rows looked at have no {column} but an e-mail or a phone: they will be set aside. To keep them, "
            "choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, in the "
            "mapping's YAML, write `patron_id: {fallback}` to use them only where {column} is empty.",
        ).format(n=count_text(len(helped)), column=column.name, field=named("patron_id"), fallback=flow(fallback)))
        return
    builder.columns_map["patron_id"] = fallback
    builder.evidence = [e for e in builder.evidence if e.key != "columns.patron_id"]
    builder.note("columns.patron_id", fallback,
                 _("{n} of the rows looked at have no {column} but an e-mail or a phone: they are identified "
                   "by the e-mail, else the phone (the same person's rows with and without a number are "
                   "joined at linkage by the e-mail)").format(n=count_text(len(helped)), column=column.name), check=True)


def _order_from_buyer_and_time(builder: DraftBuilder) -> dict[str, Any] | None:
    """An order number made of who bought and when (to the second), when the export has none:
    the same export read again gives the same numbers, so a re-sent file replaces, not doubles."""
    who = builder.columns_map.get("patron_id") or builder.columns_map.get("email") or builder.columns_map.get("phone")
    when = builder.columns_map.get("purchased_at")
    if who is None or when is None:
        return None
    names = [c.name for spec in (who, when) for c in builder.columns_of(spec)]
    return {"join": names, "separator": " | "} if len(names) >= 2 else None


# A person column numbered within its row (« Participant 2 - Nom », « Attendee 2 Email », « Invité 3 Courriel »):
# an order's attendees written side by side on its one row.
_NUMBERED_PERSON = re.compile(r"(?:participant|participante|attendee|guest|invite|invitee|spectateur|spectatrice|"
                              r"holder|ticket holder|teilnehmer|besucher|asistente|partecipante|personne|person)"
                              r" ?(\d{1,2})\b")


def say_numbered_attendees(builder: DraftBuilder) -> None:
    """An export of one row per order naming its attendees in numbered columns (« Participant 1 - Nom »,
    « Participant 2 - Nom »…): each row lands as one ticket of its seats, in the name of the first attendee
    the mapping reads; the member learns that the others are not read as patrons."""
    groups: dict[int, list[int]] = {}
    for c in builder.columns:
        found = _NUMBERED_PERSON.search(vocab.fold(c.name))
        if found is not None and vocab.header_score("email", c.name) + vocab.header_score("full_name", c.name) \
                + vocab.header_score("last_name", c.name) > 0:
            groups.setdefault(int(found.group(1)), []).append(c.index)
    if len(groups) < 2:
        return
    later = [i for n, at in groups.items() if n != min(groups) for i in at]
    several = sum(1 for row in builder.sample.rows if any(cell_filled(row, i) for i in later))
    if not several:
        return
    builder.undecided.append(plural(
        several,
        "One of the rows looked at names several attendees in numbered columns (up to {most}: {first} …): each "
        "row is one ticket of its seats, in the name of the first attendee read; the others are not read as "
        "patrons, so the audience figures count one person per row.",
        "{n} of the rows looked at name several attendees in numbered columns (up to {most}: {first} …): each row "
        "is one ticket of its seats, in the name of the first attendee read; the others are not read as patrons, "
        "so the audience figures count one person per row.").format(
            n=count_text(several), most=max(groups), first=builder.columns[groups[min(groups)][0]].name))
