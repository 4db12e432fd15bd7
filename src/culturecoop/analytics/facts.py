"""Derived tables the reports read, rebuilt from the canonical model after ingest or link.

The canonical tables are the truth; these are caches that make a report over ten million
tickets take milliseconds instead of seconds. They are rebuilt (``refresh_facts``) whenever
the warehouse's data version changes — a new package, a new ``link``, a consent decision —
and never edited otherwise. On Spark they are built from the lake as cached views by the same
SQL.

- ``analytics_event``: events with their genres as a bit mask (bit = position in ``GENRES``).
- ``analytics_patron``: each patron record with its cooperative-wide ``person`` number (from
  ``identity``) and ``pooled`` (linked and the patron granted ``pooling``).
- ``analytics_visit``: one row per patron record and event attended (sold tickets only), with
  the patron's postal area, how far it lives from the venue, whether the record came back later
  and the day of its next event there.
- ``analytics_order``: one row per order (its revenue, the day of its first event).
- ``analytics_window``: the months the month masks cover and the data's as-of date.
- ``analytics_record``: one row per patron record: first and last visit, totals, and for the
  last 62 months a month mask of activity (``active``) and one per genre (``g_<genre>``).
- ``analytics_pool``: the same per member and pooled person; ``analytics_person`` per person.
- ``analytics_member_month``: pooled attendances, tickets and revenue per member and month.
- ``analytics_genre_month``, ``analytics_month``: pooled distinct persons per month and genre.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from culturecoop.schema.taxonomy import GENRES
from culturecoop.warehouse.sql_engine import DuckDBEngine, SqlEngine

# A member's own last sale, a door sale naming nobody included: its export was made about then
# (the end of its own periods). Never after today, as the cooperative's as-of day (``analytics_window``):
# a sale dated in the future is a clock error, not data from then.
MEMBER_LAST_SALE = """
SELECT least(max(bought), current_date) AS bought FROM (
  SELECT CAST(max(last_purchase) AS DATE) AS bought FROM analytics_visit WHERE member_id = $member
  UNION ALL SELECT max(sold_on) FROM unnamed_sale WHERE member_id = $member AND status = 'sold')
"""

# Bump when the SQL below changes: a warehouse built by older code is then rebuilt.
FACTS_VERSION = 12
# Month masks are BIGINT: 62 usable bits (the sign bit and one spare are left alone).
WINDOW_MONTHS = 62
GENRE_BITS: dict[str, int] = {g: i for i, g in enumerate(GENRES)}
OTHER_BIT = GENRE_BITS["other"]
MONTH_ORDINAL = "(year({d}) * 12 + month({d}) - 1)"
# Postal areas that are near one another: a Canadian FSA's first two characters; abroad
# (``FR-750``, ``GB-SW4``) the area less its last digit (a French département, ``US-10``) or a
# British postcode's letters. And the same region: an FSA's first letter, abroad the country.
# Written in the SQL that DuckDB and Spark both read.
NEAR = ("(CASE WHEN substr({a}, 1, 3) = 'GB-' THEN regexp_extract({a}, '^GB-[A-Z]+', 0) "
        "WHEN instr({a}, '-') > 0 THEN substr({a}, 1, length({a}) - 1) ELSE substr({a}, 1, 2) END)")
REGION = "(CASE WHEN instr({a}, '-') > 0 THEN substr({a}, 1, instr({a}, '-') - 1) ELSE substr({a}, 1, 1) END)"


def genre_column(genre: str) -> str:
    """Name of the month-mask column of one genre in ``analytics_record``/``analytics_person``."""
    return f"g_{genre}"


def _genre_values() -> str:
    return ", ".join(f"('{g}', {i})" for g, i in GENRE_BITS.items())


def _genre_month_masks() -> str:
    return ",\n  ".join(
        f"bit_or(CASE WHEN v.mo BETWEEN w.window_start AND w.window_end AND ((v.genre_mask >> {bit}) & 1) = 1 "
        f"THEN CAST(1 AS BIGINT) << (v.mo - w.window_start) ELSE CAST(0 AS BIGINT) END) AS {genre_column(g)}"
        for g, bit in GENRE_BITS.items()
    )


def _merged_masks() -> str:
    return ", ".join(f"bit_or({genre_column(g)}) AS {genre_column(g)}" for g in GENRES)


FACTS: tuple[tuple[str, str], ...] = (
    ("analytics_genre", f"SELECT genre, bit FROM (VALUES {_genre_values()}) AS g(genre, bit)"),
    (
        "analytics_event",
        f"""
WITH labels AS (
  SELECT e.member_id, e.event_id, lbl.genre FROM event AS e, UNNEST(e.genres) AS lbl(genre)
), masks AS (
  SELECT l.member_id, l.event_id, bit_or(CAST(1 AS BIGINT) << g.bit) AS genre_mask
  FROM labels AS l JOIN analytics_genre AS g ON g.genre = l.genre
  GROUP BY l.member_id, l.event_id
), last_sales AS (
  -- An event whose export gave no start time (Eventbrite's orders) is dated by its last sale.
  SELECT member_id, event_id, max(day) AS last_sale FROM (
    SELECT member_id, event_id, CAST(purchased_at AS DATE) AS day FROM ticket WHERE status = 'sold'
    UNION ALL SELECT member_id, event_id, sold_on FROM unnamed_sale WHERE status = 'sold'
  ) AS d GROUP BY member_id, event_id
)
SELECT e.member_id, e.event_id, e.title, e.starts_at,
       coalesce(CAST(e.starts_at AS DATE), s.last_sale) AS event_day,
       (e.starts_at IS NULL) AS day_from_sales,
       e.capacity, e.is_local, upper(e.venue_fsa) AS venue_fsa,
       coalesce(m.genre_mask, CAST(1 AS BIGINT) << {OTHER_BIT}) AS genre_mask
FROM event AS e
LEFT JOIN masks AS m ON m.member_id = e.member_id AND m.event_id = e.event_id
LEFT JOIN last_sales AS s ON s.member_id = e.member_id AND s.event_id = e.event_id
""",
    ),
    (
        "analytics_patron",
        """
WITH keys AS (
  SELECT patron_key, CAST(row_number() OVER (ORDER BY patron_key) AS INTEGER) AS person
  FROM (SELECT DISTINCT patron_key FROM identity) AS k
), pooling AS (
  SELECT member_id, member_patron_id, granted FROM consent WHERE purpose = 'pooling'
), records AS (
  -- Buyers without a patron row still count as records of their member.
  SELECT member_id, member_patron_id FROM patron
  UNION
  SELECT DISTINCT member_id, member_patron_id FROM ticket
)
SELECT r.member_id, r.member_patron_id,
       CAST(row_number() OVER (ORDER BY r.member_id, r.member_patron_id) AS INTEGER) AS rid,
       upper(p.fsa) AS fsa, k.person,
       (k.person IS NOT NULL AND coalesce(c.granted, false)) AS pooled
FROM records AS r
LEFT JOIN patron AS p ON p.member_id = r.member_id AND p.member_patron_id = r.member_patron_id
LEFT JOIN identity AS i ON i.member_id = r.member_id AND i.member_patron_id = r.member_patron_id
LEFT JOIN keys AS k ON k.patron_key = i.patron_key
LEFT JOIN pooling AS c ON c.member_id = r.member_id AND c.member_patron_id = r.member_patron_id
""",
    ),
    (
        # One row per patron record and event; came_back: the record attended a later event of
        # the member (at any time), next_day the day of that next event; first_visit: this is the
        # record's first event there.
        "analytics_visit",
        f"""
WITH v AS (
  SELECT t.member_id, t.member_patron_id, max(p.rid) AS rid, max(p.person) AS person,
         coalesce(bool_or(p.pooled), false) AS pooled, t.event_id,
         coalesce(max(e.event_day), CAST(max(t.purchased_at) AS DATE)) AS event_day,
         min(t.purchased_at) AS first_purchase, max(t.purchased_at) AS last_purchase,
         CAST(sum(t.quantity) AS BIGINT) AS tickets,
         CAST(sum(t.quantity * t.unit_price) AS DECIMAL(18, 2)) AS revenue,
         coalesce(max(e.genre_mask), CAST(1 AS BIGINT) << {OTHER_BIT}) AS genre_mask,
         max(p.fsa) AS fsa, max(e.venue_fsa) AS venue_fsa
  FROM ticket AS t
  LEFT JOIN analytics_event AS e ON e.member_id = t.member_id AND e.event_id = t.event_id
  LEFT JOIN analytics_patron AS p ON p.member_id = t.member_id AND p.member_patron_id = t.member_patron_id
  WHERE t.status = 'sold'
  GROUP BY t.member_id, t.member_patron_id, t.event_id
), ranked AS (
  SELECT v.*,
         row_number() OVER (PARTITION BY member_id, member_patron_id ORDER BY event_day DESC, event_id DESC) AS from_last,
         lead(event_day) OVER (PARTITION BY member_id, member_patron_id ORDER BY event_day, event_id) AS next_day,
         min(event_day) OVER (PARTITION BY member_id, member_patron_id) AS first_day
  FROM v
)
SELECT member_id, member_patron_id, rid, person, pooled, event_id, event_day, first_purchase,
       last_purchase, tickets, revenue, genre_mask, fsa,
       CASE WHEN fsa IS NULL OR venue_fsa IS NULL OR fsa = '' OR venue_fsa = '' THEN 'unknown'
            WHEN fsa = venue_fsa THEN 'same_fsa'
            WHEN {NEAR.format(a="fsa")} = {NEAR.format(a="venue_fsa")} THEN 'nearby'
            WHEN {REGION.format(a="fsa")} = {REGION.format(a="venue_fsa")}
                 THEN CASE WHEN instr(venue_fsa, '-') > 0 THEN 'same_country' ELSE 'same_region' END
            WHEN instr(venue_fsa, '-') > 0 OR instr(fsa, '-') > 0 THEN 'abroad'
            WHEN instr(fsa, '-') = 0 AND substr(fsa, 1, 1) IN ('G', 'H', 'J') THEN 'elsewhere_in_quebec'
            ELSE 'outside_quebec' END AS distance,
       from_last > 1 AS came_back,
       next_day,
       event_day = first_day AS first_visit,
       first_day,
       {MONTH_ORDINAL.format(d="event_day")} - {MONTH_ORDINAL.format(d="first_day")} AS months_after_first
FROM ranked
ORDER BY member_id, event_day
""",
    ),
    (
        # One row per order: the basket (its revenue) and the day of its first event.
        "analytics_order",
        """
SELECT t.member_id, min(coalesce(e.event_day, CAST(t.purchased_at AS DATE))) AS event_day,
       CAST(sum(t.quantity) AS BIGINT) AS tickets,
       CAST(sum(t.quantity * t.unit_price) AS DECIMAL(18, 2)) AS revenue
FROM ticket AS t
LEFT JOIN analytics_event AS e ON e.member_id = t.member_id AND e.event_id = t.event_id
WHERE t.status = 'sold'
GROUP BY t.member_id, coalesce(t.order_id, t.ticket_id)
ORDER BY t.member_id, event_day
""",
    ),
    (
        # The months the masks cover and the default period's end. A few rows (at most 0.1 %, or
        # 3) dated more than a year after all the others are outliers — a purchase typed as 2099
        # — and move neither: the window and the as-of date come from the body of the data. No
        # sale is later than today: the as-of date is never in the future (a clock set wrong, or
        # a simulated campaign response, would end every member's "last 12 months" weeks ahead).
        "analytics_window",
        f"""
WITH v AS (
  SELECT event_day, bought,
         row_number() OVER (ORDER BY event_day DESC) AS by_day,
         row_number() OVER (ORDER BY bought DESC NULLS LAST) AS by_purchase,
         count(*) OVER () AS n
  FROM (
    SELECT event_day, CAST(last_purchase AS DATE) AS bought FROM analytics_visit
    -- A door sale naming nobody is a sale too (a club's last night may be its latest).
    UNION ALL SELECT e.event_day, u.sold_on FROM unnamed_sale AS u
    JOIN analytics_event AS e ON e.member_id = u.member_id AND e.event_id = u.event_id
    WHERE u.status = 'sold')
), body AS (
  SELECT max(CASE WHEN by_day > greatest(3, CAST(n / 1000 AS BIGINT)) THEN event_day END) AS day_body,
         max(CASE WHEN by_purchase > greatest(3, CAST(n / 1000 AS BIGINT)) THEN bought END) AS bought_body
  FROM v
), kept AS (
  SELECT {MONTH_ORDINAL.format(d="v.event_day")} AS mo, v.event_day,
         CASE WHEN b.bought_body IS NULL OR v.bought <= b.bought_body + INTERVAL 366 DAY THEN v.bought END AS bought
  FROM v CROSS JOIN body AS b
  WHERE b.day_body IS NULL OR v.event_day <= b.day_body + INTERVAL 366 DAY
)
SELECT CAST(greatest(min(mo), max(mo) - {WINDOW_MONTHS - 1}) AS INTEGER) AS window_start,
       CAST(max(mo) AS INTEGER) AS window_end,
       min(event_day) AS first_day, max(event_day) AS last_day,
       CAST(least(max(bought), current_date) AS DATE) AS as_of
FROM kept
""",
    ),
    (
        # One row per patron record (all records: a member's own reports).
        "analytics_record",
        f"""
SELECT v.member_id, v.rid, max(v.person) AS person, bool_or(v.pooled) AS pooled,
  min(v.event_day) AS first_day, max(v.event_day) AS last_day, count(*) AS visits,
  CAST(sum(v.tickets) AS BIGINT) AS tickets, CAST(sum(v.revenue) AS DECIMAL(18, 2)) AS revenue,
  bit_or(CASE WHEN v.mo BETWEEN w.window_start AND w.window_end THEN CAST(1 AS BIGINT) << (v.mo - w.window_start)
              ELSE CAST(0 AS BIGINT) END) AS active,
  {_genre_month_masks()}
FROM (SELECT *, {MONTH_ORDINAL.format(d="event_day")} AS mo FROM analytics_visit) AS v
CROSS JOIN analytics_window AS w
GROUP BY v.member_id, v.rid
ORDER BY v.member_id
""",
    ),
    (
        # One row per member and pooled person (a person's duplicate records at a member merge).
        "analytics_pool",
        f"""
SELECT member_id, person, min(first_day) AS first_day, CAST(sum(visits) AS BIGINT) AS visits,
  CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue, bit_or(active) AS active, {_merged_masks()}
FROM analytics_record WHERE pooled
GROUP BY member_id, person
ORDER BY member_id
""",
    ),
    (
        "analytics_person",
        f"""
SELECT person, min(first_day) AS first_day, CAST(sum(visits) AS BIGINT) AS visits,
  CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue, count(*) AS members,
  bit_or(active) AS active, {_merged_masks()}
FROM analytics_pool GROUP BY person
""",
    ),
    (
        # Pooled figures of each member by month (benchmark sums them over the period).
        "analytics_member_month",
        """
SELECT member_id, CAST(date_trunc('month', event_day) AS DATE) AS month, count(*) AS attendances,
       CAST(sum(tickets) AS BIGINT) AS tickets, CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue
FROM analytics_visit WHERE pooled
GROUP BY member_id, CAST(date_trunc('month', event_day) AS DATE)
""",
    ),
    (
        "analytics_genre_month",
        """
WITH person_month AS (
  SELECT CAST(date_trunc('month', event_day) AS DATE) AS month, person, bit_or(genre_mask) AS genre_mask
  FROM analytics_visit WHERE pooled
  GROUP BY CAST(date_trunc('month', event_day) AS DATE), person
)
SELECT pm.month, g.genre, count(*) AS patrons
FROM person_month AS pm JOIN analytics_genre AS g ON ((pm.genre_mask >> g.bit) & 1) = 1
GROUP BY pm.month, g.genre
""",
    ),
    (
        "analytics_month",
        """
SELECT CAST(date_trunc('month', event_day) AS DATE) AS month, count(DISTINCT person) AS patrons
FROM analytics_visit WHERE pooled
GROUP BY CAST(date_trunc('month', event_day) AS DATE)
""",
    ),
)

FACT_TABLES = tuple(name for name, _sql in FACTS)

# Cheap on purpose (it runs before every report): row counts are metadata; every ingest adds an
# ingest_log row; link rewrites identity (count, confidences); a consent decision is recorded
# with its time. An in-place edit outside these paths needs `culturecoop analytics-refresh`.
# One UNION ALL rather than scalar subqueries: DuckDB answers it several times faster.
_VERSION_SQL = """
SELECT 'packages' AS k, CAST(count(*) AS VARCHAR) || '/' || coalesce(CAST(max(ingested_at) AS VARCHAR), '') AS v FROM ingest_log
UNION ALL SELECT 'members', CAST(count(*) AS VARCHAR) FROM member
UNION ALL SELECT 'events', CAST(count(*) AS VARCHAR) FROM event
UNION ALL SELECT 'patrons', CAST(count(*) AS VARCHAR) FROM patron
UNION ALL SELECT 'tickets', CAST(count(*) AS VARCHAR) FROM ticket
UNION ALL SELECT 'unnamed_sales', CAST(count(*) AS VARCHAR) FROM unnamed_sale
UNION ALL SELECT 'identity', CAST(count(*) AS VARCHAR) || '/' || coalesce(CAST(sum(confidence) AS VARCHAR), '') FROM identity
UNION ALL SELECT 'consent', CAST(count(*) AS VARCHAR) || '/' || coalesce(CAST(max(recorded_at) AS VARCHAR), '') FROM consent
"""


@dataclass(frozen=True)
class Window:
    """The months the masks cover (month ordinals: year * 12 + month - 1) and the as-of date."""

    start: int | None
    end: int | None
    first_day: Any
    last_day: Any
    as_of: Any


def data_version(engine: SqlEngine) -> str:
    """A fingerprint of the canonical data: it changes with every ingest, link or consent change."""
    parts = {r["k"]: r["v"] for r in engine.rows(_VERSION_SQL)}
    return json.dumps({"facts": FACTS_VERSION, **parts}, sort_keys=True)


def refresh_facts(engine: SqlEngine, *, force: bool = False) -> tuple[str, float | None]:
    """Rebuild the derived tables when the data changed (always with ``force``).

    Returns the data version and the seconds the rebuild took (None when the tables were fresh).
    """
    if isinstance(engine, DuckDBEngine):
        version = data_version(engine)
        if not force and engine.stored_facts_version() == version:
            return version, None
    else:
        version = engine.data_version()
        if not force and all(engine.has_table(t) for t in FACT_TABLES):
            return version, None
    started = time.perf_counter()
    for name, sql in FACTS:
        engine.materialize(name, sql)
    seconds = time.perf_counter() - started
    if isinstance(engine, DuckDBEngine):
        engine.materialize(
            "analytics_meta",
            "SELECT CAST($version AS VARCHAR) AS data_version, now() AS refreshed_at, "
            "CAST($seconds AS DOUBLE) AS seconds",
            {"version": version, "seconds": seconds},
        )
    return version, seconds


def window(engine: SqlEngine) -> Window:
    row = engine.rows("SELECT * FROM analytics_window")[0]
    return Window(row["window_start"], row["window_end"], row["first_day"], row["last_day"], row["as_of"])


def start_of(starts_at: Any, day: Any) -> str | None:
    """An event's start to the minute, or None when its export gave its day alone (a start at
    midnight on its own day, or none): what tells two shows of one title and day apart."""
    if not isinstance(starts_at, datetime) or (starts_at.hour, starts_at.minute) == (0, 0):
        return None
    return starts_at.isoformat(timespec="minutes") if starts_at.date() == day else None
