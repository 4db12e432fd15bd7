"""Which amount column a draft reads each ticket's price from.

One amount column: a unit price over a total beside it; a total alone is the ticket's price on
rows of one admission, the row's (divided by its quantity) on rows of several seats. An amount
an order writes on its first line only is the order's: another column that prices each line wins.
A ticket's price is taxes included: beside a price before taxes, the amount the buyer paid wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from culturecoop.i18n import _
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.draft_fit import MATCH_THRESHOLD, column_score
from culturecoop.ingest.shapes import Column, read_amount, says_no_value, seats_of, ticket_types_in


def choose_one_amount(builder: DraftBuilder) -> None:
    """One amount column: the price of one admission when the export has one (a total beside it
    adds fees or the other seats), else a total: the whole row's when rows carry a quantity
    (divided by it), the ticket's own when each row is one admission. An amount that is another
    plus the seller's fee gives way to that other (``_leave_the_fees_out``)."""
    _choose_one_amount(builder)
    _leave_the_fees_out(builder)


def _choose_one_amount(builder: DraftBuilder) -> None:
    if _row_amount_beside_a_price(builder) or _amount_of_the_line(builder):
        return
    total = builder.mapped("total_price")
    if total is None:
        _total_over_seats(builder)
        return
    del builder.columns_map["total_price"]
    builder.evidence = [e for e in builder.evidence if e.key != "columns.total_price"]
    seats = builder.columns_map.get("quantity")
    if "unit_price" in builder.columns_map:
        if _price_is_the_rows(builder, total, seats) or _total_after_discount(builder, total):
            return
        builder.used.discard(total.index)
        _total_over_seats(builder)
        return
    quantity = builder.mapped("quantity")
    if isinstance(seats, dict) and ("sum" in seats or "group_size" in seats):
        # One column per ticket type, or a group's size in its text: the row's total over the row's seats.
        builder.columns_map["total_price"] = total.name
        builder.note("columns.total_price", total.name, _("its header names a total and rows carry a quantity "
                                                          "({quantity}): each ticket's price is this amount divided "
                                                          "by the quantity").format(
                         quantity=" + ".join(seats.get("sum", [seats.get("group_size", "")]))),
                     check=True)
        return
    if quantity is None:
        builder.columns_map["unit_price"] = total.name
        builder.note("columns.unit_price", total.name, _("its header names a total and no column gives a "
                                                         "quantity: each row is one ticket at that price"),
                     check=True)
        return
    builder.columns_map["total_price"] = total.name
    builder.note("columns.total_price", total.name, _("its header names a total and rows carry a quantity "
                                                      "({quantity}): each ticket's price is this amount divided "
                                                      "by the quantity").format(quantity=quantity.name),
                 check=True)


def _price_is_the_rows(builder: DraftBuilder, total: Column, seats: object) -> bool:
    """The amount taken for a ticket's price beside a total is the row's own when the seats are
    counted per ticket type (one amount for seats at several prices: a tour's « Adults », « Children »)
    or when, on nearly every row of several seats, it is the total itself (FareHarbor's "Amount Paid"
    beside "Total"): the total is read, divided by the row's seats. Returns whether it was so read."""
    price = builder.mapped("unit_price")
    if price is None or not isinstance(builder.columns_map.get("unit_price"), str):
        return False
    if isinstance(seats, dict) and "sum" in seats:
        why = _("its header names a total and rows carry a quantity ({quantity}): each ticket's price is this "
                "amount divided by the quantity").format(quantity=" + ".join(seats["sum"]))
    else:
        quantity = builder.mapped("quantity")
        if quantity is None or not isinstance(seats, str):
            return False
        several = [(read_amount(r[price.index] or ""), read_amount(r[total.index] or ""))
                   for r in builder.sample.rows if max(price.index, total.index, quantity.index) < len(r)
                   and (seats_of(r[quantity.index] or "") or 0) > 1]
        priced = [(p, t) for p, t in several if p and t]
        if len(priced) < 3 or sum(p == t for p, t in priced) < 0.8 * len(priced):
            return False
        why = _("on nearly every row of several tickets, {price} is this amount: it is what the whole row cost, "
                "so each ticket's price is this amount divided by {quantity}").format(price=price.name,
                                                                                     quantity=quantity.name)
    builder.read_instead("unit_price", total, why, as_field="total_price", check=True)
    return True


# Words of a discount in a header (folded): an amount taken off the row's list price.
_DISCOUNT_WORDS = frozenset({"discount", "discounts", "remise", "remises", "reduction", "rabatt", "rabat", "nachlass",
                             "sconto", "descuento", "desconto", "korting"})


def _total_after_discount(builder: DraftBuilder, total: Column) -> bool:
    """The total beside a list price is, on nearly every row, that price times the quantity less a
    discount column (Regiondo's « Gesamtpreis » = « Einzelpreis » × « Anzahl » − « Rabatt », a voucher
    on some bookings): it is what the row cost after its discount, so the total is read, divided by
    the quantity. Returns whether it was so read."""
    price, quantity = builder.mapped("unit_price"), builder.mapped("quantity")
    if price is None or quantity is None or not isinstance(builder.columns_map.get("unit_price"), str) \
            or not isinstance(builder.columns_map.get("quantity"), str):
        return False
    discounts = [c for c in builder.columns if c.index not in builder.used and c.index != total.index
                 and _DISCOUNT_WORDS & _words(c.name)]
    for discount in discounts:
        rows = matched = cut = 0
        for row in builder.sample.rows:
            if max(price.index, total.index, quantity.index, discount.index) >= len(row):
                continue
            one, whole = read_amount(row[price.index] or ""), read_amount(row[total.index] or "")
            count = seats_of(row[quantity.index] or "")
            if one is None or whole is None or not count:
                continue
            off = abs(read_amount(row[discount.index] or "") or Decimal(0))
            rows += 1
            matched += abs(one * count - off - whole) <= _CENT
            cut += off > 0 and whole < one * count
        if rows >= 3 and cut and matched >= _PAID_SHARE * rows:
            builder.read_instead("unit_price", total, _(
                "on nearly every row it is {price} times {quantity} less {discount}: what the row cost after its "
                "discount, so each ticket's price is this amount divided by the quantity").format(
                    price=price.name, quantity=quantity.name, discount=discount.name), as_field="total_price", check=True)
            return True
    return False


def _total_over_seats(builder: DraftBuilder) -> None:
    """A price column headed as a total ("Total Paid") on rows that carry several seats (an
    orders report, one row per order): the whole row's amount, divided by its quantity. On
    rows of one seat each (an attendee report) it is the ticket's price, as mapped."""
    price, quantity = builder.mapped("unit_price"), builder.mapped("quantity")
    if price is None or quantity is None or not isinstance(builder.columns_map.get("unit_price"), str):
        return
    if _TOTAL_WORDS & set(vocab.tokens(price.name)):
        if not any((seats_of(v) or 0) > 1 for v in quantity.values):
            return
        why = _("its header names a total and rows carry a quantity ({quantity}): each ticket's price is this "
                "amount divided by the quantity").format(quantity=quantity.name)
    elif sum(ticket_types_in(v) > 1 for v in quantity.values) >= _SEVERAL_TYPES:
        # « 2 adultes, 1 enfant » at 15,00 and 9,00 € in one amount: no price of one ticket can be it.
        why = _("rows count their seats by ticket type in {quantity} (seats at several prices on one row): this "
                "amount is what the whole row cost, so each ticket's price is this amount divided by the "
                "quantity").format(quantity=quantity.name)
    elif _scales_with_quantity(builder, price, quantity):
        why = _("on rows of several tickets, this amount divided by {quantity} is the price of a single ticket "
                "elsewhere in the file: it is what the whole row cost, so each ticket's price is this amount "
                "divided by the quantity").format(quantity=quantity.name)
    else:
        return
    builder.columns_map["total_price"] = builder.columns_map.pop("unit_price")
    builder.evidence = [e for e in builder.evidence if e.key != "columns.unit_price"]
    builder.note("columns.total_price", price.name, why, check=True)


def _scales_with_quantity(builder: DraftBuilder, price: Column, quantity: Column) -> bool:
    """Whether an amount headed like any price (« Montant TTC », « Montant payé », "Amount") is the
    whole row's: on the rows of several tickets it is, far more often than not, the quantity times a
    price that rows of one ticket carry (66,00 $ for 3 seats where single seats cost 22,00 $), and
    is itself such a price less often. A venue sells at a handful of prices, so a row's total shows."""
    singles: set[Decimal] = set()
    several: list[tuple[Decimal, int]] = []
    for row in builder.sample.rows:
        if price.index >= len(row) or quantity.index >= len(row):
            continue
        amount, count = read_amount(row[price.index] or ""), seats_of(row[quantity.index] or "")
        if not amount or amount <= 0 or not count:
            continue
        if count == 1:
            singles.add(amount)
        else:
            several.append((amount, count))
    if len(several) < 3 or len(singles) < 1:
        return False
    divided = sum(1 for amount, count in several if (amount / count).quantize(Decimal("0.01")) in singles)
    direct = sum(1 for amount, _count in several if amount in singles)
    return divided >= 0.6 * len(several) and divided > 2 * direct


_TOTAL_WORDS = frozenset({"total", "gesamt", "gesamtbetrag"})
# Sampled rows that count seats of two ticket types or more in their quantity cell, from which an amount
# beside it is the row's.
_SEVERAL_TYPES = 3


def _amount_of_the_line(builder: DraftBuilder) -> bool:
    """An order read as its lines (a JSON order's « line_items », one row each): an amount of the
    whole order (« total »: 37,00 for a 22,00 and a 15,00 line), repeated on each of its lines, is no
    line's. When the quantity is the line's, the line's own amount is read instead: its total
    (divided by its quantity), else its price. Returns whether it was so read."""
    quantity = builder.mapped("quantity")
    if quantity is None or "." not in quantity.name:
        return False
    prefix = quantity.name.rsplit(".", 1)[0] + "."
    field = "total_price" if "total_price" in builder.columns_map else "unit_price"
    chosen = builder.mapped(field)
    if chosen is None or chosen.name.startswith(prefix):
        return False
    for wanted in ("total_price", "unit_price"):
        # The line's total says so ("line_items.total"); any other amount of the line is its price.
        lines = [c for c in builder.columns if c.name.startswith(prefix) and c.index not in builder.used
                 and column_score(wanted, c) >= MATCH_THRESHOLD
                 and (bool(_TOTAL_WORDS & set(vocab.tokens(c.name))) == (wanted == "total_price"))
                 and (wanted == "total_price" or vocab.header_score(wanted, c.name) > 0)]
        if not lines:
            continue
        line = max(lines, key=lambda c: (column_score(wanted, c), -c.index))
        builder.read_instead(field, line, _("{order} is the whole order's amount, repeated on each of its lines: each "
                                            "line's own amount is read here").format(order=chosen.name),
                             as_field=wanted, check=True)
        return True
    return False


def _row_amount_beside_a_price(builder: DraftBuilder) -> bool:
    """The amount chosen as the price is, on most rows of several tickets, another price column times
    the quantity (Placeminute's « Montant TTC » beside « Prix Placeminute TTC », Arts People's « Amount
    Paid » beside its list « Price »): it is what the whole row cost, after any discount code, and each
    ticket's price is it divided by the quantity. Returns whether it was so read."""
    price, quantity = builder.mapped("unit_price"), builder.mapped("quantity")
    if price is None or quantity is None or not isinstance(builder.columns_map.get("unit_price"), str):
        return False
    rows = [(read_amount(r[price.index] or ""), seats_of(r[quantity.index] or ""), r)
            for r in builder.sample.rows if price.index < len(r) and quantity.index < len(r)]
    several = [(amount, q, r) for amount, q, r in rows if amount and q and q > 1]
    if len(several) < 3:
        return False
    for c in builder.columns:
        if c.index in builder.used or column_score("unit_price", c) < MATCH_THRESHOLD \
                or vocab.header_score("unit_price", c.name) <= 0:
            continue
        times = sum(1 for amount, q, r in several
                    if c.index < len(r) and (one := read_amount(r[c.index] or "")) is not None and one * q == amount)
        if times >= 0.6 * len(several):
            builder.columns_map["total_price"] = builder.columns_map.pop("unit_price")
            builder.evidence = [e for e in builder.evidence if e.key != "columns.unit_price"]
            builder.note("columns.total_price", price.name,
                         _("on most rows of several tickets it is {column} times {quantity}: it is what the whole "
                           "row cost, so each ticket's price is this amount divided by the quantity").format(
                             column=c.name, quantity=quantity.name), check=True)
            return True
    return False


def _amounts_by_order(builder: DraftBuilder, c: Column, order: Column) -> list[list[Decimal | None]]:
    """The amounts of ``c`` on the rows of each order of two rows or more, in file order."""
    lines: dict[str, list[Decimal | None]] = {}
    for row in builder.sample.rows:
        key = (row[order.index] or "").strip() if order.index < len(row) else ""
        if key:
            text = row[c.index] if c.index < len(row) else None
            lines.setdefault(key, []).append(read_amount(text) if text and text.strip() else None)
    return [amounts for amounts in lines.values() if len(amounts) > 1]


def _written_once_per_order(builder: DraftBuilder, c: Column, order: Column) -> bool:
    """Whether ``c`` is an amount of the whole order written on its first line only: nothing
    (or 0) on its other lines, in most orders of several lines that have an amount at all."""
    priced = [a for a in _amounts_by_order(builder, c, order) if any(v for v in a)]
    once = sum(1 for a in priced if a[0] and not any(a[1:]))
    return len(priced) >= 2 and once >= 0.8 * len(priced)


def choose_price_of_each_line(builder: DraftBuilder) -> None:
    """An amount an order writes on its first line only (Event Espresso's "Amount Paid", the
    transaction's: 0.00 on its other registrations) is the order's, not each ticket's price:
    another price column that prices those lines (the registration's "final price") is. Then,
    beside a price before taxes, the amount paid with them is read (``choose_the_amount_paid``)."""
    _price_of_each_line(builder)
    choose_the_amount_paid(builder)


def _price_of_each_line(builder: DraftBuilder) -> None:
    price, order = builder.mapped("unit_price"), builder.mapped("order_id")
    if price is None or order is None or not isinstance(builder.columns_map.get("order_id"), str) \
            or not _written_once_per_order(builder, price, order):
        return
    candidates = sorted(((column_score("unit_price", c), c.index, c) for c in builder.columns
                         if c.index not in builder.used), key=lambda t: (-t[0], t[1]))
    for score, _index, c in candidates:
        if score < MATCH_THRESHOLD:
            break
        if _written_once_per_order(builder, c, order) or not any(
                any(v for v in a[1:]) for a in _amounts_by_order(builder, c, order)):
            continue
        builder.read_instead("unit_price", c,
                             _("{column} is written on an order's first line only (0 or nothing on its other lines): "
                               "it is the whole order's amount, so each line's price is read here").format(column=price.name))
        return


# Words of a ticket type in a header (folded): a column per type counts its seats on each row.
_TICKET_TYPE_WORDS = frozenset({
    "tarif", "plein", "reduit", "reduite", "gratuit", "gratuite", "adulte", "adultes", "enfant", "enfants",
    "etudiant", "etudiants", "senior", "seniors", "jeune", "jeunes", "accompagnateur", "accompagnateurs",
    "accompagnant", "accompagnants", "invitation", "invitations", "exonere", "exoneres", "scolaire",
    "scolaires", "famille", "abonne", "abonnes", "adult", "adults", "child", "children", "kid", "kids",
    "student", "students", "concession", "concessions", "general", "vip", "member", "members", "membre",
    "membres", "ermassigt", "erwachsene", "erwachsener", "kinder", "kind", "normal", "regular", "youth",
    "infant", "bebe", "bebes", "groupe", "group"})
_PRICE_IN_HEADER = re.compile(r"\d+(?:[.,]\d{1,2})?\s*(?:€|\$|£|eur\b|chf\b|cad\b)|(?:€|\$|£)\s*\d", re.IGNORECASE)
# A count of seats of one type: a whole number from 0 to this, on nearly every sampled row that writes
# one (a « deux » among them is the row's to reject, not the column's to lose).
_MOST_SEATS_OF_A_TYPE = 999
_COUNTS_SHARE = 0.8


def choose_seats_by_ticket_type(builder: DraftBuilder) -> None:
    """One column per ticket type counting its seats on each row (a group booking's « Plein tarif
    (12 €) », « Tarif réduit (8 €) », « Accompagnateur gratuit »), and no quantity column: the
    row's quantity is their sum. Read one by one, the first would be taken for a price."""
    if any(column_score("quantity", c) >= MATCH_THRESHOLD for c in builder.columns if c.index not in builder.used):
        return
    counts = [c for c in builder.columns if c.index not in builder.used and _counts_seats_of_a_type(c)]
    if len(counts) < 2:
        return
    names = [c.name for c in counts]
    builder.columns_map["quantity"] = {"sum": names}
    builder.used.update(c.index for c in counts)
    builder.note("columns.quantity", builder.columns_map["quantity"],
                 _("each of these columns names a ticket type and holds a whole number of seats on its rows: "
                   "the row's quantity is their sum"), check=True)


def _counts_seats_of_a_type(c: Column) -> bool:
    if not c.values or not (_TICKET_TYPE_WORDS & set(vocab.tokens(c.name)) or _PRICE_IN_HEADER.search(c.name)):
        return False
    counts = sum(v.strip().isdigit() and int(v.strip()) <= _MOST_SEATS_OF_A_TYPE for v in c.values)
    return counts >= _COUNTS_SHARE * len(c.values)


# Rows with no price, as a share of the rows looked at, from which the draft says how to read them.
_BLANK_PRICES_SAID = 0.05


def say_blank_prices(builder: DraftBuilder) -> None:
    """A price column left empty on some rows (a guest list's invitations, press, artists' guests):
    those rows would be rejected; the draft says the one setting that reads them as seats given."""
    price = builder.price()
    rows = builder.sample.rows
    if price is None or not rows:
        return
    # « ??? » says the price is not known, not that the seat was given: no blank price.
    blank = sum(1 for row in rows if says_no_value(cell := row[price.index] if price.index < len(row) else None)
                and "?" not in (cell or ""))
    if blank >= 3 and blank >= _BLANK_PRICES_SAID * len(rows):
        builder.undecided.append(_("{n} of the rows looked at have no amount in «{column}»: if they are seats given "
                                   "(invitations, press, guests), add `blank_price: 0` to the mapping; otherwise "
                                   "they are rejected as rows without a price.").format(n=blank, column=price.name))


# A ticket's price is taxes included (``schema.model``: "Price of one admission, taxes included").
# Words of a tax in a header, folded: Québec's TPS and TVQ, Canada's GST, HST, PST, QST, France's
# TVA, VAT, MwSt, IVA, moms, BTW.
_TAX_WORDS = frozenset({"tax", "taxe", "taxes", "tps", "tvq", "tvh", "tva", "hst", "gst", "pst", "qst", "vat", "mwst",
                        "ust", "iva", "moms", "btw", "mva", "steuer", "steuern", "impuesto", "imposta"})
# Words of a fee in a header: added to what the buyer paid, never the ticket's price on its own.
_FEE_WORDS = frozenset({"fee", "fees", "frais", "commission", "service", "booking", "charge", "charges", "cargo",
                        "gastos", "prevendita", "servicekosten", "gebuhr", "gebuhren", "handling", "surcharge"})
_BEFORE_TAX = re.compile(r"\b(?:ht|hors taxes?|avant taxes?|sans taxes?|before tax(?:es)?|pre ?tax|"
                         r"excl(?:uding)? (?:taxes?|vat|gst|hst)|ex (?:tax|vat|gst)|netto)\b")
_WITH_TAX = re.compile(r"\b(?:ttc|taxes? (?:comprises?|incluses?)|toutes taxes|incl(?:uding)? (?:taxes?|vat|gst|hst)|"
                       r"inc (?:tax|vat|gst)|tax(?:es)? included|brutto)\b")
# Rows of the sample on which a total must be the price plus the taxes, and how far apart a cent
# of rounding may put them per amount added.
_PAID_SHARE = 0.8
_CENT = Decimal("0.01")


def _words(name: str) -> set[str]:
    return set(vocab.tokens(name)) | set(vocab.fold(name).split())


def _is_tax(c: Column) -> bool:
    return bool(_TAX_WORDS & _words(c.name)) and not _WITH_TAX.search(vocab.fold(c.name))


def _is_fee(c: Column) -> bool:
    return bool(_FEE_WORDS & _words(c.name))


def _amounts(builder: DraftBuilder, c: Column) -> list[Decimal | None]:
    """The amount of ``c`` on each sampled row (None where it holds none)."""
    return [read_amount(row[c.index] or "") if c.index < len(row) else None for row in builder.sample.rows]


def _holds_amounts(values: list[Decimal | None]) -> bool:
    return sum(v is not None for v in values) >= max(3, len(values) // 2)


def _paid_is_base_plus(paid: list[Decimal | None], base: list[Decimal | None], added: list[list[Decimal | None]],
                       seats: Sequence[int | None]) -> str | None:
    """How ``paid`` is ``base`` plus the ``added`` amounts on nearly every row that prices it: "row" when
    it is the base times the row's seats plus the added amounts (the row's total), "ticket" when
    it is the base plus them (one ticket's); None when it is neither, or never more than the base."""
    ways = {"ticket": 0, "row": 0}
    rows = larger = 0
    for i, one in enumerate(base):
        if one is None:
            continue
        rows += 1
        total, extra, count = paid[i], sum((a[i] or Decimal(0) for a in added), Decimal(0)), seats[i] or 1
        if total is None or total < one:
            continue
        slack = _CENT * (len(added) + 1) * count
        ways["ticket"] += abs(total - (one + extra) * count) <= slack if count > 1 else abs(total - one - extra) <= slack
        ways["row"] += abs(total - one * count - extra) <= slack
        larger += extra > 0
    if rows < 3 or larger < rows / 2:
        return None
    way = max(ways, key=lambda w: ways[w])
    return way if ways[way] >= _PAID_SHARE * rows else None


def _tax_included(builder: DraftBuilder, base: Column, others: list[Column],
                  seats: Sequence[int | None]) -> tuple[Column, list[Column], str] | None:
    """Among ``others``, the amount the buyer paid for what ``base`` prices before taxes, with the
    tax (and fee) columns it adds and how it is summed ("ticket" or "row"): on nearly every row it
    is ``base`` plus a tax column or more (« Total » = « Prix » + « TPS » + « TVQ »), or, with no
    tax column, its header says taxes included where ``base``'s says before them (HT and TTC)."""
    base_values = _amounts(builder, base)
    amounts = {c.index: _amounts(builder, c) for c in builder.columns if c.index != base.index
               and c.index not in builder.used and (_is_tax(c) or _is_fee(c))}
    extras = [c for c in builder.columns if c.index in amounts and _holds_amounts(amounts[c.index])]
    taxes = [c for c in extras if _is_tax(c)]
    fees = [c for c in extras if not _is_tax(c)][:3]
    for paid in others:
        values = _amounts(builder, paid)
        if not _holds_amounts(values):
            continue
        for n_taxes in range(len(taxes), 0, -1):  # every tax column first, then fewer
            for n_fees in range(len(fees), -1, -1):
                added = taxes[:n_taxes] + fees[:n_fees]
                way = _paid_is_base_plus(values, base_values, [amounts[c.index] for c in added], seats)
                if way:
                    return paid, added, way
        if _BEFORE_TAX.search(vocab.fold(base.name)) and _WITH_TAX.search(vocab.fold(paid.name)):
            pairs = [(p, b) for p, b in zip(values, base_values, strict=True) if b is not None]
            if len(pairs) >= 3 and all(p is not None and p >= b for p, b in pairs) \
                    and sum(1 for p, b in pairs if p is not None and p > b) >= len(pairs) / 2:
                return paid, [], "ticket"
    return None


def _leave_the_fees_out(builder: DraftBuilder) -> None:
    """The amount read is, on nearly every row, another amount column plus a fee column and no tax
    (TryBooking's "Total Paid" = "Ticket Total" + "Booking Fee"): the fee is the seller's, no part of
    a ticket's price, so that other column is read instead, the same way (a row's total over its
    quantity, or one ticket's price). With taxes, ``choose_the_amount_paid`` decides."""
    field = "unit_price" if isinstance(builder.columns_map.get("unit_price"), str) else "total_price"
    chosen = builder.mapped(field)
    if chosen is None or not isinstance(builder.columns_map.get(field), str):
        return
    others = [c for c in builder.columns if c.index != chosen.index and c.index not in builder.used]
    if any(_is_tax(c) and _holds_amounts(_amounts(builder, c)) for c in others):
        return
    fees = [c for c in others if _is_fee(c) and _holds_amounts(_amounts(builder, c))][:3]
    if not fees:
        return
    fee_amounts = [_amounts(builder, c) for c in fees]
    paid = _amounts(builder, chosen)
    ones: list[int | None] = [1] * len(builder.sample.rows)
    for base in others:
        if not _could_be_paid(base) or max(vocab.header_score("unit_price", base.name),
                                           vocab.header_score("total_price", base.name)) <= 0:
            continue
        values = _amounts(builder, base)
        if not _holds_amounts(values) or _paid_is_base_plus(paid, values, fee_amounts, ones) is None:
            continue
        added = ", ".join(f"«{c.name}»" for c in fees)
        why = (_("on nearly every row, «{paid}» is this amount plus {fees}: a fee is the seller's, no part of a "
                 "ticket's price, so this amount is read, divided by the quantity")
               if field == "total_price" and builder.columns_map.get("quantity") is not None else
               _("on nearly every row, «{paid}» is this amount plus {fees}: a fee is the seller's, no part of a "
                 "ticket's price, so this amount is read"))
        builder.read_instead(field, base, why.format(paid=chosen.name, fees=added), check=True)
        return


def _could_be_paid(c: Column) -> bool:
    """Whether ``c``'s header may name what the buyer paid: no tax, fee, discount nor count in it."""
    return not (_is_tax(c) or _is_fee(c) or vocab.EXCLUDE_WORDS["total_price"] & _words(c.name)
                or "subtotal" in _words(c.name))


def choose_the_amount_paid(builder: DraftBuilder) -> None:
    """A ticket's price is what its buyer paid, taxes included. When the price read is before taxes
    and another column is it plus the tax columns on nearly every row (« Total » beside « Prix »,
    « TPS » and « TVQ »; « Total TTC » beside « Prix » and « TVA »), that column is read instead: per
    ticket as the price, per row (over a quantity) as the row's total. An order's total repeated on
    each of its lines is no line's price plus its taxes, and stays out. Either way, the member is
    told which of the two is read, and how to read the other."""
    field = "unit_price" if isinstance(builder.columns_map.get("unit_price"), str) else "total_price"
    price = builder.mapped(field)
    if price is None or not isinstance(builder.columns_map.get(field), str):
        return
    quantity = builder.mapped("quantity") if isinstance(builder.columns_map.get("quantity"), str) else None
    ones: list[int | None] = [1] * len(builder.sample.rows)
    row_seats = [seats_of(row[quantity.index] or "") if quantity and quantity.index < len(row) else 1
                 for row in builder.sample.rows]
    # A row's total before taxes plus its taxes is the row's total with them, whatever its seats.
    seats = row_seats if field == "unit_price" else ones
    others = [c for c in builder.columns if c.index != price.index and c.index not in builder.used and _could_be_paid(c)]
    found = _tax_included(builder, price, others, seats)
    if found is not None:
        paid, added, way = found
        wanted = "total_price" if way == "row" and any((s or 0) > 1 for s in seats) else field
        builder.read_instead(field, paid, _paid_why(price, added), as_field=wanted, check=True)
        _say_the_amount_paid(builder, paid, price, added, wanted)
        return
    # Already the amount paid: said too, with the price before taxes beside it.
    bases = [c for c in builder.columns if c.index != price.index and c.index not in builder.used
             and not (_is_tax(c) or _is_fee(c)) and _holds_amounts(_amounts(builder, c))]
    for base in bases:
        # A row's total beside a price before taxes of one ticket (times the seats) or of the row.
        beside = _tax_included(builder, base, [price], row_seats if field == "total_price" else seats) \
            or (_tax_included(builder, base, [price], ones) if field == "total_price" else None)
        if beside is not None:
            _say_the_amount_paid(builder, price, base, beside[1], field)
            return


def _paid_why(base: Column, added: list[Column]) -> str:
    if not added:
        return _("its header says taxes included where «{base}»'s says before taxes: a ticket's price is what its "
                 "buyer paid, taxes included").format(base=base.name)
    return _("on nearly every row it is «{base}» plus {added}: what the buyer paid, taxes included, and a ticket's "
             "price is taxes included").format(base=base.name, added=", ".join(f"«{c.name}»" for c in added))


def _say_the_amount_paid(builder: DraftBuilder, paid: Column, base: Column, added: list[Column], field: str) -> None:
    fees = [c for c in added if not _is_tax(c)]
    if fees:
        builder.undecided.append(_(
            "Amount: «{paid}» (taxes and {fees} included) is read rather than «{base}» (before taxes and fees); if your "
            "reports must leave taxes out, read {field} from «{base}» instead.").format(
                paid=paid.name, base=base.name, fees=", ".join(f"«{c.name}»" for c in fees), field=named(field)))
        return
    builder.undecided.append(_(
        "Amount: «{paid}» (taxes included) is read rather than «{base}» (before taxes); if your reports must "
        "leave taxes out, read {field} from «{base}» instead.").format(paid=paid.name, base=base.name,
                                                                      field=named(field)))
