"""The "Target audience" tab: ``reco.target.target_answer`` → a typed page context.

Sizes and profile counts are the privacy gate's releases: a hidden one reads "< k" in tables and
is a gap in charts. Codes (age bands, areas, segments, audience kinds, statuses) are named in
the reader's language; members are named by their public names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from culturecoop.reco import cross, gains
from culturecoop.reco.audiences import PEOPLE_PER_SEAT
from culturecoop.reco.insights import diversity_measures as measures_in_words
from culturecoop.reco.insights import gains_basis, gains_findings, lists_in_words, target_findings
from culturecoop.web import charts
from culturecoop.web.i18n import Translator, _, retranslate
from culturecoop.web.views.base import Col, Kpi, Section, TableView, cell, table, told_apart

PROFILE = (  # dimension, code kind, section title, axis title
    ("age_band", "audience_age", _("Their age"), _("Age band")),
    ("area", "area", _("Where they live"), _("Area")),
    ("segment", "segment", _("Their habits (segments across the cooperative)"), _("Segment")),
)


@dataclass
class EventChoice:
    event_id: str
    label: str


@dataclass
class PartnerRow:
    partner: str
    name: str
    mine: str  # my patrons among the most likely tenth for its shows (gated)
    theirs: str  # its patrons among the most likely tenth for mine (gated)
    status: str | None  # an open agreement's status, in words
    may_propose: bool
    mine_fit: str = "–"  # ``mine`` against chance (« 2,40 × »), "–" when the count is hidden
    theirs_fit: str = "–"


@dataclass
class Proposal:
    agreement_id: str
    proposer: str
    since: str


@dataclass
class TargetView:
    member_id: str
    k: int
    reason: str | None = None
    events: list[EventChoice] = field(default_factory=list)
    event: EventChoice | None = None
    insights: list[str] = field(default_factory=list)
    silence: str | None = None
    kpis: list[Kpi] = field(default_factory=list)
    profile: list[Section] = field(default_factory=list)
    audience_note: str | None = None
    default_name: str | None = None
    saved: TableView | None = None
    just_saved: dict[str, Any] | None = None
    partners: list[PartnerRow] = field(default_factory=list)
    partner_events: TableView | None = None
    cross_note: str | None = None
    cross_lead: str | None = None  # what the fit means, with the figure chance gives
    cross_hidden: list[str] = field(default_factory=list)  # why every cell of a column reads "< k", and what opens it
    proposals: list[Proposal] = field(default_factory=list)
    agreements: TableView | None = None
    gains: Section | None = None
    gains_points: list[str] = field(default_factory=list)  # what the gains curve says, in sentences
    lists_said: str | None = None  # what the member's patron → events lists are like, in words
    lists_measures: list[Measure] = field(default_factory=list)  # the same lists' measures of diversity, each as its question (folded)
    tradeoff: Section | None = None
    settings: str = ""


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def _profile_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "suppressed": r.get("patrons") is None} for r in rows]


def target_view(answer: Mapping[str, Any], t: Translator, saved: Mapping[str, Any] | None = None) -> TargetView:
    k = int(answer.get("k") or 10)
    view = TargetView(str(answer["member_id"]), k)
    names: Mapping[str, str] = answer.get("member_names") or {}
    if not answer.get("available"):
        view.reason = retranslate(str(answer.get("reason") or ""), t.language)
    view.events = event_choices(answer.get("events") or [], t)
    picked = answer.get("event")
    if picked:
        view.event = next((c for c in view.events if c.event_id == picked["event_id"]), None)
        view.default_name = t("Audience of {event}", event=picked["title"])
    found = target_findings(answer)
    view.insights = found.texts(t.language)
    view.silence = retranslate(found.silence, t.language) if found.silence else None
    _audience(view, answer.get("audience"), t)
    view.saved = table("audiences", t("Your saved audiences"), [
        {**a, "created": date.fromisoformat(a["created_at"][:10]), "suppressed": a.get("size") is None}
        for a in reversed(answer.get("audiences") or [])],
        [Col("name", _("Name")), Col("kind", _("Kind"), "code:audience_kind"), Col("created", _("Saved on"), "day"),
         Col("size", _("People"), "int")], t, k=k, pooled=True, collapsed=False)
    view.just_saved = dict(saved) if saved else None
    _cross(view, answer, names, t)
    _gains(view, answer, t)
    lists = answer.get("lists") or {}
    said = lists_in_words(lists) if lists.get("available") else None
    if said is not None:
        view.lists_said = said[0].text(t.language)
        view.lists_measures = diversity_measures(lists, t)
    _discoverability(view, answer, t)
    return view


@dataclass(frozen=True)
class Measure:
    """One measure of diversity said as the question it answers; its name stays in the glossary entry ``term``."""

    text: str
    term: str


def diversity_measures(lists: Mapping[str, Any], t: Translator) -> list[Measure]:
    """The measures of diversity of a set of served lists in plain words (``reco.insights.diversity_measures``,
    the member app's and the CLI's words too), each beside its glossary term."""
    return [Measure(said.text(t.language), said.rule) for said in measures_in_words(lists)]


def event_choices(events: Sequence[Mapping[str, Any]], t: Translator) -> list[EventChoice]:
    """Each upcoming event as a picker names it: « 23 déc. 2026 à 19 h 30 · Copper Lake ». Two
    events that would read alike (two rooms, or two entries of one show) also name their venue,
    or the member's own event id when the venue does not tell them apart either."""
    plain = [f"{t.starts(e['starts_at'])} · {e['title']}" for e in events]
    labels = told_apart(plain, [f"{label} ({e['venue']})" if e.get("venue") else label for label, e in zip(plain, events, strict=True)],
                        [f"{label} ({e['event_id']})" for label, e in zip(plain, events, strict=True)])
    return [EventChoice(e["event_id"], label) for e, label in zip(events, labels, strict=True)]


def _audience(view: TargetView, audience: Mapping[str, Any] | None, t: Translator) -> None:
    if not audience:
        return
    if not audience.get("available"):
        view.audience_note = retranslate(str(audience.get("reason") or ""), t.language)
        return
    k, profile = view.k, audience.get("profile") or {}
    hidden = audience.get("size") is None
    # How the size comes about, beside it: « 540 » for a hall of 180 read as 540 expected in the seats.
    seats, size = (audience.get("definition") or {}).get("seats"), audience.get("size")
    detail = (t("people across the cooperative to reach: {per} per seat of the hall's {seats}", per=t.number(PEOPLE_PER_SEAT),
                seats=t.number(seats))
              if seats and size == PEOPLE_PER_SEAT * seats else t("people across the cooperative"))
    view.kpis.append(Kpi(t("Likely audience"), cell(size, "int", t, k, hidden), term="aggregate", detail=detail))
    # The profile's groups divide the audience's size: when the size is shown, the gate also hides
    # groups of any size so that a small one is not deduced by difference, and a hidden group reads
    # "hidden" (kind ``part``), never "< k". A hidden size: every group is under k.
    part = "int" if hidden else "part"
    for row in profile.get("ownership") or []:
        label = t.label("ownership", row["ownership"])
        view.kpis.append(Kpi(label, cell(row.get("patrons"), part, t, k, row.get("patrons") is None)))
    for dimension, kind, title, axis in PROFILE:
        # Each group by its name, capitalized as a line starts (« La ville de Québec »).
        rows = [{**r, "group": _capital(t.label(kind, r[dimension]))} for r in _profile_rows(profile.get(dimension) or [])]
        if not rows:
            continue
        # A group the gate hides says so on its bar's line, or its empty bar would read as nobody.
        names = [r["group"] + ("" if r.get("patrons") is not None else f" ({cell(None, part, t, k, True).text})")
                 for r in rows]
        shown = any(r.get("patrons") is not None for r in rows)
        # A chart of gaps only says nothing: the table then shows every group hidden.
        chart = charts.bars(t(title), names, [(t("People"), [r.get("patrons") for r in rows])], t,
                            value_title=t("People"), category_title=t(axis), horizontal=True) if shown else None
        note = None
        if not shown and hidden:
            note = t("Every group counts fewer than {k} people: the privacy gate hides them all.", k=k)
        elif not shown:
            note = t("The privacy gate hides every group: some count fewer than {k} people, and the others would "
                     "reveal them by difference with the total.", k=k)
        view.profile.append(Section(f"profile-{dimension}", t(title), chart,
                                    table(f"profile-{dimension}", t(title), rows,
                                          [Col("group", axis), Col("patrons", _("People"), part)],
                                          t, k=k, pooled=True, collapsed=shown),
                                    note=note, pooled=True))


def _cross(view: TargetView, answer: Mapping[str, Any], names: Mapping[str, str], t: Translator) -> None:
    member = view.member_id
    agreements = answer.get("agreements") or []
    open_status: dict[str, str] = {}
    for a in agreements:
        other = a["partner"] if a["proposer"] == member else a["proposer"]
        if a["status"] in ("proposed", "accepted"):
            open_status[other] = a["status"]
        if a["partner"] == member and a["status"] == "proposed":
            view.proposals.append(Proposal(a["agreement_id"], names.get(a["proposer"], a["proposer"]), t.starts(a["proposed_at"])))
    offers = answer.get("cross_offers") or {}
    if not offers.get("available"):
        view.cross_note = retranslate(str(offers.get("reason") or ""), t.language) or None
    else:
        view.cross_lead = fit_meaning(offers, t)
    for p in offers.get("partners") or []:
        status = open_status.get(p["partner"])
        patrons, fits = p.get("fit_patrons") or {}, p.get("fit") or {}
        mine, theirs = (cell(patrons.get(d), "int", t, view.k, patrons.get(d) is None).text for d in cross.DIRECTIONS)
        mine_fit, theirs_fit = (cell(fits.get(d), "times", t, view.k, fits.get(d) is None).text for d in cross.DIRECTIONS)
        view.partners.append(PartnerRow(p["partner"], names.get(p["partner"], p["partner"]), mine, theirs,
                                        t.label("agreement", status) if status else None, status is None, mine_fit, theirs_fit))
    view.cross_hidden = _why_hidden(offers, t, view.k)
    events = [{**e, "partner_name": names.get(e["partner"], e["partner"]), "when": t.starts(e["starts_at"]),
               "suppressed": e.get("fit_patrons") is None} for e in cross.leading_events(offers.get("events") or [])]
    if events:
        view.partner_events = table("partner-events", t("Partners' upcoming events that fit your audience best"), events,
                                    [Col("partner_name", _("Member")), Col("title", _("Event")), Col("when", _("Date")),
                                     Col("fit_patrons", _("Your patrons among its most likely people"), "int"),
                                     Col("fit", _("Against chance"), "times")],
                                    t, k=view.k, pooled=True, collapsed=False)
    rows = [{"with": names.get(a["partner"] if a["proposer"] == member else a["proposer"], ""),
             "direction": t("sent") if a["proposer"] == member else t("received"),
             "status": t.label("agreement", a["status"]), "when": t.starts(a["proposed_at"])} for a in reversed(agreements)]
    if rows:
        view.agreements = table("agreements", t("Cross-offer agreements"), rows,
                                [Col("with", _("Member")), Col("direction", _("Proposal")), Col("status", _("Status")),
                                 Col("when", _("Proposed on"))], t, collapsed=False)


def fit_meaning(offers: Mapping[str, Any], t: Translator) -> str:
    """What « 2,40 × » means in the cross offers, with the number of the member's patrons chance
    would put among a show's most likely people (a tenth of those counted: a released count)."""
    # Not named ``counted``: the message extraction reads that name as the CLI's plural helper.
    reach = offers.get("counted")
    share = float(offers.get("fit_share") or cross.FIT_SHARE)
    if isinstance(reach, int) and reach > 0:
        chance = t.plural(reach, "For each show, the model takes the {share} of the cooperative's people most likely to come: "
                          "chance would put {share} of your one countable patron among them, that is {chance}.",
                          "For each show, the model takes the {share} of the cooperative's people most likely to come: "
                          "chance would put {share} of your {n} countable patrons among them, that is {chance}.",
                          share=t.percent(share, 0), chance=t.number(share * reach, 1))
    else:
        chance = t("For each show, the model takes the {share} of the cooperative's people most likely to come: "
                   "chance would put {share} of your countable patrons among them.", share=t.percent(share, 0))
    return " ".join((chance, t("“3 ×” means three times as many of your patrons as chance: the show fits your audience; "
                                "under 1, fewer than chance. A partner's figure is the same over its shows as a whole, "
                                "and the other way round over yours.")))


def _why_hidden(offers: Mapping[str, Any], t: Translator, k: int) -> list[str]:
    """Why a column of the cross offers reads "< k" in every cell, and what would open it: a small
    member otherwise saw a table of "< 10" and no word of why."""
    partners = offers.get("partners") or []
    own = offers.get("own") or {}
    mine_hidden, theirs_hidden = (all((p.get("fit_patrons") or {}).get(d) is None for p in partners) for d in cross.DIRECTIONS)
    if not partners or not (mine_hidden or theirs_hidden):
        return []
    said = [t("Cells read “< {k}”: the privacy gate shows a number of people only from {k} up.", k=k)]
    if mine_hidden:
        counted = offers.get("counted")
        mine = {"k": k, "consenting": t.number(own.get("consenting") or 0)}
        if own.get("patrons") and int(own.get("consenting") or 0) >= int(own["patrons"]):
            # Every patron agreed already: « record that consent in your next export » asked for what was done.
            said.append(t.plural(int(own["patrons"]), "Fewer than {k} of your patrons can be counted, though your one patron agreed to personalized suggestions: "
                                 "only patrons the cooperative has linked to its people and who came to a past event count. Your latest "
                                 "export counts once the cooperative has linked it and recomputed its recommendations.",
                                 "Fewer than {k} of your patrons can be counted, though all {n} of them agreed to personalized suggestions: "
                                 "only patrons the cooperative has linked to its people and who came to a past event count. Your latest "
                                 "export counts once the cooperative has linked it and recomputed its recommendations.", k=k)
                        if counted is None else
                        t.plural(int(own["patrons"]), "{counted} of your patrons can be counted: your one patron agreed to personalized suggestions, "
                                 "but only patrons linked to the cooperative's people and with a past visit count; too few for any "
                                 "partner's event to draw {k} of them.",
                                 "{counted} of your patrons can be counted: all {n} of them agreed to personalized suggestions, "
                                 "but only patrons linked to the cooperative's people and with a past visit count; too few for any "
                                 "partner's event to draw {k} of them.",
                                 k=k, counted=t.number(counted)))
        elif counted is None:
            said.append(t.plural(int(own.get("patrons") or 0),
                                 "Fewer than {k} of your patrons can be counted: only those who agreed to personalized suggestions "
                                 "(in your data, {consenting} of your {n} patron), whom the cooperative has linked to its people "
                                 "and who came to a past event; record that consent in your next export to count more of them.",
                                 "Fewer than {k} of your patrons can be counted: only those who agreed to personalized suggestions "
                                 "(in your data, {consenting} of your {n} patrons), whom the cooperative has linked to its people "
                                 "and who came to a past event; record that consent in your next export to count more of them.", **mine))
        else:
            said.append(t.plural(int(own.get("patrons") or 0),
                                 "{counted} of your patrons can be counted: those who agreed to personalized suggestions (in your data, "
                                 "{consenting} of your {n} patron), linked and with a past visit; too few for any partner's event "
                                 "to draw {k} of them. Record that consent in your next export to count more of them.",
                                 "{counted} of your patrons can be counted: those who agreed to personalized suggestions (in your data, "
                                 "{consenting} of your {n} patrons), linked and with a past visit; too few for any partner's event "
                                 "to draw {k} of them. Record that consent in your next export to count more of them.",
                                 counted=t.number(counted), **mine))
    if theirs_hidden:
        upcoming = int(own.get("upcoming") or 0)
        if upcoming:
            said.append(t.plural(upcoming, "Your one upcoming event draws fewer than {k} of each partner's patrons; announcing more of your programme would count more.",
                                 "Your {n} upcoming events draw fewer than {k} of each partner's patrons; announcing more of your programme would count more.", k=k))
        else:
            said.append(t("You have no upcoming event loaded, so none of your partners' patrons can be counted for yours; "
                          "load your programme above, or ask your data manager to."))
    return said


def _gains(view: TargetView, answer: Mapping[str, Any], t: Translator) -> None:
    """Does an audience list find the people who come (``reco.gains``): the curve, and the member's
    usual list (everyone who came before) against the model's of the same length."""
    measured = answer.get("gains")
    title = t("Does the list find the people who come?")
    if not measured:
        return
    if not measured.get("available"):
        # « Too few recent events… » said nothing of what would change it: what is missing, and that it
        # comes with the members' newer exports, not with a step of the reader's.
        unlock = t("This measure appears once at least {events} recent events of the cooperative have each drawn {people} people or more "
                   "who had come to an older one: it fills in as the members send their newer exports, with nothing for you to do.",
                   events=t.number(gains.MIN_EVENTS), people=t.number(gains.MIN_ATTENDEES))
        view.gains = Section("gains", title, note=retranslate(str(measured.get("reason") or ""), t.language) + " " + unlock)
        return
    curve, own = measured["curve"], measured["own_list"]
    shares = [p["share"] for p in curve]
    model, chance = t("The model's most likely people"), t("People drawn at random")
    own_name = t("Everyone who came to the same member before")
    chart = charts.gains(title, shares, [(model, [p["found"] for p in curve]), (chance, shares)], t,
                         value_title=t("Share of those who came found"),
                         x_title=t("Share of the cooperative's people on the list"),
                         point=(own_name, own["reach"], own["found"]))
    rows = [{"share": p["share"], "found": p["found"], "random": p["share"]} for p in curve if 0 < p["share"] < 1]
    view.gains = Section("gains", title, chart, table("gains", title, rows, [
        Col("share", _("Share of the cooperative's people on the list"), "percent"), Col("found", _("Share of those who came found"), "percent"),
        Col("random", _("With people drawn at random"), "percent")], t, collapsed=True),
        lead=gains_basis(measured).text(t.language))
    view.gains_points = [finding.text(t.language) for finding in gains_findings(measured)]


def _discoverability(view: TargetView, answer: Mapping[str, Any], t: Translator) -> None:
    settings = answer.get("settings") or {}
    diversity, boost = float(settings.get("diversity", 0.1)), float(settings.get("boost", 12))
    view.settings = t.plural_of(boost, 0, "The cooperative's setting: diversity {diversity} (0 = the model's order, 1 = the most varied lists); "
                                "local and francophone events at least {boost} point above their share of the programme.",
                                "The cooperative's setting: diversity {diversity} (0 = the model's order, 1 = the most varied lists); "
                                "local and francophone events at least {boost} points above their share of the programme.",
                                diversity=t.number(diversity, 1), boost=t.number(boost))
    measured = answer.get("tradeoff")
    if not measured:
        return
    if not measured.get("available"):
        view.tradeoff = Section("tradeoff", t("Accuracy and diversity"), note=retranslate(str(measured.get("reason") or ""), t.language))
        return
    curve = measured["curve"]
    base = curve[0]["ndcg"] or 1.0
    series = [(t("Accuracy kept (share of the model's order)"), [p["ndcg"] / base for p in curve]),
              (t("Local events in the top {k}", k=measured["k"]), [p.get("local_share") for p in curve]),
              (t("Francophone events in the top {k}", k=measured["k"]), [p.get("francophone_share") for p in curve]),
              (t("Programme covered"), [p["coverage"] for p in curve])]
    chart = charts.tradeoff(t("Accuracy–diversity trade-off"), [p["diversity"] for p in curve], series, t,
                            value_title=t("Share"), x_title=t("Diversity knob (0 = the model's order)"),
                            current=diversity, current_label=t("setting in force"))
    view.tradeoff = Section("tradeoff", t("Accuracy and diversity"), chart,
                            lead=t("Measured on the cooperative's own data: the newest past events held out as if upcoming, {people} people who attended them.",
                                   people=t.number(measured["people"])))


def programme_loaded(loaded: Mapping[str, Any], t: Translator) -> dict[str, Any]:
    """A programme load's summary (``reco.programme.load_programme``) with its period and first
    events in the reader's words, to check at a glance that the file was understood."""
    languages = {"fr": t("French"), "en": t("English"), "bilingual": t("Bilingual"), "none": t("No words (instrumental)")}

    def price(value: float | None) -> str:
        return "–" if value is None else t("Free") if value == 0 else t.money(value)

    read = [{"when": t.starts(e["starts_at"]),
             "title": e["title"] or e["event_id"],
             "genres": ", ".join(t.label("genre", g) for g in e["genres"]) or "–",
             "language": languages.get(e["language"] or "", "–"),
             "local": "–" if e["is_local"] is None else t("yes") if e["is_local"] else t("no"),
             "price": price(e["price"])} for e in loaded["sample"]]
    return {**loaded, "first_shown": t.day(loaded["first"][:10]), "last_shown": t.day(loaded["last"][:10]), "read": read}
