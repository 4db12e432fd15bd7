"""An order's amount written on each of its tickets: a JSON document whose orders hold their tickets as a
list (``jsondoc``) is read a row per ticket, the order's own fields on each row. When the tickets carry
no price of their own, the amount the draft finds is the order's (« total_cents »): read as each ticket's
price, an order of three tickets would count three times its amount. The draft then reads no amount and
says why, so that ``prepare`` asks for the price rather than count the money twice.
"""

from __future__ import annotations

from collections import Counter

from culturecoop.i18n import _
from culturecoop.ingest.draft_builder import DraftBuilder


def leave_out_order_amounts(builder: DraftBuilder) -> None:
    """Drop the amount read from an order's field of a document read a row per ticket, when an order has
    several tickets (the module's doc), with the sentence that says it among what is left to decide."""
    tickets = builder.sample.tickets
    if tickets is None:
        return
    own = f"{tickets}."
    order_fields = [i for i, name in enumerate(builder.sample.header) if not name.startswith(own)]
    orders = Counter(tuple(row[i] if i < len(row) else None for i in order_fields) for row in builder.sample.rows)
    if not any(n >= 2 for n in orders.values()):
        return  # a ticket an order: its amount is the ticket's
    for field in ("unit_price", "total_price"):
        column = builder.mapped(field)
        if column is None or column.name.startswith(own):
            continue
        del builder.columns_map[field]
        builder.used.discard(column.index)
        builder.evidence = [e for e in builder.evidence if e.key != f"columns.{field}"]
        builder.undecided.append(_(
            "{column} is the whole order's amount, written on each of its tickets (the tickets in “{tickets}” carry no "
            "price of their own), so it is not read as each ticket's price: an order of three tickets would count "
            "three times; export the orders with each ticket's price, or the tickets with theirs, and draft "
            "again.").format(column=column.name, tickets=tickets))
