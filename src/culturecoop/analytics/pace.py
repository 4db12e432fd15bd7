"""Sales pace: an upcoming event's ticket sales against comparable past events of the member.

As of the period's last day, the event has sold some tickets with some days still to go.
Comparable events are the member's events of the period that share a genre with it (all its
events of the period when fewer than three share one). For each comparable, final sales divided
by its sales at the same number of days before its start is a multiplier; the forecast is the
event's sales so far times the median multiplier (10th–90th percentiles as the range), capped at
capacity, and the probability of selling out is the share of multipliers that would fill it.
Member-only data, no gate.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.facts import MEMBER_LAST_SALE, start_of
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import number
from culturecoop.errors import UserError
from culturecoop.i18n import _, count, current_language, day_words, plural

MIN_COMPARABLES = 3
CURVE_DAYS = 120

# Every admission of an event: patrons' tickets, and the sales that name nobody (door or cash
# sales, summed per day by ``prepare``), which fill seats as well.
ADMISSIONS = """(SELECT member_id, event_id, purchased_at, quantity, status FROM ticket
  UNION ALL SELECT member_id, event_id, CAST(sold_on AS TIMESTAMP), admissions, status FROM unnamed_sale)"""

# The member's admissions sold naming nobody, per event (a note says how many the pace counts).
UNNAMED_BY_EVENT = """
SELECT event_id, CAST(sum(admissions) AS BIGINT) AS admissions FROM unnamed_sale
WHERE member_id = $member AND status = 'sold' GROUP BY event_id
"""

UPCOMING_EVENTS = f"""
SELECT e.event_id, e.title, e.event_day, e.starts_at, e.capacity, e.genre_mask,
       CAST(coalesce(sum(CASE WHEN t.status = 'sold' AND CAST(t.purchased_at AS DATE) <= $date_to
                              THEN t.quantity ELSE 0 END), 0) AS BIGINT) AS sold,
       CAST(coalesce(sum(CASE WHEN t.status = 'sold' THEN t.quantity ELSE 0 END), 0) AS BIGINT) AS sold_in_the_end
FROM analytics_event AS e
LEFT JOIN {ADMISSIONS} AS t ON t.member_id = e.member_id AND t.event_id = e.event_id
WHERE e.member_id = $member AND (e.event_id = $event OR ($event = '' AND e.event_day > $date_to))
GROUP BY e.event_id, e.title, e.event_day, e.starts_at, e.capacity, e.genre_mask
"""

# The member's events a reader may pick: every upcoming one and those of the period, with the
# tickets sold by the period's last day (the as-of day of a sales pace).
MEMBER_EVENTS = f"""
SELECT e.event_id, e.title, e.event_day, e.starts_at, e.capacity,
       CAST(coalesce(sum(CASE WHEN t.status = 'sold' AND CAST(t.purchased_at AS DATE) <= $date_to
                              THEN t.quantity ELSE 0 END), 0) AS BIGINT) AS sold
FROM analytics_event AS e
LEFT JOIN {ADMISSIONS} AS t ON t.member_id = e.member_id AND t.event_id = e.event_id
WHERE e.member_id = $member AND e.event_day >= $date_from
GROUP BY e.event_id, e.title, e.event_day, e.starts_at, e.capacity
"""
MAX_EVENTS = 500

# A title with this many dated slots in the list is an exhibition's timed entries (a museum's « 28 août
# à 15 h · Le fleuve la nuit » every half hour), not a run of shows: it is listed once, with its sales
# per week, rather than one line per slot (hundreds of them hid every other event).
EXHIBITION_SLOTS = 30

# Tickets sold per title and week (from Monday) for the events of the list, up to the period's last day
# (the titles grouped are picked from them: no list parameter, which Spark's SQL would not read).
EXHIBITION_WEEKS = f"""
SELECT e.title, CAST(date_trunc('week', CAST(t.purchased_at AS DATE)) AS DATE) AS week,
       CAST(sum(t.quantity) AS BIGINT) AS tickets
FROM analytics_event AS e
JOIN {ADMISSIONS} AS t ON t.member_id = e.member_id AND t.event_id = e.event_id
WHERE e.member_id = $member AND e.event_day >= $date_from AND t.status = 'sold' AND CAST(t.purchased_at AS DATE) <= $date_to
GROUP BY e.title, CAST(date_trunc('week', CAST(t.purchased_at AS DATE)) AS DATE)
"""

# The member's events whose export gave no start time: dated by their last sale (``analytics_event``).
UNDATED_EVENTS = """
SELECT CAST(count(*) AS BIGINT) AS undated FROM analytics_event WHERE member_id = $member AND day_from_sales
"""


def _note_undated(ctx: ReportContext) -> None:
    undated = int(ctx.query(UNDATED_EVENTS)[0]["undated"] or 0)
    if undated:
        ctx.notes.append(_("Events with no date in your export: {n}. Each is dated by its last sale, so its sales "
                           "pace ends that day; map the column that gives the show's date (or add one to the export) "
                           "and prepare it again to date them.").format(n=count(undated)))

# The member's other events of the same title on the same day (a matinee and an evening): a
# sentence naming this event says its start time when there is one.
SAME_TITLE_AND_DAY = """
SELECT CAST(count(*) AS BIGINT) AS alike, CAST(count_if(starts_at IS NOT DISTINCT FROM $starts) AS BIGINT) AS alike_start
FROM analytics_event
WHERE member_id = $member AND event_id <> $event AND event_day = $day AND coalesce(title, '') = coalesce($title, '')
"""


COMPARABLE_SALES = f"""
WITH c AS (
  SELECT event_id, title, event_day, starts_at, capacity FROM analytics_event
  WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to AND event_id <> $event
    AND ($genre_mask = 0 OR (genre_mask & $genre_mask) <> 0)
)
SELECT c.event_id, max(c.title) AS title, max(c.event_day) AS event_day, max(c.starts_at) AS starts_at,
       max(c.capacity) AS capacity,
       CAST(sum(t.quantity) AS BIGINT) AS final,
       CAST(sum(CASE WHEN datediff('day', CAST(t.purchased_at AS DATE), c.event_day) >= $days_before
                     THEN t.quantity ELSE 0 END) AS BIGINT) AS sold_by_now
FROM {ADMISSIONS} AS t JOIN c ON c.event_id = t.event_id
WHERE t.member_id = $member AND t.status = 'sold'
GROUP BY c.event_id
"""

# Every event of the member in the two years before the as-of day, with its final sales and what it
# had sold at the same number of days before its start: the forecast replayed on each (a track record).
PAST_EVENT_SALES = f"""
WITH e AS (
  SELECT event_id, event_day, genre_mask, capacity FROM analytics_event
  WHERE member_id = $member AND event_day BETWEEN $history_from AND $date_to AND event_id <> $event
)
SELECT e.event_id, max(e.event_day) AS event_day, max(e.genre_mask) AS genre_mask, max(e.capacity) AS capacity,
       CAST(sum(t.quantity) AS BIGINT) AS final,
       CAST(sum(CASE WHEN datediff('day', CAST(t.purchased_at AS DATE), e.event_day) >= $days_before
                     THEN t.quantity ELSE 0 END) AS BIGINT) AS sold_by_now
FROM {ADMISSIONS} AS t JOIN e ON e.event_id = t.event_id
WHERE t.member_id = $member AND t.status = 'sold' AND CAST(t.purchased_at AS DATE) <= $date_to
GROUP BY e.event_id
"""
# The track record replays the forecast on the member's last events of the year before the as-of
# day, each against the events of the year before its own as-of day; with enough of them, their
# errors set the forecast's range in place of the comparables' spread.
TRACK_RECORD_EVENTS = 40
MIN_TRACK_RECORD = 10

# Each comparable's sales by days before its start (purchases further ahead count at the start
# of the curve): the band of what comparable events had sold at each point.
COMPARABLE_CURVES = f"""
WITH c AS (
  SELECT event_id, event_day FROM analytics_event
  WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to AND event_id <> $event
    AND ($genre_mask = 0 OR (genre_mask & $genre_mask) <> 0)
)
SELECT t.event_id,
       greatest(least(datediff('day', CAST(t.purchased_at AS DATE), c.event_day), $curve_days), 0) AS days_before,
       CAST(sum(t.quantity) AS BIGINT) AS tickets
FROM {ADMISSIONS} AS t JOIN c ON c.event_id = t.event_id
WHERE t.member_id = $member AND t.status = 'sold'
GROUP BY t.event_id, greatest(least(datediff('day', CAST(t.purchased_at AS DATE), c.event_day), $curve_days), 0)
"""

SALES_CURVE = f"""
WITH c AS (
  SELECT event_id, event_day FROM analytics_event
  WHERE member_id = $member AND (event_id = $event OR (event_day BETWEEN $date_from AND $date_to
    AND ($genre_mask = 0 OR (genre_mask & $genre_mask) <> 0)))
), s AS (
  SELECT t.event_id, t.quantity, CAST(t.purchased_at AS DATE) <= $date_to AS sold_by_then,
         greatest(least(datediff('day', CAST(t.purchased_at AS DATE), c.event_day), $curve_days), 0) AS days_before
  FROM {ADMISSIONS} AS t JOIN c ON c.event_id = t.event_id
  WHERE t.member_id = $member AND t.status = 'sold'
)
SELECT days_before,
       CAST(sum(CASE WHEN event_id = $event AND sold_by_then THEN quantity ELSE 0 END) AS BIGINT) AS target,
       CAST(sum(CASE WHEN event_id = $event THEN quantity ELSE 0 END) AS BIGINT) AS target_in_the_end,
       CAST(sum(CASE WHEN event_id <> $event THEN quantity ELSE 0 END) AS BIGINT) AS comparables
FROM s GROUP BY days_before
"""


def _target(ctx: ReportContext) -> dict[str, Any]:
    event = str(ctx.params.get("event") or "")
    rows = ctx.query(UPCOMING_EVENTS, event=event)
    if event and not rows:
        raise UserError(_("Member {member} has no event {event}; give the identifier of one of its events.").format(
            member=ctx.member_id, event=event))
    if not rows:
        said = {"member": ctx.member_id, "day": day_words(ctx.period.end)}
        raise UserError(_("Member {member} has no event after {day}, so there is no sales pace to show; choose an end date before one of its events to see its pace then.").format(**said),
                        on_command_line=_("Member {member} has no event after {day}, the last day of the period (--to), so there is no sales pace to show; give --to a day before one of its events to see its pace then.").format(**said))
    target = min(rows, key=lambda r: (r["event_day"], r["event_id"]))
    if target["event_day"] is None or target["event_day"] <= ctx.period.end:
        said = {"event": target["event_id"], "day": day_words(ctx.period.end)}
        before = target["event_day"] - timedelta(days=1) if target["event_day"] is not None else None
        raise UserError(_("Event {event} started on or before {day}; choose an end date before it to see its pace then.").format(**said),
                        on_command_line=None if before is None else _(
                            "Event {event} took place on {start}, on or before the last day of the period ({day}, --to); give --to a "
                            "day before it, such as --to {before}, to see its pace then.").format(
                            **said, start=day_words(target["event_day"]), before=before.isoformat()))
    return target


def _outcomes(sold: int, comparables: list[dict[str, Any]]) -> tuple[np.ndarray | None, bool]:
    """What the event would sell in the end at each comparable's pace: sold so far times its
    multiplier; with nothing sold yet (or too few multipliers), the comparables' final sales, and
    True. None with fewer than ``MIN_COMPARABLES`` comparables."""
    multipliers = np.array([c["final"] / c["sold_by_now"] for c in comparables if c["sold_by_now"]], dtype=float)
    if sold > 0 and len(multipliers) >= MIN_COMPARABLES:
        return sold * multipliers, False
    if len(comparables) >= MIN_COMPARABLES:
        return np.array([c["final"] for c in comparables], dtype=float), True
    return None, False


def _forecast(sold: int, capacity: int | None, comparables: list[dict[str, Any]]) -> float | None:
    """The point forecast: the median of ``_outcomes``, capped at capacity."""
    outcomes, _from_finals = _outcomes(sold, comparables)
    if outcomes is None:
        return None
    value = float(np.median(outcomes))
    return min(float(capacity), value) if capacity else value


def _track_record(ctx: ReportContext, extra: dict[str, Any], genre_mask: int) -> list[float]:
    """Final sales over the forecast, for the forecast made ``days_before`` ahead of each of the
    member's last events of the year before the as-of day, from the events of the year before
    its own as-of day (sharing a genre with it, else all of them) — what the method would have
    said, and what happened. Only events on or before the as-of day: nothing later is read."""
    days_before = int(extra["days_before"])
    end = ctx.period.end
    past = ctx.query(PAST_EVENT_SALES, **extra, history_from=end - timedelta(days=730))
    replayed = sorted((r for r in past if r["event_day"] > end - timedelta(days=365)),
                      key=lambda r: (r["event_day"], r["event_id"]), reverse=True)[:TRACK_RECORD_EVENTS]
    ratios = []
    for event in replayed:
        as_of = event["event_day"] - timedelta(days=days_before)
        year = [r for r in past if as_of - timedelta(days=365) <= r["event_day"] <= as_of and r["event_id"] != event["event_id"]]
        alike = [r for r in year if (r["genre_mask"] or 0) & (event["genre_mask"] or 0)] if genre_mask else year
        forecast = _forecast(int(event["sold_by_now"] or 0), event["capacity"], alike if len(alike) >= MIN_COMPARABLES else year)
        if forecast and event["final"]:
            ratios.append(float(event["final"]) / forecast)
    return ratios


def pace(ctx: ReportContext) -> ReportOutput:
    _note_undated(ctx)
    target = _target(ctx)
    days_before = (target["event_day"] - ctx.period.end).days
    extra: dict[str, Any] = {"event": target["event_id"], "days_before": days_before, "genre_mask": target["genre_mask"]}
    comparables = ctx.query(COMPARABLE_SALES, **extra)
    if len(comparables) < MIN_COMPARABLES:
        extra["genre_mask"] = 0
        comparables = ctx.query(COMPARABLE_SALES, **extra)
        ctx.notes.append(_("Fewer than {n} past events share a genre with this one: all events of the period are compared.").format(n=count(MIN_COMPARABLES)))
    sold = int(target["sold"])
    capacity = target["capacity"]
    forecast: float | None
    low: float | None
    high: float | None
    sellout: float | None
    demand, from_finals = _outcomes(sold, comparables)
    if demand is not None:
        forecast, low, high = (float(np.percentile(demand, q)) for q in (50, 10, 90))
        sellout = float(np.mean(demand >= capacity)) if capacity else None
    else:
        forecast = low = high = sellout = None
        ctx.notes.append(_("Fewer than {n} comparable past events in the period: no forecast; start the period earlier to compare with more events.").format(n=count(MIN_COMPARABLES)))
    if capacity and forecast is not None and low is not None and high is not None:
        forecast, low, high = (min(float(capacity), v) for v in (forecast, low, high))
    # The range from the track record: how far the same forecast fell from the final sales on the
    # member's own past events (the comparables' spread alone held the final sales 7 times in 10
    # on the demo cooperative, for a range that says 8).
    record = _track_record(ctx, extra, int(target["genre_mask"] or 0)) if forecast is not None else []
    range_basis = "comparables"
    if forecast is not None and len(record) >= MIN_TRACK_RECORD:
        outcomes = forecast * np.array(record)
        low, high = (max(float(sold), float(np.percentile(outcomes, q))) for q in (10, 90))
        if capacity:
            low, high = min(float(capacity), low), min(float(capacity), high)
            sellout = float(np.mean(outcomes >= capacity))
        range_basis = "track_record"

    unnamed = {r["event_id"]: int(r["admissions"] or 0) for r in ctx.query(UNNAMED_BY_EVENT)}
    door = sum(unnamed.get(e, 0) for e in {target["event_id"], *(c["event_id"] for c in comparables)})
    if door:
        ctx.notes.append(plural(door, "Door and cash sales, which name nobody, are counted on the day they were sold: {n} "
                                      "admission for this event and those it is compared with.",
                                "Door and cash sales, which name nobody, are counted on the day they were sold: {n} "
                                "admissions for this event and those it is compared with.").format(
                                    n=number(door, current_language())))
    # A replay (the event took place by the data's date: the member's last sale, never after the
    # data's as-of day nor today): its final sales are known and are set against the forecast, which
    # never saw them. An event after that day has not happened yet, whatever sales for it the export
    # holds (sales dated after today: a clock error): its pace is a forecast only.
    known = [d for d in (ctx.query(MEMBER_LAST_SALE)[0]["bought"], ctx.window.as_of) if isinstance(d, date)]
    final = int(target["sold_in_the_end"]) if len(known) == 2 and target["event_day"] <= min(known) else None
    outcome = (None if final is None or low is None or high is None else
               "below" if final < round(low) else "above" if final > round(high) else "within")
    if demand is not None and from_finals:
        # A replay's « yet » is the replayed day, not today: the show is over.
        ctx.notes.append(_("No ticket sold by that day: the forecast is the final sales of comparable events.") if final is not None
                         else _("No ticket sold yet: the forecast is the final sales of comparable events."))
    curve = {r["days_before"]: r for r in ctx.query(SALES_CURVE, **extra, curve_days=CURVE_DAYS)}
    comparable_total = sum(r["comparables"] for r in curve.values())
    rows = []
    cum_target = cum_in_the_end = cum_comparables = 0
    for day in range(CURVE_DAYS, -1, -1):
        point = curve.get(day, {"target": 0, "target_in_the_end": 0, "comparables": 0})
        cum_target += point["target"]
        cum_in_the_end += point["target_in_the_end"]
        cum_comparables += point["comparables"]
        rows.append({
            "days_before": day,
            "tickets_sold": cum_target if day >= days_before else None,
            "tickets_sold_later": cum_in_the_end if final is not None and day <= days_before else None,
            "comparables_share_sold": ratio(cum_comparables, comparable_total),
        })
    band_rows, expected = _band(ctx, extra, comparables, capacity, days_before)
    alike = ctx.query(SAME_TITLE_AND_DAY, event=target["event_id"], day=target["event_day"], title=target["title"],
                      starts=target["starts_at"])[0]
    summary = {
        "event_id": target["event_id"], "title": target["title"], "event_day": target["event_day"].isoformat(),
        "starts_at": start_of(target["starts_at"], target["event_day"]),
        "same_title_and_day": int(alike["alike"] or 0), "same_title_and_start": int(alike["alike_start"] or 0),
        "as_of": ctx.period.end.isoformat(), "days_before": days_before, "tickets_sold": sold,
        "capacity": capacity, "forecast_final": None if forecast is None else round(forecast),
        "forecast_low": None if low is None else round(low), "forecast_high": None if high is None else round(high),
        "sellout_probability": None if sellout is None else round(sellout, 3),
        "comparable_events": len(comparables),
        "expected_by_now": None if expected is None else round(expected),
        "pace_vs_comparables": ratio(sold - expected, expected, 4) if expected else None,
        "final_sold": final, "forecast_outcome": outcome,
        "range_basis": range_basis if forecast is not None else None,
        "track_record_events": len(record),
        "track_record_error": round(float(np.median(np.abs(np.array(record) - 1))), 3) if record else None,
    }
    comparable_rows = sorted(
        ({"event_id": c["event_id"], "title": c["title"],
          "event_day": None if c["event_day"] is None else c["event_day"].isoformat(),
          "starts_at": start_of(c["starts_at"], c["event_day"]), "capacity": c["capacity"],
          "sold_by_now": c["sold_by_now"], "final": c["final"], "multiplier": ratio(c["final"], c["sold_by_now"], 4)}
         for c in comparables),
        key=lambda r: (r["event_day"] or "", r["event_id"]),
    )

    curve_cols = (
        Column("days_before", _("Days before the event starts")),
        Column("tickets_sold", _("Tickets of this event sold by then (cumulative)")),
        Column("tickets_sold_later", _("In a replay, the tickets it had really sold by then, counting the sales after the forecast's day (cumulative)")),
        Column("comparables_share_sold", _("Share of comparable events' final sales sold by then")),
    )
    comparable_cols = (
        Column("event_id", _("Comparable past event")),
        Column("title", _("Its title")),
        Column("event_day", _("Its day")),
        Column("starts_at", _("When it starts, to the minute, when the export gave its time (two shows of one day tell apart by it)")),
        Column("capacity", _("Its capacity")),
        Column("sold_by_now", _("Tickets it had sold at the same number of days before")),
        Column("final", _("Its final sales")),
        Column("multiplier", _("Final sales divided by sales at that point")),
    )
    band_cols = (
        Column("days_before", _("Days before the event starts")),
        Column("low", _("Tickets this event would have sold by then at the pace of the slowest comparables (10th percentile)")),
        Column("median", _("Tickets this event would have sold by then at the median pace of comparable events")),
        Column("high", _("Tickets this event would have sold by then at the pace of the fastest comparables (90th percentile)")),
    )
    return ReportOutput([
        ReportTable("curve", _("Sales curve"), curve_cols, rows),
        ReportTable("comparables", _("Comparable events"), comparable_cols, comparable_rows),
        ReportTable("band", _("What comparable events had sold, scaled to this event"), band_cols, band_rows),
    ], summary)


def _band(ctx: ReportContext, extra: dict[str, Any], comparables: list[dict[str, Any]], capacity: int | None,
          days_before: int) -> tuple[list[dict[str, Any]], float | None]:
    """The 10th, 50th and 90th percentiles of comparable events' sales by days before their
    start, each scaled to this event — by capacity when every event has one, else by final
    sales to the median final — and the median at ``days_before`` (what this event "should"
    have sold by now)."""
    finals = {c["event_id"]: float(c["final"] or 0) for c in comparables}
    capacities = {c["event_id"]: c["capacity"] for c in comparables}
    if not finals or len(finals) < MIN_COMPARABLES:
        return [], None
    by_capacity = bool(capacity) and all(capacities.values())
    scale = {e: (float(capacity) / float(capacities[e]) if by_capacity and capacity else
                 float(np.median(list(finals.values()))) / finals[e] if finals[e] else 0.0) for e in finals}
    events = sorted(finals)
    index = {e: i for i, e in enumerate(events)}
    sold = np.zeros((len(events), CURVE_DAYS + 1))  # tickets with exactly d days to go
    for r in ctx.query(COMPARABLE_CURVES, **extra, curve_days=CURVE_DAYS):
        if r["event_id"] in index:
            sold[index[r["event_id"]], int(r["days_before"])] += r["tickets"]
    # Sold by d days before = everything bought d or more days ahead; scaled to this event.
    by_then = np.cumsum(sold[:, ::-1], axis=1)[:, ::-1] * np.array([scale[e] for e in events])[:, None]
    low, median, high = (np.percentile(by_then, q, axis=0) for q in (10, 50, 90))
    rows = [{"days_before": d, "low": round(float(low[d]), 1), "median": round(float(median[d]), 1),
             "high": round(float(high[d]), 1)} for d in range(CURVE_DAYS, -1, -1)]
    if days_before > CURVE_DAYS:
        # Further ahead than the curve: sold by now from each comparable's own count.
        expected = float(np.median([c["sold_by_now"] * scale[c["event_id"]] for c in comparables]))
    else:
        expected = float(median[days_before])
    return rows, expected


def events(ctx: ReportContext) -> ReportOutput:
    """The member's events to choose a sales pace from: every event after the period's last day
    (upcoming: sales still open at that day) and the period's past events, with tickets sold by
    that day. Member-only data, no gate."""
    _note_undated(ctx)
    found = ctx.query(MEMBER_EVENTS)
    slots: dict[str, list[dict[str, Any]]] = {}
    for r in found:
        if r["title"]:
            slots.setdefault(str(r["title"]), []).append(r)
    grouped = {title: rows for title, rows in slots.items() if len(rows) >= EXHIBITION_SLOTS}
    found = [r for r in found if str(r["title"]) not in grouped]
    upcoming = sorted((r for r in found if r["event_day"] > ctx.period.end), key=lambda r: (r["event_day"], r["event_id"]))
    past = sorted((r for r in found if r["event_day"] <= ctx.period.end), key=lambda r: (r["event_day"], r["event_id"]),
                  reverse=True)
    rows = [{"event_id": r["event_id"], "title": r["title"], "event_day": r["event_day"].isoformat(),
             "starts_at": start_of(r["starts_at"], r["event_day"]), "capacity": r["capacity"], "tickets_sold": int(r["sold"]), "upcoming": r["event_day"] > ctx.period.end}
            for r in (upcoming + past)[:MAX_EVENTS]]
    cols = (
        Column("event_id", _("The member's event identifier")),
        Column("title", _("Event title")),
        Column("event_day", _("Day of the event")),
        Column("starts_at", _("When it starts, to the minute, when the export gave its time (two shows of one day tell apart by it)")),
        Column("capacity", _("Its capacity")),
        Column("tickets_sold", _("Tickets sold by the period's last day")),
        Column("upcoming", _("True when the event is after the period's last day (its sales were still open then)")),
    )
    summary: dict[str, Any] = {"as_of": ctx.period.end.isoformat(), "upcoming": len(upcoming), "past": len(past)}
    tables = [ReportTable("events", _("Your events"), cols, rows)]
    if grouped:
        summary.update(exhibitions=len(grouped), exhibition_slots=sum(len(v) for v in grouped.values()))
        ctx.notes.append(_("Titles with {n} dated slots or more (an exhibition's timed entries) are listed once each, "
                           "with their tickets sold per week, rather than one line per slot.").format(n=count(EXHIBITION_SLOTS)))
        tables += _exhibitions(ctx, grouped)
    return ReportOutput(tables, summary)


def _exhibitions(ctx: ReportContext, grouped: dict[str, list[dict[str, Any]]]) -> list[ReportTable]:
    """One row per exhibition (its slots, first and last day, tickets sold by the period's last day)
    and its tickets sold week by week."""
    rows = sorted(({"title": title, "first_day": min(r["event_day"] for r in slots).isoformat(),
                    "last_day": max(r["event_day"] for r in slots).isoformat(), "slots": len(slots),
                    "tickets_sold": sum(int(r["sold"]) for r in slots)} for title, slots in grouped.items()),
                  key=lambda r: (r["last_day"], r["title"]), reverse=True)
    weeks = sorted(({"title": r["title"], "week": r["week"].isoformat(), "tickets_sold": int(r["tickets"])}
                    for r in ctx.query(EXHIBITION_WEEKS) if r["title"] in grouped), key=lambda r: (r["title"], r["week"]))
    return [
        ReportTable("exhibitions", _("Your exhibitions (titles with many dated slots)"), (
            Column("title", _("Title")),
            Column("first_day", _("Its first slot's day")),
            Column("last_day", _("Its last slot's day")),
            Column("slots", _("Dated slots (timed entries) of the title")),
            Column("tickets_sold", _("Tickets sold by the period's last day")),
        ), rows),
        ReportTable("exhibition_weeks", _("Exhibitions' tickets sold per week"), (
            Column("title", _("Title")),
            Column("week", _("Week of the sale (its Monday)")),
            Column("tickets_sold", _("Tickets sold that week")),
        ), weeks),
    ]
