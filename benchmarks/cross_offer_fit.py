"""Do the cross offers rank partners by how well their shows fit a member's audience? Measured on
the synthetic cooperative (``make demo``) against its truth.

Each member of a synth cooperative asks ``reco.cross.cross_offers`` (the gated answer the Target tab
and the API show) which partners' upcoming shows fit its audience. The synth's truth log holds who
really attends each upcoming show: a show's **true fit** for a member is the share of its attendees
who are the member's past patrons, over the member's share of everyone with a past attendance (a
lift; 1 = as chance), and a partner's the same over the attendees of all its upcoming shows.

For every member, the Spearman correlation between the true fit and

- the **count** the tab ranked by until 2026-12-07: the member's patrons in each show's likely
  audience (three people per seat, up to half the cooperative) — per partner, in the union of them;
- the **fit** it ranks by now: the member's patrons among the tenth of the cooperative most likely
  to come, against chance (``cross.FIT_SHARE``), per show and per partner.

A count or fit the gate hid ranks last. Shows with fewer than ``--min-attendees`` true attendees are
left out of the show-level figure (their true fit is mostly noise; the figure over all shows is
printed too). Also printed: where the synth's planted affinity (``AFFINITY_FROM``'s patrons are
twice as likely to be ``AFFINITY_TO``'s) puts the partner each way.

    .venv/bin/python benchmarks/cross_offer_fit.py demo

It works on a copy of ``DIR/coop.duckdb`` (each answer is an audited release).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from scipy.stats import spearmanr

from culturecoop.reco.cross import DIRECTIONS, cross_offers
from culturecoop.synth import catalog
from culturecoop.warehouse.engine import Warehouse


def truth(folder: Path) -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]], int]:
    """Each member's past patrons, each upcoming show's attendees (true person ids), and everyone
    with a past attendance, from the synth's truth log."""
    cutoff = json.loads((folder / "exports" / "truth.json").read_text())["signals"]["taste"]["reco_cutoff"].replace("T", " ")
    past: dict[str, set[str]] = defaultdict(set)
    coming: dict[tuple[str, str], set[str]] = defaultdict(set)
    with (folder / "exports" / "reco" / "interactions.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            member, _sep, event = row["item_id"].partition(":")
            if row["timestamp"] < cutoff:
                past[member].add(row["user_id"])
            else:
                coming[(member, event)].add(row["user_id"])
    return past, coming, len(set().union(*past.values()))


def lift(attendees: set[str], patrons: set[str], everyone: int) -> float:
    return (len(attendees & patrons) / len(attendees)) / (len(patrons) / everyone)


def ranked(values: list[float | None]) -> list[float]:
    """A hidden value ranks below every shown one."""
    floor = min((v for v in values if v is not None), default=0.0) - 1.0
    return [floor if v is None else v for v in values]


def rho(estimate: list[float | None], true: list[float]) -> float | None:
    """None when it cannot be measured: too few values, or all alike (every fit hidden)."""
    values = ranked(estimate)
    if len(true) < 3 or len(set(values)) < 2 or len(set(true)) < 2:
        return None
    return float(spearmanr(values, true).statistic)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="A `make demo` folder (coop.duckdb and exports/).")
    parser.add_argument("--min-attendees", type=int, default=25)
    args = parser.parse_args()
    past, coming, everyone = truth(args.folder)
    figures: dict[str, list[float | None]] = defaultdict(list)
    places: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "coop.duckdb"
        shutil.copy(args.folder / "coop.duckdb", db)
        with Warehouse(db) as w:
            members = [r["member_id"] for r in w.query("SELECT member_id FROM member ORDER BY member_id") if r["member_id"] in past]
            for member in members:
                offers = cross_offers(w, member, actor="benchmark")
                shows = [e for e in offers["events"] if coming.get((e["partner"], e["event_id"]))]
                true = [lift(coming[(e["partner"], e["event_id"])], past[member], everyone) for e in shows]
                big = [n for n, e in enumerate(shows) if len(coming[(e["partner"], e["event_id"])]) >= args.min_attendees]
                for name, key in (("count", "your_patrons"), ("fit", "fit")):
                    values = [e.get(key) for e in shows]
                    figures[f"shows, {name}"].append(rho([values[n] for n in big], [true[n] for n in big]))
                    figures[f"all shows, {name}"].append(rho(values, true))
                partners = offers["partners"]
                true_p = [lift(set().union(*(a for (owner, _e), a in coming.items() if owner == p["partner"])), past[member], everyone)
                          for p in partners]
                figures["partners, count"].append(rho([p.get(DIRECTIONS[0]) for p in partners], true_p))
                figures["partners, fit"].append(rho([(p.get("fit") or {}).get(DIRECTIONS[0]) for p in partners], true_p))
                by_count = sorted(partners, key=lambda p: -(p.get(DIRECTIONS[0]) or -1))
                places[member] = {"fit": [p["partner"] for p in partners], "count": [p["partner"] for p in by_count]}
                print(f"{member}: {offers['counted']} patrons counted; {len(big)} of {len(shows)} shows with "
                      f"{args.min_attendees}+ true attendees; partners by fit "
                      + ", ".join(f"{p['partner']} {(p.get('fit') or {}).get(DIRECTIONS[0])}" for p in partners))
    print("\nSpearman correlation with the true fit, mean over members (min … max; members where every value is hidden left out):")
    for name, values in figures.items():
        kept = [v for v in values if v is not None]
        print(f"  {name:18s} {statistics.mean(kept):+.2f}  ({min(kept):+.2f} … {max(kept):+.2f}) over {len(kept)} members")
    for a, b in ((catalog.AFFINITY_FROM, catalog.AFFINITY_TO), (catalog.AFFINITY_TO, catalog.AFFINITY_FROM)):
        if a in places:
            print(f"planted affinity: for {a}, {b} is partner #{places[a]['fit'].index(b) + 1} by fit, "
                  f"#{places[a]['count'].index(b) + 1} by count (of {len(places[a]['fit'])})")


if __name__ == "__main__":
    main()
