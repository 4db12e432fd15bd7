"""Entry point of the ``culturecoop`` command: the CLI's error boundary.

Whatever a command raises ends here as one sentence on standard error and an exit code of
``culturecoop.errors``: a ``UserError`` as it was written, an environment, I/O or decoding
failure and an interruption through ``culturecoop.boundary.explain``, anything else as an
incident with a reference (logged, see ``boundary.record_incident``). Never a traceback.

Ctrl-C (SIGINT) and SIGTERM stop the command through its normal cleanup path (rollbacks,
temporary files removed); further signals are ignored until that cleanup is done. A stop that
lands where Python cannot raise it (a weakref callback) is delivered again just after. The command
modules are imported inside the boundary: an interruption while they load is handled too.
"""

from __future__ import annotations

import _thread
import contextlib
import errno
import os
import re
import signal
import sys
import time
import unicodedata
from types import FrameType
from typing import Any

from culturecoop.errors import EXIT_ENVIRONMENT

_stopped_by: int | None = None


def _on_stop_signal(signum: int, _frame: FrameType | None) -> None:
    global _stopped_by
    _stopped_by = signum
    # A second Ctrl-C must not cut the cleanup short and leave a temporary file behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _on_unraisable(unraisable: Any) -> None:
    """A stop that landed where Python can only report an exception, never raise it (a weakref
    callback as an import lock is released, a ``__del__``): say nothing of it there and deliver
    it again a moment later, once the interpreter is back in ordinary code."""
    if _stopped_by is None or not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    # From another thread, after a pause: raised here it would land in this hook, which cannot
    # raise either. The handler runs in the main thread, at its next line of Python. While the
    # interpreter shuts down (the work is done) no thread can start: the stop has nothing left to stop.
    with contextlib.suppress(RuntimeError, ValueError):
        signal.signal(_stopped_by, _on_stop_signal)
        _thread.start_new_thread(_deliver_again, (_stopped_by,))


def _deliver_again(signum: int) -> None:
    time.sleep(0.01)
    _thread.interrupt_main(signal.Signals(signum))


def _visible(text: str) -> str:
    # A control character is shown as its escape; a space of any width (the no-break spaces of
    # French numbers, « 1 234 », « 12 % ») is a space, not a control.
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Zs" else repr(ch)[1:-1] for ch in text)


def _say_error(message: str) -> None:
    from culturecoop.i18n import _

    label = _("Error:")  # French sets a space before the colon
    try:
        from rich.markup import escape

        from culturecoop.cli.app import console

        # Escaped: a file name such as "[1].csv" is text, not Rich markup; control characters
        # (a line break or a terminal escape in a file name) are shown, not obeyed.
        console.print(f"[bold red]{label}[/] {escape(_visible(message))}", highlight=False, soft_wrap=True)
    except Exception:  # the console itself failed (e.g. closed stderr): plain text, or nothing
        with contextlib.suppress(Exception):
            sys.stderr.write(f"{label} {message}\n")


def _fail(exc: BaseException) -> int:
    """Say what went wrong with ``exc`` in one sentence; return the exit code."""
    from culturecoop.boundary import explain, incident_message, interrupted, record_incident
    from culturecoop.errors import StoppedWhenDoneError

    # After a stop every failure is the stop, unless the command says its work was done by then.
    error = interrupted() if _stopped_by is not None and not isinstance(exc, StoppedWhenDoneError) else explain(exc)
    if error is not None:
        _say_error(error.on_command_line or error.message)
        return error.exit_code
    from culturecoop.cli.commands import command_name
    from culturecoop.errors import EXIT_INTERNAL

    _say_error(incident_message(record_incident(exc, f"cli {command_name(sys.argv[1:]) or ''}")))
    return EXIT_INTERNAL


def _run() -> int:
    try:
        from culturecoop.cli.app import app
        from culturecoop.cli.commands import hoist_language, register, root_language
        from culturecoop.cli.help_i18n import in_reader_language
        from culturecoop.i18n import set_language

        sys.argv[1:] = hoist_language(sys.argv[1:])  # `--lang fr` after the command name, too
        register(sys.argv[1:])  # only the named command's module: start-up is paid by every run
        set_language(root_language(sys.argv[1:]))  # for the help pages, written while parsing

        from culturecoop.cli.number_options import guard_numbers

        command = in_reader_language(app)
        guard_numbers(command)
        # Not standalone: Typer would print "Aborted!" or nothing at all for an interruption.
        result = command(standalone_mode=False)
    except SystemExit:
        raise
    except BrokenPipeError:
        return _reader_gone()
    except BaseException as exc:
        return _click_or_fail(exc)
    if _stopped_by is not None:  # Typer turned the KeyboardInterrupt into Exit(130)
        return _fail(KeyboardInterrupt())
    return result if isinstance(result, int) else 0


def _click_or_fail(exc: BaseException) -> int:
    import typer
    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    if isinstance(exc, NoArgsIsHelpError):
        exc.show()  # a command given nothing: its help, as Typer shows it
        return exc.exit_code
    if isinstance(exc, ClickException):
        _say_error(_usage_sentence(exc))
        return EXIT_ENVIRONMENT if _PERMISSION.search(exc.format_message()) else exc.exit_code
    if isinstance(exc, typer.Abort) and _stopped_by is None:
        from culturecoop.errors import EXIT_INPUT
        from culturecoop.i18n import _

        _say_error(_("The command needed an answer but its input ended; run it in a terminal, or give "
                     "the answer as an option (for a password: --password-env)."))
        return EXIT_INPUT
    return _fail(exc)


# Typer checks that a path argument is readable before the command runs.
_PERMISSION = re.compile(r"path '(.+)' is not (?:readable|writable)", re.IGNORECASE)


def _usage_sentence(exc: Any) -> str:
    """A usage error (missing option, bad value, unknown command) as one sentence."""
    from culturecoop.boundary import explain_os_error
    from culturecoop.cli.usage_words import in_reader_words
    from culturecoop.i18n import _

    problem = exc.format_message().strip()
    denied = _PERMISSION.search(problem)
    if denied:
        return explain_os_error(OSError(errno.EACCES, os.strerror(errno.EACCES), denied.group(1))).message
    names = []
    ctx = getattr(exc, "ctx", None)
    while ctx is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    if not names:
        # Typer raised it while parsing, before any command had a context ("Option '--k' requires
        # an argument"): the command as named on the line.
        names = [*reversed(_named_command(sys.argv[1:])), ""]
    command = " ".join(["culturecoop", *reversed(names[:-1])])
    said = " ".join(in_reader_words(problem).split())
    if said.endswith("?"):  # « … Vouliez-vous dire 'statements' ? » is a sentence of its own
        return _("{problem} See `{command} --help` for how to call it.").format(problem=said, command=command)
    return _("{problem}; see `{command} --help` for how to call it.").format(problem=said.rstrip("."), command=command)


def _named_command(argv: list[str]) -> list[str]:
    """The words of ``argv`` that name a command and its subcommands (``reco evaluate``)."""
    import typer.main

    from culturecoop.cli.app import app
    from culturecoop.cli.commands import command_name

    first = command_name(argv)
    if first is None:
        return []
    group: Any = typer.main.get_command(app)
    path: list[str] = []
    for word in argv[argv.index(first):]:
        sub = getattr(group, "commands", {}).get(word)
        if sub is None:
            break
        path.append(word)
        group = sub
    return path


def _reader_gone() -> int:
    """The reader of our output stopped reading (`culturecoop report --json | head`): stop
    quietly, as other commands do, with the code of a process stopped by SIGPIPE."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush at exit
    return 128 + signal.SIGPIPE


def main() -> None:
    signal.signal(signal.SIGINT, _on_stop_signal)
    signal.signal(signal.SIGTERM, _on_stop_signal)
    sys.unraisablehook = _on_unraisable
    code = _run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _reader_gone()
    except OSError:
        pass  # said already, or nothing more to say: the command's own exit code stands
    if _stopped_by is not None:
        # Everything this process wrote is complete or was removed on the way here; a worker
        # thread still computing in memory (pseudonymization) must not hold the exit.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    main()
