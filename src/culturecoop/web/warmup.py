"""First visits without waiting: the analytics' queries computed before anyone asks.

Two pieces:

- ``QueryMemo`` and ``MemoEngine``: the read queries of the analytics service (SQL and
  parameters → rows) kept for one **data version**. Every report the dashboard runs goes through
  a ``MemoEngine``; the service tells it the data version at the start of each report (its
  freshness check, which the warehouse keeps until a commit changes data), and a memo of another
  version is never read. A kept result is exactly
  what the query would return again: it is not a release and holds nothing that passed the gate.
- ``Warmer``: a background thread that, when the server starts and after each change of the
  data or of the privacy policy, runs for every member everything that needs no release —
  member-only reports in full (their answers go to the answer cache), cross-member reports up to
  but excluding the privacy gate (``analytics.service.prepare_report``: their queries land in
  the memo and their tables are dropped). The gate, its k, suppression or noise and its audit
  entry still run when a reader asks, per request, exactly as without the warm-up: the warm-up
  releases nothing, writes no audit entry and spends no budget.

``/healthz`` says ``warming`` (HTTP 503) until the first warm-up is done, then ``ready``.
"""

from __future__ import annotations

import copy
import gc
import importlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from culturecoop.governance.uploads import list_members
from culturecoop.warehouse.engine import Warehouse
from culturecoop.warehouse.sql_engine import DuckDBEngine, parameter_names

log = logging.getLogger("culturecoop.web.warmup")

_Key = tuple[str, str]


class QueryMemo:
    """Rows of the analytics' read queries, for the one data version last seen."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._version: str | None = None
        self._rows: OrderedDict[_Key, list[dict[str, Any]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def adopt(self, version: str) -> str:
        """Make ``version`` the memo's data version; the memo is emptied when it changed."""
        with self._lock:
            if version != self._version:
                self._rows.clear()
                self._version = version
        return version

    def get(self, version: str, key: _Key) -> list[dict[str, Any]] | None:
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

    def put(self, version: str, key: _Key, rows: list[dict[str, Any]]) -> None:
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
        # The parameters of the last report query (member, period...): see ``after_gate``.
        self.last_params: Mapping[str, Any] | None = None

    def on_data_version(self, version: str) -> None:
        self.version = self.memo.adopt(version)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        if params is not None and "member" in params:
            self.last_params = params
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


class Warmer:
    """The background warm-up of one application (see the module's documentation)."""

    def __init__(self, pool: Any, *, enabled: bool = True, poll_seconds: float = 5.0) -> None:
        self.pool = pool
        self.enabled = enabled
        self.poll_seconds = poll_seconds
        self.ready = not enabled
        self.warming = False
        self.done = 0
        self.total = 0
        self.seconds: float | None = None
        self.warmed_state: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, cache: Any) -> Warmer:
        """Warm again whenever ``cache`` is invalidated (an upload, a policy change)."""
        cache.on_invalidate(self.trigger)
        return self

    def start(self) -> None:
        if not self.enabled or (self._thread is not None and self._thread.is_alive()):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="culturecoop-warmup", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def trigger(self) -> None:
        """The data or the policy changed: warm again now."""
        self._wake.set()

    def status(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "warming", "warming": self.warming,
                "warmed": self.done, "total": self.total,
                "seconds": None if self.seconds is None else round(self.seconds, 1)}

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.warm_once()
            except Exception:  # a failed warm-up leaves the requests to compute: log it, go on
                log.exception("warm-up failed")
                self.ready = True
                self.warming = False
            self._wake.wait(self.poll_seconds)

    def warm_once(self) -> bool:
        """Warm for the current data and policy if not done yet; False when stopped midway."""
        from culturecoop.web import reports
        from culturecoop.web.routes import reports as report_routes

        analytics = importlib.import_module("culturecoop.analytics")
        with self.pool.connection() as warehouse, reports._refresh_lock:
            state = reports.cache.state(warehouse, analytics)
        if state == self.warmed_state:
            return True
        started = time.perf_counter()
        self.warming = True
        with self.pool.connection() as warehouse:
            members = [str(r["member_id"]) for r in list_members(warehouse)]
        # The affinity statistics import scipy.stats (0.6 s) on first use: not in a reader's request.
        importlib.import_module("scipy.stats")
        from culturecoop.web.render import env  # every page's template compiled once, now

        for template in env.list_templates(extensions=["html"]):
            env.get_template(template)
        work = [(m, name) for m in members for name in (*reports.REPORTS, "")]
        self.total, self.done = len(work), 0
        for member, name in work:
            if self._stop.is_set() or self._wake.is_set():  # stopping, or new data: start over
                self.warming = False
                return False
            try:
                with self.pool.connection() as warehouse:
                    if name:
                        reports.warm_report(warehouse, member, name, state)
                    else:  # the member's reports are warm: render its member-only tabs
                        report_routes.warm_tab_bodies(warehouse, member)
            except Exception:  # that page computes when asked, as without the warm-up; go on
                log.exception("warm-up of %s failed", name or "the member-only tabs")
            self.done += 1
        self.seconds = time.perf_counter() - started
        if not self.ready:
            # What the start-up built (modules, templates, formats) stays for the process's life:
            # keep it out of the collector's full passes, which would walk it again and again
            # under the readers' load. Only once: later warm-ups replace their answers.
            gc.collect()
            gc.freeze()
        self.warmed_state = state
        self.warming = False
        self.ready = True
        log.info("warm-up: %d reports in %.1f s", len(work), self.seconds)
        return True

