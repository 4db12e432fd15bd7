"""The period form of every tab (presets, custom dates, errors shown inline) and the period the
figures actually cover, in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from culturecoop.analytics.facts import Window
from culturecoop.analytics.insights import COVERAGE_SLACK, previous_period_state
from culturecoop.analytics.period import (
    FIRST_DAY,
    LAST_DAY,
    PRESETS,
    Period,
    out_of_range,
    preset_period,
    season_of,
)
from culturecoop.analytics.wording import PERIOD_PRESETS
from culturecoop.web.i18n import Translator, _
from culturecoop.web.views.base import PeriodView

# The presets' names are analytics.wording's (a refusal of an unknown preset says them too).
PRESET_LABELS = {**PERIOD_PRESETS, "custom": _("Custom dates")}
DEFAULT_PRESET = "last_12_months"  # the analytics' default period: the warm-up prepares it
OUT_OF_RANGE = _("“{value}” is outside the days reports cover: choose a day from {first} to {last}.")


@dataclass
class PeriodForm:
    """What the reader asked, what the service is asked, and what was wrong."""

    preset: str
    start: str
    end: str
    params: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    choices: list[tuple[str, str]] = field(default_factory=list)

    def query(self) -> dict[str, str]:
        """The query string that asks for the same period again (CSV, print, links)."""
        if self.preset == "custom":
            return {"period": "custom", "from": self.start, "to": self.end}
        return {} if self.preset == DEFAULT_PRESET else {"period": self.preset}


def _parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def read_period(query: Mapping[str, str], coverage: Window, t: Translator, default: Period | None = None) -> PeriodForm:
    """The period asked in a page's query string (``period``, ``from``, ``to``). A mistake is
    said next to its field and the default period is shown meanwhile — never an error page.
    ``default``: the days the default preset really covers (a festival's never cut an edition)."""
    as_of = coverage.as_of if isinstance(coverage.as_of, date) else date.today()
    choices = []
    for name in PRESETS:
        period = default if name == DEFAULT_PRESET and default is not None else preset_period(name, as_of)
        choices.append((name, t("{label} ({start} – {end})", label=t(PRESET_LABELS[name]),
                                 start=t.day(period.start), end=t.day(period.end))))
    choices.append(("custom", t(PRESET_LABELS["custom"])))
    start, end = (query.get("from") or "").strip(), (query.get("to") or "").strip()
    preset = query.get("period") or ("custom" if start or end else DEFAULT_PRESET)
    form = PeriodForm(preset, start, end, {}, choices=choices)
    if preset not in (*PRESETS, "custom"):
        form.errors["period"] = t("Choose a period from the list.")
        form.preset = DEFAULT_PRESET
    if form.preset in PRESETS:
        if form.preset != DEFAULT_PRESET:  # the default is asked as "no dates": its answers are warm
            period = preset_period(form.preset, as_of)
            form.params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
            form.start, form.end = form.params["from"], form.params["to"]
        return form
    first, last = _parse(start) if start else None, _parse(end) if end else None
    if start and first is None:
        form.errors["from"] = t("“{value}” is not a date: write it as 2026-01-31.", value=start)
    if end and last is None:
        form.errors["to"] = t("“{value}” is not a date: write it as 2026-01-31.", value=end)
    for key, value, day in (("from", start, first), ("to", end, last)):
        if out_of_range(day):
            form.errors[key] = t(OUT_OF_RANGE, value=value, first=t.day(FIRST_DAY), last=t.day(LAST_DAY))
    if first and last and first > last:
        form.errors["to"] = t("The period ends before it starts: the end must come after {start}.", start=t.day(first))
    if not form.errors:
        form.params = {"from": first.isoformat() if first else None, "to": last.isoformat() if last else None}
    return form


def period_view(result: Mapping[str, Any] | None, t: Translator, *, with_previous: bool = False) -> PeriodView | None:
    """The period one answer covers (its ``params``, after rounding), in words."""
    if not result:
        return None
    params, coverage = result.get("params") or {}, result.get("coverage") or {}
    start, end = _parse(str(params.get("from") or "")), _parse(str(params.get("to") or ""))
    if start is None or end is None:
        return None
    text = t("From {start} to {end}", start=t.day(start), end=t.day(end))
    season = season_of(start)
    if (start, end) == (season.start, season.end):
        text += " · " + t("season {first}–{last}", first=str(season.start.year), last=str(season.end.year))
    view = PeriodView(text)
    first = _parse(str(coverage.get("first_day") or ""))
    previous = Period(start, end).previous() if start <= end else None
    state = previous_period_state(result) if with_previous else None
    # The period before is named only when the data covers it: comparisons with a period before the
    # data are not shown, and naming one (1 January 1900 asks to compare with 1773) says nonsense.
    if with_previous and previous is not None and state not in ("outside", "partial"):
        view.previous = t("compared with {start} to {end}", start=t.day(previous.start), end=t.day(previous.end))
    if first is not None and start <= first + COVERAGE_SLACK:
        view.first = t("First period of data: the data starts on {day}, so every patron of its first months counts as new.",
                       day=t.day(first))
    elif first is not None and state in ("outside", "partial"):
        view.first = t("The period before this one starts before the data (on {day}): comparisons with it are not shown.",
                       day=t.day(first))
    elif first is not None and state == "data_first":
        view.first = t("The period before this one is the data's first (from {day}): its patrons all count as new.",
                       day=t.day(first))
    elif first is not None and state == "short_history":
        # Its patrons who had come only before the data started count as new in it: true of some, not all.
        view.first = t("The data starts on {day}, shortly before the period before this one: some of that period's patrons "
                       "counted as new may have come before the data starts, so new and returning patrons are not compared.",
                       day=t.day(first))
    return view
