"""View builders of the member-only tabs: Overview, Audience, Retention, Sales pace.

Each reads the analytics' JSON answers of its reports (``Results``: report name → answer) and
fills a ``TabView`` with key figures, charts and tables in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from culturecoop.analytics import wording
from culturecoop.analytics.insights import key_figure_comparison
from culturecoop.web import charts
from culturecoop.web.i18n import Translator, _
from culturecoop.web.views.base import (
    Cell,
    Col,
    Column,
    Kpi,
    Section,
    TableView,
    TabView,
    cell,
    table,
    told_apart,
)

Results = Mapping[str, Mapping[str, Any]]

METRIC_KINDS = {"revenue": "money", "average_basket": "money", "revenue_per_patron": "money",
                "tickets_per_patron": "float2", "new_share": "percent"}

# Why a cell holds no figure (the page's « – » tooltip, the CSV's cell): an empty cell in a
# downloaded table read as a figure lost on the way.
NOT_IN_DATA = _("Not in your data")
NOT_FOLLOWED = _("Not yet six months of your data after it")
# Beyond this many events a chart of one point each is noise (a museum's timed entries of a few visitors).
MOST_POINTS = 300
NOT_FOLLOWED_HORIZON = _("Your data does not yet run the horizon's length after it")
NO_LATER_EVENT = _("Not measured yet: you have held no event after this one, so nobody could come back")
NO_EVENT_THAT_MONTH = _("None of your events that month")
NO_MULTIPLIER = _("No ticket sold at that point: no multiplier")
NOT_COMPARED = _("Not compared: who was new in the period before is not known")
# A change from nothing (no sale in the period before: a member whose data starts in the period)
NO_BASE = _("No change: nothing of yours in the period before to compare with")


def _rows(result: Mapping[str, Any] | None, name: str = "rows") -> list[dict[str, Any]]:
    rows = (result or {}).get(name)
    return list(rows) if isinstance(rows, list) else []


def overview(view: TabView, results: Results, t: Translator) -> None:
    result = results.get("overview")
    if not result:
        return
    rows = {r["metric"]: r for r in _rows(result)}
    # A period before the data (or reaching before it) has no figures to give: its zeros, or its part
    # in the data, would read as the period's own.
    compared = key_figure_comparison(result)
    comparable, previous_known = compared.changes, compared.previous

    def change_of(metric: str) -> float | None:
        """The change on the period before: relative for a count or an amount (+4 %), in
        percentage points for a share (23.9 % against 54.2 % is −30.3 pts, not −56 %)."""
        row = rows[metric]
        if not compared.change_shown(metric):
            return None
        if METRIC_KINDS.get(metric) == "percent":
            now, before = row.get("this_period"), row.get("previous_period")
            return None if now is None or before is None else float(now) - float(before)
        change = row.get("change")
        return None if change is None else float(change)

    def change_cell(metric: str, digits: int = 1) -> Cell:
        change = change_of(metric)
        if change is None:
            why = (NOT_IN_DATA if not previous_known
                   else NOT_COMPARED if compared.changes and not compared.change_shown(metric)
                   else NO_BASE if compared.change_shown(metric) else None)
            return Cell(None, "–", kind="percent", why=t(why) if why else None)
        if METRIC_KINDS.get(metric) == "percent":
            return cell(change, "points", t)
        return Cell(change, t.signed_percent(change, digits), numeric=True, kind="percent")

    for metric in ("patrons", "tickets", "revenue", "average_basket", "new_share"):
        row = rows.get(metric)
        if row is None:
            continue
        change = change_cell(metric, 0)
        detail = None if change.value is None else t("{change} on the period before", change=change.text)
        view.kpis.append(Kpi(t.label("metric", metric), cell(row.get("this_period"), METRIC_KINDS.get(metric, "int"), t),
                             detail=detail))
    columns = [Column("metric", t("Figure"), "text"), Column("this_period", t("This period"), "mixed"),
               Column("previous_period", t("Previous period"), "mixed"), Column("change", t("Change"), "mixed")]
    table_rows = []
    for metric, row in rows.items():
        kind = METRIC_KINDS.get(metric, "int")
        table_rows.append([Cell(metric, t.label("metric", metric)), cell(row.get("this_period"), kind, t),
                           cell(row.get("previous_period") if previous_known else None, kind, t,
                                why=None if previous_known else t(NOT_IN_DATA)), change_cell(metric)])
    chart, lead = None, None
    # Relative changes only: a share's change is in points, another unit than the axis's.
    shown = [(m, c) for m in rows if METRIC_KINDS.get(m) != "percent" and (c := change_of(m)) is not None] if comparable else []
    if comparable and not shown:
        # Nothing in the period before (a member whose data starts in the period): a chart of no bar
        # read as a blank; the sentence says why there is no change to draw.
        lead = t("No change to draw: you had no patron, ticket or revenue in the period before to compare with; "
                 "the changes will show once your data covers both periods.")
    if shown:
        lead = t("Bars to the right of 0, in dark green, rose against the period before; bars to the left, in orange, fell.")
        chart = charts.bars(t("Change on the period before"), [t.label("metric", m) for m, _c in shown],
                            [(t("Change"), [c for _m, c in shown])], t, value_title=t("Change (%)"),
                            category_title=t("Figure"), unit="percent", horizontal=True, baseline=0,
                            colors=[charts.RISING if c >= 0 else charts.FALLING for _m, c in shown])
    view.sections.append(Section("overview-overview", t("Key figures against the period before"), chart,
                                 TableView("overview-overview", t("Key figures"), columns, table_rows, collapsed=False,
                                           currency=t.currency),
                                 note=t(compared.note) if compared.note else None, lead=lead))
    _by_month(view, _rows(result, "by_month"), t)


def _month_name(row: Mapping[str, Any], t: Translator) -> str:
    """A month on the chart's axis; a month the period cuts says its days (« juin 2025 (27–30) »)."""
    name = t.month(row["month"])
    if row.get("whole_month", True):
        return name
    return f"{name} ({int(str(row['first_day'])[8:10])}–{int(str(row['last_day'])[8:10])})"


def _by_month(view: TabView, months: list[dict[str, Any]], t: Translator) -> None:
    """Tickets month by month, beside the same days a year before where the data holds them."""
    if not months:
        return
    names = [_month_name(r, t) for r in months]
    series = [(t("This period"), [r.get("tickets") for r in months])]
    compared = any(r.get("tickets_year_before") is not None for r in months)
    if compared:
        series.append((t("A year before"), [r.get("tickets_year_before") for r in months]))
    chart = charts.bars(t("Tickets for each month's events"), names, series, t, value_title=t("Tickets"),
                        category_title=t("Month of the events"), value_label=t("Tickets"))
    if compared:
        # The year before in grey, not the palette's red: right above, red is what fell.
        chart["data"][1]["marker"]["color"] = charts.MUTED
    lead = t("Tickets and revenue of the events held each month of the period.")
    if compared:
        lead += " " + t("Beside them, the same days a year before, for the months your data holds them.")
    if any(not r.get("whole_month", True) for r in months):
        lead += " " + t("A month the period cuts counts the days written beside its name.")
    view.sections.append(Section("overview-by_month", t("Month by month"), chart, table(
        "overview-by_month", t("Month by month"), months,
        [Col("month", _("Month"), "month"), Col("first_day", _("From"), "day"), Col("last_day", _("To"), "day"),
         Col("tickets", _("Tickets"), "int"), Col("revenue", _("Revenue"), "money"), Col("patrons", _("Patrons"), "int"),
         Col("tickets_year_before", _("Tickets a year before"), "int", empty=NOT_IN_DATA),
         Col("revenue_year_before", _("Revenue a year before"), "money", empty=NOT_IN_DATA)], t), lead=lead))


def audience(view: TabView, results: Results, t: Translator) -> None:
    geography, frequency = results.get("geography"), results.get("frequency")
    if geography:
        summary = geography.get("summary") or {}
        view.kpis.append(Kpi(t("Patrons"), cell(summary.get("patrons"), "int", t)))
        view.kpis.append(Kpi(t("From the neighbourhood"), cell(summary.get("share_nearby"), "percent", t), term="fsa",
                             detail=t("of attendances: same or neighbouring postal area as the venue")))
        fsa = [r for r in _rows(geography, "fsa") if r.get("fsa") not in (None, "", "?")]
        top = fsa[:15]
        # Each postal area with its area's name when they differ; fifteen « H3G · Montréal » repeated one
        # name fifteen times (the table beneath names each area).
        named = {str(r.get("area") or "") for r in top}
        chart = charts.bars(t("Where your audience lives: the 15 postal areas with most patrons"),
                            [f"{r['fsa']} · {t.relabel(str(r.get('area') or ''))}" if len(named) > 1 else str(r["fsa"]) for r in top],
                            [(t("Share of patrons"), [r.get("share") for r in top])], t,
                            value_title=t("Share of patrons (%)"), category_title=t("Postal area"), unit="percent",
                            horizontal=True) if top else None
        view.sections.append(Section("geography-fsa", t("Where your audience lives"), chart, table(
            "geography-fsa", t("Patrons by postal area"), _rows(geography, "fsa"),
            [Col("fsa", _("Postal area"), term="fsa"), Col("area", _("Area"), "label"), Col("patrons", _("Patrons"), "int"),
             Col("share", _("Share of patrons"), "percent"), Col("tickets", _("Tickets"), "int")], t)))
        areas = _rows(geography)  # the report's first table travels as "rows"
        view.sections.append(Section("geography-areas", t("Areas"), None, table(
            "geography-areas", t("Patrons by area"), areas,
            [Col("area", _("Area"), "label"), Col("patrons", _("Patrons"), "int"), Col("share", _("Share of patrons"), "percent"),
             Col("tickets", _("Tickets"), "int")], t)))
        travel = _rows(geography, "travel")
        view.sections.append(Section("geography-travel", t("How far the audience travels"), charts.bars(
            t("How far patrons live from the venue"), [t.label("distance", r["distance"]) for r in travel],
            [(t("Share of attendances"), [r.get("share") for r in travel])], t,
            value_title=t("Share of attendances (%)"), category_title=t("Distance"), unit="percent", horizontal=True)
            if travel else None, table("geography-travel", t("How far the audience travels"), travel,
                                       [Col("distance", _("Distance"), "code:distance"), Col("attendances", _("Attendances"), "int"),
                                        Col("share", _("Share of attendances"), "percent")], t)))
        ages = _rows(geography, "ages")
        known = [r for r in ages if r.get("age_band") != "unknown"]
        unknown = next((r for r in ages if r.get("age_band") == "unknown"), None)
        note = None
        # With ages unknown for part of the patrons (an export without birth dates for some), the
        # bars are shares of the patrons whose age is known: as shares of all, they added up to the
        # known part only (45 %), and « 35 to 44: 9 % » read as 9 % of the audience.
        dated = sum(int(r.get("patrons") or 0) for r in known)
        partial = bool(unknown and unknown.get("share")) and dated > 0
        if partial and unknown:
            note = t("Age unknown for {share} of patrons (no birth date in the export): the chart shows the shares of the others, "
                     "whose age is known; the table, the shares of all.", share=t.percent(unknown["share"]))
        # An export with no birth date at all (Eventbrite's, most box offices'): the section showed its
        # title over a folded table of zeros and « Âge inconnu 100 % », with nothing to say why or what to do.
        nobody = not dated and bool(unknown and unknown.get("patrons"))
        if nobody:
            note = t("No patron's age is known: your export gives no birth date. If your ticketing asks for one, choose its "
                     "column in the member app and send a new package; this section will then show your audience's ages.")
        shares = [(int(r["patrons"]) / dated if partial and r.get("patrons") is not None else r.get("share")) for r in known]
        share_title = t("Share of patrons whose age is known") if partial else t("Share of patrons")
        view.sections.append(Section("geography-ages", t("Age of the audience"), charts.bars(
            t("Patrons by age at the end of the period"), [t.label("age_band", r["age_band"]) for r in known],
            [(share_title, shares)], t, value_title=share_title + " (%)",
            category_title=t("Age"), unit="percent") if any(r.get("patrons") for r in known) else None,
            None if nobody else table("geography-ages", t("Age of the audience"), ages,
                                      [Col("age_band", _("Age"), "code:age_band"), Col("patrons", _("Patrons"), "int"),
                                       Col("share", _("Share of patrons"), "percent")], t, collapsed=True), note=note))
    if frequency:
        summary = frequency.get("summary") or {}
        view.kpis.append(Kpi(t("Visits per patron"), cell(summary.get("visits_per_patron"), "float2", t)))
        view.kpis.append(Kpi(t("Revenue per patron"), cell(summary.get("revenue_per_patron"), "money", t)))
        bands = _rows(frequency)
        for dimension, title, axis in (("recency", _("How recently patrons came"), _("Days since the last visit, at the end of the period")),
                                       ("frequency", _("How often patrons came"), _("Visits in the period")),
                                       ("monetary", _("How much patrons spent"), _("Spending in the period"))):
            rows = [r for r in bands if r.get("dimension") == dimension]
            if not rows:
                continue
            view.sections.append(Section(f"frequency-{dimension}", t(title), charts.bars(
                t(title), [t.label("band", r["band"]) for r in rows],
                [(t("Share of patrons"), [r.get("share") for r in rows]), (t("Share of revenue"), [r.get("revenue_share") for r in rows])],
                t, value_title=t("Share (%)"), category_title=t(axis), unit="percent"),
                table(f"frequency-{dimension}", t(title), rows,
                      [Col("band", _("Band"), "code:band"), Col("patrons", _("Patrons"), "int"), Col("share", _("Share of patrons"), "percent"),
                       Col("revenue", _("Revenue"), "money"), Col("revenue_share", _("Share of revenue"), "percent")], t, collapsed=True)))
        grid = _rows(frequency, "grid")
        if grid:
            recency = list(dict.fromkeys(r["recency"] for r in grid))
            freq = [b for b in ("1", "2", "3-4", "5-9", "10+") if any(r["frequency"] == b for r in grid)]
            z = [[next((r.get("share") for r in grid if r["recency"] == rec and r["frequency"] == f), None) for f in freq]
                 for rec in recency]
            view.sections.append(Section("frequency-grid", t("Recency by frequency"), charts.heatmap(
                t("Share of patrons by recency and frequency"), [t.label("band", f) for f in freq],
                [t.label("band", r) for r in recency], z, t, x_title=t("Visits in the period"),
                y_title=t("Days since the last visit"), value_title=t("Share of patrons"))))


def retention(view: TabView, results: Results, t: Translator) -> None:
    result = results.get("retention")
    if not result:
        return
    summary = result.get("summary") or {}
    # One headline rate, on the by-event table's rule (the attendances at events the data follows for the
    # horizon, back within it), its rule said under it: counted « at any time », the last shows'
    # attendances, which nobody could follow yet, pulled it a few points down.
    horizon = int(summary.get("horizon_months") or 6)
    six = horizon == 6
    rule = (t("of the attendances at events held at least six months before your data's end, the share back at one "
              "of your events within six months") if six else
            t("of the attendances at events your data follows to your next season, the share back at one of your events "
              "within {n} months (long enough to cover your calendar's longest break between two events)",
              n=t.number(horizon)))
    view.kpis += [Kpi(t("Return rate"), cell(summary.get("return_rate"), "percent", t), term="return_rate", detail=rule),
                  Kpi(t("Attendances"), cell(summary.get("attendances"), "int", t)),
                  Kpi(t("Attendances counted in the return rate"), cell(summary.get("followed_attendances"), "int", t)),
                  Kpi(t("Of them, followed by a return"), cell(summary.get("back_within"), "int", t)),
                  Kpi(t("Patrons"), cell(summary.get("patrons"), "int", t))]
    # Two shows of one title and day (a matinee and an evening) are named with their start time.
    events = [{**r, "title": name} for r, name in zip(_rows(result), wording.event_names(_rows(result), t.language), strict=True)]
    # Events compared on one horizon: back within it, for the events followed that long.
    followed = [r for r in events if r.get("return_rate_6_months") is not None]
    titles = _rows(result, "by_title")
    chart = charts.points(
        t("Share of each event's patrons back within six months") if six else
        t("Share of each event's patrons back within {n} months", n=t.number(horizon)),
        [r["event_day"] for r in followed],
        [r.get("return_rate_6_months") for r in followed], [str(r.get("title") or r.get("event_id")) for r in followed],
        t, value_title=t("Back within six months (%)") if six else t("Back within {n} months (%)", n=t.number(horizon)),
        x_title=t("Day of the event"),
        sizes=[r.get("attendees") for r in followed], average=summary.get("return_rate_6_months"),
        average_label=t("average")) if followed and len(followed) <= MOST_POINTS else None
    lead = (t("Each point is an event (its size: its attendees): the share of its patrons who came to another of your events "
              "within six months. Events less than six months before your data's last sale are in the table, not yet compared.")
            if six else
            t("Each point is an event (its size: its attendees): the share of its patrons who came to another of your events "
              "within {n} months, the horizon that covers your calendar's longest break (a festival's year between two "
              "editions). Events your data does not yet follow to your next season are in the table, not yet compared.",
              n=t.number(horizon)))
    if len(followed) > MOST_POINTS:
        lead = (t("{n} events of the period are followed for the horizon: too many to draw one by one (a museum's timed "
                  "entries, a few visitors each); the table lists them, and the rate by title below compares what they "
                  "share.", n=t.number(len(followed))) if titles else
                t("{n} events of the period are followed for the horizon: too many to draw one by one; the table lists "
                  "them.", n=t.number(len(followed))))
    if events and not followed:
        lead = (t("Your data does not yet run six months past any event of the period: the table gives each event's returns "
                  "so far; choose an earlier period to compare events.") if six else
                t("Your data does not yet follow any event of the period to your next season: the table gives each event's "
                  "returns so far; choose an earlier period to compare events."))
    view.sections.append(Section("retention-by_event", t("Return rate by event"), chart, table(
        "retention-by_event", t("Return rate by event"), events,
        [Col("title", _("Event")), Col("event_day", _("Day"), "day"), Col("attendees", _("Attendees"), "int"),
         Col("back_within_6_months", _("Back within six months") if six else _("Back within the horizon"), "int",
             empty=NOT_FOLLOWED if six else NOT_FOLLOWED_HORIZON),
         Col("return_rate_6_months", _("Share back within six months") if six else _("Share back within the horizon"),
             "percent", empty=NOT_FOLLOWED if six else NOT_FOLLOWED_HORIZON),
         Col("came_back", _("Came back (at any time)"), "int", empty=NO_LATER_EVENT),
         Col("return_rate", _("Share back at any time"), "percent", "return_rate", empty=NO_LATER_EVENT)], t),
        lead=lead))
    # A museum's exhibitions, a play's run: the visitors of one title back for another, the question its
    # timed entries (thousands of events of a few visitors each) cannot answer one by one.
    if titles:
        compared = [r for r in titles if r.get("back_share") is not None]
        view.sections.append(Section("retention-by_title", t("Return from one exhibition or show to another"), charts.points(
            t("Share of each title's patrons back for another title"), [r["first_day"] for r in compared],
            [r.get("back_share") for r in compared], [str(r.get("title")) for r in compared], t,
            value_title=t("Back for another title (%)"), x_title=t("First day of the title"),
            sizes=[r.get("visitors") for r in compared]) if compared else None, table(
            "retention-by_title", t("Return from one exhibition or show to another"), titles,
            [Col("title", _("Title")), Col("first_day", _("From"), "day"), Col("last_day", _("To"), "day"),
             Col("days", _("Days"), "int"), Col("visitors", _("Patrons"), "int"),
             Col("back_within", _("Back for another title"), "int", empty=NOT_FOLLOWED if six else NOT_FOLLOWED_HORIZON),
             Col("back_share", _("Share back for another title"), "percent",
                 empty=NOT_FOLLOWED if six else NOT_FOLLOWED_HORIZON)], t),
            lead=t("Your events share titles over several days (an exhibition, a show's run): each row is a title, with the "
                   "share of its patrons whose next visit to another of your titles came within six months of their last "
                   "visit to it.") if six else
            t("Your events share titles over several days (an exhibition, a show's run): each row is a title, with the "
              "share of its patrons whose next visit to another of your titles came within {n} months of their last "
              "visit to it.", n=t.number(horizon))))
    cohorts = _rows(result, "cohorts")
    if cohorts:
        months = list(dict.fromkeys(r["cohort"] for r in cohorts))
        after = list(range(1, 12))
        z = [[next((r.get("share") for r in cohorts if r["cohort"] == m and r["months_after"] == a), None) for a in after]
             for m in months]
        # A festival's new patrons have no event of the member in the eleven months after their first (one
        # season a year): an empty grid drawn as a chart reads as a broken page.
        drawn = any(v is not None for row in z for v in row)
        view.sections.append(Section("retention-cohorts", t("Monthly cohorts"), charts.heatmap(
            t("Share of each month's new patrons seen again, month by month"), [str(a) for a in after],
            [t.month(m) for m in months], z, t, x_title=t("Months after the first visit"),
            y_title=t("Month of the first visit"), value_title=t("Share seen again")) if drawn else None, table(
            "retention-cohorts", t("Monthly cohorts"), cohorts,
            [Col("cohort", _("Month of the first visit"), "month", "cohort"), Col("months_after", _("Months after"), "int"),
             Col("patrons", _("Patrons"), "int", empty=NO_EVENT_THAT_MONTH),
             Col("share", _("Share of the cohort"), "percent", empty=NO_EVENT_THAT_MONTH)], t),
            lead=t("Each row is the patrons whose first visit was that month; each cell, the share of them who came back n months later.")
            if drawn else t("None of your events took place in the eleven months after your new patrons' first visit (one "
                            "season a year): monthly cohorts have nothing to show; the return rate above follows them to your "
                            "next season.")))


def pace(view: TabView, results: Results, t: Translator) -> None:
    events, result = results.get("events"), results.get("pace")
    if events:
        rows = [dict(r) for r in _rows(events)]
        # Two events of one day and title (a matinee and an evening, two rooms) would read alike:
        # they name their time, or the member's event id when the export gave none.
        titles = [r.get("title") or r["event_id"] for r in rows]
        plain = [f"{t.day(r.get('event_day'))} · {title}" for r, title in zip(rows, titles, strict=True)]
        timed = [f"{t.starts(r['starts_at'])} · {title}" if r.get("starts_at") else label
                 for r, title, label in zip(rows, titles, plain, strict=True)]
        for r, label in zip(rows, told_apart(plain, timed, [f"{label} ({r['event_id']})" for label, r in zip(timed, rows, strict=True)]),
                            strict=True):
            r["label"] = label
        view.picker = {"upcoming": [r for r in rows if r.get("upcoming")], "past": [r for r in rows if not r.get("upcoming")],
                       "as_of": (events.get("summary") or {}).get("as_of"),
                       "programme": (events.get("summary") or {}).get("programme")}
        _exhibitions(view, events, t)
    if not result:
        return
    summary = result.get("summary") or {}
    # Another event of the same title that day: this one is named with its start.
    title = wording.summary_name(summary, t.language)
    # A past event replayed, its final sales known or not (its show came after the export's last sale):
    # its days are counted from the replayed day, never « to go », and that day is not « today ».
    replay = summary.get("final_sold") is not None
    if view.picker is not None:
        view.picker["current"] = summary.get("event_id")
        # An exhibition's slot is not listed (its title is, under « Vos expositions »): one still ahead is no replay.
        ahead = str(summary.get("event_day") or "") > str(view.picker.get("as_of") or "9999")
        if not ahead and (not view.picker["upcoming"]
                          or summary.get("event_id") not in {e["event_id"] for e in view.picker["upcoming"]}):
            replay = True
            view.notes.insert(0, t.plural(summary.get("days_before"),
                                          "A replay: the sales of {title} as they stood {n} day before it, against comparable events of the year before.",
                                          "A replay: the sales of {title} as they stood {n} days before it, against comparable events of the year before.",
                                          title=title))
    view.kpis += [
        Kpi(t("Event"), Cell(title, title), detail=t.day(summary.get("event_day")), small=True),
        # A replay's days are counted from the replayed day: the show is over, none are « to go ».
        Kpi(t("Days before the show, on the replayed day") if replay else t("Days to go"),
            cell(summary.get("days_before"), "int", t), detail=t("as of {day}", day=t.day(summary.get("as_of")))),
        Kpi(t("Tickets sold"), cell(summary.get("tickets_sold"), "int", t),
            detail=None if not summary.get("capacity") else t("of {capacity} seats", capacity=t.number(summary["capacity"]))),
        Kpi(t("Forecast"), cell(summary.get("forecast_final"), "int", t),
            # A range whose ends meet (« probablement de 5 à 5 ») says nothing a reader can use.
            detail=None if summary.get("forecast_low") is None or summary.get("forecast_low") == summary.get("forecast_high")
            else t("likely {low} to {high}", low=t.number(summary["forecast_low"]), high=t.number(summary["forecast_high"]))),
        Kpi(t("Chance of selling out"), cell(summary.get("sellout_probability"), "percent", t)),
    ]
    final, outcome = summary.get("final_sold"), summary.get("forecast_outcome")
    if final is not None:
        # A replay: what the event really sold, against the forecast made without it.
        view.kpis.append(Kpi(t("Sold in the end"), cell(final, "int", t), detail={
            "within": t("within the forecast's range"), "above": t("above the forecast's range"),
            "below": t("below the forecast's range")}.get(str(outcome))))
    curve = {r["days_before"]: r for r in _rows(result)}  # the first table, "curve"
    band = _rows(result, "band")
    days = [r["days_before"] for r in band] or sorted(curve, reverse=True)
    chart = charts.band(
        t("Sales of {title} against comparable events", title=title), days,
        [r.get("low") for r in band], [r.get("median") for r in band], [r.get("high") for r in band],
        [(curve.get(d) or {}).get("tickets_sold") for d in days], t,
        band_name=t("Comparable events: 8 in 10 sold within this band"), middle_name=t("Comparable events: half sold more, half less"),
        line_name=title or t("This event"), value_title=t("Tickets sold (cumulative)"), x_title=t("Days before the event"),
        marker_x=summary.get("days_before"), marker_label=t("forecast's day") if replay else t("today"),
        later=[(curve.get(d) or {}).get("tickets_sold_later") for d in days] if final is not None else None,
        later_name=t("What it sold next"),
        estimate=None if summary.get("forecast_final") is None else (
            0, summary["forecast_final"], summary.get("forecast_low") or summary["forecast_final"],
            summary.get("forecast_high") or summary["forecast_final"]),
        estimate_name=t("Forecast of the final sales")) if band else None
    # Without a chart (fewer than three comparable past events: no band), the lead says why rather
    # than describe a line and a band the page does not draw.
    lead = (t("No curve to draw: fewer than three comparable past events to set this event's sales against.") if chart is None else
            t("The line is this event's sales so far; the band is what comparable events had sold at the same number of days before, scaled to this event's capacity.")
            + ("" if final is None else " " + t("The dotted line is what it really sold afterwards, which the forecast did not see.")))
    view.sections.append(Section("pace-curve", t("Sales curve"), chart, None, lead=lead))
    comparables = [{**r, "title": name} for r, name in
                   zip(_rows(result, "comparables"), wording.event_names(_rows(result, "comparables"), t.language), strict=True)]
    view.sections.append(Section("pace-comparables", t("Comparable events"), None, table(
        "pace-comparables", t("Comparable events"), comparables,
        [Col("title", _("Event")), Col("event_day", _("Day"), "day"), Col("capacity", _("Capacity"), "int"),
         Col("sold_by_now", _("Sold at the same point"), "int"), Col("final", _("Final sales"), "int"),
         Col("multiplier", _("Multiplier"), "float2", "multiplier", empty=NO_MULTIPLIER)], t)))


def _exhibitions(view: TabView, events: Mapping[str, Any], t: Translator) -> None:
    """A museum's exhibitions (titles with hundreds of timed slots): one line each and their tickets
    sold week by week, in place of one picker line per slot."""
    shows, weeks = _rows(events, "exhibitions"), _rows(events, "exhibition_weeks")
    if not shows:
        return
    titles = [str(r["title"]) for r in shows]
    days = sorted({str(r["week"]) for r in weeks})
    sold = {(str(r["title"]), str(r["week"])): r["tickets_sold"] for r in weeks}
    chart = charts.lines(t("Tickets sold per week, by exhibition"), days,
                         [(title, [sold.get((title, d), 0) for d in days]) for title in titles], t,
                         value_title=t("Tickets sold that week"), x_title=t("Week of the sale")) if days else None
    view.sections.append(Section("exhibitions", t("Your exhibitions"), chart, table(
        "exhibitions", t("Your exhibitions"), shows,
        [Col("title", _("Title")), Col("first_day", _("From"), "day"), Col("last_day", _("To"), "day"),
         Col("slots", _("Timed slots"), "int"), Col("tickets_sold", _("Tickets sold"), "int")], t),
        lead=t("A title with many dated slots (an exhibition's timed entries) is followed as a whole: its tickets "
               "sold each week, rather than one line per slot.")))
