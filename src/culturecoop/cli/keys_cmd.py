"""`culturecoop keys ...` and `culturecoop schema`."""

from __future__ import annotations

from pathlib import Path

import typer

from culturecoop.cli.app import app, console, emit_json, figure
from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.privacy.keys import init_keys
from culturecoop.schema.model import SCHEMA_VERSION, TABLES, schema_markdown

keys_app = typer.Typer(help="Create the cooperative's key files.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("init")
def keys_init(
    directory: Path = typer.Option(..., "--dir", help="Folder to create the key files in."),
    force: bool = typer.Option(False, "--force", help="Replace existing keys (breaks linkage with old packages)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Create the linkage secret, the campaign key pair and the server secret (mode 0600)."""
    paths = init_keys(directory, force=force)
    if as_json:
        emit_json({"dir": str(directory), "files": [str(p) for p in paths]})
        return
    console.print(_("Created {n} key files in {dir} (readable by you only):").format(n=figure(len(paths)), dir=directory))
    for p in paths:
        console.print(f"  {p}")
    console.print(
        _("Give members linkage.secret and campaign.public; keep campaign.private with the "
          "campaign sender and server.secret with the web server.")
    )


@app.command("schema")
def schema(
    markdown: bool = typer.Option(False, "--markdown", help="Print the documentation of every table."),
    as_json: bool = typer.Option(False, "--json", help="Print the schema as JSON."),
) -> None:
    """Show the canonical model (the warehouse's public tables and columns)."""
    if markdown and as_json:
        raise UserError(_("Give --markdown or --json, not both: the schema is printed one way at a time."))
    if markdown:
        typer.echo(schema_markdown())
        return
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tables": {
            name: [{"name": c.name, "type": c.sql_type, "doc": c.doc} for c in t.columns]
            for name, t in TABLES.items()
        },
    }
    emit_json(payload)
