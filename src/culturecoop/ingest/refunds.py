"""Refund rows applied to the sales they refund (``rows.settle_rows``, step 2).

A refund row (a negative amount or quantity, see ``validate``) refunds what it says: its seats
(its quantity) and its amount per seat (the sale's price when it gives none, 0). Its sale is the
sale with the same ticket id, else a sale of the same order, event and price per seat, else the
order's only sale of that event. Refunds are taken in file order, each against what the earlier
ones left of the sale; against that, a refund is

- **whole**: as many seats, at the sale's price: the sale becomes ``refunded``; the refund row is
  *merged* (accepted, no ticket of its own);
- **reduced**: as many seats, for less (a goodwill refund of 10 on a ticket of 34): the sale stays
  as the export sold it, each seat at its price less the refund; the refund row is merged;
- **split**: fewer seats: the sale keeps the others, and the refund row becomes the refunded part,
  a ticket of the sale's buyer, event, purchase time and channel at the refund's price per seat
  (``T1#r1`` when it wrote the sale's own ticket id);
- **exceeds**: more seats, or more per seat, than is left of the sale (or a ticket refunded again):
  rejected with its line (``refund_exceeds_sale``), the sale left as the others made it.

A refund that matches no sale stays a refunded ticket of its own: its sale is in an earlier export.
Each outcome is kept in ``refund_outcome (line_no, outcome)`` for ``prepare`` to say.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from culturecoop.ingest.source import SourceInfo

_ACCEPTED = "len(reasons) = 0 AND NOT merged"
OUTCOMES = ("whole", "reduced", "split", "exceeds")


@dataclass
class _Sale:
    """What is left of one sale line while the refunds are applied."""

    line_no: int
    ticket_id: str | None
    sold_price: Decimal  # as the export wrote it: what a refund of the same order is matched on
    seats: int  # left to refund
    price: Decimal  # of one seat, less the amounts refunded on it
    status: str
    live: bool = True  # False once wholly refunded
    splits: int = 0
    touched: bool = False


@dataclass
class _Refund:
    line_no: int
    ticket_id: str | None
    order_id: str | None
    event_id: str
    seats: int
    amount: Decimal  # per seat; 0 when the row gives none


@dataclass
class _Outcome:
    line_no: int
    outcome: str
    sale: _Sale | None = None
    price: Decimal | None = None  # of a split's refunded seats
    new_ticket_id: str | None = None


def apply_refunds(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Apply every accepted refund row of ``checked`` to its sale, as the module's doc says."""
    con.execute("CREATE OR REPLACE TEMP TABLE refund_outcome (line_no BIGINT, outcome VARCHAR)")
    refunds = [_Refund(int(r[0]), r[1], r[2], str(r[3]), int(r[4]), Decimal(r[5])) for r in con.execute(
        f"""SELECT line_no, ticket_id, order_id, event_id, quantity, unit_price FROM checked
        WHERE {_ACCEPTED} AND refund ORDER BY line_no""").fetchall()]
    if not refunds:
        return
    # Only the sales a refund could name: those of its ticket ids and of its orders.
    by_ticket: dict[str, list[_Sale]] = defaultdict(list)
    by_order: dict[tuple[str, str], list[_Sale]] = defaultdict(list)
    sales = []
    for line_no, ticket_id, order_id, event_id, quantity, price, status in con.execute(
            f"""SELECT line_no, ticket_id, order_id, event_id, quantity, unit_price, status FROM checked
            WHERE {_ACCEPTED} AND NOT refund
              AND (ticket_id IN (SELECT ticket_id FROM checked WHERE {_ACCEPTED} AND refund)
                   OR order_id IN (SELECT order_id FROM checked WHERE {_ACCEPTED} AND refund))
            ORDER BY line_no""").fetchall():
        sale = _Sale(int(line_no), ticket_id, Decimal(price), int(quantity), Decimal(price), str(status))
        sales.append(sale)
        if ticket_id is not None:
            by_ticket[ticket_id].append(sale)
        if order_id is not None:
            by_order[(order_id, str(event_id))].append(sale)
    # Each refund depends on what the earlier ones left of its sale: a walk in file order, over the
    # refunds and the sales of their orders only (a few per cent of the rows).
    outcomes = [o for refund in refunds if (o := _apply(refund, by_ticket, by_order)) is not None]
    _write_back(con, info, outcomes, [s for s in sales if s.touched])


def _apply(refund: _Refund, by_ticket: dict[str, list[_Sale]],
           by_order: dict[tuple[str, str], list[_Sale]]) -> _Outcome | None:
    same_ticket = by_ticket.get(refund.ticket_id) if refund.ticket_id is not None else None
    if same_ticket:
        candidates = [s for s in same_ticket if s.live]
        if not candidates:  # its ticket was refunded already
            return _Outcome(refund.line_no, "exceeds")
    elif refund.order_id is not None:
        of_event = by_order.get((refund.order_id, refund.event_id), [])
        candidates = [s for s in of_event if s.live and s.sold_price == refund.amount]
        if not candidates and len(of_event) == 1 and of_event[0].live:
            candidates = of_event
        if not candidates:
            return None
    else:
        return None

    def per_seat(sale: _Sale) -> Decimal:
        return refund.amount if refund.amount > 0 else sale.price

    exact = [s for s in candidates if s.seats == refund.seats and per_seat(s) == s.price]
    fitting = [s for s in candidates if refund.seats <= s.seats and per_seat(s) <= s.price]
    if not exact and not fitting:
        return _Outcome(refund.line_no, "exceeds")
    sale = (exact or fitting)[0]
    amount = per_seat(sale)
    sale.touched = True
    if refund.seats < sale.seats:
        sale.seats -= refund.seats
        sale.splits += 1
        # Under the sale's own ticket number, the refunded seats take a number of their own.
        shared = sale.ticket_id is not None and refund.ticket_id == sale.ticket_id
        return _Outcome(refund.line_no, "split", sale, amount, f"{sale.ticket_id}#r{sale.splits}" if shared else None)
    if amount < sale.price:
        sale.price -= amount
        return _Outcome(refund.line_no, "reduced", sale)
    sale.live, sale.status = False, "refunded"
    return _Outcome(refund.line_no, "whole", sale)


def _write_back(con: duckdb.DuckDBPyConnection, info: SourceInfo, outcomes: list[_Outcome],
                sales: list[_Sale]) -> None:
    if not outcomes:  # no refund matched a sale: each stays a refunded ticket of its own
        return
    con.execute(
        """INSERT INTO refund_outcome SELECT * FROM (SELECT unnest($line) AS line_no, unnest($outcome) AS outcome)""",
        {"line": [o.line_no for o in outcomes], "outcome": [o.outcome for o in outcomes]})
    splits = [o for o in outcomes if o.outcome == "split" and o.sale is not None]
    if splits:
        # The refunded part is the sale's ticket: its buyer, event, time and channel.
        con.execute(
            """UPDATE checked SET patron_id = s.patron_id, event_id = s.event_id, purchased_at = s.purchased_at,
                   starts_at = s.starts_at, currency = s.currency, channel = s.channel, unit_price = p.unit_price,
                   ticket_id = coalesce(p.ticket_id, checked.ticket_id)
            FROM (SELECT unnest($line) AS line_no, unnest($sale) AS sale_line,
                         CAST(unnest($price) AS DECIMAL(10,2)) AS unit_price, unnest($ticket) AS ticket_id) p
                 JOIN (SELECT line_no, patron_id, event_id, purchased_at, starts_at, currency, channel
                       FROM checked) s ON s.line_no = p.sale_line
            WHERE checked.line_no = p.line_no""",
            {"line": [o.line_no for o in splits], "sale": [o.sale.line_no for o in splits if o.sale],
             "price": [str(o.price) for o in splits], "ticket": [o.new_ticket_id for o in splits]})
    if sales:
        con.execute(
            """UPDATE checked SET quantity = s.quantity, unit_price = s.unit_price, status = s.status
            FROM (SELECT unnest($line) AS line_no, unnest($quantity) AS quantity,
                         CAST(unnest($price) AS DECIMAL(10,2)) AS unit_price, unnest($status) AS status) s
            WHERE checked.line_no = s.line_no""",
            {"line": [s.line_no for s in sales], "quantity": [s.seats for s in sales],
             "price": [str(s.price) for s in sales], "status": [s.status for s in sales]})
    con.execute("""UPDATE checked SET merged = true
                   WHERE line_no IN (SELECT line_no FROM refund_outcome WHERE outcome IN ('whole', 'reduced'))""")
    if any(o.outcome == "exceeds" for o in outcomes):
        reject_lines(con, info, "SELECT line_no FROM refund_outcome WHERE outcome = 'exceeds'", "refund_exceeds_sale")


def reject_lines(con: duckdb.DuckDBPyConnection, info: SourceInfo, lines: str, reason: str, *,
                 named: bool = False) -> None:
    """Reject the rows of ``checked`` whose line numbers the query ``lines`` gives, for ``reason``,
    with their lines read again from the source for the rejects file (``named``: no longer counted
    as a sale naming nobody, since the reason is theirs)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE rejected_raw AS SELECT line_no, raw FROM "
                f"{info.lines_where(f'line_no IN ({lines})')}", info.params)
    con.execute(f"""UPDATE checked SET reasons = list_append(reasons, $reason), raw = r.raw
                    {', unnamed = false' if named else ''}
                    FROM rejected_raw r WHERE checked.line_no = r.line_no""", {"reason": reason})
