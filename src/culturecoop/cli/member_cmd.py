"""`culturecoop member serve`: the member app, on the member's own machine (loopback only)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import typer

from culturecoop.cli.app import app, console
from culturecoop.cli.http_protocol import explained_http
from culturecoop.errors import UserError
from culturecoop.files import os_reason
from culturecoop.i18n import _, current_language
from culturecoop.schema.model import MEMBER_KINDS

member_app = typer.Typer(help="The member app: prepare and send packages from a browser.", no_args_is_help=True)
app.add_typer(member_app, name="member")


def _default_work() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "culturecoop" / "member"


def _read_token(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise UserError(_("The token file {path} cannot be read; give the file holding your API token "
                          "(created on your Account page of the dashboard).").format(path=path)) from None
    if not token or len(token.split()) != 1:
        raise UserError(_("The token file {path} does not hold one API token; put only the token in it.").format(path=path))
    return token


@member_app.command("serve")
def member_serve(
    keys: Path = typer.Option(..., "--keys", help="Folder holding linkage.secret and campaign.public."),
    coop: str | None = typer.Option(None, "--coop", help="The cooperative's address, e.g. https://coop.example.org."),
    token_file: Path | None = typer.Option(None, "--token-file", help="File holding your API token."),
    member: str | None = typer.Option(None, "--member", help="Your member identifier (else the token's member)."),
    name: str | None = typer.Option(None, "--name", help="Display name of your organization."),
    kind: str = typer.Option("other", "--kind", help="Kind of organization: " + ", ".join(MEMBER_KINDS) + "."),
    region: str | None = typer.Option(None, "--region", help="Administrative region, e.g. Montréal."),
    work: Path | None = typer.Option(None, "--work", help="Private folder for exports and packages."),
    port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1 (the app never listens elsewhere)."),
) -> None:
    """Start the member app on http://127.0.0.1:PORT/ (your export never leaves this computer)."""
    import uvicorn

    from culturecoop.memberapp.app import MemberSettings, create_member_app

    if (coop is None) != (token_file is None):
        raise UserError(_("Give both --coop and --token-file to send packages, or neither to keep them here."))
    from culturecoop.analytics.wording import MEMBER_KINDS as KIND_NAMES
    from culturecoop.cli.code_words import read_code

    kind = read_code(kind, KIND_NAMES) or kind  # « club de jazz », « Théâtre » as well as the codes
    if kind not in MEMBER_KINDS:
        from culturecoop.analytics.wording import choices

        raise UserError(_("The kind {kind} is not a kind of member; use one of {kinds}.").format(
            kind=kind, kinds=choices("member_kind", MEMBER_KINDS, current_language())))
    if not 1 <= port <= 65535:
        raise UserError(_("The port {port} is not a port number; give one between 1024 and 65535.").format(port=port))
    settings = MemberSettings(
        keys=keys, work=work or _default_work(), port=port, coop_url=coop,
        token=_read_token(token_file) if token_file else None, member_id=member, member_name=name,
        kind=kind, region=region)
    application = create_member_app(settings)
    console.print(_("Member app on http://127.0.0.1:{port}/ — open it in your browser; Ctrl-C stops it.").format(port=port))
    # Ctrl-C (or SIGTERM) is how the app is stopped, not an interruption of unfinished work: uvicorn lets
    # the pages being answered finish, then raises the signal again, which ends here (``serve`` does the same).
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in stop_signals}
    for s in stop_signals:
        signal.signal(s, signal.default_int_handler)
    try:
        uvicorn.run(application, host="127.0.0.1", port=port, access_log=False, log_level="warning",
                    server_header=False, http=explained_http())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise UserError(_("The port {port} cannot be used ({reason}); choose another with --port.").format(
            port=port, reason=os_reason(exc))) from None
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    console.print(_("Member app stopped: your exports and packages are kept in {work}.").format(work=settings.work))
    # The interpreter's own teardown would only add DuckDB's report of objects still referenced to the terminal.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
