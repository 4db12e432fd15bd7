"""View builders: the analytics' answers → typed page contexts (``views.base``).

``tab_view`` builds a report tab: the period it covers, the insight sentences of the analytics
(``analytics.insights``), key figures, and a section per question with its chart and table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Any

from babel.dates import get_month_names

from culturecoop.analytics.insights import findings
from culturecoop.i18n import BABEL_LOCALES
from culturecoop.web.i18n import Translator, _, retranslate
from culturecoop.web.tabs import REPORT_TITLES, Tab
from culturecoop.web.views import own, pooled
from culturecoop.web.views.base import PeriodView, TabView
from culturecoop.web.views.next_steps import next_steps
from culturecoop.web.views.period import period_view

Results = Mapping[str, Mapping[str, Any]]
BUILDERS: dict[str, Callable[[TabView, Results, Translator], None]] = {
    "overview": own.overview, "audience": own.audience, "retention": own.retention, "pace": own.pace,
    "trends": pooled.trends, "elsewhere": pooled.elsewhere, "affinities": pooled.affinities,
    "benchmark": pooled.benchmark,
}


def tab_view(tab: Tab, payloads: Mapping[str, Mapping[str, Any]], t: Translator, member_id: str,
             query: Mapping[str, str] | None = None, member_name: str | None = None) -> TabView:
    """A report tab from its reports' answers (``payloads``: report → answer JSON, or
    ``{"error": sentence}`` for a report that could not answer); ``member_name`` names the member
    where a service's sentence wrote its identifier."""
    results = {name: p for name, p in payloads.items() if p.get("available") and not p.get("error")}
    view = TabView(tab, member_id, tab.pooled)
    for name, payload in payloads.items():
        if payload.get("error"):
            view.errors.append((t(REPORT_TITLES.get(name, name)),
                                _in_page_words(retranslate(str(payload["error"]), t.language), t, member_id, member_name)))
    for result in results.values():
        k = result.get("k") or (result.get("policy") or {}).get("k")
        if isinstance(k, int | float):
            view.k = int(k)
            break
    main = next((results[name] for name in tab.reports if name in results and name != "events"), None)
    # Amounts in the member's currency (€ for a venue selling in euros), on the page, its charts and CSV.
    t = t.in_currency(next((str(r["currency"]) for r in results.values() if r.get("currency")), None))
    view.period = period_view(main, t, with_previous=tab.slug == "overview")
    if view.period is not None and not tab.periods:
        # No form on this tab (the pace of an event): its « Période » line said a year that nothing on
        # the page lets one change, nor uses. It says what the tab follows instead, and why no period.
        view.period = PeriodView(t(NO_PERIOD_HERE))
    rounded = [n for r in results.values() for n in r.get("notes") or [] if _is_whole_months(str(n))]
    if view.period is not None and rounded:
        # Cross-member figures were rounded to whole months: said on the period line itself (it read
        # « Du 1er janv. au 31 déc. » under a form set to « 26 déc. – 25 déc. », the why at the page's foot).
        view.period.rounded = t("cross-member figures count whole calendar months, so the period chosen above is "
                                "rounded to the months mostly inside it")
    found = findings(results)
    view.insights = [insight.text(t.language) for insight in found.insights]
    view.silence = t(found.silence) if found.silence and results else None
    if tab.slug == "segments":
        pooled.segments(view, results, t, query or {})
    else:
        BUILDERS[tab.slug](view, results, t)
    view.next_steps = next_steps(view, results, t)
    notes: list[str] = []
    for result in results.values():
        notes += [retranslate(str(n), t.language) for n in result.get("notes") or []]
    # Two reports of a tab often say the same thing about the gate: say it once. Services write
    # days as ISO dates in their notes; the reader reads them as days in their language.
    notes = [n for n in notes if not (rounded and _is_whole_months(n))]  # said on the period line
    view.notes = list(dict.fromkeys(_days_in_words(n, t) for n in view.notes + notes))
    return view


NO_PERIOD_HERE = _("none to choose on this tab: an event's sales are followed day by day up to its date, against "
                   "comparable past events; choose the event below.")
WHOLE_MONTHS = "Cross-member figures use whole calendar months:"  # analytics.period's note, in English


def _is_whole_months(note: str) -> bool:
    """A service's note that a cross-member period was rounded to whole months, in whichever language."""
    return retranslate(note, "en").startswith(WHOLE_MONTHS)


def _in_page_words(text: str, t: Translator, member_id: str, member_name: str | None) -> str:
    """A service's sentence as the page writes the rest: the member by its name, not its identifier
    (« aucun billet pour le membre theatre-petit »), and days as the page writes them."""
    if member_name and member_name != member_id:
        name = member_name
        text = re.sub(rf"(?<![\w-]){re.escape(member_id)}(?![\w-])", lambda _found: name, text)
    return _days_in_words(text, t)


_ISO_DAY = re.compile(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-])")


@cache
def _long_days(language: str) -> tuple[re.Pattern[str], dict[str, int]]:
    """A day as the services write it in a sentence (« 2 septembre 2024 », "September 2, 2024") in
    ``language``, and its months by name."""
    months = {str(name).lower(): number for number, name in get_month_names("wide", locale=BABEL_LOCALES[language]).items()}
    names = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    if language == "fr":
        return re.compile(rf"\b(?P<day>\d{{1,2}})(?:er)?[ \u00a0](?P<month>{names})[ \u00a0](?P<year>\d{{4}})\b"), months
    return re.compile(rf"\b(?P<month>{names})[ \u00a0](?P<day>\d{{1,2}}),[ \u00a0](?P<year>\d{{4}})\b", re.I), months


def _days_in_words(text: str, t: Translator) -> str:
    """``du 2025-12-01 au 2026-12-31`` and ``du 1er décembre 2025 au 31 décembre 2026`` → ``du 1er déc.
    2025 au 31 déc. 2026``: days as the rest of the page writes them (a day that is not a real date
    stays as written)."""
    def day(found: re.Match[str]) -> str:
        try:
            return t.day(date.fromisoformat(found.group(1)))
        except ValueError:
            return found.group(1)

    pattern, months = _long_days(t.language)

    def long_day(found: re.Match[str]) -> str:
        try:
            return t.day(date(int(found["year"]), months[found["month"].lower()], int(found["day"])))
        except (KeyError, ValueError):
            return found.group(0)
    return pattern.sub(long_day, _ISO_DAY.sub(day, text))
