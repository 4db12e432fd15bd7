"""Money given back, read from a column beside the amount paid (``refunded_amount``; ``rows.settle_rows``, last).

Ticket Tailor's "Refunded amount", Zeffy's "Refunded Amount", WooCommerce's "Order Refund Amount", « Montant
remboursé »: $0.00 on most rows, the money given back on the others, written negative or positive. It
is a row's own (``refunded_amount_per: row``, the default) or its order's (``refunded_amount_per: order``:
written on each of the order's lines, or on its first only). For each row, or each order, the amount given
back is first what its statuses already say: the amounts of its lines marked refunded or cancelled. What is
left of it comes off the lines sold, as ``ingest.refunds`` takes a refund row off its sale:

- **none** left: the statuses said it all (a « Refunded » order whose amount says so too, or more: Shopify's
  « Refunded Amount » of a refunded order counts its taxes, which its lines' prices leave out);
- **all** the lines sold are worth: they become ``refunded`` (a « Completed » row refunded in whole), their
  price kept, as a wholly refunded sale keeps it;
- **seats**: a whole number of one line's seats, at its price (« 25,00 » given back of an order of « 3 × 25,00 »,
  a Shopify ``partially_refunded`` order): those seats are refunded, the line's others stay sold at its price
  (as a refund row of some seats splits its sale, ``ingest.refunds``): the refunded seats become a ticket of
  their own, kept in ``refunded_seats`` (the columns of ``checked``) and added to the package's tickets;
- **part** of it: the lines stay ``sold``, each at its price less its share, shared in proportion to what each
  line paid, in cents, so that the shares add up to what was given back to the cent (the seats of one line
  share its own in equal parts, rounded to the cent as its price is);
- **more** than they are worth: the lines that write the amount are rejected (``refund_exceeds_paid``), the
  export's figures left as they were. An order holding a line whose status or amount is unknown (rejected for
  it) is not judged so: its lines sold take what they can.

A line whose status says its order was partly refunded (Shopify's ``partially_refunded``, « Partiellement
remboursé ») whose refund is not read — no refunded amount mapped, or none written for its order — keeps its
seats sold at an **unknown** price: its full price was not what was paid, and what was is not written (so the
money figures leave it out rather than count the whole; ``prepare`` says how many).

Each line changed is kept in ``refunded_share (line_no, outcome, seats, amount, currency)``, the seats it refunded
and the money it gave back, for ``prepare`` to say.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import duckdb

from culturecoop.i18n import count, plural
from culturecoop.ingest.refunds import reject_lines
from culturecoop.ingest.source import SourceInfo

CENT = Decimal("0.01")
# The status ``validate`` reads a partial refund counted as a sale as, until ``checked`` says ``sold`` and ``partial``.
PARTIAL = "sold (partially refunded)"
# A checkout never paid, read as cancelled and counted apart (``labels.UNPAID_WORDS``).
UNPAID = "cancelled (never paid)"
# The statuses whose amount left the figures already (``ingest.validate``'s canonical values).
_GIVEN_BACK = ("refunded", "cancelled")


@dataclass
class _Line:
    line_no: int
    unit: tuple[str, str]  # ("row", line) or ("order", order id): what the refunded amount is of
    seats: int
    worth: Decimal | None  # what the row paid, as the export writes it (None: not an amount)
    status: str | None
    currency: str | None
    refunded: Decimal | None  # as written on this line (None: empty)
    accepted: bool


@dataclass
class _Change:
    line_no: int
    outcome: str  # whole, seats, part or exceeds
    seats: int = 0
    amount: Decimal = Decimal(0)  # given back on the line
    price: Decimal | None = None  # the line's new price of one seat (part)
    currency: str | None = None


def apply_refunded_amounts(con: duckdb.DuckDBPyConnection, info: SourceInfo, *, mapped: bool, per_order: bool) -> None:
    """Take each row's (or order's) refunded amount off its lines, as the module's doc says (``mapped``:
    whether the mapping reads a refunded amount at all; ``refunded_share`` is made either way)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE refunded_share (line_no BIGINT, outcome VARCHAR, seats BIGINT,
                   amount DECIMAL(18,2), currency VARCHAR)""")
    con.execute("CREATE OR REPLACE TEMP TABLE refunded_seats AS SELECT * FROM checked LIMIT 0")
    if mapped:
        _take_refunded_amounts(con, info, per_order)
    _unknown_partial_refunds(con, per_order=mapped and per_order)


def _unknown_partial_refunds(con: duckdb.DuckDBPyConnection, *, per_order: bool) -> None:
    """The lines of a partly refunded order (their own status, or their order's on its first line) whose refund
    is read nowhere: their price is unknown, not the full price."""
    refunded_orders = ("OR order_id IN (SELECT order_id FROM checked WHERE refunded > 0 AND order_id IS NOT NULL)"
                       if per_order else "")
    con.execute(
        f"""INSERT INTO refunded_share SELECT line_no, 'unknown', quantity, 0, currency FROM checked
        WHERE status = 'sold' AND unit_price > 0 AND len(reasons) = 0
          AND (partial OR (status_blank AND order_id IN (
              SELECT order_id FROM checked WHERE partial AND order_id IS NOT NULL)))
          AND NOT (coalesce(refunded > 0, false) {refunded_orders})
          AND line_no NOT IN (SELECT line_no FROM refunded_share)""")
    if con.execute("SELECT count(*) FROM refunded_share WHERE outcome = 'unknown'").fetchall()[0][0]:
        con.execute("UPDATE checked SET unit_price = NULL FROM refunded_share s "
                    "WHERE s.outcome = 'unknown' AND checked.line_no = s.line_no")


def _take_refunded_amounts(con: duckdb.DuckDBPyConnection, info: SourceInfo, per_order: bool) -> None:
    # The rows that write a refund, and (per order) every line of their orders; refund rows and malformed
    # lines take no part (a refund row refunds its sale itself, ``ingest.refunds``).
    unit = "CASE WHEN order_id IS NOT NULL THEN order_id END" if per_order else "NULL"
    taking = "reasons IS NOT NULL AND NOT refund AND NOT list_contains(reasons, 'malformed_line')"
    rows = con.execute(
        f"""SELECT line_no, {unit} AS unit, quantity, row_worth, status, currency, refunded,
                   len(reasons) = 0 AND NOT merged AS accepted
        FROM checked
        WHERE {taking} AND (refunded > 0 OR ({unit}) IN (
            SELECT {unit} FROM checked WHERE {taking} AND refunded > 0))
        ORDER BY line_no""").fetchall()
    units: dict[tuple[str, str], list[_Line]] = defaultdict(list)
    for line_no, order, seats, worth, status, currency, refunded, accepted in rows:
        key = ("order", str(order)) if order is not None else ("row", str(line_no))
        units[key].append(_Line(int(line_no), key, int(seats or 0), None if worth is None else Decimal(worth),
                                status, currency, None if refunded is None else Decimal(refunded), bool(accepted)))
    changes = [change for lines in units.values() for change in _settle(lines)]
    if changes:
        _write_back(con, info, changes)


def _given_back(lines: list[_Line]) -> Decimal:
    """What the unit's lines say was given back: one amount written on each (or on one) of them, else their sum."""
    written = [line.refunded for line in lines if line.refunded is not None]
    return written[0] if len(set(written)) == 1 else sum(written, Decimal(0))


def _settle(lines: list[_Line]) -> list[_Change]:
    given = _given_back(lines)
    said = sum((line.worth or Decimal(0) for line in lines if line.status in _GIVEN_BACK), Decimal(0))
    rest = (given - said).quantize(CENT, ROUND_HALF_UP)
    if rest <= 0:
        return []
    sold = [line for line in lines if line.status == "sold" and line.worth is not None and line.worth > 0]
    if not sold and said > 0:
        return []  # every line given back already: the rest is taxes, fees or shipping the prices leave out
    worth = sum((line.worth for line in sold if line.worth is not None), Decimal(0))
    judged = all(line.status is not None and line.worth is not None for line in lines)
    if rest > worth:
        if judged:
            return [_Change(line.line_no, "exceeds") for line in lines if line.refunded]
        rest = worth  # a line rejected for its status or amount may be what was refunded: the others give all
    if rest <= 0:
        return []
    if rest == worth:
        return [_Change(line.line_no, "whole", line.seats, line.worth or Decimal(0), currency=line.currency)
                for line in sold if line.accepted]
    seats = _seats_given_back(rest, sold)
    if seats is not None:
        return [seats]
    changes = []
    for line, share in zip(sold, _shares(rest, [line.worth or Decimal(0) for line in sold]), strict=True):
        if not line.accepted or not share:
            continue
        price = ((line.worth or Decimal(0)) - share) / max(line.seats, 1)
        changes.append(_Change(line.line_no, "part", line.seats, share, price.quantize(CENT, ROUND_HALF_UP),
                               line.currency))
    return changes


def _seats_given_back(rest: Decimal, sold: list[_Line]) -> _Change | None:
    """The seats of one line that ``rest`` gives back at that line's price (the last such line of the order), or
    None: a partly refunded order of several seats is some seats refunded, not every seat sold for less."""
    for line in reversed(sold):
        if not line.accepted or line.worth is None or line.seats < 1:
            continue
        price = (line.worth / line.seats).quantize(CENT, ROUND_HALF_UP)
        if price <= 0:
            continue
        seats, left = divmod(rest, price)
        if left == 0 and 1 <= seats <= line.seats:
            outcome = "whole" if seats == line.seats else "seats"
            return _Change(line.line_no, outcome, int(seats), rest, price, line.currency)
    return None


def _shares(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` shared in proportion to ``weights``, in cents that add up to it (largest remainders first)."""
    cents = int((amount / CENT).to_integral_value(ROUND_HALF_UP))
    total = sum(weights, Decimal(0))
    exact = [Decimal(cents) * w / total for w in weights]
    floors = [int(e) for e in exact]
    left = cents - sum(floors)
    for i in sorted(range(len(weights)), key=lambda i: (floors[i] - exact[i], i))[:left]:
        floors[i] += 1
    return [Decimal(n) * CENT for n in floors]


def _write_back(con: duckdb.DuckDBPyConnection, info: SourceInfo, changes: list[_Change]) -> None:
    con.execute(
        """INSERT INTO refunded_share SELECT * FROM (
            SELECT unnest($line) AS line_no, unnest($outcome) AS outcome, unnest($seats) AS seats,
                   CAST(unnest($amount) AS DECIMAL(18,2)) AS amount, unnest($currency) AS currency)""",
        {"line": [c.line_no for c in changes], "outcome": [c.outcome for c in changes],
         "seats": [c.seats for c in changes], "amount": [str(c.amount) for c in changes],
         "currency": [c.currency for c in changes]})
    con.execute("UPDATE checked SET status = 'refunded' FROM refunded_share s "
                "WHERE s.outcome = 'whole' AND checked.line_no = s.line_no")
    if any(c.outcome == "seats" for c in changes):
        # The seats refunded: a ticket of their own (the line's, « #r1 » after its number); the line keeps the others.
        con.execute("""INSERT INTO refunded_seats SELECT c.* REPLACE (s.seats AS quantity, 'refunded' AS status,
                           c.ticket_id || '#r1' AS ticket_id)
                       FROM checked c JOIN refunded_share s USING (line_no) WHERE s.outcome = 'seats'""")
        con.execute("UPDATE checked SET quantity = checked.quantity - s.seats FROM refunded_share s "
                    "WHERE s.outcome = 'seats' AND checked.line_no = s.line_no")
    parts = [c for c in changes if c.outcome == "part"]
    if parts:
        con.execute(
            """UPDATE checked SET unit_price = p.price
            FROM (SELECT unnest($line) AS line_no, CAST(unnest($price) AS DECIMAL(10,2)) AS price) p
            WHERE checked.line_no = p.line_no""",
            {"line": [c.line_no for c in parts], "price": [str(c.price) for c in parts]})
    if any(c.outcome == "exceeds" for c in changes):
        reject_lines(con, info, "SELECT line_no FROM refunded_share WHERE outcome = 'exceeds'", "refund_exceeds_paid",
                     named=True)


def unpaid_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """How many accepted lines were checkouts never paid (``UNPAID``), left out of the sales as cancelled."""
    (seats, lines), = con.execute(
        "SELECT coalesce(sum(quantity), 0)::BIGINT, count(*) FROM checked WHERE unpaid AND len(reasons) = 0").fetchall()
    if not lines:
        return []
    return [plural(int(seats),
                   "One ticket was never paid (its status says the payment is pending, not made or abandoned): it is "
                   "read as cancelled, neither a sale nor an admission.",
                   "{n} tickets were never paid (their status says the payment is pending, not made or abandoned): "
                   "they are read as cancelled, neither sales nor admissions.").format(n=count(int(seats)))]
