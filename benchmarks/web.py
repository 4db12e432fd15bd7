"""Benchmark: 20 concurrent dashboard users on loopback against a 1 M-patron cooperative.

    .venv/bin/python benchmarks/web.py [--patrons 1000000] [--clients 20] [--rounds 3]
                                       [--db .bench/web/coop.duckdb] [--lang fr]

Builds (once, then reuses) a warehouse of about ``--patrons`` people over six members with
linked identities and consents — with issue 4's SQL load generator
(``culturecoop.analytics.loadgen``, 15 members, ``--tickets`` rows) when it is there, else with
the SQL below — starts the real ``culturecoop serve`` in a subprocess on a
free loopback port, signs one account per member in, and runs ``--clients`` threads, each
visiting every tab (and Data, Transparency) ``--rounds`` times as a member analyst would.
Prints p50 / p95 / max per page and the overall figures; target (issue 5): p95 < 500 ms per
page. The benchmark waits for the server's ``/healthz`` to say ``ready`` (its background
warm-up: everything first visits need short of a release). Unless ``--no-warmup``, one client
then visits each page once per member before the timed run (not counted); with it, first visits
and every cross-member release happen under load. ``--no-server-warmup`` turns the server's
warm-up off. The machine is shared, so read the p95s, not single timings.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from culturecoop.governance.accounts import create_account, list_accounts  # noqa: E402
from culturecoop.governance.sessions import open_session  # noqa: E402
from culturecoop.schema.taxonomy import GENRES  # noqa: E402
from culturecoop.warehouse.engine import Warehouse  # noqa: E402
from culturecoop.web.tabs import ACTION_TABS, TABS  # noqa: E402

MEMBERS = (
    ("jazz-dieze", "Club de jazz Le Dièse", "jazz_club", "Montréal"),
    ("theatre-nord", "Théâtre du Nord", "theatre", "Montréal"),
    ("festival-est", "Festival de l'Est", "festival", "Estrie"),
    ("orchestre-qc", "Orchestre de Québec", "orchestra", "Capitale-Nationale"),
    ("musee-art", "Musée d'art", "museum", "Montréal"),
    ("club-bass", "Club Bass", "club", "Montréal"),
)
PASSWORD = "benchmark-password"


def generate(db: Path, patrons: int) -> None:
    """A cooperative of ``patrons`` people: records at 1–3 members, ~5 tickets each, linked."""
    genres = list(GENRES[:-1])
    with Warehouse(db, create=True) as w, w.transaction() as con:
        con.execute("CREATE TEMP TABLE m AS SELECT * FROM (VALUES " + ", ".join(
            f"({i}, '{m}', '{n.replace(chr(39), chr(39) * 2)}', '{k}', '{r}')" for i, (m, n, k, r) in enumerate(MEMBERS))
            + ") t(idx, member_id, name, kind, region)")
        con.execute("INSERT INTO member SELECT member_id, name, kind, region FROM m")
        con.execute(f"""
            INSERT INTO event
            SELECT m.member_id, 'E' || e, 'Spectacle ' || e,
                   TIMESTAMP '2023-01-06 20:00' + INTERVAL (e * 2 + m.idx) DAY,
                   'Salle ' || m.idx, 'H2X',
                   [list_element({genres!r}, 1 + ((e * 7 + m.idx * 3) % {len(genres)})::INT),
                    list_element({genres!r}, 1 + ((e * 11 + m.idx) % {len(genres)})::INT)],
                   ['Artiste ' || e], 300 + (e % 5) * 100, e % 3 = 0, 'fr'
            FROM m, range(550) r(e)""")
        # Each person has a record at 1 to 3 members; the record id is the person's number.
        con.execute(f"""
            CREATE TEMP TABLE rec AS
            SELECT p, m.member_id, m.idx FROM range({patrons}) r(p), m
            WHERE m.idx = p % 6 OR (hash(p) % 10 < 4 AND m.idx = (p + 1) % 6)
               OR (hash(p) % 10 < 1 AND m.idx = (p + 3) % 6)""")
        con.execute("""
            INSERT INTO patron SELECT member_id, 'P' || p, md5('e' || p), NULL, NULL, NULL, NULL, NULL,
                   'H' || (p % 9)::VARCHAR || chr(65 + (p % 26)::INT),
                   (1950 + (p % 10) * 5)::VARCHAR || '-' || (1954 + (p % 10) * 5)::VARCHAR, 'fr', NULL
            FROM rec""")
        con.execute("INSERT INTO identity SELECT member_id, 'P' || p, 'K' || p, 1.0 FROM rec")
        con.execute("""
            INSERT INTO consent SELECT member_id, 'P' || p, purpose, hash(p) % 10 < 9, TIMESTAMP '2023-01-01'
            FROM rec, (VALUES ('pooling'), ('marketing'), ('personalization')) v(purpose)""")
        # About five tickets per person, spread over the members they know and three years.
        con.execute("""
            INSERT INTO ticket
            SELECT member_id, 'T' || p || '-' || n, 'O' || p || '-' || n, 'P' || p,
                   'E' || ((hash(p * 31 + n) % 550)::INT),
                   TIMESTAMP '2023-01-01' + INTERVAL ((hash(p * 17 + n) % 1090)::INT) DAY,
                   1 + (hash(p + n) % 3)::INT, (20 + (hash(p * n) % 60))::DECIMAL(10, 2), 'CAD', 'web',
                   CASE WHEN hash(p * 7 + n) % 50 = 0 THEN 'refunded' ELSE 'sold' END
            FROM rec, range(1 + (hash(p) % 4)::INT) r(n)""")


def build(db: Path, patrons: int, tickets: int) -> None:
    """Issue 4's SQL load generator when it is there (15 members), else ``generate`` above."""
    started = time.perf_counter()
    if importlib.util.find_spec("culturecoop.analytics.loadgen") is not None:
        from culturecoop.analytics.loadgen import generate as loadgen

        with Warehouse(db) as w:
            loadgen(w, persons=patrons, tickets=tickets)
        source = "culturecoop.analytics.loadgen"
    else:
        generate(db, patrons)
        source = "benchmarks/web.py SQL"
    print(f"built {db} with {patrons:,} people ({source}) in {time.perf_counter() - started:.0f} s", flush=True)


def accounts(db: Path) -> dict[str, str]:
    """One member analyst per member, each signed in: member → session cookie value."""
    cookies = {}
    with Warehouse(db) as w:
        members = [r["member_id"] for r in w.query("SELECT member_id FROM member ORDER BY 1")]
        existing = {a.email: a for a in list_accounts(w)}
        for member in members:
            email = f"bench@{member}.test"
            account = existing.get(email) or create_account(
                w, email=email, password=PASSWORD, role="member_analyst", member_id=member, language="fr")
            cookies[member] = open_session(w, account, timedelta(hours=2))
    return cookies


def start_server(db: Path, port: int, *, warmup: bool = True) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CULTURECOOP_CONNECTIONS": os.environ.get("CULTURECOOP_CONNECTIONS", "4"),
           "CULTURECOOP_WARMUP": "true" if warmup else "false"}
    log = (db.parent / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "culturecoop.cli.main", "serve", "--db", str(db),
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.3)
    else:
        server.kill()
        raise SystemExit("the server did not start")
    # What a deployment's health check does: send readers once the server says it is ready
    # (its background warm-up has computed what first visits need short of a release).
    started = time.perf_counter()
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        if health.status_code == 200:
            print(f"server ready after {time.perf_counter() - started:.1f} s: {health.json()}", flush=True)
            return server
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patrons", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-warmup", action="store_true",
                        help="Count first visits too: no client visits a page before the timed run.")
    parser.add_argument("--no-server-warmup", action="store_true",
                        help="Start the server with CULTURECOOP_WARMUP=false: with --no-warmup, every query "
                             "of a first visit runs under load.")
    parser.add_argument("--db", type=Path, default=ROOT / ".bench" / "web" / "coop.duckdb")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.db.exists():
        build(args.db, args.patrons, args.tickets)
    with Warehouse(args.db) as w:
        counts = w.counts()
        started = time.perf_counter()
        refreshed = importlib.import_module("culturecoop.analytics").refresh(w)
        if refreshed:
            print(f"analytics derived tables rebuilt in {time.perf_counter() - started:.0f} s (once per new data)")
    print(f"warehouse: {counts['member']} members, {counts['patron']:,} patron records, "
          f"{counts['ticket']:,} tickets", flush=True)
    sessions = accounts(args.db)
    pages = [tab.slug for tab in TABS + ACTION_TABS] + ["data", "transparency"]
    members = sorted(sessions)

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = start_server(args.db, port, warmup=not args.no_server_warmup)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.perf_counter()
        cold: dict[str, list[float]] = {page: [] for page in pages}
        for member in [] if args.no_warmup else members:  # warm-up, one client: first visits compute and cache the answers
            with httpx.Client(base_url=base, headers={"Cookie": f"cc_session={sessions[member]}"}, timeout=120) as c:
                for page in pages:
                    t0 = time.perf_counter()
                    response = c.get(f"/m/{member}/{page}")
                    cold[page].append(time.perf_counter() - t0)
                    if response.status_code != 200:
                        raise SystemExit(f"{page} for {member}: HTTP {response.status_code}: {response.text[:300]}")
        if not args.no_warmup:
            print(f"warm-up (every page once per member, one client) {time.perf_counter() - started:.1f} s; "
                  "first visit per page, median / max over members (ms):", flush=True)
            for page, ts in cold.items():
                print(f"  {page:<14}{statistics.median(ts) * 1000:>7.0f}{max(ts) * 1000:>7.0f}", flush=True)
        times: dict[str, list[float]] = {page: [] for page in pages}
        errors: list[str] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            member = members[index % len(members)]
            with httpx.Client(base_url=base, headers={"Cookie": f"cc_session={sessions[member]}"}, timeout=120) as c:
                for round_ in range(args.rounds):
                    order = pages[index % len(pages):] + pages[:index % len(pages)]
                    for page in order if round_ % 2 == 0 else reversed(order):
                        t0 = time.perf_counter()
                        response = c.get(f"/m/{member}/{page}")
                        elapsed = time.perf_counter() - t0
                        with lock:
                            times[page].append(elapsed)
                            if response.status_code != 200:
                                errors.append(f"{page}: {response.status_code}")

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    all_times = [t for ts in times.values() for t in ts]
    print(f"\n{args.clients} concurrent clients × {args.rounds} rounds × {len(pages)} pages = "
          f"{len(all_times)} requests in {wall:.1f} s ({len(all_times) / wall:.1f} pages/s)")
    print(f"{'page':<14}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  target p95 < 500 ms")
    worst = 0.0
    for page, ts in times.items():
        ts = sorted(ts)
        p95 = ts[max(0, round(0.95 * len(ts)) - 1)]
        worst = max(worst, p95)
        print(f"{page:<14}{len(ts):>5}{statistics.median(ts) * 1000:>9.0f}{p95 * 1000:>9.0f}"
              f"{ts[-1] * 1000:>9.0f}  {'ok' if p95 < 0.5 else 'SLOW'}")
    all_times.sort()
    print(f"{'all':<14}{len(all_times):>5}{statistics.median(all_times) * 1000:>9.0f}"
          f"{all_times[int(0.95 * len(all_times)) - 1] * 1000:>9.0f}{all_times[-1] * 1000:>9.0f}")
    print(f"errors: {len(errors)} {errors[:5]}")
    print(f"worst page p95: {worst * 1000:.0f} ms — {'met' if worst < 0.5 and not errors else 'NOT met'}")


if __name__ == "__main__":
    main()
