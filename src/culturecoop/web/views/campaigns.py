"""The Campaigns tab: the service's answers (lists, gated results, previews) → page context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from culturecoop.analytics.wording import CAMPAIGN_STATUSES
from culturecoop.web import charts
from culturecoop.web.i18n import Translator, _

MEASURE_WORDS = {
    "recipients": _("People"), "sent": _("Sent"), "delivered": _("Delivered"), "bounced": _("Bounced"),
    "unsubscribed": _("Unsubscribed"), "converted": _("Bought"),  # « Conversions » is a marketer's word
}
# The effect said as the question it answers (who bought with and without the e-mail, what was expected
# without it), never « lift », « CUPED » or « intervalle à 95 % » bare: the glossary keeps those words
# (the page links them), for the curious.
SAID_ADJUSTED = _("{treated} of the people drawn for the campaign bought, against {held} of the people kept aside "
                  "without the e-mail: without the campaign, {held} was to be expected. The gap due to the campaign is "
                  "{d} (very probably between {low} and {high}); counting what each person spent before, {cd} "
                  "(between {clow} and {chigh}).")
SAID_NOISY = _("{treated} of the people drawn for the campaign bought, against {held} of the people kept aside without "
               "the e-mail: without the campaign, {held} was to be expected. The gap due to the campaign is {d} "
               "(very probably between {low} and {high}), from counts slightly blurred to protect privacy. "
               "The estimate that counts what each person spent before is not shown then: it rests on each "
               "person's figures.")
ARM_WORDS = {"treatment": _("With the campaign"), "holdout": _("Holdout (no e-mail)")}


@dataclass
class ResultsView:
    campaign_id: str
    status: str
    rows: list[dict[str, Any]]
    lift_sentence: str
    chart: dict[str, Any] | None
    k: int
    preview: dict[str, dict[str, str]] = field(default_factory=dict)
    revenue_hidden: bool = False  # an arm's revenue the gate hid (fewer than k conversions)
    bought: str | None = None  # « did they come? »: who bought since the send, in each group, and until when
    next_step: str | None = None  # before the send: when it goes out, and that it can still be cancelled
    cancellable: bool = False


def status_word(status: str, t: Translator) -> str:
    return t(CAMPAIGN_STATUSES.get(status, status))


def results_view(results: dict[str, Any], previews: dict[str, dict[str, str]], t: Translator,
                 definition: Mapping[str, Any] | None = None) -> ResultsView:
    k = int(results["k"])
    sent = results.get("first_sent_at") is not None
    rows = []
    revenue_hidden = False
    for arm in results["arms"]:
        # Before the first send nothing is sent, delivered or bought yet: « – », not « < 10 », which read
        # as a few sent already; the sentence above says the campaign is not sent.
        cells = {m["measure"]: ("–" if not sent and m["measure"] != "recipients" else
                                t.number(m["value"]) if m["value"] is not None else f"< {k}") for m in arm["measures"]}
        # An amount hidden is said « masqué »: « < 10 » in a revenue column read as less than 10 $.
        revenue = "–" if not sent else t.money(arm["revenue"]) if arm["revenue"] is not None else t("hidden")
        revenue_hidden = revenue_hidden or (sent and arm["revenue"] is None)
        rows.append({"arm": t(ARM_WORDS[arm["arm"]]), "cells": [cells.get(m, "–") for m in MEASURE_WORDS], "revenue": revenue})
    lift = results["lift"]
    chart = None
    if lift.get("available"):
        simple, adjusted = lift["two_proportion"], lift["cuped"]
        def points(value: float) -> str:
            return ("+" if value >= 0 else "−") + t.number(abs(100 * value), 1)

        def gap(value: float) -> str:  # « +0,5 point », « +2,0 points »: the noun agrees with its figure
            return t.plural_of(100 * value, 1, "{value} point", "{value} points", value=points(value))

        rates = {"treated": t.percent(lift["rate_treatment"]), "held": t.percent(lift["rate_holdout"]),
                 "d": gap(simple["difference"]), "low": points(simple["low"]), "high": points(simple["high"])}
        estimates = [(t("Simple comparison"), simple)]
        if adjusted is None:  # noise on: no CUPED estimate (it rests on each person's figures)
            sentence = t(SAID_NOISY, **rates)
        else:
            sentence = t(SAID_ADJUSTED, **rates, cd=gap(adjusted["difference"]), clow=points(adjusted["low"]),
                         chigh=points(adjusted["high"]))
            estimates.append((t("Counting what each person spent before"), adjusted))
        drawn = next((m["value"] for a in results["arms"] if a["arm"] == "treatment" for m in a["measures"]
                      if m["measure"] == "recipients"), None)
        if drawn and simple["low"] > 0:
            # The lift in buyers, what a venue counts: the difference of rates over everyone drawn for the
            # campaign (figures the gate released), said only when the interval leaves out no effect.
            extra = round(simple["difference"] * drawn)
            sentence += " " + t.plural(extra, "That is about {n} more buyer than without it, among the {people} people drawn for the campaign.",
                                       "That is about {n} more buyers than without it, among the {people} people drawn for the campaign.",
                                       people=t.number(drawn))
        chart = charts.bars(
            t("Difference in conversion rate, campaign minus holdout"), [name for name, _e in estimates],
            [(t("Difference"), [e["difference"] for _n, e in estimates])], t,
            value_title=t("Percentage points"), category_title=t("How it is measured"), unit="points", baseline=0.0,
            errors=([e["low"] for _n, e in estimates], [e["high"] for _n, e in estimates]))
    elif results.get("first_sent_at") is None:
        sentence = t("The campaign has not been sent yet: there is no effect to measure.")
    elif results.get("counting_over"):
        # Nobody buys for a show once it is over: « look again later » would send her back for nothing.
        sentence = t("Too few people bought to measure the campaign's effect: one of the figures it rests on counts "
                     "fewer than {k} people, and no more purchases will count.", k=t.number(k))
    else:
        sentence = t("The campaign's effect is not shown yet: one of the figures it rests on counts fewer than {k} people. "
                     "Look again once more of the people drawn have bought.", k=t.number(k))
    if results["status"] == "cancelled":
        sentence = t("This campaign was cancelled before it was sent: nobody received it.")
        if definition is not None and definition.get("refusal"):
            sentence = t("The cooperative refused this campaign: “{reason}” Nobody received it; create a corrected one "
                         "if you still want to send it.", reason=definition["refusal"])
    return ResultsView(results["campaign_id"], status_word(results["status"], t), rows, sentence, chart, k, previews,
                       revenue_hidden, bought_sentence(results, t), *next_step(results, definition, t))


def next_step(results: dict[str, Any], definition: Mapping[str, Any] | None, t: Translator) -> tuple[str | None, bool]:
    """Before the first send, what happens next and when (the send window), and that a mistake seen in
    the message can still be undone; whether the campaign can be cancelled."""
    if definition is None or results.get("first_sent_at") is not None or results["status"] not in ("ready", "awaiting_approval"):
        return None, False
    window = {"start": t.day(str(definition["window_start"])[:10]), "end": t.day(str(definition["window_end"])[:10])}
    when = (t("Not sent yet: it awaits the cooperative's approval, then its sender sends it between {start} and {end}.", **window)
            if results["status"] == "awaiting_approval" else
            t("Not sent yet: the cooperative's sender sends it between {start} and {end}.", **window))
    # Who gets it, said once: the audience's size on the list counts everyone, the table only those who may
    # receive e-mail (« Public de l'année (8 673 personnes) » became « 1 849 » and « 206 » unexplained).
    sizes = {a["arm"]: next((m["value"] for m in a["measures"] if m["measure"] == "recipients"), None) for a in results["arms"]}
    if "treatment" in sizes and "holdout" in sizes:
        k = int(results["k"])
        people = {arm: t.number(v) if v is not None else t("fewer than {k}", k=t.number(k)) for arm, v in sizes.items()}
        when += " " + t("Of the audience, only the people who agreed to receive e-mail and left an address count: {people} "
                        "will receive it, and {held}, drawn at random, are kept aside to measure its effect.",
                        people=people["treatment"], held=people["holdout"])
    return when + " " + t("Read the message below as people will receive it; if anything is wrong, cancel the campaign "
                          "and create a corrected one."), True


def bought_sentence(results: dict[str, Any], t: Translator) -> str | None:
    """Who bought since the send, in each group, as counts the gate released, and until when purchases
    count (the show's start for a campaign on one show): the question a venue asks first, « did my
    campaign bring people to the show? », before any rate or interval. None before the first send."""
    if results.get("first_sent_at") is None:
        return None
    k = int(results["k"])
    figures = {(a["arm"], m["measure"]): m["value"] for a in results["arms"] for m in a["measures"]}
    if ("treatment", "converted") not in figures or ("holdout", "converted") not in figures:
        return None

    def count(value: int | None) -> str:
        return t.number(value) if value is not None else t("fewer than {k}", k=t.number(k))

    what = (t("a ticket for “{event}”", event=results["event_title"])
            if results.get("conversion") == "event" and results.get("event_title") else t("a ticket of yours"))
    until = results.get("counted_until")
    sentence = t("Bought {what} since the send on {since}: {n} of the {people} people drawn for the campaign, and "
                 "{held} of the {held_people} people kept aside without the e-mail.", what=what,
                 since=t.day(str(results["first_sent_at"])[:10]), n=count(figures[("treatment", "converted")]),
                 people=count(figures[("treatment", "recipients")]), held=count(figures[("holdout", "converted")]),
                 held_people=count(figures[("holdout", "recipients")]))
    if until is None:
        return sentence
    if results.get("conversion") == "event" and results.get("event_over") and results.get("event_starts_at"):
        return sentence + " " + t("The show took place on {show}: these are the campaign's final figures.",
                                  show=t.starts(results["event_starts_at"]))
    if results.get("counting_over"):
        return sentence + " " + t("Purchases were counted until {until}.", until=t.day(until[:10]))
    if (results.get("conversion") == "event" and results.get("event_starts_at") and not results.get("event_over")
            and str(results["event_starts_at"]) <= str(until)):  # a show after the window: the window's end is the limit
        return sentence + " " + t("The show is on {show}: purchases are counted until then.", show=t.starts(results["event_starts_at"]))
    return sentence + " " + t("Purchases are counted until {until}.", until=t.day(until[:10]))


def campaign_rows(campaigns: list[dict[str, Any]], subjects: Mapping[str, str], t: Translator) -> list[dict[str, Any]]:
    """The member's campaigns, each by its subject as recipients read it (``subjects``: placeholders
    filled in the reader's language), else as written."""
    return [{"campaign_id": c["campaign_id"],
             "subject": subjects.get(c["campaign_id"]) or (c["subject_fr"] if t.language == "fr" else c["subject_en"]),
             "status": status_word(c["status"], t), "created_at": t.date(c["created_at"]),
             "sent_at": t.date(c["first_sent_at"]) if c.get("first_sent_at") else "–"} for c in campaigns]


@dataclass
class Choice:
    value: str
    label: str


def audience_choices(audiences: list[dict[str, Any]], events: Mapping[str, str], t: Translator) -> list[Choice]:
    """The member's saved audiences as a person picks one: name, the event it was built for, size."""
    choices = []
    for a in audiences:
        size = t.plural(a["size"], "{n} person", "{n} people") if a["size"] is not None else t("fewer than {k} people", k=a["size_shown"][2:])
        event = str((a.get("definition") or {}).get("event") or "")
        # The name the Target tab proposes already says the show (« Public : Les Sœurs Boulay »): not twice.
        label = (f"{a['name']} · {events[event]}" if a["kind"] == "event" and event in events
                 and events[event].casefold() not in str(a["name"]).casefold() else a["name"])
        choices.append(Choice(a["audience_id"], f"{label} ({size})"))
    return choices


def event_choices(events: list[dict[str, Any]], t: Translator) -> list[Choice]:
    """Upcoming events as a person recognizes them: day (and time), title; two that would read
    alike also name their room, or their event id (as the Target audience tab names them)."""
    from culturecoop.web.views.target import event_choices as named

    return [Choice(c.event_id, c.label) for c in named(events, t)]


def measure_labels(t: Translator) -> list[str]:
    return [t(label) for label in MEASURE_WORDS.values()]
