"""Audience segments: a member's patrons in six named groups, against the cooperative's mix.

Each patron active in the period falls in the first segment whose rule it meets:

1. regulars — attended in at least 4 different months of the period (frequency);
2. explorers — attended at least 3 genres in the period (taste);
3. big spenders — spends at least twice the audience's average per visit (spending, all time);
4. newcomers — first visit ever in the last 3 months of the period (recency);
5. fading — no visit in the last 6 months of the period (recency);
6. occasional — everyone else.

The member's mix counts its own patron records (member-only data). The cooperative's mix counts
pooled persons with the same rules over all members (through the gate, with complementary
suppression since segments partition the total).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from culturecoop.analytics.audience import ratio
from culturecoop.analytics.period import Period, month_ordinal, month_start
from culturecoop.analytics.pooled import Cells, genres_in_period, mark
from culturecoop.analytics.report import Column, ReportContext, ReportOutput, ReportTable
from culturecoop.analytics.wording import choices
from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language
from culturecoop.privacy.gate import CountTable

SEGMENTS = ("regulars", "explorers", "big_spenders", "newcomers", "fading", "occasional")


def _segmented(source: str, condition: str, key: str) -> str:
    """SQL (CTEs): each row of ``source`` active in the period with its ``segment``."""
    return f"""
WITH r AS (
  SELECT a.{key} AS key, bit_count(a.active & $period_mask) AS months, bit_count({genres_in_period("a")}) AS genres,
         CAST(a.revenue AS DOUBLE) / a.visits AS spend, a.first_day,
         (a.active & $late_mask) <> 0 AS late
  FROM {source} AS a
  WHERE {condition} AND (a.active & $period_mask) <> 0
), s AS (
  SELECT r.*, avg(spend) OVER () AS mean_spend FROM r
), segmented AS (
  SELECT key, CASE WHEN months >= 4 THEN 'regulars'
              WHEN genres >= 3 THEN 'explorers'
              WHEN spend >= 2 * mean_spend THEN 'big_spenders'
              WHEN first_day >= $recent_from THEN 'newcomers'
              WHEN NOT late THEN 'fading'
              ELSE 'occasional' END AS segment
  FROM s
)"""


def _segment_sql(source: str, condition: str, key: str) -> str:
    return _segmented(source, condition, key) + "\nSELECT segment, count(*) AS patrons FROM segmented GROUP BY segment\n"


MEMBER_SEGMENTS = _segment_sql("analytics_record", "a.member_id = $member", "rid")
# CTEs: the member's own records active in the period, ``segmented(key = rid, segment)``.
MEMBER_SEGMENTED = _segmented("analytics_record", "a.member_id = $member", "rid")
COOPERATIVE_SEGMENTS = _segment_sql("analytics_person", "true", "person")
# The member's own patron identifiers in one segment (its own data: an export of its patrons).
MEMBER_SEGMENT_PATRONS = _segmented("analytics_record", "a.member_id = $member", "rid") + """
SELECT p.member_patron_id FROM segmented
JOIN analytics_patron AS p ON p.rid = segmented.key
WHERE segmented.segment = $segment
ORDER BY p.member_patron_id
"""

# The member's own people in each segment as a saved segment audience holds them (``reco.audiences``):
# the segment over the last 12 months up to the member's data date, each person once, by the
# cooperative's key. A page that offers to save one quotes this count: the size the saved audience
# then shows, not the period's own figures.
MEMBER_SEGMENT_PEOPLE = _segmented("analytics_record", "a.member_id = $member", "rid") + """
SELECT segmented.segment, count(DISTINCT i.patron_key) AS people FROM segmented
JOIN analytics_patron AS p ON p.rid = segmented.key
JOIN identity AS i ON i.member_id = p.member_id AND i.member_patron_id = p.member_patron_id
GROUP BY segmented.segment
"""


def segment_audiences(ctx: ReportContext) -> dict[str, Any]:
    """How many of the member's own people a segment audience saved now would hold, per segment,
    with the months its rules read: the 12 months up to the member's data date (``from``, ``to``),
    the last 3 for newcomers (``recent_from``) and the last 6 for the fading (``late_from``). Own
    data only, no gate; ``{}`` when the data has no date."""
    as_of = ctx.window.as_of
    if not isinstance(as_of, date):
        return {}
    end = month_ordinal(as_of)
    year, late = Period(month_start(end - 11), as_of), Period(month_start(end - 5), as_of)
    rows = ctx.query(MEMBER_SEGMENT_PEOPLE, period_mask=year.month_mask(ctx.window), late_mask=late.month_mask(ctx.window),
                     recent_from=month_start(end - 2))
    people = {r["segment"]: int(r["people"]) for r in rows}
    return {"people": {segment: people.get(segment, 0) for segment in SEGMENTS}, "from": year.start.isoformat(),
            "to": as_of.isoformat(), "recent_from": month_start(end - 2).isoformat(), "late_from": late.start.isoformat()}


def descriptions() -> dict[str, str]:
    return {
        "regulars": _("Regulars: came in at least 4 different months of the period"),
        "explorers": _("Explorers: attended at least 3 genres in the period"),
        "big_spenders": _("Big spenders: spend at least twice the average per visit"),
        "newcomers": _("Newcomers: first visit in the last 3 months of the period"),
        "fading": _("Fading: no visit in the last 6 months of the period"),
        "occasional": _("Occasional: everyone else"),
    }


# Whether the member held any event in the months the fading rule reads: a summer festival's period that
# ends before its July edition has every patron « fading », which says nothing of them.
OWN_LATE_VISITS = """
SELECT count(*) AS visits FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $late_from AND $date_to
"""


def _late_from(ctx: ReportContext) -> date:
    end = month_ordinal(ctx.period.end)
    return month_start(max(end - 5, month_ordinal(ctx.period.start)))


def _masks(ctx: ReportContext) -> dict[str, Any]:
    end = month_ordinal(ctx.period.end)
    late = type(ctx.period)(month_start(max(end - 5, month_ordinal(ctx.period.start))), ctx.period.end)
    return {"late_mask": late.month_mask(ctx.window),
            "recent_from": month_start(max(end - 2, month_ordinal(ctx.period.start)))}


def segments(ctx: ReportContext) -> ReportOutput:
    extra = _masks(ctx)
    own = {r["segment"]: r["patrons"] for r in ctx.query(MEMBER_SEGMENTS, **extra)}
    coop_rows = ctx.query(COOPERATIVE_SEGMENTS, **extra)
    release = ctx.release([
        CountTable("segment", ("segment",), coop_rows, 1, [(s,) for s in SEGMENTS],
                   partition_total=sum(r["patrons"] for r in coop_rows)),
    ])
    coop = Cells(release.tables["segment"])
    own_total = sum(own.values())
    coop_total = coop.total
    rows = []
    for segment, description in descriptions().items():
        mine, theirs = own.get(segment, 0), coop.get(segment)
        my_share, coop_share = ratio(mine, own_total), ratio(theirs, coop_total)
        hidden = coop.hidden(segment) or coop_total is None
        rows.append(mark({
            "segment": segment, "description": description, "your_patrons": mine, "your_share": my_share,
            "cooperative_patrons": theirs, "cooperative_share": coop_share,
            "index": None if not coop_share or my_share is None else round(100 * my_share / coop_share),
        }, {"cooperative_patrons": coop.hidden(segment), "cooperative_share": hidden, "index": hidden}))
    cols = (
        Column("segment", _("Segment")),
        Column("description", _("Who is in it")),
        Column("your_patrons", _("Your patrons in the segment (your own data)")),
        Column("your_share", _("Share of your patrons active in the period")),
        Column("cooperative_patrons", _("Pooled patrons of the whole cooperative in the segment")),
        Column("cooperative_share", _("Share of the cooperative's active pooled patrons")),
        Column("index", _("Your share against the cooperative's (100 = same, 150 = one and a half times)")),
    )
    held_late = bool(ctx.query(OWN_LATE_VISITS, late_from=_late_from(ctx))[0]["visits"])
    summary = {"your_patrons": own_total, "cooperative_patrons": coop_total, "events_in_last_six_months": held_late}
    return ReportOutput([ReportTable("segments", _("Audience segments"), cols, rows, pooled=True)], summary, release)


def own_segment_patrons(ctx: ReportContext, segment: str) -> list[str]:
    """The member's own patron identifiers in ``segment`` over the context's period: the patrons
    the segments report counts under "your patrons" (member-only data, no gate)."""
    if segment not in SEGMENTS:
        raise UserError(_("There is no segment {segment}; choose one of: {names}.").format(
            segment=segment, names=choices("segment", SEGMENTS, current_language())))
    return [str(r["member_patron_id"]) for r in ctx.query(MEMBER_SEGMENT_PATRONS, segment=segment, **_masks(ctx))]
