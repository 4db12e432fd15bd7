"""Retention: do a member's patrons come back? Member-only data, no gate.

The return rate is event over event: of the attendances in the period (a patron record at an
event), the share followed by another, later attendance of the same record at the member — at
any time in the data, so an early attendance may be followed after the period ends. Over all
data it equals 1 − records / attendances. Cohorts: patrons by the month of their first visit,
and the share of each cohort seen again 0 to 11 months later.

Events are compared on one horizon: the share of an event's patrons back within six months
(``FOLLOW_DAYS``), for the events the member's data follows that long (its last sale at least six
months after the event). "At any time" would rank September's shows above May's only because
they had more months to be followed. The headline rate keeps the same rule: of the attendances at
the events followed that long, the share back within the horizon (counted at any time, the last
shows' attendances, which nobody could follow yet, pulled it a few points down).

The horizon is six months, or longer when the member's own calendar leaves a longer break between
two of its events (``horizon_months``): a summer festival's patrons come back at next year's edition,
twelve months later, and « back within six months » would read 0 % for an audience that returns.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.facts import start_of
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.i18n import _, count

FOLLOW_DAYS = 182  # six months
FOLLOW_MONTHS = 6
# A break in the member's calendar longer than six months (a festival's year between editions) stretches
# the horizon to cover it and two weeks more (an edition held a few days later); never past two years, so
# that a gap in the data itself does not leave every event unfollowed.
GAP_SLACK_DAYS, MOST_MONTHS = 14, 24

RETENTION_BY_EVENT = """
SELECT event_id, min(event_day) AS event_day, count(*) AS attendees, count_if(came_back) AS came_back,
       count_if(next_day IS NOT NULL AND datediff('day', event_day, next_day) <= $follow_days) AS back_within
FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
GROUP BY event_id
"""

EVENT_TITLES = """
SELECT event_id, title, event_day, starts_at FROM analytics_event WHERE member_id = $member
  -- An event with no start date is dated by its sales (analytics_visit): its title all the same.
  AND (event_day BETWEEN $date_from AND $date_to OR event_day IS NULL)
"""

RETENTION_COHORTS = """
SELECT year(first_day) * 12 + month(first_day) - 1 AS cohort, months_after_first AS months_after,
       count(DISTINCT rid) AS patrons
FROM analytics_visit
WHERE member_id = $member AND first_day BETWEEN $date_from AND $date_to AND months_after_first BETWEEN 0 AND 11
GROUP BY year(first_day) * 12 + month(first_day) - 1, months_after_first
"""

MONTHS_WITH_VISITS = """
SELECT DISTINCT year(event_day) * 12 + month(event_day) - 1 AS month
FROM analytics_visit
WHERE member_id = $member
"""

LAST_EVENT_DAY = "SELECT max(event_day) AS last_day FROM analytics_visit WHERE member_id = $member"

# The longest break between two consecutive days with an event of the member, over all its data.
LONGEST_BREAK = """
SELECT max(gap) AS gap FROM (
  SELECT datediff('day', lag(day) OVER (ORDER BY day), day) AS gap
  FROM (SELECT DISTINCT event_day AS day FROM analytics_visit WHERE member_id = $member)
)
"""

# A title shown on several days (a museum's exhibition of three months, a play's run): did its visitors
# come back for another of the member's titles, within the horizon after their last visit to it? The
# by-event table of a museum lists thousands of timed entries of a few visitors each, which answers
# nothing of « do exhibition visitors come back for the next one ».
RETENTION_BY_TITLE = """
WITH v AS (
  SELECT v.rid, coalesce(e.title, v.event_id) AS title, v.event_day
  FROM analytics_visit AS v
  LEFT JOIN analytics_event AS e ON e.member_id = v.member_id AND e.event_id = v.event_id
  WHERE v.member_id = $member
), runs AS (
  SELECT title, min(event_day) AS first_day, max(event_day) AS last_day, count(DISTINCT event_day) AS days
  FROM v GROUP BY title
), seen AS (
  SELECT rid, title, max(event_day) AS last_visit FROM v GROUP BY rid, title
), next_day AS (
  -- Each day a patron came, and the next day they came again. A visit after a patron's last visit to a
  -- title is to another title, so the next day after that last visit is their next visit elsewhere: no
  -- pairing of each visit with every other (which took seconds for a member with many timed entries).
  SELECT rid, day, lead(day) OVER (PARTITION BY rid ORDER BY day) AS next_other
  FROM (SELECT DISTINCT rid, event_day AS day FROM analytics_visit WHERE member_id = $member AND rid IS NOT NULL)
), followed_by AS (
  SELECT s.title, s.rid, s.last_visit, n.next_other
  FROM seen AS s LEFT JOIN next_day AS n ON n.rid = s.rid AND n.day = s.last_visit
)
SELECT r.title, r.first_day, r.last_day, r.days, count(*) AS visitors,
       count_if(f.next_other IS NOT NULL AND datediff('day', f.last_visit, f.next_other) <= $follow_days) AS back_within
FROM runs AS r JOIN followed_by AS f ON f.title = r.title
WHERE r.last_day >= $date_from AND r.first_day <= $date_to
GROUP BY r.title, r.first_day, r.last_day, r.days
"""
# A title counts as a run from this many days with an event: the by-title table is given when one is.
RUN_DAYS = 3
# Whether the member has a run at all, from its events alone (a few hundred rows, where the by-title
# question reads every attendance): most members' titles are one evening each and skip it. An undated
# event takes its day from its sales, so it leaves the question to the attendances.
HAS_RUNS = f"""
SELECT count(*) AS runs FROM (
  SELECT title FROM analytics_event WHERE member_id = $member AND title IS NOT NULL GROUP BY title
  HAVING count(DISTINCT event_day) >= {RUN_DAYS} OR count_if(event_day IS NULL) > 0
)
"""

RECORDS_IN_PERIOD = """
SELECT count(DISTINCT rid) AS records, count(*) AS attendances
FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
"""


def horizon_months(longest_break_days: int | None) -> int:
    """Months within which a return is counted: six, or enough to cover the member's longest break
    between two events and two weeks more (a yearly festival: 13), at most ``MOST_MONTHS``."""
    if not longest_break_days:
        return FOLLOW_MONTHS
    return max(FOLLOW_MONTHS, min(MOST_MONTHS, math.ceil((longest_break_days + GAP_SLACK_DAYS) * 12 / 365.25)))


def horizon_days(months: int) -> int:
    return round(months * FOLLOW_DAYS / FOLLOW_MONTHS)


def horizon_sentence(months: int) -> str:
    """The headline rate's rule, in one sentence."""
    if months == FOLLOW_MONTHS:
        return _("Return rate: of the attendances at your events held at least six months before your data's last "
                 "sale, the share whose next visit to one of your events came within six months.")
    return _("Return rate: of the attendances at your events that your data follows to your next season, the share "
             "whose next visit to one of your events came within {n} months (long enough to cover your calendar's "
             "longest break between two events).").format(n=count(months))


def _month_label(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def retention(ctx: ReportContext) -> ReportOutput:
    known = {r["event_id"]: r for r in ctx.query(EVENT_TITLES)}
    titles = {e: r["title"] for e, r in known.items()}
    # Its start to the minute: two shows of one title and day (a matinee and an evening) tell apart by it.
    starts = {e: start_of(r["starts_at"], r["event_day"]) for e, r in known.items()}
    longest_break = ctx.query(LONGEST_BREAK)[0]["gap"]
    months = horizon_months(longest_break)
    follow_days = horizon_days(months)
    by_event = sorted(ctx.query(RETENTION_BY_EVENT, follow_days=follow_days), key=lambda r: (r["event_day"], r["event_id"]))
    # Followed for the horizon: the member's data (its own last sale) runs that long after the event.
    data_end = ctx.window.as_of if isinstance(ctx.window.as_of, date) else None

    # After the member's last event nobody could come back yet: its « 0 » and « 0,0 % » read as an
    # audience that never returns. They are left empty (the period's sums still count its attendances).
    last_day = ctx.query(LAST_EVENT_DAY)[0]["last_day"]

    def followed(day: date) -> bool:
        if data_end is None:
            return False
        if day + timedelta(days=follow_days) <= data_end:
            return True
        # A horizon stretched by a break (a festival's year): the event is followed once the data holds
        # the member's next season, about one longest break after it (two weeks' slack: an edition held a
        # few days earlier). A festival exporting the day after this July's edition has followed last
        # July's, though not for thirteen months.
        return (months > FOLLOW_MONTHS and isinstance(last_day, date) and longest_break is not None
                and day + timedelta(days=int(longest_break) - GAP_SLACK_DAYS) <= last_day)

    def later(day: date) -> bool:
        return not isinstance(last_day, date) or day < last_day

    event_rows = [
        {"event_id": r["event_id"], "title": titles.get(r["event_id"]), "event_day": r["event_day"].isoformat(),
         "starts_at": starts.get(r["event_id"]), "attendees": r["attendees"],
         "came_back": r["came_back"] if later(r["event_day"]) else None,
         "return_rate": ratio(r["came_back"], r["attendees"]) if later(r["event_day"]) else None,
         "back_within_6_months": r["back_within"] if followed(r["event_day"]) else None,
         "return_rate_6_months": ratio(r["back_within"], r["attendees"]) if followed(r["event_day"]) else None}
        for r in by_event
    ]
    attendances = sum(r["attendees"] for r in by_event)
    came_back = sum(r["came_back"] for r in by_event)
    cohorts: dict[int, dict[int, int]] = {}
    for r in ctx.query(RETENTION_COHORTS):
        cohorts.setdefault(r["cohort"], {})[r["months_after"]] = r["patrons"]
    # A month in which none of the member's events took place (a season's break, or after the
    # data's last sale) is no month to come back in: its cells are left empty, not read as 0 %.
    held = {int(r["month"]) for r in ctx.query(MONTHS_WITH_VISITS)}
    cohort_rows = []
    for cohort in sorted(cohorts):
        size = cohorts[cohort].get(0, 0)
        for months_after in range(12):
            if cohort + months_after > (ctx.period.end.year * 12 + ctx.period.end.month - 1):
                break
            seen: int | None = cohorts[cohort].get(months_after, 0) if cohort + months_after in held else None
            cohort_rows.append({"cohort": _month_label(cohort), "months_after": months_after,
                                "patrons": seen, "share": None if seen is None else ratio(seen, size)})
    totals = ctx.query(RECORDS_IN_PERIOD)[0]
    titles_rows = (ctx.query(RETENTION_BY_TITLE, follow_days=follow_days) if ctx.query(HAS_RUNS)[0]["runs"]
                   else [])
    title_rows = [] if not any(r["days"] >= RUN_DAYS for r in titles_rows) else [
        {"title": r["title"], "first_day": r["first_day"].isoformat(), "last_day": r["last_day"].isoformat(),
         "days": r["days"], "visitors": r["visitors"],
         "back_within": r["back_within"] if followed(r["last_day"]) else None,
         "back_share": ratio(r["back_within"], r["visitors"]) if followed(r["last_day"]) else None}
        for r in sorted(titles_rows, key=lambda r: (r["first_day"], r["title"]))]
    title_cols = (
        Column("title", _("A title your events share (an exhibition, a show's run)")),
        Column("first_day", _("Its first day with an event")),
        Column("last_day", _("Its last day with an event")),
        Column("days", _("Days with an event of that title")),
        Column("visitors", _("Patrons who attended it")),
        Column("back_within", _("Of them, patrons who came to another of your titles within the horizon after their last visit to it (empty when your data does not run that long past its last day)")),
        Column("back_share", _("Share back for another title within the horizon")),
    )
    event_cols = (
        Column("event_id", _("The member's event identifier")),
        Column("title", _("Event title")),
        Column("event_day", _("Day of the event")),
        Column("starts_at", _("When it starts, to the minute, when the export gave its time (two shows of one day tell apart by it)")),
        Column("attendees", _("Patrons who attended")),
        Column("came_back", _("Of them, patrons who came to a later event of yours (empty when you have held no event after it yet)")),
        Column("return_rate", _("Share who came back (came_back / attendees)")),
        Column("back_within_6_months", _("Of them, patrons whose next event of yours was within the horizon (horizon_months in the summary: six, or longer when your calendar has a longer break; empty when your data does not run that long past the event)")),
        Column("return_rate_6_months", _("Share back within the horizon: the rate to compare events by")),
    )
    cohort_cols = (
        Column("cohort", _("Month of the patrons' first visit")),
        Column("months_after", _("Months after that first month (0 = the first month)")),
        Column("patrons", _("Patrons of the cohort who attended that month")),
        Column("share", _("Share of the cohort who attended that month")),
    )
    compared = [r for r in event_rows if r["return_rate_6_months"] is not None]
    followed_attendances = sum(r["attendees"] for r in compared)
    back_within = sum(r["back_within_6_months"] for r in compared)
    rate = ratio(back_within, followed_attendances)
    summary: dict[str, Any] = {
        # The headline: the by-event table's rule, on the attendances of the events followed that long.
        "return_rate": rate,
        "return_rate_6_months": rate,
        "horizon_months": months,
        "followed_attendances": followed_attendances,
        "back_within": back_within,
        "attendances": attendances,
        "patrons": totals["records"],
        # Followed by a later visit at any time (the last shows' attendances included): 1 − records /
        # attendances over all data.
        "came_back": came_back,
        "return_rate_any_time": ratio(came_back, attendances),
    }
    if any(r["patrons"] is None for r in cohort_rows):
        ctx.notes.append(_("Cohorts: a month in which none of your events took place (a break in the season, or after the "
                           "last sale in your data) is left empty: nobody could come back then."))
    ctx.notes.append(horizon_sentence(months))
    return ReportOutput([
        ReportTable("by_event", _("Return rate by event"), event_cols, event_rows),
        ReportTable("cohorts", _("Monthly cohorts"), cohort_cols, cohort_rows),
        ReportTable("by_title", _("Return from one exhibition or show to another"), title_cols, title_rows),
    ], summary)
