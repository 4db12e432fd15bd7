"""Settling the rows of ``checked`` the way real exports need, after every row was checked.

Run in this order by ``settle_rows``:

1. **Summary rows** (a trailing ``Total`` / ``Grand Total`` / ``Sous-total`` line that fails
   the rules, or a report's page footer ``Page 2 / 3``) are not rows: they leave the count, like
   blank lines, and are counted apart.
   **An order's status written on its first line only** (Shopify's order export leaves the
   financial status empty on an order's other lines) is the status of the order's other lines
   whose status cell is empty; a label nobody knows stays a ``bad_status``.
2. **Refunds** exported as negative rows are applied to the sale they refund: the sale with the
   same ticket id, else a sale of the same order, event and amount (one refund per sale). The
   sale becomes ``refunded``; the refund row is *merged* (accepted, but no ticket of its own). A
   refund that matches no sale of the export stays as a refunded ticket.
3. **Order lines**: when the export has no ticket number, each order's lines are numbered in
   file order (``order#1``, ``order#2``; refund lines ``order#r1``), so a re-export gives the
   same ids.
4. **Duplicates**: a ticket id used by two rows keeps the first valid one.
"""

from __future__ import annotations

import duckdb

from culturecoop.ingest.source import SourceInfo

_ACCEPTED = "len(reasons) = 0 AND NOT merged"
# A cell that is nothing but a total's label (accents folded, lower case).
_TOTAL_CELL = ("(^|[,;\\t|\"])\\s*(grand total|total general|totaux|total|sous-total|sous total|"
               "subtotal|sub-total|somme|sum"
               # A report's page footer: "Page 2 / 3", "Page 2 of 3", "Page 2 sur 3".
               "|page\\s+[0-9]+(\\s*(/|of|sur|de)\\s*[0-9]+)?)\\s*:?\\s*(\"|[,;\\t|]|$)")


def settle_rows(con: duckdb.DuckDBPyConnection, info: SourceInfo, *, numbered: bool) -> None:
    """Apply the four steps of the module's doc to ``checked``."""
    _skip_summary_rows(con)
    _order_status_on_first_line(con)
    _apply_refunds(con)
    if numbered:
        _number_order_lines(con)
    mark_duplicates(con, info)


def _skip_summary_rows(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""UPDATE checked SET reasons = NULL, summary_row = true
        WHERE len(reasons) > 0
          AND (list_contains(reasons, 'malformed_line') OR list_contains(reasons, 'missing_ticket_id')
               OR list_contains(reasons, 'missing_patron_id') OR list_contains(reasons, 'bad_purchased_at'))
          AND regexp_matches(strip_accents(lower(raw)), '{_TOTAL_CELL}')"""
    )


def _order_status_on_first_line(con: duckdb.DuckDBPyConnection) -> None:
    if not con.execute("SELECT count(*) FROM checked WHERE status IS NULL AND status_blank AND order_id IS NOT NULL"
                       ).fetchall()[0][0]:
        return
    con.execute(
        """UPDATE checked SET status = o.status,
                              reasons = list_filter(checked.reasons, lambda r: r <> 'bad_status'),
                              raw = CASE WHEN len(list_filter(checked.reasons, lambda r: r <> 'bad_status')) > 0
                                         THEN checked.raw END
        FROM (SELECT order_id, arg_min(status, line_no) AS status FROM checked
              WHERE status IS NOT NULL AND order_id IS NOT NULL AND NOT refund GROUP BY order_id) o
        WHERE checked.status IS NULL AND checked.status_blank AND checked.order_id = o.order_id
          AND list_contains(checked.reasons, 'bad_status')"""
    )


def _apply_refunds(con: duckdb.DuckDBPyConnection) -> None:
    if not con.execute(f"SELECT count(*) FROM checked WHERE {_ACCEPTED} AND refund").fetchall()[0][0]:
        return
    con.execute(
        f"""CREATE TEMP TABLE refund_match AS
        WITH refunds AS (SELECT line_no, ticket_id, order_id, event_id, unit_price FROM checked
                         WHERE {_ACCEPTED} AND refund),
             sales AS (SELECT line_no, ticket_id, order_id, event_id, unit_price FROM checked
                       WHERE {_ACCEPTED} AND NOT refund),
             by_ticket AS (SELECT r.line_no AS refund_line, min(s.line_no) AS sale_line
                           FROM refunds r JOIN sales s ON r.ticket_id = s.ticket_id
                           GROUP BY r.line_no),
             r2 AS (SELECT *, row_number() OVER (PARTITION BY order_id, event_id, unit_price ORDER BY line_no) AS k
                    FROM refunds WHERE order_id IS NOT NULL
                      AND line_no NOT IN (SELECT refund_line FROM by_ticket)),
             -- Only the orders a refund names are numbered: the others could match no refund, and
             -- numbering within an order does not depend on the other orders.
             s2 AS (SELECT *, row_number() OVER (PARTITION BY order_id, event_id, unit_price ORDER BY line_no) AS k
                    FROM sales WHERE order_id IN (SELECT order_id FROM r2)
                      AND line_no NOT IN (SELECT sale_line FROM by_ticket))
        SELECT refund_line, sale_line FROM by_ticket
        UNION ALL
        SELECT r2.line_no, s2.line_no FROM r2 JOIN s2 USING (order_id, event_id, unit_price, k)"""
    )
    con.execute("UPDATE checked SET status = 'refunded' WHERE line_no IN (SELECT sale_line FROM refund_match)")
    con.execute("UPDATE checked SET merged = true WHERE line_no IN (SELECT refund_line FROM refund_match)")


def _number_order_lines(con: duckdb.DuckDBPyConnection) -> None:
    # Rejected lines keep their place too: fixing one later does not renumber the others.
    con.execute(
        """UPDATE checked SET ticket_id = n.ticket_id
        FROM (SELECT line_no, order_id || '#' || CASE WHEN refund THEN 'r' ELSE '' END
                     || row_number() OVER (PARTITION BY order_id, refund ORDER BY line_no) AS ticket_id
              FROM checked
              WHERE reasons IS NOT NULL AND NOT merged AND order_id IS NOT NULL
                AND NOT list_contains(reasons, 'malformed_line')) n
        WHERE checked.line_no = n.line_no"""
    )


def mark_duplicates(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Add ``duplicate_ticket`` to every row whose ticket id an earlier or valid row already uses.

    Among the rows sharing a ticket id, the first row that passes every other rule is kept;
    preferring a valid row means a broken first copy never costs a good second one. Merged
    refunds are not tickets and take no part. The raw lines of the rows marked are read again
    from the source for the rejects file.
    """
    con.execute(
        """CREATE TEMP TABLE duplicates AS
        SELECT line_no FROM (
            SELECT line_no, row_number() OVER (
                PARTITION BY ticket_id ORDER BY len(reasons) > 0, line_no) AS k
            FROM checked
            WHERE ticket_id IN (
                SELECT ticket_id FROM checked
                WHERE ticket_id IS NOT NULL AND NOT merged AND NOT list_contains(reasons, 'malformed_line')
                GROUP BY ticket_id HAVING count(*) > 1)
              AND NOT merged AND NOT list_contains(reasons, 'malformed_line'))
        WHERE k > 1"""
    )
    if not con.execute("SELECT count(*) FROM duplicates").fetchall()[0][0]:
        return
    con.execute(
        f"""CREATE TEMP TABLE duplicate_raw AS
        SELECT line_no, raw FROM {info.lines_where("line_no IN (SELECT line_no FROM duplicates)")}""",
        info.params,
    )
    con.execute(
        """UPDATE checked SET reasons = list_append(reasons, 'duplicate_ticket'), raw = d.raw
        FROM duplicate_raw d WHERE checked.line_no = d.line_no"""
    )
