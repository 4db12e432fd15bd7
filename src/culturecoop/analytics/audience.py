"""A member's own audience: key figures (overview), where it lives (geography) and how often it
comes and spends (frequency). Member-only data: patron-level rows of the member itself, no gate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from culturecoop.analytics.period import Period, month_end, month_ordinal, month_start
from culturecoop.analytics.places import area_name
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import number
from culturecoop.i18n import _, current_language, day_words, plural

OVERVIEW_VISITS = """
SELECT CASE WHEN event_day >= $date_from THEN 'current' ELSE 'previous' END AS period,
       count(DISTINCT rid) AS patrons,
       count(DISTINCT CASE WHEN (event_day >= $date_from AND first_day >= $date_from)
                             OR (event_day < $date_from AND first_day >= $prev_from) THEN rid END) AS new_patrons,
       count(DISTINCT event_id) AS events,
       count(*) AS attendances,
       CAST(sum(tickets) AS BIGINT) AS tickets,
       CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue
FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $prev_from AND $date_to
GROUP BY CASE WHEN event_day >= $date_from THEN 'current' ELSE 'previous' END
"""

OVERVIEW_ORDERS = """
SELECT CASE WHEN event_day >= $date_from THEN 'current' ELSE 'previous' END AS period, count(*) AS orders
FROM analytics_order
WHERE member_id = $member AND event_day BETWEEN $prev_from AND $date_to
GROUP BY CASE WHEN event_day >= $date_from THEN 'current' ELSE 'previous' END
"""

# Month by month: the period's own days, and the same days a year before (``year_before_*``).
OVERVIEW_MONTHS = """
SELECT CASE WHEN event_day >= $date_from THEN 'current' ELSE 'year_before' END AS period,
       year(event_day) * 12 + month(event_day) - 1 AS month,
       count(DISTINCT rid) AS patrons,
       CAST(sum(tickets) AS BIGINT) AS tickets,
       CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue
FROM analytics_visit
WHERE member_id = $member
  AND (event_day BETWEEN $date_from AND $date_to OR event_day BETWEEN $year_before_from AND $year_before_to)
GROUP BY CASE WHEN event_day >= $date_from THEN 'current' ELSE 'year_before' END,
         year(event_day) * 12 + month(event_day) - 1
"""

# The member's own first event day: a year before it, the member's data holds nothing to compare with.
MEMBER_FIRST_DAY = """
SELECT min(event_day) AS first_day FROM analytics_visit WHERE member_id = $member
"""

GEOGRAPHY_FSA = """
SELECT coalesce(fsa, '') AS fsa, count(DISTINCT rid) AS patrons, CAST(sum(tickets) AS BIGINT) AS tickets
FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
GROUP BY coalesce(fsa, '')
"""

GEOGRAPHY_TRAVEL = """
SELECT distance, count(*) AS attendances, count(DISTINCT rid) AS patrons
FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
GROUP BY distance
"""

# Birth-year bands of five years (``1980-1984``) are all ``prepare`` keeps of a birth date.
GEOGRAPHY_BIRTH_BANDS = """
SELECT coalesce(p.birth_band, '') AS birth_band, count(DISTINCT v.rid) AS patrons
FROM analytics_visit AS v
LEFT JOIN patron AS p ON p.member_id = v.member_id AND p.member_patron_id = v.member_patron_id
WHERE v.member_id = $member AND v.event_day BETWEEN $date_from AND $date_to
GROUP BY coalesce(p.birth_band, '')
"""

# Age bands (years at the end of the period), youngest first; the last one is open-ended.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under_18", 0, 17), ("18_24", 18, 24), ("25_34", 25, 34), ("35_44", 35, 44),
    ("45_54", 45, 54), ("55_64", 55, 64), ("65_plus", 65, None),
)


def age_band(birth_band: str | None, year: int) -> str:
    """The age band of a birth-year band at ``year`` (the middle of the band's years), or
    ``unknown`` when the band is missing or unreadable."""
    try:
        first, last = (int(part) for part in (birth_band or "").split("-"))
    except ValueError:
        return "unknown"
    age = year - (first + last) / 2
    for band, low, high in AGE_BANDS:
        if age >= low and (high is None or age < high + 1):
            return band
    return "unknown"


FREQUENCY_BANDS = """
WITH p AS (
  SELECT rid, count(*) AS visits, CAST(sum(revenue) AS DOUBLE) AS revenue, max(event_day) AS last_day
  FROM analytics_visit
  WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
  GROUP BY rid
), banded AS (
  SELECT CASE WHEN datediff('day', last_day, $date_to) < 30 THEN '1: < 30 d'
              WHEN datediff('day', last_day, $date_to) < 90 THEN '2: 30-89 d'
              WHEN datediff('day', last_day, $date_to) < 180 THEN '3: 90-179 d'
              ELSE '4: 180+ d' END AS recency,
         CASE WHEN visits = 1 THEN '1' WHEN visits = 2 THEN '2' WHEN visits <= 4 THEN '3-4'
              WHEN visits <= 9 THEN '5-9' ELSE '10+' END AS frequency,
         CASE WHEN revenue < 50 THEN '1: < 50' WHEN revenue < 100 THEN '2: 50-99'
              WHEN revenue < 250 THEN '3: 100-249' WHEN revenue < 500 THEN '4: 250-499'
              ELSE '5: 500+' END AS monetary,
         visits, revenue
  FROM p
)
SELECT recency, frequency, monetary, count(*) AS patrons, CAST(sum(visits) AS BIGINT) AS visits,
       sum(revenue) AS revenue
FROM banded
GROUP BY recency, frequency, monetary
"""


# Admissions sold naming nobody (door or cash sales) for the period's events: no patron's ticket,
# so outside the figures above, but seats filled all the same.
UNNAMED_ADMISSIONS = """
SELECT CAST(coalesce(sum(u.admissions), 0) AS BIGINT) AS admissions
FROM unnamed_sale AS u JOIN analytics_event AS e ON e.member_id = u.member_id AND e.event_id = u.event_id
WHERE u.member_id = $member AND u.status = 'sold' AND e.event_day BETWEEN $date_from AND $date_to
"""


def ratio(numerator: float | int | None, denominator: float | int | None, digits: int = 6) -> float | None:
    """numerator / denominator rounded, or None when either is missing or the denominator is 0.

    Six decimals by default, well past what a page shows (a share to 0,1 %): rounded to four, 6/11
    was 0.5455 and read 54,6 % instead of 54,5 %."""
    if numerator is None or denominator in (None, 0):
        return None
    return round(float(numerator) / float(denominator), digits)


def overview(ctx: ReportContext) -> ReportOutput:
    previous = ctx.period.previous()
    extra = {"prev_from": previous.start}
    by_period = {r["period"]: r for r in ctx.query(OVERVIEW_VISITS, **extra)}
    orders = {r["period"]: r["orders"] for r in ctx.query(OVERVIEW_ORDERS, **extra)}

    def figures(period: str) -> dict[str, Any]:
        r = by_period.get(period, {})
        patrons, revenue, tickets = r.get("patrons", 0), float(r.get("revenue") or 0), r.get("tickets", 0)
        new = r.get("new_patrons", 0)
        return {
            "patrons": patrons, "new_patrons": new, "returning_patrons": patrons - new,
            "events": r.get("events", 0), "tickets": tickets, "revenue": round(revenue, 2),
            "orders": orders.get(period, 0), "average_basket": ratio(revenue, orders.get(period), 2),
            "tickets_per_patron": ratio(tickets, patrons, 2), "revenue_per_patron": ratio(revenue, patrons, 2),
            "new_share": ratio(new, patrons),
        }

    now, before = figures("current"), figures("previous")
    labels = {
        "patrons": _("Patrons (distinct buyers who attended)"),
        "new_patrons": _("New patrons (first visit ever in the period)"),
        "returning_patrons": _("Returning patrons (had come before the period)"),
        "events": _("Events attended"),
        "tickets": _("Tickets sold"),
        "revenue": _("Revenue (taxes included)"),
        "orders": _("Orders"),
        "average_basket": _("Average basket (revenue per order)"),
        "tickets_per_patron": _("Tickets per patron"),
        "revenue_per_patron": _("Revenue per patron"),
        "new_share": _("Share of new patrons"),
    }
    rows = [
        {"metric": key, "label": label, "this_period": now[key], "previous_period": before[key],
         "change": ratio((now[key] or 0) - (before[key] or 0), before[key]) if before[key] else None}
        for key, label in labels.items()
    ]
    columns = (
        Column("metric", _("Name of the figure")),
        Column("label", _("What the figure counts")),
        Column("this_period", _("Value over the period asked for")),
        Column("previous_period", _("Value over the period of the same length just before")),
        Column("change", _("Relative change from the previous period (0.10 = +10%)")),
    )
    summary = {k: now[k] for k in ("patrons", "tickets", "revenue", "average_basket", "new_share")}
    unnamed = int(ctx.query(UNNAMED_ADMISSIONS)[0]["admissions"] or 0)
    if unnamed:
        summary["unnamed_admissions"] = unnamed
        ctx.notes.append(plural(unnamed, "{n} admission sold naming nobody (a door or cash sale) is not in these figures, "
                                         "which count patrons' tickets; your events' sales and the sales pace count it.",
                                "{n} admissions sold naming nobody (door or cash sales) are not in these figures, which count "
                                "patrons' tickets; your events' sales and the sales pace count them.").format(
                                    n=number(unnamed, current_language())))
    ctx.notes.append(_("Previous period: {start} to {end}.").format(
        start=day_words(previous.start), end=day_words(previous.end)))
    return ReportOutput([ReportTable("overview", _("Key figures"), columns, rows), _by_month(ctx)], summary)


def year_before(day: date) -> date:
    """The same day a year before (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _by_month(ctx: ReportContext) -> ReportTable:
    """The period month by month (its first and last months as far as the period runs), each beside
    the same days a year before when the data holds them all (a period longer than a year has no
    such comparison: its year before is partly itself)."""
    period, first_in_data = ctx.period, ctx.query(MEMBER_FIRST_DAY)[0]["first_day"]
    earlier = Period(year_before(period.start), year_before(period.end))
    compared = period.days <= 366
    found = {(r["period"], int(r["month"])): r for r in ctx.query(
        OVERVIEW_MONTHS, year_before_from=earlier.start, year_before_to=earlier.end)}
    rows = []
    for ordinal in range(month_ordinal(period.start), month_ordinal(period.end) + 1):
        first, last = max(month_start(ordinal), period.start), min(month_end(ordinal), period.end)
        now = found.get(("current", ordinal), {})
        # The same days a year before, when the data holds every one of them.
        known = compared and isinstance(first_in_data, date) and year_before(first) >= first_in_data
        before = found.get(("year_before", ordinal - 12), {}) if known else {}
        rows.append({
            "month": f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}", "first_day": first.isoformat(),
            "last_day": last.isoformat(),
            "whole_month": first == month_start(ordinal) and last == month_end(ordinal),
            "patrons": int(now.get("patrons") or 0), "tickets": int(now.get("tickets") or 0),
            "revenue": round(float(now.get("revenue") or 0), 2),
            "tickets_year_before": int(before.get("tickets") or 0) if known else None,
            "revenue_year_before": round(float(before.get("revenue") or 0), 2) if known else None,
        })
    columns = (
        Column("month", _("Month of the events (YYYY-MM)")),
        Column("first_day", _("First day of the month counted (the period's first day for its first month)")),
        Column("last_day", _("Last day of the month counted (the period's last day for its last month)")),
        Column("whole_month", _("Whether the whole month is in the period")),
        Column("patrons", _("Patrons who attended an event of that month")),
        Column("tickets", _("Tickets for the events of that month")),
        Column("revenue", _("Revenue of those tickets (taxes included)")),
        Column("tickets_year_before", _("Tickets for the same days a year before (empty when the data does not hold them all)")),
        Column("revenue_year_before", _("Revenue for the same days a year before (empty when the data does not hold them all)")),
    )
    return ReportTable("by_month", _("Month by month"), columns, rows)


def geography(ctx: ReportContext) -> ReportOutput:
    fsa_rows = ctx.query(GEOGRAPHY_FSA)
    total = sum(r["patrons"] for r in fsa_rows)
    areas: dict[str, dict[str, Any]] = {}
    for r in fsa_rows:
        area = area_name(r["fsa"])
        item = areas.setdefault(area, {"area": area, "patrons": 0, "tickets": 0})
        item["patrons"] += r["patrons"]
        item["tickets"] += r["tickets"]
    area_rows = sorted(areas.values(), key=lambda a: (-a["patrons"], a["area"]))
    for a in area_rows:
        a["share"] = ratio(a["patrons"], total)
    fsa_table = sorted(
        ({"fsa": r["fsa"] or "?", "area": area_name(r["fsa"]), "patrons": r["patrons"],
          "share": ratio(r["patrons"], total), "tickets": r["tickets"]} for r in fsa_rows),
        key=lambda r: (-r["patrons"], r["fsa"]),
    )
    travel_labels = {
        "same_fsa": _("Lives in the venue's postal area"),
        "nearby": _("Lives nearby (a neighbouring postal area: in Canada the same first two characters, in France the same département)"),
        "same_region": _("Lives elsewhere in the venue's region (a Canadian postal code's first letter: Montréal, Eastern Québec…)"),
        "same_country": _("Lives elsewhere in the venue's country"),
        "elsewhere_in_quebec": _("Lives elsewhere in Québec"),
        "outside_quebec": _("Lives outside Québec"),
        "abroad": _("Lives in a country other than the venue's"),
        "unknown": _("Postal code unknown"),
    }
    travel = {r["distance"]: r for r in ctx.query(GEOGRAPHY_TRAVEL)}
    attendances = sum(r["attendances"] for r in travel.values())
    travel_rows = [
        {"distance": key, "label": label, "attendances": travel[key]["attendances"],
         "share": ratio(travel[key]["attendances"], attendances)}
        for key, label in travel_labels.items() if key in travel
    ]
    area_cols = (
        Column("area", _("Area where patrons live (from the postal code: a region of Canada, a French département, a Belgian province, a Swiss region, else the country)")),
        Column("patrons", _("Distinct patrons who attended in the period")),
        Column("share", _("Share of the period's patrons")),
        Column("tickets", _("Tickets they bought")),
    )
    fsa_cols = (
        Column("fsa", _("Postal area: a Canadian code's first three characters (H2X), elsewhere the country and the code's first digits (FR-750) or a British district (GB-SW4)")),
        Column("area", _("Region of that postal area")),
        Column("patrons", _("Distinct patrons living there")),
        Column("share", _("Share of the period's patrons")),
        Column("tickets", _("Tickets they bought")),
    )
    travel_cols = (
        Column("distance", _("How far patrons live from the venue")),
        Column("label", _("What the distance band means")),
        Column("attendances", _("Attendances (a patron at an event)")),
        Column("share", _("Share of attendances")),
    )
    ages: dict[str, int] = {}
    for r in ctx.query(GEOGRAPHY_BIRTH_BANDS):
        band = age_band(r["birth_band"], ctx.period.end.year)
        ages[band] = ages.get(band, 0) + r["patrons"]
    age_rows = [{"age_band": band, "patrons": ages.get(band, 0), "share": ratio(ages.get(band, 0), total)}
                for band in (*(b for b, _low, _high in AGE_BANDS), "unknown")]
    age_cols = (
        Column("age_band", _("Age at the end of the period, from the patron's birth-year band")),
        Column("patrons", _("Distinct patrons who attended in the period")),
        Column("share", _("Share of the period's patrons")),
    )
    local = sum(t["attendances"] for k, t in travel.items() if k in ("same_fsa", "nearby"))
    summary = {"patrons": total, "areas": len(area_rows), "share_nearby": ratio(local, attendances)}
    return ReportOutput([
        ReportTable("areas", _("Where the audience lives"), area_cols, area_rows),
        ReportTable("fsa", _("Patrons by postal area"), fsa_cols, fsa_table),
        ReportTable("travel", _("How far the audience travels"), travel_cols, travel_rows),
        ReportTable("ages", _("Age of the audience"), age_cols, age_rows),
    ], summary)


def frequency(ctx: ReportContext) -> ReportOutput:
    cells = ctx.query(FREQUENCY_BANDS)
    total = sum(c["patrons"] for c in cells)
    revenue = sum(float(c["revenue"] or 0) for c in cells)
    dimensions = (("recency", _("Recency: days since the last visit, at the end of the period")),
                  ("frequency", _("Frequency: visits (events attended) in the period")),
                  ("monetary", _("Monetary: spending in the period, in dollars")))
    rows: list[dict[str, Any]] = []
    for dimension, _meaning in dimensions:
        bands: dict[str, dict[str, Any]] = {}
        for c in cells:
            band = bands.setdefault(c[dimension], {"patrons": 0, "revenue": 0.0, "visits": 0})
            band["patrons"] += c["patrons"]
            band["revenue"] += float(c["revenue"] or 0)
            band["visits"] += c["visits"]
        for name in sorted(bands):
            b = bands[name]
            rows.append({"dimension": dimension, "band": name.split(": ")[-1], "patrons": b["patrons"],
                         "share": ratio(b["patrons"], total), "revenue": round(b["revenue"], 2),
                         "revenue_share": ratio(b["revenue"], revenue)})
    grid: dict[tuple[str, str], int] = {}
    for c in cells:
        grid[(c["recency"], c["frequency"])] = grid.get((c["recency"], c["frequency"]), 0) + c["patrons"]
    grid_rows = [{"recency": r.split(": ")[-1], "frequency": f, "patrons": n, "share": ratio(n, total)}
                 for (r, f), n in sorted(grid.items())]
    columns = (
        Column("dimension", _("recency, frequency or monetary")),
        Column("band", _("Band of that dimension")),
        Column("patrons", _("Patrons in the band")),
        Column("share", _("Share of the period's patrons")),
        Column("revenue", _("Their spending in the period")),
        Column("revenue_share", _("Share of the period's revenue")),
    )
    grid_cols = (
        Column("recency", _("Days since the last visit")),
        Column("frequency", _("Visits in the period")),
        Column("patrons", _("Patrons in that cell")),
        Column("share", _("Share of the period's patrons")),
    )
    visits = sum(c["visits"] for c in cells)
    summary = {"patrons": total, "visits_per_patron": ratio(visits, total, 2),
               "revenue_per_patron": ratio(revenue, total, 2)}
    return ReportOutput([
        ReportTable("bands", _("Recency, frequency, spending"), columns, rows),
        ReportTable("grid", _("Recency by frequency"), grid_cols, grid_rows),
    ], summary)
