"""The report tabs: which analytics reports each tab shows, and the call to the analytics service.

The numbers come from the analytics service (``culturecoop.analytics``), whose cross-member
results have passed the privacy gate; this module only calls it (``layout`` turns the answer
into tables and charts). It never builds SQL.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import math
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from culturecoop.errors import UserError
from culturecoop.warehouse.engine import Warehouse
from culturecoop.web.i18n import _
from culturecoop.web.warmup import MemoEngine, QueryMemo


@dataclass(frozen=True)
class Tab:
    slug: str
    title: str
    intro: str
    reports: tuple[str, ...]
    pooled: bool  # True when the tab shows cross-member aggregates


TABS: tuple[Tab, ...] = (
    Tab("overview", _("Overview"), _("Your patrons, tickets and revenue over the period, and how they compare with the previous one."), ("overview",), False),
    Tab("audience", _("Audience"), _("Where your audience lives and how often it comes (recency, frequency, spending)."), ("geography", "frequency"), False),
    Tab("retention", _("Retention"), _("How many patrons come back from one event to the next, and monthly cohorts."), ("retention",), False),
    Tab("trends", _("Trends"), _("Genre and tag shares across the whole cooperative over time: what rises, what falls."), ("trends",), True),
    Tab("elsewhere", _("Elsewhere & Overlap"), _("What else your audience attends at other members, and how much your audiences overlap."), ("elsewhere", "overlap"), True),
    Tab("affinities", _("Affinities"), _("Which genres attract the same people across the cooperative (lift, with confidence intervals)."), ("affinity",), True),
    Tab("segments", _("Segments"), _("Your patrons in a handful of audience segments, against the cooperative's mix."), ("segments",), True),
    Tab("benchmark", _("Benchmark"), _("Your key figures against peers of your kind."), ("benchmark",), True),
    Tab("pace", _("Sales pace"), _("Ticket sales of an upcoming event against comparable past events, with a forecast."), ("pace",), False),
)
TABS_BY_SLUG = {t.slug: t for t in TABS}
REPORTS: tuple[str, ...] = tuple(name for tab in TABS for name in tab.reports)
POOLED_REPORTS = frozenset({"trends", "elsewhere", "overlap", "affinity", "segments", "benchmark"})

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
    "pace": _("Sales pace"),
}


def analytics_available() -> bool:
    try:
        module = importlib.import_module("culturecoop.analytics")
    except ImportError:
        return False
    return hasattr(module, "run_report")


_refresh_lock = threading.Lock()
class ReportCache:
    """Answers already computed, per member, report, parameters, data version and policy.

    A cached answer re-displays figures already released to the same member: it is not a new
    release (the audit log recorded the release; a new period, new data or a new policy is a new
    key). With differential privacy on, it also means the same noisy answer, not a fresh draw.
    """

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._answers: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()
        self._fragments: OrderedDict[tuple[str, ...], str] = OrderedDict()
        # Never shown as such (see ``prepared``): the gate's previews and the tab bodies built
        # from them, compressed, with the digest of the answers they were built from.
        self._previews: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()
        self._prepared: OrderedDict[tuple[str, ...], tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[str, ...], threading.Lock] = {}
        self._state = ""
        self._listeners: list[weakref.WeakMethod[Callable[[], None]]] = []

    def on_invalidate(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (a bound method, held weakly) after each ``invalidate``."""
        self._listeners.append(weakref.WeakMethod(listener))

    def invalidate(self) -> None:
        with self._lock:
            self._answers.clear()
            self._fragments.clear()
            self._previews.clear()
            self._prepared.clear()
            self._state = ""
            listeners = [ref() for ref in self._listeners]
            self._listeners = [ref for ref in self._listeners if ref() is not None]
        for listener in listeners:
            if listener is not None:
                listener()

    def has(self, key: tuple[str, ...]) -> bool:
        with self._lock:
            return key in self._answers

    def current_state(self) -> str:
        """The data version and policy last read ("" before the first report)."""
        return self._state

    def fragment(self, key: tuple[str, ...]) -> str | None:
        """A rendered tab body (the same answers in one language), if kept."""
        with self._lock:
            return self._fragments.get(key)

    def store_fragment(self, key: tuple[str, ...], html: str) -> None:
        with self._lock:
            self._fragments[key] = html
            while len(self._fragments) > self.size:
                self._fragments.popitem(last=False)

    def preview(self, key: tuple[str, ...]) -> dict[str, Any] | None:
        with self._lock:
            return self._previews.get(key)

    def store_preview(self, key: tuple[str, ...], answer: dict[str, Any]) -> None:
        with self._lock:
            self._previews[key] = answer
            while len(self._previews) > self.size:
                self._previews.popitem(last=False)

    def prepared(self, key: tuple[str, ...], digest: str) -> str | None:
        """A tab body prepared from previews, if the answers just released are exactly those it
        was built from (``digest``): only then is it the page those answers make."""
        with self._lock:
            found = self._prepared.get(key)
        if found is None or found[0] != digest:
            return None
        return zlib.decompress(found[1]).decode()

    def store_prepared(self, key: tuple[str, ...], digest: str, html: str) -> None:
        packed = zlib.compress(html.encode(), 1)
        with self._lock:
            self._prepared[key] = (digest, packed)
            while len(self._prepared) > self.size:
                self._prepared.popitem(last=False)

    def state(self, warehouse: Warehouse, analytics: Any) -> str:
        """Data version (derived tables refreshed if it changed) and policy, kept by the
        warehouse until a commit changes data (``Warehouse.remember``)."""
        gate = importlib.import_module("culturecoop.privacy.gate")

        def read() -> str:
            version, _seconds = analytics.facts.refresh_facts(analytics.service.engine_of(warehouse))
            return json.dumps([version, gate.current_policy(warehouse).to_json()], sort_keys=True)

        value = warehouse.remember(("web", "state"), read)
        self._state = value
        return value

    def get_or_compute(self, key: tuple[str, ...], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        # One computation per key: twenty readers of the same new page wait for the first.
        with key_lock:
            with self._lock:
                if key in self._answers:
                    return self._answers[key]
            answer = compute()
            with self._lock:
                self._answers[key] = answer
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
                self._key_locks.pop(key, None)
            return answer


cache = ReportCache()
# The analytics' query results for the current data version (``warmup``): shared by the requests
# and the background warm-up; what passes the gate is never kept there.
memo = QueryMemo()


def run_report(warehouse: Warehouse, member_id: str, name: str, params: dict[str, Any], *,
               actor: str) -> dict[str, Any]:
    """One report for one member through the analytics service (and its privacy gate), as JSON.

    ``actor`` is what the audit log records as who asked (the account's random identifier).
    """
    if name not in REPORTS:
        raise UserError(_("Unknown report {name}; use one of {names}.").format(name=name, names=", ".join(REPORTS)))
    try:
        analytics = importlib.import_module("culturecoop.analytics")
        service = analytics.run_report
    except (ImportError, AttributeError):
        return {"available": False}
    given = {k: v for k, v in params.items() if v is not None}
    # Derived tables are rebuilt once after new data, not by every request thread at once.
    with _refresh_lock:
        state = cache.state(warehouse, analytics)

    def compute() -> dict[str, Any]:
        # The report's queries run side by side with other requests; only the gate's
        # transaction (release, budget, audit entry) takes the gate's lock (one per file).
        result = service(name, MemoEngine(warehouse, memo), member_id, given,
                         warehouse=warehouse, actor=actor)
        return {"available": True, **to_jsonable(result)}

    key = (member_id, name, json.dumps(to_jsonable(given), sort_keys=True), state)
    return cache.get_or_compute(key, compute)


def preview_report(warehouse: Warehouse, member_id: str, name: str, state: str) -> dict[str, Any] | None:
    """A cross-member report's answer as the gate would release it now, without releasing it
    (``analytics.service.prepare_report``), for the warm-up; None with noise on. Raises
    UserError like ``run_report``. Never shown: see ``ReportCache.prepared``."""
    key = (member_id, name, "{}", state)
    kept = cache.preview(key)
    if kept is not None:
        return kept
    service = importlib.import_module("culturecoop.analytics.service")
    result = service.prepare_report(name, MemoEngine(warehouse, memo), member_id, {}, warehouse=warehouse)
    if result is None:
        return None
    answer = {"available": True, **to_jsonable(result)}
    cache.store_preview(key, answer)
    return answer


def answers_digest(payloads: dict[str, Any]) -> str:
    """SHA-256 of a tab's answers, leaving out the audit entry's number (a preview has none)."""
    def comparable(payload: dict[str, Any]) -> dict[str, Any]:
        result = payload.get("result")
        if isinstance(result, dict) and "audit_id" in result:
            return {**payload, "result": {k: v for k, v in result.items() if k != "audit_id"}}
        return payload

    text = json.dumps({name: comparable(p) for name, p in payloads.items()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def warm_report(warehouse: Warehouse, member_id: str, name: str, state: str) -> None:
    """The warm-up of one report for one member at the default period (``warmup.Warmer``):
    a member-only report in full, into the answer cache; a cross-member report previewed (its
    query results into the memo, the gate's preview kept apart). Nothing is released or audited."""
    service = importlib.import_module("culturecoop.analytics.service")
    key = (member_id, name, "{}", state)
    if cache.has(key):
        return
    engine = MemoEngine(warehouse, memo)
    try:
        if name in POOLED_REPORTS:
            preview_report(warehouse, member_id, name, state)
        else:
            def compute() -> dict[str, Any]:
                return {"available": True, **to_jsonable(service.prepare_report(name, engine, member_id, {},
                                                                                 warehouse=warehouse))}
            cache.get_or_compute(key, compute)
    except UserError:
        pass  # a report that cannot answer (no sales in the period...) says so when asked


def to_jsonable(value: Any) -> Any:
    """A service result as plain JSON values (dataclasses, dates, decimals, NaN → null)."""
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:  # most values: as they are
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if hasattr(value, "to_json") and callable(value.to_json):
        value = value.to_json()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
