"""The boundary's own pieces, in-process: what each environment error becomes, the incident log,
atomic files, and the page checksums of packages. (The other modules run the real command.)"""

from __future__ import annotations

import errno
import os
import random
import stat
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from culturecoop.boundary import explain, is_interruption, record_incident, state_dir
from culturecoop.errors import EXIT_ENVIRONMENT, EXIT_INTEGRITY, EXIT_INTERRUPTED, UserError
from culturecoop.files import (
    atomic_file,
    atomic_folder,
    check_writable,
    partial_path,
    sweep_partials,
)
from culturecoop.ingest.pages import DamagedPageError, verify_pages


@pytest.mark.parametrize(("code", "words"), [
    (errno.EACCES, "Permission denied"), (errno.EPERM, "Permission denied"), (errno.ENOSPC, "disk is full"),
    (errno.EDQUOT, "disk is full"), (errno.EFBIG, "largest file size"), (errno.EROFS, "read-only"),
    (errno.ENOTDIR, "is a file"), (errno.EISDIR, "is a folder"), (errno.ENOENT, "does not exist"),
    (errno.EEXIST, "already exists"), (errno.ENAMETOOLONG, "too long"), (errno.ELOOP, "symbolic links"),
    (errno.EIO, "read or write error"), (errno.ETXTBSY, "could not be read or written"),
])
def test_each_system_error_is_one_sentence_naming_the_file(code: int, words: str) -> None:
    error = explain(OSError(code, os.strerror(code), "/data/export.csv"))
    assert error is not None and error.exit_code == EXIT_ENVIRONMENT
    assert words in error.message and "/data/export.csv" in error.message
    assert error.message.endswith(".") and "\n" not in error.message


def test_a_system_error_without_a_file_still_says_what_to_do() -> None:
    full = explain(OSError(f"Error writing bytes to file. Detail: [errno {errno.ENOSPC}] No space left on device"))
    assert full is not None and "disk is full" in full.message
    other = explain(OSError("something odd"))
    assert other is not None and "check the paths" in other.message


@pytest.mark.parametrize(("exc", "code", "words"), [
    (duckdb.IOException('IO Error: Could not set lock on file "/c/coop.duckdb": Conflicting lock'), 5, "in use"),
    (duckdb.IOException('IO Error: Could not write file "/c/coop.duckdb": No space left on device'), 5,
     "disk is full"),
    (duckdb.TransactionException('Failed to commit: Could not write file "/c/coop.duckdb": File too large'), 5,
     "largest file size"),
    (duckdb.IOException('IO Error: Cannot open file "/c/coop.duckdb": Permission denied'), 5, "Permission"),
    (duckdb.IOException('IO Error: Could not read enough bytes from file "/c/coop.duckdb"'), 3, "damaged"),
    (duckdb.Error("Corrupt database file: computed checksum 1 does not match stored checksum 2 in block"), 3,
     "damaged"),
    (MemoryError(), 5, "memory"),
    (duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate"), 5, "memory"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 2, "encoding"),
])
def test_duckdb_and_other_failures(exc: BaseException, code: int, words: str) -> None:
    error = explain(exc)
    assert error is not None and error.exit_code == code and words in error.message, error


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), RuntimeError("Query interrupted"),
                                 duckdb.InterruptException("INTERRUPT Error: Interrupted!")])
def test_every_form_of_ctrl_c_is_an_interruption(exc: BaseException) -> None:
    assert is_interruption(exc)
    error = explain(exc)
    assert error is not None and error.exit_code == EXIT_INTERRUPTED


def test_a_bug_is_not_explained_away() -> None:
    assert explain(ZeroDivisionError("x")) is None and explain(KeyError("k")) is None
    assert not is_interruption(RuntimeError("something else"))


def test_an_incident_is_logged_with_types_and_places_never_the_message(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CULTURECOOP_STATE_DIR", str(tmp_path / "state"))
    try:
        raise ValueError("émilie.tremblay@example.ca")  # an exception's text may quote personal data
    except ValueError as exc:
        incident = record_incident(exc, "cli prepare")
    assert incident.log == tmp_path / "state" / "incidents.log"
    text = incident.log.read_text()
    assert incident.reference in text and "ValueError" in text and "test_faults_boundary.py" in text
    assert "example.ca" not in text
    assert stat.S_IMODE(incident.log.stat().st_mode) == 0o600


def test_an_incident_log_that_cannot_be_written_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("CULTURECOOP_STATE_DIR", str(tmp_path / "afile" / "state"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    incident = record_incident(RuntimeError("x"), "cli report")
    assert incident.log is not None and incident.log.is_relative_to(tmp_path / "tmp")
    monkeypatch.delenv("CULTURECOOP_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "culturecoop"


def test_the_cli_says_one_sentence_with_the_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from culturecoop.cli import main as cli_main

    monkeypatch.setenv("CULTURECOOP_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("CULTURECOOP_LANG", "en")
    assert cli_main._fail(ZeroDivisionError("secret")) == 70
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: Something went wrong inside culturecoop (reference ") and err.endswith(".")
    assert "secret" not in err and "Traceback" not in err and len(err.splitlines()) == 1
    reference = err.split("(reference ")[1].split(")")[0]
    assert reference in (tmp_path / "incidents.log").read_text()


def test_an_atomic_file_is_whole_or_absent(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(target) as partial:
        partial.write_text("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    with atomic_file(target, mode=0o600) as partial:
        partial.write_text("new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_atomic_folder_never_replaces_a_full_one(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    target.mkdir()
    (target / "keep").write_text("x")
    with pytest.raises(OSError), atomic_folder(target) as partial:
        (partial / "manifest.json").write_text("{}")
    assert (target / "keep").read_text() == "x" and len(list(tmp_path.iterdir())) == 1


def test_partials_of_dead_processes_are_swept(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    dead = tmp_path / f".pkg.{2 ** 22 + 12345}.abcd1234.partial"  # no such process id
    dead.mkdir()
    mine = partial_path(target)
    mine.write_text("in progress")
    sweep_partials(target)
    assert not dead.exists() and mine.exists()


def test_writability_is_checked_before_work(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(UserError) as caught:
        check_writable(tmp_path / "afile" / "sub" / "pkg")
    assert caught.value.exit_code == EXIT_ENVIRONMENT and "afile" in caught.value.message
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(UserError):
        check_writable(tmp_path / "link" / "pkg")
    check_writable(tmp_path / "new" / "deeper" / "pkg")  # missing folders are fine: they are created
    assert not (tmp_path / "new").exists() and len(list(tmp_path.iterdir())) == 2


def _table(n: int) -> pa.Table:
    rng = random.Random(3)
    return pa.table({"member_id": ["m1"] * n, "id": [f"T{i}" for i in range(n)],
                     "value": [rng.random() for _ in range(n)], "blob": [os.urandom(16) for _ in range(n)]})


def test_every_damaged_page_is_found_without_decoding(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(_table(50_000), path, compression="zstd", write_page_checksum=True, data_page_size=64 * 1024)
    assert verify_pages(path) > 10
    data = path.read_bytes()
    footer = pq.ParquetFile(path).metadata.serialized_size + 8
    rng = random.Random(7)
    for _ in range(40):
        damaged = bytearray(data)
        at = rng.randrange(4, len(data) - footer - 8)
        damaged[at:at + 4] = bytes(b ^ 0xFF for b in damaged[at:at + 4])
        path.write_bytes(bytes(damaged))
        with pytest.raises((DamagedPageError, pa.ArrowException, OSError)):
            verify_pages(path)


def test_a_file_without_page_checksums_checks_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(_table(1000), path)
    assert verify_pages(path) == 0  # verify_package then decodes every page instead
    assert EXIT_INTEGRITY == 3


def test_an_empty_table_with_a_boolean_column_verifies(tmp_path: Path) -> None:
    """A package whose consent (or event) table is empty is a real package: Arrow writes no page
    for an empty boolean column, which is not damage."""
    path = tmp_path / "consent.parquet"
    empty = pa.table({"member_id": pa.array([], pa.string()), "granted": pa.array([], pa.bool_())})
    pq.write_table(empty, path, compression="zstd", write_page_checksum=True)
    assert verify_pages(path) >= 1
