"""The analytics' answers kept for a long-running reader (the dashboard and the API).

``Answers`` is one service per warehouse file: every report a reader asks goes through it, and
it keeps, per member, report, parameters, data version and privacy policy,

- the **answer** (the report's JSON): a second reader of the same member asking the same
  question sees the figures already released to that member — not a new release, so no new
  audit entry and, with differential privacy on, the same noisy answer rather than a fresh draw;
- the **memo of query results** (``QueryMemo``: SQL and parameters → rows) for the one data
  version last seen, which every report reads through ``MemoEngine``; what passes the gate is
  never kept there;
- the gate's **previews** (what it would release now, computed without writing) that the
  warm-up prepares pages from, never shown as such;
- **renderings** a caller makes of those answers (a page body in one language), which live
  exactly as long as the answers they were made from.

New data (an upload), a new link or a policy change is a new key: the data version and the
policy are kept by the warehouse until a commit changes data (``Warehouse.remember``).
Nothing here imports a web module: the dashboard sits above it.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from culturecoop.analytics import facts, service
from culturecoop.analytics.period import Period
from culturecoop.analytics.registry import REPORTS, report_choices
from culturecoop.errors import UserError
from culturecoop.i18n import _, current_language
from culturecoop.privacy.policy import current_policy
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.sql_engine import DuckDBEngine, parameter_names

POOLED_REPORTS = frozenset(name for name, spec in REPORTS.items() if spec.pooled)
_Key = tuple[str, ...]


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


def answers_digest(payloads: Mapping[str, Any]) -> str:
    """SHA-256 of a set of answers, leaving out the audit entry's number (a preview has none)."""
    def comparable(payload: Any) -> Any:
        result = payload.get("result") if isinstance(payload, dict) else None
        if isinstance(result, dict) and "audit_id" in result:
            return {**payload, "result": {k: v for k, v in result.items() if k != "audit_id"}}
        return payload

    text = json.dumps({name: comparable(p) for name, p in payloads.items()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class QueryMemo:
    """Rows of the analytics' read queries, for the one data version last seen."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._version: str | None = None
        self._rows: OrderedDict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def adopt(self, version: str) -> str:
        """Make ``version`` the memo's data version; the memo is emptied when it changed."""
        with self._lock:
            if version != self._version:
                self._rows.clear()
                self._version = version
        return version

    def get(self, version: str, key: tuple[str, str]) -> list[dict[str, Any]] | None:
        with self._lock:
            if version != self._version:
                return None
            rows = self._rows.get(key)
            if rows is None:
                self.misses += 1
                return None
            self._rows.move_to_end(key)
            self.hits += 1
        return _fresh(rows)  # the report may change the rows it is given

    def put(self, version: str, key: tuple[str, str], rows: list[dict[str, Any]]) -> None:
        kept = _fresh(rows)
        with self._lock:
            if version != self._version:
                return
            self._rows[key] = kept
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._version = None

    def __len__(self) -> int:
        return len(self._rows)


def _fresh(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of query rows (plain values; lists copied too) — deepcopy's work, faster."""
    return [{k: copy.deepcopy(v) if isinstance(v, list | dict) else v for k, v in row.items()} for row in rows]


class MemoEngine(DuckDBEngine):
    """The warehouse's engine, reading and filling a ``QueryMemo``.

    Nothing is read from the memo before the service has told this engine the data version
    (``on_data_version``: it checks it first, and the warehouse forgets it at every commit that
    changes data).
    """

    def __init__(self, warehouse: Warehouse, memo: QueryMemo) -> None:
        super().__init__(warehouse)
        self.memo = memo
        self.version: str | None = None

    def on_data_version(self, version: str) -> None:
        self.version = self.memo.adopt(version)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.version is None:
            return super().rows(sql, params)
        names = parameter_names(sql)
        key = (sql, json.dumps({k: v for k, v in (params or {}).items() if k in names}, sort_keys=True, default=repr))
        kept = self.memo.get(self.version, key)
        if kept is not None:
            return kept
        found = super().rows(sql, params)
        self.memo.put(self.version, key, found)
        return found


class Answers:
    """The answers of the analytics service for one warehouse file (see the module's text)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.memo = QueryMemo()
        self._answers: OrderedDict[_Key, dict[str, Any]] = OrderedDict()
        self._renderings: OrderedDict[_Key, str] = OrderedDict()
        self._previews: OrderedDict[_Key, dict[str, Any]] = OrderedDict()
        self._prepared: OrderedDict[_Key, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[_Key, threading.Lock] = {}
        # Derived tables are rebuilt once after new data, not by every request thread at once.
        self.refresh_lock = threading.Lock()
        self._state = ""
        self._listeners: list[weakref.WeakMethod[Callable[[], None]]] = []

    # -- what the answers depend on ---------------------------------------------------------

    def on_invalidate(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (a bound method, held weakly) after each ``invalidate``."""
        self._listeners.append(weakref.WeakMethod(listener))

    def invalidate(self) -> None:
        """Forget everything: the data or the policy changed (an upload, a policy change)."""
        with self._lock:
            for store in (self._answers, self._renderings, self._previews, self._prepared):
                store.clear()
            self._state = ""
            listeners = [ref() for ref in self._listeners]
            self._listeners = [ref for ref in self._listeners if ref() is not None]
        for listener in listeners:
            if listener is not None:
                listener()

    def state(self, warehouse: Warehouse) -> str:
        """Data version (derived tables refreshed if it changed) and policy, kept by the
        warehouse until a commit changes data (``Warehouse.remember``)."""
        def read() -> str:
            version, _seconds = facts.refresh_facts(service.engine_of(warehouse))
            return json.dumps([version, current_policy(warehouse).to_json()], sort_keys=True)

        with self.refresh_lock:
            value = warehouse.remember(("answers", "state"), read)
        self._state = value
        return value

    def current_state(self) -> str:
        """The data version and policy last read ("" before the first report)."""
        return self._state

    def coverage(self, warehouse: Warehouse, member: str | None = None) -> facts.Window:
        """The data's first and last event day and its as-of day, ``member``'s own when its data
        ends first (remembered like the state)."""
        self.state(warehouse)
        return service.data_coverage(MemoEngine(warehouse, self.memo), member)

    def default_period(self, warehouse: Warehouse, member: str) -> Period:
        """The period ``member``'s reports cover when none is asked (see ``service.default_period``)."""
        self.state(warehouse)
        return service.default_period(MemoEngine(warehouse, self.memo), member)

    # -- answers ----------------------------------------------------------------------------

    def has(self, key: _Key) -> bool:
        with self._lock:
            return key in self._answers

    def _get_or_compute(self, key: _Key, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
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

    def answer(self, warehouse: Warehouse, member_id: str, name: str, params: Mapping[str, Any], *,
               actor: str) -> dict[str, Any]:
        """One report for one member through the analytics service (and its privacy gate), as
        JSON; the answer already released for the same question when there is one.

        ``actor`` is what the audit log records as who asked (the account's random identifier).
        Raises UserError like ``run_report``.
        """
        if name not in REPORTS:
            raise UserError(_("Unknown report {name}; use one of {names}.").format(
                name=name, names=report_choices(current_language())))
        given = {k: v for k, v in params.items() if v is not None and v != ""}
        state = self.state(warehouse)

        def compute() -> dict[str, Any]:
            # The report's queries run side by side with other requests; only the gate's
            # transaction (release, budget, audit entry) takes the gate's lock (one per file).
            result = service.run_report(name, MemoEngine(warehouse, self.memo), member_id, given,
                                        warehouse=warehouse, actor=actor)
            return {"available": True, **to_jsonable(result)}

        key = (member_id, name, json.dumps(to_jsonable(given), sort_keys=True), state)
        return self._get_or_compute(key, compute)

    def preview(self, warehouse: Warehouse, member_id: str, name: str, state: str) -> dict[str, Any] | None:
        """A cross-member report's answer at the default period as the gate would release it
        now, without releasing it (``service.prepare_report``); None with noise on. Raises
        UserError like ``answer``. Never shown: see ``prepared``."""
        key = (member_id, name, "{}", state)
        with self._lock:
            kept = self._previews.get(key)
        if kept is not None:
            return kept
        result = service.prepare_report(name, MemoEngine(warehouse, self.memo), member_id, {}, warehouse=warehouse)
        if result is None:
            return None
        answer = {"available": True, **to_jsonable(result)}
        with self._lock:
            self._previews[key] = answer
            while len(self._previews) > self.size:
                self._previews.popitem(last=False)
        return answer

    def warm(self, warehouse: Warehouse, member_id: str, name: str, state: str) -> None:
        """The warm-up of one report for one member at the default period: a member-only report
        in full, into the answers; a cross-member report previewed (its query results into the
        memo, the gate's preview kept apart). Nothing is released or audited."""
        key = (member_id, name, "{}", state)
        if self.has(key):
            return
        try:
            if name in POOLED_REPORTS:
                self.preview(warehouse, member_id, name, state)
            else:
                engine = MemoEngine(warehouse, self.memo)

                def compute() -> dict[str, Any]:
                    result = service.prepare_report(name, engine, member_id, {}, warehouse=warehouse)
                    return {"available": True, **to_jsonable(result)}

                self._get_or_compute(key, compute)
        except UserError:
            pass  # a report that cannot answer (no sales in the period...) says so when asked

    # -- renderings of the answers ----------------------------------------------------------

    def rendering(self, key: _Key) -> str | None:
        """A rendering of answers kept by ``keep_rendering`` (e.g. a page body in one language)."""
        with self._lock:
            return self._renderings.get(key)

    def keep_rendering(self, key: _Key, text: str, *, state: str) -> None:
        """Keep ``text`` if the answers it was made from (at ``state``) are still current."""
        with self._lock:
            if not state or state != self._state:
                return
            self._renderings[key] = text
            while len(self._renderings) > self.size:
                self._renderings.popitem(last=False)

    def prepared(self, key: _Key, digest: str) -> str | None:
        """A rendering prepared from previews, if the answers just released are exactly those it
        was built from (``digest``): only then is it what those answers make."""
        with self._lock:
            found = self._prepared.get(key)
        if found is None or found[0] != digest:
            return None
        return zlib.decompress(found[1]).decode()

    def keep_prepared(self, key: _Key, digest: str, text: str) -> None:
        packed = zlib.compress(text.encode(), 1)
        with self._lock:
            self._prepared[key] = (digest, packed)
            while len(self._prepared) > self.size:
                self._prepared.popitem(last=False)
