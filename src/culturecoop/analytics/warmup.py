"""First visits without waiting: the analytics' answers computed before anyone asks.

``Warmer`` is a background thread that, when a server starts and after each change of the data
or of the privacy policy, runs for every member everything that needs no release — member-only
reports in full (their answers go to ``Answers``), cross-member reports up to but excluding the
privacy gate (``service.prepare_report``: their queries land in the memo and the gate's preview
is kept apart, never shown as such). The gate, its k, suppression or noise and its audit entry
still run when a reader asks, per request, exactly as without the warm-up: the warm-up releases
nothing, writes no audit entry and spends no budget.

Whoever runs it may add its own work per member once that member's reports are warm
(``after_member``: the dashboard renders its pages there) and once before the first member
(``before_start``). A readiness check says ``warming`` until the first warm-up is done.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from culturecoop.analytics import service
from culturecoop.analytics.answers import Answers
from culturecoop.analytics.registry import REPORTS
from culturecoop.warehouse.engine import Warehouse

log = logging.getLogger("culturecoop.analytics.warmup")


class Warmer:
    """The background warm-up of one ``Answers`` over a pool of warehouse connections."""

    def __init__(self, pool: Any, answers: Answers, *, enabled: bool = True, poll_seconds: float = 5.0,
                 before_start: Callable[[], None] | None = None,
                 after_member: Callable[[Warehouse, str], None] | None = None) -> None:
        self.pool = pool
        self.answers = answers
        self.enabled = enabled
        self.poll_seconds = poll_seconds
        self.before_start = before_start
        self.after_member = after_member
        self.ready = not enabled
        self.warming = False
        self.done = 0
        self.total = 0
        self.seconds: float | None = None
        self.warmed_state: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        answers.on_invalidate(self.trigger)  # an upload, a policy change: warm again

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
        with self.pool.connection() as warehouse:
            state = self.answers.state(warehouse)
        if state == self.warmed_state:
            return True
        started = time.perf_counter()
        self.warming = True
        with self.pool.connection() as warehouse:
            members = list(service.known_members(warehouse))
        # The affinity statistics import scipy.stats (0.6 s) on first use: not in a reader's request.
        importlib.import_module("scipy.stats")
        if self.before_start is not None:
            self.before_start()
        work = [(m, name) for m in members for name in (*REPORTS, "")]
        self.total, self.done = len(work), 0
        for member, name in work:
            if self._stop.is_set() or self._wake.is_set():  # stopping, or new data: start over
                self.warming = False
                return False
            try:
                with self.pool.connection() as warehouse:
                    if name:
                        self.answers.warm(warehouse, member, name, state)
                    elif self.after_member is not None:  # the member's reports are warm
                        self.after_member(warehouse, member)
            except Exception:  # that page computes when asked, as without the warm-up; go on
                log.exception("warm-up of %s failed", name or "the member's pages")
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
