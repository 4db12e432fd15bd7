"""The period a report covers: parsed, checked, defaulted, and rounded to months when pooled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from culturecoop.analytics.facts import WINDOW_MONTHS, Window
from culturecoop.analytics.wording import choices
from culturecoop.errors import UserError
from culturecoop.i18n import _, count, current_language, day_words


def month_ordinal(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(ordinal: int) -> date:
    return date(ordinal // 12, ordinal % 12 + 1, 1)


def month_end(ordinal: int) -> date:
    return month_start(ordinal + 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Inclusive range of days; event days inside it count."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_whole_months(self) -> bool:
        """True when the period runs from a month's first day to a month's last (a season, a year)."""
        return self.start.day == 1 and self.end == month_end(month_ordinal(self.end))

    def previous(self) -> Period:
        """The period just before this one: the same calendar months shifted back when the period
        is whole months (a season's is the season before, 1 September to 31 August, leap day or
        not; January–March's is October–December), else the same number of days."""
        if self.is_whole_months:
            months = month_ordinal(self.end) - month_ordinal(self.start) + 1
            first = month_ordinal(self.start) - months
            return Period(month_start(first), month_end(first + months - 1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def whole_months(self, held: Sequence[Period] = ()) -> Period:
        """The calendar months mostly inside this period (at least half their days), so that twelve
        months stay twelve: 26 Dec 2024 to 25 Dec 2025 is January to December 2025, not the thirteen
        months from December 2024. A period no month is mostly inside keeps the months it touches.
        The months of an edition in ``held`` (see ``editions``) mostly inside the period are kept
        too: 17 July 2025 to 15 July 2026 holds the 12–15 July 2026 edition, so it ends with July."""
        first, last = month_ordinal(self.start), month_ordinal(self.end)

        def mostly_inside(month: int) -> bool:
            inside = (min(month_end(month), self.end) - max(month_start(month), self.start)).days + 1
            return 2 * inside >= (month_end(month) - month_start(month)).days + 1

        kept = [m for m in range(first, last + 1) if mostly_inside(m)]
        for run in held:
            inside = Period(max(run.start, self.start), min(run.end, self.end))
            if inside.start <= inside.end and 2 * inside.days >= run.days:
                kept += range(month_ordinal(inside.start), month_ordinal(inside.end) + 1)
        if not kept:
            return Period(month_start(first), month_end(last))
        return Period(month_start(min(kept)), month_end(max(kept)))

    def month_mask(self, window: Window) -> int:
        """Bits of the months of this period in the facts' month masks (0 outside the window)."""
        if window.start is None:
            return 0
        low = max(month_ordinal(self.start), window.start) - window.start
        high = min(month_ordinal(self.end), window.start + WINDOW_MONTHS - 1) - window.start
        if high < low:
            return 0
        return ((1 << (high - low + 1)) - 1) << low

    def months(self) -> list[str]:
        return [month_start(m).isoformat()[:7] for m in range(month_ordinal(self.start), month_ordinal(self.end) + 1)]

    def to_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


# The days a period may name: a period and the one before it (same length) stay within what dates
# hold — 0001-01-01 or 9999-12-31 overflowed the month arithmetic of the reports.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)


def out_of_range(day: date | None) -> bool:
    """True for a day no report can cover (see ``FIRST_DAY``, ``LAST_DAY``)."""
    return day is not None and not FIRST_DAY <= day <= LAST_DAY


def parse_day(value: Any, option: str) -> date | None:
    """A date given as ``YYYY-MM-DD`` (or a ``date``) within ``FIRST_DAY`` … ``LAST_DAY``; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise UserError(
                _("{option} {value} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31.").format(option=option, value=value)
            ) from None
    if out_of_range(day):
        raise UserError(_("{option} {value} is outside the days reports cover; choose a day from {first} to {last}.").format(
            option=option, value=day.isoformat(), first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
    return day


# A run of event days this long or shorter is an edition (a festival's weekend, a fortnight of a
# summer series): a default period never cuts one in two. A longer run — a museum open every day, a
# theatre's season — is a venue's ordinary calendar and is cut as before. One day off inside a run
# (a festival resting on Monday) keeps it one edition.
EDITION_DAYS = 31
EDITION_REST_DAYS = 1


# An edition stands apart: two months at least without an event before and after it. A theatre's
# evenings a few days apart are runs of days too, and none of them is an edition (a single show day of
# June kept the theatre's June in its twelve months, and its Segments tab counted thirteen).
EDITION_BREAK_DAYS = 60


def editions(days: Sequence[date]) -> list[Period]:
    """The runs of event days of at most ``EDITION_DAYS`` days in ``days`` (sorted or not), each
    with ``EDITION_BREAK_DAYS`` or more without an event on either side."""
    runs: list[Period] = []
    for day in sorted(set(days)):
        if runs and (day - runs[-1].end).days <= EDITION_REST_DAYS + 1:
            runs[-1] = Period(runs[-1].start, day)
        else:
            runs.append(Period(day, day))

    def apart(i: int) -> bool:
        before = i == 0 or (runs[i].start - runs[i - 1].end).days > EDITION_BREAK_DAYS
        after = i == len(runs) - 1 or (runs[i + 1].start - runs[i].end).days > EDITION_BREAK_DAYS
        return before and after

    return [run for i, run in enumerate(runs) if run.days <= EDITION_DAYS and apart(i)]


def _default_days(start: date | None, end: date | None, as_of: date,
                  event_days: Sequence[date]) -> tuple[Period, list[str]]:
    """The default part of a period (its end: the data's last sale; its start: 12 months before),
    moved so that no edition is cut in two: an edition under way on the last day is held to its
    end, and one the 12 months start in the middle of is left to the period before (so that the
    period holds one edition a year and the period before the previous one, whole)."""
    notes: list[str] = []
    runs = editions(event_days)
    if end is None:
        end = max(as_of, start) if start else as_of
        ongoing = next((run for run in runs if run.start <= end < run.end), None)
        if ongoing is not None:
            end = ongoing.end
            notes.append(_("The period ends on {day}, the last day of your edition from {first} to {last}, so as not to cut it in two.").format(
                day=day_words(end), first=day_words(ongoing.start), last=day_words(ongoing.end)))
    if start is None:
        start = end - timedelta(days=364)
        cut = next((run for run in runs if run.start < start <= run.end), None)
        if cut is not None and cut.end < end:
            start = cut.end + timedelta(days=1)
            notes.append(_("The period starts on {day}, after your edition from {first} to {last}, so as not to cut it in two: "
                           "that edition is counted whole in the period before.").format(
                day=day_words(start), first=day_words(cut.start), last=day_words(cut.end)))
    return Period(start, end), notes


def _edition_notes(period: Period, months: Period, runs: Sequence[Period]) -> list[str]:
    """What rounding ``period`` to ``months`` did to the editions it touches: one kept whole although
    its month is mostly outside the period, one left out although the period held some of its days."""
    plain, notes = period.whole_months(), []
    for run in runs:
        if run.end < period.start or run.start > period.end:
            continue
        if run.start >= months.start and run.end <= months.end and not (run.start >= plain.start and run.end <= plain.end):
            notes.append(_("Your edition from {first} to {last} is counted: cross-member figures count whole months, and its "
                           "month is kept although the period holds less than half of that month.").format(
                first=day_words(run.start), last=day_words(run.end)))
        elif run.end < months.start or run.start > months.end:
            notes.append(_("Your edition from {first} to {last} is left out: most of it is outside the period, and "
                           "cross-member figures count whole months (so that moving a period by a day never asks about "
                           "a few people); choose a period that holds it to count it.").format(
                first=day_words(run.start), last=day_words(run.end)))
    return notes


def resolve_period(params: dict[str, Any], window: Window, *, pooled: bool,
                   event_days: Sequence[date] = ()) -> tuple[Period, list[str]]:
    """The period asked for and notes. Default: the 12 months up to the data's last sale, never
    cutting one of ``event_days``' editions in two (a festival's weekend, see ``editions``)."""
    start = parse_day(params.get("from"), "--from")
    end = parse_day(params.get("to"), "--to")
    if start and end and start > end:
        raise UserError(
            _("The period's first day ({start}) is after its last day ({end}); give a first day on or before the last.").format(
                start=start.isoformat(), end=end.isoformat())
        )
    period, notes = _default_days(start, end, window.as_of or date.today(), event_days)
    if pooled:
        runs = editions(event_days)
        months = period.whole_months(runs)
        if months != period:
            notes.append(_("Cross-member figures use whole calendar months: {start} to {end}.").format(
                start=day_words(months.start), end=day_words(months.end)))
        notes += _edition_notes(period, months, runs)
        period = months
        if window.start is not None and month_ordinal(period.end) < window.start:
            raise UserError(
                _("Cross-member figures cover {first} to {last} (the last {months} months with data); choose a period inside it.").format(
                    first=day_words(month_start(window.start)), last=day_words(month_end(window.start + WINDOW_MONTHS - 1)),
                    months=count(WINDOW_MONTHS))
            )
    return period, notes


# The periods a reader picks from. A cultural season runs from September to August.
PRESETS = ("last_12_months", "this_season", "last_season")
SEASON_START_MONTH = 9


def season_of(day: date) -> Period:
    """The season (1 September – 31 August) that contains ``day``."""
    first_year = day.year if day.month >= SEASON_START_MONTH else day.year - 1
    return Period(date(first_year, SEASON_START_MONTH, 1), date(first_year + 1, SEASON_START_MONTH, 1) - timedelta(days=1))


def preset_period(name: str, as_of: date) -> Period:
    """The period a preset names, as of the data's last sale (``as_of``)."""
    if name == "this_season":
        return season_of(as_of)
    if name == "last_season":
        this = season_of(as_of)
        return season_of(this.start - timedelta(days=1))
    if name == "last_12_months":
        return Period(as_of - timedelta(days=364), as_of)
    raise UserError(_("Unknown period {name}; choose one of: {names}.").format(
        name=name, names=choices("period_preset", PRESETS, current_language())))
