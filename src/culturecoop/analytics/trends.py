"""Trends: genre shares month by month, rising and falling genres.

Cooperative-wide (through the gate): for each month, the share of the month's active pooled
patrons who attended each genre (distinct persons). The member's own: the share of its tickets
for events of each genre (a ticket counts for every genre of its event), and the share for
events with a Québec headliner. A genre's trend is the least-squares slope of its monthly share;
its change is how far the fitted line moves from the first month with data to the last, each end
held within 0–100 % (a steep line over a few months would otherwise announce « −122 points » for
a share that went from 90 % to nothing); rising or falling when the change reaches two
percentage points.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.facts import GENRE_BITS
from culturecoop.analytics.pooled import Cells, genre_labels, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.i18n import _
from culturecoop.privacy.gate import CountTable
from culturecoop.schema.taxonomy import GENRES

CHANGE_THRESHOLD = 0.02

COOP_GENRE_MONTHS = """
SELECT strftime(month, '%Y-%m') AS month, genre, patrons
FROM analytics_genre_month
WHERE month BETWEEN $date_from AND $date_to
"""

COOP_MONTHS = """
SELECT strftime(month, '%Y-%m') AS month, patrons
FROM analytics_month
WHERE month BETWEEN $date_from AND $date_to
"""

_GENRE_TICKETS = ",\n       ".join(
    f"CAST(sum(CASE WHEN ((v.genre_mask >> {bit}) & 1) = 1 THEN v.tickets ELSE 0 END) AS BIGINT) AS t_{g}"
    for g, bit in GENRE_BITS.items()
)

MEMBER_GENRE_MONTHS = f"""
SELECT strftime(CAST(date_trunc('month', v.event_day) AS DATE), '%Y-%m') AS month,
       CAST(sum(v.tickets) AS BIGINT) AS tickets,
       CAST(sum(CASE WHEN e.is_local THEN v.tickets ELSE 0 END) AS BIGINT) AS t_local,
       {_GENRE_TICKETS}
FROM analytics_visit AS v
LEFT JOIN analytics_event AS e ON e.member_id = v.member_id AND e.event_id = v.event_id
WHERE v.member_id = $member AND v.event_day BETWEEN $date_from AND $date_to
GROUP BY strftime(CAST(date_trunc('month', v.event_day) AS DATE), '%Y-%m')
"""


def trend_of(shares: list[float | None]) -> dict[str, Any]:
    """First and last shares, least-squares slope per month, change and direction."""
    points = [(i, s) for i, s in enumerate(shares) if s is not None]
    if len(points) < 2:
        return {"first_share": None, "last_share": None, "slope_per_month": None, "change": None, "direction": None}
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    slope, intercept = (float(v) for v in np.polyfit(x, y, 1))
    start, end = (min(1.0, max(0.0, intercept + slope * float(at))) for at in (x[0], x[-1]))
    change = end - start
    direction = "rising" if change >= CHANGE_THRESHOLD else "falling" if change <= -CHANGE_THRESHOLD else "stable"
    head, tail = y[: min(3, len(y))], y[-min(3, len(y)):]
    return {"first_share": round(float(head.mean()), 4), "last_share": round(float(tail.mean()), 4),
            "slope_per_month": round(slope, 5), "change": round(change, 4), "direction": direction}


def _summary_columns(share: str) -> tuple[Column, ...]:
    return (
        Column("genre", _("Genre of the cooperative's taxonomy")),
        Column("label", _("Genre name")),
        Column("first_share", share + " " + _("(average of the first three months)")),
        Column("last_share", share + " " + _("(average of the last three months)")),
        Column("slope_per_month", _("Least-squares trend of the share, per month (0.01 = one percentage point)")),
        Column("change", _("Trend over the whole period: the fitted line's move from the first month to the last, each end within 0–100 %")),
        Column("direction", _("rising, falling or stable (a change of at least two percentage points)")),
    )


def trends(ctx: ReportContext) -> ReportOutput:
    months = ctx.period.months()
    month_set = set(months)
    release = ctx.release([
        CountTable("genre_month", ("month", "genre"),
                   [r for r in ctx.query(COOP_GENRE_MONTHS) if r["month"] in month_set],
                   sensitivity=len(months) * len(GENRES),
                   domain=[(m, g) for m in months for g in GENRES]),
        CountTable("month", ("month",), [r for r in ctx.query(COOP_MONTHS) if r["month"] in month_set],
                   sensitivity=len(months), domain=[(m,) for m in months]),
    ])
    cells, totals = Cells(release.tables["genre_month"]), Cells(release.tables["month"])
    labels = {**genre_labels(), "local": _("Local artists (Québec headliner)")}
    coop_rows: list[dict[str, Any]] = []
    coop_shares: dict[str, list[float | None]] = {g: [] for g in GENRES}
    for month in months:
        total = totals.get(month)
        for genre in GENRES:
            patrons = cells.get(month, genre)
            share = ratio(patrons, total)
            coop_shares[genre].append(share)
            coop_rows.append(mark({"month": month, "genre": genre, "label": labels[genre],
                                   "patrons": patrons, "active_patrons": total, "share": share},
                                  {"patrons": cells.hidden(month, genre), "active_patrons": totals.hidden(month),
                                   "share": cells.hidden(month, genre) or totals.hidden(month)}))
    coop_summary = sorted(
        ({"genre": g, "label": labels[g], **trend_of(coop_shares[g]), "suppressed": []} for g in GENRES),
        key=lambda r: (-(r["slope_per_month"] if r["slope_per_month"] is not None else -1e9), r["genre"]),
    )

    own = {r["month"]: r for r in ctx.query(MEMBER_GENRE_MONTHS)}
    own_rows: list[dict[str, Any]] = []
    own_shares: dict[str, list[float | None]] = {g: [] for g in (*GENRES, "local")}
    for month in months:
        r = own.get(month)
        for genre in (*GENRES, "local"):
            tickets = r[f"t_{genre}"] if r else None
            share = ratio(tickets, r["tickets"]) if r else None
            own_shares[genre].append(share)
            if r:
                own_rows.append({"month": month, "genre": genre, "label": labels[genre], "tickets": tickets, "share": share})
    own_summary = sorted(
        ({"genre": g, "label": labels[g], **trend_of(own_shares[g])} for g in (*GENRES, "local")
         if any(s for s in own_shares[g])),
        key=lambda r: (-(r["slope_per_month"] if r["slope_per_month"] is not None else -1e9), r["genre"]),
    )
    coop_month_cols = (
        Column("month", _("Calendar month")),
        Column("genre", _("Genre of the cooperative's taxonomy")),
        Column("label", _("Genre name")),
        Column("patrons", _("Pooled patrons (distinct people, all members) who attended the genre that month")),
        Column("active_patrons", _("Pooled patrons who attended anything that month")),
        Column("share", _("Share of the month's active patrons who attended the genre")),
    )
    own_month_cols = (
        Column("month", _("Calendar month")),
        Column("genre", _("Genre, or local for events with a Québec headliner")),
        Column("label", _("Genre name")),
        Column("tickets", _("Your tickets for events of the genre that month")),
        Column("share", _("Share of your tickets that month")),
    )
    rising = [r["genre"] for r in coop_summary if r["direction"] == "rising"]
    falling = [r["genre"] for r in coop_summary if r["direction"] == "falling"]
    summary = {"months": len(months), "rising": ", ".join(rising) or None, "falling": ", ".join(falling) or None}
    return ReportOutput([
        ReportTable("cooperative", _("Genres rising and falling across the cooperative"),
                    _summary_columns(_("Share of active pooled patrons")), coop_summary, pooled=True),
        ReportTable("cooperative_months", _("Genre shares by month across the cooperative"), coop_month_cols,
                    coop_rows, pooled=True),
        ReportTable("yours", _("Your genres rising and falling"), _summary_columns(_("Share of your tickets")), own_summary),
        ReportTable("your_months", _("Your genre shares by month"), own_month_cols, own_rows),
    ], summary, release)
