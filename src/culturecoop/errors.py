"""User-facing errors: one sentence that says what was wrong and what to do."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by the user's input or setup, shown as one sentence, never a traceback.

    ``exit_code`` follows sysexits loosely: 2 bad usage or input, 3 integrity failure
    (corrupted or tampered package), 4 conflict with the warehouse state.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
