"""Every command that opens a warehouse, pointed at something that is not one: another
application's DuckDB file, a truncated or damaged warehouse, an empty file, a folder, a path
through a file, a warehouse of another schema version. One sentence each, and the file is left
exactly as it was (byte for byte: a read command never creates culturecoop's tables in it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from faults.builders import (
    empty_duckdb,
    mkdir,
    sqlite_db,
    symlink,
    warehouse_cut,
    warehouse_scrambled,
    warehouse_version,
    write,
)
from faults.conftest import Case, Outcome, Shared, check_outcome, run_cases

DB = "{case}/coop.duckdb"

# Commands that read a warehouse (some also write their own bookkeeping into a real one).
READERS: dict[str, tuple[str, ...]] = {
    "report": ("report", "overview", "--db", DB, "--member", "m1"),
    "link": ("link", "--db", DB),
    "audit-verify": ("audit", "verify", "--db", DB),
    "audit-show": ("audit", "show", "--db", DB),
    "privacy-show": ("privacy", "show", "--db", DB),
    "privacy-set": ("privacy", "set", "--db", DB, "--k", "12"),
    "users-list": ("users", "list", "--db", DB),
    "export-lake": ("export-lake", "--db", DB, "--lake", "{case}/lake"),
    "analytics-refresh": ("analytics-refresh", "--db", DB),
}


def foreign(folder: Path, shared: Shared) -> None:
    shutil.copy(shared.foreign, folder / "coop.duckdb")


# Bad warehouses: (setup, exit code, a word of the sentence).
BAD: dict[str, tuple[object, int | tuple[int, ...], str]] = {
    "foreign-duckdb": (foreign, 2, "another application"),
    "truncated-half": (warehouse_cut(0.5), 3, "damaged"),
    "truncated-4k": (warehouse_cut(4096), 3, "damaged"),
    "truncated-to-header": (warehouse_cut(12), 3, "damaged"),
    # DuckDB finds a damaged block when a query reads it: commands that do not read it succeed.
    "scrambled-block": (warehouse_scrambled(0.6), (0, 3), "damaged"),
    "empty-file": (write("coop.duckdb", b""), 2, "empty"),
    "empty-duckdb": (empty_duckdb, 2, "empty database"),
    "csv-file": (write("coop.duckdb", "a,b\n1,2\n"), 2, "not a culturecoop warehouse"),
    "sqlite-file": (sqlite_db("coop.duckdb"), 2, "not a culturecoop warehouse"),
    "folder": (mkdir("coop.duckdb"), 2, "folder"),
    "missing": (None, 2, "does not exist"),
    "broken-link": (symlink("coop.duckdb", "/nonexistent/coop.duckdb"), 2, "link"),
    "schema-version-99": (warehouse_version("99"), 4, "schema version 99"),
    "schema-version-text": (warehouse_version("x"), 4, "schema version"),
}


def _no_culturecoop_tables(outcome: Outcome) -> None:
    path = outcome.folder / "coop.duckdb"
    if path.is_file() and path.stat().st_size and path.read_bytes()[8:12] == b"DUCK":
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error:
            return  # damaged: byte-identical (checked for every case) is what matters
        try:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        finally:
            con.close()
        assert "schema_info" not in tables or "member" in tables, tables


def _writes(command: str, bad: str) -> tuple[str, ...]:
    """What a command may change on its way to finding a damaged block (its own bookkeeping is
    written before the damaged block is read: the sentence then comes from the boundary)."""
    return ("coop.duckdb", "coop.duckdb.wal") if bad == "scrambled-block" else ()


def _cases() -> list[Case]:
    cases = []
    for bad, (setup, code, word) in BAD.items():
        for command, args in READERS.items():
            real = command == "report" and bad in ("foreign-duckdb", "truncated-half")
            cases.append(Case(f"{command}-{bad}", args, code, setup, (word,), real=real,  # type: ignore[arg-type]
                              check=_no_culturecoop_tables, may_change=_writes(command, bad)))
    for bad in ("foreign-duckdb", "truncated-half", "scrambled-block", "csv-file", "sqlite-file", "folder",
                "schema-version-99", "empty-file", "broken-link"):
        setup, code, word = BAD[bad]
        cases.append(Case(f"ingest-{bad}", ("ingest", "{shared}/pkg", "--db", DB), code, setup, (word,),  # type: ignore[arg-type]
                          check=_no_culturecoop_tables, may_change=_writes("ingest", bad)))
        cases.append(Case(f"users-add-{bad}", ("users", "add", "x@y.test", "--db", DB, "--password-env", "PW"),
                          code, setup, (word,), env={"PW": "a long enough password"},  # type: ignore[arg-type]
                          check=_no_culturecoop_tables, may_change=_writes("users-add", bad)))
    cases += [
        Case("report-foreign-duckdb-fr", READERS["report"], 2, foreign, ("autre application",), lang="fr"),
        Case("ingest-parent-is-a-file", ("ingest", "{shared}/pkg", "--db", "{case}/afile/coop.duckdb"), 5,
             write("afile", "x"), ("afile",), real=True),
        Case("report-parent-is-a-file", ("report", "overview", "--db", "{case}/afile/coop.duckdb", "--member", "m1"),
             2, write("afile", "x"), ("does not exist",)),
        Case("serve-foreign-duckdb", ("serve", "--db", DB, "--port", "1"), 2, foreign, ("another application",),
             real=True),
        Case("serve-missing", ("serve", "--db", DB, "--port", "1"), 2, None, ("does not exist",)),
        Case("ingest-dev-null", ("ingest", "{shared}/pkg", "--db", "/dev/null"), 2, None, ("regular file",)),
        Case("export-lake-onto-a-file", ("export-lake", "--db", "{shared}/coop.duckdb", "--lake", "{case}/lake"), 2,
             write("lake", "x"), ("lake",)),
        Case("export-lake-parent-is-a-file", ("export-lake", "--db", "{shared}/coop.duckdb", "--lake",
                                              "{case}/afile/lake"), 5, write("afile", "x"), ("afile",)),
        Case("warehouse-unreadable", READERS["report"], 5,
             lambda f, s: (shutil.copy(s.coop, f / "coop.duckdb"), (f / "coop.duckdb").chmod(0o000)),
             ("coop.duckdb",), confined=True),
        Case("warehouse-read-only-for-ingest", ("ingest", "{shared}/pkg", "--db", DB), 5,
             lambda f, s: (shutil.copy(s.coop, f / "coop.duckdb"), (f / "coop.duckdb").chmod(0o444)),
             ("coop.duckdb",), confined=True),
        Case("new-warehouse-in-read-only-folder", ("ingest", "{shared}/pkg", "--db", "{case}/ro/coop.duckdb"), 5,
             lambda f, s: ((f / "ro").mkdir(), (f / "ro").chmod(0o555)), ("ro",), confined=True),
        Case("lake-in-read-only-folder", ("export-lake", "--db", "{shared}/coop.duckdb", "--lake", "{case}/ro/lake"),
             5, lambda f, s: ((f / "ro").mkdir(), (f / "ro").chmod(0o555)), ("ro",), confined=True),
    ]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outcomes(shared: Shared, tmp_path_factory: pytest.TempPathFactory, confinement: bool) -> dict[str, Outcome]:
    cases = [c for c in CASES if confinement or not c.confined]
    return run_cases(cases, shared, tmp_path_factory.mktemp("warehouses"), "warehouses")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, outcomes: dict[str, Outcome], confinement: bool) -> None:
    if case.confined and not confinement:
        pytest.skip("permission bits do not stop this root process (no CAP_SETPCAP to drop its capabilities)")
    check_outcome(case, outcomes[case.id])


def test_a_read_command_never_writes_into_a_foreign_file(outcomes: dict[str, Outcome], shared: Shared) -> None:
    """The issue's worst case: `report` on another application's DuckDB file created 31 tables."""
    for command in READERS:
        outcome = outcomes[f"{command}-foreign-duckdb"]
        assert outcome.after[str(outcome.folder / "coop.duckdb")] == outcome.before[str(outcome.folder / "coop.duckdb")]
        con = duckdb.connect(str(outcome.folder / "coop.duckdb"), read_only=True)
        try:
            tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        finally:
            con.close()
        assert tables == ["invoices"], (command, tables)
