"""`culturecoop reco evaluate`: the cold-start protocol, the acceptance on synth, bad input."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook
from tests.conftest import run_cli_here as run_cli
from tests.conftest import synth_once

from culturecoop.reco.features import fit_encoder

FIELDS = {"users", "precision", "recall", "ndcg", "map", "coverage", "gini", "novelty", "diversity", "seconds"}


@pytest.fixture(scope="module")
def synth_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("reco-eval")
    exports = synth_once(tmp_path_factory, 20000, 42)  # the cooperative test_reports_signals reads too
    result = run_cli("reco", "evaluate", "--synth", str(exports), "--k", "10", "--json", "--no-lightfm",
                     "--plot", str(out / "tradeoff.png"))
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    report["png"] = (out / "tradeoff.png").read_bytes()
    return report


def test_model_beats_genre_popularity_by_half_and_content_knn_with_separate_intervals(synth_report: dict[str, Any]) -> None:
    models = synth_report["models"]
    hybrid, popular, knn = models["hybrid"]["ndcg"], models["genre_popularity"]["ndcg"], models["content_knn"]["ndcg"]
    assert hybrid["mean"] >= 1.5 * popular["mean"]
    assert hybrid["low"] > knn["high"]
    assert synth_report["protocol"] == "temporal" and synth_report["test"]["items"] > 50


def test_discoverability_default_lifts_local_and_francophone_for_little_accuracy(synth_report: dict[str, Any]) -> None:
    d = synth_report["discoverability"]
    assert d["local_share"] >= d["local_catalogue_share"] + 0.10
    assert d["francophone_share"] >= d["francophone_catalogue_share"] + 0.10
    assert d["ndcg_loss"] <= 0.05
    curve = synth_report["tradeoff"]
    assert [p["diversity"] for p in curve] == sorted(p["diversity"] for p in curve)
    assert synth_report["png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_every_model_reports_the_same_fields(synth_report: dict[str, Any]) -> None:
    scored = {name: m for name, m in synth_report["models"].items() if "ndcg" in m}
    assert {"random", "genre_popularity", "content_knn", "hybrid"} <= set(scored)
    for m in scored.values():
        assert set(m) >= FIELDS and {"local_share", "francophone_share"} <= set(m)
        assert m["ndcg"]["low"] <= m["ndcg"]["mean"] <= m["ndcg"]["high"]
    assert synth_report["models"]["als"]["applicable"] is False


def _log(tmp_path: Path, extra_after_cutoff: bool = False) -> tuple[Path, Path]:
    """A small log with a planted taste: users of group g like genre g; new items after 2024-06-01."""
    rng = np.random.default_rng(5)
    genres = ["jazz", "theatre", "rock", "dance"]
    items = [f"i{n}" for n in range(60)]
    genre_of = {i: genres[n % 4] for n, i in enumerate(items)}
    first = {i: ("2024-01-01" if n < 40 else "2024-07-01") for n, i in enumerate(items)}
    rows = ["user_id,item_id,timestamp"]
    for u in range(120):
        liked = [i for i in items if genre_of[i] == genres[u % 4]]
        for i in rng.choice(liked, 6, replace=False).tolist():
            day = "2024-03-0" + str(1 + u % 9) if first[i] < "2024-06" else "2024-08-0" + str(1 + u % 9)
            rows.append(f"u{u},{i},{day}T20:00:00" if u % 2 else f"u{u},{i},{int(np.datetime64(day, 's').astype(int))}")
        if extra_after_cutoff:  # later interest in old items: must not change training
            rows.append(f"u{u},{items[u % 40]},2024-09-15")
    log = tmp_path / ("log2.csv" if extra_after_cutoff else "log.csv")
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = tmp_path / "items.csv"
    table.write_text("item_id,genres,year,first_available\n" + "\n".join(
        f"{i},{genre_of[i]},{1990 + n % 30},{first[i]}" for n, i in enumerate(items)) + "\n", encoding="utf-8")
    return log, table


def test_temporal_split_learns_nothing_after_the_cutoff(tmp_path: Path) -> None:
    reports = []
    for extra in (False, True):
        log, items = _log(tmp_path, extra)
        result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(items), "--cutoff", "2024-06-01",
                         "--k", "5", "--json", "--no-lightfm")
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(result.stdout))
    first, second = reports
    assert first["test"]["items"] == 20 and first["train"]["interactions"] == second["train"]["interactions"]
    assert first["models"]["hybrid"]["ndcg"] == second["models"]["hybrid"]["ndcg"]
    # Upcoming items are the newest: one hybrid, its blend chosen on the newest quarter.
    assert "members" not in first["hybrid"]
    # The planted taste is found: far above random.
    assert first["models"]["hybrid"]["ndcg"]["mean"] > 2 * first["models"]["random"]["ndcg"]["mean"]


def test_the_baselines_figures_owe_nothing_to_the_order_of_the_items_file(tmp_path: Path) -> None:
    """Popularity by genre and the genre match score every item of a genre alike. Ranked in the
    file's order, a catalogue numbered as it grew (MovieLens) would hand them the items' age, and
    the same items listed the other way round would score otherwise."""
    log, items = _log(tmp_path)
    lines = items.read_text(encoding="utf-8").splitlines()
    reversed_items = tmp_path / "items_reversed.csv"
    reversed_items.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    reports = []
    for table in (items, reversed_items):
        result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(table), "--cutoff", "2024-06-01",
                         "--k", "3", "--json", "--no-lightfm")
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(result.stdout)["models"])
    for baseline in ("genre_popularity", "content_knn"):
        first, second = ({k: v for k, v in r[baseline].items() if k != "seconds"} for r in reports)
        assert first == second, baseline
    # Five items of each genre tie for three places: each user draws their own three, so the
    # genre match's lists reach every test item.
    assert reports[0]["content_knn"]["coverage"] == 1.0


def _seconds(value: str) -> int:
    return int(value) if value.isdigit() else int(np.datetime64(value, "s").astype(int))


def _milliseconds(value: str) -> str:
    return str(_seconds(value) * 1000)


def _goodreads(value: str) -> str:
    """Goodreads' and Twitter's way: "Fri Aug 25 13:55:02 -0700 2017"."""
    moment = datetime.fromtimestamp(_seconds(value), timezone(timedelta(hours=-7)))
    return moment.strftime("%a %b %d %H:%M:%S %z %Y")


@pytest.mark.parametrize("written", [_milliseconds, _goodreads])
def test_times_written_otherwise_are_the_same_moments(tmp_path: Path, written: Any) -> None:
    """A log whose times are Unix milliseconds (Amazon's reviews, JavaScript exports) or written
    as Goodreads writes them, and an item table whose first availability is, split at a date
    exactly as the same log in seconds and ISO dates (milliseconds were refused with "nothing left
    to train on": every time looked like the far future)."""
    log, items = _log(tmp_path)
    other_log, other_items = tmp_path / "other_log.csv", tmp_path / "other_items.csv"
    rows = log.read_text(encoding="utf-8").splitlines()
    other_log.write_text("\n".join([rows[0]] + [",".join([*r.split(",")[:2], written(r.split(",")[2])]) for r in rows[1:]]) + "\n",
                         encoding="utf-8")
    table = items.read_text(encoding="utf-8").splitlines()
    other_items.write_text("\n".join([table[0]] + [",".join([*r.split(",")[:3], written(r.split(",")[3])]) for r in table[1:]]) + "\n",
                           encoding="utf-8")
    reports = []
    for log_file, items_file in ((log, items), (other_log, other_items)):
        result = run_cli("reco", "evaluate", "--interactions", str(log_file), "--items", str(items_file), "--cutoff", "2024-06-01",
                         "--k", "5", "--json", "--no-lightfm")
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(result.stdout))
    plain, other = reports
    assert other["test"] == plain["test"] and other["train"] == plain["train"]
    assert other["models"]["hybrid"]["ndcg"] == plain["models"]["hybrid"]["ndcg"]


def test_a_log_without_times_is_evaluated_on_held_out_items(tmp_path: Path) -> None:
    """Book-Crossing's ``User-ID,ISBN,Book-Rating`` has no time: the item protocol needs none and
    runs; a temporal split cannot, and says so in one sentence."""
    log, items = _log(tmp_path)
    timeless = tmp_path / "ratings.csv"
    timeless.write_text("\n".join(["User-ID,ISBN,Book-Rating"] + [
        f"{r.split(',')[0]},{r.split(',')[1]},8" for r in log.read_text(encoding="utf-8").splitlines()[1:]]) + "\n", encoding="utf-8")
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(timeless), "--items", str(items), "--test-items", str(held),
                     "--json", "--no-lightfm")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["columns"] == {"user_id": "User-ID", "item_id": "ISBN", "timestamp": None}
    assert report["test"]["items"] == 8
    assert report["models"]["hybrid"]["auc"] > 0.7 > report["models"]["random"]["auc"] - 0.2
    # The sentence says what to do instead: hold items out (Last.fm's ``user_artists.dat`` too).
    assert _refusal(timeless, items, cutoff="2024-06-01") == (
        f"{timeless} has no time column (its columns: User-ID, ISBN, Book-Rating), so no --cutoff can split it in time; "
        "hold out items with --test-items FILE instead (one item_id per line: those items and all their interactions "
        "are the test), or add a timestamp column.")


def test_item_split_reports_auc(tmp_path: Path) -> None:
    log, items = _log(tmp_path)
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    report = _item_split_report(log, items, held)
    assert report["protocol"] == "item" and report["test"]["items"] == 8
    assert report["models"]["hybrid"]["auc"] > 0.7 > report["models"]["random"]["auc"] - 0.2
    # Items held out at random: the committee of five blends, each reported.
    members = report["hybrid"]["members"]
    assert len(members) == 5 and members[0]["discount"] == report["hybrid"]["discount"]
    # Each member chooses its discount and draws by the fold's accuracy alone (breadth 0).
    assert {m["breadth"] for m in members} == {0.0}
    # Each member chose a list diversity on its fold; the committee's is their median, and the ranking
    # factorization's share of its score is said.
    assert report["hybrid"]["diversity"] == sorted(m["diversity"] for m in members)[2]
    assert report["hybrid"]["ranking_share"] == 0.5
    # The trade-off curve starts from the lists the committee serves: the knob never makes them less diverse.
    assert report["tradeoff"][0]["ndcg"] == report["models"]["hybrid"]["ndcg"]["mean"]


def test_a_tie_between_a_relevant_and_an_irrelevant_item_counts_half() -> None:
    """Popularity by genre scores every item of a genre alike: its AUC is what a coin ordering the
    ties would give, so a model that tells nothing apart reads 0.5, not 0."""
    import scipy.sparse as sp

    from culturecoop.reco.metrics import auc_values

    relevant = sp.csr_matrix(np.array([[1, 0, 1, 0], [0, 1, 0, 0]], dtype=float))
    assert auc_values(np.ones((2, 4)), relevant).tolist() == [0.5, 0.5]
    # Scores 2, 1, 1, 0: the first relevant item is above both irrelevant ones, the second above
    # one and tied with the other: (2 + 1.5) / 4.
    assert auc_values(np.array([[2.0, 1, 1, 0], [2.0, 1, 1, 0]]), relevant).tolist() == [0.875, 0.5]


def test_public_logs_are_read_with_their_own_headers(tmp_path: Path) -> None:
    """MovieLens' own files (``userId,movieId,rating,timestamp``; ``movieId,title,genres``; a test
    list headed ``movieId``) give the report the canonical headers give, and the report says which
    column it read as what."""
    log, items = _log(tmp_path)
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    public = tmp_path / "public"
    public.mkdir()
    rows = log.read_text(encoding="utf-8").splitlines()
    (public / "ratings.csv").write_text("\n".join(["userId,movieId,rating,timestamp"] + [
        f"{u},{i},4.0,{t}" for u, i, t in (r.split(",") for r in rows[1:])]) + "\n", encoding="utf-8")
    (public / "movies.csv").write_text(items.read_text(encoding="utf-8").replace("item_id,", "movieId,", 1), encoding="utf-8")
    (public / "held.csv").write_text(held.read_text(encoding="utf-8").replace("item_id", "movieId", 1), encoding="utf-8")
    canonical, movielens = (_item_split_report(folder / names[0], folder / names[1], folder / names[2]) for folder, names in (
        (tmp_path, ("log.csv", "items.csv", "held.csv")), (public, ("ratings.csv", "movies.csv", "held.csv"))))
    assert movielens["columns"] == {"user_id": "userId", "item_id": "movieId", "timestamp": "timestamp"}
    assert movielens["test"] == canonical["test"] and movielens["feature_columns"] == canonical["feature_columns"]
    assert movielens["models"]["hybrid"]["ndcg"] == canonical["models"]["hybrid"]["ndcg"]


def test_public_files_as_published_read_like_their_csv(tmp_path: Path) -> None:
    """MovieLens 1M as published: ``::`` between fields, no header row (user, item, rating, time),
    titles in Latin-1 ending with their year. The report is the one a UTF-8 CSV with headers
    gives, and it says which position it read as what; a rating of 4 is never taken for the time."""
    log, _items = _log(tmp_path)
    rows = [r.split(",") for r in log.read_text(encoding="utf-8").splitlines()[1:]]
    genre = {f"i{n}": ("jazz", "theatre", "rock", "dance")[n % 4] + ("|live", "", "|studio")[n % 3] for n in range(60)}
    words = ("Soirée", "Concert", "Nuit", "Festival", "Gala", "Récital", "Matinée")
    title = {i: f"{words[n % 7]} {i} ({1990 + n % 30})" for n, i in enumerate(genre)}
    published, canonical = tmp_path / "published", tmp_path / "canonical"
    published.mkdir()
    canonical.mkdir()
    unix = [(u, i, t if t.isdigit() else str(int(np.datetime64(t, "s").astype(int)))) for u, i, t in rows]
    (published / "ratings.dat").write_text("".join(f"{u}::{i}::4::{t}\n" for u, i, t in unix), encoding="utf-8")
    (published / "movies.dat").write_bytes("".join(f"{i}::{title[i]}::{g}\n" for i, g in genre.items()).encode("latin-1"))
    # Named so that their features sort as the positions' do (a_title, a_title (year), genres;
    # column1, column1 (year), column2).
    (canonical / "ratings.csv").write_text("user_id,item_id,rating,timestamp\n" + "".join(f"{u},{i},4,{t}\n" for u, i, t in unix), encoding="utf-8")
    (canonical / "movies.csv").write_text("item_id,a_title,genres\n" + "".join(f"{i},{title[i]},{g}\n" for i, g in genre.items()), encoding="utf-8")
    held = tmp_path / "held.csv"
    held.write_text("\n".join(f"i{n}" for n in range(0, 60, 5)) + "\n", encoding="utf-8")
    reports = []
    for folder, names in ((published, ("ratings.dat", "movies.dat")), (canonical, ("ratings.csv", "movies.csv"))):
        result = run_cli("reco", "evaluate", "--interactions", str(folder / names[0]), "--items", str(folder / names[1]),
                         "--test-items", str(held), "--json", "--no-lightfm")
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(result.stdout))
    as_published, as_csv = reports
    assert as_published["columns"] == {"user_id": "column0", "item_id": "column1", "timestamp": "column3"}
    assert as_published["feature_columns"] == {"column1": "text", "column1 (year)": "number", "column2": "labels"}
    assert as_published["test"] == as_csv["test"] and as_published["features"] == as_csv["features"]
    assert as_published["models"]["hybrid"]["ndcg"] == as_csv["models"]["hybrid"]["ndcg"]
    # Without headers, the genre baselines still find the genres: the column of lists.
    assert as_published["models"]["content_knn"]["ndcg"] == as_csv["models"]["content_knn"]["ndcg"]


def test_a_listening_history_with_the_time_second_reads_like_its_csv(tmp_path: Path) -> None:
    """Last.fm's listening histories as published: tab-separated, no header, the time in the second
    column (user, time, artist id, artist, track id, track). The artist is the item, not the time."""
    log, items = _log(tmp_path)
    rows = [r.split(",") for r in log.read_text(encoding="utf-8").splitlines()[1:]]
    iso = [(u, i, datetime.fromtimestamp(_seconds(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")) for u, i, t in rows]
    published = tmp_path / "userid-timestamp-artid-artname-traid-traname.tsv"
    published.write_text("".join(f"{u}\t{t}\t{i}\tArtist {i}\t\tTrack 1\n" for u, i, t in iso), encoding="utf-8")
    canonical = tmp_path / "canonical.csv"
    canonical.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{t}\n" for u, i, t in iso), encoding="utf-8")
    reports = [_cutoff_report(path, items) for path in (published, canonical)]
    assert reports[0]["columns"] == {"user_id": "column0", "item_id": "column2", "timestamp": "column1"}
    assert reports[0]["test"] == reports[1]["test"] and reports[0]["models"]["hybrid"]["ndcg"] == reports[1]["models"]["hybrid"]["ndcg"]


@pytest.mark.parametrize("header, written", [
    # Online Retail (UCI): month first, hours without a leading zero.
    ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
     lambda u, i, t: f"5{u[1:]},{i},Article {i},1,{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d},2.55,{u},France"),
    # H&M's transactions: t_dat, customer_id, article_id.
    ("t_dat,customer_id,article_id,price,sales_channel_id", lambda u, i, t: f"{t:%Y-%m-%d},{u},{i},0.05,2"),
    # A European export: day first, with dots.
    ("Client;Article;Date", lambda u, i, t: f"{u};{i};{t:%d.%m.%Y %H:%M}"),
])
def test_retail_logs_are_read_by_their_own_headers_and_dates(tmp_path: Path, header: str, written: Any) -> None:
    """Public shop logs name their columns and write their dates their own way; each gives the
    report a canonical log gives (the same users, items and moments)."""
    log, items = _log(tmp_path)
    rows = [r.split(",") for r in log.read_text(encoding="utf-8").splitlines()[1:]]
    # Twelve days later: days above 12, so that day-first and month-first dates read one way.
    moments = [(u, i, datetime.fromtimestamp(_seconds(t), UTC) + timedelta(days=12)) for u, i, t in rows]
    shop = tmp_path / "shop.csv"
    shop.write_text("\n".join([header] + [written(u, i, t) for u, i, t in moments]) + "\n", encoding="utf-8")
    canonical = tmp_path / "canonical.csv"
    canonical.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{t:%Y-%m-%dT%H:%M}\n" for u, i, t in moments),
                         encoding="utf-8")
    shop_report, canonical_report = (_cutoff_report(path, items) for path in (shop, canonical))
    assert shop_report["test"] == canonical_report["test"]
    assert shop_report["models"]["hybrid"]["ndcg"] == canonical_report["models"]["hybrid"]["ndcg"]


def test_ratings_grouped_under_their_item_read_like_their_csv(tmp_path: Path) -> None:
    """The Netflix Prize's files: a line naming a film (``1:``), then its ratings (user, rating,
    date), film after film. A damaged row is named by its line in the file as given."""
    log, items = _log(tmp_path)
    rows = [r.split(",") for r in log.read_text(encoding="utf-8").splitlines()[1:]]
    dated = [(u, i, datetime.fromtimestamp(_seconds(t), UTC).strftime("%Y-%m-%d")) for u, i, t in rows]
    by_item: dict[str, list[str]] = {}
    for u, i, day in dated:
        by_item.setdefault(i, []).append(f"{u},4,{day}")
    grouped = tmp_path / "combined_data_1.txt"
    grouped.write_text("".join(f"{i}:\n" + "\n".join(lines) + "\n" for i, lines in by_item.items()), encoding="utf-8")
    canonical = tmp_path / "canonical.csv"
    canonical.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{day}\n" for u, i, day in dated), encoding="utf-8")
    as_grouped, as_csv = (_cutoff_report(path, items) for path in (grouped, canonical))
    assert as_grouped["columns"] == {"user_id": "user_id", "item_id": "item_id", "timestamp": "date"}
    assert as_grouped["test"] == as_csv["test"] and as_grouped["models"]["hybrid"]["ndcg"] == as_csv["models"]["hybrid"]["ndcg"]
    lines = grouped.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0]  # a row without its date
    grouped.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(grouped), "--cutoff", "2024-06-01", "--no-lightfm")
    assert result.returncode == 2 and "line 5 is not a row of its item" in result.stderr, result.stderr


def _cutoff_report(log: Path, table: Path) -> dict[str, Any]:
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(table), "--cutoff", "2024-06-01",
                     "--json", "--no-lightfm")
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_compressed_and_json_files_read_like_their_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Data sets are published compressed (``ratings.csv.gz``, a zip of one file) or as JSON lines
    (Amazon's reviews: ``parent_asin``, times in milliseconds, categories as a list), and logs are
    kept in spreadsheets: each gives the report the plain CSV gives, and its converted copy is gone
    when the evaluation ends (not when the program does: Ctrl-C ends it without the program's cleanup)."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    log, items = _log(tmp_path)
    expected = _cutoff_report(log, items)
    packed = tmp_path / "packed"
    packed.mkdir()
    plain = log.read_bytes()
    (packed / "log.csv.gz").write_bytes(gzip.compress(plain))
    (packed / "log.csv.bz2").write_bytes(bz2.compress(plain))
    (packed / "download").write_bytes(lzma.compress(plain))  # recognized by its bytes, not its name
    with zipfile.ZipFile(packed / "log.zip", "w") as archive:
        archive.writestr("ml/log.csv", plain)
    rows = [r.split(",") for r in log.read_text(encoding="utf-8").splitlines()[1:]]
    (packed / "reviews.jsonl").write_text("".join(json.dumps(
        {"user_id": u, "parent_asin": i, "rating": 5.0, "timestamp": 1000 * (int(t) if t.isdigit() else int(np.datetime64(t, "s").astype(int))),
         "verified_purchase": True}) + "\n" for u, i, t in rows), encoding="utf-8")
    table = [r.split(",") for r in items.read_text(encoding="utf-8").splitlines()[1:]]
    (packed / "meta.json").write_text(json.dumps(
        [{"parent_asin": i, "categories": [g], "year": int(y), "first_available": f} for i, g, y, f in table]), encoding="utf-8")
    sheet = Workbook()
    sheet.active.append(["user_id", "item_id", "timestamp"])
    for u, i, t in rows:
        sheet.active.append([u, i, datetime.fromtimestamp(int(t), UTC).replace(tzinfo=None) if t.isdigit() else t])
    sheet.save(packed / "log.xlsx")
    for name in ("log.csv.gz", "log.csv.bz2", "download", "log.zip", "log.xlsx"):
        report = _cutoff_report(packed / name, items)
        assert report["test"] == expected["test"], name
        assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"], name
    report = _cutoff_report(packed / "reviews.jsonl", packed / "meta.json")
    assert report["columns"] == {"user_id": "user_id", "item_id": "parent_asin", "timestamp": "timestamp"}
    assert report["feature_columns"] == {"categories": "labels", "year": "number"}
    assert report["test"] == expected["test"]
    assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]
    assert report["models"]["genre_popularity"]["ndcg"] == expected["models"]["genre_popularity"]["ndcg"]
    assert list(scratch.iterdir()) == []
    # Amazon's reviews name the variant bought (``asin``) and its product (``parent_asin``); the
    # metadata is keyed by product: the log is read by the column the item table uses.
    (packed / "variants.jsonl").write_text("".join(json.dumps(
        {"user_id": u, "asin": f"{i}-{n % 3}", "parent_asin": i, "rating": 5.0,
         "timestamp": 1000 * (int(t) if t.isdigit() else int(np.datetime64(t, "s").astype(int)))}) + "\n"
        for n, (u, i, t) in enumerate(rows)), encoding="utf-8")
    report = _cutoff_report(packed / "variants.jsonl", packed / "meta.json")
    assert report["columns"]["item_id"] == "parent_asin"
    # A product id missing on one row: the log is not switched to it (that row's item would be ""),
    # and the files not sharing ids is one sentence.
    lines = (packed / "variants.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    del first["parent_asin"]
    (packed / "holed.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    holed = run_cli("reco", "evaluate", "--interactions", str(packed / "holed.jsonl"), "--items", str(packed / "meta.json"),
                    "--cutoff", "2024-06-01", "--json", "--no-lightfm")
    assert holed.returncode == 2 and "shares no item_id" in holed.stderr and "Traceback" not in holed.stderr
    assert report["test"] == expected["test"]
    assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]


@pytest.mark.parametrize("name, content, words", [
    ("two.zip", None, "zip archive of 2 files"),
    ("cut.csv.gz", gzip.compress(b"user_id,item_id,timestamp\n" + b"1,2,2024-01-01\n" * 400)[:60], "cannot be decompressed"),
    ("log.jsonl", b'{"user_id": 1, "item_id": 2, "timestamp": 3}\n{"user_id": 1, "item_id": \n', "cannot be read as JSON"),
], ids=["zip-of-two-files", "truncated-gzip", "broken-json"])
def test_a_bad_archive_or_json_file_is_one_sentence(tmp_path: Path, name: str, content: bytes | None, words: str) -> None:
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("ratings.csv", "user_id,item_id,timestamp\n1,2,2024-01-01\n")
            archive.writestr("movies.csv", "item_id,genres\n2,jazz\n")
    else:
        path.write_bytes(content)
    result = run_cli("reco", "evaluate", "--interactions", str(path), "--cutoff", "2024-01-01", "--no-lightfm")
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    # The library's own words (English, whatever the reader's language) stay out of the sentence.
    french = run_cli("reco", "evaluate", "--interactions", str(path), "--cutoff", "2024-01-01", "--no-lightfm", lang="fr")
    assert french.returncode == 2 and "Error" not in french.stderr and "GZIP" not in french.stderr, french.stderr


# The item split's reports by the files' contents: several tests set the same small log's report
# against another layout's, and it is computed once (an evaluation is seconds of training).
_ITEM_SPLIT_REPORTS: dict[tuple[bytes, bytes, bytes], str] = {}


def _item_split_report(log: Path, table: Path, held: Path) -> dict[str, Any]:
    """``reco evaluate``'s JSON for the item split holding out ``held``, features from ``table``."""
    key = (log.read_bytes(), table.read_bytes(), held.read_bytes())
    if key not in _ITEM_SPLIT_REPORTS:
        result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(table), "--test-items", str(held),
                         "--json", "--no-lightfm")
        assert result.returncode == 0, result.stderr
        _ITEM_SPLIT_REPORTS[key] = result.stdout
    report: dict[str, Any] = json.loads(_ITEM_SPLIT_REPORTS[key])
    return report


def _three_tastes(log: Path, seed: int, header: str, row: Callable[[int, int], str]) -> dict[int, str]:
    """A log of 90 users, each with six items of one of three genres (items 1 to 60), written with
    ``header`` and ``row(user, item)``; returns each item's genre."""
    genres = ("jazz", "rock", "folk")
    genre_of = {n: genres[n % 3] for n in range(1, 61)}
    rng = np.random.default_rng(seed)
    rows = [header]
    for u in range(90):
        liked = [n for n in genre_of if genre_of[n] == genres[u % 3]]
        rows += [row(u, n) for n in rng.choice(liked, 6, replace=False).tolist()]
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return genre_of


def test_an_item_table_writing_ids_as_decimals_describes_the_same_items(tmp_path: Path) -> None:
    """pandas writes an id column with a gap as ``12.0``: the table still describes the log's
    item 12 (and so does a test list written that way); a table of another catalogue is refused in
    one sentence instead of an evaluation without a single feature."""
    log = tmp_path / "log.csv"
    genre_of = _three_tastes(log, 3, "user_id,item_id,timestamp", lambda u, n: f"u{u},{n},{1_700_000_000 + n * 1000}")
    whole, decimal = tmp_path / "whole.csv", tmp_path / "decimal.csv"
    whole.write_text("item_id,genres\n" + "\n".join(f"{n},{g}" for n, g in genre_of.items()) + "\n", encoding="utf-8")
    decimal.write_text("item_id,genres\n" + "\n".join(f"{n}.0,{g}" for n, g in genre_of.items()) + "\n", encoding="utf-8")
    held, held_decimal = tmp_path / "held.csv", tmp_path / "held_decimal.csv"
    held.write_text("\n".join(str(n) for n in range(1, 61, 5)) + "\n", encoding="utf-8")
    held_decimal.write_text("\n".join(f"{n}.0" for n in range(1, 61, 5)) + "\n", encoding="utf-8")
    reports = []
    for table, test in ((whole, held), (decimal, held_decimal)):
        result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(table), "--test-items", str(test),
                         "--json", "--no-lightfm")
        assert result.returncode == 0, result.stderr
        reports.append(json.loads(result.stdout))
    assert reports[1]["features"] == reports[0]["features"] > 0
    assert reports[1]["models"]["hybrid"]["ndcg"] == reports[0]["models"]["hybrid"]["ndcg"]
    other = tmp_path / "other.csv"
    other.write_text("item_id,genres\n" + "\n".join(f"tt{n:07d},{g}" for n, g in genre_of.items()) + "\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(other), "--test-items", str(held))
    assert result.returncode == 2 and "shares no item_id" in result.stderr and "tt0000001" in result.stderr


def test_the_item_table_column_holding_the_logs_ids_is_found_among_several(tmp_path: Path) -> None:
    """Goodbooks-10k's ``books.csv`` has ``id``, ``book_id`` (another site's ids, a few of them
    equal to the log's by chance) and ``work_id``; its ratings' ``book_id`` is the table's ``id``.
    The table describes the same items as one with a single id column, and its other ids are
    labels, never numbers in bands."""
    log = tmp_path / "ratings.csv"
    genre_of = _three_tastes(log, 5, "user_id,book_id,rating", lambda u, n: f"u{u},{n},4")
    plain, books = tmp_path / "plain.csv", tmp_path / "books.csv"
    plain.write_text("book_id,genres\n" + "\n".join(f"{n},{g}" for n, g in genre_of.items()) + "\n", encoding="utf-8")
    # The other site's ids: the first three are 2, 4 and 6, ids the log also has.
    books.write_text("id,book_id,work_id,genres\n" + "\n".join(
        f"{n},{2 * n if n <= 3 else 9_000_000 + n},{700 + n},{g}" for n, g in genre_of.items()) + "\n", encoding="utf-8")
    held = tmp_path / "held.csv"
    held.write_text("\n".join(str(n) for n in range(1, 61, 5)) + "\n", encoding="utf-8")
    reports = [_item_split_report(log, table, held) for table in (plain, books)]
    assert reports[1]["models"]["hybrid"]["ndcg"] == reports[0]["models"]["hybrid"]["ndcg"]
    assert "id" not in reports[1]["feature_columns"]
    assert reports[1]["feature_columns"]["book_id"] == reports[1]["feature_columns"]["work_id"] == "labels"


def test_genres_as_yes_no_columns_are_the_genre_baselines_genres(tmp_path: Path) -> None:
    """MovieLens 100k's ``u.item`` writes genres one yes/no column each, next to a page address:
    popularity by genre and content kNN compare the same genres as with a ``genres`` column (not
    the year or the address), and the address is no feature at all."""
    log, items = _log(tmp_path)
    lines = items.read_text(encoding="utf-8").splitlines()
    names = ["jazz", "theatre", "rock", "dance"]
    one_hot = tmp_path / "one_hot.csv"
    rows = []
    for line in lines[1:]:
        item, genre, year, first = line.split(",")
        address = f'"http://example.org/title?{item},%20The%20({year})"'
        rows.append(",".join([item, year, first, address, *("1" if genre == n else "0" for n in names)]))
    one_hot.write_text("\n".join(["item_id,year,first_available,url," + ",".join(names), *rows]) + "\n", encoding="utf-8")
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    reports = [_item_split_report(log, table, held) for table in (items, one_hot)]
    column, flags = reports
    assert flags["feature_columns"]["url"] == "link"
    for baseline in ("genre_popularity", "content_knn"):
        assert flags["models"][baseline]["ndcg"] == column["models"][baseline]["ndcg"], baseline


def test_a_synopsis_column_keeps_its_most_frequent_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A free-text column of thousands of words would make the hybrid's features × features
    matrices huge: its most frequent words are kept, every genre stays, and so does the year."""
    from culturecoop.reco import features

    monkeypatch.setattr(features, "TEXT_WORDS", 30)
    monkeypatch.setattr(features, "MAX_FEATURES", 45)
    letters = "abcdefghijklmnopqrstuvwxyz"
    rare = [f"rare{letters[n // 26]}{letters[n % 26]}" for n in range(200)]
    synopses = [" ".join(["often", "common", rare[n % 200], rare[(n * 7 + 3) % 200], rare[(n * 13 + 5) % 200]]) + f" story{letters[n % 26]}"
                for n in range(400)]
    encoder = fit_encoder({"synopsis": synopses, "genres": ["jazz", "rock", "folk", "jazz|opera"] * 100,
                           "year": [str(1950 + n % 60) for n in range(400)]}, 400)
    words = {t for c, t in encoder.vocabulary if c == "synopsis"}
    assert encoder.size <= 45 and len(words) <= 30
    assert {"often", "common"} <= words
    assert {t for c, t in encoder.vocabulary if c == "genres"} == {"jazz", "rock", "folk", "opera"}
    assert any(c == "year" for c, _t in encoder.vocabulary)


def test_web_addresses_are_no_feature() -> None:
    """Addresses with commas and slashes would make labels shared by unrelated items."""
    urls = [f"http://us.imdb.com/M/title-exact?Film{n},%20The%20(199{n % 3})" for n in range(12)]
    encoder = fit_encoder({"imdb_url": urls, "genres": ["jazz", "rock"] * 6}, 12)
    assert {c.name: c.kind for c in encoder.columns}["imdb_url"] == "link"
    assert all(column != "imdb_url" for column, _token in encoder.vocabulary)


def test_the_printed_evaluation_reads_in_french(tmp_path: Path) -> None:
    """Without --json, `--lang fr` prints French headers, model names and numbers as French
    readers write them (decimal comma, `56,8 %`), and says what the exposure floor changed."""
    log, items = _log(tmp_path)
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(items), "--test-items", str(held),
                     "--no-lightfm", lang="fr")
    assert result.returncode == 0, result.stderr
    text = " ".join((result.stdout + result.stderr).split())
    assert "découpage par éléments" in text and "Plancher d’exposition" in text
    # The re-ranking's effect is a loss or a gain, never "a loss of -6,5 %".
    assert re.search(r"(perte|gain) de nDCG \d+,\d %", text)
    assert re.search(r"couverture \d+,\d %", text) and not re.search(r"\b0\.\d{3}", text)
    # Every figure whole in an 80-column terminal (the default without one): no cell cut to "0,22…".
    assert "…" not in result.stdout + result.stderr
    assert re.search(r"hybride\s*│\s*\d,\d{4}\s*│\s*\d,\d{4}–\d,\d{4}", result.stdout + result.stderr)
    # Items held out at random: the report says what the committee is and what its folds chose.
    assert re.search(r"Hybride : un comité de 5 mélanges et une factorisation de classement \(50,0 % du score\) ; "
                     r"listes diversifiées à \d,\d{2}", text)


def test_a_long_run_says_where_it_is(tmp_path: Path) -> None:
    """A large log takes an hour: the run names each stage as it begins (every model's training, then
    how many test users are scored), and the terminal line reads in the reader's language."""
    from culturecoop.cli.reco_cmd import _evaluation_stage
    from culturecoop.i18n import set_language
    from culturecoop.reco import evaluate

    log, items = _log(tmp_path)
    stages: list[tuple[str, int, int]] = []
    report = evaluate.run(log, items, cutoff="2024-06-01", test_items=None, k=5, with_lightfm=False,
                          progress=lambda stage, done, total: stages.append((stage, done, total)))
    names = [stage for stage, _done, _total in stages]
    assert names[:2] == ["read", "split"] and names[-1] == "metrics"
    trained = [name.partition(":")[2] for name in names if name.startswith("train:")]
    assert set(trained) == set(report["models"]) - {"als", "hybrid_discoverability"}
    scored = [(done, total) for stage, done, total in stages if stage == "score"]
    assert scored and names.index("score") > max(i for i, name in enumerate(names) if name.startswith("train:"))
    assert all(total == report["test"]["users"] and 0 <= done < total for done, total in scored)
    assert stages[-1][1:] == (report["test"]["users"], report["test"]["users"])
    # The item protocol's committee trains for many minutes on a large log: it tells each part.
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    parts: list[tuple[int, int]] = []
    evaluate.run(log, items, cutoff=None, test_items=held, k=5, with_lightfm=False,
                 progress=lambda stage, done, total: parts.append((done, total)) if stage == "train:hybrid" else None)
    assert parts == [(0, 0)] + [(done, 6) for done in range(6)]
    try:
        set_language("fr")
        assert _evaluation_stage("score", 12_000, 160_000) == "Notation des utilisateurs de test : 12\xa0000 sur 160\xa0000 (8 %)…"
        assert _evaluation_stage("train:content_knn", 0, 0) == "Entraînement : kNN de contenu…"
        assert _evaluation_stage("train:hybrid", 2, 6) == "Entraînement : hybride, partie 3 sur 6…"
    finally:
        set_language("en")
    assert _evaluation_stage("score", 12_000, 160_000) == "Scoring the test users: 12,000 of 160,000 (8 %)…"
    assert _evaluation_stage("train:hybrid", 5, 6) == "Training: hybrid, part 6 of 6…"


def test_a_log_without_item_features_is_evaluated_quietly(tmp_path: Path) -> None:
    """No --items (or an item table without a feature): every model still runs, and nothing but
    the report is printed (no numeric warning from an empty feature space)."""
    log, _items = _log(tmp_path)
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--test-items", str(held), "--json", "--no-lightfm")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    assert json.loads(result.stdout)["features"] == 0


def test_encoder_reads_any_columns_from_training_items_only() -> None:
    items = {"genres": ["jazz|blues", "jazz", "rock", "rock|blues"] * 2, "year": ["1990"] * 4 + ["2010"] * 4,
             "title": ["Blue Train night", "Kind of Blue live", "Rock the house", "Blues brothers tour",
                       "Blue in green", "Night in Tunisia", "House of rock", "Brothers in arms"]}
    encoder = fit_encoder(items, 8)
    kinds = {c.name: c.kind for c in encoder.columns}
    assert kinds == {"genres": "labels", "year": "number", "title": "text"}
    assert ("genres", "jazz") in encoder.vocabulary and ("title", "blue") in encoder.vocabulary
    new = encoder.encode({"genres": ["opera"], "year": ["2030"], "title": ["Unheard words"]}, 1)
    # A genre only a test item has is no feature: only the year band is known.
    names = [encoder.names()[i] for i in new.indices]
    assert names and all(n.startswith("year=") for n in names)


@pytest.mark.parametrize("dates", [
    ["01-Jan-1990", "15-Mar-1991", "01-Jan-1992", "30-Jun-1993", "01-Jan-2008", "12-Dec-2009", "01-Jan-2010", "05-May-2011"],
    ["1990-01-01", "1991-03-15", "1992-01-01", "1993-06-30T20:00:00", "2008-01-01", "2009-12-12", "2010-01-01", "2011-05-05"],
    ["01/01/1990", "15/03/1991", "01/01/1992", "30/06/1993", "01/01/2008", "12/12/2009", "01/01/2010", "05/05/2011"],
    ["1990-01", "1991-03", "1992-01", "1993-06", "2008-01", "2009-12", "2010-01", "2011-05"],
    ["Jan 1990", "March 1991", "janvier 1992", "Jun. 1993", "Jan 2008", "December 2009", "juil. 2010", "May 2011"],
])
def test_release_dates_are_read_as_years_whatever_their_form(dates: list[str]) -> None:
    """A release date written as a date (MovieLens 100k's ``01-Jan-1995``, ISO, day/month/year)
    places items in time like a year column: a new item of 2012 sits beside the late items, not
    in a label of its own that no training item shares."""
    items = {"genres": ["jazz", "rock"] * 8, "release_date": dates * 2}
    encoder = fit_encoder(items, 16)
    assert {c.name: c.kind for c in encoder.columns}["release_date"] == "date"
    new = encoder.encode({"genres": ["jazz"], "release_date": ["2012-02-01"]}, 1)
    closeness = (encoder.encode(items, 16) @ new.T).toarray().ravel()
    # Jazz of 2010 and 2011 is closer to it than jazz of 1990 and 1992.
    assert min(closeness[6], closeness[14]) > max(closeness[0], closeness[2])


def test_a_year_at_the_end_of_titles_places_items_in_time() -> None:
    """MovieLens' ``movies.csv`` has no year column: the year ends each title (``Heat (1995)``).
    It becomes a column of its own, so a new film of 2012 sits beside the late films; a column of
    titles that rarely end with a year gets none."""
    titles = ["Blue Train (1990)", "Kind of Blue (1991)", "Rock House (1992)", "Night Train (1993)",
              "Late Show (2008)", "Babylon Nights (2009-2011)", "Green Room [2010]", "Dark City (2011)"]
    items = {"title": titles + [t.replace(" ", " Again ", 1) for t in titles], "genres": ["jazz", "rock"] * 8}
    encoder = fit_encoder(items, 16)
    assert {c.name: c.kind for c in encoder.columns} == {"title": "text", "title (year)": "number", "genres": "labels"}
    new = encoder.encode({"title": ["Unheard Words (2012)"], "genres": ["jazz"]}, 1)
    closeness = (encoder.encode(items, 16) @ new.T).toarray().ravel()
    assert min(closeness[6], closeness[14]) > max(closeness[0], closeness[2])
    plain = fit_encoder({"title": ["Blue Train", "Kind of Blue (1991)", "Rock House", "Night Train"] * 2}, 8)
    assert [c.name for c in plain.columns] == ["title"]
    # A release date already dates the items: the title's year is not read a second time.
    dated = fit_encoder({**items, "release_date": [f"01-Jan-{t[-5:-1]}" if t[-5:-1].isdigit() else "" for t in items["title"]]}, 16)
    assert "title (year)" not in [c.name for c in dated.columns]


@pytest.mark.parametrize("separator", [",", ", ", ";", "; "])
def test_genre_lists_split_by_commas_or_semicolons_read_like_pipes(separator: str) -> None:
    """IMDb-style ``Action,Adventure`` (or ``Drama; Comedy``) is a list of genres like
    MovieLens' ``Action|Adventure``; a venue whose name holds a comma stays one venue."""
    combos = [["action", "adventure"], ["drama"], ["drama", "comedy"], ["action", "comedy"], ["adventure"],
              ["comedy", "drama", "action"]] * 2
    venues = ["Salle A, Montréal", "Salle B, Montréal", "Salle C, Québec"] * 4
    piped = fit_encoder({"genres": ["|".join(c) for c in combos], "venue": venues}, 12)
    other = fit_encoder({"genres": [separator.join(c) for c in combos], "venue": venues}, 12)
    assert other.vocabulary == piped.vocabulary
    assert ("genres", "comedy") in other.vocabulary and ("venue", "salle a, montréal") in other.vocabulary
    new = {"genres": [separator.join(["comedy", "action"])], "venue": ["Salle B, Montréal"]}
    assert (other.encode(new, 1) != piped.encode({**new, "genres": ["comedy|action"]}, 1)).nnz == 0


@pytest.mark.parametrize("written", [
    lambda parts: str(parts),  # as pandas writes a Python list: ['action', 'adventure']
    json.dumps,  # as a JSON export writes it: ["action", "adventure"]
    lambda parts: json.dumps([{"id": n, "name": p} for n, p in enumerate(parts)]),  # TMDB's records
])
def test_genre_lists_written_as_list_literals_read_like_pipes(written: Any) -> None:
    """Genres exported as a list literal are the same genres as MovieLens' ``Action|Adventure``:
    the brackets and quotes are no part of a genre's name."""
    combos = [["action", "adventure"], ["drama"], ["drama", "comedy"], ["action", "comedy"], ["adventure"],
              ["comedy", "drama", "action"], []] * 2
    piped = fit_encoder({"genres": ["|".join(c) for c in combos]}, 14)
    listed = fit_encoder({"genres": [written(c) for c in combos]}, 14)
    assert listed.vocabulary == piped.vocabulary
    new = [written(["comedy", "action"])]
    assert (listed.encode({"genres": new}, 1) != piped.encode({"genres": ["comedy|action"]}, 1)).nnz == 0


def test_missing_values_and_a_stray_word_leave_years_as_years() -> None:
    """``\\N`` (IMDb), ``NA`` (R), ``NaN`` (pandas) are no value, and one ``unknown`` among the
    years does not turn every year into a label: the column is still banded as years."""
    years = [str(1960 + n) for n in range(40)]
    written = years[:]
    written[3], written[10], written[20], written[30] = "\\N", "NA", "NaN", "unknown"
    encoder = fit_encoder({"year": written, "genres": ["jazz", "rock", "NA", "jazz|rock"] * 10,
                           "language": ["fr", "none"] * 20}, 40)
    assert {c.name: c.kind for c in encoder.columns} == {"year": "number", "genres": "labels", "language": "labels"}
    assert ("genres", "na") not in encoder.vocabulary
    # A show without words has the language "none": a value, not a missing one.
    assert ("language", "none") in encoder.vocabulary
    encoded = encoder.encode({"year": written}, 40)
    assert encoded[3].nnz == 0 and encoded[30].nnz == 0 and encoded[4].nnz > 0
    # 1961 and 1962 are close; 1961 and 1999 are not.
    closeness = (encoded @ encoded.T).toarray()
    assert closeness[1, 2] > closeness[1, 39]


@pytest.mark.parametrize("content, args, words", [
    ("person,thing,when\n1,2,3\n", ("--cutoff", "2024-01-01"), "no column user_id"),
    ("", ("--cutoff", "2024-01-01"), "is empty"),
    ("\ufeff\n\n", ("--cutoff", "2024-01-01"), "is empty"),
    ("user_id,item_id,timestamp\n1,2,2024-01-01\n1,3,yesterday\n", ("--cutoff", "2024-01-01"), "line 3"),
    ("user_id,item_id,timestamp\n1,2,2024-01-01\n", (), "either --cutoff"),
    ("user_id,item_id,timestamp\n1,2,2024-01-01\n", ("--cutoff", "soon"), "is not a date"),
    ("user_id,item_id,timestamp\n1,2,2024-01-01\n1,3,2024-02-01\n", ("--cutoff", "2023-01-01"),
     "No interaction is left for training before the cutoff 2023-01-01: the log runs from 2024-01-01 to 2024-02-01"),
    # One row with a field too many (an unquoted comma) made the sniffer read one column, and the
    # sentence blamed a missing user_id; it names the row.
    ("user_id,item_id,timestamp\n" + "1,2,2024-01-01\n" * 300 + "1,2,3,2024-01-01\n" + "1,2,2024-01-02\n" * 5,
     ("--cutoff", "2024-01-01"), "line 302 does not have as many fields as the header (fields: 4; in the header: 3)"),
    # The sniffer could start reading after a ragged last row, dropping the rows above it silently.
    ("user_id;item_id;timestamp\n1;2;2024-01-01\n1;3;2024-01-02;x\n", ("--cutoff", "2024-01-01"),
     "line 3 does not have as many fields as the header (fields: 4; in the header: 3)"),
    # A missing id is said as such (not "unreadable", nor a hint about timestamps), with how many more.
    ("user_id,item_id,timestamp\n,2,2024-01-01\n1,3,2024-01-02\n,4,2024-01-03\n", ("--cutoff", "2024-01-01"),
     "line 2: the user_id is empty (1 more row like it); fill it in or remove the row."),
    # A headerless `::` file (MovieLens 1M) with a short row.
    ("1::2::5::978300760\n1::3::978302109\n1::4::5::978302110\n", ("--cutoff", "2000-12-31"),
     "line 2 does not have as many fields as the header (fields: 3;"),
    # Dates with the day and month as numbers, never above 12: which is which cannot be told.
    ("user_id,item_id,timestamp\n1,2,03/04/2024 20:00\n1,3,04/03/2024 20:00\n", ("--cutoff", "2024-01-01"),
     "read day first as well as month first"),
])
def test_bad_input_is_one_sentence(tmp_path: Path, content: str, args: tuple[str, ...], words: str) -> None:
    log = tmp_path / "log.csv"
    log.write_text(content, encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), *args, "--no-lightfm")
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_an_item_table_with_a_header_only_is_one_sentence_about_it(tmp_path: Path) -> None:
    """A header without rows was blamed on the cutoff ("No interaction is left for training")."""
    log, _items = _log(tmp_path)
    empty = tmp_path / "items.csv"
    empty.write_text("item_id,genres\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(empty), "--cutoff", "2024-01-01",
                     "--no-lightfm", lang="fr")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "items.csv a un en-tête mais aucun élément" in " ".join(result.stderr.split())


def test_item_columns_that_count_the_interactions_are_flagged_not_dropped(tmp_path: Path) -> None:
    """Amazon's metadata carries ``average_rating`` and ``rating_number``, computed over every review:
    they are used as given (every column is a feature), and the report says they may tell the
    models the future. A year or a page count is no such column."""
    log, items = _log(tmp_path)
    rows = items.read_text(encoding="utf-8").splitlines()
    flagged = tmp_path / "meta.csv"
    flagged.write_text("\n".join([rows[0] + ",average_rating,rating_number,page_count"] +
                                  [f"{r},{3 + n % 3}.5,{10 * n},{100 + n}" for n, r in enumerate(rows[1:])]) + "\n", encoding="utf-8")
    report = _cutoff_report(log, flagged)
    assert {"average_rating", "rating_number", "page_count"} <= set(report["feature_columns"])
    assert len(report["warnings"]) == 1 and "average_rating, rating_number look like counts" in report["warnings"][0]
    assert "page_count" not in report["warnings"][0] and _cutoff_report(log, items)["warnings"] == []
    printed = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(flagged), "--cutoff", "2024-06-01",
                      "--no-lightfm", lang="fr")
    assert "ressemblent à des comptes ou des moyennes" in " ".join(printed.stderr.split())


def test_a_log_whose_lines_end_in_two_ways_reads_like_its_csv(tmp_path: Path) -> None:
    """A log appended to on two systems (its first half ending lines with CRLF, the rest with LF) made
    DuckDB's sniffer give up ("cannot be read as CSV"): it is read with one ending, the same report."""
    log, items = _log(tmp_path)
    lines = log.read_text(encoding="utf-8").splitlines()
    mixed = tmp_path / "mixed.csv"
    half = len(lines) // 2
    mixed.write_bytes(("\r\n".join(lines[:half]) + "\r\n" + "\n".join(lines[half:]) + "\n").encode())
    expected = _cutoff_report(log, items)
    report = _cutoff_report(mixed, items)
    assert report["test"] == expected["test"]
    assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]


def test_a_folder_given_for_a_file_is_said_as_such(tmp_path: Path) -> None:
    log, _items = _log(tmp_path)
    for args in (("--interactions", str(tmp_path), "--cutoff", "2024-06-01"),
                 ("--interactions", str(log), "--test-items", str(tmp_path))):
        result = run_cli("reco", "evaluate", *args, "--no-lightfm")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "is a folder; give the path of the file inside it" in " ".join(result.stderr.split())


def test_missing_files_and_bad_plot_path(tmp_path: Path) -> None:
    result = run_cli("reco", "evaluate", "--interactions", str(tmp_path / "none.csv"), "--cutoff", "2024-01-01")
    assert result.returncode == 2 and "does not exist" in result.stderr
    # A device is there, but is no file: said as such, not as a missing one.
    result = run_cli("reco", "evaluate", "--interactions", "/dev/null", "--cutoff", "2024-01-01")
    assert result.returncode == 2 and "is not a regular file" in " ".join(result.stderr.split())
    result = run_cli("reco", "evaluate", "--synth", str(tmp_path), "--plot", str(tmp_path))
    assert result.returncode == 2 and ".png" in result.stderr


def test_a_plot_that_cannot_be_written_is_refused_before_the_evaluation(tmp_path: Path) -> None:
    """A --plot into a folder that takes no new file failed only once the evaluation (minutes on a
    large log) had run; it is refused first, with nothing evaluated."""
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    log_path, items_path = _log(tmp_path)
    result = run_cli("reco", "evaluate", "--interactions", str(log_path), "--items", str(items_path),
                     "--cutoff", "2024-06-01", "--no-lightfm", "--json", "--plot", "/proc/self/tradeoff.png")
    assert result.returncode == 5, result.stderr
    assert "/proc/self/tradeoff.png cannot be written" in " ".join(result.stderr.split()), result.stderr
    assert result.stdout == "", result.stdout[:200]


def test_the_report_is_the_same_whether_users_are_scored_all_at_once_or_one_by_one(tmp_path: Path) -> None:
    """Test users are scored batch by batch, so a large log needs memory for one batch, not for
    users × test items; the report (every model, AUC, the re-ranked lists and their flags) must
    not depend on the batch size."""
    from culturecoop.reco import evaluate as ev
    from culturecoop.reco.logs import read_interactions, read_items

    log_path, items_path = _log(tmp_path)
    lines = items_path.read_text(encoding="utf-8").splitlines()
    flagged = tmp_path / "items_flagged.csv"
    flagged.write_text("\n".join([lines[0] + ",is_local,language"] + [
        f"{line},{'true' if n % 3 == 0 else 'false'},{'fr' if n % 4 == 0 else 'en'}" for n, line in enumerate(lines[1:])]) + "\n",
        encoding="utf-8")
    log = read_interactions(log_path)
    items = read_items(flagged, log)
    split = ev.item_split(log, items, np.arange(0, 60, 4))

    def report(batch_cells: int) -> dict[str, Any]:
        def without_seconds(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: without_seconds(v) for k, v in value.items() if k != "seconds"}
            return [without_seconds(v) for v in value] if isinstance(value, list) else value
        return dict(without_seconds(ev.evaluate(log, items, split, 5, batch_cells=batch_cells)))

    whole, one_by_one = report(10**9), report(1)
    assert len(split.test_users) > 50 and {"lightfm", "hybrid", "hybrid_discoverability"} <= set(whole["models"])
    assert whole["models"]["hybrid"]["local_share"] > 0 and "auc" in whole["models"]["lightfm"]
    assert one_by_one == whole


def test_counts_are_weighed_by_time_open_only_when_items_stay_open(tmp_path: Path) -> None:
    """Films keep drawing viewers long after release: the hybrid weighs each one's attendances by
    how long it has been open. Events stop selling when they take place: their counts are complete,
    and the same log with every interaction in the week after an item appears is left as counted."""
    rng = np.random.default_rng(8)
    first = {f"i{n}": 1_700_000_000 + n * 5 * 86_400 for n in range(40)}
    end = 1_700_000_000 + 220 * 86_400
    held = tmp_path / "held.csv"
    held.write_text("item_id\n" + "\n".join(f"i{n}" for n in range(0, 40, 5)) + "\n", encoding="utf-8")
    items = tmp_path / "items.csv"
    items.write_text("item_id,genres\n" + "\n".join(f"i{n},{('jazz', 'rock')[n % 2]}" for n in range(40)) + "\n", encoding="utf-8")
    weighted = {}
    for kind, window in (("films", None), ("events", 7 * 86_400)):
        rows = ["user_id,item_id,timestamp"]
        for u in range(120):
            for item in rng.choice(list(first), 8, replace=False).tolist():
                close = end if window is None else first[item] + window
                rows.append(f"u{u},{item},{int(rng.integers(first[item], close))}")
        log = tmp_path / f"{kind}.csv"
        log.write_text("\n".join(rows) + "\n", encoding="utf-8")
        weighted[kind] = _item_split_report(log, items, held)["exposure_weighted"]
    assert weighted == {"films": True, "events": False}


def _refusal(log: Path, table: Path | None, **split: Any) -> str:
    """What ``reco evaluate`` says of a log and a split (in this process: no evaluation runs)."""
    from culturecoop.errors import UserError
    from culturecoop.reco import evaluate as ev

    with pytest.raises(UserError) as refused:
        ev.run(log, table, cutoff=split.get("cutoff"), test_items=split.get("test_items"), k=10, with_lightfm=False)
    return refused.value.message


@pytest.mark.parametrize("cutoff", ["99999999999999999999999", "9999-12-31T23:59:59-05:00", "-99999999999"])
def test_a_cutoff_no_calendar_can_name_is_not_a_date(tmp_path: Path, cutoff: str) -> None:
    """Such a cutoff was an incident: the split named its day, past the year 9999."""
    log, table = _log(tmp_path)
    assert _refusal(log, table, cutoff=cutoff) == (
        f"--cutoff {cutoff} is not a date; write it as YYYY-MM-DD (or an ISO 8601 time, or Unix seconds).")


def test_a_cutoff_outside_the_log_says_which_days_it_covers(tmp_path: Path) -> None:
    """« choose an earlier --cutoff » left the reader guessing how much earlier."""
    log, table = _log(tmp_path)
    assert _refusal(log, table, cutoff="2030-01-01") == (
        "Fewer than two items first available after the cutoff 2030-01-01 have interactions after it (the log runs "
        "from 2024-03-01 to 2024-08-09); choose an earlier --cutoff between these days.")
    from culturecoop.i18n import set_language

    set_language("fr")
    assert _refusal(log, table, cutoff="2020-01-01") == (
        "Il ne reste aucune interaction pour l’entraînement avant la coupure du 2020-01-01 : le journal va du "
        "2024-03-01 au 2024-08-09 ; choisissez un --cutoff plus tardif entre ces jours.")


def test_a_log_at_one_moment_cannot_be_split_in_time(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(f"u{n % 7},i{n % 11},1700000000\n" for n in range(80)),
                   encoding="utf-8")
    assert _refusal(log, None, cutoff="2023-11-01") == (
        "Every interaction of the log is at the same moment (2023-11-14T22:13:20+00:00), so no cutoff splits it in "
        "time; hold out items with --test-items instead.")


@pytest.mark.parametrize("written", ["-1", "-1700000000"])
def test_a_negative_unix_time_is_named_not_read_as_a_day_before_1970(tmp_path: Path, written: str) -> None:
    """Logs write an unknown time as -1: it trained every model on 31 December 1969."""
    log, table = _log(tmp_path)
    rows = log.read_text(encoding="utf-8").splitlines()
    rows[5] = rows[5].rsplit(",", 1)[0] + "," + written
    rows[9] = rows[9].rsplit(",", 1)[0] + "," + written
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _refusal(log, table, cutoff="2024-06-01") == (
        f"{log} line 6: the timestamp '{written}' is a negative Unix time, a moment before 1970 that usually stands "
        "for an unknown time (1 more row like it); write the real time or remove the row.")


def test_a_time_past_the_calendar_is_not_a_time(tmp_path: Path) -> None:
    log, table = _log(tmp_path)
    rows = log.read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].rsplit(",", 1)[0] + ",99999999999999999999999"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _refusal(log, table, cutoff="2024-06-01").startswith(
        f"{log} line 4: the timestamp '99999999999999999999999' is empty or not a time;")


def test_a_log_of_one_person_is_evaluated_and_said_in_the_singular(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """« 1 test users » in the table's title."""
    import sys

    from culturecoop.cli import main as cli_main

    log, table = _log(tmp_path)
    one = tmp_path / "one.csv"
    rows = log.read_text(encoding="utf-8").splitlines()
    one.write_text("\n".join([rows[0], *("solo," + r.split(",", 1)[1] for r in rows[1:])]) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["culturecoop", "reco", "evaluate", "--interactions", str(one), "--items", str(table),
                                      "--cutoff", "2024-06-01", "--no-lightfm"])
    monkeypatch.setenv("CULTURECOOP_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")
    assert cli_main._run() == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "(temporal split; 1 test user, " in said and "1 test users" not in said


def _report(log: Path, table: Path | None, **split: Any) -> dict[str, Any]:
    """``reco evaluate``'s report (in this process, without LightFM) of a log and a split."""
    from culturecoop.reco import evaluate as ev

    return ev.run(log, table, cutoff=split.get("cutoff"), test_items=split.get("test_items"), k=5, with_lightfm=False)


# _three_tastes' item n is chosen at 1_700_000_000 + 1000 n: items 41 to 60 come after this cutoff.
TASTES_CUTOFF = "1700040500"


def _padded(n: int) -> str:
    """Half the ids zero-padded, as IMDb's ids below 1,000,000 in MovieTweetings' log."""
    return f"{n:07d}" if n % 2 else str(n)


def test_ids_written_otherwise_in_part_of_the_item_table_are_still_the_logs_items(tmp_path: Path) -> None:
    """MovieTweetings' log keeps IMDb's zero-padded ids (``0104257``, and ``1074638`` unpadded)
    where its item table read by pandas writes ``104257``; Book-Crossing's table keeps zero-padded
    ISBNs the log strips, or keeps the CSV quotes inside them. The files share most ids, so they were
    never matched: two thirds of the films had no feature (nDCG 0.164 → 0.141), without a word.
    Each id the log has no row for finds the row writing it otherwise, and the report is the one of
    a table writing every id as the log does."""
    log = tmp_path / "log.csv"
    genre_of = _three_tastes(log, 7, "user_id,item_id,timestamp", lambda u, n: f"u{u},{_padded(n)},{1_700_000_000 + n * 1000}")
    tables = {
        "same": "".join(f"{_padded(n)},{g}\n" for n, g in genre_of.items()),
        "numbers": "".join(f"{n},{g}\n" for n, g in genre_of.items()),
        "padded": "".join(f"{n:07d},{g}\n" for n, g in genre_of.items()),
        "quoted": "".join(f'"""{_padded(n)}""",{g}\n' for n, g in genre_of.items()),
    }
    reports = {}
    for name, rows in tables.items():
        (tmp_path / f"{name}.csv").write_text("item_id,genres\n" + rows, encoding="utf-8")
        reports[name] = _report(log, tmp_path / f"{name}.csv", cutoff=TASTES_CUTOFF)
    expected = reports.pop("same")
    assert expected["warnings"] == [] and expected["features"] > 0
    for name, report in reports.items():
        assert report["features"] == expected["features"], name
        assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"], name
        assert report["test"] == expected["test"] and report["warnings"] == [], name
    assert reports["numbers"]["item_table"]["ids_written_otherwise"] == 30


def test_log_items_without_a_row_in_the_item_table_are_counted_in_the_report(tmp_path: Path) -> None:
    """Items of the log the table does not describe have no feature: the report says how many, in the
    reader's language, on the terminal as in the JSON."""
    log, items = _log(tmp_path)
    lines = items.read_text(encoding="utf-8").splitlines()
    holed = tmp_path / "holed.csv"
    holed.write_text("\n".join([lines[0], *(line for line in lines[1:] if line.split(",")[0] not in {"i1", "i2", "i3"})]) + "\n",
                     encoding="utf-8")
    report = _report(log, holed, cutoff="2024-06-01")
    assert report["warnings"] == ["3 of the log's 60 items have no row in the item table: they have no feature."]
    assert report["item_table"]["log_items_without_row"] == 3
    printed = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(holed), "--cutoff", "2024-06-01",
                      "--no-lightfm", lang="fr")
    assert printed.returncode == 0, printed.stderr
    assert ("3 des 60 éléments du journal n’ont pas de ligne dans la table des éléments : ils n’ont aucune caractéristique."
            in " ".join((printed.stdout + printed.stderr).split()))


def test_ids_are_matched_one_by_one_and_never_merged(tmp_path: Path) -> None:
    """An ISBN ending in X written with its zero and in lower case, and with quotes left by a CSV
    writer, is the log's; but two rows writing one id two ways (``0012``, ``012``) are never made one
    item, nor are two ids of the log (``0013``, ``13``): those keep their exact matches only."""
    from culturecoop.reco.logs import read_interactions, read_items

    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(
        f"u{u},{item},{1_700_000_000 + u}\n" for u in range(3) for item in ("34545104X", '"0446520802"', "12", "0013", "13")),
        encoding="utf-8")
    table = tmp_path / "items.csv"
    table.write_text("item_id,genres\n034545104x,drama\n446520802,crime\n0012,jazz\n012,rock\n13,folk\n", encoding="utf-8")
    read = read_interactions(log)
    assert sorted(read.item_ids.tolist()) == ["0013", "0446520802", "12", "13", "34545104X"]
    items = read_items(table, read)
    genres = dict(zip(items.ids.tolist(), items.columns["genres"], strict=True))
    assert genres == {"34545104X": "drama", "0446520802": "crime", "0012": "jazz", "012": "rock", "13": "folk",
                      "12": None, "0013": None}
    assert items.notes == ["2 of the log's 5 items have no row in the item table: they have no feature."]


def test_a_column_numbering_the_rows_is_no_feature(tmp_path: Path) -> None:
    """pandas writes its index as a first column without a name (``,movie_id,…`` or ``Unnamed: 0``):
    it became a feature ``column0: number``, banding the films by their place in the file. It is left
    out, the report says so, and the figures are those of the table without it; a named column of
    ranks stays a feature."""
    log = tmp_path / "log.csv"
    genre_of = _three_tastes(log, 9, "user_id,movie_id,timestamp", lambda u, n: f"u{u},{n},{1_700_000_000 + n * 1000}")
    plain, pandas, unnamed = tmp_path / "plain.csv", tmp_path / "pandas.csv", tmp_path / "unnamed.csv"
    plain.write_text("movie_id,genres\n" + "".join(f"{n},{g}\n" for n, g in genre_of.items()), encoding="utf-8")
    pandas.write_text(",movie_id,genres\n" + "".join(f"{r},{n},{g}\n" for r, (n, g) in enumerate(genre_of.items())), encoding="utf-8")
    unnamed.write_text("Unnamed: 0,movie_id,genres,rank\n" + "".join(
        f"{r + 1},{n},{g},{r + 1}\n" for r, (n, g) in enumerate(genre_of.items())), encoding="utf-8")
    expected = _report(log, plain, cutoff=TASTES_CUTOFF)
    report = _report(log, pandas, cutoff=TASTES_CUTOFF)
    assert report["feature_columns"] == {"column0": "row number", "genres": "labels"}
    assert report["item_table"]["columns_left_out"] == {"column0": "row number"}
    assert report["warnings"] == ["The item table's column column0 only numbers its rows (0, 1, 2… as pandas writes its "
                                  "index): it describes no item, so it is no feature."]
    assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]
    from culturecoop.reco.logs import read_interactions, read_items

    items = read_items(unnamed, read_interactions(log))
    assert set(items.columns) == {"genres", "rank"} and items.ignored == {"Unnamed: 0": "row number"}


def test_codes_written_as_numbers_are_labels_and_quantities_stay_numbers() -> None:
    """Freebase entities numbered 3846 to 9358 (an artist's origin, several for some), a postal code,
    a zip code with its leading zero, a SKU were banded as quantities: neighbouring codes looked alike.
    They are labels; a price, a duration, a year, a count of pages, and numbers as large named as
    quantities stay numbers."""
    rng = np.random.default_rng(3)
    n = 60
    origins = [str(int(v)) for v in rng.integers(3846, 9359, n)]
    origins[5] = f"{origins[5]}|{origins[6]}"
    origins[7] = f"{origins[7]}|{origins[8]}"
    columns = {
        "origin": origins,
        "entity": [str(4_000_000 + int(v)) for v in rng.permutation(900_000)[:n]],
        "postal_code": [str(int(v)) for v in rng.integers(85001, 85099, n)],
        "zip": [f"{int(v):05d}" for v in rng.integers(1001, 99999, n)],
        "venue_ref": [f"{int(v):06d}" for v in rng.integers(1, 30, n)],
        "sku": [str(int(v)) for v in rng.integers(1, 400, n)],
        "price": [f"{v:.2f}" for v in rng.uniform(5, 90, n)],
        "duration": [str(int(v)) for v in rng.integers(80, 200, n)],
        "year": [str(int(v)) for v in rng.integers(1950, 2020, n)],
        "pages": [str(int(v)) for v in rng.integers(1200, 4000, n)],
        "budget": [str(int(v)) for v in rng.integers(1_000_000, 9_000_000, n)],
        "release": [f"{int(y)}0{int(m)}1{int(d)}" for y, m, d in zip(rng.integers(1990, 2020, n), rng.integers(1, 9, n),
                                                                     rng.integers(0, 9, n), strict=True)],
    }
    kinds = {c.name: c.kind for c in fit_encoder(columns, n).columns}
    assert {name: kinds.get(name) for name in ("origin", "entity", "postal_code", "zip", "venue_ref", "sku")} == dict.fromkeys(
        ("origin", "entity", "postal_code", "zip", "venue_ref", "sku"), "labels")
    assert {name: kinds[name] for name in ("price", "duration", "year", "pages", "budget", "release")} == dict.fromkeys(
        ("price", "duration", "year", "pages", "budget", "release"), "number")


def test_counts_and_averages_under_any_name_are_flagged_in_a_sentence_of_the_right_number() -> None:
    """MovieTweetings' ``n_ratings``, Yelp's ``stars``, Last.fm's ``listeners``… computed over the
    whole log tell the models the test period; they were used without a word. One column is said in
    the singular ("review_count look like" was not English)."""
    from culturecoop.i18n import set_language
    from culturecoop.reco.evaluate import outcome_warnings

    named = ("n_ratings", "num_ratings", "rating_count", "ratings_count", "votes", "vote_count", "numVotes", "popularity",
             "review_count", "stars", "average_rating", "avg_rating", "mean_rating", "averageRating", "listeners",
             "playcount", "members", "units_sold")
    for name in named:
        said = outcome_warnings({name: "number", "year": "number", "page_count": "number", "genres": "labels"})
        assert said == [f"The item table's column {name} looks like a count or an average of the interactions themselves: "
                        "computed over the whole log, it tells every model what happens after the cutoff or on the held-out "
                        "items, a leak of the test period. It is used as given (every column is a feature); leave it out of "
                        "--items for an honest measure."], name
    assert outcome_warnings({"year": "number", "page_count": "number", "price": "number", "stars": "labels"}) == []
    set_language("fr")
    try:
        said = outcome_warnings({"stars": "number", "review_count": "number"})
    finally:
        set_language("en")
    assert said[0].startswith("Les colonnes stars, review_count de la table des éléments ressemblent à des comptes")
    assert "une fuite de la période de test" in said[0]


def test_item_table_rows_no_interaction_names_are_no_training_items(tmp_path: Path) -> None:
    """Book-Crossing's whole book table (15.8k books for a log of 7.7k) trained on twice the items,
    and ran out of time: a row no interaction names teaches nothing. It is left out, and said; an item
    first available after the cutoff, or listed in --test-items, stays in the test catalogue."""
    log, items = _log(tmp_path)
    lines = items.read_text(encoding="utf-8").splitlines()
    extra = tmp_path / "catalogue.csv"
    extra.write_text("\n".join([*lines, *(f"x{n},jazz,2001,2024-01-01" for n in range(10)),
                                *(f"y{n},rock,2002,2024-07-01" for n in range(5))]) + "\n", encoding="utf-8")
    expected = _report(log, items, cutoff="2024-06-01")
    report = _report(log, extra, cutoff="2024-06-01")
    assert report["train"] == expected["train"] and report["test"] == expected["test"]
    assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]
    assert report["warnings"] == ["10 of the item table's 75 items have no interaction in the log and are not in the test "
                                  "catalogue: they were left out."]
    held = tmp_path / "held.csv"
    held.write_text("\n".join(["i0", "i5", "i10", "i15", "i20", "x0"]) + "\n", encoding="utf-8")
    from culturecoop.reco import evaluate as ev
    from culturecoop.reco.logs import keep_items, read_interactions, read_item_list, read_items

    read = read_interactions(log)
    table = read_items(extra, read)
    listed = read_item_list(held, table)
    keep = np.bincount(read.item, minlength=len(table.ids)) > 0
    keep[listed] = True
    kept, renumbered = keep_items(read, table, keep)
    assert len(kept.ids) == 61 and "x0" in kept.ids.tolist() and kept.summary["left_out_without_interaction"] == 14
    split = ev.item_split(read, kept, renumbered[listed])
    assert len(split.train_items) == 55 and (kept.ids[split.train_items] != "x0").all()


def test_a_lone_id_column_holding_the_logs_ids_is_the_item_id(tmp_path: Path) -> None:
    """Last.fm's ``artists.dat`` (``id, name, url, pictureURL``) for ``user_artists.dat``'s
    ``artistID`` was refused for having no item_id column; its ``id`` is the log's artists. A lone
    id column that holds none of the log's ids is still refused."""
    from culturecoop.errors import UserError
    from culturecoop.reco.logs import read_interactions, read_items

    log = tmp_path / "user_artists.dat"
    genre_of = _three_tastes(log, 11, "userID\tartistID\tweight", lambda u, n: f"{u}\t{n}\t{100 + u}")
    named, lone, other = tmp_path / "named.dat", tmp_path / "artists.dat", tmp_path / "other.dat"
    named.write_text("artistID\tname\tgenres\n" + "".join(f"{n}\tBand {n}\t{g}\n" for n, g in genre_of.items()), encoding="utf-8")
    lone.write_text("id\tname\tgenres\n" + "".join(f"{n}\tBand {n}\t{g}\n" for n, g in genre_of.items()), encoding="utf-8")
    other.write_text("id\tname\tgenres\n" + "".join(f"a{n}\tBand {n}\t{g}\n" for n, g in genre_of.items()), encoding="utf-8")
    expected = read_items(named, read_interactions(log, timed=False))
    found = read_items(lone, read_interactions(log, timed=False))
    assert found.ids.tolist() == expected.ids.tolist() and found.columns == expected.columns
    with pytest.raises(UserError) as refused:
        read_items(other, read_interactions(log, timed=False))
    assert "has no item_id column" in refused.value.message


@pytest.mark.parametrize("header", ["rating_timestamp", "timestamp_ms", "rating_timestamp_ms", "created_at", "event_time"])
def test_time_columns_under_other_names_are_the_timestamp(tmp_path: Path, header: str) -> None:
    """MovieTweetings documents ``rating_timestamp``; exports write ``timestamp_ms``, ``created_at``:
    each was refused for having no timestamp."""
    from culturecoop.reco.logs import read_interactions

    log, _items = _log(tmp_path)
    lines = log.read_text(encoding="utf-8").splitlines()
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("\n".join([f"movie_id,user_id,rating,{header}", *(
        f"{i},{u},5,{t}" for u, i, t in (line.split(",") for line in lines[1:]))]) + "\n", encoding="utf-8")
    expected, read = read_interactions(log), read_interactions(renamed)
    assert read.columns == {"user_id": "user_id", "item_id": "movie_id", "timestamp": header}
    assert read.item_ids.tolist() == expected.item_ids.tolist() and (read.time == expected.time).all()


def test_lists_built_greedily_break_ties_per_user_as_top_k_does() -> None:
    """Maximal marginal relevance and the discoverability re-ranking pick each place by ``argmax``,
    which takes the first of tied items: on CiaoDVD, whose films differ only by their genre, every
    user's re-ranked list held the same ten films of each genre (coverage 0.44 → 0.06). Nudged by
    each user's keys, ties fall as ``top_k`` breaks them, and no two distinct scores swap."""
    import scipy.sparse as sp

    from culturecoop.reco.diversity import mmr
    from culturecoop.reco.metrics import TieKeys, tie_keys, untied

    users, items = 200, 40
    genre = np.arange(items) % 4
    features = sp.csr_matrix((np.ones(items), (np.arange(items), genre)), shape=(items, 4))
    scores = np.tile(np.where(genre == 0, 2.0, 1.0), (users, 1))  # ten items of genre 0 tie at the top
    scores[:, 5] = 1.5  # one item apart from the ties
    ties = TieKeys(tie_keys(np.array([f"u{n}" for n in range(users)])), tie_keys(np.array([f"i{n}" for n in range(items)])))
    same_for_all = mmr(scores, features, 0.2, 3)
    assert len({tuple(row) for row in same_for_all}) == 1
    nudged = untied(scores, ties)
    drawn = mmr(nudged, features, 0.2, 3)
    assert len({tuple(row) for row in drawn}) > users // 2 and set(drawn.ravel()) == set(np.flatnonzero(genre == 0))
    # Only ties move: every genre-0 item still outranks item 5, and item 5 every other.
    order = np.argsort(-nudged, axis=1)
    assert (np.isin(order[:, :10], np.flatnonzero(genre == 0))).all() and (order[:, 10] == 5).all()


def test_numbered_categories_are_labels_and_co_purchase_lists_are_flagged() -> None:
    """CiaoDVD writes its genres as numbers 1 to 17 under ``genre``: banded as a quantity, genres 3 and
    4 looked alike (the hybrid's nDCG 0.0197 → 0.0115, without a word). Amazon's ``also_buy`` and
    ``also_view`` list the items bought with each one, from the same purchases as the log: a leak
    (0.549 with them, 0.402 without), now said."""
    from culturecoop.reco.evaluate import outcome_warnings

    rng = np.random.default_rng(5)
    n = 80
    kinds = {c.name: c.kind for c in fit_encoder({"genre": [str(int(v)) for v in rng.integers(1, 18, n)],
                                                  "categoryID": [str(int(v)) for v in rng.integers(1, 9, n)],
                                                  "year": [str(int(v)) for v in rng.integers(1990, 2012, n)]}, n).columns}
    assert kinds == {"genre": "labels", "categoryID": "labels", "year": "number"}, kinds
    said = outcome_warnings({"also_buy": "labels", "also_view": "labels", "brand": "labels", "genres": "labels"})
    assert len(said) == 1 and said[0].startswith("The item table's columns also_buy, also_view list the items bought or viewed")


def test_an_item_table_keyed_by_ids_and_a_log_without_features_are_read_and_told(tmp_path: Path) -> None:
    """MyAnimeList's ``anime_info.dat`` heads its ids ``anime_ids``: refused as having no item_id. A
    log given without --items had every model rank new items alike, and the report said nothing."""
    log, items = _log(tmp_path)
    lines = items.read_text(encoding="utf-8").splitlines()
    renamed = tmp_path / "anime_info.csv"
    renamed.write_text("\n".join(["anime_ids" + lines[0][len("item_id"):], *lines[1:]]) + "\n", encoding="utf-8")
    result = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(renamed), "--cutoff", "2024-06-01",
                     "--k", "3", "--json", "--no-lightfm")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["features"] > 0
    bare = run_cli("reco", "evaluate", "--interactions", str(log), "--cutoff", "2024-06-01", "--k", "3", "--json",
                   "--no-lightfm")
    assert bare.returncode == 0, bare.stderr
    assert [w for w in json.loads(bare.stdout)["warnings"] if w.startswith("No item has a feature")]
