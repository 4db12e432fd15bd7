"""Group bookings written in what was sold (« Groupe scolaire 25 pers. », « Classe de CM2 (28 élèves) »,
"Group of 10") in an export with no column of seats: the quantity is read in that text
(``quantity: {group_size: COLUMN}``, ``ingest.group_sizes``), each other row one seat; and the row's amount,
when it is the group's whole (« 150,00 » for 25 pupils beside « 12,00 » for one seat), is divided by the seats.
A group whose size is not one number of people is said, and counts one seat.
"""

from __future__ import annotations

from statistics import median

from culturecoop.folding import fold
from culturecoop.i18n import _, count, plural
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.group_sizes import group_size
from culturecoop.ingest.shapes import Column, read_amount

# Headers of what was sold, where a group's size is written (folded words).
SOLD_WORDS = frozenset({"ticket", "billet", "tarif", "type", "item", "lineitem", "product", "produit", "article",
                        "variation", "categorie", "category", "seance", "session", "option", "formule", "prestation",
                        "entrada", "biglietto", "karte", "ticketart", "kategorie", "tipo", "offre", "offer",
                        "spectacle", "evenement", "event", "titre", "title", "visite", "atelier", "reservation"})
# Headers of a tariff, not a title (folded words).
_TARIFF_WORDS = frozenset({"tarif", "ticket", "billet", "type", "categorie", "category", "formule", "offre", "offer"})
# Words that name a group whose size may be written with them.
_GROUP_WORDS = ("groupe", "group", "classe", "class", "scolaire", "school")


def _candidates(builder: DraftBuilder) -> list[Column]:
    mapped = [c for f in ("ticket_type", "event_title") if (c := builder.mapped(f)) is not None]
    named_so = [c for c in builder.columns if set(vocab.tokens(c.name)) & SOLD_WORDS and c not in mapped]
    return [c for c in mapped + named_so if c.values]


def choose_group_sizes(builder: DraftBuilder) -> None:
    """With no column of seats, the column of what was sold whose texts write groups' sizes is read for the
    quantity, marked to check; groups whose size cannot be read are said."""
    if "quantity" in builder.columns_map:
        return
    for c in _candidates(builder):
        # An event's title says a group's size only beside a group's word (« Concert des 100 choristes » is none).
        title = c is builder.mapped("event_title") and not set(vocab.tokens(c.name)) & _TARIFF_WORDS
        grouped = {v for v in set(c.values) if any(w in fold(v) for w in _GROUP_WORDS)}
        sizes = {v: group_size(v) if not title or v in grouped else None for v in set(c.values)}
        read = sorted(v for v, n in sizes.items() if n is not None)
        unsure = sorted(v for v, n in sizes.items() if n is None and v in grouped)
        if read:
            spec = {"group_size": c.name}
            builder.columns_map["quantity"] = spec
            rows = sum(sizes[v] is not None for v in c.values)
            builder.note("columns.quantity", spec, plural(
                rows, "no column gives the seats, and {column} writes a group's size on {n} row (« {example} »: "
                "the seats it writes): that row counts them, every other row one seat",
                "no column gives the seats, and {column} writes a group's size on {n} rows (« {example} »: "
                "the seats they write): those rows count them, every other row one seat").format(
                column=c.name, n=count(rows), example=read[0]), check=True)
        if unsure:
            builder.undecided.append(plural(
                len(unsure), "{labels} in {column} names a group, but not as one number of people: such a row "
                "counts one seat, its amount the group's. Write its number of seats in it (« Groupe 12 pers. »), "
                "or add a column of seats and choose it for {field}.",
                "{labels} in {column} name groups, but not as one number of people: each such row counts one "
                "seat, its amount the group's. Write their number of seats in them (« Groupe 12 pers. »), or add "
                "a column of seats and choose it for {field}.").format(
                labels=", ".join(f"« {v} »" for v in unsure[:4]), column=c.name, field=named("quantity")))
        if read or unsure:
            return


def group_amounts(builder: DraftBuilder) -> None:
    """Seats read in a group's text, and one amount per row read as each seat's price: where a group's amount
    is, per seat, near one seat's (« 150,00 » for 25 beside « 12,00 », « 24,00 » for one), it is the group's
    whole amount, divided by its seats (``total_price``)."""
    spec = builder.columns_map.get("quantity")
    price = builder.mapped("unit_price")
    if not isinstance(spec, dict) or "group_size" not in spec or price is None:
        return
    if not isinstance(builder.columns_map.get("unit_price"), str):
        return
    sold = builder.column(spec["group_size"])
    if sold is None:
        return
    singles: list[float] = []
    groups: list[tuple[float, int]] = []
    for row in builder.sample.rows:
        if max(sold.index, price.index) >= len(row):
            continue
        amount = read_amount(row[price.index] or "")
        if not amount:
            continue
        seats = group_size(row[sold.index] or "")
        if seats is None:
            singles.append(float(amount))
        else:
            groups.append((float(amount), seats))
    if not groups or not singles:
        return
    one = median(singles)
    # The amount is the group's when, divided by its seats, it is nearer one seat's price than as written.
    whole = sum(abs(a / n - one) < abs(a - one) for a, n in groups)
    if whole * 2 <= len(groups):
        return
    builder.read_instead("unit_price", price, _(
        "a group's amount in {column} is, per seat, near one seat's: it is what the whole group paid, so each "
        "seat's price is this amount divided by the group's size").format(column=price.name),
        as_field="total_price", check=True)
