"""Linkage benchmark: our encodings vs plaintext Splink 5 on FEBRL, and one million records.

    python benchmarks/linkage.py                      # FEBRL4 and FEBRL3, ours vs Splink
    python benchmarks/linkage.py --records 1000000    # scale: six members, encoded records

FEBRL: given name, surname, date of birth and postcode only. Ours links Bloom-filter
encodings made by ``privacy.encodings`` (the whole ``link`` pipeline through a warehouse
file); Splink 5 (DuckDB) links the *plaintext* values with its standard comparisons, term
frequencies on names, u by random sampling and m by EM: same fields, same machine, same run.
Quality is pairwise precision/recall/F1 of the final clusters for both.

Scale: a child process generates the encoded records (``linkage.synthetic``) and loads them
into a warehouse file; this process then runs ``link_warehouse`` on it, so the peak memory
printed for linking (``ru_maxrss`` of this process) excludes the generator (printed apart).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from culturecoop.linkage.evaluate import labels_from_keys, pairwise_quality
from culturecoop.linkage.febrl import evaluate_febrl, febrl_dir, read_febrl_csv


def _row(name: str, figures: dict[str, Any]) -> str:
    return (f"{name:<28} {figures['precision']:>9.4f} {figures['recall']:>9.4f} "
            f"{figures['f1']:>9.4f} {figures['pairs_compared']:>12,} {figures['seconds']:>9.2f}")


def splink_febrl(n: int) -> dict[str, Any]:
    """Plaintext Splink 5 on FEBRL ``n`` with the same four fields; pairwise quality."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    folder = febrl_dir()
    files = ["dataset4a.csv", "dataset4b.csv"] if n == 4 else [f"dataset{n}.csv"]
    frames = []
    for k, name in enumerate(files):
        rows = read_febrl_csv(folder / name)
        frame = pd.DataFrame(rows)[["rec_id", "given_name", "surname", "date_of_birth", "postcode"]]
        frame = frame.replace({"": None})
        frame["source"] = str(k)
        frames.append(frame)
    started = time.perf_counter()
    db = DuckDBAPI()
    tables = [db.register(f, table_name=f"febrl_{k}") for k, f in enumerate(frames)]
    settings = SettingsCreator(
        link_type="link_only" if n == 4 else "dedupe_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.LevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
            block_on("postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(tables if n == 4 else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), record_sample_proportion=1.0)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"), record_sample_proportion=1.0)
    predictions = linker.inference.predict()
    pairs_compared = len(predictions.as_pandas_dataframe())
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    person = clusters["rec_id"].str.split("-").str[1]
    quality = pairwise_quality(labels_from_keys(clusters["cluster_id"].astype(str).tolist()),
                               labels_from_keys(person.tolist()))
    return {**quality.as_dict(), "pairs_compared": pairs_compared, "seconds": round(seconds, 3)}


def febrl(datasets: list[int], with_splink: bool) -> None:
    print(f"{'FEBRL (4 fields)':<28} {'precision':>9} {'recall':>9} {'F1':>9} {'pairs':>12} {'seconds':>9}")
    for n in datasets:
        ours = evaluate_febrl(n)
        print(_row(f"FEBRL{n} ours (encodings)", ours), flush=True)
        if with_splink:
            try:
                theirs = splink_febrl(n)
            except ImportError as exc:
                print(f"FEBRL{n} Splink: not installed ({exc}); install the bench extra")
                continue
            print(_row(f"FEBRL{n} Splink 5 (plaintext)", theirs), flush=True)
    print("pairs: candidate pairs compared after blocking (both)."
)


def _generate(records: int, db: str, seed: int) -> None:
    """Child process: generate encoded records and load them (its memory is not ours)."""
    from culturecoop.linkage.febrl import load_into
    from culturecoop.linkage.synthetic import synthetic_coop
    from culturecoop.warehouse.engine import Warehouse

    coop = synthetic_coop(records, seed=seed)
    with Warehouse(db, create=True) as wh:
        load_into(wh, coop.tables)


def scale(records: int, seed: int) -> None:
    from culturecoop.linkage.resolve import link_warehouse
    from culturecoop.warehouse.engine import Warehouse

    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        db = str(Path(tmp) / "scale.duckdb")
        started = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(target=_generate, args=(records, db, seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"generator failed with exit code {child.exitcode}")
        generated = time.perf_counter() - started
        with Warehouse(db) as wh:
            n = wh.scalar("SELECT count(*) FROM patron")
            members = wh.scalar("SELECT count(DISTINCT member_id) FROM patron")
            summary = link_warehouse(wh)
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"records                {n:,} from {members} members (generated and loaded in {generated:.1f} s)")
    print(f"link time              {summary.seconds:.1f} s  ({n / summary.seconds:,.0f} records/s)")
    print(f"stages (s)             {summary.stages}")
    print(f"candidate pairs        {summary.candidate_pairs:,}  "
          f"({summary.candidate_pairs / max(n, 1):.1f} per record)")
    print(f"persons                {summary.persons:,}  "
          f"({summary.persons_at_several_members:,} at several members)")
    print(f"peak memory (link)     {self_mb:,.0f} MB   (generator process: {child_mb:,.0f} MB)")
    ok = summary.seconds < 300 and self_mb < 6 * 1024
    print(f"target                 < 300 s and < 6,144 MB: {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, help="Link this many synthetic encoded records instead of FEBRL.")
    parser.add_argument("--febrl", type=int, nargs="*", default=[4, 3], help="FEBRL data sets (default 4 3).")
    parser.add_argument("--no-splink", action="store_true", help="Skip the plaintext Splink reference.")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if args.records:
        scale(args.records, args.seed)
    else:
        febrl(args.febrl, not args.no_splink)


if __name__ == "__main__":
    main()
