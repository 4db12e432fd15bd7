"""`culturecoop reco evaluate` reading public files as published: a headerless log listing the item
first, metadata with repeated lines, free-text columns written as lists, ranks by popularity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.conftest import run_cli_here as run_cli

from culturecoop.reco.features import fit_encoder

GENRES = ("Jazz", "Rock", "Folk")
# Items 41 to 60 are first rated after this moment (item n at 1_700_000_000 + 1000 n).
CUTOFF = "1700040500"


def _asin(n: int) -> str:
    """An Amazon product id: ten digits for books (``0000013714``), else ``B0`` and eight characters."""
    return f"{13700 + n:010d}" if n % 2 else f"B0{n:08d}"


def _reviewer(u: int) -> str:
    """An Amazon reviewer id (``A2VNYWOPJ13AFP``)."""
    return f"A{u:03d}VNYWOPJ13AF"


def _ratings(seed: int = 3) -> list[tuple[str, str, int]]:
    """90 reviewers, each rating six items of one of three genres (items 1 to 60): (user, item, time)."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(90):
        liked = [n for n in range(1, 61) if n % 3 == u % 3]
        rows += [(_reviewer(u), _asin(n), 1_700_000_000 + 1000 * n + u) for n in rng.choice(liked, 6, replace=False).tolist()]
    return rows


def _meta(path: Path, extra: dict[int, dict[str, Any]] | None = None) -> Path:
    """Amazon-style metadata, one JSON object per line: ``asin``, its categories (a list)."""
    path.write_text("".join(json.dumps({"asin": _asin(n), "categories": ["Books", GENRES[n % 3]], **(extra or {}).get(n, {})}) + "\n"
                            for n in range(1, 61)), encoding="utf-8")
    return path


def _evaluate(log: Path, items: Path | None, *extra: str, lang: str = "en") -> dict[str, Any]:
    args = ["reco", "evaluate", "--interactions", str(log), "--cutoff", CUTOFF, "--k", "10", "--json", "--no-lightfm", *extra]
    if items is not None:
        args += ["--items", str(items)]
    result = run_cli(*args, lang=lang)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_a_headerless_log_listing_the_item_first_is_read_by_the_item_tables_ids(tmp_path: Path) -> None:
    """Amazon's "ratings only" files: no header, ``item,user,rating,timestamp``. The first column was
    taken for the user: the item table then shared no id with the log, and the evaluation was
    refused. The table's ids tell which column holds the items; the report says which was read as
    what, and its figures are those of the same log with a header row."""
    rows = _ratings()
    amazon = tmp_path / "Books.csv"
    amazon.write_text("".join(f"{i},{u},5.0,{t}\n" for u, i, t in rows), encoding="utf-8")
    canonical = tmp_path / "canonical.csv"
    canonical.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows), encoding="utf-8")
    meta = _meta(tmp_path / "meta_Books.json")
    expected, report = _evaluate(canonical, meta), _evaluate(amazon, meta)
    assert report["columns"] == {"user_id": "column1", "item_id": "column0", "timestamp": "column3"}
    assert report["warnings"] == ["The log has no header row and the item table holds the ids of its column column0, not "
                                  "those of column1: column0 was read as the item and column1 as the user."]
    assert expected["warnings"] == []
    assert report["test"] == expected["test"] and report["features"] == expected["features"] > 0
    assert report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]
    # Without an item table nothing tells the columns apart: the first stays the user, and the report says so.
    from culturecoop.reco.logs import read_interactions, read_items

    read = read_interactions(amazon)
    assert read.columns == {"user_id": "column0", "item_id": "column1", "timestamp": "column3"}
    assert read_items(None, read).notes == [NO_TABLE]
    french = run_cli("reco", "evaluate", "--interactions", str(amazon), "--items", str(meta), "--cutoff", CUTOFF, "--k", "10",
                     "--no-lightfm", lang="fr")
    assert french.returncode == 0, french.stderr
    assert "column0 a été lue comme l’élément et column1 comme l’utilisateur" in " ".join((french.stdout + french.stderr).split())


def test_a_headerless_log_of_numbers_keeps_its_user_first(tmp_path: Path) -> None:
    """MovieLens' ``u.data``: users 1 to 90 and items 1 to 60, all numbers, so the item table holds
    most users' numbers too. That settles nothing: the first column stays the user, with no word."""
    number = {_asin(n): n for n in range(1, 61)}
    rows = [(int(u[1:4]) + 1, number[i], t) for u, i, t in _ratings()]
    log = tmp_path / "u.data"
    log.write_text("".join(f"{u}\t{i}\t4\t{t}\n" for u, i, t in rows), encoding="utf-8")
    table = tmp_path / "u.item"
    table.write_text("".join(f"{n}|Film {n}|{GENRES[n % 3]}\n" for n in range(1, 61)), encoding="utf-8")
    report = _evaluate(log, table)
    assert report["columns"] == {"user_id": "column0", "item_id": "column1", "timestamp": "column3"}
    assert report["warnings"] == [] and report["features"] > 0
    # Without the table, the report says which column was taken for what.
    bare = _evaluate(log, None)
    assert bare["columns"] == report["columns"] and bare["warnings"][0] == NO_TABLE


def test_a_table_holding_more_of_the_first_columns_ids_without_settling_it_is_said(tmp_path: Path) -> None:
    """Users numbered 1 to 90, items 100 to 159, a table of ids 1 to 60 and 100 to 129: it holds
    more of the first column's ids than of the second's, but half of the second's too. Nothing is
    swapped on such a doubt; the report says which column was taken for what."""
    from culturecoop.reco.logs import read_interactions, read_items

    log = tmp_path / "ratings.tsv"
    log.write_text("".join(f"{u}\t{100 + (u * 7 + k) % 60}\t4\t{1_700_000_000 + 1000 * k}\n"
                           for u in range(1, 91) for k in range(6)), encoding="utf-8")
    table = tmp_path / "items.tsv"
    table.write_text("".join(f"{n}\t{GENRES[n % 3]}\n" for n in [*range(1, 61), *range(100, 130)]), encoding="utf-8")
    read = read_interactions(log)
    notes = read_items(table, read).notes
    assert read.columns == {"user_id": "column0", "item_id": "column1", "timestamp": "column3"}
    assert notes[0] == ("The log has no header row: its column column0 was read as the user and column1 as the item, "
                        "although the item table holds more of column0's ids than of column1's; if the file lists the "
                        "item first, add a header row (user_id,item_id,timestamp).")


NO_TABLE = ("The log has no header row: its column column0 was read as the user and column1 as the item, as nothing else "
            "tells them apart; if the file lists the item first (item, user, rating, time), give --items FILE, whose ids tell "
            "which column holds the items, or add a header row (user_id,item_id,timestamp).")


def test_identical_repeated_rows_of_the_item_table_are_read_once(tmp_path: Path) -> None:
    """Amazon's metadata files repeat some lines byte for byte: the table was refused ("repeats item").
    A row repeated exactly is read once and the report says how many were dropped; two different rows
    of one item are still refused."""
    rows = _ratings()
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows), encoding="utf-8")
    meta = _meta(tmp_path / "meta.json")
    lines = meta.read_text(encoding="utf-8").splitlines()
    repeated = tmp_path / "meta_repeated.json"
    repeated.write_text("\n".join([*lines[:10], lines[3], *lines[10:], lines[3], lines[20]]) + "\n", encoding="utf-8")
    expected, report = _evaluate(log, meta), _evaluate(log, repeated)
    assert report["warnings"] == ["3 rows of the item table repeat earlier ones exactly (the same id and values): they were dropped."]
    assert report["item_table"]["identical_rows_dropped"] == 3 and report["item_table"]["rows"] == 60
    assert expected["item_table"]["identical_rows_dropped"] == 0
    assert report["test"] == expected["test"] and report["models"]["hybrid"]["ndcg"] == expected["models"]["hybrid"]["ndcg"]
    # The same in a CSV, in the singular, in French too.
    table = tmp_path / "items.csv"
    table.write_text("item_id,genres\n" + "".join(f"{_asin(n)},{GENRES[n % 3]}\n" for n in [*range(1, 61), 7]), encoding="utf-8")
    french = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(table), "--cutoff", CUTOFF, "--k", "10",
                     "--no-lightfm", lang="fr")
    assert french.returncode == 0, french.stderr
    assert ("1 ligne de la table des éléments répète exactement une ligne précédente (le même identifiant, les mêmes valeurs) : "
            "elle a été écartée.") in " ".join((french.stdout + french.stderr).split())
    different = tmp_path / "different.csv"
    different.write_text(table.read_text(encoding="utf-8") + f"{_asin(8)},Opera\n", encoding="utf-8")
    refused = run_cli("reco", "evaluate", "--interactions", str(log), "--items", str(different), "--cutoff", CUTOFF,
                      "--no-lightfm")
    assert refused.returncode == 2 and f"line 63 repeats item {_asin(8)}" in refused.stderr, refused.stderr


def _paragraph(n: int, rng: np.random.Generator) -> str:
    words = ["story", "author", "chapter", "reader", "edition", "novel", "classic", "volume", "history", "voice"]
    return " ".join([f"word{n}x{k}" for k in range(4)] + rng.choice(words, 8).tolist()).capitalize() + "."


def test_free_text_written_as_a_list_or_with_a_bar_is_read_as_words() -> None:
    """Amazon's ``description`` is a list of paragraphs (joined by ``|``), and a few titles hold a
    ``|`` (``The Jazz Book number4 | Hardcover``): both were labels, each paragraph or title a whole
    string on one item, which tells nothing of a cold item. Mostly distinct, they are free text: their
    words, as a title without ``|`` always was. Genres and artists shared by many items, and short
    names, stay labels."""
    rng = np.random.default_rng(2)
    n = 60
    # Some end with the same paragraph, as a shop's boilerplate.
    boilerplate = "|Ships in a sturdy box with a gift receipt and a free bookmark inside."
    descriptions = ["|".join(_paragraph(100 * k + p, rng) for p in range(1 + k % 3)) + boilerplate * (k % 2) for k in range(n)]
    titles = [f"The {GENRES[k % 3]} Book number{k}" + (" | Hardcover" if k % 4 == 0 else "") for k in range(n)]
    artists = ["|".join(sorted({f"Artist {k % 7}", f"Band {k % 5}"})) for k in range(n)]
    # Names of ensembles, mostly one per item and each on one item, a few items with two: labels.
    ensembles = [f"Quartet number{k}" + (f"|Trio number{k}" if k % 4 == 0 else "") for k in range(n)]
    encoder = fit_encoder({"description": descriptions, "title": titles, "genres": [f"{GENRES[k % 3]}|Live" for k in range(n)],
                           "artists": artists, "ensembles": ensembles}, n)
    kinds = {c.name: c.kind for c in encoder.columns}
    assert kinds == {"description": "text", "title": "text", "genres": "labels", "artists": "labels", "ensembles": "labels"}, kinds
    assert ("title", "hardcover") in encoder.vocabulary and ("description", "novel") in encoder.vocabulary
    cold = encoder.encode({"description": ["A new novel|Another chapter of history"], "title": ["The Jazz Book | Paperback"]}, 1)
    assert cold.nnz >= 3


def test_movielens_titles_and_genres_read_as_before(tmp_path: Path) -> None:
    """MovieLens' ``movies.csv`` (``movieId,title,genres``): titles are words and their year, genres
    labels; nothing of it changes."""
    encoder = fit_encoder({"title": [f"Film number{k} ({1990 + k % 20})" for k in range(40)],
                           "genres": ["Action|Adventure", "Comedy", "Drama|Romance", "Comedy|Drama"] * 10}, 40)
    assert {c.name: c.kind for c in encoder.columns} == {"title": "text", "genres": "labels", "title (year)": "number"}


def test_descriptions_as_published_are_words_in_the_report(tmp_path: Path) -> None:
    rows = _ratings()
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows), encoding="utf-8")
    rng = np.random.default_rng(4)
    meta = _meta(tmp_path / "meta.json", {n: {"title": f"The {GENRES[n % 3]} volume {n} of stories" + (" | Kindle" if n % 5 == 0 else ""),
                                              "description": [_paragraph(10 * n + p, rng) for p in range(1 + n % 2)]}
                                          for n in range(1, 61)})
    report = _evaluate(log, meta)
    assert report["feature_columns"] == {"categories": "labels", "title": "text", "description": "text"}


@pytest.mark.parametrize("name", ["rank", "salesRank", "sales_rank", "SalesRank.Books", "bestseller_rank", "Best Sellers Rank",
                                  "chart_position", "peak_position", "weeks_on_chart", "popularity_rank"])
def test_ranks_by_popularity_are_flagged_as_a_leak(name: str) -> None:
    """A rank computed over the whole log (Amazon's ``rank`` "1,234 in Books", a sales rank, a
    chart's position) tells the models the test period as a count does: said in the same words,
    whether the column reads as numbers or as text."""
    from culturecoop.reco.evaluate import outcome_warnings

    expected = [f"The item table's column {name} looks like a count or an average of the interactions themselves: "
                "computed over the whole log, it tells every model what happens after the cutoff or on the held-out "
                "items, a leak of the test period. It is used as given (every column is a feature); leave it out of "
                "--items for an honest measure."]
    for kind in ("number", "text", "labels"):
        assert outcome_warnings({name: kind, "year": "number", "genres": "labels"}) == expected, (name, kind)


def test_names_near_a_rank_are_not_flagged() -> None:
    from culturecoop.reco.evaluate import outcome_warnings

    assert outcome_warnings({"position": "number", "frank": "labels", "top_genre": "labels", "peak": "number",
                             "page_count": "number", "rank": "link", "stars": "labels"}) == []


def test_amazons_rank_column_is_said_to_leak_in_the_report(tmp_path: Path) -> None:
    rows = _ratings()
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows), encoding="utf-8")
    meta = _meta(tmp_path / "meta.json", {n: {"rank": f"{(61 - n) * 1237:,} in Books ("} for n in range(1, 61)})
    report = _evaluate(log, meta)
    assert "rank" in report["feature_columns"]
    assert report["warnings"] == [
        "The item table's column rank looks like a count or an average of the interactions themselves: computed over the "
        "whole log, it tells every model what happens after the cutoff or on the held-out items, a leak of the test period. "
        "It is used as given (every column is a feature); leave it out of --items for an honest measure."]
