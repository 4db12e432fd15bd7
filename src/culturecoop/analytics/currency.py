"""Each member's currency: the one most of its sold tickets are priced in, how its amounts are written.

One query for the whole cooperative, kept until the data changes: a member's reports, its pages
outside the report tabs and the benchmark (which compares amounts only within one currency) read it.
"""

from __future__ import annotations

from culturecoop.warehouse.sql_engine import SqlEngine

DEFAULT = "CAD"
# Every member's currencies with their sold tickets, most tickets first.
TICKET_CURRENCIES = """
SELECT member_id, currency, CAST(sum(quantity) AS BIGINT) AS tickets FROM ticket
WHERE status = 'sold' GROUP BY member_id, currency ORDER BY member_id, tickets DESC, currency
"""


def currencies(engine: SqlEngine) -> dict[str, list[tuple[str, int]]]:
    """member → [(currency, tickets)], the member's main currency first."""
    def compute() -> dict[str, list[tuple[str, int]]]:
        found: dict[str, list[tuple[str, int]]] = {}
        for row in engine.rows(TICKET_CURRENCIES):
            found.setdefault(str(row["member_id"]), []).append((str(row["currency"]), int(row["tickets"] or 0)))
        return found

    return engine.remember(("analytics", "currencies"), compute)


def main_currency(engine: SqlEngine, member: str) -> str:
    """The currency most of ``member``'s tickets are priced in (CAD when it has none)."""
    found = currencies(engine).get(member)
    return found[0][0] if found else DEFAULT
