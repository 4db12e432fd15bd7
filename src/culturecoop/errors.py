"""User-facing errors: one sentence that says what was wrong and what to do.

Exit codes (the CLI's, also documented in ``docs/errors.md``):

====  =====================================================================================
 2    bad usage or input (the default of ``UserError``)
 3    integrity failure: a corrupted or tampered package, warehouse or audit log
 4    conflict with the warehouse's state
 5    the environment: a file or folder that cannot be read or written, a full disk, memory
 70   an unexpected error inside culturecoop, logged with a reference (a bug to report)
 130  interrupted (Ctrl-C), as shells report a command stopped by SIGINT
====  =====================================================================================
"""

from __future__ import annotations

EXIT_INPUT = 2
EXIT_INTEGRITY = 3
EXIT_CONFLICT = 4
EXIT_ENVIRONMENT = 5
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """An error caused by the user's input or setup, shown as one sentence, never a traceback.

    ``exit_code`` is one of the codes above: 2 bad usage or input, 3 integrity failure
    (corrupted or tampered package), 4 conflict with the warehouse state, 5 environment.
    """

    def __init__(self, message: str, exit_code: int = EXIT_INPUT, *, on_command_line: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        # The same sentence naming the command's option to change (« donnez à --to un jour … »),
        # where ``message`` names what the dashboard's form asks for (« choisissez une date de fin … »).
        self.on_command_line = on_command_line

    def __str__(self) -> str:
        return self.message


class NotFoundError(UserError):
    """A resource the caller names does not exist *for that caller*: the web answers 404, the
    same whether it does not exist at all or belongs to another member."""


class StoppedWhenDoneError(UserError):
    """Ctrl-C (or SIGTERM) that landed once the command's work was complete and in place (a package
    renamed into its folder): said as what happened, not as a stop that left nothing, and still
    with the exit code of an interruption (what came after, the summary, was not shown)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=EXIT_INTERRUPTED)
