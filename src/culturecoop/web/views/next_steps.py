"""What to do next, on every report tab: one or two actions drawn from what the page found.

A venue's staff read a tab to decide something. Each step says, in one sentence with the page's
own figure, why it is worth doing, and offers the action: save an audience of the right people
(the member's own patrons, or pooled people through the gate) ready for a campaign, or open the
page where the decision is made (the Target audience tab, cross offers, campaigns). A step needs
its figure: when the gate hid it or the period has none, the step is left out rather than said
without a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from culturecoop.analytics import wording
from culturecoop.analytics.insights import MIN_CHANGE, comparable_previous_period, has_history
from culturecoop.web.i18n import Translator
from culturecoop.web.views.base import Action, TabView

Results = Mapping[str, Mapping[str, Any]]
AUDIENCE_HINT = "A saved audience definition with its size, through the privacy gate, ready for campaigns."
LAPSED_MONTHS = 6
FALL = 0.05  # a fall of patrons from the period before that calls for winning them back


def _rows(result: Mapping[str, Any] | None, name: str = "rows") -> list[dict[str, Any]]:
    rows = (result or {}).get(name)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _shown(row: Mapping[str, Any], key: str) -> Any:
    """A value the gate released (None when it hid it)."""
    marker = row.get("suppressed")
    if marker is True or (isinstance(marker, list | tuple) and key in marker):
        return None
    return row.get(key)


def _audience(view: TabView, t: Translator, label: str, reason: str, **params: Any) -> Action:
    return Action("audience", label, f"/m/{view.member_id}/audiences", {k: str(v) for k, v in params.items()},
                  t(AUDIENCE_HINT), reason)


def _link(label: str, url: str, reason: str) -> Action:
    return Action("link", label, url, reason=reason)


def _target(view: TabView, t: Translator, query: str = "") -> Action:
    return _link(t("See who would come to your next events"), f"/m/{view.member_id}/target{query}",
                 t("The cooperative's model ranks, for each event of your programme, the people most likely to come, "
                   "your own patrons and people new to you."))


def _lapsed(view: TabView, t: Translator, reason: str, months: int = LAPSED_MONTHS) -> Action:
    return _audience(view, t, t("Build an audience: your patrons without a visit for {n} months", n=months),
                     reason, kind="lapsed", months=months)


def _overview(view: TabView, results: Results, t: Translator) -> list[Action]:
    result = results.get("overview") or {}
    rows = {r.get("metric"): r for r in _rows(result)}
    steps = []
    patrons = rows.get("patrons") or {}
    now, before = _shown(patrons, "this_period"), _shown(patrons, "previous_period")
    if (comparable_previous_period(result) and isinstance(now, int | float) and isinstance(before, int | float)
            and before > 0 and now <= before * (1 - FALL)):
        # Fewer patrons than the period before: the first thing to try is to bring back those who stopped coming.
        steps.append(_lapsed(view, t, t.plural(
            before - now, "{n} patron fewer than in the previous period ({change}): the patrons who have not come back "
            "for {months} months are the ones a message can still bring back.", "{n} patrons fewer than in the previous "
            "period ({change}): the patrons who have not come back for {months} months are the ones a message can still "
            "bring back.", change=t.signed_percent((now - before) / before), months=LAPSED_MONTHS)))
    # Newcomers only when "first time" means something in this period (the data starts well before
    # it: in the data's first period everyone is new) and the period reaches the newcomers' months.
    newcomers = _segment_audience(result, "newcomers", "recent_from", view.k) if has_history(result) else None
    if newcomers:
        people, since = newcomers
        # The number the saved audience will hold: the Segments tab's newcomers, counted as the audience counts them.
        steps.append(_audience(view, t, t("Build an audience: your newcomers"), t.plural(
            people, "{n} patron is in your newcomers segment (a first visit since {day}): a second visit soon after the "
            "first is what makes a regular.", "{n} patrons are in your newcomers segment (a first visit since {day}): a "
            "second visit soon after the first is what makes a regular.", day=t.day(since)),
            kind="segment", segment="newcomers"))
    if len(steps) < 2:
        steps.append(_target(view, t))
    return steps


def _segment_audience(result: Mapping[str, Any] | None, segment: str, months: str, k: int | None) -> tuple[int, str] | None:
    """The people a saved audience of ``segment`` would hold (``segment_audiences``, joined to the
    answer by the tab) and the first day of the months its rule reads (``months``); None when they
    are fewer than ``k`` (the saved audience would show « < k », too few for a campaign) or the
    answer's period ends before those months (a past season: not its people)."""
    sizes = (result or {}).get("segment_audiences") or {}
    people, since = (sizes.get("people") or {}).get(segment), sizes.get(months)
    end = str(((result or {}).get("params") or {}).get("to") or "")
    if not isinstance(people, int) or people < max(1, k or 0) or not since or end < str(since):
        return None
    return people, str(since)


def _audience_tab(view: TabView, results: Results, t: Translator) -> list[Action]:
    occasional = _segment_audience(results.get("frequency"), "occasional", "late_from", view.k)
    if not occasional:
        return [_target(view, t)]
    people, since = occasional
    # The people the saved audience will hold, said by the segment's rule: not the period's one-visit
    # patrons, whom no audience keeps.
    return [_audience(view, t, t("Build an audience: your occasional patrons"), t.plural(
        people, "{n} patron is in your occasional segment: a visit since {day}, without being a regular, an explorer, a "
        "big spender or a newcomer. Occasional patrons know you, and a reminder costs little.", "{n} patrons are in your "
        "occasional segment: a visit since {day}, without being regulars, explorers, big spenders or newcomers. They know "
        "you, and a reminder costs little.", day=t.day(since)), kind="segment", segment="occasional"), _target(view, t)]


def _retention(view: TabView, results: Results, t: Translator) -> list[Action]:
    summary = (results.get("retention") or {}).get("summary") or {}
    rate = summary.get("return_rate")
    if rate is None:
        return []
    months = int(summary.get("horizon_months") or 6)
    return [
        _lapsed(view, t, t(
            "{rate} of attendances were followed by another visit within six months: the patrons who have not come back "
            "for {n} months are the ones a message can still bring back.", rate=t.percent(rate, 0), n=LAPSED_MONTHS)
            if months == 6 else t(
            "{rate} of attendances were followed by another visit within {months} months: the patrons who have not come "
            "back for {n} months are the ones a message can still bring back.", rate=t.percent(rate, 0), n=months,
            months=t.number(months)), max(LAPSED_MONTHS, months)),
        _link(t("Write to a saved audience"), f"/m/{view.member_id}/campaigns",
              t("A campaign goes to the people of a saved audience who accepted messages, with a holdout group that measures "
                "its effect.")),
    ]


def _trends(view: TabView, results: Results, t: Translator) -> list[Action]:
    result = results.get("trends") or {}
    yours = {r.get("genre") for r in _rows(result, "yours")}
    rising = [r for r in _rows(result) if r.get("direction") == "rising" and r.get("genre") not in yours
              and _shown(r, "first_share") is not None and _shown(r, "last_share") is not None]
    if not rising:
        return [_target(view, t)]
    top = max(rising, key=lambda r: float(r.get("change") or 0))
    name = t.label("genre", top["genre"])
    shares = {"genre": name, "first": t.percent(top["first_share"], 0), "last": t.percent(top["last_share"], 0)}
    said = (t("{genre} is rising across the cooperative ({last} of patrons over the period, {first} in the same months a "
              "year earlier) and is not yet among your genres.", **shares)
            if (result.get("summary") or {}).get("basis") == "year_over_year" else
            t("{genre} is rising across the cooperative ({first} of patrons, then {last}) and is not yet among your genres.",
              **shares))
    return [_audience(view, t, t("Build a target audience: people who attend {genre}", genre=name), said,
                      kind="genre", genre=top["genre"])]


def _elsewhere(view: TabView, results: Results, t: Translator) -> list[Action]:
    steps = []
    genres = [r for r in _rows(results.get("elsewhere")) if r.get("significant") and (_shown(r, "lift") or 0) > 1]
    if genres:
        top = max(genres, key=lambda r: float(r["lift"]))
        name = t.label("genre", top["value"])
        steps.append(_audience(view, t, t("Build a target audience: people who attend {genre}", genre=name), t(
            "Your audience chooses {genre} elsewhere {lift} times as often as the rest of the cooperative: people who "
            "attend it are likely to share your audience's tastes.", genre=name, lift=t.number(top["lift"], 1)),
            kind="genre", genre=top["value"]))
    partners = [r for r in _rows(results.get("overlap")) if _shown(r, "share_of_yours")]
    if partners:
        top = max(partners, key=lambda r: float(r["share_of_yours"]))
        partner = str(top.get("name") or top.get("other_member"))
        steps.append(_link(t("Propose a cross offer to {member}", member=partner), f"/m/{view.member_id}/target#cross", t(
            "{share} of your pooled audience also goes to {member}: a joint offer speaks to people who already like you both.",
            share=t.percent(top["share_of_yours"], 0), member=partner)))
    return steps


def _benchmark(view: TabView, results: Results, t: Translator) -> list[Action]:
    rows = {r.get("figure"): r for r in _rows(results.get("benchmark"))}
    returning = rows.get("returning_share") or {}
    index = _shown(returning, "index")
    # A gap of a few points is no finding (« indice 98 »: 75,6 % against 77,2 %): below the peers by
    # at least the overview's steady margin, as its « as many as the period before (within 5 %) ».
    if index is not None and float(index) <= 100 * (1 - MIN_CHANGE):
        return [_lapsed(view, t, t(
            "Fewer of your patrons come back than at your peers (index {index}): bring back those who have not come for "
            "{n} months.", index=t.number(index), n=LAPSED_MONTHS))]
    return [_link(t("See your segments"), f"/m/{view.member_id}/segments",
                  t("Your patrons in six groups (regulars, newcomers, fading…), each ready to become an audience."))]


def _behind_by_a_ticket(summary: Mapping[str, Any]) -> bool:
    """True when the event trails comparable events at this point by at least the overview's steady
    margin (5 %) and a whole ticket: « 10 % fewer tickets » for 5 sold against 5.6 expected is half a
    ticket, and hid that the hall was on course for 5 tickets of 600."""
    behind, sold = summary.get("pace_vs_comparables"), summary.get("tickets_sold")
    if not isinstance(behind, int | float) or behind > -MIN_CHANGE:
        return False
    if not isinstance(sold, int | float):
        return True  # the share alone, when the answer does not say what was sold
    expected = sold / (1 + behind) if behind > -1 else summary.get("expected_by_now")
    return isinstance(expected, int | float) and expected - sold >= 1


def _pace(view: TabView, results: Results, t: Translator) -> list[Action]:
    summary = (results.get("pace") or {}).get("summary") or {}
    behind = summary.get("pace_vs_comparables")
    upcoming = {e.get("event_id") for e in (view.picker or {}).get("upcoming") or []}
    event = wording.summary_name(summary, t.language)
    forecast, capacity = summary.get("forecast_final"), summary.get("capacity")
    if summary.get("event_id") not in upcoming:
        return [_target(view, t)]
    # The Target audience tab opens on this show when the loaded programme lists it.
    query = f"?event={quote(str(summary['event_id']), safe='')}" if summary.get("in_programme") else ""
    if behind is not None and _behind_by_a_ticket(summary):
        reason = t("{event} has sold {behind} fewer tickets than comparable events had at this point: reach the people "
                   "most likely to come.", event=event, behind=t.percent(-float(behind), 0))
    elif forecast is not None and capacity and float(forecast) < 0.5 * float(capacity):
        # On pace, but the pace of comparable events fills less than half the hall.
        reason = t.plural(round(float(forecast)), "{event} is on course for about {n} ticket for {capacity} seats: reach the people most "
                          "likely to come.", "{event} is on course for about {n} tickets for {capacity} seats: reach the people most likely "
                          "to come.", event=event, capacity=t.number(capacity))
    else:
        return [_target(view, t, query)]
    return [_link(t("Find the people likely to come"), f"/m/{view.member_id}/target{query}", reason)]


STEPS = {"overview": _overview, "audience": _audience_tab, "retention": _retention, "trends": _trends,
         "elsewhere": _elsewhere, "benchmark": _benchmark, "pace": _pace}


def next_steps(view: TabView, results: Results, t: Translator) -> list[Action]:
    """The actions the tab's findings call for (the segments and affinities tabs carry theirs by
    their rows and genres). Called once the tab's builder has filled ``view``."""
    build = STEPS.get(view.tab.slug)
    return build(view, results, t) if build else []
