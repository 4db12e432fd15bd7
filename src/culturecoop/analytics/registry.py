"""The reports, by name: what each tells a member, and whether it crosses members."""

from __future__ import annotations

import difflib

from culturecoop.analytics.affinity import affinity
from culturecoop.analytics.audience import frequency, geography, overview
from culturecoop.analytics.benchmark import benchmark
from culturecoop.analytics.crossing import elsewhere, overlap
from culturecoop.analytics.pace import events, pace
from culturecoop.analytics.report import ReportSpec
from culturecoop.analytics.retention import retention
from culturecoop.analytics.segments import segments
from culturecoop.analytics.trends import trends
from culturecoop.analytics.wording import _, choices, say
from culturecoop.errors import UserError
from culturecoop.i18n import current_language

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec("overview", _("Key figures"),
                   _("Patrons, tickets, revenue, new and returning patrons, average basket, against the previous period."),
                   False, overview),
        ReportSpec("geography", _("Geography"),
                   _("Where your audience lives (postal area, region) and how far it travels."), False, geography),
        ReportSpec("frequency", _("Recency, frequency, spending"),
                   _("How recently, how often and how much your patrons come and spend."), False, frequency),
        ReportSpec("retention", _("Retention"),
                   _("Event-over-event return rate and monthly cohorts."), False, retention),
        ReportSpec("trends", _("Trends"),
                   _("Genre shares month by month across the cooperative and at your venue; rising and falling genres."),
                   True, trends),
        ReportSpec("elsewhere", _("Elsewhere"),
                   _("What else your audience attends at other members: genres, kinds of members, regions."),
                   True, elsewhere),
        ReportSpec("overlap", _("Audience overlap"),
                   _("How much your audience overlaps with each other member's: shared people, shares, Jaccard, lift."),
                   True, overlap),
        ReportSpec("affinity", _("Genre affinities"),
                   _("Which genres attract the same people across the cooperative: lift, interval, significance."),
                   True, affinity),
        ReportSpec("segments", _("Audience segments"),
                   _("Your patrons in six named segments, against the cooperative's mix."), True, segments),
        ReportSpec("benchmark", _("Benchmark"),
                   _("Your key figures against peers of your kind."), True, benchmark),
        ReportSpec("events", _("Your events"),
                   _("Your upcoming events and those of the period, with tickets sold: the events a sales pace can be shown for."),
                   False, events),
        ReportSpec("pace", _("Sales pace"),
                   _("Ticket sales of an upcoming event against comparable past events, with a forecast."),
                   False, pace, extra_params=("event",)),
    )
}


def report_spec(name: str) -> ReportSpec:
    """The report called ``name``; an unknown name is a user error that suggests the closest."""
    spec = REPORTS.get(name)
    if spec is not None:
        return spec
    language = current_language()
    close = difflib.get_close_matches(name, list(REPORTS), n=1, cutoff=0.4)
    if close:
        raise UserError(say(_("There is no report {name}; did you mean {close}? Reports: {names}."), language,
                            name=name, close=close[0], names=report_choices(language)))
    raise UserError(say(_("There is no report {name}; choose one of: {names}."), language,
                        name=name, names=report_choices(language)))


def report_choices(language: str) -> str:
    """The reports a refusal offers: their names, each with its title in French."""
    return choices("report", REPORTS, language, {name: spec.title for name, spec in REPORTS.items()})
