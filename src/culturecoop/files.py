"""Writing files so that nobody ever sees half of one, and refusing early what cannot be written.

Every file or folder culturecoop produces (packages, rejects files, keys, lakes, synthetic
exports) is written under a hidden *partial* name in the folder of its target, flushed to the
disk (``fsync``), then renamed over the target: a reader, a crash, a ``kill -9`` or a full disk
leaves either the old state or the complete new file, never a mixture. Partials left by a
process that was killed are swept by the next write of the same target.

``check_writable`` runs before heavy work starts: a target whose folder is a file, is missing
and cannot be created, or does not accept new files is refused in one sentence at once, not
after minutes of work.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.i18n import _


def refuse_replacing(out: Path, option: str, inputs: Sequence[tuple[str, Path | None]]) -> None:
    """Refuse to write ``out`` over one of the command's own inputs, each given as (what it is, in
    the reader's words; its path): the warehouse, an export, a key file. Writing there replaced
    it without a word (`reco patrons --out coop.duckdb` left a CSV where the warehouse was)."""
    target = Path(os.path.abspath(out))
    for what, given in inputs:
        if given is None:
            continue
        source = Path(os.path.abspath(given))
        try:
            same = target.exists() and source.exists() and os.path.samefile(target, source)
        except OSError:
            same = False
        if same or target == source:
            raise UserError(_("{option} {path} is {what} itself: writing there would replace it; choose another "
                              "file.").format(option=option, path=out, what=what))
        if source.is_dir() and source in target.parents:
            raise UserError(_("{option} {path} is inside {what}: keep what you write out of that folder; choose "
                              "another path.").format(option=option, path=out, what=what))


def os_reason(exc: BaseException) -> str:
    """Why the system refused a file or network operation, in the reader's language: an
    ``OSError``'s ``strerror`` is the C library's English ("No such file or directory"), which
    would sit inside a French sentence."""
    code = getattr(exc, "errno", None)
    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("operation not permitted"),
        errno.EROFS: _("read-only disk"),
        errno.ENOSPC: _("disk full"),
        errno.EDQUOT: _("disk quota exceeded"),
        errno.EEXIST: _("it already exists"),
        errno.EISDIR: _("it is a folder"),
        errno.ENOTDIR: _("part of the path is not a folder"),
        errno.ENAMETOOLONG: _("name too long"),
        errno.EFBIG: _("file too large"),
        errno.EIO: _("input/output error of the disk"),
        errno.ELOOP: _("too many symbolic links"),
        errno.EBUSY: _("in use by another program"),
        errno.EINVAL: _("invalid argument"),
        errno.EMFILE: _("too many open files"),
        errno.ENOTEMPTY: _("the folder is not empty"),
        errno.EADDRINUSE: _("address already in use"),
        errno.EADDRNOTAVAIL: _("address not available on this machine"),
        errno.ECONNREFUSED: _("connection refused"),
        errno.ETIMEDOUT: _("timed out"),
    }
    if code in reasons:
        return reasons[code]
    if isinstance(code, int):
        return _("system error {code}").format(code=errno.errorcode.get(code, code))
    return _("system error {code}").format(code=type(exc).__name__)

PARTIAL_SUFFIX = ".partial"


def partial_path(target: Path) -> Path:
    """A fresh hidden name beside ``target`` (``.NAME.PID.RANDOM.partial``)."""
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")


def sweep_partials(target: Path) -> None:
    """Remove partials of ``target`` left by processes that no longer run (killed mid-write)."""
    prefix = f".{target.name}."
    try:
        # Not a glob: a file name may hold "[", "*" or "?".
        candidates = [p for p in target.parent.iterdir()
                      if p.name.startswith(prefix) and p.name.endswith(PARTIAL_SUFFIX)]
    except OSError:
        return
    for leftover in candidates:
        pid_text = leftover.name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    if path.is_dir():
        for child in path.rglob("*"):
            if child.is_file():
                fsync_path(child)
    fsync_path(path)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back during a few renames that belong together; they take effect
    right after (in the main thread only: signals are delivered there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def commit(partial: Path, target: Path, *, replace: bool = True) -> None:
    """Make the written ``partial`` the ``target``: flush it to the disk, rename it, flush the
    folder. Without ``replace`` an existing ``target`` is refused (``FileExistsError``)."""
    _fsync_tree(partial)
    if not replace and (target.exists() or target.is_symlink()):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    if partial.is_dir():
        os.rename(partial, target)  # refuses to replace a folder that holds files
    else:
        os.replace(partial, target)
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        fsync_path(target.parent)


def replace_folder(partial: Path, target: Path) -> None:
    """Make the written folder ``partial`` the folder ``target``, replacing a previous one: the
    old folder steps aside, the new one takes its name, then the old one is removed (the two
    renames with Ctrl-C held back)."""
    _fsync_tree(partial)
    old: Path | None = None
    with uninterrupted():
        if target.exists() or target.is_symlink():
            old = partial_path(target)
            os.rename(target, old)
        os.rename(partial, target)
    with contextlib.suppress(OSError):
        fsync_path(target.parent)
    if old is not None:
        discard(old)


def discard(partial: Path) -> None:
    """Remove a partial file or folder. Ctrl-C raises in the main thread wherever it is, even while
    it waits for the threads writing a package's files: one of them can still be creating a file
    as the folder is removed, so the removal is tried again until nothing is left (about 2 s)."""
    for _attempt in range(40):
        with contextlib.suppress(OSError):
            if partial.is_dir() and not partial.is_symlink():
                shutil.rmtree(partial)
            else:
                partial.unlink(missing_ok=True)
        if not (partial.exists() or partial.is_symlink()):
            return
        time.sleep(0.05)


_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)


def naming(exc: OSError, target: Path) -> OSError:
    """``exc`` naming ``target`` when it names no file (Arrow's write errors name none, and
    carry the system's error number only in their text)."""
    if exc.filename is not None:
        return exc
    found = _ERRNO_IN_TEXT.search(str(exc))
    code = exc.errno or (int(found.group(1)) if found else None)
    if code is None:
        return OSError(errno.EIO, str(exc), str(target))
    return OSError(code, os.strerror(code), str(target))


@contextmanager
def atomic_file(target: Path, *, mode: int | None = None, replace: bool = True) -> Iterator[Path]:
    """Yield a partial path for ``target``; once the block ends, the file written there becomes
    ``target`` (see ``commit``). On any error, or an interruption, the partial is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(target)
    partial = partial_path(target)
    if mode is not None:
        # Created with its final mode: a secret is never readable by others, not even briefly.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
    try:
        yield partial
        commit(partial, target, replace=replace)
    except OSError as exc:
        discard(partial)
        named = naming(exc, target)
        if named is exc:
            raise
        raise named from exc
    except BaseException:
        discard(partial)
        raise


@contextmanager
def atomic_folder(target: Path, *, mode: int = 0o755,
                  companions: Sequence[tuple[Path, Path]] = ()) -> Iterator[Path]:
    """Yield an empty partial folder for ``target``, which must not exist; once the block ends
    the folder is renamed into place (see ``commit``), on any error it is removed.

    ``companions`` are (partial, target) files written beside it that belong with it (the
    rejects file of a package): they are committed first, with Ctrl-C held back, so a rerun
    after an interruption finds either everything or a state it can redo.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(target)
    partial = partial_path(target)
    partial.mkdir(mode=mode)
    try:
        yield partial
        with uninterrupted():
            for companion, companion_target in companions:
                commit(companion, companion_target)
            commit(partial, target, replace=False)
    except OSError as exc:
        discard(partial)
        named = naming(exc, target)
        if named is exc:
            raise
        raise named from exc
    except BaseException:
        discard(partial)
        raise


def check_writable(target: Path) -> None:
    """Refuse (``UserError``, exit 5) a ``target`` that could not be written, before any work:
    a path through a file, a folder that cannot be created, or one that accepts no new file."""
    folder = target.parent
    existing = folder
    while not existing.exists():
        if existing.is_symlink():  # a dangling link: writing through it would fail later
            raise UserError(
                _("{path} cannot be written: {folder} is a broken link; correct the path.").format(
                    path=target, folder=existing),
                exit_code=EXIT_ENVIRONMENT,
            )
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(
            _("{path} cannot be written: {folder} is a file, not a folder; choose another path.").format(
                path=target, folder=existing),
            exit_code=EXIT_ENVIRONMENT,
        )
    try:
        probe = partial_path(existing / "write-check")
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except OSError as exc:
        raise UserError(
            _("{path} cannot be written: the folder {folder} does not accept new files ({reason}); choose a "
              "folder you can write to.").format(path=target, folder=existing, reason=os_reason(exc)),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
