"""Does the measured lift's interval cover a planted lift? 20 seeded runs on the synthetic cooperative.

Builds a cooperative with ``culturecoop synth`` (→ prepare → ingest → link, the real commands),
picks the member with the most people who may receive e-mail among its patrons seen in the last
month, and for each seed: copies the warehouse, creates a campaign to that audience (random
holdout drawn with the seed), sends it to an SMTP server on loopback (aiosmtpd), writes the
later package with a planted lift (``campaigns synth-response``: people buy with probability
base + slope × past-spend share + lift × treated), ingests it, and reads ``campaigns results``.
Prints, per run and overall, whether the two-proportion 95 % interval and the CUPED interval
cover the true lift by assignment, and their mean widths. Target: coverage ≥ 90 % of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from culturecoop.campaigns.eligibility import eligible_in_audience
from culturecoop.campaigns.results import campaign_results
from culturecoop.campaigns.sender import SmtpServer, send_campaign
from culturecoop.campaigns.service import create_campaign
from culturecoop.campaigns.settings import set_settings
from culturecoop.campaigns.simulate import simulate_response
from culturecoop.ingest.load import ingest
from culturecoop.reco.audiences import build_audience
from culturecoop.warehouse.engine import Warehouse

TARGET = 0.90
BODY = "{event_title}\n{event_date}\n{link}\n\n{member_name}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "culturecoop.cli.main", *args], capture_output=True, text=True,
                            env={**os.environ, "CULTURECOOP_LANG": "en"})
    if result.returncode:
        raise SystemExit(result.stderr)


def build(folder: Path, patrons: int, seed: int) -> Path:
    cli("keys", "init", "--dir", str(folder / "keys"))
    cli("synth", "--out", str(folder / "exports"), "--patrons", str(patrons), "--seed", str(seed))
    members = json.loads((folder / "exports" / "members.json").read_text())
    for m in members:
        cli("prepare", str(folder / "exports" / m["file"]), "--member", m["member_id"], "--profile", m["profile"], "--name", m["name"],
            "--kind", m["kind"], "--region", m["region"], "--keys", str(folder / "keys"), "--out", str(folder / "packages" / m["member_id"]),
            "--rejects", str(folder / f"{m['member_id']}.rejects.csv"))
    db = folder / "coop.duckdb"
    cli("ingest", *[str(folder / "packages" / m["member_id"]) for m in members], "--db", str(db))
    cli("link", "--db", str(db))
    return db


def pick_audience(db: Path) -> tuple[str, str, str, int]:
    """The member with the most people who may receive e-mail among its last month's patrons."""
    best: tuple[str, str, str, int] | None = None
    with Warehouse(db) as w:
        set_settings(w, "bench", frequency_cap=1000)
        for member in [r["member_id"] for r in w.query("SELECT member_id FROM member ORDER BY member_id")]:
            audience = build_audience(w, member_id=member, kind="lapsed", params={"months": 1}, name="recent patrons")
            n = len(eligible_in_audience(w, audience["audience_id"], member))
            event = w.scalar("SELECT event_id FROM event WHERE member_id = ? ORDER BY starts_at DESC NULLS LAST LIMIT 1", [member])
            if best is None or n > best[3]:
                best = (member, audience["audience_id"], str(event), n)
    assert best is not None
    return best


def one_run(db: Path, keys: Path, member: str, audience: str, event: str, seed: int, args: argparse.Namespace,
            port: int) -> dict[str, Any]:
    with Warehouse(db) as w:
        created = create_campaign(w, member_id=member, audience_id=audience, subject_fr="{event_title}", subject_en="{event_title}",
                                  body_fr=BODY, body_en=BODY, event_id=event, link="https://billets.example.org/e",
                                  holdout=args.holdout, conversion="member", seed=seed)
        send_campaign(w, created["campaign_id"], keys_dir=keys, server=SmtpServer("127.0.0.1", port), rate=0)
        planted = simulate_response(w, created["campaign_id"], db.parent / f"later-{seed}", base=args.base, lift=args.lift,
                                    slope=args.slope, seed=10_000 + seed)
    ingest(db.parent / f"later-{seed}", db)
    with Warehouse(db) as w:
        result = campaign_results(w, created["campaign_id"])
    lift, truth = result["lift"], planted["true_lift"]
    if not lift["available"]:
        return {"seed": seed, "shown": False, "truth": truth}
    simple, adjusted = lift["two_proportion"], lift["cuped"]
    return {"seed": seed, "shown": True, "truth": truth, "simple": simple, "cuped": adjusted,
            "simple_covers": simple["low"] <= truth <= simple["high"], "cuped_covers": adjusted["low"] <= truth <= adjusted["high"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrons", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--base", type=float, default=0.08)
    parser.add_argument("--slope", type=float, default=0.3)
    parser.add_argument("--lift", type=float, default=0.06)
    parser.add_argument("--holdout", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=11, help="seed of the synthetic cooperative")
    parser.add_argument("--workdir", type=Path, help="keep the built cooperative here and reuse it next time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cc-bench-lift-") as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        db = folder / "coop.duckdb" if (folder / "coop.duckdb").exists() else build(folder, args.patrons, args.seed)
        member, audience, event, eligible = pick_audience(db)
        print(f"cooperative of {args.patrons:,} people built in {time.perf_counter() - started:.0f} s; "
              f"campaigns of {member} to {eligible} people (holdout {args.holdout:.0%}); planted lift {args.lift:.1%}")
        port = free_port()
        controller = Controller(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        runs = []
        try:
            for seed in range(args.runs):
                run_db = folder / f"run-{seed}" / "coop.duckdb"
                shutil.rmtree(run_db.parent, ignore_errors=True)
                run_db.parent.mkdir()
                shutil.copy(db, run_db)
                r = one_run(run_db, folder / "keys", member, audience, event, seed, args, port)
                runs.append(r)
                if r["shown"]:
                    print(f"seed {seed:2d}: truth {r['truth']:+.3f}  two-proportion {r['simple']['difference']:+.3f} "
                          f"[{r['simple']['low']:+.3f}, {r['simple']['high']:+.3f}] {'covers' if r['simple_covers'] else 'MISSES'}  "
                          f"CUPED {r['cuped']['difference']:+.3f} [{r['cuped']['low']:+.3f}, {r['cuped']['high']:+.3f}] "
                          f"{'covers' if r['cuped_covers'] else 'MISSES'}")
                else:
                    print(f"seed {seed:2d}: lift not shown (a figure under k)")
                shutil.rmtree(run_db.parent)
        finally:
            controller.stop()
    shown = [r for r in runs if r["shown"]]
    simple = sum(r["simple_covers"] for r in shown)
    adjusted = sum(r["cuped_covers"] for r in shown)
    print(f"\n{len(shown)} of {len(runs)} runs showed a lift")
    print(f"two-proportion 95 % interval covers the truth in {simple}/{len(runs)} runs "
          f"(mean width {statistics.mean(r['simple']['high'] - r['simple']['low'] for r in shown):.3f})")
    print(f"CUPED 95 % interval covers the truth in {adjusted}/{len(runs)} runs "
          f"(mean width {statistics.mean(r['cuped']['high'] - r['cuped']['low'] for r in shown):.3f})")
    ok = simple >= TARGET * len(runs) and adjusted >= TARGET * len(runs)
    print(f"target ≥ {TARGET:.0%} of runs: {'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
