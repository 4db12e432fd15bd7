"""The recommender's questions to the warehouse, as named queries (SQL lives here).

Past events are those that started on or before the data's as-of date (the last sale); their
content comes from ``event`` and their price from the median sold ticket. Upcoming events are
the members' programmes (``reco_upcoming_event``) and any event of ``event`` that starts after
the as-of date. Histories come from the derived ``analytics_visit``: only *pooled* rows (linked
and with pooling consent) enter the cross-member model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from culturecoop.warehouse.engine import Warehouse

if TYPE_CHECKING:
    import scipy.sparse as sp

FEATURE_COLUMNS = ("member", "genres", "artists", "venue", "language", "is_local", "price", "weekday", "month")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_CONTENT = """
  array_to_string(genres, '|') AS genres, array_to_string(artists, '|') AS artists, venue, language,
  CASE WHEN is_local THEN 'true' WHEN NOT is_local THEN 'false' END AS is_local,
  CAST(price AS VARCHAR) AS price,
  lower(strftime(starts_at, '%a')) AS weekday, CAST(month(starts_at) AS VARCHAR) AS month
"""

PAST_EVENTS = f"""
WITH price AS (
  SELECT member_id, event_id, median(unit_price) AS price FROM ticket WHERE status = 'sold'
  GROUP BY member_id, event_id
), past AS (
  SELECT e.member_id, e.event_id, e.title, e.starts_at, e.genres, e.artists, e.venue, e.language,
         e.is_local, CAST(p.price AS DOUBLE) AS price
  FROM event AS e LEFT JOIN price AS p USING (member_id, event_id)
  WHERE e.starts_at IS NOT NULL AND CAST(e.starts_at AS DATE) <= $as_of
)
SELECT member_id, event_id, title, starts_at, NULL AS capacity, member_id AS member, {_CONTENT}
FROM past ORDER BY member_id, event_id
"""

UPCOMING_EVENTS = f"""
WITH price AS (
  SELECT member_id, event_id, median(unit_price) AS price FROM ticket WHERE status = 'sold'
  GROUP BY member_id, event_id
), upcoming AS (
  SELECT member_id, event_id, title, starts_at, genres, artists, venue, language, is_local, price, capacity
  FROM reco_upcoming_event WHERE CAST(starts_at AS DATE) > $as_of
  UNION ALL
  SELECT e.member_id, e.event_id, e.title, e.starts_at, e.genres, e.artists, e.venue, e.language, e.is_local,
         CAST(p.price AS DOUBLE), e.capacity
  FROM event AS e LEFT JOIN price AS p USING (member_id, event_id)
  WHERE CAST(e.starts_at AS DATE) > $as_of
    AND NOT EXISTS (SELECT 1 FROM reco_upcoming_event AS u WHERE u.member_id = e.member_id AND u.event_id = e.event_id)
)
SELECT member_id, event_id, title, starts_at, capacity, member_id AS member, {_CONTENT}
FROM upcoming ORDER BY member_id, event_id
"""

# Pooled attendances at past events, as (person, event position in PAST_EVENTS' order).
POOLED_HISTORY = """
WITH past AS (
  SELECT member_id, event_id, CAST(row_number() OVER (ORDER BY member_id, event_id) - 1 AS INTEGER) AS ev
  FROM event WHERE starts_at IS NOT NULL AND CAST(starts_at AS DATE) <= $as_of
)
SELECT DISTINCT v.person, p.ev
FROM analytics_visit AS v JOIN past AS p USING (member_id, event_id)
WHERE v.pooled AND v.person IS NOT NULL
"""

# A member's own records and their attendances there (their own data), by record.
OWN_HISTORY = """
WITH past AS (
  SELECT member_id, event_id, CAST(row_number() OVER (ORDER BY member_id, event_id) - 1 AS INTEGER) AS ev
  FROM event WHERE starts_at IS NOT NULL AND CAST(starts_at AS DATE) <= $as_of
)
SELECT v.rid, p.ev FROM analytics_visit AS v JOIN past AS p USING (member_id, event_id)
WHERE v.member_id = $member
"""

# People who may receive recommendations: linked, pooled somewhere, and no record of theirs
# without personalization consent (a withdrawal at any member counts everywhere).
ELIGIBLE_PEOPLE = """
SELECT p.person, any_value(i.patron_key) AS patron_key
FROM analytics_patron AS p
JOIN identity AS i USING (member_id, member_patron_id)
LEFT JOIN consent AS c ON c.member_id = p.member_id AND c.member_patron_id = p.member_patron_id
                      AND c.purpose = 'personalization'
WHERE p.person IS NOT NULL
GROUP BY p.person
HAVING bool_or(p.pooled) AND bool_and(coalesce(c.granted, false))
"""

# A member's own records that consented to personalization there.
OWN_CONSENTED = """
SELECT p.rid, p.member_patron_id
FROM analytics_patron AS p
JOIN consent AS c ON c.member_id = p.member_id AND c.member_patron_id = p.member_patron_id
                 AND c.purpose = 'personalization' AND c.granted
WHERE p.member_id = $member
ORDER BY p.member_patron_id
"""

# A member's own patrons, and those of them who agreed to personalization there.
OWN_REACH = """
SELECT count(*) AS patrons, count(*) FILTER (WHERE c.granted) AS consenting
FROM analytics_patron AS p
LEFT JOIN consent AS c ON c.member_id = p.member_id AND c.member_patron_id = p.member_patron_id
                      AND c.purpose = 'personalization'
WHERE p.member_id = $member
"""

# Every person known to a member (its own patrons, by person number).
MEMBER_PEOPLE = """
SELECT DISTINCT person FROM analytics_patron WHERE member_id = $member AND person IS NOT NULL
"""


@dataclass
class EventTable:
    """Events with their content columns, in a fixed order."""

    keys: list[tuple[str, str]]  # (member_id, event_id)
    columns: dict[str, list[str | None]]
    extra: list[dict[str, Any]]  # title, starts_at, capacity (upcoming events)

    @property
    def n(self) -> int:
        return len(self.keys)


def as_of(warehouse: Warehouse) -> Any:
    rows = warehouse.query("SELECT as_of FROM analytics_window")
    return rows[0]["as_of"] if rows else None


def events(warehouse: Warehouse, sql: str, day: Any) -> EventTable:
    warehouse.con.complete()
    rows = warehouse.query(sql, {"as_of": day})
    keys = [(r["member_id"], r["event_id"]) for r in rows]
    columns = {c: [r[c] for r in rows] for c in FEATURE_COLUMNS}
    extra = [{k: r.get(k) for k in ("title", "starts_at", "capacity")} for r in rows]
    return EventTable(keys, columns, extra)


def pooled_history(warehouse: Warehouse, day: Any, n_events: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """People × past events (pooled attendances), and the person number of each row."""
    import scipy.sparse as sp  # here: ``reco programme`` reads ``as_of`` alone (0.2–0.3 s to load)

    warehouse.con.complete()
    table = _numbers(warehouse, POOLED_HISTORY, {"as_of": day})
    person = np.asarray(table["person"], dtype=np.int64)
    event = np.asarray(table["ev"], dtype=np.int64)
    people, row = np.unique(person, return_inverse=True)
    matrix = sp.csr_matrix((np.ones(len(row)), (row, event)), shape=(len(people), n_events))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix, people


def own_history(warehouse: Warehouse, member_id: str, day: Any, rids: np.ndarray, n_events: int) -> sp.csr_matrix:
    """The member's records (``rids``, in that order) × past events, from its own data only."""
    import scipy.sparse as sp

    warehouse.con.complete()
    table = _numbers(warehouse, OWN_HISTORY, {"as_of": day, "member": member_id})
    rid = np.asarray(table["rid"], dtype=np.int64)
    event = np.asarray(table["ev"], dtype=np.int64)
    position = {int(r): n for n, r in enumerate(rids.tolist())}
    keep = np.array([int(r) in position for r in rid.tolist()], dtype=bool)
    rows = np.array([position[int(r)] for r in rid[keep].tolist()], dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, event[keep])), shape=(len(rids), n_events))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _numbers(warehouse: Warehouse, sql: str, params: dict[str, Any]) -> dict[str, np.ndarray]:
    """A query's columns of numbers (never NULL) as NumPy arrays, converted by DuckDB itself:
    Arrow's ``to_numpy`` imports pandas the first time (0.3–0.4 s of CPU), and every command that
    scores people (``reco audience``, ``reco patrons``, ``reco cross-offers``) read the history so."""
    return dict(warehouse.con.sql(sql, params=params).fetchnumpy())
