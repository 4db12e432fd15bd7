"""`culturecoop ingest`: verified, transactional, idempotent loading of contribution packages."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import run_cli_here as run_cli
from packages import make_package


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("member", "event", "patron", "ticket", "consent", "ingest_log")
        }
    finally:
        con.close()


def fingerprint(db: Path) -> str:
    """Content hash of every contributed table: equal fingerprints mean nothing changed."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        parts = []
        for t in ("member", "event", "patron", "ticket", "consent"):
            parts.append(str(con.execute(f"SELECT count(*), sum(hash(t)) FROM {t} t").fetchone()))
        return "|".join(parts)
    finally:
        con.close()


def test_ingest_loads_every_table_and_reports_rows(tmp_path: Path) -> None:
    pkg = make_package(tmp_path / "pkg", n_tickets=400)
    db = tmp_path / "coop.duckdb"
    result = run_cli("ingest", str(pkg), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rows_loaded"] == {"event": 8, "patron": 100, "ticket": 400, "consent": 300, "unnamed_sale": 0}
    assert summary["already_ingested"] is False
    counts = table_counts(db)
    assert counts["ticket"] == 400 and counts["member"] == 1 and counts["ingest_log"] == 1


def test_same_package_twice_changes_nothing(tmp_path: Path) -> None:
    pkg = make_package(tmp_path / "pkg")
    db = tmp_path / "coop.duckdb"
    assert run_cli("ingest", str(pkg), "--db", str(db)).returncode == 0
    before = fingerprint(db)
    again = run_cli("ingest", str(pkg), "--db", str(db), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["already_ingested"] is True
    assert fingerprint(db) == before
    assert table_counts(db)["ingest_log"] == 1


def test_newer_package_updates_rows_by_key(tmp_path: Path) -> None:
    db = tmp_path / "coop.duckdb"
    first = make_package(tmp_path / "v1", n_tickets=200, price=25.0)
    second = make_package(tmp_path / "v2", n_tickets=300, price=30.0)
    assert run_cli("ingest", str(first), "--db", str(db)).returncode == 0
    result = run_cli("ingest", str(second), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    tickets = json.loads(result.stdout)["tables"]["ticket"]
    assert tickets == {"rows": 300, "inserted": 100, "updated": 200}
    con = duckdb.connect(str(db), read_only=True)
    prices = con.execute("SELECT DISTINCT unit_price FROM ticket").fetchall()
    con.close()
    assert [float(p[0]) for p in prices] == [30.0]


def test_tampered_package_is_refused_and_loads_nothing(tmp_path: Path) -> None:
    db = tmp_path / "coop.duckdb"
    assert run_cli("ingest", str(make_package(tmp_path / "ok")), "--db", str(db)).returncode == 0
    before = fingerprint(db)
    pkg = make_package(tmp_path / "bad", member_id="theatre-lilas")
    ticket = pkg / "ticket.parquet"
    data = bytearray(ticket.read_bytes())
    data[len(data) // 2] ^= 0xFF
    ticket.write_bytes(bytes(data))
    result = run_cli("ingest", str(pkg), "--db", str(db))
    assert result.returncode == 3
    assert "checksum" in result.stderr and "Traceback" not in result.stderr
    assert fingerprint(db) == before


def test_package_for_another_schema_version_is_refused(tmp_path: Path) -> None:
    pkg = make_package(tmp_path / "pkg")
    manifest = json.loads((pkg / "manifest.json").read_text())
    manifest["schema_version"] = 99
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    result = run_cli("ingest", str(pkg), "--db", str(tmp_path / "coop.duckdb"), lang="fr")
    assert result.returncode == 3
    assert "version de schéma 99" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("case", ["missing", "not_a_package", "broken_manifest", "missing_file"])
def test_bad_packages_get_one_sentence(tmp_path: Path, case: str) -> None:
    target = tmp_path / "pkg"
    if case == "not_a_package":
        target.mkdir()
        (target / "export.csv").write_text("a,b\n")
    elif case == "broken_manifest":
        make_package(target)
        (target / "manifest.json").write_text("{not json")
    elif case == "missing_file":
        make_package(target)
        (target / "patron.parquet").unlink()
    db = tmp_path / "coop.duckdb"
    result = run_cli("ingest", str(target), "--db", str(db))
    assert result.returncode in (2, 3)
    message = result.stderr.strip()
    assert message.startswith("Error:") and "Traceback" not in message
    assert not db.exists() or table_counts(db)["ticket"] == 0


def test_killed_ingest_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "coop.duckdb"
    assert run_cli("ingest", str(make_package(tmp_path / "small", n_tickets=100)), "--db", str(db)).returncode == 0
    before = fingerprint(db)
    big = make_package(tmp_path / "big", member_id="billets-boreal", n_tickets=600_000)
    env = {**os.environ, "CULTURECOOP_LANG": "en"}
    outcomes = set()
    # Kill at increasing delays: each time the warehouse must be either untouched or fully loaded.
    for delay in (0.5, 1.0, 1.5, 2.0, 3.0):
        work = tmp_path / f"w{delay}.duckdb"
        shutil.copy(db, work)
        proc = subprocess.Popen(
            [sys.executable, "-m", "culturecoop.cli.main", "ingest", str(big), "--db", str(work)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        counts = table_counts(work)
        if counts["ingest_log"] == 1:
            assert fingerprint(work) == before
            outcomes.add("untouched")
        else:
            assert counts["ticket"] == 100 + 600_000 and counts["ingest_log"] == 2
            outcomes.add("complete")
    assert "untouched" in outcomes


def test_package_with_repeated_keys_is_refused(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from culturecoop.ingest.package import MemberInfo, write_package
    from packages import build_tables

    tables = build_tables("jazz-dieze", 100)
    tables["ticket"] = pa.concat_tables([tables["ticket"], tables["ticket"].slice(0, 3)])
    pkg = tmp_path / "dup"
    write_package(pkg, tables, member=MemberInfo("jazz-dieze", "Le Dièse"), profile="canonical",
                  rows={"in": 103, "accepted": 103, "rejected": 0}, source_name="x.csv")
    assert pq.read_metadata(pkg / "ticket.parquet").num_rows == 103
    db = tmp_path / "coop.duckdb"
    result = run_cli("ingest", str(pkg), "--db", str(db))
    assert result.returncode == 3
    assert "repeats 3 keys" in result.stderr and "Traceback" not in result.stderr
    assert table_counts(db)["ticket"] == 0 and table_counts(db)["event"] == 0
