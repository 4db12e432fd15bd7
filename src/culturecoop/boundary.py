"""What slips through to an interface: turned into one sentence, never a traceback.

The precise messages live where the mistake is understood (``UserError`` raised by the code
that knows the file and the rule). This module is for the rest, at each interface's edge
(``cli/main.py``, ``web/errors.py``):

- ``explain(exc)``: an ``OSError``, a DuckDB or Arrow I/O error, a decoding error, memory
  exhaustion or an interruption becomes a ``UserError`` that names the file (when the error
  knows it) and says what to do, with an exit code of ``culturecoop.errors``;
- ``record_incident(exc, where)``: anything else is a bug; its type and code locations (never
  its message, which may quote data) go to the incident log under a short reference that the
  sentence shown to the user carries.

The incident log is ``incidents.log`` in the user's state folder: ``$CULTURECOOP_STATE_DIR``,
else ``$XDG_STATE_HOME/culturecoop``, else ``~/.local/state/culturecoop`` (mode 0700, the file
0600); when that folder cannot be written, the system's temporary folder. The web server also
writes the incident to its log.
"""

from __future__ import annotations

import csv
import errno
import os
import re
import secrets
import sys
import tempfile
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from culturecoop import __version__
from culturecoop.errors import EXIT_ENVIRONMENT, EXIT_INTEGRITY, EXIT_INTERRUPTED, UserError
from culturecoop.files import os_reason
from culturecoop.i18n import _

INCIDENT_LOG = "incidents.log"
# DuckDB names the file it failed on in double quotes: `... from file "/x/coop.duckdb": ...`.
_DUCKDB_FILE = re.compile(r'file "([^"]+)"|"([^"]+\.duckdb(?:\.wal)?)"')
_INTERRUPTED_TEXT = ("query interrupted", "interrupt error", "interrupted!")


def is_interruption(exc: BaseException) -> bool:
    """Ctrl-C, whichever form it reaches us in (DuckDB turns it into its own error)."""
    if isinstance(exc, KeyboardInterrupt | duckdb.InterruptException):
        return True
    return isinstance(exc, RuntimeError | duckdb.Error) and str(exc).strip().lower().startswith(_INTERRUPTED_TEXT)


def interrupted() -> UserError:
    return UserError(
        _("Stopped at your request: nothing was left half-written (what had been completed is kept); "
          "run the command again to finish."),
        exit_code=EXIT_INTERRUPTED,
    )


def explain(exc: BaseException) -> UserError | None:
    """The one-sentence error for ``exc`` when it is an environment, I/O or decoding failure or
    an interruption; ``None`` when it is unexpected (a bug)."""
    if isinstance(exc, UserError):
        return exc
    if is_interruption(exc):
        return interrupted()
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return UserError(
            _("The machine ran out of memory; close other programs, or run the command on a machine "
              "with more memory."),
            exit_code=EXIT_ENVIRONMENT,
        )
    if isinstance(exc, OSError):
        return explain_os_error(exc)
    if isinstance(exc, duckdb.IOException | duckdb.PermissionException | duckdb.SerializationException):
        return _explain_duckdb_io(exc)
    if isinstance(exc, duckdb.Error) and _is_io_failure(str(exc)):
        # DuckDB reports a failed write at COMMIT as a transaction error.
        return _explain_duckdb_io(exc)
    if isinstance(exc, duckdb.Error) and _is_corruption(str(exc)):
        # A block that fails its checksum is found when a query reads it, long after opening.
        return UserError(
            _("The warehouse file is damaged (a block of it failed its checksum); restore it from a backup, "
              "and check the disk it is on."),
            exit_code=EXIT_INTEGRITY,
        )
    if isinstance(exc, UnicodeError):
        return UserError(
            _("A file is not text in the expected encoding ({reason}); check that you gave the right "
              "file and, for an export, set its encoding in the mapping.").format(reason=_unicode_reason(exc)),
        )
    if isinstance(exc, csv.Error):
        return UserError(
            _("A file could not be read as delimited text ({reason}); check that you gave the right file, "
              "or export it again.").format(reason=_first_line(exc)),
        )
    if _is_arrow_data_error(exc):
        return UserError(
            _("A data file is damaged or is not what it claims to be ({reason}); copy or export it again."
              ).format(reason=_first_line(exc)),
            exit_code=EXIT_INTEGRITY,
        )
    return None


_IO_FAILURES = ("could not write", "could not read", "no space left", "file too large", "disk full",
                "permission denied", "read-only file system")


def _is_io_failure(text: str) -> bool:
    lower = text.lower()
    return any(words in lower for words in _IO_FAILURES) and not _is_corruption(text)


def _is_corruption(text: str) -> bool:
    lower = text.lower()
    return "corrupt database file" in lower or ("checksum" in lower and "block" in lower)


def _unicode_reason(exc: UnicodeError) -> str:
    """Where the text stops being text, in the reader's language (Python's codec sentence is English)."""
    encoding = str(getattr(exc, "encoding", "") or "").upper()
    if isinstance(exc, UnicodeDecodeError) and 0 <= exc.start < len(exc.object):
        return _("byte 0x{byte:02x} at position {position} is not {encoding}").format(
            byte=exc.object[exc.start], position=exc.start, encoding=encoding)
    if isinstance(exc, UnicodeEncodeError) and 0 <= exc.start < len(exc.object):
        return _("the character {character} cannot be written in {encoding}").format(
            character=repr(exc.object[exc.start]), encoding=encoding)
    return _("characters that are not text")


def _first_line(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= limit else first[:limit] + "…"


def _is_arrow_data_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith("pyarrow") and type(exc).__name__ in ("ArrowInvalid", "ArrowIOError")


def explain_os_error(exc: OSError) -> UserError:
    path = exc.filename if exc.filename is not None else None
    # Arrow's I/O errors carry the system's error number only in their text.
    found = re.search(r"\[errno (\d+)\]", str(exc), re.IGNORECASE)
    code = exc.errno or (int(found.group(1)) if found else None)
    if path is None and code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return UserError(
            _("The disk is full (or a file size limit was reached) while writing; free some space, or choose a "
              "folder on another disk, and run the command again."),
            exit_code=EXIT_ENVIRONMENT,
        )
    if path is None:
        return UserError(
            _("A file or folder could not be read or written ({reason}); check the paths you gave, their "
              "permissions and the free disk space, then run the command again.").format(
                reason=os_reason(exc)),
            exit_code=EXIT_ENVIRONMENT,
        )
    name = os.fsdecode(path)
    if code in (errno.EACCES, errno.EPERM):
        message = _("Permission denied on {path}; give your account access to it, or choose another path, "
                    "and run the command again.")
    elif code in (errno.ENOSPC, errno.EDQUOT):
        message = _("The disk is full while writing {path}; free some space (or choose a folder on another "
                    "disk) and run the command again.")
    elif code == errno.EFBIG:
        message = _("{path} would grow past the largest file size allowed here; free space or raise the "
                    "limit (ulimit -f), or choose another folder, and run the command again.")
    elif code == errno.EROFS:
        message = _("{path} is on a read-only disk; choose a folder you can write to.")
    elif code == errno.ENOTDIR:
        message = _("Part of the path {path} is a file, not a folder; correct the path.")
    elif code == errno.EISDIR:
        message = _("{path} is a folder where a file was expected; give the path of a file.")
    elif code == errno.ENOENT:
        message = _("{path} does not exist; check the path (and that its folder exists).")
    elif code == errno.EEXIST:
        message = _("{path} already exists; choose another path or move the existing one away.")
    elif code == errno.ENAMETOOLONG:
        message = _("The path {path} is too long for this system; choose a shorter one.")
    elif code == errno.ELOOP:
        message = _("The path {path} loops through symbolic links; correct the links or give another path.")
    elif code == errno.EIO:
        message = _("The disk reported a read or write error on {path}; check the disk, copy the file "
                    "again, and run the command again.")
    else:
        return UserError(
            _("{path} could not be read or written ({reason}); check the file and its folder, and run the "
              "command again.").format(path=name, reason=os_reason(exc)),
            exit_code=EXIT_ENVIRONMENT,
        )
    return UserError(message.format(path=name), exit_code=EXIT_ENVIRONMENT)


def _explain_duckdb_io(exc: duckdb.Error) -> UserError:
    text = str(exc)
    lower = text.lower()
    found = _DUCKDB_FILE.search(text)
    name = (found.group(1) or found.group(2)) if found else None
    if "no space left" in lower or "disk full" in lower:
        return explain_os_error(OSError(errno.ENOSPC, "No space left on device", name))
    if "file too large" in lower:
        return explain_os_error(OSError(errno.EFBIG, "File too large", name))
    if "permission denied" in lower:
        return explain_os_error(OSError(errno.EACCES, "Permission denied", name))
    if "read-only file system" in lower:
        return explain_os_error(OSError(errno.EROFS, "Read-only file system", name))
    if re.search(r"\block\b", lower) and name is not None:
        return UserError(
            _("{path} is in use by another program (perhaps `culturecoop serve`); stop it, or wait for it "
              "to finish, and run the command again.").format(path=name),
            exit_code=EXIT_ENVIRONMENT,
        )
    if name is not None and ("could not read" in lower or "corrupt" in lower or "not a valid" in lower
                             or "checksum" in lower or isinstance(exc, duckdb.SerializationException)):
        return UserError(
            _("{path} is damaged or incomplete (it could not be read); restore it from a backup, or "
              "copy it again.").format(path=name),
            exit_code=EXIT_INTEGRITY,
        )
    if name is not None:
        return UserError(
            _("{path} could not be read or written ({reason}); check the file and its folder, and run the "
              "command again.").format(path=name, reason=_first_line(exc)),
            exit_code=EXIT_ENVIRONMENT,
        )
    return UserError(
        _("A file could not be read or written ({reason}); check the paths you gave, their permissions "
          "and the free disk space, then run the command again.").format(reason=_first_line(exc)),
        exit_code=EXIT_ENVIRONMENT,
    )


# ---- incidents ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Incident:
    """An unexpected error, recorded: ``reference`` is what the user quotes to the cooperative."""

    reference: str
    log: Path | None


def state_dir() -> Path:
    """The user's state folder for culturecoop (see the module's doc)."""
    explicit = os.environ.get("CULTURECOOP_STATE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return base / "culturecoop"


def _incident_text(exc: BaseException, reference: str, where: str) -> str:
    # Types and code locations only: an exception's text may quote personal data.
    lines = [f"== {reference} {datetime.now(UTC).isoformat(timespec='seconds')} culturecoop {__version__} "
             f"python {sys.version.split()[0]} {where}"]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        lines += [f"  {frame.filename}:{frame.lineno} in {frame.name}"
                  for frame in traceback.extract_tb(current.__traceback__)]
        current = current.__cause__ or current.__context__
    return "\n".join(lines) + "\n"


def _append_private(folder: Path, text: str) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / INCIDENT_LOG
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(text)
    return path


def record_incident(exc: BaseException, where: str) -> Incident:
    """Log ``exc`` (types and code locations) under a fresh reference; never raises."""
    reference = datetime.now(UTC).strftime("%Y%m%d") + "-" + secrets.token_hex(3)
    text = _incident_text(exc, reference, where)
    fallback = Path(tempfile.gettempdir()) / f"culturecoop-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    for folder in (state_dir(), fallback):
        try:
            return Incident(reference, _append_private(folder, text))
        except OSError:
            continue
    return Incident(reference, None)


def incident_message(incident: Incident) -> str:
    if incident.log is None:
        return _("Something went wrong inside culturecoop (reference {reference}) and nothing was left "
                 "half-written; run the command again, and tell the cooperative the reference if it "
                 "persists.").format(reference=incident.reference)
    return _("Something went wrong inside culturecoop (reference {reference}) and nothing was left "
             "half-written; run the command again, and if it persists send the cooperative the reference "
             "and the matching entry of {log}.").format(reference=incident.reference, log=incident.log)

