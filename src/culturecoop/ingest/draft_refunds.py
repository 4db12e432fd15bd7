"""Money given back, or still owed, in a column beside the amount paid: what a draft makes of it.

A column headed as a refund's amount ("Refunded Amount", "Amount Refunded", « Montant remboursé »,
"Refund amount", "Order Refund Amount", « Remboursements ») whose values are amounts is read as
``refunded_amount``: ``prepare`` takes it off the price (``ingest.refunded_amounts``). It is the order's
(``refunded_amount_per: order``) when its header says so, or when an order's lines repeat it or write it
on their first line only; else each row's own. It is left out, and the member told why, when on a row of
the sample that still holds a sale it gives back more than the price read (a refund counted with taxes, fees
or shipping the price leaves out): read, it would set those rows aside. An order whose every line its status
says refunded may give back more (Shopify's « Refunded Amount » counts the taxes): nothing is left to take.

A column of what is still owed ("Amount due", « Montant dû », « Reste à payer », "Outstanding") is never
the price (``vocabulary.OWED_WORDS``); the draft says it left it out when it found no price beside it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from culturecoop.i18n import _
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.draft_preview import raw_preview
from culturecoop.ingest.shapes import Column, read_amount, seats_of

# Words of a header that name money given back (folded; German compounds whole).
_REFUND_WORDS = frozenset({"refund", "refunds", "refunded", "rembourse", "remboursee", "rembourses", "remboursees",
                           "remboursement", "remboursements", "reembolsado", "reembolso", "reembolsos", "rimborsato",
                           "rimborso", "rimborsi", "erstattet", "erstattung", "erstattungen", "ruckerstattung",
                           "ruckerstattet", "erstattungsbetrag", "terugbetaald", "terugbetaling", "refundert",
                           "refunderet", "refunderat"})
# Words of such a header that say it holds something else than the money: when, why, how, by whom, how many.
_NOT_THE_MONEY = frozenset({"date", "le", "at", "on", "time", "heure", "datum", "fecha", "data", "reason", "raison",
                            "motif", "cause", "grund", "status", "statut", "state", "etat", "fee", "fees", "frais",
                            "gebuhr", "by", "par", "method", "moyen", "mode", "type", "id", "no", "tickets", "billets",
                            "places", "seats", "qty", "quantity", "quantite", "qte", "nb", "nbre", "nombre", "count",
                            "anzahl", "note", "notes", "comment", "commentaire", "policy", "politique", "request",
                            "requested", "demande", "eligible", "deadline", "limite"})
# Words of a header that say it holds an amount (for a column the sample leaves empty).
_AMOUNT_WORDS = frozenset({"amount", "amt", "montant", "total", "sum", "somme", "value", "valeur", "betrag",
                           "importe", "importo", "valor", "bedrag", "belop", "belopp"})
# Words of a header that say its amount is the whole order's ("Order Refund Amount").
_ORDER_WORDS = frozenset({"order", "commande", "transaction", "booking", "reservation", "dossier", "bestellung",
                          "buchung", "auftrag", "pedido", "ordine", "bestelling", "panier", "cart"})
_GIVEN_BACK = ("refunded", "cancelled")


def choose_refunded_amount(builder: DraftBuilder) -> None:
    """Read the refunded amount beside the price, as the module's doc says."""
    if builder.price() is None:
        return
    column = next((c for c in builder.columns if c.index not in builder.used and _names_a_refund(c)), None)
    if column is None:
        return
    per_order = _per_order(builder, column)
    exceeding = _exceeding(builder, column, per_order)
    if exceeding is not None:
        given, paid = exceeding
        builder.undecided.append(_(
            "{column} gives back more than the price read on some rows ({given} for {paid} paid): it may count "
            "taxes, fees or shipping the price leaves out, so it is left out, and a partial refund counts at the "
            "full price. If it is what was given back of the price, choose it for {field} and check the rows the "
            "check sets aside.").format(column=column.name, given=given, paid=paid, field=named("refunded_amount")))
        return
    builder.choose("refunded_amount", column, _(
        "its header names money given back: it comes off the order's price, shared among its lines") if per_order
        else _("its header names money given back: it comes off the row's price (all of it makes the ticket "
               "refunded)"), check=True)
    if per_order and set(vocab.tokens(column.name)) & _ORDER_WORDS:
        builder.note("refunded_amount_per", "order", _("{column} names the order: what it gives back is shared "
                                                       "among the order's lines").format(column=column.name), check=True)
    elif per_order:
        builder.note("refunded_amount_per", "order", _(
            "the lines of an order repeat {column}, or write it on their first line only: it is the order's, shared "
            "among its lines").format(column=column.name), check=True)


def _names_a_refund(c: Column) -> bool:
    words = set(vocab.tokens(c.name))
    if not words & _REFUND_WORDS or words & _NOT_THE_MONEY:
        return False
    if not c.values:
        return bool(words & _AMOUNT_WORDS)
    return c.share("amount") >= 0.9 and c.share("boolean") < 0.5 and c.date_share < 0.5


def _rows(builder: DraftBuilder, column: Column) -> list[dict[str, str | None]]:
    """The sampled rows as the fields the check of a refunded amount reads."""
    price_field = "unit_price" if "unit_price" in builder.columns_map else "total_price"
    specs: dict[str, Any] = {"price": builder.columns_map[price_field], "refunded": column.name,
                             **{f: builder.columns_map[f] for f in ("quantity", "order_id", "status")
                                if f in builder.columns_map}}
    rows = raw_preview(builder.sample, specs, len(builder.sample.rows))
    for row in rows:
        row["per"] = price_field
    return rows


def _per_order(builder: DraftBuilder, column: Column) -> bool:
    """Whether the refunded amount is the order's: its header says so, or an order's lines repeat an amount
    given back, or write it on their first line only (Shopify writes an order's amounts so)."""
    if "order_id" not in builder.columns_map:
        return False
    if set(vocab.tokens(column.name)) & _ORDER_WORDS:
        return True
    orders: dict[str, list[str | None]] = defaultdict(list)
    for row in _rows(builder, column):
        if row.get("order_id"):
            orders[str(row["order_id"])].append(row["refunded"])
    several = [cells for cells in orders.values() if len(cells) > 1]
    if not several:
        return False
    amounts = [[_amount(c) for c in cells] for cells in several]
    if any(len({a for a in each if a is not None}) > 1 for each in amounts):
        return False  # two lines of an order giving back different amounts: each line's own
    repeated = any(all(a is not None and a == each[0] and a > 0 for a in each) for each in amounts)
    first_only = sum(each[0] is not None and all(a is None for a in each[1:]) for each in amounts)
    return repeated or first_only >= 0.9 * len(several)


def _amount(cell: str | None) -> Decimal | None:
    found = read_amount(cell) if cell else None
    return None if found is None else abs(found)


def _exceeding(builder: DraftBuilder, column: Column, per_order: bool) -> tuple[str, str] | None:
    """(given back, paid) of a row, or order, of the sample that the amount gives back more than the price read
    of, beyond what its statuses say was given back already; None when there is none."""
    read: dict[str, list[tuple[Decimal | None, Decimal | None, str | None]]] = defaultdict(list)
    status_read = "status" in builder.columns_map
    for n, row in enumerate(_rows(builder, column)):
        key = f"order {row['order_id']}" if per_order and row.get("order_id") else f"row {n}"
        price = _amount(row.get("price"))
        seats = seats_of(row.get("quantity") or "1") or 1
        worth = None if price is None else price if row["per"] == "total_price" else price * seats
        read[key].append((_amount(row["refunded"]), worth, row.get("status") if status_read else "sold"))
    units: list[list[tuple[Decimal | None, Decimal | None, str | None]]] = []
    for lines in read.values():
        # An order's lines that leave the status empty take its first line's, as ``prepare`` gives it them.
        first = next((label for _r, _w, label in lines if label), None)
        units.append([(r, w, _status(label or first)) for r, w, label in lines])
    for lines in units:
        written = [r for r, _w, _s in lines if r is not None]
        given = written[0] if len(set(written)) == 1 else sum(written, Decimal(0))
        if not given or any(w is None or s is None for _r, w, s in lines):
            continue
        said = sum((w for _r, w, s in lines if w is not None and s in _GIVEN_BACK), Decimal(0))
        sold = sum((w for _r, w, s in lines if w is not None and s == "sold"), Decimal(0))
        if given - said > sold and (sold or not said):  # an order given back whole may count its taxes too
            paid = sum((w for _r, w, _s in lines if w is not None), Decimal(0))
            return f"{given:.2f}", f"{paid:.2f}"
    return None


def _status(label: str | None) -> str | None:
    """A status label as the check of a refunded amount counts it: a partial refund is a sale."""
    if label is None:
        return None
    return "sold" if vocab.is_partial(label) else vocab.classify_status(label)


def owed_left_out(builder: DraftBuilder) -> None:
    """Where no price was found, the columns of what is still owed the draft left out, said (their amounts are
    no price)."""
    owed = [c.name for c in builder.columns if c.index not in builder.used and c.values
            and set(vocab.tokens(c.name)) & vocab.OWED_WORDS and c.share("amount") >= 0.9]
    if owed:
        builder.undecided.append(_("{columns} say what is still owed, not what was paid: the draft leaves them out "
                                   "of {field}.").format(columns=", ".join(f"« {name} »" for name in owed),
                                                         field=named("unit_price")))
