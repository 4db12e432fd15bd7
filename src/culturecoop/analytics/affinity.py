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

from typing import Any

import numpy as np

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.pooled import Cells, genre_labels, genres_in_period, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.i18n import _
from culturecoop.privacy.gate import CountTable
from culturecoop.schema.taxonomy import GENRES

FDR = 0.05
MEASURES = ("share", "lift", "lift_vs_rest", "ci_low", "ci_high", "p_value")
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

# The member's own genre mix (its own tickets): which rows of the cooperative's table are about
# its audience's genres.
MEMBER_GENRES = """
SELECT g.genre, CAST(sum(v.tickets) AS BIGINT) AS tickets
FROM analytics_visit AS v JOIN analytics_genre AS g ON ((v.genre_mask >> g.bit) & 1) = 1
WHERE v.member_id = $member AND v.event_day BETWEEN $date_from AND $date_to
GROUP BY g.genre
"""

MEMBER_TICKETS = """
SELECT CAST(coalesce(sum(tickets), 0) AS BIGINT) AS tickets FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
"""

POOLED_PERSONS = """
SELECT count(*) AS patrons FROM analytics_person WHERE (active & $period_mask) <> 0
"""


def pair_statistics(n_ab: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Share, lift, risk ratio, 95% intervals of the lift and of the risk ratio, and p-value of
    ordered pairs (vectors)."""
    from scipy import stats  # imported here: scipy.stats costs 0.6 s at every start of the CLI
    n_ab = np.minimum(np.maximum(n_ab, 0), np.minimum(n_a, n_b)).astype(float)
    n_a, n_b = n_a.astype(float), n_b.astype(float)
    a, b, c = n_ab, n_a - n_ab, n_b - n_ab
    d = np.maximum(0.0, n - n_a - n_b + n_ab)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_a > 0, a / n_a, np.nan)
        lift = np.where((n_a > 0) & (n_b > 0), a * n / (n_a * n_b), np.nan)
        rest = np.where(c + d > 0, c / (c + d), np.nan)
        rr = np.where(rest > 0, share / rest, np.nan)
        se = np.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
        p_a = n_a / n
        valid = (a > 0) & (c > 0) & np.isfinite(rr) & (rr > 0)
        low_rr, high_rr = rr * np.exp(-Z95 * se), rr * np.exp(Z95 * se)
        ci_low = np.where(valid, low_rr / (p_a * low_rr + 1 - p_a), np.nan)
        ci_high = np.where(valid, high_rr / (p_a * high_rr + 1 - p_a), np.nan)
        chi2 = n * (a * d - b * c) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    p_value = np.where(np.isfinite(chi2), stats.chi2.sf(np.nan_to_num(chi2), 1), 1.0)
    expected = np.minimum.reduce([(a + b) * (a + c), (a + b) * (b + d), (c + d) * (a + c), (c + d) * (b + d)]) / max(n, 1)
    for i in np.flatnonzero(expected < 5):
        # Small expected counts: the χ² approximation fails, Fisher's exact test does not.
        table = [[int(a[i]), int(b[i])], [int(c[i]), int(d[i])]]
        p_value[i] = float(stats.fisher_exact(table).pvalue)
    return {"share": share, "lift": lift, "lift_vs_rest": rr, "ci_low": ci_low, "ci_high": ci_high, "p_value": p_value,
            "rr_low": np.where(valid, low_rr, np.nan), "rr_high": np.where(valid, high_rr, np.nan)}


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
    labels = genre_labels()
    rows: list[dict[str, Any]] = []
    for f in GENRES:
        for t in GENRES:
            if f == t:
                continue
            key = (f, t) if order[f] < order[t] else (t, f)
            hidden = pair.hidden(*key) or genre.hidden(f) or genre.hidden(t) or pool.hidden("*")
            rows.append(mark({"from_genre": f, "to_genre": t, "from_label": labels[f], "to_label": labels[t],
                              "patrons": pair.get(*key), "from_patrons": genre.get(f), "_to": genre.get(t)},
                             {"patrons": pair.hidden(*key), "from_patrons": genre.hidden(f),
                              **dict.fromkeys((*MEASURES, "q_value", "significant"), hidden)}))
    tested = [r for r in rows if "lift" not in r["suppressed"]]
    if tested and n:
        figures = pair_statistics(np.array([r["patrons"] for r in tested]), np.array([r["from_patrons"] for r in tested]),
                                  np.array([r["_to"] for r in tested]), int(n))
        from scipy import stats

        q_values = stats.false_discovery_control(figures["p_value"], method="bh")
        for i, row in enumerate(tested):
            for name in MEASURES:
                value = float(figures[name][i])
                row[name] = None if not np.isfinite(value) else round(value, 6 if name == "p_value" else 4)
            row["q_value"] = round(float(q_values[i]), 6)
            row["significant"] = bool(q_values[i] < FDR)
    for row in rows:
        del row["_to"]
        for name in (*MEASURES, "q_value", "significant"):
            row.setdefault(name, None)
    rows.sort(key=lambda r: (r["lift"] is None, -(r["lift"] or 0), r["from_genre"], r["to_genre"]))
    cols = (
        Column("from_genre", _("Genre A: the audience considered")),
        Column("to_genre", _("Genre B: what that audience also attends")),
        Column("from_label", _("Name of genre A")),
        Column("to_label", _("Name of genre B")),
        Column("lift", _("How many times more likely people who attend A are to attend B than pooled patrons in general")),
        Column("ci_low", _("Lower end of the 95% interval of the lift")),
        Column("ci_high", _("Upper end of the 95% interval of the lift")),
        Column("patrons", _("People who attended both A and B in the period")),
        Column("from_patrons", _("People who attended A")),
        Column("share", _("Share of A's audience who attended B")),
        Column("lift_vs_rest", _("How many times more likely than people who did not attend A")),
        Column("p_value", _("Probability of so strong a link by chance alone (test of independence)")),
        Column("q_value", _("p-value adjusted for testing every pair (false-discovery rate)")),
        Column("significant", _("True when q < 0.05: unlikely to be chance")),
    )
    own_total = ctx.query(MEMBER_TICKETS)[0]["tickets"]
    own = sorted(({"genre": r["genre"], "label": labels[r["genre"]], "tickets": r["tickets"],
                   "share": ratio(r["tickets"], own_total)} for r in ctx.query(MEMBER_GENRES) if r["tickets"]),
                 key=lambda r: (-r["tickets"], order[r["genre"]]))
    own_cols = (
        Column("genre", _("Genre of the cooperative's taxonomy")),
        Column("label", _("Genre name")),
        Column("tickets", _("Your tickets for events of the genre in the period (your own data)")),
        Column("share", _("Share of your tickets (an event of two genres counts in both)")),
    )
    significant = [r for r in rows if r["significant"] and (r["lift"] or 0) > 1]
    top = significant[0] if significant else None
    summary = {"pooled_patrons": n, "pairs": len(rows), "significant_pairs": len(significant),
               "strongest": None if top is None else f"{top['from_genre']} → {top['to_genre']} ×{top['lift']:.2f}"}
    return ReportOutput([ReportTable("affinity", _("Genre affinities across the cooperative"), cols, rows, pooled=True),
                         ReportTable("your_genres", _("Your genres"), own_cols, own)],
                        summary, release)
