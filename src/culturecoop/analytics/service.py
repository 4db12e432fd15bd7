"""``run_report``: the one entry point of the analytics for the CLI, the web and the API.

It checks the request (report, member, period), refreshes the derived tables when the data
changed, runs the report's named queries on the engine, passes every cross-member table
through the privacy gate, and returns a ``ReportResult`` ready to print, serialize or render.
"""

from __future__ import annotations

import dataclasses
import functools
import getpass
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from culturecoop.analytics import facts
from culturecoop.analytics.currency import currencies, main_currency
from culturecoop.analytics.period import Period, month_ordinal, month_start, resolve_period
from culturecoop.analytics.pooled import require_identity
from culturecoop.analytics.registry import report_spec
from culturecoop.analytics.report import ReportContext, ReportResult
from culturecoop.analytics.segments import own_segment_patrons, segment_audiences
from culturecoop.errors import UserError
from culturecoop.i18n import _, day_words, general
from culturecoop.privacy.gate import Beside, CountTable, PrivacyGate, Release
from culturecoop.privacy.policy import PrivacyPolicy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.members import MEMBERS_SQL, unknown_member
from culturecoop.warehouse.sql_engine import DuckDBEngine, SqlEngine

MEMBER_VISITS = """
SELECT count(*) AS visits FROM analytics_visit
WHERE member_id = $member AND event_day BETWEEN $date_from AND $date_to
"""
# Reports whose figures include amounts of money.
MONEY_REPORTS = ("overview", "frequency", "benchmark")
COOPERATIVE_VISITS = """
SELECT count(*) AS visits FROM analytics_visit WHERE pooled AND event_day BETWEEN $date_from AND $date_to
"""
MEMBER_POOLED_VISITS = """
SELECT count(*) AS visits FROM analytics_visit
WHERE member_id = $member AND pooled AND event_day BETWEEN $date_from AND $date_to
"""
# The member's visits of the period by patrons who agreed to pooling but are not linked across members
# yet (no person): they count once the cooperative links them, not by a change of the mapping.
MEMBER_UNLINKED_CONSENTED_VISITS = """
SELECT count(*) AS visits FROM analytics_visit AS v
JOIN consent AS c ON c.member_id = v.member_id AND c.member_patron_id = v.member_patron_id
  AND c.purpose = 'pooling' AND c.granted
WHERE v.member_id = $member AND v.person IS NULL AND v.event_day BETWEEN $date_from AND $date_to
"""
ALL_VISITS = """
SELECT count(*) AS visits, count_if(member_id = $member) AS own FROM analytics_visit
WHERE event_day BETWEEN $date_from AND $date_to
"""
# Reports about the whole cooperative: a member without sales in the period may still read them.
COOPERATIVE_WIDE = frozenset({"trends", "affinity"})
# Reports about events rather than a period's sales: they answer without sales in the period.
NO_SALES_CHECK = frozenset({"pace", "events"})
# Reports made only of the member's pooled patrons: empty, with a cause, when none agreed.
OWN_POOLED = frozenset({"elsewhere", "overlap", "benchmark"})


@functools.cache
def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def engine_of(engine: SqlEngine | Warehouse) -> SqlEngine:
    return DuckDBEngine(engine) if isinstance(engine, Warehouse) else engine


def refresh(engine: SqlEngine | Warehouse, *, force: bool = False) -> float | None:
    """Rebuild the derived tables if the data changed (or always with ``force``); seconds taken."""
    return facts.refresh_facts(engine_of(engine), force=force)[1]


# The members and the facts' window in one round trip (both are needed before anything else).
MEMBERS_AND_WINDOW = """
SELECT m.member_id, w.window_start, w.window_end, w.first_day, w.last_day, w.as_of
FROM analytics_window AS w LEFT JOIN member AS m ON true
ORDER BY m.member_id
"""


def _members_and_window(engine: SqlEngine) -> tuple[tuple[str, ...], facts.Window]:
    rows = engine.rows(MEMBERS_AND_WINDOW)
    first = rows[0]
    window = facts.Window(first["window_start"], first["window_end"], first["first_day"], first["last_day"], first["as_of"])
    return tuple(r["member_id"] for r in rows if r["member_id"] is not None), window


def _preflight(engine: SqlEngine) -> tuple[str, tuple[str, ...], facts.Window]:
    """Data version (derived tables rebuilt first if it changed), members and the facts' window.

    Kept by the engine until the data changes (``Warehouse.remember``): a report on unchanged
    data goes straight to its own queries.
    """
    def compute() -> tuple[str, tuple[str, ...], facts.Window]:
        version, _seconds = facts.refresh_facts(engine)
        return (version, *_members_and_window(engine))

    return engine.remember(("analytics", "preflight"), compute)


# Its last event held soon after (a show the week after its last sale is in its data).
MEMBER_LAST_EVENT = """
SELECT max(event_day) AS held FROM analytics_visit WHERE member_id = $member AND event_day <= $until
"""

# The first and last day of a member's own events: what its own reports count from.
MEMBER_EVENT_DAYS = """
SELECT min(event_day) AS first_day, max(event_day) AS last_day FROM analytics_visit WHERE member_id = $member
"""


# The days the member held events on: a default period never cuts one of its editions in two.
MEMBER_EVENT_DAY_LIST = """
SELECT DISTINCT event_day FROM analytics_event WHERE member_id = $member AND event_day IS NOT NULL
"""


def _member_event_days(engine: SqlEngine, member: str) -> tuple[date, ...]:
    """The days ``member`` held events on (remembered until the data changes)."""
    return engine.remember(("analytics", "member-event-day-list", member), lambda: tuple(
        r["event_day"] for r in engine.rows(MEMBER_EVENT_DAY_LIST, {"member": member}) if isinstance(r["event_day"], date)))


def _member_days(engine: SqlEngine, window: facts.Window, member: str) -> tuple[Any, Any]:
    """(first, last) event day of ``member``'s own data, the cooperative's where it has none, and
    never before the cooperative's first day (remembered until the data changes)."""
    days = engine.remember(("analytics", "member-event-days", member),
                           lambda: tuple(engine.rows(MEMBER_EVENT_DAYS, {"member": member})[0].values()))
    first, last = days
    if not isinstance(first, date) or not isinstance(last, date):
        return window.first_day, window.last_day
    return (max(first, window.first_day) if isinstance(window.first_day, date) else first), last


# A member whose data stops more than this many days before the cooperative's gets periods of its
# own (a few days either way are just when each member exported).
BEHIND_DAYS = 31


def _member_window(engine: SqlEngine, window: facts.Window, member: str) -> facts.Window:
    """The window as ``member`` sees it: when its data ends more than a month before the
    cooperative's, the as-of day is its own — its last sale, or its last event held within a month
    after it. A member whose last export is from June, in a cooperative whose other members sent
    theirs in November, would otherwise read every "last 12 months" against months it has no data
    for yet — fewer patrons than the year before, nobody back in the last six months — an audience
    lost that is only an export not sent yet."""
    def compute() -> Any:
        bought = engine.rows(facts.MEMBER_LAST_SALE, {"member": member})[0]["bought"]
        if not isinstance(bought, date):
            return None
        held = engine.rows(MEMBER_LAST_EVENT, {"member": member, "until": bought + timedelta(days=BEHIND_DAYS)})[0]["held"]
        return max(bought, held) if isinstance(held, date) else bought

    end = engine.remember(("analytics", "member-data-end", member), compute)
    if not isinstance(end, date) or not isinstance(window.as_of, date) or end >= window.as_of - timedelta(days=BEHIND_DAYS):
        return window
    return dataclasses.replace(window, as_of=end)


def data_coverage(engine: SqlEngine | Warehouse, member: str | None = None) -> facts.Window:
    """The data's window: first and last event day, and the as-of day (the last sale; with
    ``member``, that member's own last sale when it comes first); remembered until the data
    changes, like the checks before a report."""
    sql_engine = engine_of(engine)
    version, members, window = _preflight(sql_engine)
    sql_engine.on_data_version(version)
    if member is not None and member in members:
        return _member_window(sql_engine, window, member)
    return window


def default_period(engine: SqlEngine | Warehouse, member: str) -> Period:
    """The period ``member``'s own reports cover when none is asked: the 12 months up to its data's
    end, never cutting one of its editions in two (what the period form names « last 12 months »)."""
    sql_engine = engine_of(engine)
    window = data_coverage(sql_engine, member)
    period, _notes = resolve_period({}, window, pooled=False, event_days=_member_event_days(sql_engine, member))
    return period


def member_currency(warehouse: Warehouse, member: str) -> str:
    """The currency ``member``'s amounts are written in (its pages outside the report tabs: campaign
    revenue, programme prices)."""
    return main_currency(engine_of(warehouse), member)


def _member_currency(engine: SqlEngine, member: str, notes: list[str] | None) -> str:
    """The currency most of ``member``'s tickets are priced in (CAD when it has none); with
    ``notes``, says when its amounts add up several currencies."""
    rows = currencies(engine).get(member)
    if not rows:
        return main_currency(engine, member)
    total = sum(tickets for _code, tickets in rows) or 1
    others = [code for code, tickets in rows[1:] if tickets / total >= 0.001]
    if notes is not None and others:
        notes.append(_("Amounts add up tickets priced in several currencies ({currencies}) and are written in {main}, "
                       "the currency of most of them: convert the others before preparing your export if they matter.").format(
            currencies=", ".join([rows[0][0], *others]), main=rows[0][0]))
    return rows[0][0]


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def segment_patrons(engine: SqlEngine | Warehouse, member: str, params: Mapping[str, Any] | None, segment: str) -> list[str]:
    """The member's own patron identifiers in one audience segment, over the period the
    ``segments`` report uses for the same parameters (whole months): own data only, so no
    gate. Raises UserError on an unknown member, segment or a bad period."""
    sql_engine = engine_of(engine)
    version, members, window = _preflight(sql_engine)
    sql_engine.on_data_version(version)
    _check_member(sql_engine, members, member)
    window = _member_window(sql_engine, window, member)
    given = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
    period, _notes = resolve_period(given, window, pooled=report_spec("segments").pooled,
                                    event_days=_member_event_days(sql_engine, member))
    ctx = ReportContext(sql_engine, member, period, window, {}, 0)
    return own_segment_patrons(ctx, segment)


def segment_audience_sizes(engine: SqlEngine | Warehouse, member: str) -> dict[str, Any]:
    """How many of ``member``'s own people each segment audience saved now would hold, and the months
    its rules read (``segments.segment_audiences``): what a page quotes when it offers to save one.
    Own data only, no gate; remembered until the data changes. Raises UserError on an unknown member."""
    sql_engine = engine_of(engine)
    version, members, window = _preflight(sql_engine)
    sql_engine.on_data_version(version)
    _check_member(sql_engine, members, member)
    window = _member_window(sql_engine, window, member)

    def compute() -> dict[str, Any]:
        period, _notes = resolve_period({}, window, pooled=False)
        return segment_audiences(ReportContext(sql_engine, member, period, window, {}, 0))

    found: dict[str, Any] = sql_engine.remember(("analytics", "segment-audiences", member), compute)
    return found


def known_members(engine: SqlEngine | Warehouse) -> tuple[str, ...]:
    """The members of the warehouse, in order (remembered until the data changes)."""
    return _preflight(engine_of(engine))[1]


def check_member(engine: SqlEngine | Warehouse, member_id: str) -> None:
    """Refuse, in one sentence naming the members (and the closest one), a member the warehouse does not hold."""
    _check_member(engine_of(engine), known_members(engine), member_id)


def _check_member(engine: SqlEngine, members: tuple[str, ...], member_id: str) -> None:
    if member_id in members:
        return
    # The refusal only: the members' names too, so that « Jazz Dièse » is said with its identifier.
    raise unknown_member(member_id, engine.rows(MEMBERS_SQL))


def _no_pooled_patrons(engine: SqlEngine, name: str, member: str, ctx: ReportContext) -> None:
    """Raise the real cause when a cooperative-wide report finds no pooled ticket although there
    are tickets: nobody agreed to pooling (no export carries that consent unless stated)."""
    if name not in COOPERATIVE_WIDE:
        return
    counts = engine.rows(ALL_VISITS, ctx.standard_params())[0]
    if not counts["visits"]:
        return
    start, end = day_words(ctx.period.start), day_words(ctx.period.end)
    if counts["own"]:
        raise UserError(_("No patron of yours, nor of any other member, agreed to pooling between {start} and {end}: the cooperative's figures count only patrons who did. If your terms of sale allow it, state it in your mapping (`consent_defaults: {{pooling: true}}` with its `consent_basis`) and prepare your export again.").format(
            start=start, end=end))
    raise UserError(_("No member's patrons agreed to pooling between {start} and {end}: the cooperative's figures count only patrons who did, so there is nothing to show yet.").format(
        start=start, end=end))


def run_report(name: str, engine: SqlEngine | Warehouse, member: str, params: Mapping[str, Any] | None = None,
               policy: PrivacyPolicy | None = None, *, warehouse: Warehouse | None = None,
               actor: str | None = None) -> ReportResult:
    """Run report ``name`` for ``member``.

    ``engine`` is a Warehouse (DuckDB) or an SqlEngine; with Spark, ``warehouse`` is the DuckDB
    file that keeps the privacy policy, budgets and audit log. ``params`` may hold ``from`` and
    ``to`` (YYYY-MM-DD) and, for ``pace``, ``event``. Raises UserError on bad input.
    """
    return _run_report(name, engine, member, params, policy, warehouse=warehouse, actor=actor, stop_at_gate=False)


class _AtGateError(Exception):
    """Raised in place of a release by ``prepare_report``: the run stops before the gate."""


def prepare_report(name: str, engine: SqlEngine | Warehouse, member: str, params: Mapping[str, Any] | None = None,
                   policy: PrivacyPolicy | None = None, *, warehouse: Warehouse | None = None) -> ReportResult | None:
    """Run report ``name`` without releasing anything: a member-only report in full, a
    cross-member one with the gate's *preview* in place of a release.

    Nothing is released, audited or charged. The preview (``PrivacyGate.preview``) is what the
    gate would show for this question if asked now, computed without writing; the result has no
    ``audit_id`` and must not be shown to anyone as such: the dashboard prepares pages with it
    and shows one only when a real release gives the same figures. With differential privacy on
    there is no preview (noise is drawn at release): the queries run, an engine that keeps query
    results keeps them, and None is returned. Raises UserError like ``run_report``.
    """
    try:
        return _run_report(name, engine, member, params, policy, warehouse=warehouse, actor=None, stop_at_gate=True)
    except _AtGateError:
        return None


def _run_report(name: str, engine: SqlEngine | Warehouse, member: str, params: Mapping[str, Any] | None,
                policy: PrivacyPolicy | None, *, warehouse: Warehouse | None, actor: str | None,
                stop_at_gate: bool) -> ReportResult:
    spec = report_spec(name)
    sql_engine = engine_of(engine)
    state = warehouse if warehouse is not None else (engine if isinstance(engine, Warehouse) else None)
    if state is None and isinstance(sql_engine, DuckDBEngine):
        state = sql_engine.warehouse
    given = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
    version, members, window = _preflight(sql_engine)
    sql_engine.on_data_version(version)
    _check_member(sql_engine, members, member)
    cooperative_as_of = window.as_of
    if name not in COOPERATIVE_WIDE:
        window = _member_window(sql_engine, window, member)
    period, notes = resolve_period(given, window, pooled=spec.pooled, event_days=_member_event_days(sql_engine, member))
    if window.as_of is not cooperative_as_of and isinstance(window.as_of, date) \
            and period.end >= month_start(month_ordinal(window.as_of)):
        notes.append(_("Your data ends on {day} (your last sale or event), while the cooperative's runs to {coop}: "
                       "periods end there. Prepare and send a newer export to see what came after.").format(
            day=day_words(window.as_of), coop=day_words(cooperative_as_of)))
    elif name in COOPERATIVE_WIDE:
        # A cooperative-wide tab keeps the cooperative's period; a member whose data stops months
        # earlier reads why its own part of the figures goes quiet after that day.
        own_end = _member_window(sql_engine, window, member).as_of
        if own_end is not cooperative_as_of and isinstance(own_end, date) and period.end > own_end:
            notes.append(_("Your data ends on {day}, while the cooperative's runs to {coop}: after {day}, the figures "
                           "count the other members' patrons only. Prepare and send a newer export to be counted.").format(
                day=day_words(own_end), coop=day_words(cooperative_as_of)))
    if spec.pooled:
        require_identity(sql_engine, str(getattr(state, "path", "FILE")))
    if state is None:
        raise ValueError("cross-member reports need the warehouse that keeps the audit log")
    gate = PrivacyGate(state, policy)
    ctx = ReportContext(sql_engine, member, period, window, {k: given[k] for k in spec.extra_params if k in given},
                        gate.policy.min_patrons, gate.policy.noise, notes=list(notes))
    if name not in NO_SALES_CHECK:
        # A check before the report, not one of its queries: kept while the data is unchanged.
        visits_sql = COOPERATIVE_VISITS if name in COOPERATIVE_WIDE else MEMBER_VISITS
        visits_params = ctx.standard_params()
        visits = sql_engine.remember(("analytics", "visits", visits_sql, member, period.start, period.end),
                                     lambda: sql_engine.rows(visits_sql, visits_params)[0]["visits"])
        if not visits:
            _no_pooled_patrons(sql_engine, name, member, ctx)
            # Two sentences rather than one with a translated part: a reader in the other
            # language gets the whole sentence translated (``web.i18n.retranslate``).
            if name in COOPERATIVE_WIDE:
                no_sales, (first, last) = (_("There are no tickets in the cooperative between {start} and {end}; choose "
                                             "a period with sales (data runs from {first} to {last})."),
                                           (window.first_day, window.last_day))
            else:  # the member's own data's days: the cooperative's would name days it has no ticket on
                no_sales, (first, last) = (_("There are no tickets for member {member} between {start} and {end}; "
                                             "choose a period with sales (its data runs from {first} to {last})."),
                                           _member_days(sql_engine, window, member))
            raise UserError(no_sales.format(member=member, start=day_words(period.start), end=day_words(period.end),
                                            first=day_words(first), last=day_words(last)))
        if name in OWN_POOLED:
            pooled_visits = sql_engine.remember(
                ("analytics", "pooled-visits", member, period.start, period.end),
                lambda: sql_engine.rows(MEMBER_POOLED_VISITS, visits_params)[0]["visits"])
            if not pooled_visits and sql_engine.rows(MEMBER_UNLINKED_CONSENTED_VISITS, visits_params)[0]["visits"]:
                raise UserError(_("Your patrons who agreed to pooling between {start} and {end} are not linked across members yet, "
                                  "so there is nothing to compare with other members: the cooperative links them after loading "
                                  "your package, and these figures appear then.").format(
                    start=day_words(period.start), end=day_words(period.end)))
            if not pooled_visits:
                raise UserError(_("No patron of yours agreed to pooling between {start} and {end}, so there is nothing to compare with other members: cross-member reports count only patrons who did. If your terms of sale allow it, state it in your mapping (`consent_defaults: {{pooling: true}}` with its `consent_basis`) and prepare your export again.").format(
                    start=period.start.isoformat(), end=period.end.isoformat()))
    canonical = {**period.to_json(), **ctx.params}
    if spec.pooled:
        touched = tuple(members)

        def release(tables: list[CountTable], beside: Sequence[Beside] = ()) -> Release:
            if stop_at_gate:
                preview = gate.preview(member_id=member, report=name, params=canonical, tables=tables, beside=beside)
                if preview is None:
                    raise _AtGateError
                return preview
            return gate.release(member_id=member, report=name, actor=actor or default_actor(), params=canonical,
                                tables=tables, members_touched=touched, data_version=version, beside=beside)

        ctx.gate = release
    output = spec.build(ctx)
    currency = _member_currency(sql_engine, member, ctx.notes if name in MONEY_REPORTS else None)
    result = ReportResult(
        report=name, title=_(spec.title), member_id=member, engine=sql_engine.name, params=canonical,
        pooled=spec.pooled, k=gate.policy.min_patrons, tables=output.tables, summary=output.summary,
        notes=ctx.notes, policy=gate.policy.to_json(), trace=ctx.trace,
        # An own report counts from the member's first event: a member that joined a year after the
        # others has no « returning » patron in its first year, and must not read « 0 % had come before ».
        coverage={"first_day": _day(window.first_day if spec.pooled else _member_days(sql_engine, window, member)[0]),
                  "last_day": _day(window.last_day), "as_of": _day(window.as_of)},
        currency=currency,
    )
    if output.release is not None:
        result.epsilon_spent = output.release.epsilon
        result.audit_id = output.release.audit_seq or None
        result.release = output.release.action
        result.released = output.release.tables
        if output.release.action == "re-release" and not output.release.noise:
            result.notes.append(_("Cross-member figures are those released before for the same question: fewer than {k} people changed since.").format(k=output.release.k))
        result.notes.append(_("Cross-member figures count distinct people who agreed to pooling; cells under {k} people show as \"< {k}\".").format(k=output.release.k))
        if output.release.noise:
            result.notes.append(_("Differential-privacy noise was added to cross-member counts (ε = {epsilon} charged to your budget).").format(epsilon=general(output.release.epsilon)))
    return result
