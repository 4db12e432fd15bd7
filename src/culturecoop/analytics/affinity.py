"""Cross-genre affinity across the cooperative: which genres attract the same people.

Over pooled persons active in the period (all members), with n_A the persons who attended genre
A, n_AB those who attended both A and B, and N everyone: ``share`` = P(B | A) = n_AB / n_A and
``lift`` = P(B | A) / P(B) = n_AB · N / (n_A · n_B) ("jazz audiences are 2.1× more likely than
the average pooled patron to attend theatre"). ``lift_vs_rest`` = P(B | A) / P(B | not A) is the
risk ratio; its 95 % interval is the usual log-normal one (Katz) and is carried over to
``lift`` through lift = RR / (p_A · RR + 1 − p_A), p_A = n_A / N. The p-value tests
independence of the 2×2 table (χ², or Fisher's exact test when an expected count is below 5);
q-values control the false-discovery rate over all pairs (Benjamini–Hochberg), and a pair is
``significant`` when q < 0.05.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from culturecoop.analytics.pooled import Cells, genre_label, genres_in_period, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.i18n import _
from culturecoop.privacy.gate import CountTable
from culturecoop.schema.taxonomy import GENRES

FDR = 0.05
Z95 = 1.959963984540054

GENRE_PAIRS = f"""
WITH p AS (
  SELECT {genres_in_period("a")} AS genres FROM analytics_person AS a
  WHERE (a.active & $period_mask) <> 0
), sets AS (
  SELECT genres, count(*) AS n FROM p GROUP BY genres
)
SELECT f.genre AS from_genre, t.genre AS to_genre, CAST(sum(s.n) AS BIGINT) AS patrons
FROM sets AS s
JOIN analytics_genre AS f ON ((s.genres >> f.bit) & 1) = 1
JOIN analytics_genre AS t ON ((s.genres >> t.bit) & 1) = 1 AND f.bit <= t.bit
GROUP BY f.genre, t.genre
"""

POOLED_PERSONS = """
SELECT count(*) AS patrons FROM analytics_person WHERE (active & $period_mask) <> 0
"""


def _p_value(a: int, b: int, c: int, d: int) -> float:
    """Two-sided test of independence of the 2×2 table [[a, b], [c, d]]."""
    n = a + b + c + d
    expected = [(a + b) * (a + c) / n, (a + b) * (b + d) / n, (c + d) * (a + c) / n, (c + d) * (b + d) / n] if n else [0]
    if min(expected) < 5:
        return float(stats.fisher_exact([[a, b], [c, d]]).pvalue)
    chi2 = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    return float(stats.chi2.sf(chi2, 1))


def pair_statistics(n_ab: int, n_a: int, n_b: int, n: int) -> dict[str, Any]:
    """Share, lift, risk ratio, 95 % interval of the lift and p-value of one ordered pair."""
    n_ab = max(0, min(n_ab, n_a, n_b))
    a, b, c = n_ab, n_a - n_ab, n_b - n_ab
    d = max(0, n - n_a - n_b + n_ab)
    share = n_ab / n_a if n_a else None
    lift = n_ab * n / (n_a * n_b) if n_a and n_b else None
    rest = c / (c + d) if c + d else None
    rr = share / rest if share is not None and rest else None
    low = high = None
    if rr and a and c:
        se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
        p_a = n_a / n
        to_lift = lambda r: r / (p_a * r + 1 - p_a)  # noqa: E731
        low, high = to_lift(rr * math.exp(-Z95 * se)), to_lift(rr * math.exp(Z95 * se))
    return {"share": share, "lift": lift, "lift_vs_rest": rr, "ci_low": low, "ci_high": high,
            "p_value": _p_value(a, b, c, d) if n else None}


def affinity(ctx: ReportContext) -> ReportOutput:
    found = ctx.query(GENRE_PAIRS)
    total = ctx.query(POOLED_PERSONS)[0]["patrons"]
    base = [{"genre": r["from_genre"], "patrons": r["patrons"]} for r in found if r["from_genre"] == r["to_genre"]]
    pairs = [r for r in found if r["from_genre"] != r["to_genre"]]
    order = {g: i for i, g in enumerate(GENRES)}
    pair_domain = [(f, t) for f in GENRES for t in GENRES if order[f] < order[t]]
    release = ctx.release([
        CountTable("genre", ("genre",), base, len(GENRES), [(g,) for g in GENRES]),
        CountTable("pair", ("from_genre", "to_genre"), pairs, len(pair_domain), pair_domain),
        CountTable("pooled", ("scope",), [{"scope": "*", "patrons": total}], 1, [("*",)]),
    ])
    genre, pair, pool = (Cells(release.tables[n]) for n in ("genre", "pair", "pooled"))
    n = pool.get("*")
    rows: list[dict[str, Any]] = []
    for f in GENRES:
        for t in GENRES:
            if f == t:
                continue
            key = (f, t) if order[f] < order[t] else (t, f)
            n_ab, n_a, n_b = pair.get(*key), genre.get(f), genre.get(t)
            hidden = pair.hidden(*key) or genre.hidden(f) or genre.hidden(t) or pool.hidden("*")
            figures = pair_statistics(n_ab or 0, n_a or 0, n_b or 0, n or 0) if not hidden and n else {}
            row = {"from_genre": f, "to_genre": t, "from_label": genre_label(f), "to_label": genre_label(t),
                   "patrons": n_ab, "from_patrons": n_a,
                   **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()}}
            rows.append(mark(row, {c: hidden for c in ("patrons", "share", "lift", "lift_vs_rest", "ci_low", "ci_high", "p_value")}
                             | {"from_patrons": genre.hidden(f)}))
    tested = [r for r in rows if r.get("p_value") is not None]
    if tested:
        q_values = stats.false_discovery_control(np.array([r["p_value"] for r in tested]), method="bh")
        for row, q in zip(tested, q_values, strict=True):
            row["q_value"] = round(float(q), 6)
            row["significant"] = bool(q < FDR)
    for row in rows:
        row.setdefault("q_value", None)
        row.setdefault("significant", None)
        if row["p_value"] is not None:
            row["p_value"] = round(float(row["p_value"]), 6)
    rows.sort(key=lambda r: (r["lift"] is None, -(r["lift"] or 0), r["from_genre"], r["to_genre"]))
    cols = (
        Column("from_genre", _("Genre A: the audience considered")),
        Column("to_genre", _("Genre B: what that audience also attends")),
        Column("from_label", _("Name of genre A")),
        Column("to_label", _("Name of genre B")),
        Column("lift", _("How many times more likely people who attend A are to attend B than pooled patrons in general")),
        Column("ci_low", _("Lower end of the 95 % interval of the lift")),
        Column("ci_high", _("Upper end of the 95 % interval of the lift")),
        Column("patrons", _("People who attended both A and B in the period")),
        Column("from_patrons", _("People who attended A")),
        Column("share", _("Share of A's audience who attended B")),
        Column("lift_vs_rest", _("How many times more likely than people who did not attend A")),
        Column("p_value", _("Probability of so strong a link by chance alone (test of independence)")),
        Column("q_value", _("p-value adjusted for testing every pair (false-discovery rate)")),
        Column("significant", _("True when q < 0.05: unlikely to be chance")),
    )
    significant = [r for r in rows if r["significant"] and (r["lift"] or 0) > 1]
    top = significant[0] if significant else None
    summary = {"pooled_patrons": n, "pairs": len(rows), "significant_pairs": len(significant),
               "strongest": None if top is None else f"{top['from_genre']} → {top['to_genre']} ×{top['lift']:.2f}"}
    return ReportOutput([ReportTable("affinity", _("Genre affinities across the cooperative"), cols, rows, pooled=True)],
                        summary, release)
