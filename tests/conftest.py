from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
# `synth` starts its upcoming season the day after "today": tests that measure a model on it pin
# the day, so their figures (and thresholds) do not move with the calendar.
SYNTH_TODAY = "2026-11-30"


def run_cli(*args: str, lang: str = "en", timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real `culturecoop` command in a subprocess."""
    env = {**os.environ, "CULTURECOOP_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "culturecoop.cli.main", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


def run_cli_here(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """Run the `culturecoop` command in this process, through the CLI's error boundary, its output
    captured: what ``run_cli`` gives without a process's start (0.4-0.6 s of imports each). For
    tests of what a command computes; a test of the command as a process uses ``run_cli``."""
    import contextlib
    import io

    from culturecoop.cli import app as cli_app
    from culturecoop.cli import main as cli_main

    # A console reads COLUMNS when it is made, as a new process's would at its start: one made while
    # a test had set COLUMNS would otherwise keep that width for every later command.
    for console in (cli_app.console, cli_app.report_out):
        console._width = None
    saved_argv, saved_lang = sys.argv, os.environ.get("CULTURECOOP_LANG")
    os.environ["CULTURECOOP_LANG"] = lang
    sys.argv = ["culturecoop", *args]
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli_main._run()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved_argv
        if saved_lang is None:
            os.environ.pop("CULTURECOOP_LANG", None)
        else:
            os.environ["CULTURECOOP_LANG"] = saved_lang
    return subprocess.CompletedProcess(["culturecoop", *args], code, out.getvalue(), err.getvalue())


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A copy of the folder ``build`` fills, for the asking module to change as it likes.

    The folder is built once per test session: the workers of ``pytest -n`` share it (their
    temporary folders sit side by side), and the first to ask builds it while the others wait.
    """
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / f"built-once-{name}"
    done = shared / ".built"
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(shared, ignore_errors=True)  # what a build that failed left
            shared.mkdir()
            build(shared)
            done.touch()
    copy = tmp_path_factory.mktemp(name)
    shutil.copytree(shared, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".built"))
    return copy


def synth_once(tmp_path_factory: pytest.TempPathFactory, patrons: int, seed: int) -> Path:
    """A copy of what ``culturecoop synth --patrons PATRONS --seed SEED --today SYNTH_TODAY`` writes,
    generated once per test session for every module that asks for the same cooperative."""

    def build(folder: Path) -> None:
        result = run_cli_here("synth", "--out", str(folder / "exports"), "--patrons", str(patrons), "--seed", str(seed),
                              "--today", SYNTH_TODAY)
        assert result.returncode == 0, result.stderr

    return built_once(tmp_path_factory, f"synth-{patrons}-{seed}", build) / "exports"


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cooperative's key files, made once per test module (``culturecoop keys init``)."""
    from culturecoop.privacy.keys import init_keys

    directory = tmp_path_factory.mktemp("keys")
    init_keys(directory)
    return directory


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the normalizers installed, to call them one value at a time."""
    from culturecoop.ingest.normalize import install_normalizers

    connection = duckdb.connect()
    install_normalizers(connection)
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def _process_language_reset() -> object:
    """Apps under test set the process's language per request (the member app, the dashboard):
    a test that follows in the same worker reads its messages in its own language all the same."""
    yield
    from culturecoop.i18n import set_language

    set_language(None)
