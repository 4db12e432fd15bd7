"""Benchmark: how long a member waits on a small export, against DuckDB's own floor.

    .venv/bin/python benchmarks/small_exports.py [--rows 60 1200 20000] [--repeat 5]

A venue's export is often a few dozen to a few thousand rows; what the member app's export page
and its « Préparer » button cost is then the fixed cost of reading, checking and packaging, not
the rows. In one run, in this process (no start-up), on the same file for each size:
  * floor: DuckDB alone reads the export CSV (semicolons, decimal commas) and writes it to Parquet;
  * check: ``ingest.prepare.check_export`` with the mapping the member app drafts (what the export
    page runs, with the preview, on every visit);
  * prepare: ``ingest.prepare.prepare`` to a package (the « Préparer » button).
Medians of --repeat runs and the ratios to the floor are printed (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import yaml

from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import check_export, prepare
from culturecoop.ingest.profile import parse_profile
from culturecoop.privacy.keys import init_keys

HEADER = "No billet;No client;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut\n"
TODAY = date(2026, 12, 3)


def write_export(path: Path, rows: int) -> None:
    """``rows`` sales of a Québec box office (« 46,50 $ », day-first dates, one quantity each)."""
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(rows):
            f.write(f"B{i};C{i % 700};p{i % 700}@exemple.test;11/01/2026 16:47;S{i % 9};Soirée {i % 9};"
                    f"20/05/2026 20:00;{40 + i % 7},50 $;{1 + i % 3};Payé\n")


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(work: Path, rows: int, member: MemberInfo, repeat: int) -> tuple[float, float, float]:
    """Medians of the floor, the check and the prepare of an export of ``rows`` rows."""
    export = work / f"ventes-{rows}.csv"
    write_export(export, rows)
    mapping = {**draft_mapping(export).mapping, "consent_defaults": {"pooling": True},
               "consent_basis": "Art. 7 de nos conditions de vente"}
    profile = parse_profile(yaml.safe_dump(mapping, allow_unicode=True), source="benchmark")

    def floor() -> None:
        con = duckdb.connect()
        con.execute(f"COPY (SELECT * FROM read_csv('{export}', delim=';', header=true, all_varchar=true)) "
                    f"TO '{work / 'floor.parquet'}' (FORMAT parquet)")
        con.close()

    def package() -> None:
        out = work / f"pkg-{rows}-{time.perf_counter_ns()}"
        prepare(export, member=member, profile=profile, keys_dir=work / "keys", out=out, today=TODAY)

    return (median_seconds(floor, repeat),
            median_seconds(lambda: check_export(export, profile, today=TODAY), repeat),
            median_seconds(package, repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[60, 1200, 20000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="small-exports-"))
    init_keys(work / "keys")
    member = MemberInfo("theatre-lilas", "Théâtre des Lilas", "theatre", "Montréal")
    print(f"{'rows':>7} {'floor':>8} {'check':>8} {'ratio':>7} {'prepare':>8} {'ratio':>7}")
    for rows in args.rows:
        base, checked, prepared = measure(work, rows, member, args.repeat)
        print(f"{rows:>7} {base:>7.3f}s {checked:>7.3f}s {checked / base:>6.1f}× {prepared:>7.3f}s {prepared / base:>6.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
