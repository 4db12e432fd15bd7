"""A report tab's page: its reports' answers (``analytics.answers``), laid out (``views``) and
rendered (``render``) — the body kept per data version, policy, period and language.

A cross-member tab's first visit may use the body the warm-up prepared from the gate's
previews, when the answers the reader's release just produced are exactly those (same digest);
otherwise it is rendered from them. The JSON twin, the CSV and the printable page are built from
the same answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from culturecoop.analytics.answers import POOLED_REPORTS, Answers, answers_digest, to_jsonable
from culturecoop.analytics.service import segment_audience_sizes
from culturecoop.errors import UserError
from culturecoop.governance.uploads import member_names
from culturecoop.i18n import LANGUAGES, format_regex
from culturecoop.i18n import retranslate as said_in
from culturecoop.reco import target as target_service
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.i18n import Translator, _, readable, retranslate
from culturecoop.web.render import render_fragment
from culturecoop.web.tabs import TABS, Tab
from culturecoop.web.views import tab_view
from culturecoop.web.views.base import TabView

# Query keys a tab page understands (anything else is ignored), and their longest length.
QUERY_KEYS = {"period": 20, "from": 40, "to": 40, "event": 200, "days": 4}
REPLAY_DAYS = (60, 30, 14, 7)  # a past event's pace, replayed this many days before it
DEFAULT_REPLAY = 14


def clean_query(raw: Mapping[str, str]) -> dict[str, str]:
    """The page's own query keys, trimmed to their length; empty values dropped."""
    return {k: str(raw[k])[:n].strip() for k, n in QUERY_KEYS.items() if raw.get(k) and str(raw[k]).strip()}


def payload(member_id: str, name: str, params: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """What the API returns for one report; pages render exactly this."""
    return {"report": name, "member_id": member_id, "params": to_jsonable(dict(params)),
            "aggregate": name in POOLED_REPORTS, "result": dict(result)}


def _pace_params(events: Mapping[str, Any] | None, params: Mapping[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
    """The sales pace's question: the event picked (upcoming: as of the data's last sale; past:
    replayed ``days`` before it) or, without one, the next event."""
    event = query.get("event")
    rows = (events or {}).get("rows") or []
    if not event:
        if any(r.get("upcoming") for r in rows) or not rows:
            return dict(params)
        # No upcoming event: the latest past event, replayed, rather than an empty page.
        event = str(rows[0]["event_id"]) if rows[0].get("event_id") else ""
        if not event:
            return dict(params)
    found = next((r for r in rows if r.get("event_id") == event), None)
    if found is None or found.get("upcoming"):
        return {**params, "event": event}
    days = int(query["days"]) if query.get("days", "").isdigit() and int(query["days"]) in REPLAY_DAYS else DEFAULT_REPLAY
    as_of = date.fromisoformat(str(found["event_day"])) - timedelta(days=days)
    return {"event": event, "to": as_of.isoformat(), "from": (as_of - timedelta(days=364)).isoformat()}


def tab_payloads(answers: Answers, warehouse: Warehouse, actor: str, member_id: str, tab: Tab,
                 params: Mapping[str, Any], language: str, query: Mapping[str, str] | None = None, *,
                 preview_state: str | None = None) -> dict[str, Any] | None:
    """Every report of a tab; a report that cannot answer (empty period...) says why instead.

    With ``preview_state`` (the warm-up, default period only), cross-member reports are the
    gate's previews, never released: None when there is no preview (noise on)."""
    payloads: dict[str, Any] = {}
    for name in tab.reports:
        asked = _pace_params(payloads.get("events", {}).get("result"), params, query or {}) if name == "pace" else dict(params)
        try:
            if preview_state is not None and name in POOLED_REPORTS:
                result = answers.preview(warehouse, member_id, name, preview_state)
                if result is None:
                    return None
            else:
                result = answers.answer(warehouse, member_id, name, asked, actor=actor)
            payloads[name] = payload(member_id, name, asked, result)
        except UserError as exc:
            message = _event_said(exc.message, asked, language) or retranslate(exc.message, language)
            payloads[name] = {"report": name, "member_id": member_id, "error": message,
                              "result": {"available": True, "error": message}}
    _mark_programme(payloads, warehouse, member_id)
    _mark_segment_audiences(payloads, warehouse, member_id)
    return payloads


# The sales pace's refusal of an event the member does not have, written for the API and the CLI (it
# names the member by its code): the member's own page speaks to the member, and points to its list.
_NO_SUCH_EVENT = re.compile(format_regex("Member {member} has no event {event}; give the identifier of one of its events.")[0] + r"\Z")


def _event_said(message: str, asked: Mapping[str, Any], language: str) -> str | None:
    """The tab's words for an event the member does not have (an address edited by hand), or None."""
    if not asked.get("event") or not _NO_SUCH_EVENT.match(said_in(message, "en")):
        return None
    return Translator(language)(_("You have no event “{event}”: choose one of your events in the list below."),
                                event=readable(str(asked["event"])))


# The reports whose tab offers to save a segment audience (Overview: the newcomers; Audience: the
# occasional patrons).
SEGMENT_STEPS = ("overview", "frequency")


def _mark_segment_audiences(payloads: dict[str, Any], warehouse: Warehouse, member_id: str) -> None:
    """The sizes of the segment audiences a tab's step offers to save (``segment_audiences``): the
    step quotes the number of people the saved audience will hold, not a figure of the period."""
    asking = [name for name in SEGMENT_STEPS if name in payloads and not payloads[name].get("error")]
    if not asking:
        return
    try:
        sizes = segment_audience_sizes(warehouse, member_id)
    except UserError:
        return
    for name in asking:
        payloads[name]["result"] = {**payloads[name]["result"], "segment_audiences": sizes}


def _mark_programme(payloads: dict[str, Any], warehouse: Warehouse, member_id: str) -> None:
    """Whether the Target audience tab knows the sales pace's event (``summary.in_programme``: a
    show of the programme the member loaded there, or one of its shows on sale): the pace's step
    then opens that tab on this event. The pace follows sales and the programme its own file, so
    an event of one need not be in the other: the events' summary also says what the programme
    announces after the data's last day (``summary.programme``), for a member whose upcoming
    shows have no sale in its data yet."""
    events = ((payloads.get("events") or {}).get("result") or {})
    as_of = (events.get("summary") or {}).get("as_of") if isinstance(events.get("summary"), dict) else None
    pace = payloads.get("pace")
    summary = ((pace or {}).get("result") or {}).get("summary")
    asks_event = pace is not None and isinstance(summary, dict) and bool(summary.get("event_id"))
    if not as_of and not asks_event:
        return
    try:  # the programme is read once for both marks
        programme = target_service.upcoming_events(warehouse, member_id)
    except UserError:
        programme = []
    announced = [e for e in programme if as_of and e["starts_at"][:10] > as_of]
    if announced:
        payloads["events"]["result"] = {**events, "summary": {**events["summary"], "programme": {
            "events": len(announced), "first": announced[0]["starts_at"][:10], "last": announced[-1]["starts_at"][:10]}}}
    if asks_event:
        assert pace is not None and isinstance(summary, dict)
        listed = any(e["event_id"] == str(summary["event_id"]) for e in programme)
        pace["result"] = {**pace["result"], "summary": {**summary, "in_programme": listed}}


def _programme_mark(payloads: Mapping[str, Any]) -> str:
    """The part of a tab's answers that comes from the programme, not the data version (its key)."""
    summary = (((payloads.get("pace") or {}).get("result") or {}).get("summary")) or {}
    announced = (((payloads.get("events") or {}).get("result") or {}).get("summary")) or {}
    return json.dumps([summary.get("in_programme"), announced.get("programme")])


def view_of(tab: Tab, payloads: Mapping[str, Any], member_id: str, t: Translator,
            query: Mapping[str, str] | None = None, member_name: str | None = None) -> TabView:
    return tab_view(tab, {n: p["result"] for n, p in payloads.items()}, t, member_id, query, member_name)


def _key(member_id: str, tab: Tab, params: Mapping[str, Any], query: Mapping[str, str], state: str,
         language: str, programme: str = "") -> tuple[str, ...]:
    """A tab body's key: the same answers (member, question, data and policy; ``programme``: what
    the loaded programme adds, ``_programme_mark``) in one language."""
    question = json.dumps({"params": to_jsonable(dict(params)), "query": dict(query)}, sort_keys=True)
    return (member_id, tab.slug, question, state, language, programme)


def _render(tab: Tab, payloads: Mapping[str, Any], member_id: str, t: Translator, query: Mapping[str, str],
            member_name: str | None = None) -> str:
    view = view_of(tab, payloads, member_id, t, query, member_name)
    return render_fragment(t.language, "report_body.html", {"tab": tab, "view": view, "member_id": member_id,
                                                            "query": dict(query)})


def tab_body(answers: Answers, warehouse: Warehouse, actor: str, member_id: str, tab: Tab,
             params: Mapping[str, Any], language: str, query: Mapping[str, str]) -> str:
    """A tab's body (insights, key figures, charts, tables): it depends only on the answers, the
    question and the language, so it is rendered once per data version and policy and kept."""
    t = Translator(language)
    before = answers.current_state()
    payloads = tab_payloads(answers, warehouse, actor, member_id, tab, params, t.language, query)
    assert payloads is not None
    key = _key(member_id, tab, params, query, before, t.language, _programme_mark(payloads))
    body = answers.rendering(key)
    if body is None:
        body = answers.prepared(key, answers_digest(payloads)) if tab.pooled else None
        if body is None:
            body = _render(tab, payloads, member_id, t, query, member_names(warehouse).get(member_id))
        answers.keep_rendering(key, body, state=before)
    return body


def warm_member_pages(answers: Answers, warehouse: Warehouse, member_id: str) -> None:
    """The warm-up of a member's tabs at the default period, in every language
    (``analytics.warmup.Warmer``'s ``after_member``): member-only tabs rendered from their
    answers (no release needed); cross-member tabs prepared from the gate's previews, shown only
    if a reader's release gives the same answers (``Answers.prepared``)."""
    state = answers.current_state()
    for tab in TABS:
        pooled = tab.pooled or any(name in POOLED_REPORTS for name in tab.reports)
        for language in LANGUAGES:
            if not pooled:
                tab_body(answers, warehouse, "web:warm-up", member_id, tab, {}, language, {})
                continue
            t = Translator(language)
            payloads = tab_payloads(answers, warehouse, "web:warm-up", member_id, tab, {}, t.language, {},
                                    preview_state=state)
            if payloads is None:
                break  # no preview with noise on: the reader's request renders it
            key = _key(member_id, tab, {}, {}, state, t.language)
            answers.keep_prepared(key, answers_digest(payloads),
                                  _render(tab, payloads, member_id, t, {}, member_names(warehouse).get(member_id)))
