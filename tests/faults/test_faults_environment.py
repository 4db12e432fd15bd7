"""A broken machine rather than a bad file: a full disk (a file-size limit: writes fail as they
would on a full disk), folders that cannot be written, paths through files, output that cannot
be written, no terminal. One sentence and exit code 5 (2 for what the user typed), and what
existed before is intact: no key file, lake, export or warehouse is left half-written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from faults.builders import chmod, mkdir, steps, write
from faults.conftest import Case, Outcome, Shared, check_outcome, run_cases

CONTRIBUTED = ("member", "event", "patron", "ticket", "consent", "ingest_log", "identity")


def _fingerprint(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return "|".join(str(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0]) for t in CONTRIBUTED)
    finally:
        con.close()


def warehouse_copy(folder: Path, shared: Shared) -> None:
    shutil.copy(shared.coop, folder / "coop.duckdb")
    (folder / "fingerprint").write_text(_fingerprint(folder / "coop.duckdb"))


def same_data(outcome: Outcome) -> None:
    """The warehouse holds what it held (DuckDB may rewrite its file's bytes; the data stands)."""
    assert _fingerprint(outcome.folder / "coop.duckdb") == (outcome.folder / "fingerprint").read_text()


def old_lake(folder: Path, shared: Shared) -> None:
    from culturecoop.warehouse.engine import Warehouse
    from culturecoop.warehouse.lake import export_lake

    with Warehouse(shared.coop, read_only=True) as w:
        export_lake(w, folder / "lake")


def lake_intact(outcome: Outcome) -> None:
    assert (outcome.folder / "lake" / "_lake.json").is_file()
    assert not [p for p in outcome.folder.iterdir() if p.name.startswith(".lake.")]


def no_keys(outcome: Outcome) -> None:
    keys = outcome.folder / "keys"
    assert not keys.exists() or not list(keys.iterdir()), list(keys.iterdir())


def other_package(folder: Path, shared: Shared) -> None:
    from packages import make_package

    make_package(folder / "pkg", "m9", n_tickets=30_000)


def no_exports(outcome: Outcome) -> None:
    out = outcome.folder / "synth"
    assert not out.exists() or not [p for p in out.iterdir() if p.suffix in (".csv", ".jsonl", ".tsv", ".xlsx")]


HELD: list[object] = []  # processes and sockets kept busy while a module's cases run


def held_warehouse(folder: Path, shared: Shared) -> None:
    """A copy of the warehouse that another process (a running `serve`, say) holds open."""
    import subprocess
    import sys

    shutil.copy(shared.coop, folder / "coop.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(900)", str(folder / "coop.duckdb")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    HELD.append(holder)


def held_by_the_dashboard(folder: Path, shared: Shared) -> None:
    """A copy of the warehouse held the way `culturecoop serve` holds it: its pool of connections."""
    import subprocess
    import sys

    shutil.copy(shared.coop, folder / "coop.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from culturecoop.web.pool import WarehousePool; "
                               "pool = WarehousePool(sys.argv[1], 3); print('ready', flush=True); time.sleep(900)",
         str(folder / "coop.duckdb")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    HELD.append(holder)


BUSY_PORT = 49321


def busy_port(folder: Path, shared: Shared) -> None:
    import socket

    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", BUSY_PORT))
        listener.listen()
        HELD.append(listener)
    except OSError:
        listener.close()  # taken already by another program: busy all the same


KEYS_INIT = ("keys", "init", "--dir", "{case}/keys")
SYNTH = ("synth", "--out", "{case}/synth", "--patrons", "300")

CASES: list[Case] = [
    # ---- a full disk -----------------------------------------------------------------------
    Case("keys-init-disk-full", KEYS_INIT, 5, None, ("keys",), file_limit=10, check=no_keys),
    Case("synth-disk-full", SYNTH, 5, None, ("synth",), file_limit=20_000, check=no_exports),
    Case("export-lake-disk-full-keeps-the-old-lake",
         ("export-lake", "--db", "{shared}/coop.duckdb", "--lake", "{case}/lake"), 5, old_lake, ("lake",),
         file_limit=2_000, check=lake_intact),
    Case("ingest-disk-full", ("ingest", "{case}/pkg", "--db", "{case}/coop.duckdb"), (3, 5),
         steps(warehouse_copy, other_package), (), file_limit=1 << 20,
         may_change=("coop.duckdb", "coop.duckdb.wal"), check=same_data),
    Case("new-warehouse-disk-full", ("ingest", "{case}/pkg", "--db", "{case}/new.duckdb"), 5, other_package,
         ("new.duckdb",), file_limit=300_000, may_change=("new.duckdb", "new.duckdb.wal")),
    # ---- folders that cannot be written, paths through files ---------------------------------
    Case("keys-init-into-a-file", KEYS_INIT, 5, write("keys", "x"), ("keys",)),
    Case("keys-init-parent-is-a-file", ("keys", "init", "--dir", "{case}/afile/keys"), 5, write("afile", "x"),
         ("afile",)),
    Case("keys-init-read-only-folder", ("keys", "init", "--dir", "{case}/ro/keys"), 5,
         steps(mkdir("ro"), chmod("ro", 0o555)), ("ro",), confined=True),
    Case("keys-init-force-over-a-folder", (*KEYS_INIT, "--force"), 5,
         lambda f, s: (shutil.copytree(s.keys, f / "keys"), (f / "keys/server.secret").unlink(),
                       (f / "keys/server.secret").mkdir()), ("server.secret",)),
    Case("keys-init-existing", KEYS_INIT, 2, lambda f, s: shutil.copytree(s.keys, f / "keys"), ("--force",)),
    Case("synth-read-only-folder", SYNTH, (2, 5), steps(mkdir("synth"), chmod("synth", 0o555)), ("synth",),
         confined=True),
    Case("synth-out-is-a-file", SYNTH, 2, write("synth", "x"), ("synth",)),
    Case("synth-parent-is-a-file", ("synth", "--out", "{case}/afile/synth", "--patrons", "300"), (2, 5),
         write("afile", "x"), ("afile",)),
    Case("warehouse-folder-read-only", ("users", "add", "x@y.test", "--db", "{case}/ro/coop.duckdb",
                                        "--password-env", "PW"), 5,
         steps(mkdir("ro"), chmod("ro", 0o555)), ("ro",), env={"PW": "a long enough password"}, confined=True),
    # ---- output and input that are not there -------------------------------------------------
    Case("json-output-to-a-full-disk", ("audit", "show", "--db", "{case}/coop.duckdb", "--json"), 5,
         warehouse_copy, ("standard output",), real=True, stdout_path="/dev/full",
         may_change=("coop.duckdb", "coop.duckdb.wal")),
    Case("password-without-a-terminal", ("users", "add", "x@y.test", "--db", "{case}/coop.duckdb"), 2,
         warehouse_copy, ("--password-env",), real=True, stdin="", check=same_data),
    Case("password-env-empty", ("users", "add", "x@y.test", "--db", "{case}/coop.duckdb", "--password-env", "PW"), 2,
         warehouse_copy, ("PW",), env={"PW": ""}),
    Case("usage-missing-option", ("report", "overview", "--member", "m1"), 2, None, ("--db", "--help"), real=True),
    Case("usage-unknown-command", ("reprot",), 2, None, ("reprot",)),
    Case("usage-bad-number", ("synth", "--out", "{case}/s", "--patrons", "many"), 2, None, ("--patrons",)),
    Case("usage-unknown-option-fr", ("prepare", "--bogus"), 2, None, ("--bogus",), lang="fr"),
    # ---- busy resources and hostile names ------------------------------------------------------
    Case("warehouse-held-by-another-program", ("ingest", "{shared}/pkg", "--db", "{case}/coop.duckdb"), 5,
         held_warehouse, ("in use",), real=True),
    Case("report-while-another-program-holds-it", ("report", "overview", "--db", "{case}/coop.duckdb",
                                                   "--member", "m1"), 5, held_warehouse, ("in use",)),
    Case("report-while-the-dashboard-holds-it", ("report", "overview", "--db", "{case}/coop.duckdb",
                                                 "--member", "m1"), 5, held_by_the_dashboard, ("in use",), real=True),
    Case("serve-port-in-use", ("serve", "--db", "{shared}/coop.duckdb", "--port", str(BUSY_PORT)), 5, busy_port,
         (str(BUSY_PORT),), real=True),
    # No port is numbered so: a mistake in the command (2, as `member serve` says it), not the machine's (5).
    Case("serve-port-out-of-range", ("serve", "--db", "{shared}/coop.duckdb", "--port", "99999"), 2, None,
         ("65535",)),
    Case("serve-unknown-host", ("serve", "--db", "{shared}/coop.duckdb", "--host", "no-such-host.invalid"), 5,
         None, ("no-such-host.invalid",)),
    Case("line-break-in-a-file-name", ("prepare", "{case}/ex\nport.csv", "--member", "m1", "--profile", "canonical",
                                       "--keys", "{shared}/keys", "--out", "{case}/pkg"), 2, None, ("\\n",)),
    Case("terminal-escape-in-a-file-name", ("prepare", "{case}/\x1b[31mred.csv", "--member", "m1", "--profile",
                                            "canonical", "--keys", "{shared}/keys", "--out", "{case}/pkg"), 2, None,
         ("\\x1b",)),
    Case("member-id-with-a-slash", ("prepare", "{shared}/exports/canonical.csv", "--member", "../m1", "--profile",
                                    "canonical", "--keys", "{shared}/keys", "--out", "{case}/pkg"), 2, None,
         ("../m1",)),
    Case("member-id-far-too-long", ("prepare", "{shared}/exports/canonical.csv", "--member", "m" * 500, "--profile",
                                    "canonical", "--keys", "{shared}/keys", "--out", "{case}/pkg"), 2, None,
         ("64",)),
]


@pytest.fixture(scope="module")
def outcomes(shared: Shared, tmp_path_factory: pytest.TempPathFactory, confinement: bool
             ) -> Iterator[dict[str, Outcome]]:
    cases = [c for c in CASES if confinement or not c.confined]
    try:
        yield run_cases(cases, shared, tmp_path_factory.mktemp("environment"), "environment")
    finally:
        for held in HELD:
            if hasattr(held, "kill"):
                held.kill()
                held.wait()
            else:
                held.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, outcomes: dict[str, Outcome], confinement: bool) -> None:
    if case.confined and not confinement:
        pytest.skip("permission bits do not stop this root process (no CAP_SETPCAP to drop its capabilities)")
    check_outcome(case, outcomes[case.id])
