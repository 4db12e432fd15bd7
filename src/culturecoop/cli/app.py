"""The Typer application and the pieces every command shares: console, errors, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.i18n import _, set_language

app = typer.Typer(
    name="culturecoop",
    help="culturecoop: an open-source data cooperative for cultural organizations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


@app.callback()
def _global(
    lang: str = typer.Option(
        None, "--lang", help="Language of messages: fr or en (default: from CULTURECOOP_LANG or LANG)."
    ),
) -> None:
    set_language(lang)


def emit_json(payload: Any) -> None:
    """Write one JSON document to standard output (machine-readable summaries)."""
    try:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader stopped reading (`| head`): not an error to report
    except OSError as exc:
        raise UserError(
            _("The JSON summary could not be written to standard output ({reason}); check where the output goes "
              "(a full disk, a closed file).").format(reason=exc.strerror or exc),
            exit_code=EXIT_ENVIRONMENT,
        ) from None
