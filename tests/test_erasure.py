"""Erasure that really erases: a planted person, erased, then every byte of every file scanned."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import planted
from culturecoop.governance.erasure import erasures_seen_by
from culturecoop.governance.requests import build_request, read_request, write_request
from culturecoop.privacy import audit
from culturecoop.schema import persons
from culturecoop.warehouse.engine import Warehouse
from planted import MEMBERS, PLANTED, Coop, cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Coop:
    return planted.build(tmp_path_factory.mktemp("erasure") / "base")


@pytest.fixture
def coop(built: Coop, tmp_path: Path) -> Coop:
    return built.copy_to(tmp_path / "coop")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _request(coop: Coop, *, member: str = MEMBERS[0], name: str = "request.json", **known: list[str]) -> Path:
    """The request as `culturecoop erasure request` writes it (made in this process: the command
    itself is run in ``test_the_request_holds_tokens_only``)."""
    return write_request(build_request("erasure", member, coop.keys, **known), coop.root / "member" / name)


def _person_extras(coop: Coop) -> dict[str, bytes]:
    """The planted person's cooperative key and sealed contacts (random bytes: read them back)."""
    wanted = planted.needles(coop.keys)
    with Warehouse(coop.db, read_only=True) as warehouse:
        rows = warehouse.query(
            "SELECT p.contact_sealed, i.patron_key FROM patron p JOIN identity i USING (member_id, member_patron_id) "
            "WHERE p.email_token = ?", [wanted["email_token"].decode()])
    assert len(rows) == 2 and rows[0]["patron_key"] == rows[1]["patron_key"], "the planted person is linked at both members"
    extras = {"patron_key": str(rows[0]["patron_key"]).encode()}
    for n, row in enumerate(rows):
        extras[f"sealed contact {n}"] = bytes(row["contact_sealed"])
    return extras


def test_erasure_leaves_no_byte_of_the_person(coop: Coop) -> None:
    wanted = {**planted.needles(coop.keys), **_person_extras(coop)}
    before = planted.scan(coop.files, wanted)
    # The scan can see the person before (else it would prove nothing): in the warehouse file
    # after a checkpoint, and in the lake.
    assert set(before) == set(wanted), f"scan misses {set(wanted) - set(before)}"
    assert any(p.startswith("lake/") for p in before["email_token"])
    assert planted.model_bytes(coop.db), "a trained model is among the files scanned"
    with Warehouse(coop.db, read_only=True) as warehouse:
        patrons_before = warehouse.scalar("SELECT count(*) FROM patron")
    request = _request(coop, emails=[PLANTED["email"]])

    done = cli("erase", str(request), "--db", str(coop.db), "--lake", str(coop.lake), "--json")
    summary = json.loads(done.stdout)
    # Whole-cooperative: the record at the other member goes too, through linkage.
    assert summary["records_by_member"] == {MEMBERS[0]: 1, MEMBERS[1]: 1}
    assert summary["rows_by_table"]["ticket"] == 4 and summary["rows_by_table"]["identity"] == 2
    assert summary["seconds_rewrite"] > 0 and summary["seconds_lake"] is not None

    after = planted.scan(coop.files, wanted)
    assert after == {}, f"the person is still in {after}"
    with Warehouse(coop.db) as warehouse:
        assert warehouse.scalar("SELECT count(*) FROM patron") == patrons_before - 2
        warehouse.con.execute("CHECKPOINT")
        entries = warehouse.query("SELECT * FROM audit WHERE action = 'erasure' ORDER BY seq")
        seen = {m: erasures_seen_by(warehouse, m) for m in MEMBERS}
    # Each member sees a count of its own records, and no other member's name.
    assert [json.loads(e["members_touched"]) for e in entries] == [[MEMBERS[0]], [MEMBERS[1]], []]
    assert json.loads(entries[1]["parameters"]) == {"records_removed": {MEMBERS[1]: 1}, "requested_here": False}
    assert seen == {MEMBERS[0]: 1, MEMBERS[1]: 1}
    certificate = json.loads(entries[2]["parameters"])
    assert entries[2]["member_id"] == "cooperative" and certificate["records_removed_total"] == 2
    assert summary["audit_seq"] == entries[2]["seq"] and entries[2]["result_sha256"]
    assert planted.scan(coop.files, wanted) == {}, "a checkpoint after erasure brings nothing back"
    with Warehouse(coop.db, read_only=True) as warehouse:
        assert audit.verify_chain(warehouse).ok


def test_the_request_holds_tokens_only(coop: Coop) -> None:
    request = coop.root / "member" / "cli-request.json"
    cli("erasure", "request", "--member", MEMBERS[0], "--keys", str(coop.keys), "--out", str(request),
        "--email", PLANTED["email"], "--phone", PLANTED["phone"], "--patron-id", "CLI-99001")
    text = request.read_text()
    for clear in ("zephirine", "Quintal", "5145550142", "514 555 0142", "CLI-99001", "exemple"):
        assert clear.lower() not in text.lower()
    parsed = read_request(request, "erasure")
    wanted = planted.needles(coop.keys)
    assert wanted["email_token"].decode() in parsed.email_tokens
    assert wanted["phone_token"].decode() in parsed.phone_tokens
    assert wanted["record jazz-dieze"].decode() in parsed.record_tokens


def test_a_later_package_does_not_bring_the_person_back(coop: Coop) -> None:
    wanted = planted.needles(coop.keys)
    cli("erase", str(_request(coop, patron_ids=["CLI-99001"])), "--db", str(coop.db))
    # Both members send a new export where the person bought again.
    packages = [planted.prepare_member(coop, member, "-again", planted_days=("2026-10-01", "2026-10-15", "2026-11-02"))
                for member in MEMBERS]
    done = cli("ingest", *map(str, packages), "--db", str(coop.db), "--json")
    assert "records_suppressed" in done.stdout
    with Warehouse(coop.db) as warehouse:
        for column, token in (("email_token", wanted["email_token"]), ("phone_token", wanted["phone_token"])):
            assert warehouse.scalar(f"SELECT count(*) FROM patron WHERE {column} = ?", [token.decode()]) == 0
        for member in MEMBERS:
            record = wanted[f"record {member}"].decode()
            for table in ("patron", "ticket", "consent"):
                assert warehouse.scalar(f"SELECT count(*) FROM {table} WHERE member_patron_id = ?", [record]) == 0
        # Everyone else's new rows did arrive.
        assert warehouse.scalar("SELECT count(*) FROM ingest_log") == 4
        # The list holds keyed hashes, no token.
        hashes = [r["hash"] for r in warehouse.query("SELECT hash FROM erasure_suppression")]
    assert hashes and not {h.encode() for h in hashes} & set(wanted.values())


def test_deleted_rows_keep_their_bytes_until_the_file_is_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CULTURECOOP_STORAGE_AUDIT", "1")
    path = tmp_path / "w.duckdb"
    needle = "f" * 24 + "0123456789abcdef"
    with Warehouse(path, create=True) as warehouse:
        with warehouse.transaction() as con:
            con.execute("INSERT INTO consent SELECT 'm', md5(CAST(i AS VARCHAR)), 'pooling', true, TIMESTAMP '2026-01-01' FROM range(5000) t(i)")
            con.execute("INSERT INTO consent VALUES ('m', ?, 'pooling', true, TIMESTAMP '2026-01-01')", [needle])
        warehouse.con.execute("CHECKPOINT")
        assert needle.encode() in path.read_bytes()
        with warehouse.transaction() as con:
            con.execute("DELETE FROM consent WHERE member_patron_id = ?", [needle])
        warehouse.con.execute("CHECKPOINT")
        assert needle.encode() in path.read_bytes(), "DuckDB keeps deleted bytes: the rewrite is what removes them"
        warehouse.rewrite()
        assert needle.encode() not in path.read_bytes()
        assert warehouse.scalar("SELECT count(*) FROM consent") == 5000
        assert not list(tmp_path.glob("w.duckdb.*")), "no copy of the old file is left beside it"


def test_an_undeclared_table_naming_a_person_is_emptied_too(coop: Coop) -> None:
    wanted = planted.needles(coop.keys)
    with Warehouse(coop.db) as warehouse:
        # Every table of the schema that names a person is declared by its service.
        assert persons.undeclared_person_tables(warehouse.con) == []
    with Warehouse(coop.db) as warehouse, warehouse.transaction() as con:
        con.execute("CREATE TABLE someone_elses_cache AS SELECT member_id, member_patron_id, 1 AS x FROM patron")
    cli("erase", str(_request(coop, emails=[PLANTED["email"]])), "--db", str(coop.db))
    with Warehouse(coop.db, read_only=True) as warehouse:
        left = warehouse.scalar("SELECT count(*) FROM someone_elses_cache WHERE member_patron_id IN (?, ?)",
                                [wanted[f"record {m}"].decode() for m in MEMBERS])
        assert left == 0
        assert warehouse.scalar("SELECT count(*) FROM someone_elses_cache") > 0


def test_bad_requests_change_nothing(coop: Coop) -> None:
    before = _digest(coop.db)
    nobody = _request(coop, emails=["personne@nulle-part.example"], name="nobody.json")
    done = cli("erase", str(nobody), "--db", str(coop.db), check=False)
    assert done.returncode == 2 and "Nobody in the cooperative matches" in done.stderr and "Traceback" not in done.stderr

    tampered = coop.root / "member" / "tampered.json"
    data = json.loads(_request(coop, emails=[PLANTED["email"]]).read_text())
    data["tokens"]["email"] = ["0" * 64]
    tampered.write_text(json.dumps(data))
    done = cli("erase", str(tampered), "--db", str(coop.db), check=False)
    assert done.returncode == 3 and "altered" in done.stderr

    malformed = coop.root / "member" / "malformed.json"
    malformed.write_text("{not json")
    done = cli("erase", str(malformed), "--db", str(coop.db), check=False)
    assert done.returncode == 2 and "is not a request written by culturecoop" in done.stderr

    good = _request(coop, emails=[PLANTED["email"]], name="good.json")
    not_a_lake = coop.root / "member"
    done = cli("erase", str(good), "--db", str(coop.db), "--lake", str(not_a_lake), check=False)
    assert done.returncode == 2 and "is not a culturecoop lake" in done.stderr

    done = cli("erasure", "request", "--member", MEMBERS[0], "--keys", str(coop.keys), "--out",
               str(coop.root / "x.json"), "--email", "pas-une-adresse", check=False)
    assert done.returncode == 2 and "is not an e-mail address" in done.stderr
    assert _digest(coop.db) == before
