"""`culturecoop link`: identity from encodings only, stable keys, bad input, real CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from conftest import run_cli_here
from culturecoop.linkage.clustering import cluster
from culturecoop.linkage.evaluate import identity_quality, pairwise_quality
from culturecoop.linkage.febrl import load_into
from culturecoop.linkage.records import PATRON_COLUMNS_READ
from culturecoop.linkage.resolve import assign_keys, link_warehouse
from culturecoop.linkage.synthetic import synthetic_coop
from culturecoop.privacy.encodings import bloom_encode, keyed_tokens
from culturecoop.warehouse.engine import Warehouse


def run_cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """The real `culturecoop` command, run in this process through the CLI's error boundary."""
    return run_cli_here(*args, lang=lang)


SECRET = b"s" * 32


def patron_rows(member: str, rows: list[dict[str, str | None]]) -> pa.Table:
    """Patron rows encoded the way prepare encodes them (tokens, Bloom filters, coarse fields)."""
    def col(name: str) -> list[str | None]:
        return [r.get(name) for r in rows]

    n = len(rows)
    return pa.table({
        "member_id": [member] * n,
        "member_patron_id": [r["id"] for r in rows],
        "email_token": keyed_tokens(col("email"), "email", SECRET),
        "phone_token": pa.nulls(n, pa.string()),
        "bloom_given_name": bloom_encode(col("given"), "given_name", SECRET),
        "bloom_surname": bloom_encode(col("surname"), "surname", SECRET),
        "bloom_birth_date": bloom_encode(col("birth"), "birth_date", SECRET),
        "bloom_postcode": bloom_encode(col("postcode"), "postcode", SECRET),
        "fsa": [r["postcode"][:3] if r.get("postcode") else None for r in rows],
        "birth_band": pa.nulls(n, pa.string()),
        "language": pa.nulls(n, pa.string()),
        "contact_sealed": pa.nulls(n, pa.binary()),
    })


PEOPLE = [
    {"given": "marie", "surname": "tremblay", "birth": "19800517", "postcode": "H2X1Y4"},
    {"given": "jean", "surname": "gagnon", "birth": "19750203", "postcode": "G1R2B5"},
    {"given": "sophie", "surname": "cote", "birth": "19921130", "postcode": "H3B4W8"},
]


@pytest.fixture
def small_coop(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    jazz = [{"id": f"j{i}", **p} for i, p in enumerate(PEOPLE)]
    theatre = [
        {"id": "t0", "given": "marie", "surname": "tremblay", "birth": "1980-05-17", "postcode": "H2X 1Y4"},
        {"id": "t1", "given": "jean", "surname": "gagnon", "birth": "19750203", "postcode": "G1R2B5"},
        {"id": "t2", "given": "luc", "surname": "roy", "birth": "19600101", "postcode": "J4K1A1"},
        # swapped name columns and a typo in the surname: still Marie Tremblay
        {"id": "t3", "given": "tremblya", "surname": "marie", "birth": "19800517", "postcode": "H2X1Y4"},
    ]
    with Warehouse(db, create=True) as wh:
        load_into(wh, [patron_rows("jazz", jazz), patron_rows("theatre", theatre)])
    return db


def keys_of(db: Path) -> dict[tuple[str, str], str]:
    with Warehouse(db, create=False) as wh:
        return {(r["member_id"], r["member_patron_id"]): r["patron_key"]
                for r in wh.query("SELECT * FROM identity")}


def test_link_finds_the_same_people_across_members(small_coop: Path) -> None:
    result = run_cli("link", "--db", str(small_coop), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["records"] == 7 and summary["members"] == 2
    keys = keys_of(small_coop)
    assert keys[("jazz", "j0")] == keys[("theatre", "t0")] == keys[("theatre", "t3")]
    assert keys[("jazz", "j1")] == keys[("theatre", "t1")]
    assert len({keys[("jazz", "j2")], keys[("theatre", "t2")], keys[("jazz", "j0")]}) == 3
    with Warehouse(small_coop, create=False) as wh:
        conf = [r["confidence"] for r in wh.query("SELECT confidence FROM identity")]
    assert all(0.5 <= c <= 1.0 for c in conf)


def test_link_reads_encodings_only_and_never_the_secret(
    small_coop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import culturecoop.privacy.encodings as encodings
    import culturecoop.privacy.keys as keys

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("link touched the linkage secret or an encoder")

    for module, name in [(encodings, "derive_key"), (encodings, "bloom_matrix"),
                         (encodings, "keyed_tokens"), (keys, "_read_key")]:
        monkeypatch.setattr(module, name, forbidden)
    with Warehouse(small_coop) as wh:
        # Drop every patron column link has no business reading: it must still work.
        others = [c for c in ("language", "contact_sealed") if c not in PATRON_COLUMNS_READ]
        for column in others:
            wh.con.execute(f"ALTER TABLE patron DROP COLUMN {column}")
        seen: list[str] = []
        original = wh.con

        class Recorder:
            def __getattr__(self, name: str) -> object:
                return getattr(original, name)

            def execute(self, sql: str, *args: object, **kwargs: object) -> object:
                seen.append(sql)
                return original.execute(sql, *args, **kwargs)

            def sql(self, sql: str, *args: object, **kwargs: object) -> object:
                seen.append(sql)
                return original.sql(sql, *args, **kwargs)

        wh.con = Recorder()  # type: ignore[assignment]
        summary = link_warehouse(wh)
        wh.con = original
    assert summary.records == 7
    patron_reads = [s for s in seen if "FROM patron" in s]
    assert patron_reads and not any("language" in s or "contact" in s for s in patron_reads)


def test_keys_are_stable_across_reruns_and_new_packages(tmp_path: Path) -> None:
    coop = synthetic_coop(3000, seed=5, secret=SECRET)
    first, later = coop.tables[:4], coop.tables[4:]
    db = tmp_path / "w.duckdb"
    with Warehouse(db, create=True) as wh:
        load_into(wh, first)
        link_warehouse(wh)
    before = keys_of(db)
    with Warehouse(db) as wh:
        again = link_warehouse(wh)
    assert keys_of(db) == before and again.records_changed_key == 0 and again.keys_new == 0
    with Warehouse(db) as wh:
        load_into(wh, later)
        grown = link_warehouse(wh)
    after = keys_of(db)
    kept = sum(after[k] == v for k, v in before.items())
    assert kept / len(before) >= 0.99, grown
    # A newcomer who is already known elsewhere gets the existing person's key.
    truth = {(m, r): p for m, recs in coop.truth.items() for r, p in recs.items()}
    old_key_of_person = {truth[k]: v for k, v in before.items()}
    new_records = [k for k in after if k not in before and truth[k] in old_key_of_person]
    joined = sum(after[k] == old_key_of_person[truth[k]] for k in new_records)
    assert new_records and joined / len(new_records) >= 0.9


def test_assign_keys_merge_split_and_fresh() -> None:
    members, ids = ["a"] * 5, ["1", "2", "3", "4", "5"]
    # Previous: {1,2,3} = K1, {4} = K2, {5} new. Now {1,2} | {3,4} | {5}.
    keys, stats = assign_keys(np.array([0, 0, 1, 1, 2]), ["K1", "K1", "K1", "K2", None], members, ids)
    assert keys[0] == keys[1] == "K1"  # the larger part of the split keeps the key
    assert keys[2] == keys[3] == "K2"  # the other part takes the key it shares with record 4
    assert keys[4].startswith("pk_") and stats["keys_new"] == 1
    # Merge: {1,2,3} were K1, {4} K2, now one cluster: the larger part's key wins.
    merged, stats = assign_keys(np.array([0, 0, 0, 0]), ["K1", "K1", "K1", "K2"], members[:4], ids[:4])
    assert set(merged) == {"K1"} and stats["keys_retired"] == 1
    fresh1, _ = assign_keys(np.array([0, 1]), [None, None], ["a", "b"], ["x", "y"])
    fresh2, _ = assign_keys(np.array([0, 1]), [None, None], ["a", "b"], ["x", "y"])
    assert fresh1 == fresh2 and fresh1[0] != fresh1[1]


def test_chained_people_are_split() -> None:
    # a–b and b–c match strongly, but a and c contradict each other: not one person.
    left, right = np.array([0, 1, 3]), np.array([1, 2, 4])
    prob = np.array([0.99, 0.98, 0.97])
    member = np.array([0, 1, 2, 0, 1])

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        pairs = {(0, 1): 0.99, (1, 2): 0.98, (0, 2): 0.0001, (3, 4): 0.97}
        return np.array([pairs.get((min(x, y), max(x, y)), 0.0) for x, y in zip(a, b, strict=True)])

    result = cluster(5, left, right, prob, member, 3, score)
    lab = result.labels
    assert lab[0] == lab[1] and lab[2] != lab[0] and lab[3] == lab[4]
    assert result.split_components == 1


def test_missing_warehouse_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli("link", "--db", str(tmp_path / "nope.duckdb"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nope.duckdb").exists()
    result = run_cli("link")
    assert result.returncode == 2 and "--db" in result.stderr


def test_empty_warehouse_links_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    Warehouse(db, create=True).close()
    result = run_cli("link", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "no patron records" in result.stderr
    french = run_cli("link", "--db", str(db), lang="fr")
    assert "aucun" in french.stderr.lower()


def test_one_member_and_empty_records_link_without_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    rows = [{"id": f"r{i}", **p} for i, p in enumerate(PEOPLE)]
    rows += [{"id": "dup", **PEOPLE[0]}, {"id": "blank1"}, {"id": "blank2"}]
    with Warehouse(db, create=True) as wh:
        load_into(wh, [patron_rows("solo", rows)])
    result = run_cli("link", "--db", str(db))
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stderr.split())
    assert "Only one member" in text and "2 records have no token and no encoding" in text
    keys = keys_of(db)
    assert keys[("solo", "r0")] == keys[("solo", "dup")]  # dedup within the member
    assert keys[("solo", "blank1")] != keys[("solo", "blank2")]
    assert len(set(keys.values())) == 5


def test_synthetic_cooperative_quality(tmp_path: Path) -> None:
    coop = synthetic_coop(8000, seed=11, secret=SECRET)
    out = tmp_path / "synth"
    out.mkdir()
    (out / "truth.json").write_text(json.dumps(coop.truth))
    with Warehouse(out / "coop.duckdb", create=True) as wh:
        load_into(wh, coop.tables)
    result = run_cli("link", "evaluate", "--synth", str(out), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["f1"] >= 0.97, figures
    with Warehouse(out / "coop.duckdb", create=False) as wh:
        assert identity_quality(wh, coop.truth).f1 == figures["f1"]


def test_pairwise_quality_counts_pairs() -> None:
    q = pairwise_quality(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]))
    assert (q.true_pairs, q.predicted_pairs, q.correct_pairs) == (2, 3, 1)
    assert q.precision == pytest.approx(1 / 3, abs=1e-4) and q.recall == 0.5


def test_an_address_carried_under_many_names_links_nobody(tmp_path: Path) -> None:
    """A box office's address on twelve walk-ins of one member and on a stranger at another (a package
    prepared before shared addresses were found, or under ten names there): before, the address merged
    them into one person known to both members."""
    db = tmp_path / "w.duckdb"
    givens = ["luc", "anne", "paul", "sophie", "louis", "claire", "jean", "julie", "marc", "emilie", "hugo", "lea"]
    surnames = ["roy", "gagnon", "morin", "lavoie", "fortin", "gauthier", "pelletier", "bouchard", "cote", "dube",
                "caron", "girard"]
    box = "billetterie@ledieze.example"
    walk_ins = [{"id": f"w{i}", "given": g, "surname": s, "email": box} for i, (g, s) in enumerate(zip(givens, surnames, strict=True))]
    elsewhere = [{"id": "x0", "given": "nadia", "surname": "benali", "email": box, "postcode": "H2T1A1"},
                 {"id": "x1", **PEOPLE[0]}]
    with Warehouse(db, create=True) as wh:
        load_into(wh, [patron_rows("jazz", [*walk_ins, {"id": "j0", **PEOPLE[0]}]), patron_rows("theatre", elsewhere)])
    result = run_cli("link", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["records_with_shared_contacts"] == 13
    keys = keys_of(db)
    assert len({keys["jazz", f"w{i}"] for i in range(12)} | {keys["theatre", "x0"]}) == 13
    assert keys["jazz", "j0"] == keys["theatre", "x1"]  # the others link as before
    said = run_cli("link", "--db", str(db), lang="fr")
    assert "13 fiches portent une adresse e-mail ou un téléphone que des fiches d’au moins dix noms portent aussi" in \
        " ".join((said.stdout + said.stderr).split())
