"""The recommendation value function for Shapley: nDCG@10 gained on the members' events.

**What it measures.** Held-out attendance: a sample of people (``CASES``, drawn by a fixed hash
of their cooperative key) who went to at least two pooled events of the period; each one's
latest visit is hidden, and their earlier visits are their history. For a coalition S, an
item-to-item co-attendance recommender — the classic "people who went to this also went to
that" — is trained on S's pooled data only: the score of a candidate event c for a person is
the number of (history event, other person) pairs in which that other person also went to c.
S's data shows an event only when the event's member is in S, and a pair only when both
events' members are in S (linkage across members is what joins them), so

    score_S(c) = [member(c) ∈ S] · Σ_{a ∈ S} B[a, c],
    B[a, c]    = Σ over the history events e at member a of co-attendance(e, c),

with co-attendance counted in people (other than the person evaluated) on every visit but the
hidden ones. Candidates are the events on sale around the hidden visit (starting within
``WINDOW_DAYS`` days of it) that the person had not been to. The hidden event's rank is
pessimistic (every candidate scoring at least as high comes first), and
v(S) = 100 × mean over the sample of nDCG@10 = 100 × mean of 1/log2(1 + rank) when the rank
is at most 10 and the hidden event scores above zero, else 0. With no data nothing can be
recommended: v(∅) = 0, so v(S) is the quality gained over no data, in points out of 100.

**Why it is exact and cheap.** The scores are linear in the membership of S, so the per-member
blocks ``B`` are computed once in SQL (one co-attendance join), and v follows for every one of
the 2^n coalitions by one small matrix product per chunk of coalitions; candidates that cannot
outrank the hidden event in any coalition are dropped first (a sound bound). Exact Shapley
values follow as for the other functions (``shapley.exact_shapley``); beyond ``EXACT_LIMIT``
members, permutation sampling evaluates v on each permutation's prefixes.

Counting people, never rows, keeps duplication from paying: a member that sends the same people
twice leaves every visit, hence every count, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from culturecoop.governance.shapley import EXACT_LIMIT, Shares, exact_shapley

CASES = 300
WINDOW_DAYS = 14
TOP = 10
_CHUNK = 2048  # coalitions per matrix product

_SETUP = (
    """CREATE OR REPLACE TEMP TABLE rv_visit AS
    SELECT DISTINCT person, CAST(list_position($members, member_id) - 1 AS BIGINT) AS bit, event_id, event_day
    FROM analytics_visit WHERE pooled AND person IS NOT NULL AND event_day BETWEEN $from AND $to""",
    """CREATE OR REPLACE TEMP TABLE rv_event AS
    SELECT bit, event_id, min(event_day) AS day, CAST(row_number() OVER (ORDER BY bit, event_id) - 1 AS BIGINT) AS eid
    FROM rv_visit GROUP BY bit, event_id""",
    """CREATE OR REPLACE TEMP TABLE rv_v AS
    SELECT DISTINCT v.person, e.eid, e.bit, e.day FROM rv_visit AS v JOIN rv_event AS e USING (bit, event_id)""",
    # People with a visit before their latest one: the latest is hidden, the earlier ones are the history.
    """CREATE OR REPLACE TEMP TABLE rv_case AS
    WITH last AS (
        SELECT person, eid, bit, day, min(day) OVER (PARTITION BY person) AS first_day,
               hash(person, $seed) AS h FROM rv_v
        QUALIFY row_number() OVER (PARTITION BY person ORDER BY day DESC, eid DESC) = 1)
    SELECT CAST(row_number() OVER (ORDER BY h, person) - 1 AS BIGINT) AS j, person, eid AS target,
           bit AS target_bit, day AS target_day
    FROM (SELECT * FROM last WHERE first_day < day ORDER BY h, person LIMIT $cases)""",
    """CREATE OR REPLACE TEMP TABLE rv_hist AS
    SELECT c.j, v.eid, v.bit FROM rv_case AS c JOIN rv_v AS v ON v.person = c.person AND v.day < c.target_day""",
    """CREATE OR REPLACE TEMP TABLE rv_train AS
    SELECT v.person, v.eid FROM rv_v AS v
    WHERE NOT EXISTS (SELECT 1 FROM rv_case AS c WHERE c.person = v.person AND c.target = v.eid)""",
    """CREATE OR REPLACE TEMP TABLE rv_cand AS
    SELECT c.j, e.eid, e.bit FROM rv_case AS c
    JOIN rv_event AS e ON e.day BETWEEN c.target_day - $window AND c.target_day + $window
    WHERE NOT EXISTS (SELECT 1 FROM rv_hist AS h WHERE h.j = c.j AND h.eid = e.eid)""",
)
_BLOCKS = """
SELECT h.j, h.bit AS a, d.eid AS c, d.bit AS c_bit, count(*) AS n
FROM rv_hist AS h JOIN rv_case AS k USING (j)
JOIN rv_train AS t1 ON t1.eid = h.eid AND t1.person <> k.person
JOIN rv_train AS t2 ON t2.person = t1.person AND t2.eid <> t1.eid
JOIN rv_cand AS d ON d.j = h.j AND d.eid = t2.eid
GROUP BY ALL ORDER BY h.j, d.eid, h.bit
"""
_TEMP = ("rv_visit", "rv_event", "rv_v", "rv_case", "rv_hist", "rv_train", "rv_cand")


@dataclass(frozen=True)
class RecoCases:
    """The evaluation sample as per-member score blocks, one column per (case, event): the hidden
    event first, then the candidates that can outrank it in some coalition."""

    blocks: np.ndarray  # (n, columns) float32: B[a, column]
    column_bit: np.ndarray  # (columns,) the member of the column's event
    starts: np.ndarray  # (cases,) the first column (the hidden event) of each kept case
    cases: int  # cases in the sample (cases whose hidden event no coalition can score count as 0)


def _outranks_somewhere(block: np.ndarray, target: np.ndarray, c_bit: np.ndarray, t_bit: int) -> np.ndarray:
    """Per candidate column: is there a coalition (holding both events' members) in which it scores
    at least as high as the hidden event? max over such S of Σ_{a∈S} (B[a,c] − B[a,t])."""
    d = block - target[:, None]
    positive = np.maximum(d, 0.0)
    cols = np.arange(block.shape[1])
    best = positive.sum(axis=0) - positive[c_bit, cols] + d[c_bit, cols]
    other = c_bit != t_bit
    best[other] += d[t_bit, cols[other]] - positive[t_bit, cols[other]]
    nonzero = block.any(axis=0)
    result: np.ndarray = (best >= 0) & nonzero
    return result


def build_cases(rows: list[tuple[int, int, int, int, int]], targets: list[tuple[int, int, int]], n: int) -> RecoCases:
    """``rows``: (case, member a, candidate event, its member, co-attendance); ``targets``: (case,
    hidden event, its member)."""
    by_case: dict[int, dict[int, tuple[int, np.ndarray]]] = {}
    for j, a, c, c_bit, count in rows:
        events = by_case.setdefault(int(j), {})
        if int(c) not in events:
            events[int(c)] = (int(c_bit), np.zeros(n, np.float32))
        events[int(c)][1][int(a)] += count
    columns: list[np.ndarray] = []
    bits: list[int] = []
    starts: list[int] = []
    for j, target, t_bit in targets:
        events = by_case.get(int(j), {})
        if int(target) not in events:
            continue  # no coalition scores the hidden event: this case adds 0 everywhere
        t_vec = events[int(target)][1]
        others = [(c_bit, vec) for c, (c_bit, vec) in events.items() if c != int(target)]
        starts.append(len(bits))
        columns.append(t_vec)
        bits.append(int(t_bit))
        if others:
            block = np.stack([v for _b, v in others], axis=1)
            c_bits = np.array([b for b, _v in others], np.int64)
            keep = _outranks_somewhere(block, t_vec, c_bits, int(t_bit))
            for i in np.flatnonzero(keep):
                columns.append(block[:, i])
                bits.append(int(c_bits[i]))
    blocks = np.stack(columns, axis=1) if columns else np.zeros((n, 0), np.float32)
    return RecoCases(blocks.astype(np.float32), np.array(bits, np.int64), np.array(starts, np.int64), len(targets))


def values_for(cases: RecoCases, coalitions: np.ndarray, n: int) -> np.ndarray:
    """v(S) for each coalition mask in ``coalitions`` (see the module doc)."""
    out = np.zeros(len(coalitions), np.float64)
    if not cases.cases or not len(cases.starts):
        return out
    case_of = np.repeat(np.arange(len(cases.starts)), np.diff(np.append(cases.starts, cases.blocks.shape[1])))
    discount = np.zeros(TOP + 2)
    discount[1:TOP + 1] = 1.0 / np.log2(np.arange(2, TOP + 2))
    for lo in range(0, len(coalitions), _CHUNK):
        masks = coalitions[lo:lo + _CHUNK]
        inside = ((masks[:, None] >> np.arange(n)) & 1).astype(np.float32)
        scores = (inside @ cases.blocks) * inside[:, cases.column_bit]
        target = scores[:, cases.starts]
        at_least = scores >= target[:, case_of]
        rank = np.add.reduceat(at_least, cases.starts, axis=1, dtype=np.int64)  # the hidden event and every candidate above or tied
        gain = np.where(target > 0, discount[np.minimum(rank, TOP + 1)], 0.0)
        out[lo:lo + _CHUNK] = gain.sum(axis=1)
    result: np.ndarray = 100.0 * out / cases.cases
    return result


def reco_cases(con: duckdb.DuckDBPyConnection, members: list[str], start: date, end: date, *,
               cases: int = CASES, seed: int = 0) -> RecoCases:
    """The evaluation sample of the period from ``analytics_visit`` (refreshed by the caller)."""
    params = {"members": members, "from": start, "to": end, "seed": seed, "cases": cases, "window": WINDOW_DAYS}
    try:
        for sql in _SETUP:
            con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        rows = con.execute(_BLOCKS).fetchall()
        targets = con.execute("SELECT j, target, target_bit FROM rv_case ORDER BY j").fetchall()
    finally:
        for name in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    return build_cases(rows, targets, len(members))


def reco_shapley(cases: RecoCases, n: int, *, exact: bool | None = None, permutations: int = 2000,
                 seed: int = 0) -> Shares:
    """Shapley values of the recommendation value: exact up to ``EXACT_LIMIT`` members, sampled beyond."""
    if exact is None:
        exact = n <= EXACT_LIMIT
    if exact:
        return exact_shapley(values_for(cases, np.arange(1 << n, dtype=np.int64), n), n)
    rng = np.random.default_rng(seed)
    orders = np.array([rng.permutation(n) for _ in range(permutations)])
    prefixes = np.zeros((permutations, n + 1), np.int64)
    for step in range(n):
        prefixes[:, step + 1] = prefixes[:, step] | (np.int64(1) << orders[:, step])
    values = values_for(cases, prefixes.ravel(), n).reshape(permutations, n + 1)
    marginals = np.zeros((permutations, n))
    np.put_along_axis(marginals, orders, np.diff(values, axis=1), axis=1)
    mean = marginals.mean(axis=0)
    half = 1.96 * marginals.std(axis=0, ddof=1) / np.sqrt(permutations) if permutations > 1 else np.zeros(n)
    return Shares(mean, float(values[0, -1]), exact=False, half_width=half, permutations=permutations)
