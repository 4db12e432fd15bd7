"""Benchmark: `prepare` and `ingest` of one million synthetic tickets against DuckDB's own floor.

    .venv/bin/python benchmarks/prepare_ingest.py [--tickets 1000000] [--repeat 3]

In one run, on the same files:
  * floor for prepare: DuckDB alone reads the export CSV and writes it to Parquet;
  * prepare: the real `culturecoop prepare` command (parse, validate, split, pseudonymize,
    package), as a member runs it;
  * floor for ingest: DuckDB alone loads the package's Parquet files into a fresh database;
  * ingest: the real `culturecoop ingest` command (verify checksums, load in one transaction
    with keys).
Each is run --repeat times; medians and ratios are printed with the peak memory of the command
(the machine is shared and noisy: medians and ratios, not single timings). Targets (issue 2):
prepare ≤ 4× its floor, ingest ≤ 2× its floor, peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from culturecoop.synth import catalog as cat
from culturecoop.synth.badrows import salt
from culturecoop.synth.population import draw_people
from culturecoop.synth.tickets import make_member_data
from culturecoop.synth.writers import load_profile, write_export

CLI = [sys.executable, "-m", "culturecoop.cli.main"]


def make_export(path: Path, tickets: int, seed: int = 7) -> int:
    """One member's canonical CSV with about ``tickets`` ticket rows (bad rows included)."""
    spec = next(m for m in cat.MEMBERS if m.profile == "canonical")
    people = draw_people(np.random.default_rng([seed, 1]), max(1000, tickets // 5))
    data = make_member_data(np.random.default_rng([seed, 2]), spec, people,
                            np.arange(len(people.given)),
                            float(tickets))
    profile = load_profile("canonical")
    rows = salt(np.random.default_rng([seed, 3]), data, profile.format)
    write_export(path, rows, profile)
    return int(rows.n)


def run_measured(args: list[str]) -> tuple[float, float, str, float]:
    """Run a command; return (seconds, peak resident memory in MB, stdout, CPU seconds of all
    its threads, start-up included)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stdout, usage.ru_utime + usage.ru_stime


FLOOR_CSV = """
import sys, time, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
started, cpu = time.perf_counter(), time.process_time()
con.execute("COPY (SELECT * FROM read_csv(?, header = true, all_varchar = true)) TO ? (FORMAT parquet)",
            [sys.argv[1], sys.argv[2]])
print(time.perf_counter() - started, time.process_time() - cpu)
"""

FLOOR_PARQUET = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
started, cpu = time.perf_counter(), time.process_time()
for table in ("event", "patron", "ticket", "consent"):
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)", [f"{sys.argv[1]}/{table}.parquet"])
con.execute("CHECKPOINT")
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def floor_csv_to_parquet(csv: Path, work: Path) -> tuple[float, float, float]:
    """DuckDB alone, in its own process: CSV → Parquet. Returns (seconds, peak MB, CPU seconds)
    of the copy alone (start-up not counted, unlike the commands')."""
    target = work / "floor.parquet"
    _, peak, out, _cpu = run_measured([sys.executable, "-c", FLOOR_CSV, str(csv), str(target)])
    target.unlink()
    seconds, cpu = out.split()
    return float(seconds), peak, float(cpu)


def floor_load_parquet(package: Path, work: Path) -> tuple[float, float, float]:
    """DuckDB alone, in its own process: the package's Parquet files → tables of a new file."""
    db = work / "floor.duckdb"
    _, peak, out, _cpu = run_measured([sys.executable, "-c", FLOOR_PARQUET, str(package), str(db)])
    db.unlink()
    seconds, cpu = out.split()
    return float(seconds), peak, float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--make-export", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_export:
        print(make_export(args.make_export, args.tickets))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="cc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    keys = work / "keys"
    if not keys.exists():
        subprocess.run([*CLI, "keys", "init", "--dir", str(keys)], check=True, capture_output=True)

    csv = work / "export.csv"
    # Generated in a child process: this process stays small, so the peak memory measured for
    # each command is the command's own (Linux keeps ru_maxrss across fork and exec).
    seconds, _, out, _ = run_measured([sys.executable, __file__, "--make-export", str(csv),
                                    "--tickets", str(args.tickets)])
    rows = int(out)
    print(f"synth: {rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB) written in {seconds:.1f} s")

    results: dict[str, list[float]] = {"floor_prepare": [], "prepare": [], "floor_ingest": [], "ingest": []}
    cpus: dict[str, list[float]] = {"floor_prepare": [], "prepare": [], "floor_ingest": [], "ingest": []}
    peaks: dict[str, float] = {"floor_prepare": 0.0, "prepare": 0.0, "floor_ingest": 0.0, "ingest": 0.0}
    summary: dict[str, object] = {}
    for i in range(args.repeat):
        seconds, peak, cpu = floor_csv_to_parquet(csv, work)
        results["floor_prepare"].append(seconds)
        cpus["floor_prepare"].append(cpu)
        peaks["floor_prepare"] = max(peaks["floor_prepare"], peak)
        package = work / f"pkg{i}"
        shutil.rmtree(package, ignore_errors=True)
        rejects = work / f"rejects{i}.csv"
        seconds, peak, stdout, cpu = run_measured([
            *CLI, "prepare", str(csv), "--member", "bench", "--profile", "canonical",
            "--keys", str(keys), "--out", str(package), "--rejects", str(rejects), "--json",
        ])
        results["prepare"].append(seconds)
        cpus["prepare"].append(cpu)
        peaks["prepare"] = max(peaks["prepare"], peak)
        summary = json.loads(stdout)
        seconds, peak, cpu = floor_load_parquet(package, work)
        results["floor_ingest"].append(seconds)
        cpus["floor_ingest"].append(cpu)
        peaks["floor_ingest"] = max(peaks["floor_ingest"], peak)
        db = work / f"coop{i}.duckdb"
        db.unlink(missing_ok=True)
        seconds, peak, _, cpu = run_measured([*CLI, "ingest", str(package), "--db", str(db), "--json"])
        results["ingest"].append(seconds)
        cpus["ingest"].append(cpu)
        peaks["ingest"] = max(peaks["ingest"], peak)
        db.unlink()
        shutil.rmtree(package)

    med = {k: statistics.median(v) for k, v in results.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpus.items()}
    rows_in = int(summary.get("rows_in", rows))  # type: ignore[call-overload]
    print(f"\nrows in: {rows_in:,}   accepted: {summary.get('rows_accepted')}   rejected: {summary.get('rows_rejected')}")
    print(f"{'step':<34}{'median s':>10}{'rows/s':>14}{'ratio':>8}{'target':>8}{'peak MB':>10}"
          f"{'CPU s':>8}{'CPU ratio':>11}")
    lines = [
        ("DuckDB: CSV → Parquet (floor)", "floor_prepare", None, None),
        ("culturecoop prepare", "prepare", "floor_prepare", 4.0),
        ("DuckDB: Parquet → tables (floor)", "floor_ingest", None, None),
        ("culturecoop ingest", "ingest", "floor_ingest", 2.0),
    ]
    ok = True
    for name, key, floor, target in lines:
        seconds = med[key]
        ratio = seconds / med[floor] if floor else None
        ratio_s = f"{ratio:.2f}×" if ratio is not None else ""
        target_s = f"≤{target:.0f}×" if target is not None else ""
        # CPU seconds of all threads (a command's own start-up included, the floors' not): less
        # sensitive than wall time to the other work sharing the machine. The targets stay on
        # wall time.
        cpu_ratio = f"{cpu_med[key] / cpu_med[floor]:.2f}×" if floor else ""
        print(f"{name:<34}{seconds:>10.2f}{rows_in / seconds:>14,.0f}{ratio_s:>8}{target_s:>8}{peaks[key]:>10.0f}"
              f"{cpu_med[key]:>8.2f}{cpu_ratio:>11}")
        if ratio is not None and target is not None and ratio > target:
            ok = False
    if max(peaks["prepare"], peaks["ingest"]) >= 2048:
        ok = False
    print(f"load average at the end (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nruns per step: {args.repeat}; all targets met: {'yes' if ok else 'NO'}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
