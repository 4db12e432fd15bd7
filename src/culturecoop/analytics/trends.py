"""Trends: genre shares month by month, rising and falling genres.

Cooperative-wide (through the gate): for each month, the share of the month's active pooled
patrons who attended each genre (distinct persons). The member's own: the share of its tickets
for events of each genre (a ticket counts for every genre of its event), and the share for
events with a Québec headliner.

Cultural audiences are seasonal: a summer festival's genre climbs every June and falls every
September. A line fitted to twelve months would call that a trend. So when the data holds the
same months a year before the period, a genre's move is year over year: its mean share over the
period's months against the same calendar months a year earlier (only months with data on both
sides), rising or falling when it moved by two percentage points. Without that year, the move is
the least-squares line of the period's monthly shares (from the first month with data to the last,
each end held within 0–100 %: a steep line over a few months would otherwise announce
« −122 points » for a share that went from 90 % to nothing), and a note says a season may read as
a trend.

A month when fewer than three members had pooled patrons (``MIN_PEERS``, the peer figures' own
minimum) is left out of the cooperative's shares (a note names those of the period): one member's
shares would be its own mix shown to every member, and of two members each could subtract its own
figures and read the other's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.facts import GENRE_BITS
from culturecoop.analytics.pooled import Cells, genre_labels, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import YEAR_OVER_YEAR_HEADERS
from culturecoop.i18n import _, count, day_words, plural
from culturecoop.privacy.gate import MIN_PEERS, CountTable
from culturecoop.schema.taxonomy import GENRES

CHANGE_THRESHOLD = 0.02
# Year over year needs at least this many months with data in both years (fewer when the period
# is shorter): one pair of months would be one month's noise.
MIN_PAIRED_MONTHS = 3
YEAR_OVER_YEAR, WITHIN_PERIOD = "year_over_year", "within_period"

COOP_GENRE_MONTHS = """
SELECT strftime(month, '%Y-%m') AS month, genre, patrons
FROM analytics_genre_month
WHERE month BETWEEN $date_from AND $date_to
"""

# Members with pooled visits in each month: a month where one member alone had any is that member's
# own genre mix, not the cooperative's (a venue whose data runs two months past everyone else's read
# « Chanson 100 % » there, and « Chanson progresse dans la coopérative »), and shown to every member;
# with two, each of them subtracts its own patrons and reads the other's mix.
COOP_MONTH_MEMBERS = """
SELECT strftime(month, '%Y-%m') AS month, count(DISTINCT member_id) AS members
FROM analytics_member_month
WHERE month BETWEEN $date_from AND $date_to
GROUP BY month
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


def _direction(change: float) -> str:
    return "rising" if change >= CHANGE_THRESHOLD else "falling" if change <= -CHANGE_THRESHOLD else "stable"


def year_over_year(before: list[float | None], shares: list[float | None]) -> dict[str, Any] | None:
    """A genre's move against the same months a year earlier, or None when too few months have a
    share in both years. ``before[i]`` is the share twelve months before ``shares[i]``."""
    pairs = [(b, s) for b, s in zip(before, shares, strict=True) if b is not None and s is not None]
    if len(pairs) < min(MIN_PAIRED_MONTHS, len(shares)) or not pairs:
        return None
    first = float(np.mean([b for b, _s in pairs]))
    last = float(np.mean([s for _b, s in pairs]))
    slope = trend_of(shares)["slope_per_month"]
    return {"first_share": round(first, 4), "last_share": round(last, 4), "slope_per_month": slope,
            "change": round(last - first, 4), "direction": _direction(last - first)}


NO_MOVE: dict[str, Any] = {"first_share": None, "last_share": None, "slope_per_month": None, "change": None,
                           "direction": None}


def genre_moves(before: dict[str, list[float | None]], shares: dict[str, list[float | None]], basis: str
                ) -> dict[str, dict[str, Any]]:
    """Every genre's move on one basis: year over year (a genre with too few months to compare in
    both years has none), or within the period."""
    if basis == YEAR_OVER_YEAR:
        return {g: year_over_year(before[g], shares[g]) or dict(NO_MOVE) for g in shares}
    return {g: trend_of(shares[g]) for g in shares}


def _basis(pairs: int, months: int) -> str:
    """Year over year when enough of the period's months have data in both years."""
    return YEAR_OVER_YEAR if months and pairs >= min(MIN_PAIRED_MONTHS, months) else WITHIN_PERIOD


def _year_before(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}{month[4:]}"


def _summary_columns(share: str, basis: str) -> tuple[Column, ...]:
    headers: tuple[str | None, str | None, str | None] = (None, None, None)
    if basis == YEAR_OVER_YEAR:
        first = share + " " + _("(the same months a year earlier, mean)")
        last = share + " " + _("(the period's months, mean)")
        change = _("Change against the same months a year earlier (0.01 = one percentage point)")
        headers = (YEAR_OVER_YEAR_HEADERS["first_share"], YEAR_OVER_YEAR_HEADERS["last_share"],
                   YEAR_OVER_YEAR_HEADERS["change"])
    else:
        first = share + " " + _("(average of the first three months)")
        last = share + " " + _("(average of the last three months)")
        change = _("Trend over the whole period: the fitted line's move from the first month to the last, each end within 0–100%")
    return (
        Column("genre", _("Genre of the cooperative's taxonomy")),
        Column("label", _("Genre name")),
        Column("first_share", first, headers[0]),
        Column("last_share", last, headers[1]),
        Column("slope_per_month", _("Least-squares trend of the share, per month (0.01 = one percentage point)")),
        Column("change", change, headers[2]),
        Column("direction", _("rising, falling or stable (a change of at least two percentage points)")),
    )


def _data_months(first_day: Any, months: list[str]) -> list[str]:
    """The months of ``months`` the data covers from their start (a week's slack: data that starts
    on a month's second day still covers it)."""
    if not isinstance(first_day, date):
        return []
    covered_from = (first_day - timedelta(days=7)).isoformat()[:7]
    if first_day.day > 7:
        covered_from = (first_day.replace(day=28) + timedelta(days=4)).isoformat()[:7]
    return [m for m in months if m >= covered_from]


def trends(ctx: ReportContext) -> ReportOutput:
    months = ctx.period.months()
    before = [_year_before(m) for m in months]
    earlier = [m for m in _data_months(ctx.window.first_day, before) if m not in set(months)]
    shown = sorted({*earlier, *months})
    since = {"date_from": date.fromisoformat(f"{shown[0]}-01")}
    members = {r["month"]: r["members"] for r in ctx.query(COOP_MONTH_MEMBERS, **since)}
    # A month with pooled visits at fewer than three members never goes to the gate: its shares would be
    # one member's, or read back by either of two. A month with none stays (its cells are empty anyway).
    thin = [m for m in shown if 0 < members.get(m, 0) < MIN_PEERS]
    counted = [m for m in shown if m not in thin]
    counted_set = set(counted)
    release = ctx.release([
        CountTable("genre_month", ("month", "genre"),
                   [r for r in ctx.query(COOP_GENRE_MONTHS, **since) if r["month"] in counted_set],
                   sensitivity=len(shown) * len(GENRES),
                   domain=[(m, g) for m in counted for g in GENRES]),
        CountTable("month", ("month",), [r for r in ctx.query(COOP_MONTHS, **since) if r["month"] in counted_set],
                   sensitivity=len(shown), domain=[(m,) for m in counted]),
    ])
    left_out = [m for m in thin if m in months]
    if left_out:
        last = date.fromisoformat(f"{left_out[-1]}-01")
        ctx.notes.append(plural(
            len(left_out),
            "Not counted in the cooperative's genre shares: {n} month, between {first} and {last}, when fewer than "
            "{least} members had pooled patrons (one of them could read another's figures).",
            "Not counted in the cooperative's genre shares: {n} months between {first} and {last}, when fewer than "
            "{least} members had pooled patrons (one of them could read another's figures).").format(
            n=count(len(left_out)), least=count(MIN_PEERS), first=day_words(f"{left_out[0]}-01"),
            last=day_words((last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))))
    cells, totals = Cells(release.tables["genre_month"]), Cells(release.tables["month"])
    labels = {**genre_labels(), "local": _("Local artists (Québec headliner)")}
    coop_rows: list[dict[str, Any]] = []
    coop_share: dict[tuple[str, str], float | None] = {}
    for month in counted:
        total = totals.get(month)
        for genre in GENRES:
            patrons = cells.get(month, genre)
            share = ratio(patrons, total)
            coop_share[month, genre] = share
            coop_rows.append(mark({"month": month, "genre": genre, "label": labels[genre],
                                   "patrons": patrons, "active_patrons": total, "share": share,
                                   "in_period": month in set(months)},
                                  {"patrons": cells.hidden(month, genre), "active_patrons": totals.hidden(month),
                                   "share": cells.hidden(month, genre) or totals.hidden(month)}))
    coop_basis = _basis(sum(totals.get(b) is not None and totals.get(m) is not None
                            for b, m in zip(before, months, strict=True)), len(months))
    coop_moves = genre_moves({g: [coop_share.get((b, g)) for b in before] for g in GENRES},
                             {g: [coop_share.get((m, g)) for m in months] for g in GENRES}, coop_basis)
    coop_summary = sorted(
        ({"genre": g, "label": labels[g], **coop_moves[g], "suppressed": []} for g in GENRES),
        key=lambda r: (-(r["change"] if r["change"] is not None else -1e9), r["genre"]),
    )

    own = {r["month"]: r for r in ctx.query(MEMBER_GENRE_MONTHS, **since)}
    own_rows: list[dict[str, Any]] = []
    own_share: dict[tuple[str, str], float | None] = {}
    kinds = (*GENRES, "local")
    for month in shown:
        r = own.get(month)
        for genre in kinds:
            tickets = r[f"t_{genre}"] if r else None
            share = ratio(tickets, r["tickets"]) if r else None
            own_share[month, genre] = share
            if r:
                own_rows.append({"month": month, "genre": genre, "label": labels[genre], "tickets": tickets,
                                 "share": share, "in_period": month in set(months)})
    in_period = {g: [own_share.get((m, g)) for m in months] for g in kinds}
    worn = [g for g in kinds if any(s for s in in_period[g])]
    own_basis = _basis(sum(b in own and m in own for b, m in zip(before, months, strict=True)), len(months))
    own_moves = genre_moves({g: [own_share.get((b, g)) for b in before] for g in worn},
                            {g: in_period[g] for g in worn}, own_basis)
    own_summary = sorted(
        ({"genre": g, "label": labels[g], **own_moves[g]} for g in worn),
        key=lambda r: (-(r["change"] if r["change"] is not None else -1e9), r["genre"]),
    )
    if coop_basis == WITHIN_PERIOD:
        ctx.notes.append(_("The data does not hold the same months a year before the period: a genre's move is read "
                           "within the period, where a season (a summer festival's genre every June) can look like a "
                           "trend. Choose a later period to compare with the year before."))
    elif worn and own_basis == WITHIN_PERIOD:
        ctx.notes.append(_("Your own data does not hold the same months a year before the period: your genres' moves "
                           "are read within the period, where a season can look like a trend."))
    coop_month_cols = (
        Column("month", _("Calendar month")),
        Column("genre", _("Genre of the cooperative's taxonomy")),
        Column("label", _("Genre name")),
        Column("patrons", _("Pooled patrons (distinct people, all members) who attended the genre that month")),
        Column("active_patrons", _("Pooled patrons who attended anything that month")),
        Column("share", _("Share of the month's active patrons who attended the genre")),
        Column("in_period", _("True for the period's months, false for the same months a year earlier")),
    )
    own_month_cols = (
        Column("month", _("Calendar month")),
        Column("genre", _("Genre, or local for events with a Québec headliner")),
        Column("label", _("Genre name")),
        Column("tickets", _("Your tickets for events of the genre that month")),
        Column("share", _("Share of your tickets that month")),
        Column("in_period", _("True for the period's months, false for the same months a year earlier")),
    )
    rising = [r["genre"] for r in coop_summary if r["direction"] == "rising"]
    falling = [r["genre"] for r in coop_summary if r["direction"] == "falling"]
    summary = {"months": len(months), "rising": ", ".join(rising) or None, "falling": ", ".join(falling) or None,
               "basis": coop_basis, "your_basis": own_basis if worn else None}
    return ReportOutput([
        ReportTable("cooperative", _("Genres rising and falling across the cooperative"),
                    _summary_columns(_("Share of active pooled patrons"), coop_basis), coop_summary, pooled=True),
        ReportTable("cooperative_months", _("Genre shares by month across the cooperative"), coop_month_cols,
                    coop_rows, pooled=True),
        ReportTable("yours", _("Your genres rising and falling"), _summary_columns(_("Share of your tickets"), own_basis), own_summary),
        ReportTable("your_months", _("Your genre shares by month"), own_month_cols, own_rows),
    ], summary, release)
