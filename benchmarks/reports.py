"""Report latency at scale on DuckDB, and what the privacy gate adds.

    .venv/bin/python benchmarks/reports.py                      # 1 M patrons, 10 M tickets
    .venv/bin/python benchmarks/reports.py --persons 100000 --tickets 1000000 --repeat 5

The cooperative is generated in SQL (``culturecoop.analytics.loadgen``: 15 members, identity and
pooling consent included) into ``--db`` unless that file already holds one, then the derived
tables are rebuilt (timed: this is the work done once after each ingest or link). For every
report the benchmark first runs it once to record the exact SQL it executes, then alternates
``repeat`` times:

- gated: ``run_report`` end to end — freshness, member and period checks (remembered by the
  warehouse until a commit changes data), the report's queries, the privacy gate (stable cells,
  k, complementary suppression, the audit-log append and the gate's memory written in one
  transaction) and the result;
- bare: the same queries with the same parameters run directly on the engine.

and prints the median of each, the median time spent inside the privacy gate itself, and two
ratios: gated / bare (everything ``run_report`` adds) and (bare + gate) / bare (the gate alone).
The machine's other load shows in the medians: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from culturecoop.analytics import REPORTS, refresh, run_report
from culturecoop.analytics.facts import data_version
from culturecoop.analytics.loadgen import generate
from culturecoop.analytics.service import engine_of
from culturecoop.privacy import gate
from culturecoop.warehouse.engine import Warehouse

LIMIT_MS = 300.0
RATIO_LIMIT = 1.5
_in_gate: list[float] = []
_release = gate.PrivacyGate.release


def _timed_release(self: gate.PrivacyGate, **kwargs: Any) -> gate.Release:
    started = time.perf_counter()
    try:
        return _release(self, **kwargs)
    finally:
        _in_gate.append(time.perf_counter() - started)


gate.PrivacyGate.release = _timed_release  # type: ignore[method-assign]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/culturecoop-bench-reports.duckdb"))
    parser.add_argument("--member", default="m03")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reports", nargs="*", default=list(REPORTS))
    args = parser.parse_args()

    fresh = not args.db.exists()
    with Warehouse(args.db, create=True) as warehouse:
        counts = warehouse.counts()
        if counts["ticket"] != args.tickets or fresh:
            if counts["ticket"]:
                sys.exit(f"{args.db} holds another cooperative; remove it or give another --db")
            started = time.perf_counter()
            counts = generate(warehouse, persons=args.persons, tickets=args.tickets)
            print(f"generated {counts['patron']:,} patron records ({args.persons:,} people), "
                  f"{counts['ticket']:,} tickets, {counts['member']} members in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        refresh(warehouse, force=True)
        print(f"derived tables rebuilt in {time.perf_counter() - started:.1f} s (once per ingest or link)")
        engine = engine_of(warehouse)
        checks = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            data_version(engine)
            checks.append(time.perf_counter() - started)
        print(f"freshness check: {statistics.median(checks) * 1000:.1f} ms, once per change of the data "
              "(run_report remembers it until a commit changes data)\n")

        header = (f"{'report':<11}{'cross':>6}{'queries':>8}{'bare ms':>9}{'gated ms':>10}{'gate ms':>9}"
                  f"{'gated/bare':>12}{'gate only':>11}   verdict")
        print(header)
        print("-" * len(header))
        failures = 0
        for name in args.reports:
            first = run_report(name, warehouse, args.member, {})
            trace = first.trace
            gated, bare, in_gate = [], [], []
            for _ in range(args.repeat):
                _in_gate.clear()
                started = time.perf_counter()
                run_report(name, warehouse, args.member, {})
                gated.append(time.perf_counter() - started)
                in_gate.append(sum(_in_gate))
                started = time.perf_counter()
                for sql, params in trace:
                    engine.rows(sql, params)
                bare.append(time.perf_counter() - started)
            g, b = statistics.median(gated) * 1000, statistics.median(bare) * 1000
            t = statistics.median(in_gate) * 1000
            ratio, gate_only = g / b, (b + t) / b
            ok = g < LIMIT_MS and ratio < RATIO_LIMIT
            failures += not ok
            verdict = "ok" if ok else ("SLOW" if g >= LIMIT_MS else "over 1.5")
            print(f"{name:<11}{'yes' if REPORTS[name].pooled else 'no':>6}{len(trace):>8}{b:>9.1f}{g:>10.1f}{t:>9.1f}"
                  f"{ratio:>12.2f}{gate_only:>11.2f}   {verdict}", flush=True)
        print(f"\nlimits: every report under {LIMIT_MS:.0f} ms median, gated/bare under {RATIO_LIMIT}; "
              f"{'all met' if not failures else f'{failures} not met'}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
