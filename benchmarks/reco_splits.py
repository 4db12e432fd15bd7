"""The cold-start criterion on many splits at once: every model of ``reco evaluate`` × every split.

One 58-user temporal split cannot tell two good models apart, and a choice fitted to it says
nothing about the held-out log. This script runs ``reco evaluate``'s protocol (the same code,
in this process) on every split it is given and prints one table — nDCG@10 with its bootstrap
95 % interval, catalogue coverage, AUC on item splits — and, per split, whether the hybrid's
nDCG@10 is at least the best baseline's (LightFM included) without falling behind LightFM on
coverage (the acceptance criterion).

Splits are named on the command line; data paths come from arguments (no data in the repo):

    python benchmarks/reco_splits.py \\
        --log ml100k=/data/ml100k_interactions.csv,/data/ml100k_items.csv \\
        --cutoff ml100k=1997-12-01 --cutoff ml100k=1998-01-15 --cutoff ml100k=1998-02-15 \\
        --test-items ml100k=/data/ml100k_test_items.csv --random-items ml100k=11 \\
        --synth /tmp/synth --json /tmp/splits.json

``--random-items NAME=SEED`` holds out a fifth of log NAME's items drawn with that seed (a fresh
item cold-start split nobody chose by looking at it; the list is written beside ``--json``, or in
a temporary folder).

``--synth DIR`` is a folder written by ``culturecoop synth``. LightFM comes from the ``bench``
extra; without it the criterion column says so.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from culturecoop.errors import UserError
from culturecoop.reco import evaluate
from culturecoop.reco.logs import read_interactions, read_items

MODELS = ("random", "genre_popularity", "content_knn", "lightfm", "hybrid", "hybrid_discoverability")
BASELINES = ("random", "genre_popularity", "content_knn", "lightfm")


def _named(values: list[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not rest:
            sys.exit(f"{what} {value!r}: write NAME=VALUE, e.g. ml100k=1998-01-15")
        pairs.append((name, rest))
    return pairs


def _row(split: str, report: dict[str, Any], width: int) -> list[str]:
    lines = []
    models = report["models"]
    for name in MODELS:
        entry = models.get(name)
        if not entry or entry.get("applicable") is False:
            continue
        ndcg = entry["ndcg"]
        auc = f"{entry['auc']:.3f}" if "auc" in entry else ""
        lines.append(f"{split:<{width}}{name:<24}{ndcg['mean']:>8.4f}  {ndcg['low']:.4f}–{ndcg['high']:.4f}"
                     f"{entry['coverage']:>9.3f}{auc:>7}")
    return lines


def _verdict(report: dict[str, Any]) -> str:
    """The criterion: the hybrid's nDCG@10 at least the best baseline's (LightFM included), its
    coverage at least LightFM's (the feature-aware reference the criterion names; random's
    coverage is no standard when random happens to be the best of weak baselines)."""
    models = report["models"]
    hybrid, lightfm = models["hybrid"], models.get("lightfm")
    if not lightfm or lightfm.get("applicable") is False:
        return "LightFM not measured"
    baselines = {name: models[name] for name in BASELINES if name in models and models[name].get("applicable", True)}
    best = max(baselines, key=lambda name: baselines[name]["ndcg"]["mean"])
    ndcg_ok = hybrid["ndcg"]["mean"] >= baselines[best]["ndcg"]["mean"]
    coverage_ok = hybrid["coverage"] >= lightfm["coverage"]
    if ndcg_ok and coverage_ok:
        return f"met (best baseline {best})"
    return "NOT met (" + " and ".join(
        what for what, ok in (("nDCG", ndcg_ok), ("coverage", coverage_ok)) if not ok) + f" behind; best baseline {best})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", action="append", default=[], metavar="NAME=INTERACTIONS.csv,ITEMS.csv",
                        help="an interaction log and its item table, named for --cutoff and --test-items")
    parser.add_argument("--cutoff", action="append", default=[], metavar="NAME=DATE", help="a temporal split of log NAME")
    parser.add_argument("--test-items", action="append", default=[], metavar="NAME=FILE.csv",
                        help="an item cold-start split of log NAME")
    parser.add_argument("--random-items", action="append", default=[], metavar="NAME=SEED",
                        help="an item cold-start split of log NAME: a fifth of its items, drawn with SEED")
    parser.add_argument("--synth", type=Path, action="append", default=[], help="a folder written by culturecoop synth")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--no-lightfm", action="store_true")
    parser.add_argument("--json", type=Path, help="write every report here")
    args = parser.parse_args()

    logs: dict[str, tuple[Path, Path | None]] = {}
    for name, value in _named(args.log, "--log"):
        interactions, _sep, items = value.partition(",")
        logs[name] = (Path(interactions), Path(items) if items else None)
    runs: list[tuple[str, dict[str, Any]]] = []
    for name, cutoff in _named(args.cutoff, "--cutoff"):
        if name not in logs:
            sys.exit(f"--cutoff {name}=…: no --log {name}=… given")
        runs.append((f"{name} temporal {cutoff}", {"interactions": logs[name][0], "items_path": logs[name][1],
                                                   "cutoff": cutoff, "test_items": None}))
    for name, path in _named(args.test_items, "--test-items"):
        if name not in logs:
            sys.exit(f"--test-items {name}=…: no --log {name}=… given")
        runs.append((f"{name} item {Path(path).stem}", {"interactions": logs[name][0], "items_path": logs[name][1],
                                      "cutoff": None, "test_items": Path(path)}))
    folder = args.json.parent if args.json is not None else Path(tempfile.mkdtemp(prefix="reco-splits-")) if args.random_items else Path()
    item_ids: dict[str, Any] = {}
    for name, seed in _named(args.random_items, "--random-items"):
        if name not in logs:
            sys.exit(f"--random-items {name}=…: no --log {name}=… given")
        if not seed.isdigit():
            sys.exit(f"--random-items {name}={seed}: the seed is a whole number, e.g. {name}=11")
        if name not in item_ids:  # one read per log, however many seeds
            item_ids[name] = read_items(logs[name][1], read_interactions(logs[name][0], timed=False)).ids
        ids = item_ids[name]
        held = np.sort(np.random.default_rng(int(seed)).choice(len(ids), len(ids) // 5, replace=False))
        listing = folder / f"{name}_random_items_{seed}.csv"
        with listing.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([["item_id"], *([ids[i]] for i in held)])
        runs.append((f"{name} item random {seed}", {"interactions": logs[name][0], "items_path": logs[name][1],
                                                   "cutoff": None, "test_items": listing}))
    if not runs and not args.synth:
        parser.error("give at least one --cutoff, --test-items or --synth")

    reports: dict[str, Any] = {}
    width = max([26] + [len(label) + 2 for label, _kwargs in runs] + [len(f"synth {f.name}") + 2 for f in args.synth])
    lines = [f"{'split':<{width}}{'model':<24}{'nDCG@10':>8}  {'95 % interval':<13}{'coverage':>9}{'AUC':>7}"]
    verdicts: list[str] = []
    met: list[bool] = []
    failed: list[str] = []
    for label, kwargs in runs + [(f"synth {folder.name}", {"synth": folder}) for folder in args.synth]:
        started = time.perf_counter()
        try:
            if "synth" in kwargs:
                report = evaluate.run_synth(kwargs["synth"], args.k, with_lightfm=not args.no_lightfm)
            else:
                report = evaluate.run(kwargs["interactions"], kwargs["items_path"], cutoff=kwargs["cutoff"],
                                      test_items=kwargs["test_items"], k=args.k, with_lightfm=not args.no_lightfm)
        except UserError as error:
            # One split that cannot be made (a cutoff before the log starts…) is reported, and the others still run.
            failed.append(f"{label}: {error}")
            print(f"not run {label}: {error}", file=sys.stderr, flush=True)
            continue
        seconds = time.perf_counter() - started
        reports[label] = report
        label_full = f"{label} ({report['test']['users']} users, {report['test']['items']} items)"
        lines += _row(label, report, width)
        verdicts.append(f"{label_full:<60} {_verdict(report)}   hybrid choices {report['hybrid']}   {seconds:.0f} s")
        met.append(_verdict(report).startswith("met"))
        print(f"done {label_full} in {seconds:.0f} s", file=sys.stderr, flush=True)
    print("\n".join(lines))
    print("\nhybrid ≥ the best baseline on nDCG@10 and ≥ LightFM on coverage, per split:")
    print("\n".join(verdicts))
    print(f"\ncriterion met on {sum(met)} of {len(met)} splits")
    if failed:
        print("\nnot run:\n" + "\n".join(failed))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as error:  # a bad log or split: the same one sentence as `reco evaluate`
        sys.exit(str(error))
