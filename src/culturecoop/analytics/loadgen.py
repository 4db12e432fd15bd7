"""A cooperative of any size generated in SQL, for benchmarks and tests (not for the demo:
``culturecoop synth`` writes realistic exports; this writes warehouse rows directly, fast).

Fifteen members by default (five theatres, five jazz clubs, five festivals, in three regions),
two years of events, ``persons`` people of whom a third also buy at a second member, and
``tickets`` ticket rows skewed towards frequent buyers. Identity and pooling consent (85 %) are
filled in as if ``link`` had run. The same ``seed`` gives the same rows.
"""

from __future__ import annotations

from typing import Any

import duckdb

from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.sql_engine import parameter_names

KINDS = ("theatre", "jazz_club", "festival")
REGIONS = ("Montréal", "Capitale-Nationale", "Estrie")
# Genres each kind programs: (main, second, third); a festival mixes popular music.
KIND_GENRES = {
    "theatre": ("theatre", "comedy", "dance"),
    "jazz_club": ("jazz", "blues", "world"),
    "festival": ("electronic", "pop", "rock"),
}
FSAS = ("H2X", "H2J", "H2T", "H3B", "H1V", "H4A", "G1R", "G1K", "J1H", "J4K", "K1A", "M5V")


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> None:
    names = parameter_names(sql)
    con.execute(sql, {k: v for k, v in params.items() if k in names})


def generate(warehouse: Warehouse, *, persons: int = 1_000_000, tickets: int = 10_000_000,
             members: int = 15, events_per_member: int = 600, seed: int = 1) -> dict[str, int]:
    """Fill an empty warehouse; returns the row count of each table."""
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    regions = ", ".join(f"'{r}'" for r in REGIONS)
    genre_lists = ", ".join("[" + ", ".join(f"'{g}'" for g in KIND_GENRES[k]) + "]" for k in KINDS)
    fsas = ", ".join(f"'{f}'" for f in FSAS)
    p = {"seed": seed, "members": members, "persons": persons, "tickets": tickets, "events": events_per_member}
    with warehouse.transaction() as con:
        _run(con, f"""
            INSERT INTO member
            SELECT 'm' || lpad(CAST(i AS VARCHAR), 2, '0'), 'Membre ' || i,
                   [{kinds}][1 + i % 3], [{regions}][1 + (i // 3) % 3]
            FROM range($members) AS t(i)""", p)
        _run(con, f"""
            INSERT INTO event
            SELECT 'm' || lpad(CAST(m AS VARCHAR), 2, '0'), 'E' || m || '-' || e, 'Spectacle ' || e,
                   TIMESTAMP '2024-01-01 20:00:00' + CAST(hash(m, e, $seed) % 730 AS INTEGER) * INTERVAL 1 DAY,
                   'Salle ' || m, [{fsas}][1 + m % 6],
                   CASE WHEN hash(m, e, $seed, 1) % 10 < 6 THEN [[{genre_lists}][1 + m % 3][1]]
                        WHEN hash(m, e, $seed, 1) % 10 < 9 THEN [[{genre_lists}][1 + m % 3][2]]
                        ELSE [[{genre_lists}][1 + m % 3][1], [{genre_lists}][1 + m % 3][3]] END,
                   ['Artiste ' || e], CAST(200 + hash(m, e, $seed, 2) % 1800 AS INTEGER),
                   hash(m, e, $seed, 3) % 2 = 0, 'fr'
            FROM range($members) AS a(m), range($events) AS b(e)""", p)
        # Records: every person at a home member; a third at a second; a tenth at a third.
        _run(con, """
            CREATE TEMP TABLE loadgen_record AS
            SELECT row_number() OVER (ORDER BY hash(person, m, $seed)) - 1 AS rn, person, m
            FROM (
              SELECT person, CAST(hash(person, $seed) % $members AS INTEGER) AS m FROM range($persons) AS t(person)
              UNION
              SELECT person, CAST((hash(person, $seed) % $members + 1 + hash(person, $seed, 7) % ($members - 1)) % $members AS INTEGER)
              FROM range($persons) AS t(person) WHERE hash(person, $seed, 8) % 3 = 0
              UNION
              SELECT person, CAST((hash(person, $seed) % $members + 1 + hash(person, $seed, 9) % ($members - 1)) % $members AS INTEGER)
              FROM range($persons) AS t(person) WHERE hash(person, $seed, 10) % 10 = 0
            )""", p)
        _run(con, f"""
            INSERT INTO patron
            SELECT 'm' || lpad(CAST(m AS VARCHAR), 2, '0'), 'P' || person, md5('e' || person), NULL,
                   NULL, NULL, NULL, NULL, [{fsas}][1 + CAST(hash(person, $seed, 4) % {len(FSAS)} AS INTEGER)],
                   CAST(1950 + 5 * (hash(person, $seed, 5) % 12) AS VARCHAR) || '-' ||
                   CAST(1954 + 5 * (hash(person, $seed, 5) % 12) AS VARCHAR), 'fr', NULL
            FROM loadgen_record ORDER BY m, person""", p)
        _run(con, """
            INSERT INTO identity
            SELECT 'm' || lpad(CAST(m AS VARCHAR), 2, '0'), 'P' || person, 'K' || lpad(CAST(person AS VARCHAR), 9, '0'), 1.0
            FROM loadgen_record ORDER BY m, person""", p)
        _run(con, """
            INSERT INTO consent
            SELECT 'm' || lpad(CAST(m AS VARCHAR), 2, '0'), 'P' || person, purpose,
                   hash(person, m, $seed, purpose) % 100 < CASE purpose WHEN 'pooling' THEN 85 ELSE 60 END,
                   TIMESTAMP '2024-01-01'
            FROM loadgen_record, (VALUES ('pooling'), ('marketing')) AS v(purpose)
            ORDER BY m, person""", p)
        p["records"] = int(con.execute("SELECT count(*) FROM loadgen_record").fetchall()[0][0])
        # Ticket rows: a skewed record (u² favours a few frequent buyers), one of its member's events;
        # bought 0–59 days before the event and never after 2025-11-30 (the data's "today").
        _run(con, """
            INSERT INTO ticket
            SELECT 'm' || lpad(CAST(r.m AS VARCHAR), 2, '0'), 'T' || i, 'O' || (i // 2),
                   'P' || r.person, 'E' || r.m || '-' || CAST(hash(i, $seed, 11) % $events AS INTEGER),
                   least(e.starts_at - CAST(hash(i, $seed, 12) % 60 AS INTEGER) * INTERVAL 1 DAY - INTERVAL 6 HOUR,
                         TIMESTAMP '2025-11-30 12:00:00' - CAST(hash(i, $seed, 13) % 30 AS INTEGER) * INTERVAL 1 DAY),
                   CAST(1 + hash(i, $seed, 14) % 10 // 7 AS INTEGER),
                   CAST(20 + hash(i, $seed, 15) % 60 AS DECIMAL(10, 2)), 'CAD', 'web',
                   CASE WHEN hash(i, $seed, 16) % 50 = 0 THEN 'refunded' ELSE 'sold' END
            FROM range($tickets) AS t(i)
            JOIN loadgen_record AS r
              ON r.rn = CAST(floor($records * pow((hash(i, $seed, 10) % 1000003) / 1000003.0, 2)) AS BIGINT)
            JOIN event AS e
              ON e.member_id = 'm' || lpad(CAST(r.m AS VARCHAR), 2, '0')
             AND e.event_id = 'E' || r.m || '-' || CAST(hash(i, $seed, 11) % $events AS INTEGER)
            ORDER BY 1, 5""", p)
        con.execute("DROP TABLE loadgen_record")
    return warehouse.counts()
