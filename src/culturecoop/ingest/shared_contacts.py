"""Addresses, phones and accounts that are nobody's own.

A box office types its own address (« billetterie@… ») for the walk-in buyer who gives none, a
reseller its relay address, a venue its « client comptoir » account: one value written for many
different people. Read as they are, every walk-in becomes one patron who comes a hundred times,
the retention and segment figures follow that one patron, and the cooperative's linkage joins
everyone who carries the address into one person.

So, after the order's first line has lent its buyer to the order's other lines (``ingest.rows``),
a value is *shared* when it is written under at least ``SHARED_NAMES`` different names in at least
``SHARED_ORDERS`` different orders (purchase moments when the export numbers no order): a family
buying for its members, or one group booking under thirty names, stays one buyer's.

- a shared patron id (the customer number, or the e-mail or phone standing in for it) identifies
  nobody: each name written with it is a patron of its own, and its lines naming nobody are sales
  naming nobody (``unnamed``);
- a shared e-mail or phone is nobody's: the patron record keeps none (no campaign goes to it, no
  linkage follows it).

``prepare`` and ``mapping check`` say which, with how many lines and names.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from culturecoop.i18n import _, count, plural
from culturecoop.ingest.source import SourceInfo

# A value written under at least this many different names ...
SHARED_NAMES = 10
# ... in at least this many different orders (or purchase moments) is nobody's own.
SHARED_ORDERS = 3


def contact_key(column: str) -> str:
    """SQL of the key an e-mail or phone is compared by here: the value as written (a box office
    types its own address and number the same way each time)."""
    return f"hash({column})"

# The kinds of value looked at: the patron id, and the e-mail's and phone's keys of the line.
_KINDS = {"patron_id": "CASE WHEN patron_id IS NOT NULL THEN hash(patron_id) END", "email": "contact_email",
          "phone": "contact_phone"}


# What tells one purchase from another: its order, else its moment.
_ORDER = "coalesce(order_id, strftime(purchased_at, '%Y-%m-%d %H:%M'))"


@dataclass(frozen=True)
class SharedContact:
    """Values of one ``kind`` written for many people: how many values, lines and names in all; ``nameless``
    when they are never written with a name (the box office's account, ``orders`` its sales)."""

    kind: str
    values: int
    lines: int
    names: int
    nameless: bool = False
    orders: int = 0


def find_shared_contacts(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    """Create ``shared_contact(kind, key, lines, names)`` from ``checked`` and apply it: lines of a
    shared patron id get a patron of their own per name written, or none (see the module)."""
    # A value needs that many lines first (a cheap test that leaves few); then its names and orders
    # are counted on its own lines only.
    candidates = " UNION ALL ".join(
        f"""SELECT '{kind}' AS kind, {key} AS key FROM checked
            WHERE {key} IS NOT NULL AND reasons IS NOT NULL
            GROUP BY {key} HAVING count(*) >= {SHARED_NAMES}
                               AND (min(name_key) <> max(name_key) OR count(name_key) = 0)"""
        for kind, key in _KINDS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE shared_candidate AS {candidates}")
    if con.execute("SELECT count(*) FROM shared_candidate").fetchall()[0][0]:
        # An order's lines that leave the name to its first line take that line's.
        con.execute(
            """UPDATE checked SET name_key = o.name_key
            FROM (SELECT order_id, patron_id, arg_min(name_key, line_no) AS name_key FROM checked
                  WHERE name_key IS NOT NULL AND order_id IN (
                      SELECT order_id FROM checked WHERE name_key IS NULL AND order_id IS NOT NULL)
                  GROUP BY order_id, patron_id) o
            WHERE checked.name_key IS NULL AND checked.order_id = o.order_id AND checked.patron_id = o.patron_id""")
    # A value never written with a name, in an export that names most of its buyers, is the box office's
    # (« GUICHET », « Client comptoir », its own address on each sale to a walk-in): nobody's either.
    named = con.execute("SELECT avg((name_key IS NOT NULL)::INTEGER) >= 0.5 FROM checked "
                        "WHERE reasons IS NOT NULL").fetchall()[0][0]
    nameless = f"OR (count(name_key) = 0 AND count(DISTINCT {_ORDER}) >= {SHARED_NAMES})" if named else ""
    counted = " UNION ALL ".join(
        f"""SELECT '{kind}' AS kind, {key} AS key, count(*) AS lines, count(DISTINCT name_key) AS names,
                   count(DISTINCT {_ORDER}) AS orders
            FROM checked WHERE {key} IN (SELECT key FROM shared_candidate WHERE kind = '{kind}')
              AND reasons IS NOT NULL AND NOT list_contains(reasons, 'malformed_line')
            GROUP BY {key}
            HAVING (count(DISTINCT name_key) >= {SHARED_NAMES} AND count(DISTINCT {_ORDER}) >= {SHARED_ORDERS})
                   {nameless}"""
        for kind, key in _KINDS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE shared_contact AS {counted}")
    if not con.execute("SELECT count(*) FROM shared_contact WHERE kind = 'patron_id'").fetchall()[0][0]:
        return
    # Each name written with a shared patron id is a patron of its own, named by the shared id and the
    # name as written (lower case), read again from its lines; a line naming nobody is a sale naming
    # nobody (accepted as an admission by ``rows.accept_unnamed``).
    def shared(column: str) -> str:
        return f"{column} IS NOT NULL AND hash({column}) IN (SELECT key FROM shared_contact WHERE kind = 'patron_id')"

    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE shared_name AS
        SELECT c.name_key, any_value(lower(concat_ws(' ', l.first_name, l.last_name, l.full_name))) AS name
        FROM checked c JOIN {info.lines_where(f"line_no IN (SELECT line_no FROM checked WHERE {shared('patron_id')})")} l
             USING (line_no)
        WHERE c.name_key IS NOT NULL AND hash(l.first_name, l.last_name, l.full_name) = c.name_key
        GROUP BY c.name_key""", info.params)
    con.execute(
        f"""UPDATE checked SET
               patron_id = CASE WHEN m.name IS NOT NULL THEN checked.patron_id || ' · ' || m.name END,
               reasons = CASE WHEN m.name IS NOT NULL OR checked.reasons IS NULL
                                   OR list_contains(checked.reasons, 'anonymous_sale')
                              THEN checked.reasons ELSE list_append(checked.reasons, 'anonymous_sale') END
        FROM (SELECT c.line_no, n.name FROM checked c LEFT JOIN shared_name n USING (name_key)
              WHERE {shared("c.patron_id")}) m
        WHERE checked.line_no = m.line_no""")

def shared_contacts(con: duckdb.DuckDBPyConnection) -> list[SharedContact]:
    """What ``find_shared_contacts`` found, per kind."""
    rows = con.execute(
        """SELECT kind, names = 0 AS nameless, count(*), sum(lines), sum(names), sum(orders) FROM shared_contact
        GROUP BY ALL ORDER BY kind, nameless""").fetchall()
    return [SharedContact(str(kind), int(values), int(lines), int(names), bool(nameless), int(orders))
            for kind, nameless, values, lines, names, orders in rows]


def shared_contact_warnings(con: duckdb.DuckDBPyConnection, patron_id_from: str) -> list[str]:
    """One sentence per kind of value found shared. ``patron_id_from``: « email » or « phone » when
    the patron id stands in for one of them (the id's sentence is then theirs), else « customer »."""
    every = shared_contacts(con)
    rekeyed = next((f for f in every if f.kind == "patron_id"), None)
    said = []
    for shared in sorted(every, key=lambda f: (("patron_id", "email", "phone").index(f.kind), f.nameless)):
        kind = shared.kind
        if kind == "patron_id" and patron_id_from != "customer":
            continue
        figures = {"n": count(shared.values), "lines": count(shared.lines), "names": count(shared.names),
                   "orders": count(shared.orders)}
        if shared.nameless:
            sentence = _nameless_sentence(shared)
        elif kind == "patron_id":
            sentence = plural(
                shared.values,
                "One customer number is written on {lines} lines under {names} different names: an account shared "
                "by many (the box office's, a reseller's), not one patron's.",
                "{n} customer numbers are written on {lines} lines under {names} different names: accounts shared "
                "by many (the box office's, a reseller's), not patrons'.")
        elif kind == "email":
            sentence = plural(
                shared.values,
                "One e-mail address is written on {lines} lines under {names} different names: an address shared by "
                "many (the box office's, a reseller's), not a patron's. It is kept for none of them: no campaign goes "
                "to it and the cooperative links nobody by it.",
                "{n} e-mail addresses are written on {lines} lines under {names} different names: addresses shared by "
                "many (the box office's, a reseller's), not patrons'. They are kept for none of them: no campaign "
                "goes to them and the cooperative links nobody by them.")
        else:
            sentence = plural(
                shared.values,
                "One phone number is written on {lines} lines under {names} different names: a number shared by many "
                "(the box office's), not a patron's. It is kept for none of them.",
                "{n} phone numbers are written on {lines} lines under {names} different names: numbers shared by many "
                "(the box office's), not patrons'. They are kept for none of them.")
        if rekeyed is not None and kind in ("patron_id", patron_id_from) and shared.nameless:
            sentence += " " + _("Its lines are read as sales naming nobody.")
        elif rekeyed is not None and kind in ("patron_id", patron_id_from):
            sentence += " " + _("Each name written with such a value is read as a patron of its own, and a line "
                                "naming nobody as a sale naming nobody.")
        said.append(sentence.format(**figures))
    return said


def _nameless_sentence(shared: SharedContact) -> str:
    """The sentence for values never written with a name, on many purchases (the box office's own)."""
    if shared.kind == "patron_id":
        return plural(shared.values,
                      "One customer number is written on {lines} lines of {orders} different purchases, never with a "
                      "name, where the other buyers are named: the box office's account for buyers it did not ask "
                      "(“GUICHET”, “Client comptoir”), not one patron.",
                      "{n} customer numbers are written on {lines} lines of {orders} different purchases, never with "
                      "a name, where the other buyers are named: the box office's accounts for buyers it did not ask "
                      "(“GUICHET”, “Client comptoir”), not patrons.")
    if shared.kind == "email":
        return plural(shared.values,
                      "One e-mail address is written on {lines} lines of {orders} different purchases, never with a "
                      "name, where the other buyers are named: the box office's own address, not a patron's. It is "
                      "kept for none of them: no campaign goes to it and the cooperative links nobody by it.",
                      "{n} e-mail addresses are written on {lines} lines of {orders} different purchases, never with "
                      "a name, where the other buyers are named: the box office's own addresses, not patrons'. They "
                      "are kept for none of them: no campaign goes to them and the cooperative links nobody by them.")
    return plural(shared.values,
                  "One phone number is written on {lines} lines of {orders} different purchases, never with a name, "
                  "where the other buyers are named: the box office's own number, not a patron's. It is kept for "
                  "none of them.",
                  "{n} phone numbers are written on {lines} lines of {orders} different purchases, never with a "
                  "name, where the other buyers are named: the box office's own numbers, not patrons'. They are kept "
                  "for none of them.")
