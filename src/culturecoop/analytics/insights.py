"""What the figures mean, in two to four sentences: rules that read the reports' answers.

Each rule reads the JSON answers of one or more reports (``ReportResult.to_json``: what the
gate released, never more) and either states one finding, with its numbers, or stays silent
when the data does not support one (too few people, a difference too small, a comparison that
would mislead, a cell the gate suppressed). A rule never states a number the gate hid: it reads
cells through ``released``, which answers None for a suppressed cell. When no rule speaks,
``Findings.silence`` says why.

An ``Insight`` keeps its message id (English) and typed values, so it is said in French or
English, numbers formatted for that reader, whatever language the server runs in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from culturecoop.analytics import wording
from culturecoop.analytics.period import Period
from culturecoop.analytics.wording import _, say
from culturecoop.i18n import plural_in

MAX_INSIGHTS = 4
# Below these, a share or a difference is noise rather than a finding.
MIN_PATRONS = 30
MIN_CHANGE = 0.05
# A trend is said only when the shares it quotes moved by this much too (trends.CHANGE_THRESHOLD).
TREND_QUOTED = 0.02
# Newcomers swing more than an audience does: a fifth more or fewer is a finding, less is weather.
NEWCOMERS_CHANGE = 0.2
MIN_LIFT = 1.2
MIN_INDEX_GAP = 20
RECENT_DAYS = 90  # events closer than this to the data's end have had no time to be followed


@dataclass(frozen=True)
class Value:
    """A number or a code in a sentence, formatted for the reader (``kind`` says how)."""

    kind: str
    value: Any
    currency: str = "CAD"  # a money value's
    forms: tuple[str, str] = ("", "")  # a count's singular and plural (``counted``)

    def text(self, language: str) -> str:
        kind, value = self.kind, self.value
        if kind == "number":
            return wording.number(value, language)
        if kind == "count":  # « 1 billet », « 0 billet », « 2 billets »; "1 ticket", "0 tickets"
            return plural_in(round(value), *self.forms, language).replace("{n}", wording.number(value, language))
        if kind == "percent":
            return wording.percent(value, language, 1 if 0 < abs(float(value)) < 0.1 else 0)
        if kind == "percent1":
            return wording.percent(value, language, 1)
        if kind == "percent0":  # a round share chosen by us (the most likely 5 %), never "5,0 %"
            return wording.percent(value, language, 0)
        if kind == "decimal2":  # an index between 0 and 1 (a Gini coefficient): 0,76
            return wording.number(value, language, 2)
        if kind == "change":
            return wording.percent(abs(float(value)), language, 0)
        if kind == "times":
            return wording.times(value, language)
        if kind == "money":
            return wording.money(value, language, self.currency)
        if kind == "day":
            return wording.day(value, language)
        if kind == "moment":  # an event's start: « 6 févr. 2026 à 14 h 00 »
            return wording.moment(value, language)
        if kind == "event":  # an event's name, its start said when another shares its title and day
            return wording.event_name(value, language, alike=bool(value.get("alike")), dated=True)
        if kind == "month":
            return wording.month(value, language, "MMMM y")
        if kind == "label":
            return wording.relabel(str(value), language)
        if kind in ("genre", "segment", "segment_rule", "figure", "metric", "age_band", "audience_age", "area"):
            return wording.label(kind, value, language)
        return str(value)


def counted(n: float, one: str, other: str) -> Value:
    """A count in a sentence, with its noun in the form the count takes (``one``, ``other``: English
    message ids with ``{n}``, as ``i18n.plural``)."""
    return Value("count", n, forms=(one, other))


@dataclass(frozen=True)
class Insight:
    """One finding: a rule's name, its message (English id with ``{fields}``) and values."""

    rule: str
    message: str
    values: dict[str, Value] = field(default_factory=dict)

    def text(self, language: str) -> str:
        return say(self.message, language, **{k: v.text(language) for k, v in self.values.items()})

    def to_json(self, language: str) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text(language),
                "values": {k: v.value for k, v in self.values.items()}}


@dataclass
class Findings:
    """A tab's insights, or why there is none."""

    insights: list[Insight]
    silence: str | None = None

    def texts(self, language: str) -> list[str]:
        return [i.text(language) for i in self.insights]


Results = Mapping[str, Mapping[str, Any]]
Rule = Callable[[Results], "list[Insight]"]


def released(row: Mapping[str, Any] | None, column: str) -> Any:
    """A cell of a report row, or None when it is missing or the gate suppressed it."""
    if row is None or column in (row.get("suppressed") or ()):
        return None
    return row.get(column)


def _rows(result: Mapping[str, Any] | None, table: str = "rows") -> list[dict[str, Any]]:
    if not result:
        return []
    rows = result.get(table)
    return list(rows) if isinstance(rows, list) else []


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {r.get(key): r for r in rows}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# Data that starts a few days into a period still covers it (a season starting on a Sunday).
COVERAGE_SLACK = timedelta(days=7)
# New and returning patrons mean something only with this much history before the period.
HISTORY_NEEDED = timedelta(days=180)
NEW_RETURNING = frozenset({"new_patrons", "returning_patrons", "new_share"})


def _periods(result: Mapping[str, Any]) -> tuple[Period, Period, date] | None:
    """(the report's period, the period before it, first day of the data)."""
    params, coverage = result.get("params") or {}, result.get("coverage") or {}
    start, end, first = _day(params.get("from")), _day(params.get("to")), _day(coverage.get("first_day"))
    if start is None or end is None or first is None or end < start:
        return None
    period = Period(start, end)
    return period, period.previous(), first


def previous_period_state(result: Mapping[str, Any]) -> str | None:
    """Where the period before the report's lies against the data: ``outside`` (it ends before the
    data starts: nothing to compare with), ``partial`` (it starts before the data), ``data_first``
    (it starts with the data: all its patrons count as new), ``short_history`` (it starts less than
    six months into the data: some of its « new » patrons came before the data starts), ``whole``
    (a comparison of everything means something). None when the answer does not say."""
    found = _periods(result)
    if found is None:
        return None
    _period, previous, first = found
    if previous.end < first:
        return "outside"
    if previous.start < first - COVERAGE_SLACK:
        return "partial"
    if previous.start <= first + COVERAGE_SLACK:
        return "data_first"
    if previous.start - first < HISTORY_NEEDED:
        return "short_history"
    return "whole"


# Why the key figures' period before, or its new and returning patrons, are not compared (English
# message ids, for the dashboard's table and the command line's alike).
_PARTIAL_PREVIOUS = _("The period before is not wholly in the data: its figures and the changes are not shown.")
PREVIOUS_PERIOD_NOTES = {
    "outside": _PARTIAL_PREVIOUS,
    "partial": _PARTIAL_PREVIOUS,
    "data_first": _("The period before is the data's first: all its patrons count as new, so new and returning "
                    "patrons are not compared."),
    "short_history": _("The period before starts soon after the data: some of its patrons counted as new may have "
                       "come before the data starts, so new and returning patrons are not compared."),
}


@dataclass(frozen=True)
class KeyFigureComparison:
    """What of the overview's period before may be shown beside the period: its figures
    (``previous``), their changes (``changes``), those of new and returning patrons too
    (``new_returning``), and ``note`` (an English message id) when something is held back."""

    previous: bool
    changes: bool
    new_returning: bool
    note: str | None

    def change_shown(self, metric: str) -> bool:
        return self.changes and (self.new_returning or metric not in NEW_RETURNING)


def key_figure_comparison(result: Mapping[str, Any]) -> KeyFigureComparison:
    """``KeyFigureComparison`` of an overview's answer (its ``params`` and ``coverage``): a period
    before reaching past the data's start has figures that would read as the whole period's."""
    state = previous_period_state(result)
    return KeyFigureComparison(state not in ("outside", "partial"), comparable_previous_period(result),
                               comparable_new_returning(result), PREVIOUS_PERIOD_NOTES.get(state or ""))


def comparable_previous_period(result: Mapping[str, Any]) -> bool:
    """True when the period just before the report's lies inside the data: only then do
    period-over-period changes of patrons, tickets or revenue mean something."""
    return previous_period_state(result) in ("data_first", "short_history", "whole")


def comparable_new_returning(result: Mapping[str, Any]) -> bool:
    """True when the period before also has history before it: otherwise all its patrons count
    as new, and a change of new or returning patrons compares with an artefact."""
    return previous_period_state(result) == "whole"


def has_history(result: Mapping[str, Any]) -> bool:
    """True when the data starts well before the period: "had come before" means something."""
    found = _periods(result)
    return found is not None and found[0].start - found[2] >= HISTORY_NEEDED


# -- overview ------------------------------------------------------------------------------------

def overview_rules(results: Results) -> list[Insight]:
    result = results.get("overview")
    rows = _by(_rows(result), "metric")
    if not result or not rows:
        return []
    currency = str(result.get("currency") or "CAD")
    out: list[Insight] = []
    now = {m: released(r, "this_period") for m, r in rows.items()}
    before = {m: released(r, "previous_period") for m, r in rows.items()}
    if comparable_previous_period(result):
        patrons, previous = now.get("patrons"), before.get("patrons")
        if patrons and previous and previous >= MIN_PATRONS:
            change = (patrons - previous) / previous
            if abs(change) < MIN_CHANGE:
                out.append(Insight("overview.patrons_stable", _("Your audience is steady: {patrons} patrons over the period, as many as over the period before (within {change})."),
                                   {"patrons": Value("number", patrons), "change": Value("change", MIN_CHANGE)}))
            else:
                message = (_("You welcomed {patrons} patrons over the period: {change} more than over the period before.")
                           if change > 0 else
                           _("You welcomed {patrons} patrons over the period: {change} fewer than over the period before."))
                out.append(Insight("overview.patrons_change", message,
                                   {"patrons": Value("number", patrons), "change": Value("change", change)}))
        revenue, previous_revenue = now.get("revenue"), before.get("revenue")
        if revenue and previous_revenue:
            change = (revenue - previous_revenue) / previous_revenue
            if abs(change) >= MIN_CHANGE:
                message = (_("Revenue rose by {change} on the period before, to {revenue}.") if change > 0 else
                           _("Revenue fell by {change} on the period before, to {revenue}."))
                out.append(Insight("overview.revenue_change", message,
                                   {"change": Value("change", change), "revenue": Value("money", revenue, currency)}))
    if not comparable_previous_period(result):
        out += _year_before_rule(_rows(result, "by_month"))
    new_now, new_before = now.get("new_patrons"), before.get("new_patrons")
    if comparable_new_returning(result) and new_now is not None and new_before and new_before >= MIN_PATRONS:
        change = (new_now - new_before) / new_before
        if abs(change) >= NEWCOMERS_CHANGE:
            message = (_("More newcomers: {new} people came for the first time over the period, {change} more than over the period before ({previous}).")
                       if change > 0 else
                       _("Fewer newcomers: {new} over the period, {change} fewer than over the period before ({previous}). The Target audience tab finds the people likely to come for a first time."))
            out.append(Insight("overview.newcomers_change", message,
                               {"new": counted(new_now, "{n} person new to you", "{n} people new to you") if change < 0 else Value("number", new_now),
                                "previous": Value("number", new_before),
                                "change": Value("change", change)}))
    patrons, new, returning = now.get("patrons"), now.get("new_patrons"), now.get("returning_patrons")
    if has_history(result) and patrons and patrons >= MIN_PATRONS and new is not None and returning is not None:
        out.append(Insight("overview.returning", _("{returning} of your patrons had come before the period; {new} came for the first time."),
                           {"returning": Value("percent", returning / patrons), "new": Value("percent", new / patrons)}))
    tickets, revenue, basket = now.get("tickets"), now.get("revenue"), now.get("average_basket")
    # A museum's walk-ins (door or cash sales naming nobody) are often more than its named tickets: said in
    # the same sentence, or « Vos 9 070 billets » reads as its whole public (10 928 admissions more).
    unnamed = (result.get("summary") or {}).get("unnamed_admissions")
    if tickets and revenue and basket and unnamed:
        out.append(Insight("overview.basket", _("Your {tickets} tickets naming a patron brought in {revenue}: {basket} per order on average. Admissions sold at the door or in cash, naming nobody ({unnamed}), are not in these figures."),
                           {"tickets": Value("number", tickets), "revenue": Value("money", revenue, currency),
                            "basket": Value("money", basket, currency),
                            "unnamed": Value("number", unnamed)}))
    elif tickets and revenue and basket:
        out.append(Insight("overview.basket", _("Your {tickets} tickets brought in {revenue}: {basket} per order on average."),
                           {"tickets": Value("number", tickets), "revenue": Value("money", revenue, currency),
                            "basket": Value("money", basket, currency)}))
    return out


# Months compared with the same days a year before, at least, for a like-for-like sentence.
MIN_MONTHS_COMPARED = 3


def _year_before_rule(months: list[dict[str, Any]]) -> list[Insight]:
    """When the period before is not wholly in the data, the months that are, against the same days
    a year before: a like-for-like change the key figures cannot show."""
    known = [r for r in months if r.get("tickets_year_before") is not None]
    now, before = sum(int(r.get("tickets") or 0) for r in known), sum(int(r["tickets_year_before"]) for r in known)
    if len(known) < MIN_MONTHS_COMPARED or before < MIN_PATRONS or now == 0:
        return []
    change = (now - before) / before
    values = {"first": Value("month", known[0]["month"]), "last": Value("month", known[-1]["month"]),
              "now": Value("number", now), "before": Value("number", before), "change": Value("change", change)}
    if abs(change) < MIN_CHANGE:
        return [Insight("overview.year_before_stable", _("From {first} to {last}, the months your data also holds a year before, "
                                                          "you sold as many tickets as a year earlier: {now} against {before}."), values)]
    message = (_("From {first} to {last}, the months your data also holds a year before, your tickets rose by {change}: "
                 "{now} against {before} a year earlier.") if change > 0 else
               _("From {first} to {last}, the months your data also holds a year before, your tickets fell by {change}: "
                 "{now} against {before} a year earlier."))
    return [Insight("overview.year_before_change", message, values)]


# -- audience ------------------------------------------------------------------------------------

def audience_rules(results: Results) -> list[Insight]:
    out: list[Insight] = []
    geography, frequency = results.get("geography"), results.get("frequency")
    if geography:
        areas = _rows(geography)
        total = sum(r.get("patrons") or 0 for r in areas)
        if areas and total >= MIN_PATRONS:
            top = max(areas, key=lambda r: r.get("patrons") or 0)
            share = released(top, "share")
            if share is not None and share >= 0.3:
                out.append(Insight("audience.main_area", _("{share} of your patrons live in {area}."),
                                   {"share": Value("percent", share), "area": Value("label", top.get("area"))}))
        nearby = (geography.get("summary") or {}).get("share_nearby")
        if nearby is not None and total >= MIN_PATRONS and nearby >= 0.2:
            out.append(Insight("audience.nearby", _("{share} of attendances come from the venue's neighbourhood (its own or a neighbouring postal area)."),
                               {"share": Value("percent", nearby)}))
        ages = _rows(geography, "ages")
        known = [r for r in ages if r.get("age_band") != "unknown"]
        known_total = sum(r.get("patrons") or 0 for r in known)
        if known and total and known_total >= MIN_PATRONS and known_total / total >= 0.5:
            top = max(known, key=lambda r: r.get("patrons") or 0)
            share = (top.get("patrons") or 0) / known_total
            if share >= 0.25:
                out.append(Insight("audience.age", _("The largest age group is {band}: {share} of the patrons whose age is known."),
                                   {"band": Value("age_band", top.get("age_band")), "share": Value("percent", share)}))
    if frequency:
        bands = [r for r in _rows(frequency) if r.get("dimension") == "frequency"]
        total = sum(r.get("patrons") or 0 for r in bands)
        once = next((r for r in bands if r.get("band") == "1"), None)
        if once is not None and total >= MIN_PATRONS and (once.get("share") or 0) >= 0.5:
            out.append(Insight("audience.once", _("{share} of your patrons came only once in the period."),
                               {"share": Value("percent", once.get("share"))}))
        loyal = [r for r in bands if r.get("band") in ("3-4", "5-9", "10+")]
        patrons_share = sum(r.get("share") or 0 for r in loyal)
        revenue_share = sum(r.get("revenue_share") or 0 for r in loyal)
        if total >= MIN_PATRONS and patrons_share > 0 and revenue_share >= 1.5 * patrons_share:
            out.append(Insight("audience.loyal_revenue", _("Patrons who came three times or more are {patrons} of your audience and bring in {revenue} of your revenue."),
                               {"patrons": Value("percent", patrons_share), "revenue": Value("percent", revenue_share)}))
    return out


def _twins(row: Mapping[str, Any], rows: list[dict[str, Any]], also: str | None = None) -> bool:
    """Whether another of ``rows`` has this event's title on its day (and the same ``also``)."""
    def key(r: Mapping[str, Any]) -> tuple[Any, ...]:
        return (r.get("title") or r.get("event_id"), r.get("event_day"), r.get(also) if also else None)
    return any(r is not row and r.get("event_id") != row.get("event_id") and key(r) == key(row) for r in rows)


# -- retention -----------------------------------------------------------------------------------

def retention_rules(results: Results) -> list[Insight]:
    result = results.get("retention")
    if not result:
        return []
    out: list[Insight] = []
    summary = result.get("summary") or {}
    # The rate is of the visits the data follows for the horizon (six months, or a festival's year):
    # said with it, as the page's headline is.
    rate = summary.get("return_rate")
    attendances = summary.get("followed_attendances", summary.get("attendances")) or 0
    months = int(summary.get("horizon_months") or 6)
    if rate is not None and attendances >= MIN_PATRONS:
        out.append(Insight("retention.rate", _("Within six months, {rate} of the visits your data follows that long were followed by a return of the same person to another of your events.")
                           if months == 6 else
                           _("Within {months} months, {rate} of the visits your data follows that long were followed by a return of the same person to another of your events."),
                           {"rate": Value("percent", rate), "months": Value("number", months)}))
    # Events compared on one horizon (back within six months), for those the member's own data
    # follows that long: "at any time" favours the oldest shows, and a venue whose export stops in
    # June has no returns to show after its June shows.
    events = [r for r in _rows(result) if (r.get("attendees") or 0) >= MIN_PATRONS
              and r.get("return_rate_6_months") is not None]
    if len(events) >= 3:
        best = max(events, key=lambda r: r["return_rate_6_months"])
        worst = min(events, key=lambda r: r["return_rate_6_months"])
        if best["return_rate_6_months"] - worst["return_rate_6_months"] >= 0.1:
            # The smaller events are left out (a rate of a handful of people is chance): said, since the
            # chart and the table show them, and one may top the best rate quoted here.
            # Two shows of one title and day (a matinee and an evening) are told apart by their start
            # (« Trio (6 févr. 2026 à 14 h 00) »), or by the member's event id when the export gave none.
            every = _rows(result)

            def name(row: dict[str, Any]) -> Value:
                title = row.get("title") or row.get("event_id")
                timed = row.get("starts_at") and not _twins(row, every, "starts_at")
                return Value("text", f"{title} – {row.get('event_id')}" if _twins(row, every) and not timed else title)

            def when(row: dict[str, Any]) -> Value:
                timed = row.get("starts_at") and not _twins(row, every, "starts_at")
                return Value("moment", row["starts_at"]) if _twins(row, every) and timed else Value("day", row.get("event_day"))

            out.append(Insight("retention.events", _("Among your events of at least {least} attendees, within six months, {low} of the patrons of {low_title} ({low_day}) came back to another of your events, and {high} of those of {high_title} ({high_day}).")
                               if months == 6 else
                               _("Among your events of at least {least} attendees, within {months} months, {low} of the patrons of {low_title} ({low_day}) came back to another of your events, and {high} of those of {high_title} ({high_day})."),
                               {"least": Value("number", MIN_PATRONS), "months": Value("number", months),
                                "low": Value("percent", worst["return_rate_6_months"]), "low_title": name(worst),
                                "low_day": when(worst), "high": Value("percent", best["return_rate_6_months"]),
                                "high_title": name(best), "high_day": when(best)}))
    cohorts = _rows(result, "cohorts")
    sizes = {r["cohort"]: r.get("patrons") or 0 for r in cohorts if r.get("months_after") == 0}
    # A next month without any event of the member (left empty) says nothing of coming back.
    followed = [(sizes.get(r["cohort"], 0), r["patrons"]) for r in cohorts
                if r.get("months_after") == 1 and r.get("patrons") is not None and sizes.get(r["cohort"], 0) >= 20]
    size = sum(s for s, _n in followed)
    if len(followed) >= 2 and size >= MIN_PATRONS:
        out.append(Insight("retention.next_month", _("On average, {share} of new patrons come back the month after their first visit."),
                           {"share": Value("percent", sum(n for _s, n in followed) / size)}))
    return out


# -- trends --------------------------------------------------------------------------------------

def _moved(rows: list[dict[str, Any]], direction: str) -> dict[str, Any] | None:
    """The genre moving most in ``direction`` whose quoted shares (first and last three months)
    show it too: a slope of two points over shares that moved by one would read "rising: from 16 %
    to 17 %", a sentence its own numbers do not bear out."""
    sign = 1 if direction == "rising" else -1

    def shown(r: dict[str, Any]) -> bool:
        first, last = released(r, "first_share"), released(r, "last_share")
        return first is not None and last is not None and sign * (float(last) - float(first)) >= TREND_QUOTED

    moving = [r for r in rows if r.get("direction") == direction and shown(r) and r.get("change") is not None]
    if not moving:
        return None
    return max(moving, key=lambda r: abs(r["change"]))


def trends_rules(results: Results) -> list[Insight]:
    result = results.get("trends")
    if not result:
        return []
    out: list[Insight] = []
    coop = _rows(result)
    summary = result.get("summary") or {}
    # Year over year: against the same months a year earlier, so a season is not read as a trend.
    if summary.get("basis") == "year_over_year":
        said = (("rising", _("Across the cooperative, {genre} is rising: on average {last} of the month's active patrons over the period, against {first} in the same months a year earlier.")),
                ("falling", _("Across the cooperative, {genre} is falling: on average {last} of the month's active patrons over the period, against {first} in the same months a year earlier.")))
    else:
        said = (("rising", _("Across the cooperative, {genre} is rising: from {first} to {last} of active patrons.")),
                ("falling", _("Across the cooperative, {genre} is falling: from {first} to {last} of active patrons.")))
    for direction, message in said:
        row = _moved(coop, direction)
        if row is not None:
            out.append(Insight(f"trends.cooperative_{direction}", message,
                               {"genre": Value("genre", row["genre"]), "first": Value("percent", row["first_share"]),
                                "last": Value("percent", row["last_share"])}))
    yours = _rows(result, "yours")
    moving = [r for r in (_moved(yours, "rising"), _moved(yours, "falling")) if r is not None]
    if moving:
        row = max(moving, key=lambda r: abs(r["change"]))
        yours_said = (_("At your venue, {genre} made on average {last} of a month's tickets over the period, against {first} in the same months a year earlier.")
                      if summary.get("your_basis") == "year_over_year" else
                      _("At your venue, {genre} went from {first} to {last} of your tickets."))
        out.append(Insight("trends.yours", yours_said,
                           {"genre": Value("genre", row["genre"]), "first": Value("percent", row["first_share"]),
                            "last": Value("percent", row["last_share"])}))
    return out


# -- elsewhere and overlap -----------------------------------------------------------------------

def _interval_ok(row: Mapping[str, Any]) -> bool:
    lift, low, high = released(row, "lift"), released(row, "ci_low"), released(row, "ci_high")
    return (released(row, "significant") is True and lift is not None and low is not None and high is not None
            and lift >= MIN_LIFT and low > 1)


def elsewhere_rules(results: Results) -> list[Insight]:
    out: list[Insight] = []
    elsewhere = results.get("elsewhere")
    if elsewhere:
        summary = elsewhere.get("summary") or {}
        share, audience = summary.get("share_going_elsewhere"), summary.get("audience") or 0
        if share is not None and audience >= MIN_PATRONS:
            out.append(Insight("elsewhere.going", _("{share} of the {audience} people of your pooled audience also went to other members in the period."),
                               {"share": Value("percent", share), "audience": Value("number", audience)}))
        strong = [r for r in _rows(elsewhere) if _interval_ok(r)]
        if strong:
            row = max(strong, key=lambda r: r["lift"])
            out.append(Insight("elsewhere.lift", _("When it goes out to other members, your audience chooses {genre} {lift} times as often as the rest of the cooperative (very probably between {low} and {high})."),
                               {"genre": Value("genre", row["value"]), "lift": Value("times", row["lift"]),
                                "low": Value("times", row["ci_low"]), "high": Value("times", row["ci_high"])}))
    overlap = results.get("overlap")
    if overlap:
        shared = [r for r in _rows(overlap) if released(r, "share_of_yours") is not None and (released(r, "shared") or 0) > 0]
        if shared:
            row = max(shared, key=lambda r: r["share_of_yours"])
            out.append(Insight("overlap.largest", _("You share {share} of your pooled audience with {name}."),
                               {"share": Value("percent", row["share_of_yours"]), "name": Value("text", row.get("name") or row.get("other_member"))}))
    return out


# -- affinities ----------------------------------------------------------------------------------

def _nested(rows: list[dict[str, Any]], genre: str, beaten: float) -> dict[str, Any] | None:
    """The pair genre → other with the highest lift, above ``beaten``, whose interval cannot be
    drawn because every person who attends the other genre attends ``genre`` too (a genre only
    shown on the same stages, often on the same events): the chart's first bar, which the
    sentences about intervals would pass over in silence."""
    shares = {(r.get("from_genre"), r.get("to_genre")): released(r, "share") for r in rows}
    found = [r for r in rows if r.get("from_genre") == genre and released(r, "significant") is True
             and (released(r, "lift") or 0) >= max(MIN_LIFT, beaten) and r.get("ci_low") is None
             and "ci_low" not in (r.get("suppressed") or []) and shares.get((r.get("to_genre"), genre)) == 1.0]
    return max(found, key=lambda r: r["lift"]) if found else None


def affinity_rules(results: Results) -> list[Insight]:
    result = results.get("affinity")
    if not result:
        return []
    out: list[Insight] = []
    pairs = [r for r in _rows(result) if _interval_ok(r)]
    own = [r for r in _rows(result, "your_genres") if (r.get("share") or 0) >= 0.2]
    said: set[frozenset[str]] = set()
    for genre in own[:2]:
        mine = [r for r in pairs if r.get("from_genre") == genre["genre"]
                and frozenset((r["from_genre"], r["to_genre"])) not in said]
        nested = _nested(_rows(result), genre["genre"], max((r["lift"] for r in mine), default=0.0))
        if nested is not None:
            said.add(frozenset((nested["from_genre"], nested["to_genre"])))
            out.append(Insight("affinity.nested", _("Everyone in the cooperative who attends {other} also attends {genre}: people who attend {genre} attend {other} {lift} times as often as the cooperative's average patron."),
                               {"genre": Value("genre", nested["from_genre"]), "other": Value("genre", nested["to_genre"]),
                                "lift": Value("times", nested["lift"])}))
        if not mine:
            continue
        row = max(mine, key=lambda r: r["lift"])
        said.add(frozenset((row["from_genre"], row["to_genre"])))
        out.append(Insight("affinity.your_genre", _("People who attend {genre} ({share} of your tickets) attend {other} {lift} times as often as the cooperative's average patron (very probably between {low} and {high})."),
                           {"genre": Value("genre", row["from_genre"]), "share": Value("percent", genre["share"]),
                            "other": Value("genre", row["to_genre"]), "lift": Value("times", row["lift"]),
                            "low": Value("times", row["ci_low"]), "high": Value("times", row["ci_high"])}))
    others = [r for r in pairs if frozenset((r["from_genre"], r["to_genre"])) not in said]
    if others:
        row = max(others, key=lambda r: r["lift"])
        out.append(Insight("affinity.strongest", _("Across the cooperative, the strongest affinity links {a} and {b}: {lift} times the average."),
                           {"a": Value("genre", row["from_genre"]), "b": Value("genre", row["to_genre"]),
                            "lift": Value("times", row["lift"])}))
    return out


# -- segments ------------------------------------------------------------------------------------

def segments_rules(results: Results) -> list[Insight]:
    result = results.get("segments")
    if not result:
        return []
    out: list[Insight] = []
    rows = _rows(result)
    # No event of the member in the months the fading rule reads (a festival's period ending before its
    # edition): « 100 % of your patrons fading, an audience to win back » says nothing of them.
    no_late = (result.get("summary") or {}).get("events_in_last_six_months") is False
    if no_late:
        rows = [r for r in rows if r.get("segment") != "fading"]
        out.append(Insight("segments.no_late_events", _("You held no event in the last six months of the period (one season a year?): your patrons not seen since count as fading, which says nothing of them. Choose a period that ends after your season to read that segment.")))
    compared = [r for r in rows if released(r, "index") is not None and released(r, "cooperative_share") is not None
                and (r.get("your_share") or 0) >= 0.05 and (r.get("your_patrons") or 0) >= 10]
    over = [r for r in compared if r["index"] >= 100 + MIN_INDEX_GAP]
    under = [r for r in compared if r["index"] <= 100 - MIN_INDEX_GAP]
    if over:
        row = max(over, key=lambda r: r["index"])
        # Each segment with its rule: « Nouveaux venus : 6,9 % » read against the overview's
        # « nouveaux clients 44,3 % » (first visit in the whole period) as a contradiction.
        out.append(Insight("segments.over", _("{segment} ({rule}): {yours} of your patrons, against {coop} across the cooperative."),
                           {"segment": Value("segment", row["segment"]), "rule": Value("segment_rule", row["segment"]),
                            "yours": Value("percent", row["your_share"]), "coop": Value("percent", row["cooperative_share"])}))
    if under:
        row = min(under, key=lambda r: r["index"])
        out.append(Insight("segments.under", _("{segment} ({rule}): only {yours} of your patrons, against {coop} across the cooperative."),
                           {"segment": Value("segment", row["segment"]), "rule": Value("segment_rule", row["segment"]),
                            "yours": Value("percent", row["your_share"]), "coop": Value("percent", row["cooperative_share"])}))
    fading = _by(rows, "segment").get("fading")
    if fading and (fading.get("your_share") or 0) >= 0.1 and (fading.get("your_patrons") or 0) >= MIN_PATRONS:
        out.append(Insight("segments.fading", _("{patrons} patrons ({share}) have not come back in the last six months of the period: an audience to win back."),
                           {"patrons": Value("number", fading["your_patrons"]), "share": Value("percent", fading["your_share"])}))
    return out


# -- benchmark -----------------------------------------------------------------------------------

def benchmark_rules(results: Results) -> list[Insight]:
    result = results.get("benchmark")
    if not result or not (result.get("summary") or {}).get("peers"):
        return []
    currency = str(result.get("currency") or "CAD")
    out: list[Insight] = []
    rows = _by(_rows(result), "figure")
    returning = rows.get("returning_share")
    yours, peers = released(returning, "yours"), released(returning, "peers")
    if yours is not None and peers is not None:
        out.append(Insight("benchmark.returning", _("{yours} of your patrons had come before the period; the figure for your peers is {peers}."),
                           {"yours": Value("percent1", yours), "peers": Value("percent1", peers)}))
    gaps = [r for f, r in rows.items() if f not in ("patrons", "returning_share")
            and released(r, "index") is not None and released(r, "peers") is not None and r.get("yours") is not None
            and abs(r["index"] - 100) >= 10]
    for row in sorted(gaps, key=lambda r: -abs(r["index"] - 100))[:2]:
        money = row["figure"] in ("revenue_per_patron", "average_price")
        kind = "money" if money else "times"
        message = (_("{figure}: {yours} for you against {peers} for your peers, {gap} higher.") if row["index"] > 100 else
                   _("{figure}: {yours} for you against {peers} for your peers, {gap} lower."))
        out.append(Insight("benchmark.gap", message,
                           {"figure": Value("figure", row["figure"]), "yours": Value(kind, row["yours"], currency),
                            "peers": Value(kind, row["peers"], currency), "gap": Value("change", row["index"] / 100 - 1)}))
    return out


# -- sales pace ----------------------------------------------------------------------------------

def pace_rules(results: Results) -> list[Insight]:
    result = results.get("pace")
    if not result:
        return []
    summary = result.get("summary") or {}
    out: list[Insight] = []
    # Another event of the member of the same title on the same day: this one's start names it.
    title = Value("event", {"title": summary.get("title"), "event_id": summary.get("event_id"),
                            "starts_at": None if summary.get("same_title_and_start") else summary.get("starts_at"),
                            "alike": bool(summary.get("same_title_and_day"))})
    pace, days = summary.get("pace_vs_comparables"), summary.get("days_before")
    expected, sold = summary.get("expected_by_now"), summary.get("tickets_sold")
    if pace is not None and days and expected and expected >= 10:
        values = {"title": title, "days": counted(days, "{n} day", "{n} days"),
                  "sold": counted(sold or 0, "{n} ticket", "{n} tickets"),
                  "expected": Value("number", expected), "change": Value("change", pace)}
        if abs(pace) < 0.1:
            message = _("Sales of {title} are on the pace of comparable events at {days} to go ({sold}, {expected} expected).")
        elif pace < 0:
            message = _("Sales of {title} are {change} behind comparable events at {days} to go ({sold}, {expected} expected).")
        else:
            message = _("Sales of {title} are {change} ahead of comparable events at {days} to go ({sold}, {expected} expected).")
        out.append(Insight("pace.vs_comparables", message, values))
    forecast, low, high = summary.get("forecast_final"), summary.get("forecast_low"), summary.get("forecast_high")
    capacity, sellout = summary.get("capacity"), summary.get("sellout_probability")
    if forecast is not None and low is not None and high is not None:
        values = {"forecast": counted(forecast, "{n} ticket", "{n} tickets"), "low": Value("number", low),
                  "high": Value("number", high)}
        # A range whose ends meet once rounded (« probablement de 5 à 5 ») says nothing: the forecast alone.
        ranged = round(low) != round(high)
        if capacity and sellout is not None:
            out.append(Insight("pace.forecast", _("Forecast: {forecast} (likely {low} to {high}) for {capacity} seats; chance of selling out: {sellout}.")
                               if ranged else _("Forecast: {forecast} for {capacity} seats; chance of selling out: {sellout}."),
                               {**values, "capacity": Value("number", capacity), "sellout": Value("percent", sellout)}))
        else:
            out.append(Insight("pace.forecast", _("Forecast: {forecast} (likely {low} to {high}).") if ranged
                               else _("Forecast: {forecast}."), values))
        record, error = summary.get("track_record_events"), summary.get("track_record_error")
        if summary.get("range_basis") == "track_record" and record and error is not None and days:
            # How far the same forecast fell on the member's own past events: how much to trust it.
            out.append(Insight("pace.track_record", _(
                "Made {days} ahead on your last {events} events, this forecast missed their final sales by "
                "{error} in the median; its range comes from those misses."),
                {"days": counted(days, "{n} day", "{n} days"), "events": Value("number", record), "error": Value("change", error)}))
        final, outcome = summary.get("final_sold"), summary.get("forecast_outcome")
        if final is not None and outcome in ("within", "above", "below"):
            # A replay: the event's sales are known, and the forecast is judged by them.
            message = {
                "within": _("In the end, {title} sold {final}: within the forecast's range."),
                "above": _("In the end, {title} sold {final}: more than the forecast's range, which stopped at {high}."),
                "below": _("In the end, {title} sold {final}: fewer than the forecast's range, which started at {low}."),
            }[outcome]
            out.append(Insight("pace.outcome", message, {**values, "title": title, "final": counted(final, "{n} ticket", "{n} tickets")}))
    return out


# -- which rules speak for which reports ---------------------------------------------------------

RULES: dict[str, Rule] = {
    "overview": overview_rules, "geography": audience_rules, "frequency": audience_rules,
    "retention": retention_rules, "trends": trends_rules,
    "elsewhere": elsewhere_rules, "affinity": affinity_rules, "segments": segments_rules,
    "benchmark": benchmark_rules, "pace": pace_rules,
}
# Why a report's rules can be silent, when nothing more specific applies.
SILENCES = {
    "overview": _("No comparison with the period before yet: it is not wholly in your data."),
    "geography": _("Too few patrons in the period for a statement about where they live or how often they come."),
    "frequency": _("Too few patrons in the period for a statement about where they live or how often they come."),
    "retention": _("Too few attendances in the period for a statement about who comes back."),
    "trends": _("No genre moved by two percentage points or more over the period."),
    "elsewhere": _("No difference with the rest of the cooperative is large and certain enough to state (95% interval above 1, q < 0.05), or the cells are under the privacy threshold."),
    "overlap": _("No difference with the rest of the cooperative is large and certain enough to state (95% interval above 1, q < 0.05), or the cells are under the privacy threshold."),
    "affinity": _("No genre pair is significant (q < 0.05, 95% interval above 1) over the period."),
    "segments": _("Your segment mix is close to the cooperative's (no gap of 20 points of index or more)."),
    "benchmark": _("Not enough comparable members to compare with (at least three, none able to estimate another's figures from their sum): peers' figures are withheld to protect each member's business."),
    "pace": _("No forecast: fewer than three comparable past events in the period."),
}


def findings(results: Results) -> Findings:
    """The insights about a set of report answers (a tab's), at most ``MAX_INSIGHTS``, or the
    reason there is none. Reports that failed (no answer) are simply not read."""
    said: list[Insight] = []
    used: set[Rule] = set()
    for name in results:
        rule = RULES.get(name)
        if rule is None or rule in used:
            continue
        used.add(rule)
        said += rule(results)
    if said:
        return Findings(said[:MAX_INSIGHTS])
    reason = next((SILENCES[name] for name in results if name in SILENCES), None)
    return Findings([], reason)
