"""Derived tables the reports read, rebuilt from the canonical model after ingest or link.

The canonical tables are the truth; these are caches that make a report over ten million
tickets take milliseconds instead of seconds. They are rebuilt (``refresh_facts``) whenever
the warehouse's data version changes — a new package, a new ``link``, a consent decision —
and never edited otherwise. On Spark they are built from the lake as cached views by the same
SQL.

- ``analytics_event``: events with their genres as a bit mask (bit = position in ``GENRES``).
- ``analytics_patron``: each patron record with its cooperative-wide ``person`` number (from
  ``identity``) and ``pooled`` (linked and the patron granted ``pooling``).
- ``analytics_visit``: one row per patron record and event attended (sold tickets only).
- ``analytics_window``: the months the month masks cover and the data's as-of date.
- ``analytics_record``: one row per patron record: first and last visit, totals, and for the
  last 62 months a month mask of activity (``active``) and one per genre (``g_<genre>``).
- ``analytics_person``: the same masks merged per person over pooled records only.
- ``analytics_genre_month``, ``analytics_month``: pooled distinct persons per month and genre.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from culturecoop.schema.taxonomy import GENRES
from culturecoop.warehouse.sql_engine import DuckDBEngine, SqlEngine

# Bump when the SQL below changes: a warehouse built by older code is then rebuilt.
FACTS_VERSION = 3
# Month masks are BIGINT: 62 usable bits (the sign bit and one spare are left alone).
WINDOW_MONTHS = 62
GENRE_BITS: dict[str, int] = {g: i for i, g in enumerate(GENRES)}
OTHER_BIT = GENRE_BITS["other"]
MONTH_ORDINAL = "(year({d}) * 12 + month({d}) - 1)"


def genre_column(genre: str) -> str:
    """Name of the month-mask column of one genre in ``analytics_record``/``analytics_person``."""
    return f"g_{genre}"


def _genre_values() -> str:
    return ", ".join(f"('{g}', {i})" for g, i in GENRE_BITS.items())


def _genre_month_masks() -> str:
    return ",\n  ".join(
        f"bit_or(CASE WHEN v.mo >= w.window_start AND ((v.genre_mask >> {bit}) & 1) = 1 "
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
)
SELECT e.member_id, e.event_id, e.title, e.starts_at, CAST(e.starts_at AS DATE) AS event_day,
       e.capacity, e.is_local, e.venue_fsa,
       coalesce(m.genre_mask, CAST(1 AS BIGINT) << {OTHER_BIT}) AS genre_mask
FROM event AS e
LEFT JOIN masks AS m ON m.member_id = e.member_id AND m.event_id = e.event_id
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
)
SELECT p.member_id, p.member_patron_id, p.fsa, k.person,
       (k.person IS NOT NULL AND coalesce(c.granted, false)) AS pooled
FROM patron AS p
LEFT JOIN identity AS i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
LEFT JOIN keys AS k ON k.patron_key = i.patron_key
LEFT JOIN pooling AS c ON c.member_id = p.member_id AND c.member_patron_id = p.member_patron_id
""",
    ),
    (
        "analytics_visit",
        f"""
SELECT t.member_id, t.member_patron_id, max(p.person) AS person,
       coalesce(bool_or(p.pooled), false) AS pooled, t.event_id,
       coalesce(max(e.event_day), CAST(max(t.purchased_at) AS DATE)) AS event_day,
       min(t.purchased_at) AS first_purchase, max(t.purchased_at) AS last_purchase,
       CAST(sum(t.quantity) AS BIGINT) AS tickets,
       CAST(sum(t.quantity * t.unit_price) AS DECIMAL(18, 2)) AS revenue,
       coalesce(max(e.genre_mask), CAST(1 AS BIGINT) << {OTHER_BIT}) AS genre_mask
FROM ticket AS t
LEFT JOIN analytics_event AS e ON e.member_id = t.member_id AND e.event_id = t.event_id
LEFT JOIN analytics_patron AS p ON p.member_id = t.member_id AND p.member_patron_id = t.member_patron_id
WHERE t.status = 'sold'
GROUP BY t.member_id, t.member_patron_id, t.event_id
ORDER BY t.member_id, event_day
""",
    ),
    (
        "analytics_window",
        f"""
SELECT CAST(greatest(min(mo), max(mo) - {WINDOW_MONTHS - 1}) AS INTEGER) AS window_start,
       CAST(max(mo) AS INTEGER) AS window_end,
       min(event_day) AS first_day, max(event_day) AS last_day,
       CAST(max(last_purchase) AS DATE) AS as_of
FROM (SELECT {MONTH_ORDINAL.format(d="event_day")} AS mo, event_day, last_purchase FROM analytics_visit) AS v
""",
    ),
    (
        "analytics_record",
        f"""
SELECT v.member_id, v.member_patron_id, max(v.person) AS person, bool_or(v.pooled) AS pooled,
  min(v.event_day) AS first_day, max(v.event_day) AS last_day, count(*) AS visits,
  CAST(sum(v.tickets) AS BIGINT) AS tickets, CAST(sum(v.revenue) AS DECIMAL(18, 2)) AS revenue,
  bit_or(CASE WHEN v.mo >= w.window_start THEN CAST(1 AS BIGINT) << (v.mo - w.window_start)
              ELSE CAST(0 AS BIGINT) END) AS active,
  {_genre_month_masks()}
FROM (SELECT *, {MONTH_ORDINAL.format(d="event_day")} AS mo FROM analytics_visit) AS v
CROSS JOIN analytics_window AS w
GROUP BY v.member_id, v.member_patron_id
ORDER BY v.member_id
""",
    ),
    (
        "analytics_person",
        f"""
SELECT person, min(first_day) AS first_day, max(last_day) AS last_day,
  CAST(sum(visits) AS BIGINT) AS visits, CAST(sum(tickets) AS BIGINT) AS tickets,
  CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue, count(DISTINCT member_id) AS members,
  bit_or(active) AS active, {_merged_masks()}
FROM analytics_record WHERE pooled GROUP BY person
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

_VERSION_SQL = """
SELECT (SELECT count(*) FROM ingest_log) AS packages,
       (SELECT max(ingested_at) FROM ingest_log) AS last_ingest,
       (SELECT count(*) FROM member) AS members,
       (SELECT count(*) FROM ticket) AS tickets,
       (SELECT count(*) FROM patron) AS patrons,
       (SELECT count(*) FROM event) AS events,
       (SELECT count(*) FROM identity) AS identities,
       (SELECT sum(confidence) FROM identity) AS identity_confidence,
       (SELECT count(*) FROM consent) AS consents,
       (SELECT count(*) FROM consent WHERE granted AND purpose = 'pooling') AS pooling,
       (SELECT max(recorded_at) FROM consent) AS last_consent
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
    row = engine.rows(_VERSION_SQL)[0]
    return json.dumps({"facts": FACTS_VERSION, **{k: str(v) for k, v in row.items()}}, sort_keys=True)


def refresh_facts(engine: SqlEngine, *, force: bool = False) -> float | None:
    """Rebuild the derived tables when the data changed; seconds taken, or None when fresh."""
    if isinstance(engine, DuckDBEngine):
        version = data_version(engine)
        if not force and engine.has_table("analytics_meta"):
            if engine.scalar("SELECT data_version FROM analytics_meta") == version:
                return None
    elif not force and all(engine.has_table(t) for t in FACT_TABLES):
        return None
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
    return seconds


def window(engine: SqlEngine) -> Window:
    row = engine.rows("SELECT * FROM analytics_window")[0]
    return Window(row["window_start"], row["window_end"], row["first_day"], row["last_day"], row["as_of"])
