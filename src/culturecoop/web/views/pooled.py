"""View builders of the cross-member tabs: Trends, Elsewhere & Overlap, Affinities, Segments,
Benchmark. They read only what the privacy gate released: a suppressed cell is a gap in a chart
and "< k" (a count) or "–" (a figure derived from one) in a table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from babel.lists import format_list

from culturecoop.analytics.benchmark import MONEY_FIGURES
from culturecoop.schema.taxonomy import GENRES
from culturecoop.web import charts
from culturecoop.web.i18n import Translator, _
from culturecoop.web.views.base import (
    FROM_HIDDEN,
    NO_FIGURE,
    Action,
    Cell,
    Col,
    Column,
    Kpi,
    Section,
    TableView,
    TabView,
    cell,
    is_hidden,
    released,
    table,
)

Results = Mapping[str, Mapping[str, Any]]
NO_PEERS = _("No peers to compare with")
OTHER_CURRENCY = _("Not compared: some of your peers sell in another currency")
# The benchmark leaves out the returning share of a member whose data starts within the period.
NOBODY_BEFORE = _("Not compared: your data starts within the period, so none of your patrons can have come before it")
TOP_LINES = 2  # rising and falling genres drawn in colour on a trends chart


def _rows(result: Mapping[str, Any] | None, name: str = "rows") -> list[dict[str, Any]]:
    rows = (result or {}).get(name)
    return list(rows) if isinstance(rows, list) else []


def _moves(summary: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The genres a trend chart draws rising (dark green, ▲) and falling (orange, ▼): TOP_LINES each way."""
    return ([r["genre"] for r in summary if r.get("direction") == "rising"][:TOP_LINES],
            [r["genre"] for r in reversed(summary) if r.get("direction") == "falling"][:TOP_LINES])


def _trend_lead(chart: dict[str, Any] | None, summary: list[dict[str, Any]], t: Translator) -> str | None:
    """What the trend chart's colours and marks mean, naming only the ones it draws: a genre rising by two
    points or more is dark green and marked ▲, one falling that much orange and marked ▼, the rest grey."""
    if chart is None:
        return None
    rising, falling = _moves(summary)
    if rising and falling:
        return t("Marked ▲ in dark green, the genres that rose most; marked ▼ in orange, those that fell most (each by two points "
                 "or more); the others are grey.")
    if rising:
        return t("Marked ▲ in dark green, the genres that rose most (each by two points or more); none fell that much; the others "
                 "are grey.")
    if falling:
        return t("Marked ▼ in orange, the genres that fell most (each by two points or more); none rose that much; the others "
                 "are grey.")
    # Nothing highlighted: each genre's line has its own colour, stroke and marker (``charts.lines``).
    return t("No genre rose or fell by two points or more.")


def _clear_bars_lead(chart: dict[str, Any] | None, t: Translator, reference: str) -> str | None:
    """What a chart of ratios says by its bars' colours, naming only the ones it draws (dark blue: a gap
    too clear to be chance; grey: one that may be), then what its line and whiskers are."""
    if chart is None:
        return None
    colours = set((chart["data"][0].get("marker") or {}).get("color") or [])
    if colours == {charts.PALETTE[0]}:
        said = t("Every bar is dark blue: each gap is too clear to be chance (at most one in twenty such bars would be).")
    elif charts.PALETTE[0] in colours:
        said = t("Dark blue bars are gaps too clear to be chance (at most one in twenty such bars would be), grey ones may be chance.")
    else:
        said = t("Every bar is grey: none of these gaps is clear enough to rule chance out.")
    return said + " " + reference


def _trend_chart(title: str, months: list[dict[str, Any]], summary: list[dict[str, Any]], value: str,
                 t: Translator, value_title: str) -> dict[str, Any] | None:
    """Monthly shares per genre; the genres rising and falling most in colour, the rest grey."""
    if not months:
        return None
    x = sorted({r["month"] for r in months})
    genres = [g for g in dict.fromkeys(r["genre"] for r in months) if any(released(r, value) for r in months if r["genre"] == g)]
    rising, falling = _moves(summary)
    highlight = {t.label("genre", g): charts.RISING for g in rising}
    highlight.update({t.label("genre", g): charts.FALLING for g in falling})
    by_key = {(r["month"], r["genre"]): r for r in months}
    series = [(t.label("genre", g), [released(by_key.get((m, g)), value) for m in x]) for g in genres]
    # The months a year before the period, when the table holds them, are shaded and named.
    earlier = sorted({r["month"] for r in months if r.get("in_period") is False})
    period = sorted({r["month"] for r in months if r.get("in_period") is True})
    shade = (f"{earlier[0]}-01", f"{period[0]}-01" if period else f"{earlier[-1]}-28", t("A year earlier")) \
        if earlier else None
    return charts.lines(title, [f"{m}-01" for m in x], series, t, value_title=value_title, x_title=t("Month"),
                        unit="percent", highlight=highlight or None, shade=shade)


# Year over year (the data holds the months a year before the period): the period's months against
# the same months a year earlier. Otherwise the start and the end are three months' means, the trend
# a line fitted to every month (times the months between): it is not the end less the start, and the
# headers say what each is.
# A genre with too few months of figures (its monthly cells under the privacy threshold, or none) has no move.
FEW_MONTHS = _("Too few months with a figure for this genre to measure its move")
FEW_PAIRED_MONTHS = _("Too few months with a figure for this genre in both years to compare them")
# A ratio with nobody on one side (no one going out, a genre nobody attends): no ratio, no interval.
NOT_TESTED = _("Not computed: too few people on one side to compare")
TREND_COLUMNS = [Col("genre", _("Genre"), "code:genre"),
                 Col("first_share", _("Share over the first three months"), "percent", empty=FEW_MONTHS),
                 Col("last_share", _("Share over the last three months"), "percent", empty=FEW_MONTHS),
                 Col("change", _("Trend over the period (points, fitted to every month)"), "points", empty=FEW_MONTHS),
                 Col("direction", _("Direction"), "code:direction", empty=FEW_MONTHS)]
YEAR_OVER_YEAR_COLUMNS = [Col("genre", _("Genre"), "code:genre"),
                          Col("first_share", _("Mean monthly share, same months a year earlier"), "percent", empty=FEW_PAIRED_MONTHS),
                          Col("last_share", _("Mean monthly share over the period"), "percent", empty=FEW_PAIRED_MONTHS),
                          Col("change", _("Change against a year earlier (points)"), "points", empty=FEW_PAIRED_MONTHS),
                          Col("direction", _("Direction"), "code:direction", empty=FEW_PAIRED_MONTHS)]


def _trend_columns(basis: Any) -> list[Col]:
    return YEAR_OVER_YEAR_COLUMNS if basis == "year_over_year" else TREND_COLUMNS


def trends(view: TabView, results: Results, t: Translator) -> None:
    result = results.get("trends")
    if not result:
        return
    k = view.k
    summary = result.get("summary") or {}
    coop, coop_months = _rows(result), _rows(result, "cooperative_months")
    year_over_year = summary.get("basis") == "year_over_year"
    # The chart colours TOP_LINES genres each way; the table lists every genre that moved.
    chart = _trend_chart(t("Share of the cooperative's active patrons who attended each genre, by month"), coop_months, coop,
                         "share", t, t("Share of active patrons (%)"))
    lead = _trend_lead(chart, coop, t)
    if lead is not None:
        lead += " " + (t("Rises and falls are against the same months a year earlier, and every genre is in the table below; the "
                         "chart shows the year before too, so a season reads as a season.") if year_over_year else
                       t("Every genre is in the table below."))
    view.sections.append(Section("trends-cooperative", t("Genre shares across the cooperative"), chart,
                                 table("trends-cooperative", t("Genres rising and falling across the cooperative"),
                                       coop, _trend_columns(summary.get("basis")), t, k=k, pooled=True),
                                 pooled=True, lead=lead))
    yours, your_months = _rows(result, "yours"), _rows(result, "your_months")
    chart = _trend_chart(t("Share of your tickets by genre, by month"), your_months, yours, "share", t, t("Share of your tickets (%)"))
    lead = _trend_lead(chart, yours, t)
    several = t("A show can carry several genres (a play by local artists is theatre and local artists): a month's shares "
                "add up to more than 100%.")
    lead = several if lead is None else lead + " " + several
    # Every ticket of every month for one genre (an export that gives all shows one genre, as a mapping's
    # single value does): a flat line at 100 % and « no genre rose or fell » say nothing; one sentence does.
    worn = sorted({r["genre"] for r in your_months if r.get("in_period") and r.get("share")})
    if worn and all(r.get("share") == 1 for r in your_months if r.get("in_period") and r["genre"] in worn):
        chart, lead = None, t.plural(
            len(worn),
            "All your tickets of the period are for shows of the genre {genres}: its share is 100% every month, so there "
            "is no move to follow. If your shows belong to different genres, a genre column in your export (chosen in "
            "the member app) tells them apart here.",
            "All your tickets of the period are for shows of the genres {genres}: each share is 100% every month, so "
            "there is no move to follow. If your shows belong to different genres, a genre column in your export "
            "(chosen in the member app) tells them apart here.",
            genres=format_list([t.label("genre", g) for g in worn], locale=t.locale))
    view.sections.append(Section("trends-yours", t("Genre shares at your venue"), chart,
                                 table("trends-yours", t("Your genres rising and falling"), yours,
                                       _trend_columns(summary.get("your_basis")), t), lead=lead))
    view.sections.append(Section("trends-cooperative_months", t("Monthly shares across the cooperative (data)"), None, table(
        "trends-cooperative_months", t("Genre shares by month across the cooperative"), coop_months,
        [Col("month", _("Month"), "month"), Col("genre", _("Genre"), "code:genre"), Col("patrons", _("Patrons"), "int"),
         Col("active_patrons", _("Active patrons"), "int"), Col("share", _("Share"), "percent"),
         Col("in_period", _("In the period"), "bool")], t, k=k, pooled=True,
        collapsed=True), pooled=True))


def elsewhere(view: TabView, results: Results, t: Translator) -> None:
    result, overlap = results.get("elsewhere"), results.get("overlap")
    k = view.k
    if result:
        summary = result.get("summary") or {}
        view.kpis += [Kpi(t("Your pooled audience"), cell(summary.get("audience"), "int", t), term="pooling"),
                      Kpi(t("Share going to other members"), cell(summary.get("share_going_elsewhere"), "percent", t,
                                                                  hidden=summary.get("share_going_elsewhere") is None))]
        genres = _rows(result)  # the report's first table, "genres", travels as "rows"
        compared = sorted((r for r in genres if released(r, "lift") is not None), key=lambda r: -r["lift"])
        chart = charts.bars(
            t("Your audience against the rest of the cooperative, by genre attended elsewhere"),
            [t.label("genre", r["value"]) for r in compared], [(t("Ratio to the rest of the cooperative"), [r["lift"] for r in compared])],
            t, value_title=t("Times as much as the rest of the cooperative"), category_title=t("Genre"), unit="times",
            horizontal=True, baseline=1.0, baseline_label=t("same as the rest"),
            errors=([r.get("ci_low") for r in compared], [r.get("ci_high") for r in compared]),
            colors=[charts.PALETTE[0] if r.get("significant") else charts.MUTED for r in compared]) if compared else None
        view.sections.append(Section("elsewhere-genres", t("Genres your audience attends elsewhere"), chart, table(
            "elsewhere-genres", t("Genres your audience attends elsewhere"), genres,
            # The ratio compares the two shares beside it: among your audience going out to other
            # members, and among the rest of the cooperative going out.
            [Col("value", _("Genre"), "code:genre"), Col("patrons", _("People"), "int"),
             Col("share_of_audience", _("Share of your audience"), "percent"),
             Col("share_of_those_going_elsewhere", _("Share of your audience going out elsewhere"), "percent"),
             Col("rest_share", _("Share of the rest of the cooperative going out"), "percent"),
             Col("lift", _("Ratio"), "times", "lift", empty=NOT_TESTED), Col("ci_low", _("Very probably at least"), "times", "ci", empty=NOT_TESTED),
             Col("ci_high", _("Very probably at most"), "times", "ci", empty=NOT_TESTED),
             Col("significant", _("Too clear to be chance"), "bool", "q_value", empty=NOT_TESTED)],
            t, k=k, pooled=True), pooled=True,
            lead=_clear_bars_lead(chart, t, t("The line at 1 is the rest of the cooperative; each whisker spans where the true value "
                                               "very probably lies."))))
        for name, title, kind in (("kinds", _("Kinds of members your audience attends"), "code:member_kind"),
                                  ("regions", _("Regions where your audience goes out"), "text")):
            rows = _rows(result, name)
            shown = [r for r in rows if released(r, "share_of_audience") is not None]
            labels = [t.label("member_kind", r["value"]) if kind != "text" else str(r["value"]) for r in shown]
            view.sections.append(Section(f"elsewhere-{name}", t(title), charts.bars(
                t(title), labels, [(t("Share of your audience"), [r["share_of_audience"] for r in shown])], t,
                value_title=t("Share of your audience (%)"), category_title=t("Kind of member") if kind != "text" else t("Region"),
                unit="percent", horizontal=True) if shown else None, table(
                f"elsewhere-{name}", t(title), rows,
                [Col("value", _("Kind of member") if kind != "text" else _("Region"), kind), Col("patrons", _("People"), "int"),
                 Col("share_of_audience", _("Share of your audience"), "percent")], t, k=k, pooled=True), pooled=True))
    if overlap:
        rows = _rows(overlap)
        shown = sorted((r for r in rows if released(r, "share_of_yours") is not None), key=lambda r: -r["share_of_yours"])
        view.sections.append(Section("overlap-overlap", t("Audience overlap with other members"), charts.bars(
            t("Share of your pooled audience that also went to each member"), [str(r.get("name") or r["other_member"]) for r in shown],
            [(t("Share of your audience"), [r["share_of_yours"] for r in shown]),
             (t("Share of their audience"), [released(r, "share_of_theirs") for r in shown])], t,
            value_title=t("Share (%)"), category_title=t("Member"), unit="percent", horizontal=True) if shown else None, table(
            "overlap-overlap", t("Audience overlap with other members"), rows,
            [Col("name", _("Member")), Col("kind", _("Kind"), "code:member_kind"), Col("shared", _("People in common"), "int"),
             Col("share_of_yours", _("Share of your audience"), "percent"), Col("share_of_theirs", _("Share of their audience"), "percent"),
             Col("jaccard", _("Overlap index"), "percent", "jaccard"), Col("lift", _("Times as likely as the average pooled patron"), "times", "lift")],
            t, k=k, pooled=True), pooled=True))


def affinities(view: TabView, results: Results, t: Translator) -> None:
    result = results.get("affinity")
    if not result:
        return
    k = view.k
    rows = _rows(result)
    own = [r for r in _rows(result, "your_genres") if (r.get("share") or 0) >= 0.1][:2]
    for genre in own:
        pairs = sorted((r for r in rows if r["from_genre"] == genre["genre"] and released(r, "lift") is not None),
                       key=lambda r: -r["lift"])
        name = t.label("genre", genre["genre"])
        chart = charts.bars(
            t("What people who attend {genre} also attend", genre=name), [t.label("genre", r["to_genre"]) for r in pairs],
            [(t("Times as often as average"), [r["lift"] for r in pairs])], t, value_title=t("Times as often as the cooperative's average"),
            category_title=t("Genre"), unit="times", horizontal=True, baseline=1.0, baseline_label=t("average"),
            errors=([r.get("ci_low") for r in pairs], [r.get("ci_high") for r in pairs]),
            colors=[charts.PALETTE[0] if r.get("significant") else charts.MUTED for r in pairs]) if pairs else None
        actions = [Action("audience", t("Build a target audience: people who attend {genre}", genre=name),
                          f"/m/{view.member_id}/audiences", {"kind": "genre", "genre": genre["genre"]},
                          t("A saved audience definition with its size, through the privacy gate, ready for campaigns."))]
        view.sections.append(Section(f"affinity-{genre['genre']}", t("Your genre: {genre} ({share} of your tickets)", genre=name,
                                                                     share=t.percent(genre["share"])), chart, None,
                                     pooled=True, actions=actions,
                                     lead=_clear_bars_lead(chart, t, t("The line at 1 is the average pooled patron; each whisker spans where the "
                                                                                       "true value very probably lies."))))
    lifts = {(r["from_genre"], r["to_genre"]): released(r, "lift") for r in rows}
    present = [g for g in GENRES if any(lifts.get((g, o)) is not None for o in GENRES)]
    if present:
        names = [t.label("genre", g) for g in present]
        z = [[None if a == b else lifts.get((a, b)) for b in present] for a in present]
        view.sections.append(Section("affinity-map", t("Affinities between all genres"), charts.heatmap(
            t("How many times more often people who attend genre A attend genre B too (1 = as often as average)"), names, names, z, t, x_title=t("Genre B"),
            y_title=t("Genre A"), value_title=t("Times as often"), unit="times", midpoint=1.0), None, pooled=True,
            lead=t("Red: people who attend genre A attend genre B more than average; blue: less; empty: hidden by the privacy gate or no one.")))
    # Each pair once (the lift is the same both ways), strongest first.
    order = {g: i for i, g in enumerate(GENRES)}
    unique = [r for r in rows if order.get(r["from_genre"], 0) < order.get(r["to_genre"], 0)]
    unique.sort(key=lambda r: (released(r, "lift") is None, -(released(r, "lift") or 0)))
    view.sections.append(Section("affinity-affinity", t("Every pair of genres"), None, table(
        "affinity-affinity", t("Genre affinities across the cooperative"), unique,
        [Col("from_genre", _("Genre A"), "code:genre"), Col("to_genre", _("Genre B"), "code:genre"),
         Col("patrons", _("People attending both"), "int"), Col("lift", _("Times as often as average"), "times", "lift", empty=NOT_TESTED),
         Col("ci_low", _("Very probably at least"), "times", "ci", empty=NOT_TESTED), Col("ci_high", _("Very probably at most"), "times", "ci", empty=NOT_TESTED),
         Col("q_value", _("Risk that it is chance"), "float2", "q_value", empty=NOT_TESTED),
         Col("significant", _("Too clear to be chance"), "bool", "q_value", empty=NOT_TESTED)],
        t, k=k, pooled=True, collapsed=True), pooled=True))


def segments(view: TabView, results: Results, t: Translator, query: Mapping[str, str]) -> None:
    result = results.get("segments")
    if not result:
        return
    k = view.k
    rows = _rows(result)
    summary = result.get("summary") or {}
    view.kpis += [Kpi(t("Your patrons"), cell(summary.get("your_patrons"), "int", t)),
                  Kpi(t("Pooled patrons of the cooperative"), cell(summary.get("cooperative_patrons"), "int", t,
                                                                     hidden=summary.get("cooperative_patrons") is None),
                      term="pooling")]
    view.sections.append(Section("segments-segments", t("Your audience segments against the cooperative's"), charts.bars(
        t("Share of patrons in each segment"), [t.label("segment", r["segment"]) for r in rows],
        [(t("You"), [r.get("your_share") for r in rows]), (t("The cooperative"), [released(r, "cooperative_share") for r in rows])],
        t, value_title=t("Share of patrons (%)"), category_title=t("Segment"), unit="percent"), table(
        "segments-segments", t("Audience segments"), rows,
        [Col("segment", _("Segment"), "code:segment"), Col("rule", _("Who is in it")),
         Col("your_patrons", _("Your patrons"), "int"), Col("your_share", _("Your share"), "percent"),
         Col("cooperative_share", _("Cooperative's share"), "percent"), Col("index", _("Index (100 = as in the cooperative)"), "index", "index")],
        t, k=k, pooled=True, collapsed=False, derive={"rule": lambda r: t.label("segment_rule", r["segment"])}),
        pooled=True, note=_hidden_bars(rows, "cooperative_share", t, k)))
    period = urlencode({key: value for key, value in query.items() if key in ("period", "from", "to") and value})
    for r in rows:
        if not r.get("your_patrons"):
            continue
        label = t.label("segment", r["segment"])
        suffix = "?" + period if period else ""
        view.sections[-1].action_rows.append((label, [
            Action("download", t.plural(r["your_patrons"], "Download the list of your {n} patron (CSV)",
                                        "Download the list of your {n} patrons (CSV)"),
                   f"/m/{view.member_id}/segments/{r['segment']}/patrons.csv{suffix}"),
            Action("audience", t("Build a target audience"), f"/m/{view.member_id}/audiences",
                   {"kind": "segment", "segment": r["segment"], **{key: v for key, v in query.items() if key in ("period", "from", "to") and v}},
                   t("A saved audience definition with its size, through the privacy gate, ready for campaigns.")),
        ]))
    if view.sections[-1].action_rows:
        view.sections[-1].action_rows_note = t(
            "The cooperative knows your patrons only by tokens: drop this list in the member app, on your computer "
            "(“{find}”), to find your customer ids in it.", find=t("Find your patrons in a list from the cooperative"))


def _hidden_bars(rows: list[dict[str, Any]], key: str, t: Translator, k: int | None) -> str | None:
    """Why the cooperative's bar is missing beside some segments: a gap the gate left read as a
    share of zero (« Habitués » with no cooperative bar, its table cell « – »)."""
    hidden = [t.label("segment", r["segment"]) for r in rows if is_hidden(r, key)]
    if not hidden:
        return None
    return t.plural(len(hidden), "No bar for the cooperative beside {segments}: the privacy gate hides that share (fewer than {k} patrons, or a figure that would reveal such a cell), not a share of zero.",
                    "No bar for the cooperative beside {segments}: the privacy gate hides those shares (fewer than {k} patrons, or a figure that would reveal such a cell), not shares of zero.",
                    segments=format_list(hidden, locale=t.locale), k=k or 10)


def benchmark(view: TabView, results: Results, t: Translator) -> None:
    result = results.get("benchmark")
    if not result:
        return
    k = view.k
    rows = _rows(result)
    summary = result.get("summary") or {}
    kinds = {"patrons": "int", "visits_per_patron": "float2", "tickets_per_patron": "float2", "revenue_per_patron": "money",
             "average_price": "money", "returning_share": "percent"}
    peers = summary.get("peers") or 0
    compared = [r for r in rows if released(r, "index") is not None]
    if peers:
        view.kpis.append(Kpi(t("Peers compared"), cell(peers, "int", t),
                             detail=t.relabel(str(summary.get("peer_group") or ""))))
    chart = charts.bars(t("Your figures against your peers' (100 = same as your peers)"),
                        [t.label("figure", r["figure"]) for r in compared], [(t("Index"), [r["index"] for r in compared])], t,
                        value_title=t("Index (peers = 100)"), category_title=t("Figure"), horizontal=True, baseline=100,
                        baseline_label=t("peers"), from_baseline=True,
                        colors=[charts.RISING if r["index"] >= 100 else charts.FALLING for r in compared]) if compared else None
    out = []
    # An empty peers' figure says why: no peers, peers selling in another currency (their amounts are
    # not compared), or nothing to divide by.
    others = any(r.get("peers") is not None for r in rows)
    counted = any(r["figure"] == "patrons" and r.get("yours") for r in rows)
    for row in rows:
        kind = kinds.get(row["figure"], "float2")
        why_peers = t(NO_PEERS) if not peers else t(OTHER_CURRENCY) if others and row["figure"] in MONEY_FIGURES else \
            t(FROM_HIDDEN) if row.get("suppressed") else t(NO_FIGURE)
        why_yours = t(NOBODY_BEFORE) if row["figure"] == "returning_share" and counted else t(NO_FIGURE)
        out.append([Cell(row["figure"], t.label("figure", row["figure"])), cell(row.get("yours"), kind, t, why=why_yours),
                    cell(row.get("peers"), kind, t, k, is_hidden(row, "peers"), why=why_peers),
                    cell(row.get("index"), "index", t, k, is_hidden(row, "index"),
                         why=why_peers if row.get("peers") is None else why_yours)])
    columns = [Column("figure", t("Figure"), "text"), Column("yours", t("Yours"), "mixed"),
               Column("peers", t("Your peers"), "mixed"), Column("index", t("Index (100 = as your peers)"), "index", "index")]
    view.sections.append(Section("benchmark-benchmark", t("Your key figures against your peers"), chart,
                                 TableView("benchmark-benchmark", t("Your key figures against your peers"), columns, out,
                                           pooled=True, currency=t.currency), pooled=True,
                                 lead=t("Bars to the right of the line at 100, in dark green, are your figures above your peers'; bars to the left, in orange, those below; the line at 100 is your peers. Above is not always better: a lower ticket price may be your choice.") if chart else None))
