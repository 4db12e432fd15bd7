"""The dashboard's tabs: which reports each shows, its title and what it tells. Data only."""

from __future__ import annotations

from dataclasses import dataclass

from culturecoop.web.i18n import _


@dataclass(frozen=True)
class Tab:
    slug: str
    title: str
    intro: str
    reports: tuple[str, ...]
    pooled: bool  # True when the tab shows cross-member aggregates
    # False when the tab shows no period form: the sales pace is read as of the data's date (an
    # upcoming event) or some days before a past event (a replay), each against the year before it;
    # its event picker is its question, and a period chosen above it read as having no effect.
    periods: bool = True


TABS: tuple[Tab, ...] = (
    Tab("overview", _("Overview"), _("Your patrons, tickets and revenue over the period, and how they compare with the previous one."), ("overview",), False),
    Tab("audience", _("Audience"), _("Where your audience lives, its age, and how often it comes (recency, frequency, spending)."), ("geography", "frequency"), False),
    Tab("retention", _("Retention"), _("How many patrons come back from one event to the next, and monthly cohorts."), ("retention",), False),
    Tab("trends", _("Trends"), _("Genre shares across the whole cooperative and at your venue over time: what rises, what falls."), ("trends",), True),
    Tab("elsewhere", _("Elsewhere & Overlap"), _("What else your audience attends at other members, compared with the rest of the cooperative, and how much your audiences overlap."), ("elsewhere", "overlap"), True),
    Tab("affinities", _("Affinities"), _("Which genres attract the same people across the cooperative, starting from your own genres."), ("affinity",), True),
    Tab("segments", _("Segments"), _("Your patrons in a handful of audience segments, against the cooperative's mix."), ("segments",), True),
    Tab("benchmark", _("Benchmark"), _("Your key figures against peers of your kind."), ("benchmark",), True),
    Tab("pace", _("Sales pace"), _("Ticket sales of an event against comparable past events, with a forecast."), ("events", "pace"), False,
        periods=False),
)
TABS_BY_SLUG = {t.slug: t for t in TABS}

# Tabs that act rather than report (their own routes, after the report tabs in the tab bar).
TARGET_TAB = Tab("target", _("Target audience"), _("Who is likely to come to your next events, across the cooperative: save the audience, find partners for a cross offer."), (), True)
CAMPAIGNS_TAB = Tab("campaigns", _("Campaigns"), _("E-mail a saved audience without seeing who is in it, and measure what it changed against people kept aside at random."), (), True)
ACTION_TABS: tuple[Tab, ...] = (TARGET_TAB, CAMPAIGNS_TAB)
TAB_REPORTS: tuple[str, ...] = tuple(name for tab in TABS for name in tab.reports)

REPORT_TITLES = {
    "overview": _("Key figures"),
    "geography": _("Geography"),
    "frequency": _("Recency, frequency, spending"),
    "retention": _("Return rate"),
    "trends": _("Genre shares over time"),
    "elsewhere": _("Elsewhere"),
    "overlap": _("Audience overlap with other members"),
    "affinity": _("Genre affinities"),
    "segments": _("Audience segments"),
    "benchmark": _("Benchmark against peers"),
    "events": _("Your events"),
    "pace": _("Sales pace"),
}
