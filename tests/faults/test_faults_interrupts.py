"""Ctrl-C (SIGINT) and a crash (SIGKILL) at five or more points of `prepare`, `ingest` and
`link`: every file is left either as it was or complete, never half-written; Ctrl-C also stops
with one sentence and exit code 130 (or completes, when it came after the last write), and a
crash's hidden partial files are swept by the next run.

The points are reached deterministically (``interrupt_child.py`` wraps one function on the
command's path); a last test also stops `prepare` after measured delays, as a user would."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import run_cli_here
from faults.builders import CANONICAL, canonical_rows
from faults.conftest import ARTIFACTS, partial_files

CHILD = Path(__file__).with_name("interrupt_child.py")
ROOT = Path(__file__).resolve().parents[2]
POINTS = json.loads(subprocess.run([sys.executable, str(CHILD), "--points"], capture_output=True, text=True,
                                   check=True).stdout)
SIGNALS = ("INT", "KILL")


# What identifies a row's content (ingest_log: the package, not the moment it was loaded).
_CONTENT = {"ingest_log": "package_sha256"}


def fingerprint(db: Path, tables: tuple[str, ...]) -> str:
    """Content of ``tables``: equal fingerprints mean equal data."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return "|".join(str(con.execute(f"SELECT count(*), sum(hash({_CONTENT.get(t, 't')})) FROM {t} t")
                            .fetchall()[0]) for t in tables)
    finally:
        con.close()


CONTRIBUTED = ("member", "event", "patron", "ticket", "consent", "ingest_log")


@dataclass
class Bench:
    root: Path
    keys: Path
    export: Path
    reference_rejects: bytes
    reference_rows: dict[str, int]
    ingest_base: Path
    ingest_package: Path
    ingest_before: str
    ingest_complete: str
    link_base: Path
    link_before: str
    link_complete: str


def _cli(*args: str, tmpdir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A command that sets the scene, or the next run after a stop, in this process through the CLI's
    boundary: what it finds and leaves on the disk is what a new process would (the stops themselves
    are real processes); ``tmpdir``: the temporary folder it works in, as TMPDIR gives a process."""
    with pytest.MonkeyPatch.context() as patch:
        if tmpdir is not None:
            patch.setattr(tempfile, "tempdir", str(tmpdir))
        return run_cli_here(*args)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    from culturecoop.linkage.febrl import load_into
    from culturecoop.linkage.resolve import link_warehouse
    from culturecoop.linkage.synthetic import synthetic_coop
    from culturecoop.privacy.keys import init_keys
    from culturecoop.warehouse.engine import Warehouse
    from packages import make_package

    root = tmp_path_factory.mktemp("interrupts")
    keys = root / "keys"
    init_keys(keys)
    export = root / "export.csv"
    bad_rows = "\n".join(CANONICAL.splitlines()[5:12])
    export.write_text(canonical_rows(4000) + bad_rows + "\n", encoding="utf-8")
    ref = _cli("prepare", str(export), "--member", "m1", "--profile", "canonical", "--keys", str(keys),
               "--out", str(root / "ref"))
    assert ref.returncode == 0, ref.stderr
    reference_rows = json.loads((root / "ref" / "manifest.json").read_text())["rows"]

    base = root / "ingest-base.duckdb"
    assert _cli("ingest", str(make_package(root / "small", "m0", n_tickets=100)), "--db", str(base)).returncode == 0
    package = make_package(root / "big", "m2", n_tickets=20_000)
    complete = root / "ingest-complete.duckdb"
    shutil.copy(base, complete)
    assert _cli("ingest", str(package), "--db", str(complete)).returncode == 0

    coop = synthetic_coop(3000, seed=5)
    link_base = root / "link-base.duckdb"
    with Warehouse(link_base, create=True) as w:
        load_into(w, coop.tables[:-1])
        link_warehouse(w)
        load_into(w, coop.tables[-1:])
    linked = root / "link-complete.duckdb"
    shutil.copy(link_base, linked)
    assert _cli("link", "--db", str(linked)).returncode == 0
    return Bench(root, keys, export, (root / "ref.rejects.csv").read_bytes(), reference_rows,
                 base, package, fingerprint(base, CONTRIBUTED), fingerprint(complete, CONTRIBUTED),
                 link_base, fingerprint(link_base, ("identity",)), fingerprint(linked, ("identity",)))


def _interrupt(point: str, signame: str, args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CULTURECOOP_LANG": "en", "CULTURECOOP_STATE_DIR": str(folder / "state"),
           "TMPDIR": str(folder / "tmp")}
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, str(CHILD), point, signame, *args], capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    out = ARTIFACTS / "interrupts"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{point.replace(':', '-')}-{signame}.txt").write_text(
        f"$ culturecoop {' '.join(args)}\n# stopped by SIG{signame} at {point}\n# exit: {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}\n", encoding="utf-8")
    return proc


def _check_signal_outcome(proc: subprocess.CompletedProcess[str], signame: str, completed: bool) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    if signame == "KILL":
        assert proc.returncode == -signal.SIGKILL
        return
    if proc.returncode == 0:
        assert completed, "exit 0 but the work is not complete"
        return
    assert proc.returncode == 130, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: Stopped at your request") and lines[-1].endswith("."), proc.stderr
    assert sum(1 for line in lines if line.startswith("Error:")) == 1, proc.stderr


def _package_state(folder: Path, bench: Bench) -> tuple[str, str]:
    """("absent" | "complete") for the package and for its rejects file; anything else fails."""
    from culturecoop.ingest.package import verify_package

    package, rejects = folder / "pkg", folder / "pkg.rejects.csv"
    if package.exists():
        verified = verify_package(package)
        assert verified.manifest["rows"] == bench.reference_rows
        for name, entry in verified.manifest["tables"].items():
            assert pq.read_metadata(package / entry["file"]).num_rows == entry["rows"], name
        package_state = "complete"
    else:
        package_state = "absent"
    if rejects.exists():
        assert rejects.read_bytes() == bench.reference_rejects
        rejects_state = "complete"
    else:
        rejects_state = "absent"
    return package_state, rejects_state


PREPARE_POINTS = [p for p in POINTS if p.startswith("prepare:")]
INGEST_POINTS = [p for p in POINTS if p.startswith("ingest:")]
LINK_POINTS = [p for p in POINTS if p.startswith("link:")]
RETENTION_POINTS = [p for p in POINTS if p.startswith("retention:")]
# Far enough ahead that every record has passed the retention period.
RETENTION_ARGS = ["retention", "apply", "--as-of", "2099-12-31"]
LEFTOVERS = (".rewrite", ".rewrite.wal", ".erased", ".rewrite-pending")


REWRITE_TABLES = (*CONTRIBUTED, "identity")


def _stop_a_rewrite(base: Path, command: list[str], point: str, signame: str, tmp_path: Path, before: str,
                    complete: str) -> tuple[Path, str, list[str]]:
    """Run ``command`` on a copy of ``base`` and stop it at ``point``: the warehouse path must hold
    a whole warehouse (as before, or with the rows removed), a removal committed but not yet
    rewritten must leave the rewrite owed. Returns the copy, its state and the full command."""
    assert before != complete
    db = tmp_path / "coop.duckdb"
    shutil.copy(base, db)
    args = [*command, "--db", str(db)]
    proc = _interrupt(point, signame, args, tmp_path)
    state = fingerprint(db, REWRITE_TABLES)
    assert state in (before, complete), "the warehouse is half-removed"
    _check_signal_outcome(proc, signame, completed=state == complete and not any(
        db.with_name(db.name + suffix).exists() for suffix in LEFTOVERS))
    if point.endswith(":removing"):
        assert state == before
    if point.endswith(":committed"):  # removed, not yet rewritten: the rewrite is owed
        assert state == complete and db.with_name(db.name + ".rewrite-pending").exists()
    return db, state, args


def _assert_finished(db: Path, complete: str) -> None:
    """The next run finished the rewrite and swept every leftover."""
    assert fingerprint(db, REWRITE_TABLES) == complete
    left = [suffix for suffix in LEFTOVERS if db.with_name(db.name + suffix).exists()]
    assert not left, left


def test_five_points_or_more_per_command() -> None:
    assert len(PREPARE_POINTS) >= 5 and len(INGEST_POINTS) >= 5 and len(LINK_POINTS) >= 5
    assert len(RETENTION_POINTS) >= 5


@pytest.mark.parametrize("signame", SIGNALS)
@pytest.mark.parametrize("point", PREPARE_POINTS)
def test_prepare_stopped(bench: Bench, tmp_path: Path, point: str, signame: str) -> None:
    args = ["prepare", str(bench.export), "--member", "m1", "--profile", "canonical", "--keys", str(bench.keys),
            "--out", str(tmp_path / "pkg")]
    proc = _interrupt(point, signame, args, tmp_path)
    package, rejects = _package_state(tmp_path, bench)
    _check_signal_outcome(proc, signame, completed=package == "complete" and rejects == "complete")
    # The rejects file is put in place first, with Ctrl-C held back: a package never lacks it.
    assert not (package == "complete" and rejects == "absent")
    if point in ("prepare:reading", "prepare:pseudonymizing", "prepare:in-a-callback"):
        assert package == "absent", "the stop was not honoured before the package was written"
    if signame == "INT":
        assert not partial_files(tmp_path), partial_files(tmp_path)
        assert not any((tmp_path / "tmp").iterdir()), "prepare left its work folder"
    if signame == "INT":
        return
    # After a crash the next run finds what it needs (a crash's partials are swept then).
    again = _cli(*args, tmpdir=tmp_path / "tmp")
    if package == "complete":
        assert again.returncode == 2 and "already exists" in again.stderr
    else:  # what the interruption left is redone: the rerun completes
        assert again.returncode == 0, again.stderr
        assert _package_state(tmp_path, bench) == ("complete", "complete")
    assert not [p for p in partial_files(tmp_path) if not p.startswith("tmp/")], partial_files(tmp_path)


@pytest.mark.parametrize("signame", SIGNALS)
@pytest.mark.parametrize("point", INGEST_POINTS)
def test_ingest_stopped(bench: Bench, tmp_path: Path, point: str, signame: str) -> None:
    db = tmp_path / "coop.duckdb"
    shutil.copy(bench.ingest_base, db)
    proc = _interrupt(point, signame, ["ingest", str(bench.ingest_package), "--db", str(db)], tmp_path)
    state = fingerprint(db, CONTRIBUTED)
    assert state in (bench.ingest_before, bench.ingest_complete), "the warehouse is half-loaded"
    _check_signal_outcome(proc, signame, completed=state == bench.ingest_complete)
    if point == "ingest:committed":
        assert state == bench.ingest_complete
    elif point != "ingest:before-commit":
        assert state == bench.ingest_before
    if signame == "KILL":  # the warehouse opens and loads after a crash
        again = _cli("ingest", str(bench.ingest_package), "--db", str(db))
        assert again.returncode == 0, again.stderr
        assert fingerprint(db, CONTRIBUTED) == bench.ingest_complete


@pytest.mark.parametrize("signame", SIGNALS)
@pytest.mark.parametrize("point", LINK_POINTS)
def test_link_stopped(bench: Bench, tmp_path: Path, point: str, signame: str) -> None:
    db = tmp_path / "coop.duckdb"
    shutil.copy(bench.link_base, db)
    proc = _interrupt(point, signame, ["link", "--db", str(db)], tmp_path)
    state = fingerprint(db, ("identity",))
    assert state in (bench.link_before, bench.link_complete), "identity is half-replaced"
    assert bench.link_before != bench.link_complete
    _check_signal_outcome(proc, signame, completed=state == bench.link_complete)
    if point == "link:committed":
        assert state == bench.link_complete
    elif point != "link:before-commit":
        assert state == bench.link_before
    if signame == "KILL":
        again = _cli("link", "--db", str(db))
        assert again.returncode == 0, again.stderr
        assert fingerprint(db, ("identity",)) == bench.link_complete


def test_prepare_stopped_by_ctrl_c_after_measured_delays(bench: Bench, tmp_path: Path) -> None:
    """Ctrl-C as a user sends it: at five moments spread over a run (start-up included)."""
    big = tmp_path / "big.csv"
    big.write_text(canonical_rows(150_000), encoding="utf-8")
    args = [sys.executable, "-m", "culturecoop.cli.main", "prepare", str(big), "--member", "m1", "--profile",
            "canonical", "--keys", str(bench.keys)]
    env = {**os.environ, "CULTURECOOP_LANG": "en", "TMPDIR": str(tmp_path)}
    started = time.perf_counter()
    full = subprocess.run([*args, "--out", str(tmp_path / "full")], capture_output=True, text=True, env=env,
                          check=False)
    duration = time.perf_counter() - started
    assert full.returncode == 0, full.stderr
    outcomes = []
    for i, fraction in enumerate((0.15, 0.35, 0.55, 0.75, 0.95)):
        out = tmp_path / f"pkg{i}"
        proc = subprocess.Popen([*args, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=600)
        (ARTIFACTS / "interrupts" / f"prepare-delay-{i}.txt").write_text(
            f"# SIGINT after {duration * fraction:.2f} s\n# exit: {proc.returncode}\n--- stdout\n{stdout}\n"
            f"--- stderr\n{stderr}\n", encoding="utf-8")
        assert "Traceback" not in stderr
        if proc.returncode in (0, -signal.SIGINT):
            # Done before Ctrl-C came (-2: it came while the interpreter was already exiting).
            assert (out / "manifest.json").is_file() and "Package written" in stderr
            outcomes.append("complete")
        else:
            assert proc.returncode == 130, stderr
            assert stderr.strip().splitlines()[-1].startswith("Error: Stopped at your request")
            assert not out.exists() or (out / "manifest.json").is_file()
            outcomes.append("complete" if out.exists() else "stopped")
        assert not partial_files(tmp_path), partial_files(tmp_path)
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("culturecoop-prepare-")]
    assert "stopped" in outcomes


@pytest.mark.parametrize("signame", ["INT", "TERM"])
def test_serve_stops_cleanly(tmp_path: Path, signame: str) -> None:
    """Ctrl-C or SIGTERM is how a server stops: exit 0, "Server stopped.", nothing else."""
    import httpx

    from culturecoop.warehouse.engine import Warehouse
    from web.live import free_port

    db = tmp_path / "coop.duckdb"
    Warehouse(db, create=True).close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "culturecoop.cli.main", "serve", "--db", str(db), "--port",
                               str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "CULTURECOOP_LANG": "en", "CULTURECOOP_WARMUP": "false"})
    deadline = time.monotonic() + 120
    while True:
        try:
            assert httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200
            break
        except httpx.TransportError:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
    server.send_signal(getattr(signal, f"SIG{signame}"))
    _out, err = server.communicate(timeout=120)
    (ARTIFACTS / "interrupts" / f"serve-{signame}.txt").write_text(f"# exit: {server.returncode}\n{err}",
                                                                    encoding="utf-8")
    assert server.returncode == 0, err
    assert err.strip().splitlines()[-1] == "Server stopped."
    assert "Traceback" not in err and "leaked" not in err and "Error" not in err


@pytest.fixture(scope="module")
def retention_bench(bench: Bench) -> tuple[Path, str, str]:
    """A loaded warehouse, its content, and its content once retention removed every record."""
    base = bench.root / "ingest-complete.duckdb"
    done = bench.root / "retention-complete.duckdb"
    shutil.copy(base, done)
    result = _cli(*RETENTION_ARGS, "--db", str(done))
    assert result.returncode == 0, result.stderr
    tables = (*CONTRIBUTED, "identity")
    return base, fingerprint(base, tables), fingerprint(done, tables)


@pytest.mark.parametrize("signame", SIGNALS)
@pytest.mark.parametrize("point", RETENTION_POINTS)
def test_retention_stopped(retention_bench: tuple[Path, str, str], tmp_path: Path, point: str,
                           signame: str) -> None:
    """Retention deletes then rewrites the whole file: stopped anywhere, the warehouse path holds a
    whole warehouse (as before, or with the records removed), and the next run finishes the
    rewrite — the removed rows' bytes do not stay behind — and sweeps every leftover."""
    base, before, complete = retention_bench
    db, _state, args = _stop_a_rewrite(base, RETENTION_ARGS, point, signame, tmp_path, before, complete)
    again = _cli(*args)
    assert again.returncode == 0, again.stderr
    _assert_finished(db, complete)

ERASE_POINTS = [p for p in POINTS if p.startswith("erase:")]


def test_erase_has_five_points_or_more() -> None:
    assert len(ERASE_POINTS) >= 5


@pytest.fixture(scope="module")
def erase_bench(bench: Bench) -> tuple[Path, Path, str, str]:
    """A warehouse holding the prepared export, an erasure request made from a person's e-mail
    with the member's keys, the warehouse's content, and its content once the person is erased."""
    base = bench.root / "erase-base.duckdb"
    shutil.copy(bench.ingest_base, base)
    loaded = _cli("ingest", str(bench.root / "ref"), "--db", str(base))
    assert loaded.returncode == 0, loaded.stderr
    request = bench.root / "erase-request.json"
    made = _cli("erasure", "request", "--email", "Émilie.Tremblay@Exemple.ca", "--member", "m1",
                "--keys", str(bench.keys), "--out", str(request))
    assert made.returncode == 0, made.stderr
    done = bench.root / "erase-complete.duckdb"
    shutil.copy(base, done)
    result = _cli("erase", str(request), "--db", str(done))
    assert result.returncode == 0, result.stderr
    tables = (*CONTRIBUTED, "identity")
    return base, request, fingerprint(base, tables), fingerprint(done, tables)


@pytest.mark.parametrize("signame", SIGNALS)
@pytest.mark.parametrize("point", ERASE_POINTS)
def test_erase_stopped(erase_bench: tuple[Path, Path, str, str], tmp_path: Path, point: str, signame: str) -> None:
    """Erase deletes then rewrites the whole file: stopped anywhere, the warehouse path holds a
    whole warehouse (as before, or with the person removed), and running the same request again
    finishes the rewrite (or the whole erasure) and sweeps every leftover."""
    base, request, before, complete = erase_bench
    db, state, args = _stop_a_rewrite(base, ["erase", str(request)], point, signame, tmp_path, before, complete)
    if state == before:
        again = _cli(*args)
        assert again.returncode == 0, again.stderr
    else:
        # The person is gone: the same request names nobody now (exit 2, nothing changed), but
        # the run still finishes the rewrite it owes and sweeps the leftovers first.
        again = _cli(*args)
        assert again.returncode == 2, again.stderr
        assert "Nobody in the cooperative matches this request" in again.stderr
    _assert_finished(db, complete)
