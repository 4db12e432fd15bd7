"""The warehouse: the one class that opens database connections.

Reads and writes go through ``Warehouse``; writes happen inside ``transaction()``, one explicit
transaction, so a failure or a killed process leaves the warehouse as it was.

**Remembered reads.** DuckDB locks the file: while this process has it open for writing, no
other process can even open it, and while it is open read-only, nobody can write. Every change
therefore comes from this process, through ``transaction()``, which counts the commits that
change data (the file's *generation*, shared by every connection of the process to that file).
``remember(key, compute)`` keeps a read's result until the next such commit: the checks a
report makes before its own queries (is the data fresh, which members, which policy) cost a
dictionary lookup instead of a round trip. A transaction that writes only bookkeeping no
remembered read depends on (the privacy gate's memory and audit entry, sessions) says so with
``transaction(bookkeeping=True)``; everything else moves the generation. A write made on the raw
connection outside ``transaction()`` is not seen: the house rule is that there is none.

For the same reason a service may keep what it wrote itself (``kept(name)``, guarded by
``serialized(name)``): the privacy gate keeps the audit log's head and its last releases.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.files import check_writable, fsync_path
from culturecoop.i18n import _
from culturecoop.schema.model import SCHEMA_VERSION, create_statements

T = TypeVar("T")
# Set (to anything) to store values uncompressed, for byte-level audits of erasure.
STORAGE_AUDIT_ENV = "CULTURECOOP_STORAGE_AUDIT"
_ZEROS = bytes(8 << 20)


def sweep_rewrite_leftovers(path: Path) -> None:
    """Remove what an interrupted ``Warehouse.rewrite`` of ``path`` left: the half-copied fresh
    file, and the old file's second name (zeroed first — unless it is still the live file)."""
    fresh = path.with_name(path.name + ".rewrite")
    old = path.with_name(path.name + ".erased")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if old.exists():
        if path.exists() and os.path.samefile(old, path):
            old.unlink()  # stopped before the swap: the live file is the old one, keep its bytes
        else:
            overwrite_and_remove(old)


def overwrite_and_remove(path: Path) -> None:
    """Overwrite a file's bytes with zeros, flush them, then remove it."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        done = 0
        while done < size:
            done += f.write(_ZEROS[: min(len(_ZEROS), size - done)])
        f.flush()
        os.fsync(f.fileno())
    path.unlink()
# Reads kept per file at most (stale ones are dropped first): sessions are remembered too.
REMEMBERED_READS = 10_000


class _FileState:
    """What the connections of this process to one warehouse file share."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.remembered: dict[Any, tuple[int, Any]] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.kept: dict[str, dict[Any, Any]] = {}
        self.at_close: dict[str, Callable[[Warehouse], None]] = {}
        self.users = 0


_FILES: dict[str, _FileState] = {}
_FILES_LOCK = threading.Lock()


def _attach(key: str) -> _FileState:
    with _FILES_LOCK:
        state = _FILES.setdefault(key, _FileState())
        state.users += 1
        return state


def _detach(key: str) -> None:
    # Once the last connection closes, another process may write the file: forget everything.
    with _FILES_LOCK:
        state = _FILES.get(key)
        if state is not None:
            state.users -= 1
            if state.users <= 0:
                del _FILES[key]


# A DuckDB database file carries "DUCK" at this offset of its first block.
_DUCKDB_MAGIC = (8, b"DUCK")


def _check_path(path: Path, *, create: bool, held: bool = False) -> None:
    """Refuse, before DuckDB touches anything, a path that cannot be a warehouse.

    ``held``: this process has the file open already, so it is a warehouse, and its bytes are not
    read again: DuckDB's lock on the file is a POSIX lock, which the process loses as soon as it
    closes *any* descriptor of the file. Reading the header for each of `serve`'s pooled
    connections released the lock, and other processes then opened the warehouse under it."""
    if held:
        return
    if path.is_dir():
        raise UserError(_("{path} is a folder, not a warehouse file; give the path of a .duckdb file.").format(path=path))
    if not path.exists():
        if path.is_symlink():
            raise UserError(_("{path} is a broken link; give the path of the warehouse file itself.").format(path=path))
        if not create:
            raise UserError(
                _("The warehouse {path} does not exist; check the path or load a package into it "
                  "with `culturecoop ingest PKG --db {path}`.").format(path=path)
            )
        check_writable(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if not path.is_file():
        raise UserError(_("{path} is not a regular file, so not a warehouse; give the path of a .duckdb file.").format(path=path))
    offset, magic = _DUCKDB_MAGIC
    try:
        with path.open("rb") as f:
            head = f.read(offset + len(magic))
    except PermissionError:
        raise UserError(
            _("The warehouse {path} cannot be read (permission denied); run the command as the account that "
              "owns it, or give this account access to it.").format(path=path),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
    if not head:
        raise UserError(
            _("{path} is an empty file, not a culturecoop warehouse; give the path of your warehouse, or remove "
              "the empty file before creating one there.").format(path=path)
        )
    if head[offset:offset + len(magic)] != magic:
        raise UserError(
            _("{path} is not a culturecoop warehouse (it is not a DuckDB database file); it was left untouched: "
              "give the path of your warehouse, e.g. coop.duckdb.").format(path=path)
        )


def _is_lock(exc: BaseException) -> bool:
    """DuckDB could not take a file lock: another process holds the warehouse."""
    return isinstance(exc, duckdb.Error) and re.search(r"\block\b", str(exc).lower()) is not None


def _in_use(path: Path) -> UserError:
    return UserError(
        _("The warehouse {path} is in use by another program (perhaps `culturecoop serve`); stop it, or "
          "wait for it to finish, and run the command again.").format(path=path),
        exit_code=EXIT_ENVIRONMENT,
    )


def _cannot_open(path: Path, exc: duckdb.Error) -> UserError:
    """DuckDB's refusal to open ``path``, as one sentence."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    lower = reason.lower()
    if _is_lock(exc):
        return _in_use(path)
    if "permission denied" in lower or "read-only file system" in lower:
        return UserError(
            _("The warehouse {path} cannot be opened for writing (permission denied or a read-only disk); run "
              "the command as the account that owns it, or copy it to a folder you can write to.").format(path=path),
            exit_code=EXIT_ENVIRONMENT,
        )
    if "version" in lower and ("storage" in lower or "database file" in lower or "serializ" in lower):
        return UserError(
            _("The warehouse {path} was written by another release of DuckDB ({reason}); use the culturecoop "
              "release that wrote it.").format(path=path, reason=reason),
            exit_code=4,
        )
    if isinstance(exc, duckdb.IOException | duckdb.SerializationException | duckdb.InternalException) or \
            "corrupt" in lower or "checksum" in lower:
        return UserError(
            _("The warehouse {path} is damaged or incomplete (a truncated or corrupted DuckDB file); it was left "
              "untouched: restore it from a backup.").format(path=path),
            exit_code=3,
        )
    return UserError(
        _("The warehouse {path} cannot be opened ({reason}); close any other program using it "
          "and check that it is a culturecoop warehouse.").format(path=path, reason=reason)
    )


class Warehouse:
    """A DuckDB warehouse file holding the canonical model.

    Opens only a culturecoop warehouse (its ``schema_info`` table names the schema version):
    another application's DuckDB file, a truncated or damaged file, a folder, any other file is
    refused in one sentence and left exactly as it was. A new warehouse is created only when
    the caller says so (``create=True``: ``ingest``, ``users add``), on a path that does not
    exist yet (or an empty DuckDB database).
    """

    def __init__(self, path: Path | str, *, read_only: bool = False, create: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        key = str(self.path.resolve())
        with _FILES_LOCK:
            held = key in _FILES
        _check_path(self.path, create=create and not read_only, held=held)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise _cannot_open(self.path, exc) from None
        try:
            self._configure()
            found = self._recognise(create=create and not read_only)
        except BaseException:
            self.con.close()
            raise
        self._file = _attach(key)
        self._detach = weakref.finalize(self, _detach, key)
        if not read_only:
            self._migrate()
        if found is None:
            self._check_version()

    def _recognise(self, *, create: bool) -> str | None:
        """The schema version the file records, or None for an empty database that may become a
        warehouse; raises ``UserError`` for any other database (before anything is written)."""
        try:
            rows = self.con.execute("SELECT value FROM schema_info WHERE key = 'schema_version'").fetchall()
        except duckdb.CatalogException:
            rows = None
        except duckdb.Error as exc:
            raise _cannot_open(self.path, exc) from None
        if rows is not None:
            found = str(rows[0][0]) if rows else "none"
            if found != str(SCHEMA_VERSION):
                raise UserError(
                    _("The warehouse {path} has schema version {found} but this culturecoop expects "
                      "{expected}; use a culturecoop release that matches it.").format(
                        path=self.path, found=found, expected=SCHEMA_VERSION),
                    exit_code=4,
                )
            return found
        tables = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database()"
        ).fetchall()[0][0]
        if tables:
            raise UserError(
                _("{path} is a DuckDB database of another application, not a culturecoop warehouse; it was "
                  "left untouched: give the path of your warehouse (or a new path for `culturecoop ingest`)."
                  ).format(path=self.path),
            )
        if not create:
            raise UserError(
                _("{path} is an empty database, not a culturecoop warehouse yet; load a package into it with "
                  "`culturecoop ingest PKG --db {path}`.").format(path=self.path),
            )
        return None

    def _configure(self) -> None:
        # DuckDB's progress bar would write into --json output on long queries.
        self.con.execute("SET enable_progress_bar = false")
        if os.environ.get(STORAGE_AUDIT_ENV):
            # For byte-level audits (the erasure tests): values are stored as they are, so a scan
            # of the file's bytes sees every value, live or deleted, that the file still holds.
            self.con.execute("SET force_compression = 'uncompressed'")

    def rewrite(self) -> float:
        """Copy every live row into a fresh file, swap it in and overwrite the old one with zeros.

        DuckDB keeps the bytes of deleted rows (and dropped tables) in the file until their blocks
        are reused (duckdb issues 12286, 14124); erasure and retention call this so that what they
        removed is gone from the disk file, not only from query results. Needs to be the process's
        only connection to the file. Returns the seconds it took.
        """
        started = time.perf_counter()
        with _FILES_LOCK:
            if self._file.users != 1:
                raise UserError(_("The warehouse {path} is in use by another part of this program; stop it and run the command again.").format(path=self.path))
        fresh = self.path.with_name(self.path.name + ".rewrite")
        old = self.path.with_name(self.path.name + ".erased")
        sweep_rewrite_leftovers(self.path)
        self.con.complete()
        self.con.execute("CHECKPOINT")
        alias = str(self.scalar("SELECT current_database()"))
        quoted = str(fresh).replace("'", "''")
        self.con.execute(f"ATTACH '{quoted}' AS culturecoop_rewrite")
        try:
            self.con.execute(f'COPY FROM DATABASE "{alias}" TO culturecoop_rewrite')
        finally:
            self.con.execute("DETACH culturecoop_rewrite")
        self.con.close()
        os.chmod(fresh, self.path.stat().st_mode & 0o777)  # keep who may read the warehouse
        fsync_path(fresh)
        # The path always names a whole warehouse: the old file is kept by a second name, the
        # fresh one takes the path in one rename, and only then are the old bytes zeroed. A crash
        # in between leaves a leftover that the next rewrite sweeps (sweep_rewrite_leftovers).
        os.link(self.path, old)
        os.replace(fresh, self.path)
        fsync_path(self.path.parent)
        overwrite_and_remove(old)
        self.path.with_name(self.path.name + ".wal").unlink(missing_ok=True)
        self.con = duckdb.connect(str(self.path))
        self._configure()
        self._data_changed()
        return time.perf_counter() - started

    def _migrate(self) -> None:
        with self.transaction():
            for statement in create_statements():
                self.con.execute(statement)
            self.con.execute(
                "INSERT INTO schema_info VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [str(SCHEMA_VERSION)],
            )

    def _check_version(self) -> None:
        try:
            rows = self.con.execute(
                "SELECT value FROM schema_info WHERE key = 'schema_version'"
            ).fetchall()
            row = rows[0] if rows else None
        except duckdb.CatalogException:
            row = None
        if row is None or int(row[0]) != SCHEMA_VERSION:
            found = row[0] if row else "none"
            raise UserError(
                _("The warehouse {path} has schema version {found} but this culturecoop expects "
                  "{expected}; use a culturecoop release that matches it.").format(
                    path=self.path, found=found, expected=SCHEMA_VERSION),
                exit_code=4,
            )

    @contextmanager
    def transaction(self, *, bookkeeping: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One explicit transaction: committed when the block ends, rolled back on any error.

        ``bookkeeping=True`` promises that it writes nothing a remembered read depends on.
        """
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException as exc:
            # DuckDB may have ended the transaction itself (a failed write): the error that
            # got us here is the one to report, not "no transaction is active".
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            if _is_lock(exc):
                raise _in_use(self.path) from None
            raise
        try:
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            # Another process writing the same file (its write-ahead log is locked).
            if _is_lock(exc):
                raise _in_use(self.path) from None
            raise
        finally:
            # Even a failed COMMIT may have changed something: never keep a read across it.
            if not bookkeeping:
                self._data_changed()

    @contextmanager
    def statement(self, *, bookkeeping: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection for **one** write statement, which DuckDB commits on its own: two round
        trips fewer than ``transaction()`` when a single statement is all there is to write."""
        try:
            yield self.con
        finally:
            if not bookkeeping:
                self._data_changed()

    def _data_changed(self) -> None:
        """Forget every remembered read of this file (they are kept under an older generation)."""
        with self._file.lock:
            self._file.generation += 1

    def remember(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``'s result, kept until a commit changes data (see the module's doc).

        The result is shared between threads and connections: it must not be modified.
        """
        state = self._file
        with state.lock:
            generation = state.generation
            kept = state.remembered.get(key)
        if kept is not None and kept[0] == generation:
            return kept[1]  # type: ignore[no-any-return]
        value = compute()
        with state.lock:
            # Kept under the generation read *before* computing: a commit in between (here or in
            # another thread) makes it stale at once, never wrongly fresh.
            state.remembered[key] = (generation, value)
            if len(state.remembered) > REMEMBERED_READS:
                current = state.generation
                state.remembered = {k: v for k, v in state.remembered.items() if v[0] == current}
                if len(state.remembered) > REMEMBERED_READS:
                    state.remembered.clear()
        return value

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a read query as dictionaries."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        # fetchall, not fetchone: DuckDB 2.0 keeps a half-read result open ("Resource In Use").
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def arrow(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        # DuckDB 2.0 warns that a DB-API result copies rows into Arrow; a relation does not.
        return self.con.sql(sql, params=params or None).to_arrow_table()

    def counts(self) -> dict[str, int]:
        """Rows per canonical table."""
        from culturecoop.schema.model import ALL_TABLES

        return {t.name: int(self.scalar(f"SELECT count(*) FROM {t.name}")) for t in ALL_TABLES}

    def serialized(self, name: str) -> threading.Lock:
        """A lock named ``name`` shared by this process's connections to the file."""
        with self._file.lock:
            return self._file.locks.setdefault(name, threading.Lock())

    def kept(self, name: str) -> dict[Any, Any]:
        """A dictionary named ``name`` shared by this process's connections to the file and
        forgotten when the last one closes; hold ``serialized(name)`` to read or change it."""
        with self._file.lock:
            return self._file.kept.setdefault(name, {})

    def at_last_close(self, name: str, hook: Callable[[Warehouse], None]) -> None:
        """Run ``hook(warehouse)`` when the process's last connection to the file closes (once per
        ``name``; a service writes there what it kept, e.g. the gate's recorded audit head)."""
        with self._file.lock:
            self._file.at_close.setdefault(name, hook)

    def close(self) -> None:
        with _FILES_LOCK:
            last = self._file.users == 1 and self._detach.alive
            hooks = list(self._file.at_close.values()) if last else []
            if last:
                self._file.at_close.clear()
        for hook in hooks:
            # Closing anyway: what a failed hook would have written is only lost, never wrong.
            with contextlib.suppress(duckdb.Error):
                hook(self)
        self.con.close()
        self._detach()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
