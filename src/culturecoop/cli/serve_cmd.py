"""`culturecoop serve`: the dashboard and the REST API."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import typer

from culturecoop.cli.app import app, console
from culturecoop.cli.http_protocol import explained_http
from culturecoop.errors import EXIT_ENVIRONMENT, UserError
from culturecoop.files import os_reason
from culturecoop.i18n import _


def _check_port(host: str, port: int) -> None:
    """Refuse, before anything starts, an address the server could not listen on."""
    import socket

    if not 0 < port < 65536:  # a mistake in the command, not the machine's: said as such, exit 2
        raise UserError(_("--port {port} is not a port number; give one from 1 to 65535, e.g. --port 8000.").format(port=port))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except (OSError, OverflowError, ValueError, IndexError) as exc:
        if isinstance(exc, socket.gaierror):
            reason = _("this machine does not know that host")
        elif isinstance(exc, OSError):
            reason = os_reason(exc)
        else:  # a host with a NUL, a port past what the system takes
            reason = _("not an address and port this machine can use")
        raise UserError(
            _("The server cannot listen on {host}:{port} ({reason}); stop the program using that port, or choose "
              "another --port (or --host).").format(host=host, port=port, reason=reason),
            exit_code=EXIT_ENVIRONMENT,
        ) from None


@app.command("serve")
def serve_command(
    db: Path = typer.Option(..., "--db", help="Warehouse file (create it with `culturecoop ingest` or `users add`)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    keys: Path = typer.Option(None, "--keys", help="Key folder; the server reads server.secret from it."),
    insecure_cookies: bool = typer.Option(
        False, "--insecure-cookies", help="Send cookies over plain HTTP too (only behind a trusted proxy)."),
) -> None:
    """Serve the dashboard (pages) and the REST API (OpenAPI at /docs) on one port."""
    import uvicorn
    from pydantic import ValidationError

    from culturecoop.web import Settings, create_app

    try:
        settings = Settings(db=db, keys=keys, cookie_secure=not insecure_cookies)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UserError(_("The server settings are invalid ({field}: {reason}); fix them and start again.").format(
            field=".".join(str(p) for p in first["loc"]), reason=first["msg"])) from None
    _check_port(host, port)
    application = create_app(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    console.print(_("Dashboard on http://{host}:{port}/ (API documentation at /docs); Ctrl-C stops it.").format(
        host=host, port=port))
    # Ctrl-C (or SIGTERM) is how a server is stopped, not an interruption of unfinished work:
    # uvicorn shuts down, then raises the signal again, which ends here.
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in stop_signals}
    for s in stop_signals:
        signal.signal(s, signal.default_int_handler)
    # The access log is the application's own (route templates only: no secrets or e-mails in URLs).
    try:
        uvicorn.run(application, host=host, port=port, access_log=False, log_level="warning",
                    server_header=False, proxy_headers=False, http=explained_http())
    except KeyboardInterrupt:
        pass
    finally:
        application.state.pool.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
    console.print(_("Server stopped."))
    # Everything is closed; the interpreter's own teardown would only add DuckDB's binding
    # report of objects the web app still references ("nanobind: leaked ...") to the terminal.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
