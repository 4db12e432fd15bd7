"""Entry point of the ``culturecoop`` command: user errors become one sentence and an exit code."""

from __future__ import annotations

import sys

from culturecoop.cli import commands  # noqa: F401  (registers the commands on the app)
from culturecoop.cli.app import app, console
from culturecoop.errors import UserError
from culturecoop.i18n import _


def main() -> None:
    try:
        app()  # standalone: usage errors print Typer's message and exit 2
    except UserError as exc:
        console.print(f"[bold red]{_('Error')}:[/] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
