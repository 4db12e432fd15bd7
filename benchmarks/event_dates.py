"""How many events of each sample export get a start date from draft → prepare, nothing edited.

Prints, per export of ``tests/fixtures/exports`` (and its ``vendors`` folder, or the files given)
and of an Eventbrite-like French export written here (the shows' dates only in their names), the
events and how many have a start; with ``--json FILE``, writes every event's (title, start) so
that two runs can be compared (``--compare OLD.json``: the events whose start changed).
Run: ``python benchmarks/event_dates.py [--json out.json] [--compare before.json] [FILES…]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from culturecoop.errors import UserError
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from culturecoop.privacy.keys import init_keys

EXPORTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "exports"
TODAY = dt.date(2026, 6, 15)


def events_of(path: Path, keys: Path, work: Path) -> list[tuple[str, str, str | None]]:
    """(event id, title, start) of every event ``prepare`` writes with the drafted mapping."""
    draft = draft_mapping(path)
    profile = parse_profile(draft.yaml_text, source=path.name)
    out = work / f"{path.name}.pkg"
    prepare(path, member=MemberInfo("bench", "bench"), profile=profile, keys_dir=keys, out=out, today=TODAY)
    table = pq.read_table(out / "event.parquet").to_pylist()
    return [(str(e["event_id"]), str(e["title"]), e["starts_at"].isoformat() if e["starts_at"] else None)
            for e in table]


# Eventbrite's orders as a French venue exports them: no date column, the date in the event's name.
SHOWS = (("Chansonniers du Petit Champlain — 13/02/2026", "2026-01"),
         ("Chansonniers du Petit Champlain — 14/02/2026", "2026-01"),
         ("Concert de Noël – 14 décembre 2025 20h30", "2025-11"), ("Soirée jazz — ven. 6 mars 2026 à 20h", "2026-02"),
         ("Festival d'été 12–14 juillet 2026", "2026-05"), ("Les 400 coups — ciné-concert — 21/03 à 19h30", "2026-03"),
         ("Symphonie n° 9 — 05/06/2026 20:00", "2026-04"), ("Top 50 des années 80", "2026-04"))


def eventbrite_fr(path: Path) -> Path:
    """Write the Eventbrite-like French export (12 orders per show) to ``path``."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["N° de commande", "Date de la commande", "Prénom", "Nom", "Courriel", "Quantité",
                      "Type de billet", "Nom de l'événement", "Devise", "Montant total payé", "Statut de la commande"])
        n = 0
        for title, month in SHOWS:
            for i in range(12):
                n += 1
                out.writerow([f"1{n:05d}", f"{month}-{1 + n * 7 % 12:02d} {10 + i % 9}:{n * 13 % 60:02d}",
                              f"Prénom{n}", f"Nom{n}", f"personne{n}@exemple.org", 1 + n % 3,
                              ("Général", "Étudiant", "Aîné")[n % 3], title, "CAD", f"{25 * (1 + n % 3)},00",
                              "Confirmée"])
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    files = args.files or sorted(p for p in [*EXPORTS.iterdir(), *(EXPORTS / "vendors").iterdir()] if p.is_file())
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys"
        init_keys(keys)
        if not args.files:
            files.append(eventbrite_fr(Path(tmp) / "eventbrite-fr-commandes.csv"))
        for path in files:
            try:
                found[path.name] = events_of(path, keys, Path(tmp))
            except UserError as exc:
                print(f"{path.name}: refused: {exc}", file=sys.stderr)
    total = dated = 0
    for name, events in found.items():
        n, d = len(events), sum(1 for e in events if e[2])
        total, dated = total + n, dated + d
        if d < n:
            print(f"{name:50} {d:3} of {n:3} events dated")
    print(f"all: {dated} of {total} events dated, in {len(found)} exports")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1))
    if args.compare:
        old = json.loads(args.compare.read_text())
        for name, events in found.items():
            before = {e[0]: e[2] for e in old.get(name, [])}
            changed = [(e[0], before.get(e[0]), e[2]) for e in events if e[0] in before and before[e[0]] != e[2]]
            new_ids = {e[0] for e in events} - set(before)
            if changed or new_ids or len(before) != len(events):
                print(f"{name}: {len(changed)} starts changed {changed[:5]}; events {len(before)} -> {len(events)}")


if __name__ == "__main__":
    main()
