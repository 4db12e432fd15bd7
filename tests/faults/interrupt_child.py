"""Run the real `culturecoop` command and stop it with a signal at a named point of its work.

``python interrupt_child.py POINT SIGNAL culturecoop-arguments...``: before the command starts,
one function on its path is wrapped so that, on its n-th call, the process sends itself
``SIGNAL`` (INT: as Ctrl-C; KILL: as a crash or ``kill -9``), before or after the call, or from
a weakref callback (where Python can only report an exception, never raise it: a Ctrl-C landing
while the interpreter releases an import lock). The
command itself is the real one, entered through ``culturecoop.cli.main.main`` — the wrapping
only chooses *when* the signal comes, so that each point of the work is reached every time,
whatever the machine's speed.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import threading
import types
import weakref
from collections.abc import Callable, Iterator
from typing import Any

# point: (module, attribute, "before" | "after", n-th call)
POINTS: dict[str, tuple[str, str, str, int]] = {
    "prepare:reading": ("culturecoop.ingest.prepare", "read_source", "before", 1),
    "prepare:rejects-written": ("culturecoop.ingest.prepare", "write_rejects", "after", 1),
    "prepare:pseudonymizing": ("culturecoop.ingest.prepare", "pseudonymize_patrons", "before", 1),
    "prepare:in-a-callback": ("culturecoop.ingest.prepare", "pseudonymize_patrons", "callback", 1),
    "prepare:package-half-written": ("pyarrow.parquet", "write_table", "after", 2),
    "prepare:rejects-in-place": ("culturecoop.files", "commit", "after", 1),
    "prepare:done": ("culturecoop.cli.prepare_cmd", "_print_summary", "before", 1),
    "ingest:verifying": ("culturecoop.ingest.package", "_check_table_file", "after", 2),
    "ingest:first-table": ("culturecoop.ingest.load", "_upsert", "after", 1),
    "ingest:in-a-callback": ("culturecoop.ingest.load", "_upsert", "callback", 2),
    "ingest:third-table": ("culturecoop.ingest.load", "_upsert", "after", 3),
    "ingest:before-commit": ("culturecoop.ingest.load", "json.dumps", "before", 1),
    "ingest:committed": ("culturecoop.cli.ingest_cmd", "load_package", "after", 1),
    "link:records-read": ("culturecoop.linkage.resolve", "records_from_arrow", "after", 1),
    "link:comparing": ("culturecoop.linkage.resolve", "link_records", "before", 1),
    "link:in-a-callback": ("culturecoop.linkage.resolve", "link_records", "callback", 1),
    "link:keys-assigned": ("culturecoop.linkage.resolve", "assign_keys", "after", 1),
    "link:before-commit": ("culturecoop.warehouse.engine", "Warehouse.transaction", "body", 2),
    "link:committed": ("culturecoop.linkage.resolve", "link_warehouse", "after", 1),
    "retention:removing": ("culturecoop.governance.retention", "remove_subjects", "after", 1),
    "retention:committed": ("culturecoop.governance.retention", "rewrite_files", "before", 1),
    "retention:fresh-copied": ("culturecoop.warehouse.engine", "fsync_path", "after", 1),
    "retention:swapped": ("culturecoop.warehouse.engine", "overwrite_and_remove", "before", 1),
    "retention:old-zeroed": ("culturecoop.warehouse.engine", "overwrite_and_remove", "after", 1),
    "retention:done": ("culturecoop.cli.erasure_cmd", "_say_removal", "before", 1),
    "erase:removing": ("culturecoop.governance.erasure", "remove_subjects", "after", 1),
    "erase:committed": ("culturecoop.governance.erasure", "rewrite_files", "before", 1),
    "erase:fresh-copied": ("culturecoop.warehouse.engine", "fsync_path", "after", 1),
    "erase:swapped": ("culturecoop.warehouse.engine", "overwrite_and_remove", "before", 1),
    "erase:old-zeroed": ("culturecoop.warehouse.engine", "overwrite_and_remove", "after", 1),
    "erase:done": ("culturecoop.cli.erasure_cmd", "_say_removal", "before", 1),
}


class _Doomed:
    """An object to watch die (a plain ``object()`` cannot be weakly referenced)."""


def arm(point: str, signum: int) -> None:
    module_name, attribute, when, nth = POINTS[point]
    module = importlib.import_module(module_name)
    calls = 0
    lock = threading.Lock()

    def reached() -> bool:
        nonlocal calls
        with lock:
            calls += 1
            return calls == nth

    def fire() -> None:
        sys.stderr.flush()
        os.kill(os.getpid(), signum)

    if when == "body":  # a context manager: fire once its block ran, before it exits (commits)
        owner_name, method = attribute.split(".")
        owner = getattr(module, owner_name)
        original_cm = getattr(owner, method)

        @contextlib.contextmanager
        def wrapped_cm(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            with original_cm(self, *args, **kwargs) as value:
                yield value
                if reached():
                    fire()

        setattr(owner, method, wrapped_cm)
        return
    holder: Any = module
    name = attribute
    if "." in attribute:  # a module used through a name (load.py's json): a stand-in for it
        inner, name = attribute.split(".")
        real = getattr(module, inner)
        holder = types.SimpleNamespace(**{n: getattr(real, n) for n in dir(real) if not n.startswith("__")})
        setattr(module, inner, holder)
    original: Callable[..., Any] = getattr(holder, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        hit = reached()
        if hit and when == "before":
            fire()
        if hit and when == "callback":  # where Python cannot raise: a weakref callback, as in an import
            doomed = _Doomed()
            watch = weakref.ref(doomed, lambda _ref: fire())
            del doomed, watch
        result = original(*args, **kwargs)
        if hit and when == "after":
            fire()
        return result

    setattr(holder, name, wrapped)


def main() -> None:
    point, signame, *args = sys.argv[1:]
    arm(point, getattr(signal, f"SIG{signame}"))
    sys.argv = ["culturecoop", *args]
    from culturecoop.cli.main import main as cli_main

    cli_main()


if __name__ == "__main__":
    if sys.argv[1] == "--points":
        print(json.dumps(sorted(POINTS)))
    else:
        main()
