"""Contribution accounting: each member's share of the value the cooperative produced in a period.

Value functions, each a count of *people* (so duplicated records pay nothing), computed for
every coalition of members from per-mask counts (``governance.shapley``):

* ``insight``: report cells (patron area × genre) in which the coalition's pooled data reaches
  the privacy threshold k — cells that can be released only because of that data;
* ``linkage``: pooled people the coalition sees at two of its members or more;
* ``conversions``: people of the members' saved event audiences who then bought a ticket to that
  event, credited to the members whose pooled data knew them (campaign sends, once they are
  recorded, narrow this to people actually reached).

* ``recommendation``: nDCG@10 (in points out of 100) that a co-attendance recommender trained on
  the coalition's pooled data reaches on held-out visits to the members' events
  (``governance.reco_value``: exact from per-member score blocks, no retraining per coalition).

Only pooled data counts (linked records whose patron agreed to pooling), and only visits to
events inside the period.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from culturecoop.analytics.period import parse_day
from culturecoop.analytics.service import refresh
from culturecoop.errors import UserError
from culturecoop.governance.reco_value import RecoCases, reco_cases, reco_shapley
from culturecoop.governance.shapley import MAX_MEMBERS, MaskCounts, Shares, shapley
from culturecoop.i18n import _, count, day_words
from culturecoop.privacy.policy import current_policy
from culturecoop.warehouse.engine import Warehouse

# Sampling beyond this many permutations takes hours for no visible change in the estimate.
MAX_PERMUTATIONS = 100_000
VALUE_FUNCTIONS = ("insight", "linkage", "recommendation", "conversions")
KIND = {"insight": "cells", "linkage": "several", "conversions": "coverage"}

_VISITS = """
SELECT CAST(list_position($members, member_id) - 1 AS BIGINT) AS bit, person, fsa, genre_mask
FROM analytics_visit
WHERE pooled AND person IS NOT NULL AND event_day BETWEEN $from AND $to
"""

_INSIGHT = f"""
WITH v AS ({_VISITS}),
cells AS (
  SELECT v.fsa || '/' || g.genre AS cell, v.person, bit_or(CAST(1 AS BIGINT) << v.bit) AS mask
  FROM v JOIN analytics_genre AS g ON ((v.genre_mask >> g.bit) & 1) = 1
  WHERE v.fsa IS NOT NULL AND v.fsa <> ''
  GROUP BY ALL
)
SELECT cell, mask, count(*) AS people FROM cells GROUP BY ALL ORDER BY cell, mask
"""

_LINKAGE = f"""
WITH v AS ({_VISITS})
SELECT mask, count(*) AS people FROM (
  SELECT person, bit_or(CAST(1 AS BIGINT) << bit) AS mask FROM v GROUP BY person)
GROUP BY mask ORDER BY mask
"""

# A conversion: someone of a member's saved event audience bought a ticket for that event after
# the audience was built; credited to the members whose pooled data holds the person.
_CONVERSIONS = """
WITH converted AS (
  SELECT DISTINCT a.audience_id, m.patron_key
  FROM audience AS a
  JOIN audience_member AS m USING (audience_id)
  JOIN identity AS i ON i.patron_key = m.patron_key AND i.member_id = a.member_id
  JOIN ticket AS t ON t.member_id = a.member_id AND t.member_patron_id = i.member_patron_id
       AND t.event_id = json_extract_string(a.definition, '$.event') AND t.purchased_at >= a.created_at
  WHERE a.kind = 'event' AND t.status = 'sold' AND CAST(t.purchased_at AS DATE) BETWEEN $from AND $to
), holders AS (
  SELECT i.patron_key, bit_or(CAST(1 AS BIGINT) << CAST(list_position($members, p.member_id) - 1 AS BIGINT)) AS mask
  FROM identity AS i JOIN analytics_patron AS p USING (member_id, member_patron_id)
  WHERE p.pooled GROUP BY i.patron_key
)
SELECT h.mask, count(*) AS people FROM converted AS c JOIN holders AS h USING (patron_key)
GROUP BY h.mask ORDER BY h.mask
"""


@dataclass
class FunctionResult:
    name: str
    total: float
    exact: bool
    shares: dict[str, float]
    half_width: dict[str, float] | None = None
    permutations: int = 0

    def fraction(self, member: str) -> float:
        return self.shares[member] / self.total if self.total else 0.0


@dataclass
class Contribution:
    start: date
    end: date
    members: list[str]
    k: int
    functions: dict[str, FunctionResult] = field(default_factory=dict)
    seconds_counts: float = 0.0
    seconds_shapley: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(), "members": self.members, "k": self.k,
            "functions": {n: {"total": f.total, "exact": f.exact, "shares": f.shares, "half_width": f.half_width,
                              "permutations": f.permutations,
                              "fractions": {m: f.fraction(m) for m in self.members}}
                          for n, f in self.functions.items()},
            "seconds_counts": round(self.seconds_counts, 3), "seconds_shapley": round(self.seconds_shapley, 3),
        }


def resolve_period(warehouse: Warehouse, start: str | None, end: str | None) -> tuple[date, date]:
    """The period asked for; by default the twelve months up to the latest event day that has
    passed (an upcoming event with tickets sold ahead would end it days or months from now, and
    the period, and every share in it, would move each day until then)."""
    first = parse_day(start, "--from")
    last = parse_day(end, "--to")
    if last is None:
        latest = warehouse.scalar("SELECT max(CAST(starts_at AS DATE)) FROM event WHERE CAST(starts_at AS DATE) <= current_date")
        last = latest if isinstance(latest, date) else date.today()
    if first is None:
        first = last - timedelta(days=364)
    if first > last:
        raise UserError(_("The period's first day ({start}) is after its last day ({end}); give a first day on or before the last.").format(
            start=day_words(first), end=day_words(last)))
    return first, last


def _mask_counts(rows: list[tuple[Any, ...]], with_cells: bool) -> MaskCounts:
    if not rows:
        return MaskCounts(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64) if with_cells else None, 0)
    if with_cells:
        names = {c: i for i, c in enumerate(dict.fromkeys(r[0] for r in rows))}
        cells = np.array([names[r[0]] for r in rows], dtype=np.int64)
        return MaskCounts(np.array([r[1] for r in rows], np.int64), np.array([r[2] for r in rows], np.float64),
                          cells, len(names))
    return MaskCounts(np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows], np.float64))


def coalition_counts(warehouse: Warehouse, members: list[str], start: date, end: date) -> dict[str, MaskCounts]:
    """The per-mask people counts each counting value function needs (one query each)."""
    refresh(warehouse)
    params = {"members": members, "from": start, "to": end}
    con = warehouse.con
    con.complete()
    return {
        "insight": _mask_counts(con.execute(_INSIGHT, params).fetchall(), True),
        "linkage": _mask_counts(con.execute(_LINKAGE, params).fetchall(), False),
        "conversions": _mask_counts(con.execute(_CONVERSIONS, params).fetchall(), False),
    }


def recommendation_cases(warehouse: Warehouse, members: list[str], start: date, end: date, seed: int = 0) -> RecoCases:
    """The held-out visits and per-member score blocks of the recommendation value."""
    refresh(warehouse)
    warehouse.con.complete()
    return reco_cases(warehouse.con, members, start, end, seed=seed)


def contributions(warehouse: Warehouse, start: str | None = None, end: str | None = None, *,
                  exact: bool | None = None, permutations: int = 2000, seed: int = 0) -> Contribution:
    """Shapley values of every member for every value function over the period."""
    if not 1 <= permutations <= MAX_PERMUTATIONS:
        raise UserError(_("--permutations must be a whole number from 1 to {most} ({default} is the default); got {n}.").format(
            most=count(MAX_PERMUTATIONS), default=count(2000), n=permutations))
    first, last = resolve_period(warehouse, start, end)
    members = [str(r[0]) for r in warehouse.con.execute("SELECT member_id FROM member ORDER BY member_id").fetchall()]
    if not members:
        raise UserError(_("The warehouse has no member yet; load packages with `culturecoop ingest` first."))
    if len(members) > MAX_MEMBERS:
        raise UserError(_("Contribution accounting handles up to {n} members; this cooperative has {m}.").format(n=count(MAX_MEMBERS), m=count(len(members))))
    started = time.perf_counter()
    counts = coalition_counts(warehouse, members, first, last)
    cases = recommendation_cases(warehouse, members, first, last, seed)
    result = Contribution(first, last, members, current_policy(warehouse).min_patrons,
                          seconds_counts=time.perf_counter() - started)
    if not counts["linkage"].counts.sum():
        raise UserError(_("No pooled attendance between {start} and {end}: there is nothing to share; choose a period with data.").format(
            start=day_words(first), end=day_words(last)))
    started = time.perf_counter()
    n = len(members)
    for name in VALUE_FUNCTIONS:
        if name == "recommendation":
            shares: Shares = reco_shapley(cases, n, exact=exact, permutations=permutations, seed=seed)
        else:
            shares = shapley(counts[name], n, KIND[name], k=result.k, exact=exact,
                             permutations=permutations, seed=seed)
        result.functions[name] = FunctionResult(
            name, shares.total, shares.exact, {m: float(v) for m, v in zip(members, shares.values, strict=True)},
            None if shares.half_width is None else {m: float(v) for m, v in zip(members, shares.half_width, strict=True)},
            shares.permutations)
    result.seconds_shapley = time.perf_counter() - started
    return result
