"""What the "Target audience" tab means, in sentences: rules over ``target.target_answer``.

Like ``analytics.insights``: each rule states one finding with its numbers or stays silent, and
never states a figure the privacy gate hid (a suppressed cell's ``patrons`` is None and its
``shown`` is "< k": rules read ``patrons`` only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from culturecoop.analytics.insights import MAX_INSIGHTS, Findings, Insight, Value, counted
from culturecoop.analytics.wording import _
from culturecoop.i18n import plural_in

Answer = Mapping[str, Any]
MIN_SHARE = 0.3  # a profile group is worth a sentence when it holds this share of the audience
MIN_GAIN_POINTS = 5.0  # a discoverability gain below this is noise
MIN_LOSS = 0.005  # an accuracy loss under half a percent (or a gain) is no cost worth stating


def _count(row: Mapping[str, Any] | None) -> int | None:
    value = (row or {}).get("patrons")
    return int(value) if isinstance(value, int | float) else None


def audience_rule(answer: Answer) -> list[Insight]:
    """The likely audience's size and how much of it is new to the member."""
    event, audience = answer.get("event"), answer.get("audience") or {}
    size = audience.get("size")
    if not event or not audience.get("available") or not isinstance(size, int) or size <= 0:
        return []
    title = Value("text", event.get("title") or event.get("event_id"))
    ownership = (audience.get("profile") or {}).get("ownership", [])
    new = next((_count(r) for r in ownership if r.get("ownership") == "new"), None)
    own = next((_count(r) for r in ownership if r.get("ownership") == "own"), None)
    if new is None:
        said = [Insight("audience_size", _("The likely audience of {event} is {size} people across the cooperative."),
                        {"event": title, "size": Value("number", size)})]
    elif own is not None and own > new:
        # Mostly the member's own patrons, whom it can write to itself: the action is the newcomers' list.
        said = [Insight("audience_mostly_own", _("The likely audience of {event} is {size} people across the cooperative; {own} of them ({share}) already bought a ticket from you, and you can write to them yourself: to reach others, save only the people new to you."),
                        {"event": title, "size": Value("number", size), "own": Value("number", own), "share": Value("percent", own / size)})]
    else:
        said = [Insight("audience_new", _("The likely audience of {event} is {size} people across the cooperative, {new} of whom ({share}) have never bought a ticket from you."),
                        {"event": title, "size": Value("number", size), "new": Value("number", new), "share": Value("percent", new / size)})]
    definition = audience.get("definition") or {}
    if definition.get("pool_limited") and definition.get("seats"):
        said.append(Insight("audience_pool", _("For {seats} seats the audience would hold {wanted} people (three per seat), more than half of the people who share their data in the cooperative: it keeps the most likely half."),
                            {"seats": Value("number", definition["seats"]), "wanted": Value("number", definition["wanted"])}))
    elif definition.get("pool_limited"):
        said.append(Insight("audience_pool_min", _("The audience keeps the most likely half of the people who share their data in the cooperative, not all of them: a list of everyone would target nobody."),
                            {}))
    return said


def profile_rule(answer: Answer) -> list[Insight]:
    """The age band and area that dominate the likely audience, when one does."""
    audience = answer.get("audience") or {}
    size = audience.get("size")
    if not audience.get("available") or not isinstance(size, int) or size <= 0:
        return []
    said: list[Insight] = []
    for dimension, kind, message in (
        ("age_band", "audience_age", _("The largest age group is {group} ({n} people, {share}).")),
        ("area", "area", _("The largest group lives in {group} ({n} people, {share}).")),
    ):
        rows = [r for r in (audience.get("profile") or {}).get(dimension, []) if r.get(dimension) != "unknown"]
        best = max(rows, key=lambda r: _count(r) or -1, default=None)
        n = _count(best)
        if best is None or n is None or n / size < MIN_SHARE:
            continue
        said.append(Insight(f"profile_{dimension}", message, {"group": Value(kind, best[dimension]), "n": Value("number", n),
                                                               "share": Value("percent", n / size)}))
    return said


def partner_rule(answer: Answer) -> list[Insight]:
    """The partner whose upcoming shows fit the member's audience best: its most likely people hold
    the most of the member's patrons against chance (``fit``), never the most patrons (the largest
    halls' audiences hold nearly every patron of a small member, for every partner)."""
    offers = answer.get("cross_offers") or {}
    if not offers.get("available"):
        return []
    mine_way, theirs_way = "your_patrons_for_their_events", "their_patrons_for_your_events"
    best = None
    for partner in offers.get("partners") or []:
        fits, patrons = partner.get("fit") or {}, partner.get("fit_patrons") or {}
        fit, n = fits.get(mine_way), patrons.get(mine_way)
        if isinstance(fit, int | float) and isinstance(n, int) and (best is None or fit > best[1]):
            best = (partner["partner"], float(fit), n, fits.get(theirs_way))
    if best is None:
        return []
    values = {"partner": Value("text", (answer.get("member_names") or {}).get(best[0], best[0])),
              "fit": Value("times", best[1]), "n": Value("number", best[2])}
    # « 1,0 fois plus que le hasard » says nothing: a fit that rounds to 1 or less is said as such.
    if round(best[1], 1) <= 1.0:
        return [Insight("partner_none", _("No partner's shows draw more of your patrons than chance: the closest is {partner}, whose most likely people hold {fit} times as many ({n} of your patrons)."),
                        values)]
    theirs = best[3]
    both = isinstance(theirs, int | float) and round(float(theirs), 1) > 1.0
    if both:
        values["theirs"] = Value("times", theirs)
    member = answer.get("member_id")
    if any({a.get("proposer"), a.get("partner")} == {member, best[0]} and a.get("status") in ("proposed", "accepted")
           for a in answer.get("agreements") or []):
        # A cross offer with that partner is already proposed or agreed: no action to ask for.
        return [Insight("partner_both_open", _("Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people), and those most likely to come to yours {theirs} times as many of its patrons."), values)
                if both else
                Insight("partner_open", _("Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people)."), values)]
    if both:
        return [Insight("partner_both", _("Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people), and those most likely to come to yours {theirs} times as many of its patrons; propose it a cross offer in the table below."),
                        values)]
    return [Insight("partner", _("Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people); propose it a cross offer in the table below."),
                    values)]


def proposals_rule(answer: Answer) -> list[Insight]:
    """Cross offers waiting for the member's answer."""
    member = answer.get("member_id")
    waiting = [a for a in answer.get("agreements") or [] if a.get("partner") == member and a.get("status") == "proposed"]
    if not waiting:
        return []
    names = answer.get("member_names") or {}
    # Never 0 here: the English form (the singular for 1) is the French one too.
    message = plural_in(len(waiting), "{n} cross-offer proposal from {members} awaits your answer below.",
                        "{n} cross-offer proposals from {members} await your answer below.", "en")
    return [Insight("proposals", message,
                    {"n": Value("number", len(waiting)),
                     "members": Value("text", ", ".join(sorted({names.get(a["proposer"], a["proposer"]) for a in waiting})))})]


def discoverability_rule(answer: Answer) -> list[Insight]:
    """What the cooperative's discoverability setting gains and costs, on its own data."""
    measured = answer.get("tradeoff") or {}
    summary = measured.get("summary") or {}
    gain = summary.get("local_gain_points")
    if not measured.get("available") or not isinstance(gain, int | float) or gain < MIN_GAIN_POINTS:
        return []
    values = {"share": Value("percent", summary["local_share"]), "catalogue": Value("percent", summary["local_catalogue_share"])}
    loss = float(summary.get("ndcg_loss") or 0.0)
    if loss < MIN_LOSS:
        return [Insight("discoverability_free", _("With the cooperative's setting, local events make {share} of recommendations against {catalogue} of the programme, at no measurable cost in accuracy."),
                        values)]
    return [Insight("discoverability", _("With the cooperative's setting, local events make {share} of recommendations against {catalogue} of the programme, for {loss} less accuracy."),
                    {**values, "loss": Value("percent", loss)})]


def gains_basis(measured: Mapping[str, Any]) -> Insight:
    """What the gains were measured on (the line above their sentences)."""
    return Insight("gains_basis", _("Measured on the cooperative's own data: {events} recent past events set aside as if they were upcoming, "
                                    "and the {people} visits people made to them."),
                   {"events": Value("number", measured["events"]), "people": Value("number", measured["attendances"])})


def gains_findings(measured: Mapping[str, Any] | None) -> list[Insight]:
    """What the gains of ``reco.gains`` say: how much of an event's public the most likely people
    hold, and the member's usual list (everyone who came before) against the model's."""
    if not measured or not measured.get("available"):
        return []
    head, own = measured["headline"], measured["own_list"]
    said = [Insight("gains_headline", _("The most likely {share} of the cooperative's people held {found} of those who came: {lift} times as many as a list drawn at random."),
                    {"share": Value("percent0", head["share"]), "found": Value("percent", head["found"]), "lift": Value("times", head["lift"])}),
            Insight("gains_own", _("Writing to everyone who came to the same member before ({reach} of the people) reached {own} of those who came; the model's list of the same length, {model}."),
                    {"reach": Value("percent", own["reach"]), "own": Value("percent", own["found"]), "model": Value("percent", own["model_found"])})]
    if own.get("newcomers_found") is not None:
        said.append(Insight("gains_newcomers", _("{newcomers} of those who came had never been to that member: an own list cannot reach them, the model's list of the same length held {found} of them."),
                            {"newcomers": Value("percent", own["newcomers"]), "found": Value("percent", own["newcomers_found"])}))
    return said


def _list_values(lists: Mapping[str, Any] | None) -> dict[str, Value] | None:
    """The figures of a set of served patron → events lists (``service.served_lists``) as the
    sentences about them write them; None without lists."""
    if not lists or not lists.get("patrons") or "local_share" not in lists:
        return None
    values = {"local": Value("percent0", lists["local_share"]), "local_programme": Value("percent0", lists["local_catalogue_share"]),
              "french": Value("percent0", lists["francophone_share"]),
              "french_programme": Value("percent0", lists["francophone_catalogue_share"]),
              "covered": Value("percent0", lists["coverage"]), "gini_events": Value("decimal2", lists["gini_events"]),
              "novelty": Value("times", lists["novelty"]), "diversity": Value("decimal2", lists["diversity"]),
              "new_genre": Value("percent0", lists["new_genre_share"])}
    if lists.get("gini_members") is not None:
        values["gini_members"] = Value("decimal2", lists["gini_members"])
    return values


@dataclass(frozen=True)
class Sentences(Insight):
    """Several findings said one after the other, as one (what the member app and the CLI print)."""

    parts: tuple[Insight, ...] = ()

    def text(self, language: str) -> str:
        return " ".join(part.text(language) for part in self.parts)


def diversity_measures(lists: Mapping[str, Any] | None) -> list[Insight]:
    """The measures of diversity of a set of served lists (``service.served_lists``), each as the
    question it answers, its rule the glossary's term (``gini``, ``novelty``, ``diversity``): the
    names « Gini » and « bits » stay in the glossary. Novelty is a mean of −log2 of each suggestion's
    expected share of attention: 2 to its power is the number of equally likely shows a suggestion is
    as unexpected as."""
    lists = lists or {}
    said: list[Insight] = []
    if lists.get("gini_events") is not None:
        said.append(Insight("gini", _("How evenly the suggestions are spread over the shows: {value} on a scale from 0 (every show "
                                      "suggested as often) to 1 (one show only)."), {"value": Value("decimal2", lists["gini_events"])}))
    if lists.get("gini_members") is not None:
        said.append(Insight("gini", _("How evenly they are spread over the members whose shows are suggested: {value} on the same "
                                      "scale (0: every member's shows as often, 1: one member's only)."),
                            {"value": Value("decimal2", lists["gini_members"])}))
    if lists.get("novelty") is not None:
        shows = max(1, round(2 ** float(lists["novelty"])))
        said.append(Insight("novelty", _("How far the suggestions go beyond the obvious shows: each is, on average, as unexpected as "
                                         "{pick} (the higher, the less expected)."),
                            {"pick": counted(shows, "one show picked out of {n}", "one show picked out of {n} equally likely ones")}))
    if lists.get("diversity") is not None:
        said.append(Insight("diversity", _("How different the shows of one list are from each other: {value} on a scale from 0 (the same "
                                           "kind of show) to 1 (all different)."), {"value": Value("decimal2", lists["diversity"])}))
    return said


def _lists_plain(values: dict[str, Value]) -> Insight:
    return Insight("lists_plain", _("What your patrons are offered: local shows make {local} of the suggestions (your programme: "
                                    "{local_programme}), French-language shows {french} ({french_programme}); {covered} of the "
                                    "programme is suggested to someone, and {new_genre} of the suggestions open a genre the patron "
                                    "never came to."), values)


def lists_finding(lists: Mapping[str, Any] | None) -> Insight | None:
    """What a set of served patron → events lists is like, on one paragraph (the command line's):
    the plain sentence of ``lists_in_words``, then its measures of diversity; None without lists."""
    said = lists_in_words(lists)
    return None if said is None else Sentences("lists", "", parts=(said[0], *said[1].parts))


def lists_in_words(lists: Mapping[str, Any] | None) -> tuple[Insight, Sentences] | None:
    """The figures of a set of served lists in two parts: what a marketing manager reads first
    (local and francophone shows against the programme, the programme covered, new genres), then the
    measures of diversity, each as the question it answers (``diversity_measures``: the Target tab's
    words, for the member app's and the CLI's « Mesures de diversité »); None without lists."""
    values = _list_values(lists)
    if values is None:
        return None
    return _lists_plain(values), Sentences("lists_measures", "", parts=tuple(diversity_measures(lists)))


RULES: tuple[Callable[[Answer], list[Insight]], ...] = (
    audience_rule, proposals_rule, partner_rule, profile_rule, discoverability_rule)


def target_findings(answer: Answer) -> Findings:
    """At most ``MAX_INSIGHTS`` sentences about the tab's answer, or why there is none."""
    said: list[Insight] = []
    for rule in RULES:
        said += rule(answer)
    if said:
        return Findings(said[:MAX_INSIGHTS])
    if not answer.get("available"):
        return Findings([], _("Nothing to say yet: the recommendation model cannot answer (see the message above)."))
    if not answer.get("events"):
        return Findings([], _("Nothing to say yet: you have no upcoming event; load your programme (above, or with `culturecoop reco programme`)."))
    return Findings([], _("Nothing to say about this event: its likely audience is too small to describe without revealing anyone."))
