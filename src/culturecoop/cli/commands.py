"""Which command module registers which command, and loading only what a run needs.

Every command module registers its commands on the app when imported. Importing all of them
costs about a second (pyarrow, DuckDB, the web stack, the recommender…), paid by every run: a
member's `prepare` of a large export included. ``register`` imports only the module of the
command named on the command line; for help, an unknown name or no name at all, every module
(so that the list of commands and Typer's suggestions are complete).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

# Top-level command or group name → the module under culturecoop.cli that registers it.
COMMAND_MODULES: dict[str, str] = {
    "campaigns": "campaigns_cmd",
    "contribution": "contribution_cmd",
    "governance": "contribution_cmd",
    "erasure": "erasure_cmd",
    "access": "erasure_cmd",
    "consent": "erasure_cmd",
    "retention": "erasure_cmd",
    "erase": "erasure_cmd",
    "ingest": "ingest_cmd",
    "keys": "keys_cmd",
    "schema": "keys_cmd",
    "link": "link_cmd",
    "mapping": "mapping_cmd",
    "member": "member_cmd",
    "prepare": "prepare_cmd",
    "reco": "reco_cmd",
    "audiences": "reco_cmd",
    "report": "report_cmd",
    "export-lake": "report_cmd",
    "analytics-refresh": "report_cmd",
    "privacy": "report_cmd",
    "audit": "report_cmd",
    "serve": "serve_cmd",
    "synth": "synth_cmd",
    "users": "users_cmd",
}

# Options of the app itself (before the command name) that take a value.
_GLOBAL_OPTIONS_WITH_VALUE = frozenset({"--lang"})


def command_name(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the arguments after the program), skipping the app's own
    options; None when there is none (help, or options only)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def hoist_language(argv: Sequence[str]) -> list[str]:
    """``argv`` with a ``--lang fr`` (or ``--lang=fr``) written after the command name moved before
    it, where the app reads it: ``culturecoop reco evaluate … --lang fr`` speaks French as
    ``culturecoop --lang fr reco evaluate …`` does (no command has a ``--lang`` of its own). Nothing
    after ``--`` is touched."""
    head: list[str] = []
    rest: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == "--lang" and i + 1 < len(args):
            head.extend(args[i:i + 2])
            i += 2
            continue
        if arg.startswith("--lang="):
            head.append(arg)
        else:
            rest.append(arg)
        i += 1
    return head + rest


def root_language(argv: Sequence[str]) -> str | None:
    """The value of the app's own ``--lang`` in ``argv`` (``--lang fr`` or ``--lang=fr`` before
    the command name), or None. Help is written while the command line is parsed, before the
    app's option is read: its language has to be known first."""
    found = None
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            found = next(args, None)
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
        elif not arg.startswith("-"):
            break
    return found


def register(argv: Sequence[str]) -> None:
    """Import the module of the command named in ``argv``, or every module when unsure."""
    module = COMMAND_MODULES.get(command_name(argv) or "")
    for name in [module] if module else sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(f"culturecoop.cli.{name}")
